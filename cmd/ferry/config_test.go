package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noNewVersion is a team policy that fails on the version the example's
// promotion from staging to production brings (orders-api 1.8.0).
const noNewVersion = `package main

deny contains msg if {
	some c in input.spec.template.spec.containers
	endswith(c.image, ":1.8.0")
	msg := sprintf("%s: 1.8.0 is not cleared for production", [input.metadata.name])
}
`

// configuredRepo copies the example, with the policy noNewVersion in
// policy-production, configured for production in ferry.yaml.
func configuredRepo(t *testing.T) string {
	t.Helper()
	repo := copyExample(t)
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "policy-production"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "policy-production", "versions.rego"), []byte(noNewVersion), 0o644))
	replaceIn(t, filepath.Join(repo, "ferry.yaml"), "    kubernetesVersion: \"1.33\"\n", "    kubernetesVersion: \"1.33\"\n    policies: [policy-production]\n")
	return repo
}

// TestPlanRunsConfiguredPolicies: ferry plan runs the policies ferry.yaml
// names for the target (the top-level ones and the environment's), and -p
// replaces them.
func TestPlanRunsConfiguredPolicies(t *testing.T) {
	repo := configuredRepo(t)
	code, stdout, stderr := runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "-q")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "orders-api: 1.8.0 is not cleared for production")

	code, stdout, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "-q", "-p", filepath.Join(repo, "policies", "deployment.rego"))
	assert.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, "not cleared")
}

// TestCheckEnvRunsConfiguredPolicies: ferry check --env checks the
// environment's directory with its policies; -p replaces them; without
// --env only the top-level ones run.
func TestCheckEnvRunsConfiguredPolicies(t *testing.T) {
	repo := configuredRepo(t)
	// Production as it would be after the promotion.
	replaceIn(t, filepath.Join(repo, "overlays", "production", "kustomization.yaml"), "newTag: 1.7.2", "newTag: 1.8.0")

	code, stdout, stderr := runCLI(t, "check", "--root", repo, "--env", "production")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "orders-api: 1.8.0 is not cleared for production")

	code, stdout, stderr = runCLI(t, "check", "--root", repo, filepath.Join(repo, "overlays", "production"))
	assert.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, "not cleared")

	code, _, stderr = runCLI(t, "check", "--root", repo, "--env", "production", "-p", filepath.Join(repo, "policies", "deployment.rego"))
	assert.Equal(t, exitOK, code, stderr)

	code, _, stderr = runCLI(t, "check", "--root", repo)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "requires at least 1 arg")
}

// TestMissingConfiguredPolicyFolder: a policy folder ferry.yaml names that
// does not exist stops plan and check with an error naming ferry.yaml and
// the line.
func TestMissingConfiguredPolicyFolder(t *testing.T) {
	repo := copyExample(t)
	replaceIn(t, filepath.Join(repo, "ferry.yaml"), "policies: [policies]", "policies: [policy]")
	line := lineOf(t, filepath.Join(repo, "ferry.yaml"), "policies: [policy]")
	want := "ferry.yaml:" + itoa(line) + ": policies: policy file or folder policy: no such file or folder"
	for _, args := range [][]string{
		{"plan", "--root", repo, "--from", "staging", "--to", "production"},
		{"check", "--root", repo, "--env", "production"},
		{"validate", "--root", repo, "--env", "production"},
	} {
		code, _, stderr := runCLI(t, args...)
		assert.Equal(t, exitError, code, args)
		assert.Contains(t, stderr, want, args)
	}
}

// TestValidateEnvKubernetesVersion: validate --env validates the
// environment's directory for its kubernetesVersion, unless
// --kubernetes-version says otherwise.
func TestValidateEnvKubernetesVersion(t *testing.T) {
	repo := copyExample(t)
	replaceIn(t, filepath.Join(repo, "ferry.yaml"), `kubernetesVersion: "1.33"`, `kubernetesVersion: "1.99"`)

	code, _, stderr := runCLI(t, "validate", "--root", repo, "--env", "production")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "1.99")

	code, stdout, stderr := runCLI(t, "validate", "--root", repo, "--env", "production", "--kubernetes-version", "1.33")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "8 objects checked")

	code, _, stderr = runCLI(t, "validate", "--root", repo, "--env", "qa")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--env qa: no such environment in ferry.yaml (have dev, staging, production)")

	code, _, stderr = runCLI(t, "validate", "--root", t.TempDir(), "--env", "production")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--env production: no ferry.yaml in")
}
