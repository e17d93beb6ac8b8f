package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generate runs the generator on the test modules and returns the bundle
// bytes and what it printed on standard output.
func generate(t *testing.T, args ...string) ([]byte, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "toolchain.json.gz")
	var stdout, log bytes.Buffer
	require.NoError(t, run(append([]string{"-o", out}, args...), &stdout, &log), log.String())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data, stdout.String()
}

var testModules = []string{
	"-dir", "github.com/fluxcd/flagger@v1.0.0=" + filepath.Join("testdata", "flagger"),
	"-dir", "github.com/kyverno/kyverno@v1.2.3=" + filepath.Join("testdata", "kyverno"),
}

func TestGenerate(t *testing.T) {
	data, table := generate(t, append([]string{"-table"}, testModules...)...)
	again, _ := generate(t, append([]string{"-table"}, testModules...)...)
	assert.Equal(t, data, again, "the output is deterministic")

	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))

	want := `{
  "format": 1,
  "sources": [
    {"project": "Flagger", "module": "github.com/fluxcd/flagger", "version": "v1.0.0"},
    {"project": "Kyverno", "module": "github.com/kyverno/kyverno", "version": "v1.2.3"}
  ],
  "crds": [
    {"source": 0, "file": "artifacts/flagger/crd.yaml", "crd": {
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "canaries.flagger.app"},
      "spec": {"group": "flagger.app", "names": {"kind": "Canary", "plural": "canaries"}, "scope": "Namespaced",
        "versions": [
          {"name": "v1beta1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
            "type": "object", "required": ["spec"],
            "properties": {"spec": {"type": "object", "properties": {
              "description": {"type": "string"},
              "analysis": {"type": "object", "properties": {"threshold": {"type": "number"}}, "anyOf": [{"required": ["threshold"]}]},
              "items": {"type": "array", "items": {"type": "string"}}
            }}}
          }}},
          {"name": "v1alpha3", "served": true, "storage": false, "deprecated": true,
           "deprecationWarning": "flagger.app/v1alpha3 Canary is deprecated", "schema": {"openAPIV3Schema": {"type": "object"}}},
          {"name": "v1alpha1", "served": false, "storage": false}
        ]}}},
    {"source": 1, "file": "config/crds/kyverno/kyverno.io_policies.yaml", "crd": {
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "policies.kyverno.io"},
      "spec": {"group": "kyverno.io", "names": {"kind": "Policy", "plural": "policies"}, "scope": "Namespaced",
        "versions": [{"name": "v1", "served": true, "storage": true,
          "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}}
  ]
}`
	var wantMap map[string]any
	require.NoError(t, json.Unmarshal([]byte(want), &wantMap))
	assert.Equal(t, wantMap, got)

	assert.Equal(t, "| Project | Module | Version | Group | Kinds (served versions) |\n"+
		"|---|---|---|---|---|\n"+
		"| Flagger | `github.com/fluxcd/flagger` | v1.0.0 | `flagger.app` | Canary (v1beta1, v1alpha3 (deprecated)) |\n"+
		"| Kyverno | `github.com/kyverno/kyverno` | v1.2.3 | `kyverno.io` | Policy (v1) |\n", table)
}

func TestGenerateErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.json.gz")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no output", args: []string{"github.com/fluxcd/flagger@v1.0.0"}, want: "-o is required"},
		{name: "no modules", args: []string{"-o", out}, want: "no modules given"},
		{name: "no version", args: []string{"-o", out, "github.com/fluxcd/flagger"}, want: "want MODULE@VERSION"},
		{name: "unknown module", args: []string{"-o", out, "-dir", "example.com/x@v1.0.0=testdata/empty"}, want: "unknown project"},
		{name: "bad -dir", args: []string{"-o", out, "-dir", "github.com/fluxcd/flagger@v1.0.0"}, want: "want MODULE@VERSION=DIR"},
		{name: "no CRD where the table says", args: []string{"-o", out, "-dir", "github.com/fluxcd/flagger@v1.0.0=testdata/empty"}, want: "no CustomResourceDefinition in artifacts/flagger/crd.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tt.args, &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NoFileExists(t, out)
		})
	}
}

// TestGenerateFromGit: a project the module proxy does not serve is read
// from its git repository at the tag -git names (here a local repository:
// tests touch no network), and gives the same bundle as its files do;
// -dir gives a checkout in its place.
func TestGenerateFromGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	require.NoError(t, os.CopyFS(repo, os.DirFS(filepath.Join("testdata", "flagger"))))
	for _, args := range [][]string{
		{"init", "--quiet"}, {"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "crds"},
		{"tag", "v1.0.0"},
	} {
		cmd := exec.Command(git, args...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
	fromGit, _ := generate(t, "-git", "github.com/fluxcd/flagger@v1.0.0="+repo)
	fromDir, _ := generate(t, testModules[:2]...)
	assert.Equal(t, fromDir, fromGit)

	// -dir stands in for the clone.
	overridden, _ := generate(t, "-git", "github.com/fluxcd/flagger@v1.0.0=file:///nowhere", testModules[0], testModules[1])
	assert.Equal(t, fromDir, overridden)

	out := filepath.Join(t.TempDir(), "x.json.gz")
	err = run([]string{"-o", out, "-git", "github.com/fluxcd/flagger@v9.9.9=" + repo}, io.Discard, io.Discard)
	assert.ErrorContains(t, err, "git clone "+repo+" at v9.9.9")
}
