package render_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
)

func yamlOf(t *testing.T, res *render.Result) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, res.WriteYAML(&b))
	return b.String()
}

// TestParity renders every case under testdata/parity and compares the output
// with what the kustomize CLI printed for it (see testdata/parity/README.md).
func TestParity(t *testing.T) {
	cases, err := filepath.Glob("testdata/parity/*/case.txt")
	require.NoError(t, err)
	require.NotEmpty(t, cases, "no parity cases found")
	for _, c := range cases {
		dir := filepath.Dir(c)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			target, err := os.ReadFile(c)
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join(dir, "want.yaml"))
			require.NoError(t, err)
			r, err := render.New(render.Options{Root: filepath.Join(dir, "repo")})
			require.NoError(t, err)
			res, err := r.Render(context.Background(), filepath.Join(dir, "repo", strings.TrimSpace(string(target))))
			require.NoError(t, err)
			assert.Equal(t, string(want), yamlOf(t, res))
		})
	}
}

// TestExampleOverlays checks the README's promise: each overlay of the shop
// example renders exactly as kustomize build prints it.
func TestExampleOverlays(t *testing.T) {
	r, err := render.New(render.Options{})
	require.NoError(t, err)
	for _, env := range []string{"dev", "staging", "production"} {
		t.Run(env, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "golden", "shop", "overlays-"+env+".yaml"))
			require.NoError(t, err)
			res, err := r.Render(context.Background(), filepath.Join("..", "examples", "shop", "overlays", env))
			require.NoError(t, err)
			assert.Equal(t, string(want), yamlOf(t, res))
			assert.Equal(t, "overlays/"+env, res.Dir, "the root is the example repo, marked by its ferry.yaml")
			for _, o := range res.Objects {
				assert.NotEmpty(t, o.Origin().File, "%s has no origin", o.ID())
				assert.Positive(t, o.Origin().Line, "%s has no origin line", o.ID())
			}
		})
	}
}

// inMemory is a small base + overlay repository.
func inMemory() fstest.MapFS {
	return fstest.MapFS{
		"base/kustomization.yaml": {Data: []byte(`resources:
- deployment.yaml
- service.yaml
configMapGenerator:
- name: api-config
  literals:
  - LOG_LEVEL=info
`)},
		"base/deployment.yaml": {Data: []byte(`# the API
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
        envFrom:
        - configMapRef:
            name: api-config
`)},
		"base/service.yaml": {Data: []byte(`apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
`)},
		"overlays/prod/kustomization.yaml": {Data: []byte(`namespace: prod
resources:
- ../../base
images:
- name: ghcr.io/acme/api
  newTag: 1.2.0
`)},
	}
}

func TestRenderInMemory(t *testing.T) {
	r, err := render.New(render.Options{FS: inMemory()})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "overlays/prod")
	require.NoError(t, err)

	assert.Equal(t, `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: prod
---
apiVersion: v1
data:
  LOG_LEVEL: info
kind: ConfigMap
metadata:
  name: api-config-hf678c7m2b
  namespace: prod
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: prod
spec:
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: api-config-hf678c7m2b
        image: ghcr.io/acme/api:1.2.0
        name: api
`, yamlOf(t, res))

	origins := map[string]string{}
	for _, o := range res.Objects {
		origins[o.ID().String()] = o.Origin().String()
	}
	assert.Equal(t, map[string]string{
		"ServiceAccount/prod/api":              "base/service.yaml:9",
		"ConfigMap/prod/api-config-hf678c7m2b": "base/kustomization.yaml:5",
		"Service/prod/api":                     "base/service.yaml:1",
		"apps/Deployment/prod/api":             "base/deployment.yaml:2",
	}, origins)

	var paths []string
	for _, f := range res.Files {
		paths = append(paths, f.Path)
		assert.Len(t, f.SHA256, 64, f.Path)
	}
	assert.Equal(t, []string{"base/deployment.yaml", "base/kustomization.yaml", "base/service.yaml", "overlays/prod/kustomization.yaml"}, paths)
	// The hash is of the file as it is on disk, not of the copy ferry annotates.
	assert.Equal(t, sha256Hex(inMemory()["overlays/prod/kustomization.yaml"].Data), res.Files[3].SHA256)
}

func TestRenderPlainDirectory(t *testing.T) {
	fsys := fstest.MapFS{
		"clusters/prod/apps.yaml":              {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: apps\n")},
		"clusters/prod/infra/net.yml":          {Data: []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n")},
		"clusters/prod/.hidden/x.yaml":         {Data: []byte("not: kubernetes\n")},
		"clusters/prod/README.md":              {Data: []byte("# docs\n")},
		"clusters/prod/sub/kustomization.yaml": {Data: []byte("namePrefix: sub-\nresources:\n- cm.yaml\n")},
		"clusters/prod/sub/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")},
		"clusters/prod/sub/ignored.yaml":       {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-listed\n")},
		"empty/.keep":                          {Data: nil},
	}
	r, err := render.New(render.Options{FS: fsys})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "clusters/prod")
	require.NoError(t, err)
	var ids []string
	for _, o := range res.Objects {
		ids = append(ids, o.ID().String()+" "+o.Origin().String())
	}
	assert.Equal(t, []string{
		"Namespace/infra clusters/prod/infra/net.yml:1",
		"ConfigMap/apps clusters/prod/apps.yaml:1",
		"ConfigMap/sub-cm clusters/prod/sub/cm.yaml:1",
	}, ids, "YAML files below the directory, kustomizations in place of their directories, hidden entries skipped")

	res, err = r.Render(context.Background(), "empty")
	require.NoError(t, err)
	assert.Empty(t, res.Objects)
}

func TestRenderConcurrent(t *testing.T) {
	r, err := render.New(render.Options{})
	require.NoError(t, err)
	envs := []string{"dev", "staging", "production"}
	want := map[string]string{}
	for _, env := range envs {
		res, err := r.Render(context.Background(), filepath.Join("..", "examples", "shop", "overlays", env))
		require.NoError(t, err)
		want[env] = yamlOf(t, res)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for i := range 24 {
		env := envs[i%len(envs)]
		wg.Go(func() {
			res, err := r.Render(context.Background(), filepath.Join("..", "examples", "shop", "overlays", env))
			if err != nil {
				errs <- err
				return
			}
			var b strings.Builder
			if err := res.WriteYAML(&b); err != nil {
				errs <- err
				return
			}
			if b.String() != want[env] {
				errs <- assert.AnError
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRenderHonoursContext(t *testing.T) {
	r, err := render.New(render.Options{FS: inMemory()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = r.Render(ctx, "overlays/prod")
	require.ErrorIs(t, err, context.Canceled)
}

func TestObjectsAreManifestObjects(t *testing.T) {
	r, err := render.New(render.Options{FS: inMemory()})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "overlays/prod")
	require.NoError(t, err)
	dep := manifest.Index(res.Objects)[manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "prod", Name: "api"}]
	require.NotNil(t, dep)
	_, hasOrigin := dep.Field("metadata", "annotations")
	assert.False(t, hasOrigin, "origin annotations used internally are stripped")
}

// TestRenderConcurrentMixed renders, all at once, kustomizations that share
// kustomize's built-in schema (including an aggregate whose parts build in
// parallel) and one that sets its own (openapi field), which must run alone.
// Run with -race.
func TestRenderConcurrentMixed(t *testing.T) {
	// 64 apps: enough parts for apps/<env> to be built part by part.
	root := t.TempDir()
	require.NoError(t, testrepo.Write(root, 64))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "custom"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "custom", "kustomization.yaml"), []byte("openapi:\n  version: v1.21.2\nresources:\n- ../apps/base/app-0001\n"), 0o644))
	r, err := render.New(render.Options{Root: root})
	require.NoError(t, err)
	dirs := []string{"apps/dev", "apps/production", "custom", "apps/staging/app-0002"}
	for i, d := range dirs {
		dirs[i] = filepath.Join(root, d)
	}
	want := map[string]string{}
	for _, d := range dirs {
		res, err := r.Render(context.Background(), d)
		require.NoError(t, err, d)
		want[d] = yamlOf(t, res)
	}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() {
			res, err := r.Render(context.Background(), dirs[i%len(dirs)])
			if err != nil {
				got[i] = err.Error()
				return
			}
			var b strings.Builder
			_ = res.WriteYAML(&b)
			got[i] = b.String()
		})
	}
	wg.Wait()
	for i, g := range got {
		assert.Equal(t, want[dirs[i%len(dirs)]], g, dirs[i%len(dirs)])
	}
}

// TestFieldOrigins checks that image fields point at the line that sets
// them: the overlay's images: entry when it changed the image, else the
// image: line in the base; and that annotations point at their line.
func TestFieldOrigins(t *testing.T) {
	fsys := fstest.MapFS{
		"base/kustomization.yaml": file("resources:\n- deployment.yaml\n"),
		"base/deployment.yaml": file(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    ferry.dev/waive: "semver-tag: vendor sidecar"
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: ghcr.io/acme/api:1.0.0
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
      - name: proxy
        image: docker.io/envoyproxy/envoy:v1.31.0
`),
		"overlays/staging/kustomization.yaml": file(`resources:
- ../../base
images:
- name: ghcr.io/acme/api
  newTag: 1.1.0
`),
		"overlays/prod/kustomization.yaml": file(`resources:
- ../staging
images:
# production runs the release candidate's final build
- name: ghcr.io/acme/api
  newName: registry.example.com/acme/api
  newTag: 1.1.1
`),
	}
	r, err := render.New(render.Options{FS: fsys})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "overlays/prod")
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	dep := res.Objects[0]
	got := map[string]string{}
	for p, o := range dep.FieldOrigins() {
		got[p] = o.String()
	}
	assert.Equal(t, map[string]string{
		"/spec/template/spec/initContainers/0/image": "overlays/prod/kustomization.yaml:7",
		"/spec/template/spec/containers/0/image":     "overlays/prod/kustomization.yaml:7",
		"/spec/template/spec/containers/1/image":     "base/deployment.yaml:17",
		"/metadata/annotations/ferry.dev~1waive":     "base/deployment.yaml:6",
	}, got)

	res, err = r.Render(context.Background(), "overlays/staging")
	require.NoError(t, err)
	o, ok := res.Objects[0].FieldOrigin("/spec/template/spec/containers/0/image")
	require.True(t, ok)
	assert.Equal(t, "overlays/staging/kustomization.yaml:5", o.String())
}

func TestInputsMatchTheFilesRead(t *testing.T) {
	r, err := render.New(render.Options{})
	require.NoError(t, err)
	for _, env := range []string{"dev", "staging", "production"} {
		dir := filepath.Join("..", "examples", "shop", "overlays", env)
		res, err := r.Render(context.Background(), dir)
		require.NoError(t, err)
		inputs, err := r.Inputs(context.Background(), dir)
		require.NoError(t, err)
		var read []string
		for _, f := range res.Files {
			read = append(read, f.Path)
		}
		assert.Equal(t, read, inputs, "listing the inputs finds exactly the files a render reads")
	}
	_, err = r.Inputs(context.Background(), filepath.Join("..", "examples", "shop", "overlays", "nope"))
	assert.ErrorIs(t, err, render.ErrNotFound)
}

func TestSkipOrigins(t *testing.T) {
	r, err := render.New(render.Options{FS: inMemory(), SkipOrigins: true})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "overlays/prod")
	require.NoError(t, err)
	traced, err := render.New(render.Options{FS: inMemory()})
	require.NoError(t, err)
	want, err := traced.Render(context.Background(), "overlays/prod")
	require.NoError(t, err)
	assert.Equal(t, yamlOf(t, want), yamlOf(t, res), "the same bytes")
	for _, o := range res.Objects {
		assert.Empty(t, o.Origin().File, o.ID().String())
		assert.Empty(t, o.FieldOrigins())
	}
}

// TestPatchFieldOrigins: a field a patch sets points at the patch's line —
// a strategic-merge patch (with a target selector, as Flux's examples
// write them) or a JSON patch — and the last patch applied wins; a field no
// patch sets keeps the file that defines the object.
func TestPatchFieldOrigins(t *testing.T) {
	fsys := fstest.MapFS{
		"base/kustomization.yaml": file("resources:\n- release.yaml\n- repo.yaml\n"),
		"base/release.yaml": file(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  chart:
    spec:
      chart: podinfo
      version: "6.7.0"
  values:
    image:
      tag: 6.7.0
    replicas: 1
`),
		"base/repo.yaml": file(`apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: manifests
spec:
  url: oci://ghcr.io/acme/manifests
  ref:
    tag: 1.0.0
`),
		"prod/kustomization.yaml": file(`resources:
- ../base
patches:
- path: values.yaml
  target:
    kind: HelmRelease
- path: later.yaml
- path: ref.yaml
  target:
    kind: OCIRepository
`),
		"prod/values.yaml": file(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: any-name-the-target-selects
spec:
  chart:
    spec:
      version: ">=6.8.0"
  values:
    image:
      tag: 6.8.0
`),
		"prod/later.yaml": file(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  values:
    image:
      tag: 6.8.1
`),
		"prod/ref.yaml": file(`- op: replace
  path: /spec/ref/tag
  value: 1.1.0
`),
	}
	r, err := render.New(render.Options{FS: fsys})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "prod")
	require.NoError(t, err)
	got := fieldOrigins(res, (*manifest.Object).Kind)
	assert.Equal(t, "prod/values.yaml:8", got["HelmRelease /spec/chart/spec/version"])
	assert.Equal(t, "prod/later.yaml:8", got["HelmRelease /spec/values/image/tag"], "the last patch applied sets it")
	assert.Equal(t, "prod/ref.yaml:3", got["OCIRepository /spec/ref/tag"])
	assert.NotContains(t, got, "HelmRelease /spec/values/replicas", "no patch sets it")
	assert.NotContains(t, got, "HelmRelease /metadata/name", "a patch's name selects, it does not set")
}

// TestPatchOriginsOnlyFromPatchesOfTheObject: a patch that writes the value
// an object already has is that object's origin only if it patches that
// object — by the name it gives, or by its target: selector (kind, name
// regex, label selector) — never because another object's patch writes the
// same version.
func TestPatchOriginsOnlyFromPatchesOfTheObject(t *testing.T) {
	deployment := func(name, image, labels string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + labels + "\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: " + image + "\n"
	}
	release := func(name, version string) string {
		return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: " + name + "\nspec:\n  chart:\n    spec:\n      chart: " + name + "\n      version: " + version + "\n"
	}
	fsys := fstest.MapFS{
		"prod/kustomization.yaml": file(`resources:
- web.yaml
- web-canary.yaml
- worker.yaml
- releases.yaml
patches:
- path: web-patch.yaml
- path: worker-patch.yaml
  target:
    kind: Deployment
    labelSelector: role=worker
- path: chart-patch.yaml
  target:
    kind: HelmRelease
    name: "api|db"
`),
		"prod/web.yaml":          file(deployment("web", "ghcr.io/acme/web:1.0.0", "")),
		"prod/web-canary.yaml":   file(deployment("web-canary", "ghcr.io/acme/web:1.2.0", "")),
		"prod/worker.yaml":       file(deployment("worker", "ghcr.io/acme/worker:1.0.0", "\n  labels:\n    role: worker")),
		"prod/web-patch.yaml":    file(deployment("web", "ghcr.io/acme/web:1.2.0", "")),
		"prod/worker-patch.yaml": file(deployment("ignored-by-the-target", "ghcr.io/acme/worker:2.0.0", "")),
		"prod/releases.yaml":     file(release("api", "1.0.0") + "---\n" + release("cache", "2.0.0") + "---\n" + release("db", "2.0.0")),
		"prod/chart-patch.yaml":  file("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: any\nspec:\n  chart:\n    spec:\n      version: 2.0.0\n"),
	}
	r, err := render.New(render.Options{FS: fsys})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "prod")
	require.NoError(t, err)
	got := fieldOrigins(res, (*manifest.Object).Name)
	image := " /spec/template/spec/containers/0/image"
	assert.Equal(t, "prod/web-patch.yaml:10", got["web"+image])
	assert.Equal(t, "prod/web-canary.yaml:10", got["web-canary"+image], "web's patch writes the canary's version, but patches web only")
	assert.Equal(t, "prod/worker-patch.yaml:10", got["worker"+image], "the label selector picks the worker")
	version := " /spec/chart/spec/version"
	assert.Equal(t, "prod/chart-patch.yaml:8", got["api"+version])
	assert.Equal(t, "prod/chart-patch.yaml:8", got["db"+version])
	assert.NotContains(t, got["cache"+version], "chart-patch.yaml", "the name regex does not select cache, whose version the patch writes too")
}

// TestDeprecatedFieldsAreFindings: each deprecated field of each
// kustomization a build reads is one warning with the file and line of the
// key — what kustomize prints to standard error on every build — and
// kustomizations without one give none.
func TestDeprecatedFieldsAreFindings(t *testing.T) {
	fsys := fstest.MapFS{
		"base/kustomization.yaml":  file("resources:\n- cm.yaml\ncommonLabels:\n  app: x\n"),
		"base/cm.yaml":             file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
		"prod/kustomization.yaml":  file("bases:\n- ../base\npatchesStrategicMerge:\n- patch.yaml\n"),
		"prod/patch.yaml":          file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n"),
		"clean/kustomization.yaml": file("resources:\n- ../prod\n"),
	}
	r, err := render.New(render.Options{FS: fsys})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "clean")
	require.NoError(t, err)
	var got []string
	for _, f := range res.Findings {
		assert.Equal(t, finding.SeverityWarning, f.Severity)
		got = append(got, f.Source.String()+" "+f.Rule+" "+f.Message)
	}
	assert.Equal(t, []string{
		"base/kustomization.yaml:3 kustomize-deprecated 'commonLabels' is deprecated: use 'labels' instead (`kustomize edit fix` rewrites it)",
		"prod/kustomization.yaml:1 kustomize-deprecated 'bases' is deprecated: use 'resources' instead (`kustomize edit fix` rewrites it)",
		"prod/kustomization.yaml:3 kustomize-deprecated 'patchesStrategicMerge' is deprecated: use 'patches' instead (`kustomize edit fix` rewrites it)",
	}, got)
	res, err = r.Render(context.Background(), "base")
	require.NoError(t, err)
	assert.Len(t, res.Findings, 1)
}

// TestRenderProgress: an aggregate reports each part as it is built, up to
// all of them; the count is safe to read from the callback's goroutines.
func TestRenderProgress(t *testing.T) {
	var mu sync.Mutex
	var got []render.Progress
	r, err := render.New(render.Options{FS: testrepo.MapFS(6), Progress: func(p render.Progress) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
	}})
	require.NoError(t, err)
	_, err = r.Render(context.Background(), "apps/production")
	require.NoError(t, err)
	require.Len(t, got, 6)
	maxBuilt := 0
	for _, p := range got {
		assert.Equal(t, "apps/production", p.Dir)
		assert.Equal(t, 6, p.Total)
		maxBuilt = max(maxBuilt, p.Built)
	}
	assert.Equal(t, 6, maxBuilt)
}

// fieldOrigins maps "<key of the object> <field pointer>" to the field's
// origin, for every field origin of the rendered objects.
func fieldOrigins(res *render.Result, key func(*manifest.Object) string) map[string]string {
	got := map[string]string{}
	for _, o := range res.Objects {
		for p, at := range o.FieldOrigins() {
			got[key(o)+" "+p] = at.String()
		}
	}
	return got
}
