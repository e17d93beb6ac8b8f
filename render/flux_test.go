package render_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
)

// TestFluxParity renders cluster folders and compares them byte for byte
// with what the flux CLI (v2.9.5) prints for
// `flux build kustomization flux-system --recursive --dry-run`
// (hack/update-flux-goldens.sh).
func TestFluxParity(t *testing.T) {
	cases := []struct{ root, dir, golden string }{
		{"testdata/flux/fleet", "clusters/prod", "fleet.flux-build.yaml"},
		{"../examples/shop", "clusters/dev", "shop-dev.flux-build.yaml"},
		{"../examples/shop", "clusters/staging", "shop-staging.flux-build.yaml"},
		{"../examples/shop", "clusters/production", "shop-production.flux-build.yaml"},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			r, err := render.New(render.Options{FS: os.DirFS(c.root)})
			require.NoError(t, err)
			res, err := r.Render(context.Background(), c.dir)
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join("testdata", "flux", c.golden))
			require.NoError(t, err)
			// flux ends every document with a separator; kustomize puts
			// one between documents.
			assert.Equal(t, string(want), yamlOf(t, res)+"---\n")
			assert.Empty(t, res.Findings)
		})
	}
}

func TestFluxOrigins(t *testing.T) {
	r, err := render.New(render.Options{FS: os.DirFS("testdata/flux/fleet")})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "clusters/prod")
	require.NoError(t, err)
	byID := manifest.Index(res.Objects)

	web := byID[manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"}]
	require.NotNil(t, web)
	assert.Equal(t, manifest.Origin{File: "apps/base/web.yaml", Line: 1, Kustomization: "flux-system/apps"}, web.Origin())
	at, ok := web.FieldOrigin("/spec/template/spec/containers/0/image")
	require.True(t, ok)
	assert.Equal(t, manifest.Origin{File: "clusters/prod/apps.yaml", Line: 21}, at, "the cluster's spec.images entry wins over the overlay's")

	api := byID[manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "api"}]
	require.NotNil(t, api)
	at, ok = api.FieldOrigin("/spec/template/spec/containers/0/image")
	require.True(t, ok)
	assert.Equal(t, manifest.Origin{File: "clusters/prod/apps.yaml", Line: 33}, at, "a substituted value points at the postBuild.substitute entry")
	_, ok = api.FieldOrigin("/spec/template/spec/containers/0/env/1/value")
	assert.False(t, ok, "a default written in place has no other origin")

	report := byID[manifest.ID{Group: "batch", Kind: "CronJob", Namespace: "shop", Name: "report"}]
	require.NotNil(t, report)
	assert.Equal(t, "shop/extra", report.Origin().Kustomization, "the targetNamespace of apps moved the nested Kustomization, as in Flux")

	var got []string
	for _, k := range res.Kustomizations {
		got = append(got, k.ID.Name+"="+k.Path)
	}
	assert.Equal(t, []string{"apps=apps/prod", "extra=apps/extra", "infra=infra"}, got)
	assert.Equal(t, "clusters/prod/apps.yaml", res.Kustomizations[0].Origin.File)

	var files []string
	for _, f := range res.Files {
		files = append(files, f.Path)
	}
	assert.Contains(t, files, "clusters/prod/apps.yaml")
	assert.Contains(t, files, "apps/extra/cronjob.yaml")
	assert.Contains(t, files, "infra/.sourceignore")
	assert.NotContains(t, files, "infra/ingress/notes.draft.yaml", ".sourceignore leaves drafts out")
}

// fluxRepo is a minimal cluster: a bootstrap Kustomization, and the files
// given.
func fluxRepo(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"clusters/c/flux-system/sync.yaml": {Data: []byte(fluxKS("flux-system", "./clusters/c", ""))},
	}
	for p, data := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// fluxKS is a Flux Kustomization in flux-system with extra spec lines.
func fluxKS(name, path, spec string) string {
	return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ` + name + `
  namespace: flux-system
spec:
  interval: 10m
  path: ` + path + `
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
` + spec
}

const configMapWithVars = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: app
data:
  a: "${a}"
  b: "${b}"
  c: "${c}"
  d: "${d:=fallback}"
`

func renderFlux(t *testing.T, fsys fstest.MapFS, opts render.Options) (*render.Result, error) {
	t.Helper()
	opts.FS = fsys
	r, err := render.New(opts)
	require.NoError(t, err)
	return r.Render(context.Background(), "clusters/c")
}

func object(t *testing.T, res *render.Result, kind, ns, name string) *manifest.Object {
	t.Helper()
	for _, o := range res.Objects {
		if id := o.ID(); id.Kind == kind && id.Namespace == ns && id.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %s/%s among %d objects", kind, ns, name, len(res.Objects))
	return nil
}

func TestFluxSubstituteFrom(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("from-secret\n"))
	fsys := fluxRepo(map[string]string{
		"clusters/c/vars.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: vars
  namespace: flux-system
data:
  a: from-configmap
  b: overridden
---
apiVersion: v1
kind: Secret
metadata:
  name: secret-vars
  namespace: flux-system
data:
  c: ` + secret + `
`,
		"clusters/c/app.yaml": fluxKS("app", "./app", `  postBuild:
    substitute:
      b: inline
    substituteFrom:
      - kind: ConfigMap
        name: vars
      - kind: Secret
        name: secret-vars
      - kind: ConfigMap
        name: not-there
        optional: true
`),
		"app/settings.yaml": configMapWithVars,
	})
	res, err := renderFlux(t, fsys, render.Options{})
	require.NoError(t, err)
	cm := object(t, res, "ConfigMap", "app", "settings")
	assert.Equal(t, map[string]any{"a": "from-configmap", "b": "inline", "c": "from-secret", "d": "fallback"}, cm.Content()["data"])
	at, ok := cm.FieldOrigin("/data/a")
	require.True(t, ok)
	assert.Equal(t, manifest.Origin{File: "clusters/c/vars.yaml", Line: 7}, at)
	at, ok = cm.FieldOrigin("/data/b")
	require.True(t, ok)
	assert.Equal(t, manifest.Origin{File: "clusters/c/app.yaml", Line: 15}, at, "inline values win, and say so")
	assert.Empty(t, res.Findings, "a missing optional source is no finding")
}

func TestFluxFindings(t *testing.T) {
	fsys := fluxRepo(map[string]string{
		"clusters/c/app.yaml": fluxKS("app", "./app", `  dependsOn:
    - name: infrastructure
  postBuild:
    substitute:
      b: set
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
`),
		"clusters/c/other.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: other
  namespace: flux-system
spec:
  interval: 10m
  path: ./deploy
  prune: true
  sourceRef:
    kind: OCIRepository
    name: other-team
`,
		"app/settings.yaml": configMapWithVars,
	})
	res, err := renderFlux(t, fsys, render.Options{})
	require.NoError(t, err)
	rules := map[string]finding.Finding{}
	for _, f := range res.Findings {
		rules[f.Rule] = f
	}
	require.Len(t, rules, 3, "%v", res.Findings)
	assert.Contains(t, rules["flux-depends-on"].Message, "depends on flux-system/infrastructure, which this cluster does not define")
	assert.Equal(t, "clusters/c/app.yaml", rules["flux-depends-on"].Source.File)
	assert.Contains(t, rules["flux-source"].Message, "OCIRepository/flux-system/other-team, which is not this repository")
	assert.Contains(t, rules["flux-substitute-from"].Message, "ConfigMap/cluster-vars")
	cm := object(t, res, "ConfigMap", "app", "settings")
	data := cm.Content()["data"].(map[string]any)
	// Without strict mode an unset variable is empty; the object is
	// substituted as YAML, where "a: ${a}" is plain, so a becomes null — as
	// in Flux.
	assert.Contains(t, data, "a")
	assert.Nil(t, data["a"])
	assert.Equal(t, "set", data["b"])

	// Mapping the source renders it.
	fsys["deploy/cm.yaml"] = &fstest.MapFile{Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-other\n  namespace: other\n")}
	res, err = renderFlux(t, fsys, render.Options{Flux: render.FluxOptions{Sources: map[string]string{"OCIRepository/flux-system/other-team": "."}}})
	require.NoError(t, err)
	object(t, res, "ConfigMap", "other", "from-other")
}

func TestFluxErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		opts     render.Options
		sentinel error
		file     string
		contains []string
	}{
		{
			name: "strict substitution",
			files: map[string]string{
				"clusters/c/app.yaml": fluxKS("app", "./app", "  postBuild:\n    substitute:\n      a: x\n"),
				"app/settings.yaml":   configMapWithVars,
			},
			opts:     render.Options{Flux: render.FluxOptions{Strict: true}},
			sentinel: render.ErrInvalid, file: "app/settings.yaml",
			contains: []string{`variable not set (strict mode): "b"`, "flux-system/app", "postBuild.substitute"},
		},
		{
			name: "path outside the repository",
			files: map[string]string{
				"clusters/c/app.yaml": fluxKS("app", "./../outside", ""),
			},
			sentinel: render.ErrOutsideRoot, file: "clusters/c/app.yaml",
			contains: []string{`spec.path "./../outside" leads outside the repository`},
		},
		{
			name: "missing path",
			files: map[string]string{
				"clusters/c/app.yaml": fluxKS("app", "./nowhere", ""),
			},
			sentinel: render.ErrNotFound, file: "clusters/c/app.yaml",
			contains: []string{"directory nowhere not found"},
		},
		{
			name: "cycle",
			files: map[string]string{
				"clusters/c/a.yaml": fluxKS("a", "./a", ""),
				"a/b.yaml":          fluxKS("b", "./b", ""),
				"b/a.yaml":          fluxKS("a", "./a", ""),
			},
			sentinel: render.ErrCycle, file: "b/a.yaml",
			contains: []string{"flux-system/a → flux-system/b → flux-system/a"},
		},
		{
			name: "pointing back at the cluster from below",
			files: map[string]string{
				"clusters/c/a.yaml": fluxKS("a", "./a", ""),
				"a/back.yaml":       fluxKS("back", "./clusters/c", ""),
			},
			sentinel: render.ErrCycle, file: "a/back.yaml",
			contains: []string{"the directory being rendered"},
		},
		{
			name: "invalid variable name",
			files: map[string]string{
				"clusters/c/app.yaml": fluxKS("app", "./app", "  postBuild:\n    substitute:\n      bad-name: x\n"),
				"app/settings.yaml":   configMapWithVars,
			},
			sentinel: render.ErrInvalid, file: "clusters/c/app.yaml",
			contains: []string{`variable name "bad-name"`},
		},
		{
			name: "remote component",
			files: map[string]string{
				"clusters/c/app.yaml": fluxKS("app", "./app", "  components:\n    - https://github.com/acme/components//x\n"),
				"app/settings.yaml":   configMapWithVars,
			},
			sentinel: render.ErrRemoteBase, file: "clusters/c/app.yaml",
			contains: []string{"must be a local, relative path"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := renderFlux(t, fluxRepo(tt.files), tt.opts)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			var re *render.Error
			require.True(t, errors.As(err, &re), "%v", err)
			assert.Equal(t, tt.file, re.File, "%v", err)
			for _, c := range tt.contains {
				assert.Contains(t, err.Error(), c)
			}
		})
	}
}

func TestFluxModes(t *testing.T) {
	fsys := fluxRepo(map[string]string{
		"clusters/c/app.yaml": fluxKS("app", "./app", ""),
		"app/settings.yaml":   configMapWithVars,
	})
	res, err := renderFlux(t, fsys, render.Options{Mode: render.ModeKustomize})
	require.NoError(t, err)
	assert.Len(t, res.Objects, 2, "kustomize mode renders the folder alone")
	assert.Empty(t, res.Kustomizations)
	for _, o := range res.Objects {
		assert.NotContains(t, o.Content()["metadata"], "labels", "no Flux owner labels")
	}

	res, err = renderFlux(t, fsys, render.Options{})
	require.NoError(t, err)
	assert.Len(t, res.Objects, 3)
	cm := object(t, res, "ConfigMap", "app", "settings")
	labels, _ := cm.Field("metadata", "labels")
	assert.Equal(t, map[string]any{"kustomize.toolkit.fluxcd.io/name": "app", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}, labels)
	assert.Equal(t, "${a}", cm.Content()["data"].(map[string]any)["a"], "no postBuild, no substitution")

	for _, s := range []string{"", "auto", "kustomize", "flux"} {
		_, err := render.ParseMode(s)
		assert.NoError(t, err, s)
	}
	_, err = render.ParseMode("helm")
	assert.ErrorContains(t, err, "use auto, kustomize or flux")
}

// TestFluxDeterministic renders a cluster twice and compares the bytes.
func TestFluxDeterministic(t *testing.T) {
	var outs []string
	for range 2 {
		r, err := render.New(render.Options{FS: os.DirFS("testdata/flux/fleet")})
		require.NoError(t, err)
		res, err := r.Render(context.Background(), "clusters/prod")
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, res.WriteYAML(&buf))
		outs = append(outs, buf.String())
	}
	assert.Equal(t, outs[0], outs[1])
	assert.True(t, strings.Contains(outs[0], "team: shop"), "commonMetadata labels")
}

// TestFluxCacheKeysOnTheSpec: a build cache shared between renders (as a
// planner shares one between the target before and after its edits) keys
// each build on the spec merged into it: the same plain directory applied
// with two specs, or with an edited spec, is built again.
func TestFluxCacheKeysOnTheSpec(t *testing.T) {
	cache := render.NewCache()
	fsys := fluxRepo(map[string]string{
		"clusters/c/a.yaml": fluxKS("a", "./app", "  targetNamespace: ns-a\n"),
		"clusters/c/b.yaml": fluxKS("b", "./app", "  targetNamespace: ns-b\n  images:\n    - name: web\n      newTag: 1.1.0\n"),
		"app/pod.yaml":      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1.0.0\n",
	})
	res, err := renderFlux(t, fsys, render.Options{Cache: cache})
	require.NoError(t, err)
	object(t, res, "Pod", "ns-a", "web")
	pod := object(t, res, "Pod", "ns-b", "web")
	assert.Equal(t, "web:1.1.0", pod.Containers()[0].Image)

	fsys["clusters/c/b.yaml"] = &fstest.MapFile{Data: []byte(fluxKS("b", "./app", "  targetNamespace: ns-b\n  images:\n    - name: web\n      newTag: 1.2.0\n"))}
	res, err = renderFlux(t, fsys, render.Options{Cache: cache})
	require.NoError(t, err)
	assert.Equal(t, "web:1.2.0", object(t, res, "Pod", "ns-b", "web").Containers()[0].Image)
}

// TestFluxModeBuildsTheFolderAsFlux: forced into Flux mode, the cluster
// folder itself may load files from anywhere in the repository, as
// kustomize-controller allows; kustomize (and so auto mode) refuses.
func TestFluxModeBuildsTheFolderAsFlux(t *testing.T) {
	fsys := fluxRepo(map[string]string{
		"clusters/c/kustomization.yaml": "resources:\n  - flux-system/sync.yaml\n  - ../../shared/cm.yaml\n",
		"shared/cm.yaml":                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: flux-system\n",
	})
	_, err := renderFlux(t, fsys, render.Options{Mode: render.ModeAuto})
	require.ErrorIs(t, err, render.ErrInvalid)
	res, err := renderFlux(t, fsys, render.Options{Mode: render.ModeFlux})
	require.NoError(t, err)
	object(t, res, "ConfigMap", "flux-system", "shared")
}

// artifactGenerator is Flux's source-watcher ArtifactGenerator of the
// flux2-kustomize-helm-example layout, with the copies given.
func artifactGenerator(copies string) string {
	return `apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: flux-system
  namespace: flux-system
spec:
  sources:
    - alias: monorepo
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps
      originRevision: "@monorepo"
      copy:
` + copies
}

// artifactKS is a Flux Kustomization of the ExternalArtifact apps.
const artifactKS = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 1h
  path: ./production
  prune: true
  sourceRef:
    kind: ExternalArtifact
    name: apps
`

// TestFluxArtifactGenerator: a Kustomization of an ExternalArtifact that an
// ArtifactGenerator copies from this repository, subtrees into the same
// layout, is rendered from the repository; any other artifact is reported
// with the reason and not rendered.
func TestFluxArtifactGenerator(t *testing.T) {
	files := func(copies string) fstest.MapFS {
		return fluxRepo(map[string]string{
			"clusters/c/apps.yaml":               artifactKS,
			"clusters/c/artifacts.yaml":          artifactGenerator(copies),
			"apps/base/kustomization.yaml":       "resources:\n  - cm.yaml\n",
			"apps/base/cm.yaml":                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: app\ndata:\n  env: base\n",
			"apps/production/kustomization.yaml": "resources:\n  - ../base\npatches:\n  - path: env.yaml\n",
			"apps/production/env.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: app\ndata:\n  env: production\n",
		})
	}
	mapped := `        - from: "@monorepo/apps/base/**"
          to: "@artifact/base/"
        - from: "@monorepo/apps/production/**"
          to: "@artifact/production/"
`
	res, err := renderFlux(t, files(mapped), render.Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Findings)
	cm := object(t, res, "ConfigMap", "app", "app")
	assert.Equal(t, "production", cm.Content()["data"].(map[string]any)["env"])
	assert.Equal(t, "apps/production", kustomizationPath(t, res, "apps"))

	tests := []struct {
		name, copies, reason string
	}{
		{"glob inside the path", `        - from: "@monorepo/apps/*/**"
          to: "@artifact/"
`, `copies "@monorepo/apps/*/**" to "@artifact/", which is not a directory of this repository copied whole into the same layout`},
		{"another layout", `        - from: "@monorepo/apps/production/**"
          to: "@artifact/prod/"
`, `copies "@monorepo/apps/production/**" to "@artifact/prod/", which is not a directory`},
		{"two roots", `        - from: "@monorepo/apps/production/**"
          to: "@artifact/production/"
        - from: "@monorepo/other/base/**"
          to: "@artifact/base/"
`, "copies from both apps and other of this repository into one artifact"},
		{"exclude", `        - from: "@monorepo/apps/**"
          to: "@artifact/"
          exclude: ["*.md"]
`, "with exclude: [*.md], which ferry does not reproduce"},
		{"merge strategy", `        - from: "@monorepo/apps/**"
          to: "@artifact/"
          strategy: Merge
`, "with strategy: Merge, which ferry does not reproduce"},
		{"path not copied", `        - from: "@monorepo/apps/base/**"
          to: "@artifact/base/"
`, "whose generator copies nothing at ./production"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := renderFlux(t, files(tt.copies), render.Options{})
			require.NoError(t, err)
			require.Len(t, res.Findings, 1, "%v", res.Findings)
			f := res.Findings[0]
			assert.Equal(t, "flux-source", f.Rule)
			assert.Equal(t, "clusters/c/apps.yaml", f.Source.File)
			assert.Contains(t, f.Message, tt.reason)
			assert.Empty(t, kustomizationPath(t, res, "apps"), "not rendered")
			for _, o := range res.Objects {
				assert.NotEqual(t, "ConfigMap", o.Kind(), "nothing of the artifact is rendered")
			}
		})
	}

	// A generator of another namespace does not make it.
	other := files(mapped)
	other["clusters/c/artifacts.yaml"].Data = []byte(strings.Replace(string(other["clusters/c/artifacts.yaml"].Data), "namespace: flux-system", "namespace: elsewhere", 1))
	res, err = renderFlux(t, other, render.Options{})
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	assert.Contains(t, res.Findings[0].Message, "no ArtifactGenerator applied before it generates it")
}

func kustomizationPath(t *testing.T, res *render.Result, name string) string {
	t.Helper()
	for _, k := range res.Kustomizations {
		if k.ID.Name == name {
			return k.Path
		}
	}
	t.Fatalf("no Flux Kustomization %s among %v", name, res.Kustomizations)
	return ""
}

// TestFluxSpecPatchOrigins: a field a Flux Kustomization's spec.patches
// entry sets — written as a literal block scalar — points at its line in the
// Kustomization's file: a chart version, a values image, a container image
// (by value, in a patch without a target).
func TestFluxSpecPatchOrigins(t *testing.T) {
	r, err := render.New(render.Options{FS: os.DirFS(filepath.Join("..", "testdata", "plans", "flux-spec-patches", "repo"))})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "clusters/production")
	require.NoError(t, err)
	got := fieldOrigins(res, (*manifest.Object).Kind)
	assert.Equal(t, "clusters/production/apps.yaml:23", got["HelmRelease /spec/chart/spec/version"])
	assert.Equal(t, "clusters/production/apps.yaml:26", got["HelmRelease /spec/values/image/tag"])
	assert.Equal(t, "clusters/production/apps.yaml:39", got["Deployment /spec/template/spec/containers/0/image"])
	assert.NotContains(t, got, "HelmRelease /spec/chart/spec/sourceRef/name", "no patch sets it")
}
