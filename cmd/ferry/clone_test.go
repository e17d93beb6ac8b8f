package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloneCommand(t *testing.T) {
	repo := copyExample(t)
	args := []string{"clone", "--root", repo, "--from", "clusters/production", "--to", "clusters/production-eu-2", "--set", "cluster_env=production-eu-2"}
	code, stdout, stderr := runCLI(t, args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "--- /dev/null\n+++ b/clusters/production-eu-2/apps.yaml\n")
	_, err := os.Stat(filepath.Join(repo, "clusters", "production-eu-2"))
	assert.True(t, os.IsNotExist(err), "without --apply nothing is written")

	code, _, stderr = runCLI(t, append(args, "--apply")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "created clusters/production-eu-2: 4 files")
	data, err := os.ReadFile(filepath.Join(repo, "clusters", "production-eu-2", "apps.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "cluster_env: production-eu-2")

	code, stdout, stderr = runCLI(t, args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "NOOP")
}

func TestCloneCommandErrors(t *testing.T) {
	repo := copyExample(t)
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"bad --set":       {[]string{"--set", "novalue"}, `--set "novalue": write KEY=VALUE`},
		"unknown value":   {[]string{"--set", "region=eu"}, "no file of clusters/production sets region"},
		"unknown version": {[]string{"--kubernetes-version", "0.99"}, "0.99"},
	} {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"clone", "--root", repo, "--from", "clusters/production", "--to", "clusters/new"}, c.args...)
			code, _, stderr := runCLI(t, args...)
			assert.Equal(t, exitError, code)
			assert.Contains(t, stderr, c.want)
		})
	}
}

// plan --all writes every pending promotion in one document that ferry
// apply applies in an order that works; --chain makes production take what
// staging will run.
func TestPlanAllAndApply(t *testing.T) {
	for _, chain := range []bool{false, true} {
		repo := t.TempDir()
		require.NoError(t, os.CopyFS(repo, os.DirFS(filepath.Join("..", "..", "examples", "pipeline"))))
		planFile := filepath.Join(t.TempDir(), "plans.json")
		args := []string{"plan", "--root", repo, "--all", "--out", planFile, "-o", "json"}
		if chain {
			args = append(args, "--chain")
		}
		code, stdout, stderr := runCLI(t, args...)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, `"kind": "PlanList"`)
		code, stdout, stderr = runCLI(t, "apply", "--root", repo, planFile)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "wrote envs/production/kustomization.yaml")
		data, err := os.ReadFile(filepath.Join(repo, "envs", "production", "kustomization.yaml"))
		require.NoError(t, err)
		want := "newTag: 1.3.0" // what staging ran
		if chain {
			want = "newTag: 1.4.0" // what staging runs after its own promotion
		}
		assert.Contains(t, string(data), want, "chain %v", chain)
	}
	code, _, stderr := runCLI(t, "plan", "--root", filepath.Join("..", "..", "examples", "pipeline"), "--to", "production", "--chain")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--chain chains the promotions of --all")
}
