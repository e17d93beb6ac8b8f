package promote_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

// copyShop copies the shop example into a temporary repository.
func copyShop(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(filepath.Join("..", "examples", "shop"))))
	return dst
}

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(data), old, file)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

func snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.Type()&fs.ModeSymlink != 0 {
			to, err := os.Readlink(p)
			files[filepath.ToSlash(rel)] = "symlink to " + to
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	}))
	return files
}

func planner(t *testing.T, root string, now time.Time) *promote.Planner {
	t.Helper()
	p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return now }})
	require.NoError(t, err)
	return p
}

var ordinaryDay = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func renderImages(t *testing.T, root, env string) map[string]string {
	t.Helper()
	versions, _ := renderVersions(t, root, filepath.Join("overlays", env))
	return versions
}

// renderVersions renders dir of the repository at root and returns the
// version of each artifact, and the result.
func renderVersions(t *testing.T, root, dir string) (map[string]string, *render.Result) {
	t.Helper()
	r, err := render.New(render.Options{Root: root})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), filepath.Join(root, dir))
	require.NoError(t, err)
	out := map[string]string{}
	for _, a := range promote.Artifacts(res.Objects) {
		vs := a.Versions()
		require.Len(t, vs, 1, a.Name)
		out[a.Name] = vs[0].String()
	}
	return out, res
}

// TestPromoteStagingToProduction is the end-to-end path: plan, apply to a
// copy, and production then runs staging's versions, with only the planned
// bytes changed; a second plan has nothing to do.
func TestPromoteStagingToProduction(t *testing.T) {
	root := copyShop(t)
	before := snapshot(t, root)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	require.Len(t, plan.Files, 1)
	f := plan.Files[0]
	assert.Equal(t, "overlays/production/kustomization.yaml", f.Path)
	var edits []string
	for _, e := range f.Edits {
		edits = append(edits, e.Old+" -> "+e.New+" @"+strings.Join(e.Keys, "."))
	}
	assert.Equal(t, []string{"2.3.0 -> 2.4.1 @images.0.newTag", "1.7.2 -> 1.8.0 @images.1.newTag"}, edits)
	assert.Contains(t, plan.Diff, "-    newTag: 2.3.0\n+    newTag: 2.4.1\n")
	assert.NotEmpty(t, plan.Inputs)
	assert.Empty(t, plan.Findings)

	applied, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, []string{"overlays/production/kustomization.yaml"}, applied.Written)

	after := snapshot(t, root)
	for path, content := range before {
		if path == f.Path {
			continue
		}
		assert.Equal(t, content, after[path], "%s must not change", path)
	}
	assert.Equal(t, strings.NewReplacer("newTag: 2.3.0", "newTag: 2.4.1", "newTag: 1.7.2", "newTag: 1.8.0").Replace(before[f.Path]), after[f.Path],
		"only the two tags changed, comments and layout kept")

	staging, production := renderImages(t, root, "staging"), renderImages(t, root, "production")
	assert.Equal(t, staging, production, "production runs staging's versions")

	again, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status)
	assert.Empty(t, again.Files)

	// Applying the same plan twice is a no-op.
	applied, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Empty(t, applied.Written)
	assert.Equal(t, []string{f.Path}, applied.Unchanged)
}

// TestSharedBaseIsOverridden: an image pinned only in a base every
// environment renders is promoted by an images: entry in the target's
// kustomization, never by editing the base.
func TestSharedBaseIsOverridden(t *testing.T) {
	root := copyShop(t)
	replaceIn(t, filepath.Join(root, "overlays", "staging", "kustomization.yaml"),
		"  - name: ghcr.io/acme-shop/invoice-worker\n", "  - name: docker.io/library/busybox\n    newTag: 1.37.0\n  - name: ghcr.io/acme-shop/invoice-worker\n")
	base := filepath.Join(root, "apps", "base", "invoice-worker", "cronjob.yaml")
	baseBefore, err := os.ReadFile(base)
	require.NoError(t, err)

	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: promote.Selection{Only: []string{"busybox"}}})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	require.Len(t, plan.Files, 1)
	assert.Equal(t, "overlays/production/kustomization.yaml", plan.Files[0].Path)
	e := plan.Files[0].Edits[0]
	assert.Equal(t, promote.OpAppend, e.Op)
	assert.Contains(t, e.Reason, "pins docker.io/library/busybox only in apps/base/invoice-worker/cronjob.yaml, which dev and staging also render")
	assert.Contains(t, plan.Diff, "+  - name: docker.io/library/busybox\n+    newTag: 1.37.0\n")

	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	baseAfter, err := os.ReadFile(base)
	require.NoError(t, err)
	assert.Equal(t, string(baseBefore), string(baseAfter), "the shared base is untouched")
	assert.Equal(t, "1.37.0", renderImages(t, root, "production")["docker.io/library/busybox"])
	assert.Equal(t, "1.36.1", renderImages(t, root, "dev")["docker.io/library/busybox"], "dev keeps its version")
}

func TestDowngradeNeedsRollback(t *testing.T) {
	root := copyShop(t)
	p := planner(t, root, ordinaryDay)
	plan, err := p.Plan(context.Background(), promote.Request{From: "production", To: "staging"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	require.NotEmpty(t, plan.Verdict.Reasons)
	assert.Contains(t, plan.Verdict.Reasons[0], "[no-downgrade]")
	_, err = plan.Apply(context.Background(), root)
	assert.ErrorContains(t, err, "the plan is blocked")

	plan, err = p.Plan(context.Background(), promote.Request{From: "production", To: "staging", Rollback: true})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.True(t, plan.Rollback, "the plan records the rollback")
}

func TestStalePlanRefusesToApply(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	kust := filepath.Join(root, "overlays", "production", "kustomization.yaml")
	replaceIn(t, kust, "DB_POOL_SIZE=40", "DB_POOL_SIZE=60")
	before, err := os.ReadFile(kust)
	require.NoError(t, err)

	_, err = plan.Apply(context.Background(), root)
	require.Error(t, err)
	assert.ErrorIs(t, err, promote.ErrStale)
	var ae *promote.ApplyError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, "overlays/production/kustomization.yaml", ae.File)
	after, err := os.ReadFile(kust)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "nothing written")
}

func TestPlanRoundTripsThroughJSON(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	raw, err := json.Marshal(plan)
	require.NoError(t, err)
	var back promote.Plan
	require.NoError(t, json.Unmarshal(raw, &back))
	again, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(again))

	applied, err := back.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Len(t, applied.Written, 1)
	assert.Equal(t, renderImages(t, root, "staging"), renderImages(t, root, "production"))
}

// TestReadPlans reads a plan or a list of plans, as strictly as ReadPlan;
// Conflicts names the files two plans of a list both edit.
func TestReadPlans(t *testing.T) {
	root := copyShop(t)
	p := planner(t, root, ordinaryDay)
	prod, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	dev, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "dev", Rollback: true})
	require.NoError(t, err)
	encode := func(v any) string {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		return string(raw)
	}
	one, err := promote.ReadPlans(strings.NewReader(encode(prod)))
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, "production", one[0].Target.Name)
	two, err := promote.ReadPlans(strings.NewReader(encode(promote.NewPlanList([]*promote.Plan{prod, dev}))))
	require.NoError(t, err)
	require.Len(t, two, 2)
	assert.Equal(t, "dev", two[1].Target.Name)
	assert.Empty(t, promote.Conflicts(two))
	assert.Equal(t, map[string][]string{"overlays/production/kustomization.yaml": {"overlays/production"}}, promote.Conflicts([]*promote.Plan{prod, prod}))
	// A plan that reads what another edits (an overlay extending
	// production) goes stale once that one is applied.
	reader := *dev
	reader.Inputs = append(slices.Clone(dev.Inputs), render.File{Path: "overlays/production/kustomization.yaml"})
	assert.Equal(t, map[string][]string{"overlays/production/kustomization.yaml": {"overlays/production", "overlays/dev"}}, promote.Conflicts([]*promote.Plan{prod, &reader}))

	for name, doc := range map[string]string{
		"empty list":    `{"apiVersion":"ferry.dev/v1alpha1","kind":"PlanList","items":[]}`,
		"null item":     `{"apiVersion":"ferry.dev/v1alpha1","kind":"PlanList","items":[null]}`,
		"foreign item":  `{"apiVersion":"ferry.dev/v1alpha1","kind":"PlanList","items":[{"apiVersion":"v1","kind":"ConfigMap"}]}`,
		"unknown field": `{"apiVersion":"ferry.dev/v1alpha1","kind":"PlanList","items":[],"extra":1}`,
		"other version": `{"apiVersion":"ferry.dev/v2","kind":"PlanList","items":[` + encode(prod) + `]}`,
		"trailing data": `{"apiVersion":"ferry.dev/v1alpha1","kind":"PlanList","items":[` + encode(prod) + `]} {}`,
		"not JSON":      `kind: PlanList`,
		"not a plan":    `{"apiVersion":"v1","kind":"ConfigMap"}`,
	} {
		_, err := promote.ReadPlans(strings.NewReader(doc))
		assert.ErrorIs(t, err, promote.ErrMalformedPlan, name)
	}
}

func TestFreezeWindowBlocks(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, time.Date(2027, 12, 24, 9, 0, 0, 0, time.UTC)).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "[freeze-window] production is frozen from 2027-12-20T00:00:00Z until 2028-01-03T00:00:00Z: year-end change freeze")
}

func TestDigestsFollowTheSource(t *testing.T) {
	root := copyShop(t)
	digest := "sha256:" + strings.Repeat("ab", 32)
	replaceIn(t, filepath.Join(root, "overlays", "staging", "kustomization.yaml"),
		"  - name: ghcr.io/acme-shop/orders-api\n    newTag: 1.8.0\n", "  - name: ghcr.io/acme-shop/orders-api\n    newTag: 1.8.0\n    digest: "+digest+"\n")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: promote.Selection{Only: []string{"orders-api"}}})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Contains(t, plan.Diff, "-    newTag: 1.7.2\n+    newTag: 1.8.0\n+    digest: "+digest+"\n")
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, "1.8.0@"+digest, renderImages(t, root, "production")["ghcr.io/acme-shop/orders-api"])

	// Back the other way: the source has no digest, so the target's goes.
	plan, err = planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "dev", To: "production", Selection: promote.Selection{Only: []string{"orders-api"}}})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Contains(t, plan.Diff, "-    digest: "+digest+"\n")
}

func TestRequiredDigestBlocks(t *testing.T) {
	root := copyShop(t)
	replaceIn(t, filepath.Join(root, "ferry.yaml"), "    kubernetesVersion: \"1.33\"\n", "    kubernetesVersion: \"1.33\"\n    policy:\n      requireDigest: true\n")
	replaceIn(t, filepath.Join(root, "ferry.yaml"), "    policy:\n      allowedRegistries: [ghcr.io/acme-shop, docker.io/library]\n    freeze:", "    freeze:")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "[digest-required] production requires image digests, but staging pins ghcr.io/acme-shop/orders-api:1.8.0 without one")
}

func TestLiteralInATargetFile(t *testing.T) {
	root := copyShop(t)
	// production pins the worker's image in a patch of its own.
	require.NoError(t, os.WriteFile(filepath.Join(root, "overlays", "production", "worker-image.yaml"), []byte(`# production runs the worker image it was certified with
apiVersion: batch/v1
kind: CronJob
metadata:
  name: invoice-worker
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: invoice-worker
              image: "ghcr.io/acme-shop/invoice-worker:0.9.3" # certified 2026-10-01
`), 0o644))
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"), "  - name: ghcr.io/acme-shop/invoice-worker\n    newTag: 0.9.4\n", "")
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"), "  - path: orders-api-hpa.yaml\n", "  - path: worker-image.yaml\n  - path: orders-api-hpa.yaml\n")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: promote.Selection{Only: []string{"invoice-worker"}}})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	require.Len(t, plan.Files, 1)
	assert.Equal(t, "overlays/production/worker-image.yaml", plan.Files[0].Path)
	assert.Contains(t, plan.Diff, `-              image: "ghcr.io/acme-shop/invoice-worker:0.9.3" # certified 2026-10-01`+"\n"+`+              image: "ghcr.io/acme-shop/invoice-worker:0.9.4" # certified 2026-10-01`)
}

func TestPlanErrors(t *testing.T) {
	p := planner(t, copyShop(t), ordinaryDay)
	_, err := p.Plan(context.Background(), promote.Request{From: "qa", To: "production"})
	assert.ErrorContains(t, err, `no environment "qa": name one of dev, staging, production`)
	_, err = p.Plan(context.Background(), promote.Request{From: "staging", To: "overlays/staging"})
	assert.ErrorContains(t, err, "are the same environment")
}

func TestStatusMatrix(t *testing.T) {
	m, err := planner(t, copyShop(t), ordinaryDay).Status(context.Background())
	require.NoError(t, err)
	require.Len(t, m.Environments, 3)
	rows := map[string][]promote.Cell{}
	for _, r := range m.Rows {
		rows[r.Artifact] = r.Cells
	}
	assert.Equal(t, []promote.Cell{{Version: "2.5.0-rc.1"}, {Version: "2.4.1", Behind: true}, {Version: "2.3.0", Behind: true}}, rows["ghcr.io/acme-shop/storefront"])
	assert.Equal(t, []promote.Cell{{Version: "0.9.4"}, {Version: "0.9.4"}, {Version: "0.9.4"}}, rows["ghcr.io/acme-shop/invoice-worker"])
}

func TestDiscoveredEnvironments(t *testing.T) {
	root := copyShop(t)
	require.NoError(t, os.Remove(filepath.Join(root, "ferry.yaml")))
	require.NoError(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
	p := planner(t, root, ordinaryDay)
	var names []string
	for _, e := range p.Config().Environments {
		names = append(names, e.Name+"="+e.Path)
	}
	assert.Equal(t, []string{"dev=overlays/dev", "production=overlays/production", "staging=overlays/staging",
		"clusters/dev=clusters/dev", "clusters/production=clusters/production", "clusters/staging=clusters/staging"}, names)
	plan, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "overlays/production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
}

// TestTargetIsValidatedForItsKubernetesVersion: the target is validated
// against its cluster's version (ferry.yaml: production runs 1.33), so an
// API removed there is found; the target had it before the promotion, so
// it is existing: it blocks only when the request blocks on existing too.
func TestTargetIsValidatedForItsKubernetesVersion(t *testing.T) {
	root := copyShop(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "overlays", "production", "pdb.yaml"), []byte(`apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: storefront
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: storefront
`), 0o644))
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"), "  - namespace.yaml\n", "  - namespace.yaml\n  - pdb.yaml\n")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	found := false
	for _, f := range plan.Findings {
		if f.Rule == "removed-api" {
			found = true
			assert.Equal(t, "overlays/production/pdb.yaml", f.Source.File)
			assert.Contains(t, f.Message, "policy/v1")
			assert.Equal(t, finding.BaselineExisting, f.Baseline)
		}
	}
	assert.True(t, found, "a removed-api finding: %v", plan.Findings)

	strict, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", BlockOn: []finding.Baseline{finding.BaselineExisting}})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, strict.Verdict.Status)
	require.Len(t, strict.Verdict.Reasons, 1)
	assert.Contains(t, strict.Verdict.Reasons[0], "[removed-api] (existing)")
}

// TestApplyRefusesChangedInputs: a plan rests on every file it read, not
// only those it edits.
func TestApplyRefusesChangedInputs(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	replaceIn(t, filepath.Join(root, "apps", "base", "invoice-worker", "cronjob.yaml"), "busybox:1.36.1", "busybox:latest")
	_, err = plan.Apply(context.Background(), root)
	require.ErrorIs(t, err, promote.ErrStale)
	assert.ErrorContains(t, err, "apps/base/invoice-worker/cronjob.yaml")
}

// TestApplyRefusesChangedConfig: the verdict rests on ferry.yaml's
// settings too, so a plan applied after ferry.yaml changed is stale.
func TestApplyRefusesChangedConfig(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(plan.Inputs, func(f render.File) bool { return f.Path == promote.ConfigFile }), "ferry.yaml is an input: %v", plan.Inputs)
	cfg := filepath.Join(root, promote.ConfigFile)
	data, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, append(data, []byte("# changed\n")...), 0o644))
	_, err = plan.Apply(context.Background(), root)
	require.ErrorIs(t, err, promote.ErrStale)
	var ae *promote.ApplyError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, promote.ConfigFile, ae.File)
}

// TestApplyKeepsModesAndRefusesSymlinks checks what Apply writes over.
func TestApplyKeepsModesAndRefusesSymlinks(t *testing.T) {
	root := copyShop(t)
	kust := filepath.Join(root, "overlays", "production", "kustomization.yaml")
	require.NoError(t, os.Chmod(kust, 0o664))
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	info, err := os.Stat(kust)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o664), info.Mode().Perm())
	leftovers, _ := filepath.Glob(filepath.Join(root, "overlays", "production", ".*tmp"))
	assert.Empty(t, leftovers)

	root = copyShop(t)
	plan, err = planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	kust = filepath.Join(root, "overlays", "production", "kustomization.yaml")
	real := filepath.Join(root, "overlays", "production", "real.yaml")
	require.NoError(t, os.Rename(kust, real))
	require.NoError(t, os.Symlink("real.yaml", kust))
	_, err = plan.Apply(context.Background(), root)
	assert.ErrorContains(t, err, "is a symlink")
}

// TestUnreadableEnvironmentStopsThePlan: without another environment's
// files, ferry cannot know what the target shares with it.
func TestUnreadableEnvironmentStopsThePlan(t *testing.T) {
	root := copyShop(t)
	replaceIn(t, filepath.Join(root, "overlays", "dev", "kustomization.yaml"), "resources:\n", "resources:\n  - https://github.com/acme/monitoring//base?ref=v1\n")
	_, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.Error(t, err)
	assert.ErrorContains(t, err, "list the files of environment dev")
	assert.ErrorContains(t, err, "is remote")
}

// TestEnvironmentPathsAreCleaned: an environment whose path ferry.yaml
// writes another way (./overlays/production/) is one environment, not one
// that shares its own files, whether named or given by path.
func TestEnvironmentPathsAreCleaned(t *testing.T) {
	root := copyShop(t)
	replaceIn(t, filepath.Join(root, "ferry.yaml"), "path: overlays/production", "path: ./overlays/production/")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Equal(t, promote.EnvironmentRef{Name: "production", Path: "overlays/production"}, plan.Target)
	require.Len(t, plan.Files, 1)
	for _, e := range plan.Files[0].Edits {
		assert.Equal(t, promote.OpSet, e.Op, "the images: entries are edited, not overridden")
		assert.NotContains(t, e.Reason, "also render")
	}
}

// TestAnEditFerryCannotMakeBlocks: an edit the YAML's shape does not allow
// (a key added to a flow mapping) blocks the plan with a finding on the
// file; it is not a failure to plan.
func TestAnEditFerryCannotMakeBlocks(t *testing.T) {
	root := copyShop(t)
	digest := "sha256:" + strings.Repeat("ab", 32)
	replaceIn(t, filepath.Join(root, "overlays", "staging", "kustomization.yaml"),
		"  - name: ghcr.io/acme-shop/orders-api\n    newTag: 1.8.0\n", "  - name: ghcr.io/acme-shop/orders-api\n    newTag: 1.8.0\n    digest: "+digest+"\n")
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"),
		"  - name: ghcr.io/acme-shop/orders-api\n    newTag: 1.7.2\n", "  - {name: ghcr.io/acme-shop/orders-api, newTag: 1.7.2}\n")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: promote.Selection{Only: []string{"orders-api"}}})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	var edit *finding.Finding
	for i, f := range plan.Findings {
		if f.Rule == "edit" {
			edit = &plan.Findings[i]
		}
	}
	require.NotNil(t, edit, "%v", plan.Findings)
	assert.Equal(t, "overlays/production/kustomization.yaml", edit.Source.File)
	assert.Contains(t, edit.Message, "make it by hand")
}

// TestOwnKustomizationSharedWithAnotherEnvironment: an overlay built on the
// target's (production-eu on production) is promoted too by the edits of
// the target's kustomization, and the plan warns.
func TestOwnKustomizationSharedWithAnotherEnvironment(t *testing.T) {
	root := copyShop(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "overlays", "production-eu"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "overlays", "production-eu", "kustomization.yaml"), []byte("resources:\n  - ../production\nnamePrefix: eu-\n"), 0o644))
	replaceIn(t, filepath.Join(root, "ferry.yaml"), "  - name: production\n", "  - name: production-eu\n    path: overlays/production-eu\n  - name: production\n")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	require.Len(t, plan.Files, 1)
	assert.Equal(t, "overlays/production/kustomization.yaml", plan.Files[0].Path)
	for _, e := range plan.Files[0].Edits {
		assert.Equal(t, promote.OpSet, e.Op)
	}
	require.Len(t, plan.Findings, 1)
	assert.Equal(t, "shared-edit", plan.Findings[0].Rule)
	assert.Equal(t, finding.SeverityWarning, plan.Findings[0].Severity)
	assert.Contains(t, plan.Findings[0].Message, "production-eu also render it")
}

// TestPlanSourceDefaultsToFrom: a request without a source plans from the
// environment ferry.yaml says the target is promoted from.
func TestPlanSourceDefaultsToFrom(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.EnvironmentRef{Name: "staging", Path: "overlays/staging"}, plan.Source)
	_, err = planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{To: "dev"})
	assert.ErrorContains(t, err, "no source environment")
}
