package render_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/render"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
`

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// TestRenderErrors feeds each kind of bad input and checks that the error
// names the file (and line where known), says what is wrong, and can be told
// apart with errors.Is.
func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    fstest.MapFS
		dir      string
		sentinel error
		file     string // Error.File
		line     int    // Error.Line, 0 when unknown
		contains string
	}{
		{
			name:     "missing directory",
			files:    fstest.MapFS{"base/kustomization.yaml": file("resources: []\n")},
			dir:      "overlays/nope",
			sentinel: render.ErrNotFound,
			file:     "overlays/nope",
			contains: "directory not found",
		},
		{
			name: "missing referenced file",
			files: fstest.MapFS{"app/kustomization.yaml": file(`resources:
- deployment.yaml
- service.yaml
`), "app/deployment.yaml": file(deployment)},
			dir:      "app",
			sentinel: render.ErrNotFound,
			file:     "app/kustomization.yaml",
			line:     3,
			contains: `"service.yaml" not found (looked for app/service.yaml)`,
		},
		{
			name: "missing patch file",
			files: fstest.MapFS{"app/kustomization.yaml": file(`resources:
- deployment.yaml
patches:
- path: replicas.yaml
`), "app/deployment.yaml": file(deployment)},
			dir:      "app",
			sentinel: render.ErrNotFound,
			file:     "app/kustomization.yaml",
			line:     4,
			contains: `"replicas.yaml" not found`,
		},
		{
			name:     "YAML syntax error in a kustomization",
			files:    fstest.MapFS{"app/kustomization.yaml": file("resources:\n- a.yaml\n  - b.yaml: [\n")},
			dir:      "app",
			sentinel: render.ErrInvalid,
			file:     "app/kustomization.yaml",
			line:     3,
			contains: "invalid YAML",
		},
		{
			name: "YAML syntax error in a resource",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("resources:\n- broken.yaml\n"),
				"app/broken.yaml":        file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n"),
			},
			dir:      "app",
			sentinel: render.ErrInvalid,
			file:     "app/broken.yaml",
			line:     5,
			contains: "invalid YAML: mapping values are not allowed in this context (listed in app/kustomization.yaml)",
		},
		{
			name: "resource cycle",
			files: fstest.MapFS{
				"a/kustomization.yaml": file("resources:\n- ../b\n"),
				"b/kustomization.yaml": file("resources:\n- ../c\n"),
				"c/kustomization.yaml": file("resources:\n- ../a\n"),
			},
			dir:      "a",
			sentinel: render.ErrCycle,
			file:     "c/kustomization.yaml",
			line:     2,
			contains: "a -> b -> c -> a",
		},
		{
			name: "duplicate object ID",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("resources:\n- one.yaml\n- two.yaml\n"),
				"app/one.yaml":           file(deployment),
				"app/two.yaml":           file(deployment),
			},
			dir:      "app",
			sentinel: render.ErrInvalid,
			file:     "app/two.yaml",
			line:     1,
			contains: "apps/Deployment/api is defined twice, here and at app/one.yaml:1",
		},
		{
			name: "invalid patch target",
			files: fstest.MapFS{
				"app/kustomization.yaml": file(`resources:
- deployment.yaml
patches:
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: nope
    spec:
      replicas: 3
`),
				"app/deployment.yaml": file(deployment),
			},
			dir:      "app",
			sentinel: render.ErrInvalid,
			file:     "app/kustomization.yaml",
			contains: "nope",
		},
		{
			name:     "remote base over https",
			files:    fstest.MapFS{"app/kustomization.yaml": file("resources:\n- https://github.com/acme/base//app?ref=v1.0.0\n")},
			dir:      "app",
			sentinel: render.ErrRemoteBase,
			file:     "app/kustomization.yaml",
			line:     2,
			contains: "vendor it into the repository, or allow remote bases",
		},
		{
			name:     "remote base in kustomize's short form",
			files:    fstest.MapFS{"app/kustomization.yaml": file("resources:\n- github.com/acme/base/app?ref=v1.0.0\n")},
			dir:      "app",
			sentinel: render.ErrRemoteBase,
			file:     "app/kustomization.yaml",
			line:     2,
		},
		{
			name:     "remote host without a ref",
			files:    fstest.MapFS{"app/kustomization.yaml": file("components:\n- gitlab.com/acme/components/monitoring\n")},
			dir:      "app",
			sentinel: render.ErrRemoteBase,
			file:     "app/kustomization.yaml",
			line:     2,
		},
		{
			name: "remote patch file",
			files: fstest.MapFS{"app/kustomization.yaml": file(`resources:
- deployment.yaml
patches:
- path: https://example.com/patch.yaml
`), "app/deployment.yaml": file(deployment)},
			dir:      "app",
			sentinel: render.ErrRemoteBase,
			file:     "app/kustomization.yaml",
			line:     4,
		},
		{
			name:     "path leaving the repository",
			files:    fstest.MapFS{"overlays/prod/kustomization.yaml": file("resources:\n- ../../../outside\n")},
			dir:      "overlays/prod",
			sentinel: render.ErrOutsideRoot,
			file:     "overlays/prod/kustomization.yaml",
			line:     2,
			contains: "leads outside the repository root",
		},
		{
			name:     "absolute path",
			files:    fstest.MapFS{"app/kustomization.yaml": file("resources:\n- /etc/passwd\n")},
			dir:      "app",
			sentinel: render.ErrOutsideRoot,
			file:     "app/kustomization.yaml",
			line:     2,
			contains: "absolute path",
		},
		{
			name: "generator file leaving the repository",
			files: fstest.MapFS{"app/kustomization.yaml": file(`configMapGenerator:
- name: cfg
  files:
  - key=../../secrets.env
`)},
			dir:      "app",
			sentinel: render.ErrOutsideRoot,
			file:     "app/kustomization.yaml",
			line:     4,
		},
		{
			name: "helm chart",
			files: fstest.MapFS{"app/kustomization.yaml": file(`helmCharts:
- name: ingress-nginx
  repo: https://kubernetes.github.io/ingress-nginx
  version: 4.11.3
`)},
			dir:      "app",
			sentinel: render.ErrPlugin,
			file:     "app/kustomization.yaml",
			line:     1,
			contains: "helm template",
		},
		{
			name: "exec plugin",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("transformers:\n- sops.yaml\n"),
				"app/sops.yaml":          file("apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: secrets\n"),
			},
			dir:      "app",
			sentinel: render.ErrPlugin,
			file:     "app/sops.yaml",
			line:     1,
			contains: "external plugin",
		},
		{
			name: "KRM function",
			files: fstest.MapFS{"app/kustomization.yaml": file(`generators:
- |
  apiVersion: fn.example.com/v1
  kind: Render
  metadata:
    name: render
    annotations:
      config.kubernetes.io/function: |
        container:
          image: example.com/render:v1
`)},
			dir:      "app",
			sentinel: render.ErrPlugin,
			file:     "app/kustomization.yaml",
			line:     2,
			contains: "KRM function",
		},
		{
			name: "built-in transformer fetching a URL",
			files: fstest.MapFS{"app/kustomization.yaml": file(`resources:
- deployment.yaml
transformers:
- |
  apiVersion: builtin
  kind: PatchTransformer
  metadata:
    name: p
  path: https://example.com/p.yaml
  target:
    kind: Deployment
`), "app/deployment.yaml": file(deployment)},
			dir:      "app",
			sentinel: render.ErrRemoteBase,
			file:     "app/kustomization.yaml",
			line:     9,
			contains: `"https://example.com/p.yaml" is remote`,
		},
		{
			name: "built-in generator file outside the repository",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("generators:\n- gen.yaml\n"),
				"app/gen.yaml":           file("apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: cfg\nfiles:\n- ../../../etc/passwd\n"),
			},
			dir:      "app",
			sentinel: render.ErrOutsideRoot,
			file:     "app/gen.yaml",
			line:     6,
			contains: "leads outside the repository root",
		},
		{
			name: "several kustomization files",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("resources: []\n"),
				"app/kustomization.yml":  file("resources: []\n"),
			},
			dir:      "app",
			sentinel: render.ErrInvalid,
			file:     "app/kustomization.yaml",
			contains: "keep one",
		},
		{
			name: "directory resource without a kustomization",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("resources:\n- manifests\n"),
				"app/manifests/cm.yaml":  file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"),
			},
			dir:      "app",
			sentinel: render.ErrNotFound,
			file:     "app/kustomization.yaml",
			line:     2,
			contains: "has no kustomization.yaml",
		},
		{
			name: "not a Kubernetes object in a plain directory",
			files: fstest.MapFS{
				"clusters/prod/values.yaml": file("replicaCount: 3\n"),
			},
			dir:      "clusters/prod",
			sentinel: render.ErrInvalid,
			file:     "clusters/prod/values.yaml",
			line:     1,
			contains: "clusters/prod has no kustomization.yaml, so every YAML file below it must be a Kubernetes object",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := render.New(render.Options{FS: tt.files})
			require.NoError(t, err)
			res, err := r.Render(context.Background(), tt.dir)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, tt.sentinel)
			var rerr *render.Error
			require.True(t, errors.As(err, &rerr), "want a *render.Error, got %T: %v", err, err)
			assert.Equal(t, tt.file, rerr.File, "error: %v", err)
			assert.Equal(t, tt.line, rerr.Line, "error: %v", err)
			assert.Contains(t, err.Error(), tt.contains)
			assert.NotContains(t, err.Error(), "ferry-repo", "internal mount paths must not leak")
		})
	}
}

// TestRenderRefusesEscapingSymlinks checks the on-disk sandbox: a symlink to
// a file outside the repository is refused even though the path inside the
// repository looks harmless.
func TestRenderRefusesEscapingSymlinks(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n"), 0o644))
	repo := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(repo, ".git"), 0o755))
	app := filepath.Join(repo, "app")
	require.NoError(t, os.Mkdir(app, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(app, "kustomization.yaml"), []byte("resources:\n- secret.yaml\n"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(app, "secret.yaml")))

	r, err := render.New(render.Options{})
	require.NoError(t, err)
	_, err = r.Render(context.Background(), app)
	require.ErrorIs(t, err, render.ErrOutsideRoot)
	assert.Contains(t, err.Error(), "app/kustomization.yaml:2")
	assert.Contains(t, err.Error(), "symlink")

	// A symlink that stays inside the repository is fine.
	require.NoError(t, os.WriteFile(filepath.Join(repo, "shared.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(app, "secret.yaml")))
	require.NoError(t, os.Symlink(filepath.Join("..", "shared.yaml"), filepath.Join(app, "secret.yaml")))
	res, err := r.Render(context.Background(), app)
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	assert.Equal(t, "shared", res.Objects[0].Name())
}

// TestRenderRoot checks how the repository root is found and enforced.
func TestRenderRoot(t *testing.T) {
	repo := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(repo, "ferry.yaml"), []byte("apiVersion: ferry.dev/v1alpha1\nkind: Config\n"), 0o644))
	for dir, content := range map[string]string{
		"base/kustomization.yaml":          "resources:\n- cm.yaml\n",
		"base/cm.yaml":                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
		"overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n- ../../base\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Join(repo, filepath.Dir(dir)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, dir), []byte(content), 0o644))
	}
	r, err := render.New(render.Options{})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), filepath.Join(repo, "overlays", "prod"))
	require.NoError(t, err, "the root defaults to the ancestor holding ferry.yaml, so ../../base is inside it")
	assert.Equal(t, "overlays/prod", res.Dir)
	assert.Equal(t, "base/cm.yaml:1", res.Objects[0].Origin().String())

	// With the overlay itself as root, the base is outside.
	r, err = render.New(render.Options{Root: filepath.Join(repo, "overlays", "prod")})
	require.NoError(t, err)
	_, err = r.Render(context.Background(), filepath.Join(repo, "overlays", "prod"))
	require.ErrorIs(t, err, render.ErrOutsideRoot)

	// A directory outside the root is refused outright.
	_, err = r.Render(context.Background(), filepath.Join(repo, "base"))
	require.ErrorIs(t, err, render.ErrOutsideRoot)

	_, err = render.New(render.Options{Root: filepath.Join(repo, "no-such-dir")})
	require.Error(t, err)
}

func TestRenderRemoteBasesAllowed(t *testing.T) {
	// With remote bases allowed the scanner lets the entry through; kustomize
	// then tries to fetch it. A file:// URL to a missing repository keeps the
	// test offline (no socket is opened) while proving the refusal is lifted.
	r, err := render.New(render.Options{
		FS:               fstest.MapFS{"app/kustomization.yaml": file("resources:\n- file:///nonexistent/ferry-test-repo.git//base\n")},
		AllowRemoteBases: true,
	})
	require.NoError(t, err)
	_, err = r.Render(context.Background(), "app")
	require.Error(t, err)
	assert.NotErrorIs(t, err, render.ErrRemoteBase)
}
