package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/validate"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

var example = filepath.Join("..", "..", "examples", "shop")

func TestRenderCommand(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "render", "testdata", "golden", "shop", "overlays-production.yaml"))
	require.NoError(t, err)
	code, stdout, stderr := runCLI(t, "render", filepath.Join(example, "overlays", "production"))
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, string(want), stdout, "the README's first command prints what kustomize build prints")
	assert.Empty(t, stderr)
}

func TestRenderCommandJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "render", filepath.Join(example, "overlays", "staging"), "-o", "json")
	require.Equal(t, exitOK, code, stderr)
	var list struct {
		APIVersion string           `json:"apiVersion"`
		Kind       string           `json:"kind"`
		Items      []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &list))
	assert.Equal(t, "List", list.Kind)
	assert.NotEmpty(t, list.Items)
}

func TestRenderCommandFluxFolder(t *testing.T) {
	code, stdout, stderr := runCLI(t, "render", filepath.Join(example, "clusters", "production"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "kind: Kustomization\n")
	assert.Contains(t, stdout, "path: ./overlays/production\n")
}

func TestRenderCommandErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{name: "missing directory", args: []string{"render", filepath.Join(example, "overlays", "nope")}, contains: "directory not found"},
		{name: "unknown output", args: []string{"render", filepath.Join(example, "overlays", "dev"), "-o", "xml"}, contains: `unknown output format "xml"`},
		{name: "no argument", args: []string{"render"}, contains: "accepts 1 arg(s)"},
		{name: "unknown flag", args: []string{"render", "--nope"}, contains: "unknown flag: --nope"},
		{name: "root that does not contain the directory", args: []string{"render", "--root", filepath.Join(example, "overlays", "dev"), filepath.Join(example, "overlays", "production")}, contains: "outside the repository root"},
		{name: "missing root", args: []string{"render", "--root", filepath.Join(example, "nope"), "."}, contains: "repository root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, exitError, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.contains)
			assert.True(t, strings.HasPrefix(stderr, "ferry: "), stderr)
		})
	}
}

func TestVersionCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "version")
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(stdout, "ferry "), stdout)
	assert.Contains(t, stdout, "  opa v1.", "the engines' versions follow")

	code, flag, _ := runCLI(t, "--version")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, stdout, flag, "--version prints what ferry version does")
}

// TestVersionText: a release build names its version, and a build from a
// checkout the commit it was built from.
func TestVersionText(t *testing.T) {
	deps := map[string]string{"github.com/open-policy-agent/opa": "v1.22.3"}
	assert.Equal(t, "ferry v1.2.0\n  opa v1.22.3\n", buildInfo{version: "v1.2.0", deps: deps}.text())
	assert.Equal(t, "ferry (devel)\n  commit 0123abc (2026-05-01T10:00:00Z), with local changes\n  opa v1.22.3\n",
		buildInfo{version: "(devel)", revision: "0123abc", time: "2026-05-01T10:00:00Z", modified: true, deps: deps}.text())
	assert.Equal(t, "ferry (devel)\n  commit 0123abc\n", buildInfo{version: "(devel)", revision: "0123abc"}.text())
}

func TestHelpListsExamples(t *testing.T) {
	code, stdout, _ := runCLI(t, "render", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "ferry render examples/shop/overlays/production")
}

// TestValidateHelpNamesTheEmbeddedVersions: the range is filled in when
// help is shown (it is not computed for other commands).
func TestValidateHelpNamesTheEmbeddedVersions(t *testing.T) {
	v := validate.SupportedVersions()
	require.NotEmpty(t, v)
	code, stdout, _ := runCLI(t, "validate", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "built-in kinds of Kubernetes "+v[0]+" to "+v[len(v)-1]+" are embedded")
	assert.NotContains(t, stdout, versionsPlaceholder)
}

// TestFlagValuesAreChecked: every command refuses an unknown output format
// or Rego version before doing any work.
func TestFlagValuesAreChecked(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "--root", example, "--from", "staging", "--to", "production", "--rego-version", "v2"},
		{"policy", "test", "--rego-version", "V0", filepath.Join(example, "policies")},
		{"check", "--rego-version", "v2", filepath.Join(example, "overlays", "dev")},
	} {
		code, _, stderr := runCLI(t, args...)
		assert.Equal(t, exitError, code, "%v", args)
		assert.Contains(t, stderr, "unknown Rego version", "%v", args)
	}
	for _, args := range [][]string{
		{"status", "--root", example, "-o", "html"},
		{"render", "-o", "xml", filepath.Join(example, "overlays", "dev")},
	} {
		code, _, stderr := runCLI(t, args...)
		assert.Equal(t, exitError, code, "%v", args)
		assert.Contains(t, stderr, "unknown output format", "%v", args)
	}
}

// TestQuietKustomize: kustomize's deprecation warnings, printed straight to
// os.Stderr on every build, are dropped (ferry reports them as findings);
// every other line passes through, and os.Stderr is restored.
func TestQuietKustomize(t *testing.T) {
	orig := os.Stderr
	var buf bytes.Buffer
	done := quietKustomize(&buf)
	fmt.Fprintln(os.Stderr, "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically.")
	fmt.Fprintln(os.Stderr, "# Warning: something else")
	fmt.Fprint(os.Stderr, "kept, without a final newline")
	done()
	assert.Equal(t, orig, os.Stderr)
	assert.Equal(t, "# Warning: something else\nkept, without a final newline\n", buf.String())
}

func TestMemoryLimit(t *testing.T) {
	assert.Equal(t, int64(512<<20), memoryLimit(24<<30, 0), "a quarter of the machine, up to 512 MiB")
	assert.Equal(t, int64(256<<20), memoryLimit(512<<20, 0), "the floor")
	assert.Equal(t, int64(128<<20), memoryLimit(256<<20, 0), "never more than half, not even for the floor")
	assert.Equal(t, int64(384<<20), memoryLimit(1536<<20, 0))
	assert.Equal(t, int64(512<<20), memoryLimit(0, 0), "unknown: as for 8 GiB")
	assert.Equal(t, int64(128*(20<<20)), memoryLimit(24<<30, 20<<20), "room for a large repository")
	assert.Equal(t, int64(2<<30), memoryLimit(4<<30, 100<<20), "at most half the machine")
	if runtime.GOOS == "linux" {
		assert.Positive(t, availableMemory(), "this machine's memory is known")
	}
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "a", ".git"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "k.yaml"), make([]byte, 1000), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "x.json"), make([]byte, 10), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "README.md"), make([]byte, 5000), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", ".git", "big.yaml"), make([]byte, 5000), 0o644))
	assert.Equal(t, int64(1010), inputSize(root))
}
