package promote_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

// How an environment pins an app's image.
const (
	pinInherit = iota // the base's tag
	pinImages         // an images: entry of the overlay
	pinPatch          // a strategic-merge patch file of the overlay
	pinJSON           // a JSON patch file of the overlay
	pinOwnCopy        // the overlay's own copy of the Deployment
)

// layout is a random repository: environments side by side under parent,
// each rendering the apps' shared bases and pinning each app's image one
// of the ways above.
type layout struct {
	parent string
	config bool // a ferry.yaml lists the environments
	envs   []string
	apps   []string
	pins   map[string]map[string]int    // env -> app -> how
	tags   map[string]map[string]string // env -> app -> tag it pins (not for pinInherit)
	base   map[string]string            // app -> the base's tag
}

func randomLayout(r *rand.Rand) layout {
	l := layout{
		parent: []string{"overlays", "env", "deploy/overlays", "environments/regions"}[r.IntN(4)],
		config: r.IntN(2) == 0,
		pins:   map[string]map[string]int{},
		tags:   map[string]map[string]string{},
		base:   map[string]string{},
	}
	names := []string{"dev", "qa", "staging", "prod-east", "prod-west", "ab-test"}
	l.envs = names[:3+r.IntN(4)]
	for i := range 1 + r.IntN(3) {
		app := fmt.Sprintf("app%d", i)
		l.apps = append(l.apps, app)
		l.base[app] = fmt.Sprintf("1.%d.0", r.IntN(5))
	}
	for _, e := range l.envs {
		l.pins[e], l.tags[e] = map[string]int{}, map[string]string{}
		for _, app := range l.apps {
			// Inherited and own copies twice as often: a target that
			// inherits the base from a source that does not render it is
			// where a base shared only with a third environment shows.
			l.pins[e][app] = []int{pinInherit, pinInherit, pinImages, pinPatch, pinJSON, pinOwnCopy, pinOwnCopy}[r.IntN(7)]
			l.tags[e][app] = fmt.Sprintf("1.%d.%d", r.IntN(5), r.IntN(3))
		}
	}
	return l
}

func deploymentOf(app, tag string) string {
	return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %[1]s\nspec:\n  template:\n    spec:\n      containers:\n        - name: %[1]s\n          image: ghcr.io/acme/%[1]s:%[2]s\n", app, tag)
}

func (l layout) files() map[string]string {
	files := map[string]string{}
	if l.config {
		var b strings.Builder
		b.WriteString("apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n")
		for i, e := range l.envs {
			fmt.Fprintf(&b, "  - name: %s\n    path: %s/%s\n", e, l.parent, e)
			if i > 0 {
				fmt.Fprintf(&b, "    from: %s\n", l.envs[i-1])
			}
		}
		files["ferry.yaml"] = b.String()
	}
	for _, app := range l.apps {
		files["bases/"+app+"/kustomization.yaml"] = "resources:\n  - deployment.yaml\n"
		files["bases/"+app+"/deployment.yaml"] = deploymentOf(app, l.base[app])
	}
	up := strings.Repeat("../", strings.Count(l.parent, "/")+2)
	for _, e := range l.envs {
		dir := l.parent + "/" + e + "/"
		var resources, images, patches []string
		for _, app := range l.apps {
			tag := l.tags[e][app]
			switch l.pins[e][app] {
			case pinOwnCopy:
				resources = append(resources, app+".yaml")
				files[dir+app+".yaml"] = deploymentOf(app, tag)
				continue
			case pinImages:
				images = append(images, fmt.Sprintf("  - name: ghcr.io/acme/%s\n    newTag: %q\n", app, tag))
			case pinPatch:
				patches = append(patches, "  - path: "+app+"-patch.yaml\n")
				files[dir+app+"-patch.yaml"] = deploymentOf(app, tag)
			case pinJSON:
				patches = append(patches, fmt.Sprintf("  - path: %s-json.yaml\n    target:\n      kind: Deployment\n      name: %s\n", app, app))
				files[dir+app+"-json.yaml"] = fmt.Sprintf("- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: ghcr.io/acme/%s:%s\n", app, tag)
			}
			resources = append(resources, up+"bases/"+app)
		}
		var b strings.Builder
		b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: " + e + "\nresources:\n")
		for _, r := range resources {
			b.WriteString("  - " + r + "\n")
		}
		if len(images) > 0 {
			b.WriteString("images:\n" + strings.Join(images, ""))
		}
		if len(patches) > 0 {
			b.WriteString("patches:\n" + strings.Join(patches, ""))
		}
		files[dir+"kustomization.yaml"] = b.String()
	}
	return files
}

// renderAll renders every environment of the layout, as bytes.
func renderAll(t *testing.T, root string, l layout) map[string]string {
	t.Helper()
	dirs := make([]string, len(l.envs))
	for i, e := range l.envs {
		dirs[i] = path.Join(l.parent, e)
	}
	byDir := renderDirs(t, root, dirs)
	out := map[string]string{}
	for i, e := range l.envs {
		out[e] = byDir[dirs[i]]
	}
	return out
}

// TestPlanPropertyOnRandomLayouts: on random repositories — environments
// side by side with and without a ferry.yaml, sharing bases, each pinning
// each image its own way (inherited from the base, an images: entry, a
// patch file, a JSON patch file, its own copy) — a plan between two
// environments either blocks with a reason or, applied, changes the
// render of no other environment, gives the target the source's version
// of every image, and plans noop again. It never fails to plan.
func TestPlanPropertyOnRandomLayouts(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 8
	}
	ready, blocked := 0, 0
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			l := randomLayout(rng)
			root := writeRepo(t, l.files())
			i := rng.IntN(len(l.envs) - 1)
			from, to := l.envs[i], l.envs[i+1+rng.IntN(len(l.envs)-i-1)]
			before := renderAll(t, root, l)
			p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
			require.NoError(t, err)
			req := promote.Request{From: path.Join(l.parent, from), To: path.Join(l.parent, to), Rollback: true}
			plan, err := p.Plan(context.Background(), req)
			require.NoError(t, err, "%s -> %s\n%v", from, to, l.files())
			switch plan.Verdict.Status {
			case promote.StatusBlocked:
				blocked++
				require.NotEmpty(t, plan.Verdict.Reasons)
				return
			case promote.StatusNoop:
				assert.Equal(t, versionsOf(t, root, req.From), versionsOf(t, root, req.To), "noop, yet the versions differ")
				return
			}
			ready++
			_, err = plan.Apply(context.Background(), root)
			require.NoError(t, err)
			after := renderAll(t, root, l)
			for _, e := range l.envs {
				if e != to {
					assert.Equal(t, before[e], after[e], "%s -> %s changed %s's render\n%s", from, to, e, plan.Diff)
				}
			}
			assert.Equal(t, versionsOf(t, root, req.From), versionsOf(t, root, req.To), "the target runs the source's versions\n%s", plan.Diff)
			again, err := p.Plan(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, promote.StatusNoop, again.Verdict.Status, again.Verdict.Reasons)
		})
	}
	t.Logf("%d ready, %d blocked, %d noop", ready, blocked, seeds-ready-blocked)
	assert.Positive(t, ready, "the layouts exercise ready plans")
}

func versionsOf(t *testing.T, root, dir string) map[string]string {
	t.Helper()
	v, _ := renderVersions(t, root, dir)
	return v
}
