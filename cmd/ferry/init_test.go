package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInitCommand: ferry init writes a ferry.yaml that plans use, refuses to
// replace one without --force, and prints with --stdout.
func TestInitCommand(t *testing.T) {
	repo := t.TempDir()
	for _, env := range []string{"dev", "staging", "production"} {
		dir := filepath.Join(repo, "env", env)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("resources: []\n"), 0o644))
	}
	code, stdout, stderr := runCLI(t, "init", "--root", repo, "--stdout")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "  - name: production\n    path: env/production\n    from: staging\n")
	assert.NoFileExists(t, filepath.Join(repo, "ferry.yaml"))

	code, _, stderr = runCLI(t, "init", "--root", repo)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "3 environments")
	written, err := os.ReadFile(filepath.Join(repo, "ferry.yaml"))
	require.NoError(t, err)
	assert.Equal(t, stdout, string(written))

	// The plan's source defaults to the from: init inferred.
	code, stdout, stderr = runCLI(t, "plan", "--root", repo, "--to", "production")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Promotion staging (env/staging) -> production (env/production)")

	require.NoError(t, os.WriteFile(filepath.Join(repo, "ferry.yaml"), []byte("# mine\n"), 0o644))
	code, _, stderr = runCLI(t, "init", "--root", repo)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "exists: ferry init leaves it alone")
	code, _, stderr = runCLI(t, "init", "--root", repo, "--force")
	require.Equal(t, exitOK, code, stderr)
	again, err := os.ReadFile(filepath.Join(repo, "ferry.yaml"))
	require.NoError(t, err)
	assert.Equal(t, written, again)

	code, _, stderr = runCLI(t, "init", "--root", t.TempDir())
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "found no environments")
}
