package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	validateTestdata = filepath.Join("..", "..", "validate", "testdata")
	fluxCRDs         = filepath.Join(validateTestdata, "crds", "flux")
)

func runCLIWithInput(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

const deprecatedPDB = `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
`

const unknownField = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  lables: {a: b}
`

func TestValidateCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		contains []string
		stderr   string
	}{
		{name: "valid overlay", args: []string{"validate", filepath.Join(example, "overlays", "production")}, contains: []string{"8 objects checked: 0 errors, 0 warnings"}},
		{
			name: "Flux objects without CRDs, embedded schemas", args: []string{"validate", filepath.Join(example, "infrastructure", "production")},
			contains: []string{"3 objects checked: 0 errors, 0 warnings"},
		},
		{
			name: "Flux objects without CRDs", args: []string{"validate", "--toolchain-schemas=false", filepath.Join(example, "infrastructure", "production")}, code: exitFindings,
			contains: []string{"infrastructure/base/ingress-nginx/helmrelease.yaml:1: error [missing-schema] helm.toolkit.fluxcd.io/HelmRelease/ingress-nginx/ingress-nginx"},
			stderr:   "3 objects checked: 2 errors, 0 warnings",
		},
		{
			name: "Flux folders with CRDs", args: []string{"validate", "--crd", fluxCRDs, filepath.Join(example, "clusters", "production"), filepath.Join(example, "infrastructure", "production")},
			contains: []string{"22 objects checked: 0 errors"},
		},
		{
			name: "invalid file, field lines", args: []string{"validate", "--kubernetes-version", "1.30", "--crd", fluxCRDs, filepath.Join(validateTestdata, "golden", "mixed.yaml")}, code: exitFindings,
			contains: []string{"golden/mixed.yaml:24: error [schema] apps/Deployment/shop/web /spec/template/spec/containers/0/imagePullPolcy: unknown field", "9 objects checked: 13 errors"},
		},
		{
			name: "deprecation is a warning", args: []string{"validate", "--kubernetes-version", "v1.24", "-"}, stdin: deprecatedPDB,
			contains: []string{"-:1: warning [deprecated-api] policy/PodDisruptionBudget/web /apiVersion: policy/v1beta1 PodDisruptionBudget is deprecated", "1 object checked: 0 errors, 1 warning"},
		},
		{name: "fail on warnings", args: []string{"validate", "--kubernetes-version", "1.24", "--fail-on-warn"}, stdin: deprecatedPDB, code: exitFindings, contains: []string{"warning [deprecated-api]"}},
		{name: "removed API", args: []string{"validate", "-"}, stdin: deprecatedPDB, code: exitFindings, contains: []string{"error [removed-api]", "no longer served since Kubernetes 1.25: use policy/v1"}},
		{name: "strict by default", args: []string{"validate"}, stdin: unknownField, code: exitFindings, contains: []string{`unknown field "lables"`}},
		{name: "lax", args: []string{"validate", "--strict=false"}, stdin: unknownField, contains: []string{"0 errors"}},
		{name: "skip", args: []string{"validate", "--skip", "Service,ConfigMap"}, stdin: unknownField, contains: []string{"0 errors"}},
		{name: "reject", args: []string{"validate", "--reject", "v1/ConfigMap"}, stdin: unknownField, code: exitFindings, contains: []string{"error [rejected-kind] ConfigMap/settings /kind"}},
		{name: "missing schema", args: []string{"validate", "-"}, stdin: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", code: exitFindings, contains: []string{"error [missing-schema]"}},
		{name: "ignore missing schemas", args: []string{"validate", "--ignore-missing-schemas"}, stdin: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", contains: []string{"1 object checked: 0 errors"}},
		{
			name: "duplicate key", args: []string{"validate", filepath.Join(validateTestdata, "parity", "duplicate-key.yaml")}, code: exitFindings,
			contains: []string{"parity/duplicate-key.yaml:7: error [duplicate-key] duplicate key \"replicas\""},
		},
		{name: "summary on stderr", args: []string{"validate", "--summary", "-o", "tap", filepath.Join(example, "overlays", "dev")}, contains: []string{"ok 1"}, stderr: "8 objects checked: 0 errors, 0 warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLIWithInput(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stdout, c)
			}
			if tt.stderr != "" {
				assert.Contains(t, stderr, tt.stderr)
			}
		})
	}
}

func TestValidateCommandFormats(t *testing.T) {
	file := filepath.Join(validateTestdata, "parity", "unknown-fields.yaml")
	tests := []struct {
		format   string
		contains string
	}{
		{format: "json", contains: `"rule": "schema"`},
		{format: "junit", contains: "<testsuite"},
		{format: "tap", contains: "not ok"},
		{format: "sarif", contains: `"version": "2.1.0"`},
		{format: "github", contains: "::error file="},
		{format: "azuredevops", contains: "##vso[task.logissue type=error"},
		{format: "table", contains: "SEVERITY"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "validate", "-o", tt.format, file)
			assert.Equal(t, exitFindings, code, stderr)
			assert.Contains(t, stdout, tt.contains)
		})
	}

	code, stdout, _ := runCLI(t, "validate", "-o", "json", file)
	require.Equal(t, exitFindings, code)
	var got struct {
		Checked  int `json:"checked"`
		Findings []struct {
			Rule  string `json:"rule"`
			Field string `json:"field"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, 5, got.Checked)
	assert.Len(t, got.Findings, 4)
}

func TestValidateCommandErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{name: "unknown version", args: []string{"validate", "--kubernetes-version", "1.19", "-"}, contains: `Kubernetes version "1.19" is not supported: supported versions are 1.24,`},
		{name: "unknown output", args: []string{"validate", "-o", "xml", "-"}, contains: `unknown output format "xml"`},
		{name: "missing file", args: []string{"validate", "nope.yaml"}, contains: "ferry: stat nope.yaml: no such file or directory"},
		{name: "CRD path without CRDs", args: []string{"validate", "--crd", filepath.Join(validateTestdata, "parity", "valid.yaml"), "-"}, contains: "no CustomResourceDefinition found"},
		{name: "remote schema location", args: []string{"validate", "--schema-location", "https://example.com/{{ .ResourceKind }}.json", "-"}, contains: "remote schema locations need AllowNetwork"},
		{name: "render failure", args: []string{"validate", filepath.Join(example, "overlays", "nope")}, contains: "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLIWithInput(t, deprecatedPDB, tt.args...)
			assert.Equal(t, exitError, code, "stdout: %s", stdout)
			assert.Contains(t, stderr, tt.contains)
			assert.True(t, strings.HasPrefix(stderr, "ferry: "), stderr)
		})
	}
}

// TestValidateCommandFieldLines renders a repository and checks that a
// finding points at the line of the offending field in the base file.
func TestValidateCommandFieldLines(t *testing.T) {
	repo := t.TempDir()
	write := func(name, content string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(repo, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644))
	}
	write("ferry.yaml", "apiVersion: ferry.dev/v1alpha1\nkind: Config\n")
	write("base/kustomization.yaml", "resources: [deployment.yaml]\n")
	write("base/deployment.yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagee: nginx
`)
	write("prod/kustomization.yaml", "resources: [../base]\nnamespace: prod\n")
	code, stdout, stderr := runCLI(t, "validate", filepath.Join(repo, "prod"))
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, `base/deployment.yaml:15: error [schema] apps/Deployment/prod/web /spec/template/spec/containers/0/imagee: unknown field "imagee"`)
}
