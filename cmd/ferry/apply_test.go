package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestApplyRefusesAPlanIntoGit: a plan edited to rewrite .git/HEAD, with
// its hashes right, is refused with exit 2 and HEAD is left alone.
func TestApplyRefusesAPlanIntoGit(t *testing.T) {
	repo := copyExample(t)
	head := filepath.Join(repo, ".git", "HEAD")
	require.NoError(t, os.MkdirAll(filepath.Dir(head), 0o755))
	require.NoError(t, os.WriteFile(head, []byte("ref: refs/heads/main\n"), 0o644))
	planFile := filepath.Join(t.TempDir(), "plan.json")
	code, _, stderr := runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "--out", planFile)
	require.Equal(t, exitOK, code, stderr)

	var plan map[string]any
	raw, err := os.ReadFile(planFile)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &plan))
	plan["files"] = []any{map[string]any{
		"path": ".git/HEAD", "before": sha("ref: refs/heads/main\n"), "after": sha("ref: refs/heads/evil\n"),
		"edits": []any{map[string]any{"op": "set", "keys": []string{"ref"}, "new": "refs/heads/evil", "reason": "x"}},
	}}
	plan["inputs"] = append(plan["inputs"].([]any), map[string]any{"path": ".git/HEAD", "sha256": sha("ref: refs/heads/main\n")})
	raw, err = json.Marshal(plan)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(planFile, raw, 0o644))

	code, stdout, stderr := runCLI(t, "apply", "--root", repo, planFile)
	assert.Equal(t, exitError, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "apply .git/HEAD: apply does not write this path: the path is inside .git")
	data, err := os.ReadFile(head)
	require.NoError(t, err)
	assert.Equal(t, "ref: refs/heads/main\n", string(data))
}

// TestPolicyCapabilities: the published capabilities leave the network
// builtins out unless asked.
func TestPolicyCapabilities(t *testing.T) {
	code, stdout, stderr := runCLI(t, "policy", "capabilities")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"name": "net.cidr_contains"`)
	assert.NotContains(t, stdout, `"name": "http.send"`)
	assert.NotContains(t, stdout, `"name": "net.lookup_ip_addr"`)
	code, stdout, _ = runCLI(t, "policy", "capabilities", "--allow-network")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, `"name": "http.send"`)
}
