package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// atRoot makes dir the working directory for the rest of the test, as a CI
// job that runs ferry at the root of the repository, and returns "." to
// name it.
func atRoot(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	t.Chdir(abs)
	return "."
}

// checkout copies the shop example to sub/shop of a temporary directory, a
// CI checkout whose ferry.yaml is not at its root, and makes the checkout
// the working directory.
func checkout(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	shop := filepath.Join(dir, "sub", "shop")
	require.NoError(t, os.MkdirAll(shop, 0o755))
	require.NoError(t, os.CopyFS(shop, os.DirFS(example)))
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	t.Chdir(dir)
	return dir
}

// TestPathsFromTheCheckout: with ferry.yaml in sub/shop and ferry run at the
// checkout's root, every output names files from the checkout's root, which
// is what GitHub and Azure DevOps resolve; the JSON plan for ferry apply
// keeps them relative to --root.
func TestPathsFromTheCheckout(t *testing.T) {
	dir := checkout(t)
	kust := filepath.Join("sub", "shop", "overlays", "production", "kustomization.yaml")
	replaceIn(t, kust, "newTag: 2.3.0", "newTag: latest")
	line := lineOf(t, kust, "newTag: latest")
	want := "sub/shop/overlays/production/kustomization.yaml"

	for _, format := range []string{"stdout", "github", "azuredevops", "sarif", "junit", "tap", "table"} {
		t.Run("check "+format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--env", "production", "-o", format, filepath.Join("sub", "shop", "overlays", "production"))
			assert.Equal(t, exitFindings, code, stderr)
			assert.Contains(t, stdout, want)
			assert.NotContains(t, strings.ReplaceAll(stdout, want, ""), "overlays/production/kustomization.yaml", "no path is left relative to ferry.yaml's folder")
		})
	}
	code, stdout, stderr := runCLI(t, "check", "-o", "github", filepath.Join("sub", "shop", "overlays", "production"))
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "::error file="+want+",line=")
	assert.Contains(t, stdout, ",line="+itoa(line)+",")

	code, stdout, stderr = runCLI(t, "validate", "-o", "json", filepath.Join("sub", "shop", "overlays", "production"))
	assert.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, `"file": "overlays/`)

	// --root and --env together, the plan's reports from the checkout, the
	// JSON plan from the root.
	code, stdout, stderr = runCLI(t, "plan", "--root", filepath.Join("sub", "shop"), "--from", "staging", "--to", "production",
		"-o", "text", "-o", "markdown=comment.md", "-o", "sarif=plan.sarif", "-o", "json=plan.json", "--out", "apply.json")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Promotion staging (sub/shop/overlays/staging) -> production (sub/shop/overlays/production): READY")
	assert.Contains(t, stdout, "Fixed by the promotion (found before the edits, not after):\n  "+want+":")
	assert.Contains(t, stdout, "--- a/sub/shop/overlays/production/kustomization.yaml")
	md, err := os.ReadFile(filepath.Join(dir, "comment.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "**ready**")
	assert.Contains(t, string(md), want)
	sarif, err := os.ReadFile(filepath.Join(dir, "plan.sarif"))
	require.NoError(t, err)
	assert.Contains(t, string(sarif), `"uri": "`+want+`"`)
	var plan struct {
		Target struct{ Path string } `json:"target"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &plan))
	assert.Equal(t, "overlays/production", plan.Target.Path, "the plan ferry apply reads names files from --root")
}

func TestOutputsToFiles(t *testing.T) {
	dir := t.TempDir()
	prod := filepath.Join(example, "overlays", "production")
	junit := filepath.Join(dir, "report.xml")
	code, stdout, stderr := runCLI(t, "validate", "-o", "junit="+junit, "-o", "sarif="+filepath.Join(dir, "report.sarif"), "-o", "text", prod)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "objects checked: 0 errors", "the one format without a file goes to standard output")

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc struct {
		Suites []struct {
			Tests int `xml:"tests,attr"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc))
	require.Len(t, doc.Suites, 1)
	assert.Greater(t, doc.Suites[0].Tests, 8, "one passing case per check per object")
	names := map[string]bool{}
	for _, c := range doc.Suites[0].Cases {
		names[c.Name] = true
	}
	assert.True(t, names["schema/apps/Deployment/shop-production/storefront"], "cases are named check/object: %v", names)
	_, err = os.Stat(filepath.Join(dir, "report.sarif"))
	assert.NoError(t, err)
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	assert.Empty(t, leftovers, "no temporary file is left behind")

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{name: "two to stdout", args: []string{"-o", "text", "-o", "json"}, want: "text and json both go to standard output"},
		{name: "unknown format", args: []string{"-o", "yaml=x.yaml"}, want: `unknown output format "yaml"`},
		{name: "no file", args: []string{"-o", "json="}, want: "--output json=: name the file after ="},
		{name: "file twice", args: []string{"-o", "json=a", "-o", "sarif=a"}, want: "a is named twice"},
		{name: "unwritable file", args: []string{"-o", "sarif=" + filepath.Join(dir, "missing", "x.sarif")}, want: "write sarif output: open " + filepath.Join(dir, "missing")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"validate"}, append(tc.args, prod)...)...)
			assert.Equal(t, exitError, code)
			assert.Contains(t, stderr, tc.want)
		})
	}
}
