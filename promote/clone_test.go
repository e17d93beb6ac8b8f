package promote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

func renderYAML(t *testing.T, root, dir string) string {
	t.Helper()
	r, err := render.New(render.Options{FS: os.DirFS(root)})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), dir)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, res.WriteYAML(&b))
	return b.String()
}

// Cloning the production cluster: the copy renders what production renders
// but for its own values, and a second clone is a noop.
func TestCloneCluster(t *testing.T) {
	root := copyShop(t)
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	ctx := context.Background()
	req := promote.CloneRequest{From: "clusters/production", To: "clusters/production-eu-2", Set: map[string]string{"cluster_env": "production-eu-2"}}
	plan, err := planner.Clone(ctx, req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	var files []string
	for _, f := range plan.Files {
		files = append(files, f.Path)
		assert.Empty(t, f.Before)
		require.Len(t, f.Edits, 1)
		assert.Equal(t, promote.OpCreate, f.Edits[0].Op)
	}
	assert.Equal(t, []string{
		"clusters/production-eu-2/apps.yaml",
		"clusters/production-eu-2/flux-system/gotk-sync.yaml",
		"clusters/production-eu-2/flux-system/kustomization.yaml",
		"clusters/production-eu-2/infrastructure.yaml",
	}, files)
	assert.Contains(t, plan.Diff, "+++ b/clusters/production-eu-2/apps.yaml")

	applied, err := plan.Apply(ctx, root)
	require.NoError(t, err)
	assert.Equal(t, files, applied.Written)
	sync, err := os.ReadFile(filepath.Join(root, "clusters/production-eu-2/flux-system/gotk-sync.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(sync), "path: ./clusters/production-eu-2\n", "the cluster syncs its own folder")
	apps, err := os.ReadFile(filepath.Join(root, "clusters/production-eu-2/apps.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(apps), "cluster_env: production-eu-2\n")
	assert.Contains(t, string(apps), "path: ./overlays/production\n", "shared folders are referred to, never copied")

	// The copy renders what the source renders, but for its own values.
	source := renderYAML(t, root, "clusters/production")
	clone := renderYAML(t, root, "clusters/production-eu-2")
	assert.NotEqual(t, source, clone)
	assert.Equal(t, source, strings.ReplaceAll(clone, "production-eu-2", "production"))

	again, err := planner.Clone(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status)
	require.NoError(t, os.WriteFile(filepath.Join(root, "clusters/production-eu-2/apps.yaml"), append(apps, '\n'), 0o644))
	_, err = planner.Clone(ctx, req)
	require.ErrorContains(t, err, "clusters/production-eu-2 exists and is not a copy of clusters/production")
}

// A new cluster on a Kubernetes version that removes an API the source
// uses: the plan blocks and names the object and the replacement.
func TestCloneOntoNewerKubernetes(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"ferry.yaml": `apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: production
    path: clusters/production
    kubernetesVersion: "1.24"
`,
		"clusters/production/flux-system/gotk-sync.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  ref: {branch: main}
  url: https://example.com/fleet.git
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/production
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"clusters/production/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute:
      cluster_name: production
`,
		"apps/kustomization.yaml": "resources: [web.yaml, hpa.yaml]\n",
		"apps/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
  labels: {cluster: "${cluster_name}"}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
`,
		"apps/hpa.yaml": `apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
`,
	})
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	ctx := context.Background()
	req := promote.CloneRequest{From: "production", To: "clusters/production-2", Set: map[string]string{"cluster_name": "production-2"}, KubernetesVersion: "1.26"}
	plan, err := planner.Clone(ctx, req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	reasons := strings.Join(plan.Verdict.Reasons, "\n")
	assert.Contains(t, reasons, "HorizontalPodAutoscaler")
	assert.Contains(t, reasons, "autoscaling/v2")
	_, err = plan.Apply(ctx, root)
	require.Error(t, err, "a blocked clone creates nothing")
	_, err = os.Stat(filepath.Join(root, "clusters/production-2"))
	assert.True(t, os.IsNotExist(err))

	req.KubernetesVersion = "1.25"
	plan, err = planner.Clone(ctx, req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	// The verdict rests on the shared files too.
	var inputs []string
	for _, in := range plan.Inputs {
		inputs = append(inputs, in.Path)
	}
	assert.Contains(t, inputs, "apps/hpa.yaml")
	assert.Contains(t, inputs, "clusters/production/apps.yaml")
}

func TestCloneRefuses(t *testing.T) {
	root := copyShop(t)
	planner, err := promote.NewPlanner(promote.Options{Root: root})
	require.NoError(t, err)
	ctx := context.Background()
	cases := map[string]struct {
		req  promote.CloneRequest
		want string
	}{
		"an unknown value":       {promote.CloneRequest{From: "clusters/production", To: "clusters/x", Set: map[string]string{"region": "eu"}}, "no file of clusters/production sets region"},
		"into the source":        {promote.CloneRequest{From: "clusters/production", To: "clusters/production/x"}, "neither inside the other"},
		"an existing folder":     {promote.CloneRequest{From: "clusters/production", To: "clusters/staging"}, "clusters/staging exists and is not a copy"},
		"a path out of the repo": {promote.CloneRequest{From: "clusters/production", To: "../elsewhere"}, "a path inside the repository"},
		"an unknown source":      {promote.CloneRequest{From: "clusters/nowhere", To: "clusters/x"}, `no environment "clusters/nowhere"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := planner.Clone(ctx, c.req)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// Apply refuses creations ferry clone could not have planned, before it
// writes anything.
func TestApplyRefusesForgedCreations(t *testing.T) {
	root := copyShop(t)
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	good, err := planner.Clone(context.Background(), promote.CloneRequest{From: "clusters/production", To: "clusters/production-eu-2"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, good.Verdict.Status)
	create := func(path, content string) promote.FileEdit {
		return promote.FileEdit{Path: path, After: hashOf(content), Edits: []promote.Edit{{Op: promote.OpCreate, New: content, Reason: "x"}}}
	}
	cases := map[string]struct {
		change func(p *promote.Plan)
		want   error
	}{
		"outside the new folder": {func(p *promote.Plan) { p.Files = append(p.Files, create(".github/workflows/x.yaml", "on: push\n")) }, promote.ErrForbiddenPath},
		"at the root": {func(p *promote.Plan) {
			p.Target.Path = "."
			p.Files = []promote.FileEdit{create("x.yaml", "a: 1\n")}
		}, promote.ErrMalformedPlan},
		"a file it read": {func(p *promote.Plan) {
			p.Inputs = append(p.Inputs, render.File{Path: p.Files[0].Path, SHA256: hashOf("")})
		}, promote.ErrMalformedPlan},
		"with two edits": {func(p *promote.Plan) { p.Files[0].Edits = append(p.Files[0].Edits, p.Files[0].Edits[0]) }, promote.ErrMalformedPlan},
		"with keys":      {func(p *promote.Plan) { p.Files[0].Edits[0].Keys = []string{"spec"} }, promote.ErrMalformedPlan},
		"into .git":      {func(p *promote.Plan) { p.Files = append(p.Files, create("clusters/production-eu-2/.git/config", "x")) }, promote.ErrForbiddenPath},
		// Flux renders a folder whole: a file added to an existing
		// environment changes what it runs.
		"into an existing environment": {func(p *promote.Plan) {
			p.Target.Path = "overlays/production"
			p.Files = []promote.FileEdit{create("overlays/production/extra.yaml", "kind: ConfigMap\n")}
		}, promote.ErrForbiddenPath},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(good)
			require.NoError(t, err)
			plan, err := promote.ReadPlan(bytes.NewReader(data))
			require.NoError(t, err)
			c.change(plan)
			_, err = plan.Apply(context.Background(), root)
			require.ErrorIs(t, err, c.want)
			_, err = os.Stat(filepath.Join(root, "clusters/production-eu-2"))
			assert.True(t, os.IsNotExist(err), "nothing is written")
		})
	}

	// A folder that appeared since, with files the plan does not create, is
	// not added to.
	other := filepath.Join(root, "clusters/production-eu-2/other.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(other), 0o755))
	require.NoError(t, os.WriteFile(other, []byte("kind: ConfigMap\n"), 0o644))
	_, err = good.Apply(context.Background(), root)
	require.ErrorIs(t, err, promote.ErrForbiddenPath)
	assert.ErrorContains(t, err, "clusters/production-eu-2/other.yaml")
	entries, err := os.ReadDir(filepath.Dir(other))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing is written")
	require.NoError(t, os.Remove(other))

	// A file that appeared since the plan was made is not overwritten.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "clusters/production-eu-2"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, good.Files[0].Path), []byte("mine\n"), 0o644))
	_, err = good.Apply(context.Background(), root)
	require.ErrorIs(t, err, promote.ErrStale)
	data, err := os.ReadFile(filepath.Join(root, good.Files[0].Path))
	require.NoError(t, err)
	assert.Equal(t, "mine\n", string(data))
}

// What the source already has is existing in the copy: it blocks only
// when the request blocks on existing findings.
func TestCloneBaseline(t *testing.T) {
	root := copyShop(t)
	replaceIn(t, filepath.Join(root, "overlays/production/kustomization.yaml"), "newTag: 1.7.2", "newTag: latest")
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	req := promote.CloneRequest{From: "clusters/production", To: "clusters/production-eu-2"}
	plan, err := planner.Clone(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	var latest []finding.Baseline
	for _, f := range plan.Findings {
		if f.Rule == "no-latest-tag" {
			latest = append(latest, f.Baseline)
		}
	}
	assert.Equal(t, []finding.Baseline{finding.BaselineExisting}, latest)

	req.BlockOn = []finding.Baseline{finding.BaselineExisting}
	plan, err = planner.Clone(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "[no-latest-tag] (existing)")
}

// A binary file of the folder is copied byte for byte, through the plan's
// JSON too.
func TestCloneBinaryFile(t *testing.T) {
	root := copyShop(t)
	blob := append([]byte{0xff, 0xfe, 0x00}, []byte("clusters/production\n")...)
	require.NoError(t, os.WriteFile(filepath.Join(root, "clusters/production/logo.bin"), blob, 0o644))
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	plan, err := planner.Clone(context.Background(), promote.CloneRequest{From: "clusters/production", To: "clusters/production-eu-2"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Contains(t, plan.Diff, "Binary file b/clusters/production-eu-2/logo.bin created\n")
	data, err := json.Marshal(plan)
	require.NoError(t, err)
	read, err := promote.ReadPlan(bytes.NewReader(data))
	require.NoError(t, err)
	_, err = read.Apply(context.Background(), root)
	require.NoError(t, err)
	copied, err := os.ReadFile(filepath.Join(root, "clusters/production-eu-2/logo.bin"))
	require.NoError(t, err)
	assert.Equal(t, blob, copied, "copied as it is: no path renamed inside")
}

// --set changes the ConfigMaps a Flux Kustomization substitutes from, not
// any ConfigMap that happens to have a key of that name.
func TestCloneSetsOnlySubstitutionConfigMaps(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"apps/base/kustomization.yaml": "resources:\n  - settings.yaml\n",
		"apps/base/settings.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  region: ${region}\n",
		"clusters/eu/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/base
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
`,
		"clusters/eu/vars.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  region: eu\n",
		"clusters/eu/other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: billing\n  namespace: flux-system\ndata:\n  region: eu # the billing region\n",
	})
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	plan, err := planner.Clone(context.Background(), promote.CloneRequest{From: "clusters/eu", To: "clusters/us", Set: map[string]string{"region": "us"}})
	require.NoError(t, err)
	created := map[string]string{}
	for _, f := range plan.Files {
		created[f.Path] = f.Edits[0].New
	}
	assert.Contains(t, created["clusters/us/vars.yaml"], "region: us\n")
	assert.Contains(t, created["clusters/us/other.yaml"], "region: eu # the billing region\n", "a ConfigMap no Kustomization substitutes from is copied as it is")
}
