package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeRepo writes files (slash-separated paths) below a new directory with
// a .git folder, so that it is found as the repository root, and returns it.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

const configMapA = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"

func TestEmptyInput(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"empty.yaml":               "# nothing here\n---\n",
		"empty/kustomization.yaml": "resources: []\n",
	})
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{name: "validate, empty standard input", args: []string{"validate"}, contains: "no objects found in -: nothing to check"},
		{name: "validate, empty file", args: []string{"validate", filepath.Join(repo, "empty.yaml")}, contains: "no objects found in "},
		{name: "validate, empty kustomization", args: []string{"validate", filepath.Join(repo, "empty")}, contains: "nothing to check"},
		{name: "check, empty standard input", args: []string{"check", "-"}, contains: "no objects found in -: nothing to check"},
		{name: "check, empty kustomization", args: []string{"check", filepath.Join(repo, "empty")}, contains: "nothing to check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, exitFindings, code, stdout+stderr)
			assert.Contains(t, stderr, tt.contains)
		})
	}
}

// TestStandardInputTerminal: like kubeconform, ferry refuses to wait on a
// terminal (a character device, as /dev/null is) for manifests.
func TestStandardInputTerminal(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip("no null device")
	}
	defer null.Close()
	if info, err := null.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Skip("the null device is not a character device here")
	}
	for _, args := range [][]string{{"validate"}, {"check", "-"}} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, null, &out, &errOut)
		assert.Equal(t, exitFindings, code, args)
		assert.Contains(t, errOut.String(), "standard input is a terminal", args)
	}
}

func TestValidateDuplicates(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"a.yaml":    configMapA,
		"b.yaml":    configMapA,
		"both.yaml": configMapA + "---\n" + configMapA,
	})
	a, b, both := filepath.Join(repo, "a.yaml"), filepath.Join(repo, "b.yaml"), filepath.Join(repo, "both.yaml")
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		contains string
	}{
		{name: "files given separately are separate inputs", args: []string{"validate", a, b}},
		{name: "within one file", args: []string{"validate", a, both}, code: exitFindings, contains: "both.yaml:6: error [duplicate-object] ConfigMap/a: ConfigMap/a is defined twice: first at "},
		{name: "within standard input", args: []string{"validate", "-"}, stdin: configMapA + "---\n" + configMapA, code: exitFindings, contains: "[duplicate-object]"},
		{name: "turned off", args: []string{"validate", "--duplicates=false", both}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLIWithInput(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, stdout+stderr)
			assert.Contains(t, stdout, tt.contains)
			if tt.code == exitOK {
				assert.NotContains(t, stdout, "duplicate-object")
			}
		})
	}
}

// hubRepo is a Flux hub that applies the same apps to two spoke clusters
// through Kustomizations with spec.kubeConfig, and to itself.
func hubRepo(t *testing.T, spokeB string) string {
	kustomization := func(name, kubeConfig string) string {
		s := "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name + "\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
		if kubeConfig != "" {
			s += "  kubeConfig:\n    secretRef:\n      name: " + kubeConfig + "\n"
		}
		return s
	}
	return writeRepo(t, map[string]string{
		"clusters/hub/spoke-a.yaml": kustomization("spoke-a", "spoke-a-kubeconfig"),
		"clusters/hub/spoke-b.yaml": kustomization("spoke-b", spokeB),
		"apps/kustomization.yaml":   "resources:\n- namespace.yaml\n- settings.yaml\n",
		"apps/namespace.yaml":       "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
		"apps/settings.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\n",
	})
}

func TestValidateHubAndSpokes(t *testing.T) {
	args := func(repo string) []string {
		// The test CRDs leave spec.kubeConfig out: --strict=false.
		return []string{"validate", "--strict=false", "--crd", fluxCRDs, filepath.Join(repo, "clusters", "hub")}
	}
	code, stdout, stderr := runCLI(t, args(hubRepo(t, "spoke-b-kubeconfig"))...)
	assert.Equal(t, exitOK, code, stdout+stderr)
	assert.NotContains(t, stdout, "duplicate-object")

	code, stdout, stderr = runCLI(t, args(hubRepo(t, "spoke-a-kubeconfig"))...)
	assert.Equal(t, exitFindings, code, stdout+stderr)
	assert.Contains(t, stdout, "apps/namespace.yaml:1: error [duplicate-object] Namespace/apps: Namespace/apps is defined twice for the cluster of kubeConfig Secret/flux-system/spoke-a-kubeconfig")
}

// brokenRepo has an overlay that cannot render (a remote base) next to one
// with findings.
func brokenRepo(t *testing.T) string {
	return writeRepo(t, map[string]string{
		"remote/kustomization.yaml": "resources:\n- ./settings.yaml\n- https://github.com/acme/base//app?ref=v1.0.0\n",
		"remote/settings.yaml":      configMapA,
		"latest/kustomization.yaml": "resources:\n- deployment.yaml\n",
		"latest/deployment.yaml":    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:latest\n        unknownField: 1\n",
	})
}

func TestRootThatCannotRender(t *testing.T) {
	repo := brokenRepo(t)
	remote, latest := filepath.Join(repo, "remote"), filepath.Join(repo, "latest")
	renderError := "remote/kustomization.yaml:3: error [render-error] cannot render " + remote + ": "
	t.Run("validate", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "validate", remote, latest)
		assert.Equal(t, exitFindings, code, stderr)
		assert.Contains(t, stdout, renderError)
		assert.Contains(t, stdout, "is remote (it is a URL); ferry reads only relative paths inside the repository, renders offline")
		assert.Contains(t, stdout, `latest/deployment.yaml:15: error [schema] apps/Deployment/web /spec/template/spec/containers/0/unknownField: unknown field "unknownField"`, "the next root is still validated")
	})
	t.Run("check", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "check", remote, latest)
		assert.Equal(t, exitFindings, code, stderr)
		assert.Contains(t, stdout, renderError)
		assert.Contains(t, stdout, "latest/deployment.yaml:14: error [no-latest-tag]", "the next root is still checked")
	})
	t.Run("check alone", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "check", "-o", "json", remote)
		assert.Equal(t, exitFindings, code)
		assert.Contains(t, stderr, renderError)
		assert.Equal(t, "[]\n", stdout)
	})
}

func TestCheckHelmValuesLines(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"apps/kustomization.yaml": "resources:\n- release.yaml\n",
		"apps/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: web
      sourceRef: {kind: HelmRepository, name: charts}
  values:
    image: nginx
    worker:
      image:
        repository: ghcr.io/acme/worker
        tag: 1.2.0-alpine
    broker:
      image:
        repository: rabbitmq
        tag: 3.13.7-rc.1
`,
	})
	code, stdout, stderr := runCLI(t, "check", filepath.Join(repo, "apps"))
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, `apps/release.yaml:13: error [no-latest-tag] helm.toolkit.fluxcd.io/HelmRelease/apps/web /spec/values/image: HelmRelease value "image" uses image "nginx" without a tag, which means latest`)
	assert.Contains(t, stdout, `apps/release.yaml:21: error [no-prerelease]`)
	assert.NotContains(t, stdout, "1.2.0-alpine\" (alpine)", "a variant is not a prerelease")
	assert.Equal(t, 2, strings.Count(stdout, "error ["), stdout)
}

func TestCheckTagVariantsFromConfig(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"ferry.yaml":                       "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - name: prod\n    path: overlays/prod\n    policy:\n      tagVariants: [gpu]\n",
		"overlays/prod/kustomization.yaml": "resources:\n- deployment.yaml\n",
		"overlays/prod/deployment.yaml":    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ml\nspec:\n  selector:\n    matchLabels: {app: ml}\n  template:\n    metadata:\n      labels: {app: ml}\n    spec:\n      containers:\n      - name: ml\n        image: ghcr.io/acme/ml:2.1.0-gpu\n",
	})
	dir := filepath.Join(repo, "overlays", "prod")
	code, stdout, stderr := runCLI(t, "check", dir)
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, `overlays/prod/deployment.yaml:14: error [no-prerelease] apps/Deployment/ml /spec/template/spec/containers/0/image: container "ml" uses prerelease image "ghcr.io/acme/ml:2.1.0-gpu" (gpu)`)
	code, stdout, stderr = runCLI(t, "check", "--env", "prod", dir)
	assert.Equal(t, exitOK, code, stdout+stderr)
}
