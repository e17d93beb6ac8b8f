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
