package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderFluxCluster(t *testing.T) {
	code, stdout, stderr := runCLI(t, "render", filepath.Join(example, "clusters", "production"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "value: production", "postBuild.substitute applied")
	assert.Contains(t, stdout, "kustomize.toolkit.fluxcd.io/name: apps", "owner labels")
	assert.Contains(t, stdout, "image: docker.io/library/busybox:1.36.1", "spec.images applied")

	code, stdout, _ = runCLI(t, "render", "--mode", "kustomize", filepath.Join(example, "clusters", "production"))
	require.Equal(t, exitOK, code)
	assert.NotContains(t, stdout, "kind: Deployment", "kustomize mode does not follow the Kustomizations")

	code, _, stderr = runCLI(t, "render", "--mode", "helm", filepath.Join(example, "clusters", "production"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "use auto, kustomize or flux")

	code, _, stderr = runCLI(t, "render", "--source", "GitRepository/apps", filepath.Join(example, "clusters", "production"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "write Kind/namespace/name=DIR")
}

func TestRenderFluxStrictSubstitution(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.CopyFS(root, os.DirFS(example)))
	file := filepath.Join(root, "clusters", "production", "apps.yaml")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), "cluster_env: production", "other: x", 1)), 0o644))

	code, stdout, stderr := runCLI(t, "render", filepath.Join(root, "clusters", "production"))
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, "value: production")

	code, _, stderr = runCLI(t, "render", "--strict-substitute", filepath.Join(root, "clusters", "production"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "apps/base/storefront/deployment.yaml")
	assert.Contains(t, stderr, `variable not set (strict mode): "cluster_env"`)
}

func TestPlanBetweenFluxClusters(t *testing.T) {
	example := atRoot(t, example)
	code, stdout, stderr := runCLI(t, "plan", "--root", example, "--from", "clusters/staging", "--to", "clusters/production")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Promotion staging (clusters/staging) -> production (clusters/production): READY")
	assert.Contains(t, stdout, "clusters/production/infrastructure.yaml:20 set spec.postBuild.substitute.ingress_nginx_version: 4.10.1 -> 4.11.3")
	assert.Contains(t, stdout, "clusters/production/apps.yaml:22 set spec.images.0.newTag: 1.36.1 -> 1.37.0")
}

// TestRenderFluxSourcesFromConfig: the sources ferry.yaml names are the
// repository too; --source adds more.
func TestRenderFluxSourcesFromConfig(t *testing.T) {
	root := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
	write("clusters/c/apps.yaml", `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: apps-repo
`)
	write("apps/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-apps-repo\n  namespace: apps\n")
	write("ferry.yaml", "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments: []\n")

	code, stdout, stderr := runCLI(t, "render", filepath.Join(root, "clusters", "c"))
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, "from-apps-repo")
	assert.Contains(t, stderr, "warning [flux-source]")

	code, stdout, stderr = runCLI(t, "render", "--source", "GitRepository/flux-system/apps-repo=.", filepath.Join(root, "clusters", "c"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "name: from-apps-repo")

	write("ferry.yaml", "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments: []\nsources:\n  GitRepository/flux-system/apps-repo: .\n")
	code, stdout, stderr = runCLI(t, "render", filepath.Join(root, "clusters", "c"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "name: from-apps-repo")
	assert.Empty(t, stderr)

	write("ferry.yaml", "apiVersion: ferry.dev/v1alpha1\nkind: Config\nsources:\n  apps-repo: .\n")
	code, _, stderr = runCLI(t, "validate", filepath.Join(root, "clusters", "c"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `ferry.yaml:4: source "apps-repo": write it Kind/namespace/name`)
}
