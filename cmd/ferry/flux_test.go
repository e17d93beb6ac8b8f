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
	code, stdout, stderr := runCLI(t, "plan", "--root", example, "--from", "clusters/staging", "--to", "clusters/production")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Promotion staging (clusters/staging) -> production (clusters/production): READY")
	assert.Contains(t, stdout, "clusters/production/infrastructure.yaml:20 set spec.postBuild.substitute.ingress_nginx_version: 4.10.1 -> 4.11.3")
	assert.Contains(t, stdout, "clusters/production/apps.yaml:22 set spec.images.0.newTag: 1.36.1 -> 1.37.0")
}
