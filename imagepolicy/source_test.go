package imagepolicy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/imagepolicy"
	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/promote"
)

// serve starts an in-process registry behind wrap (nil for none) and
// returns its host.
func serve(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(nilLogger()))
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// push pushes one image to host/repo under every tag, and returns the
// digests by tag.
func push(t *testing.T, host, repo string, tags ...string) map[string]v1.Hash {
	t.Helper()
	digests := map[string]v1.Hash{}
	for _, tag := range tags {
		img, err := random.Image(64, 1)
		require.NoError(t, err)
		ref, err := name.NewTag(host+"/"+repo+":"+tag, name.Insecure)
		require.NoError(t, err)
		require.NoError(t, remote.Write(ref, img))
		digests[tag], err = img.Digest()
		require.NoError(t, err)
	}
	return digests
}

func TestRegistry(t *testing.T) {
	host := serve(t, nil)
	digests := push(t, host, "acme/web", "1.2.0", "1.3.0", "2.0.0")
	reg := imagepolicy.Registry{Insecure: true}
	tags, err := reg.Tags(context.Background(), host+"/acme/web")
	require.NoError(t, err)
	slices.Sort(tags)
	assert.Equal(t, []string{"1.2.0", "1.3.0", "2.0.0"}, tags)
	d, err := reg.Digest(context.Background(), host+"/acme/web", "1.3.0")
	require.NoError(t, err)
	assert.Equal(t, digests["1.3.0"].String(), d)
}

func TestRegistryErrors(t *testing.T) {
	status := func(code int) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/tags/list") {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(code)
					fmt.Fprint(w, `{"errors":[{"code":"DENIED","message":"no"}]}`)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	cases := []struct {
		name string
		wrap func(http.Handler) http.Handler
		want string
	}{
		{"missing repository", nil, "has no image"},
		{"refused", status(http.StatusForbidden), "refused to list the tags of image"},
		{"rate limited", status(http.StatusTooManyRequests), "rate-limited"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := serve(t, c.wrap)
			if c.wrap != nil {
				push(t, host, "acme/web", "1.0.0")
			}
			_, err := imagepolicy.Registry{Insecure: true}.Tags(context.Background(), host+"/acme/web")
			require.Error(t, err)
			assert.True(t, errors.Is(err, imagepolicy.ErrRegistry))
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), host+"/acme/web", "the error names the image")
		})
	}
}

// A repository whose dev environment runs host/acme/web:1.2.0 and
// host/acme/worker:build-100 under Flux image policies.
func writeRepo(t *testing.T, host string, allowPre bool, semverRange string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"ferry.yaml": fmt.Sprintf(`apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: dev
    path: overlays/dev
    policy:
      allowPrerelease: %v
`, allowPre),
		"overlays/dev/kustomization.yaml": `resources:
  - apps.yaml
  - images.yaml
images:
  - name: HOST/acme/web
    newTag: 1.2.0 # {"$imagepolicy": "flux-system:web:tag"}
`,
		"overlays/dev/apps.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: HOST/acme/web:1.0.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: shop
  annotations:
    ferry.dev/waive: "semver-tag: CI build numbers, ordered by the numerical image policy"
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: HOST/acme/worker:build-100 # {"$imagepolicy": "flux-system:worker"}
`,
		"overlays/dev/images.yaml": `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: web
  namespace: flux-system
spec:
  image: HOST/acme/web
  interval: 5m
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: web
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: web
  policy:
    semver:
      range: "RANGE"
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: worker
  namespace: flux-system
spec:
  image: HOST/acme/worker
  interval: 5m
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: worker
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: worker
  filterTags:
    pattern: '^build-(?P<n>[0-9]+)$'
    extract: '$n'
  policy:
    numerical:
      order: asc
`,
	}
	for f, content := range files {
		files[f] = strings.NewReplacer("HOST", host, "RANGE", semverRange).Replace(content)
	}
	require.NoError(t, testrepo.WriteFiles(dir, files))
	return dir
}

func planDev(t *testing.T, dir string, src promote.VersionSource) *promote.Plan {
	t.Helper()
	planner, err := promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	plan, err := planner.Plan(context.Background(), promote.Request{To: "dev", Versions: src})
	require.NoError(t, err)
	return plan
}

func changes(p *promote.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Promotes() {
			out = append(out, fmt.Sprintf("%s %s -> %s", c.Artifact[strings.LastIndex(c.Artifact, "/")+1:], c.From, c.To))
		}
	}
	return out
}

func TestPlanFromRegistry(t *testing.T) {
	host := serve(t, nil)
	push(t, host, "acme/web", "1.2.0", "1.3.0", "1.4.0-rc.1", "2.0.0")
	push(t, host, "acme/worker", "build-100", "build-99", "build-120", "latest", "build-120.sig")
	src := imagepolicy.Source{Lister: imagepolicy.Registry{Insecure: true}}

	dir := writeRepo(t, host, false, ">=1.0.0 <2.0.0")
	plan := planDev(t, dir, src)
	assert.Equal(t, "registry", plan.Source.Name)
	assert.Empty(t, plan.Source.Path)
	assert.Equal(t, []string{"web 1.2.0 -> 1.3.0", "worker build-100 -> build-120"}, changes(plan))
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	var edited []string
	for _, f := range plan.Files {
		edited = append(edited, f.Path)
	}
	assert.Equal(t, []string{"overlays/dev/apps.yaml", "overlays/dev/kustomization.yaml"}, edited)
	_, err := plan.Apply(context.Background(), dir)
	require.NoError(t, err)
	kust, err := os.ReadFile(filepath.Join(dir, "overlays/dev/kustomization.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(kust), `newTag: 1.3.0 # {"$imagepolicy": "flux-system:web:tag"}`, "the marker comment is kept")
	again := planDev(t, dir, src)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status, again.Verdict.Reasons)

	// Where the environment takes prereleases, the release candidate.
	dir = writeRepo(t, host, true, ">=1.0.0 <2.0.0")
	plan = planDev(t, dir, src)
	assert.Equal(t, []string{"web 1.2.0 -> 1.4.0-rc.1", "worker build-100 -> build-120"}, changes(plan))
}

func TestPlanFromRegistryNoTagIsAFinding(t *testing.T) {
	host := serve(t, nil)
	push(t, host, "acme/web", "1.2.0", "2.0.0")
	push(t, host, "acme/worker", "build-100")
	dir := writeRepo(t, host, false, ">=3.0.0")
	plan := planDev(t, dir, imagepolicy.Source{Lister: imagepolicy.Registry{Insecure: true}})
	require.Len(t, plan.Findings, 1, plan.Findings)
	f := plan.Findings[0]
	assert.Equal(t, imagepolicy.RuleNoTag, f.Rule)
	assert.Equal(t, finding.SeverityWarning, f.Severity)
	assert.Equal(t, "overlays/dev/images.yaml", f.Source.File)
	assert.Contains(t, f.Message, `no tag of `+host+`/acme/web is a version in the range ">=3.0.0"`)
	assert.Equal(t, promote.StatusNoop, plan.Verdict.Status)
}

func TestPlanFromRegistryErrors(t *testing.T) {
	host := serve(t, nil)
	push(t, host, "acme/web", "1.2.0")
	dir := writeRepo(t, host, false, ">=1.0.0")
	planner, err := promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	// acme/worker is not in the registry: an error, never "no newer tag".
	_, err = planner.Plan(context.Background(), promote.Request{To: "dev", Versions: imagepolicy.Source{Lister: imagepolicy.Registry{Insecure: true}}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, imagepolicy.ErrRegistry), err)
	assert.Contains(t, err.Error(), "overlays/dev/images.yaml:")
	assert.Contains(t, err.Error(), "flux-system/worker")

	_, err = planner.Plan(context.Background(), promote.Request{From: "dev", To: "dev", Versions: imagepolicy.Source{}})
	require.ErrorContains(t, err, "not both")
}

func nilLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// A team without Flux's image objects writes its policies in ferry.yaml.
func TestPlanFromRegistryConfiguredPolicies(t *testing.T) {
	host := serve(t, nil)
	push(t, host, "acme/web", "1.2.0", "1.3.0", "2.0.0")
	push(t, host, "acme/worker", "build-100", "build-120")
	dir := writeRepo(t, host, false, ">=1.0.0 <2.0.0")
	require.NoError(t, os.Remove(filepath.Join(dir, "overlays/dev/images.yaml")))
	apps := filepath.Join(dir, "overlays/dev/apps.yaml")
	data, err := os.ReadFile(apps)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(apps, []byte(strings.Replace(string(data), ` # {"$imagepolicy": "flux-system:worker"}`, "", 1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "overlays/dev/kustomization.yaml"), []byte(strings.ReplaceAll(`resources:
  - apps.yaml
images:
  - name: HOST/acme/web
    newTag: 1.2.0
`, "HOST", host)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ferry.yaml"), []byte(strings.ReplaceAll(`apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: dev
    path: overlays/dev
    imagePolicies:
      - image: HOST/acme/web
        policy:
          semver:
            range: ^1.0.0
      - image: HOST/acme/worker
        filterTags:
          pattern: '^build-(?P<n>[0-9]+)$'
          extract: $n
        policy:
          numerical: {}
`, "HOST", host)), 0o644))
	plan := planDev(t, dir, imagepolicy.Source{Lister: imagepolicy.Registry{Insecure: true}})
	assert.Equal(t, []string{"web 1.2.0 -> 1.3.0", "worker build-100 -> build-120"}, changes(plan))

	// One image, two policies: refused.
	data, err = os.ReadFile(filepath.Join(dir, "ferry.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ferry.yaml"), []byte(strings.Replace(string(data), "image: "+host+"/acme/worker", "image: "+host+"/acme/web", 1)), 0o644))
	planner, err := promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	_, err = planner.Plan(context.Background(), promote.Request{To: "dev", Versions: imagepolicy.Source{Lister: imagepolicy.Registry{Insecure: true}}})
	require.ErrorContains(t, err, "has two policies")
}

// Two policies for one image: the setter comments say which line takes
// which, as Flux's image automation reads them.
func TestPlanFromRegistrySetterComments(t *testing.T) {
	host := serve(t, nil)
	push(t, host, "acme/web", "1.2.0", "1.3.0", "2.0.0", "2.1.0")
	deployment := func(name, tag, comment string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ` + name + `
spec:
  selector:
    matchLabels: {app: ` + name + `}
  template:
    metadata:
      labels: {app: ` + name + `}
    spec:
      containers:
        - name: web
          image: ` + host + `/acme/web:` + tag + comment + `
`
	}
	policies := `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: web, namespace: flux-system}
spec: {image: ` + host + `/acme/web, interval: 5m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: web-stable, namespace: flux-system}
spec:
  imageRepositoryRef: {name: web}
  policy: {semver: {range: ^1.0.0}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: web-next, namespace: flux-system}
spec:
  imageRepositoryRef: {name: web}
  policy: {semver: {range: ">=2.0.0"}}
`
	write := func(stable, next string) string {
		dir := t.TempDir()
		require.NoError(t, testrepo.WriteFiles(dir, map[string]string{
			"ferry.yaml":             "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - {name: dev, path: dev}\n",
			"dev/kustomization.yaml": "resources: [stable.yaml, next.yaml, policies.yaml]\n",
			"dev/stable.yaml":        deployment("web", "1.2.0", stable),
			"dev/next.yaml":          deployment("web-next", "2.0.0", next),
			"dev/policies.yaml":      policies,
		}))
		return dir
	}
	src := imagepolicy.Source{Lister: imagepolicy.Registry{Insecure: true}}

	dir := write(` # {"$imagepolicy": "flux-system:web-stable"}`, ` # {"$imagepolicy": "flux-system:web-next"}`)
	// One image at two versions is one change ferry does not split by
	// itself: it says so, and each workload is promoted on its own.
	plan := planDev(t, dir, src)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "--object KIND/NAME")
	planner, err := promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	for _, object := range []string{"Deployment/web", "Deployment/web-next"} {
		plan, err := planner.Plan(context.Background(), promote.Request{To: "dev", Versions: src, Selection: promote.Selection{Objects: []string{object}}})
		require.NoError(t, err)
		require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
		_, err = plan.Apply(context.Background(), dir)
		require.NoError(t, err)
	}
	stable, err := os.ReadFile(filepath.Join(dir, "dev/stable.yaml"))
	require.NoError(t, err)
	next, err := os.ReadFile(filepath.Join(dir, "dev/next.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(stable), `/acme/web:1.3.0 # {"$imagepolicy": "flux-system:web-stable"}`)
	assert.Contains(t, string(next), `/acme/web:2.1.0 # {"$imagepolicy": "flux-system:web-next"}`)
	assert.Equal(t, promote.StatusNoop, planDev(t, dir, src).Verdict.Status)

	// Without setter comments ferry does not guess: both keep their
	// versions, and the plan says why.
	dir = write("", "")
	plan = planDev(t, dir, src)
	assert.Empty(t, changes(plan))
	require.Len(t, plan.Findings, 1)
	assert.Contains(t, plan.Findings[0].Message, "has several image policies (flux-system/web-next, flux-system/web-stable)")

	// One line marked, the other not: the unmarked use keeps its version,
	// with a warning, as Flux would leave it.
	dir = write(` # {"$imagepolicy": "flux-system:web-stable"}`, "")
	planner, err = promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	plan, err = planner.Plan(context.Background(), promote.Request{To: "dev", Versions: src, Selection: promote.Selection{Objects: []string{"Deployment/web"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"web 1.2.0 -> 1.3.0"}, changes(plan), "web-next's line names no policy")
	assert.Contains(t, plan.Findings[0].Message, "dev/next.yaml:14 names none of them")

	// A comment naming a policy the environment lacks is an error.
	dir = write(` # {"$imagepolicy": "flux-system:web-old"}`, "")
	planner, err = promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	_, err = planner.Plan(context.Background(), promote.Request{To: "dev", Versions: src})
	require.ErrorContains(t, err, "dev/stable.yaml:14: the setter comment names image policy flux-system/web-old, which dev does not define")
}

// fakeLister serves tags and digests from memory and counts the digests
// looked up.
type fakeLister struct {
	tags    []string
	digest  string
	lookups int
}

func (f *fakeLister) Tags(context.Context, string) ([]string, error) { return f.tags, nil }
func (f *fakeLister) Digest(context.Context, string, string) (string, error) {
	f.lookups++
	return f.digest, nil
}

// IfNotPresent keeps the digest a use pins with the chosen tag, as Flux
// does; Always looks it up every time; a new tag's digest is looked up
// either way.
func TestDigestReflection(t *testing.T) {
	oldDigest := "sha256:" + strings.Repeat("a", 64)
	newDigest := "sha256:" + strings.Repeat("b", 64)
	repo := func(reflection, pinned string) string {
		dir := t.TempDir()
		require.NoError(t, testrepo.WriteFiles(dir, map[string]string{
			"ferry.yaml":                      "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - name: dev\n    path: overlays/dev\n",
			"overlays/dev/kustomization.yaml": "resources:\n  - app.yaml\n  - images.yaml\n",
			"overlays/dev/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/acme/web:` + pinned + "@" + oldDigest + "\n",
			"overlays/dev/images.yaml": `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: web
  namespace: flux-system
spec:
  image: registry.example.com/acme/web
  interval: 5m
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: web
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: web
  digestReflectionPolicy: ` + reflection + `
  policy:
    semver:
      range: ">=1.0.0"
`,
		}))
		return dir
	}
	for _, c := range []struct {
		reflection, pinned string
		want               []string
		lookups            int
	}{
		{"IfNotPresent", "1.3.0", nil, 0},
		{"IfNotPresent", "1.2.0", []string{"web 1.2.0@" + oldDigest + " -> 1.3.0@" + newDigest}, 1},
		{"Always", "1.3.0", []string{"web 1.3.0@" + oldDigest + " -> 1.3.0@" + newDigest}, 1},
	} {
		t.Run(c.reflection+" "+c.pinned, func(t *testing.T) {
			lister := &fakeLister{tags: []string{"1.2.0", "1.3.0"}, digest: newDigest}
			plan := planDev(t, repo(c.reflection, c.pinned), imagepolicy.Source{Lister: lister})
			assert.Equal(t, c.want, changes(plan))
			assert.Equal(t, c.lookups, lister.lookups, "digests looked up")
			if c.want == nil {
				assert.Equal(t, promote.StatusNoop, plan.Verdict.Status, plan.Verdict.Reasons)
			}
		})
	}
}
