package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyExample copies the shop example into a temporary repository so tests
// can break it.
func copyExample(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(example)))
	return dst
}

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(data), old)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%q not in %s", text, file)
	return 0
}

func TestCheckExample(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "-p", filepath.Join(example, "policies"), filepath.Join(example, "overlays", "production"))
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "8 objects checked: 0 errors, 0 warnings, 0 waived")
}

// TestCheckLatestTagPointsAtTheOverlay injects a :latest image the way a
// person would — in the production overlay's images: entry — and expects the
// GitHub annotation on that line.
func TestCheckLatestTagPointsAtTheOverlay(t *testing.T) {
	repo := copyExample(t)
	kust := filepath.Join(repo, "overlays", "production", "kustomization.yaml")
	replaceIn(t, kust, "newTag: 2.3.0", "newTag: latest")
	line := lineOf(t, kust, "newTag: latest")

	code, stdout, stderr := runCLI(t, "check", "-o", "github", filepath.Join(repo, "overlays", "production"))
	assert.Equal(t, exitFindings, code, stderr)
	want := "::error file=overlays/production/kustomization.yaml,line=" + itoa(line) + ",title=no-latest-tag::apps/Deployment/shop-production/storefront: container \"storefront\" uses image \"ghcr.io/acme-shop/storefront:latest\" with the latest tag; pin a version"
	assert.Contains(t, stdout, want)
}

func TestCheckLatestTagInTheBase(t *testing.T) {
	repo := copyExample(t)
	base := filepath.Join(repo, "apps", "base", "invoice-worker", "cronjob.yaml")
	replaceIn(t, base, "busybox:1.36.1", "busybox")
	line := lineOf(t, base, "image: docker.io/library/busybox")

	code, stdout, _ := runCLI(t, "check", "-o", "azuredevops", filepath.Join(repo, "overlays", "staging"))
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "##vso[task.logissue type=error;sourcepath=apps/base/invoice-worker/cronjob.yaml;linenumber="+itoa(line)+";code=no-latest-tag]")
}

func TestCheckWaiverWithoutReason(t *testing.T) {
	repo := copyExample(t)
	dep := filepath.Join(repo, "apps", "base", "storefront", "deployment.yaml")
	replaceIn(t, dep, "metadata:\n  name: storefront\n", "metadata:\n  name: storefront\n  annotations:\n    ferry.dev/waive: \"semver-tag:\"\n")
	code, stdout, _ := runCLI(t, "check", filepath.Join(repo, "overlays", "production"))
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "apps/base/storefront/deployment.yaml:6: error [waiver] apps/Deployment/shop-production/storefront /metadata/annotations/ferry.dev~1waive: waiver of semver-tag gives no reason")
}

func TestCheckRefusesNetworkPolicies(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "net.rego"), []byte("package main\n\ndeny contains msg if {\n  r := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n  msg := r.body\n}\n"), 0o644))
	code, _, stderr := runCLI(t, "check", "-p", dir, filepath.Join(example, "overlays", "production"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "net.rego:4: ferry_network_builtin: http.send is disabled")
}

func TestCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	warn := filepath.Join(dir, "warn.rego")
	require.NoError(t, os.WriteFile(warn, []byte("package main\n\nwarn contains \"careful\" if { input.kind == \"Deployment\" }\n"), 0o644))
	deny := filepath.Join(dir, "deny.rego")
	require.NoError(t, os.WriteFile(deny, []byte("package main\n\ndeny contains \"no\" if { input.kind == \"Deployment\" }\n"), 0o644))
	target := filepath.Join(example, "overlays", "production")
	tests := []struct {
		name  string
		flags []string
		want  int
	}{
		{name: "warnings pass", flags: []string{"-p", warn}, want: 0},
		{name: "warnings fail with --fail-on-warn", flags: []string{"-p", warn, "--fail-on-warn"}, want: 1},
		{name: "failures", flags: []string{"-p", deny}, want: 1},
		{name: "failures with --fail-on-warn", flags: []string{"-p", deny, "--fail-on-warn"}, want: 2},
		{name: "--no-fail", flags: []string{"-p", deny, "--no-fail"}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append(append([]string{"check", "--no-builtins"}, tt.flags...), target)...)
			assert.Equal(t, tt.want, code, stderr)
		})
	}
}

func TestCheckConftestJSON(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.rego"), []byte(`package main

deny contains msg if {
	input.kind == "Deployment"
	msg := sprintf("%s: no", [input.metadata.name])
}

warn contains "service" if { input.kind == "Service" }
`), 0o644))
	code, stdout, _ := runCLI(t, "check", "--no-builtins", "-p", dir, "-o", "json", filepath.Join(example, "overlays", "production"))
	assert.Equal(t, exitFindings, code)
	var results []struct {
		Filename  string `json:"filename"`
		Namespace string `json:"namespace"`
		Successes int    `json:"successes"`
		Failures  []struct {
			Msg string `json:"msg"`
		} `json:"failures"`
		Warnings []struct {
			Msg string `json:"msg"`
		} `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &results), stdout)
	byFile := map[string]int{}
	for i, r := range results {
		assert.Equal(t, "main", r.Namespace)
		byFile[r.Filename] = i
	}
	dep := results[byFile["apps/base/storefront/deployment.yaml"]]
	require.Len(t, dep.Failures, 1)
	assert.Equal(t, "storefront: no", dep.Failures[0].Msg)
	assert.Equal(t, 1, dep.Successes, "warn passed on the Deployment")
}

func TestCheckEnvErrors(t *testing.T) {
	code, _, stderr := runCLI(t, "check", "--env", "qa", filepath.Join(example, "overlays", "production"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--env qa: no such environment in ferry.yaml (have dev, staging, production)")

	code, _, stderr = runCLI(t, "check", "-o", "yaml", filepath.Join(example, "overlays", "production"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `unknown output format "yaml"`)
}

func TestPolicyCommands(t *testing.T) {
	code, stdout, stderr := runCLI(t, "policy", "test", filepath.Join(example, "policies"))
	assert.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^(\d+)/(\d+) tests passed\n$`, stdout)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p_test.rego"), []byte("package main_test\n\ntest_fails if { 1 == 2 }\n"), 0o644))
	code, stdout, _ = runCLI(t, "policy", "test", dir)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "FAIL main_test.test_fails")

	code, stdout, _ = runCLI(t, "policy", "list")
	assert.Equal(t, exitOK, code)
	for _, id := range []string{"no-latest-tag", "semver-tag", "no-prerelease", "digest-pinned", "allowed-registries"} {
		assert.Contains(t, stdout, id)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
