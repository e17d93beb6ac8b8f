package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// complete runs the shell-completion request cobra's scripts make and
// returns the candidates, without the directive line.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"__complete"}, args...)...)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.NotEmpty(t, lines)
	require.True(t, strings.HasPrefix(lines[len(lines)-1], ":"), "the last line is the directive: %s", stdout)
	return lines[:len(lines)-1]
}

func TestCompleteEnvironments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "plan --to", args: []string{"plan", "--root", example, "--to", ""}, want: []string{"dev", "staging", "production"}},
		{name: "plan --from with a prefix", args: []string{"plan", "--root", example, "--from", "st"}, want: []string{"staging"}},
		{name: "plan --to, the last of a list", args: []string{"plan", "--root", example, "--to", "dev,p"}, want: []string{"dev,production"}},
		{name: "validate --env", args: []string{"validate", "--root", example, "--env", ""}, want: []string{"dev", "staging", "production"}},
		{name: "check --env", args: []string{"check", "--root", example, "--env", "d"}, want: []string{"dev"}},
		{name: "no match", args: []string{"plan", "--root", example, "--to", "qa"}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, complete(t, tt.args...))
		})
	}
}

// TestCompleteEnvironmentsFromTheWorkingDirectory: without --root the
// repository around the working directory counts; without a ferry.yaml,
// the environments ferry discovers.
func TestCompleteEnvironmentsFromTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, env := range []string{"qa", "prod"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "overlays", env), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".git"), nil, 0o644))
	t.Chdir(dir)
	assert.Equal(t, []string{"prod", "qa"}, complete(t, "plan", "--to", ""))

	// A ferry.yaml that does not load completes nothing.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ferry.yaml"), []byte("kind: Other\n"), 0o644))
	assert.Equal(t, []string{}, complete(t, "plan", "--to", ""))
}

func TestCompleteOutputFormats(t *testing.T) {
	assert.Equal(t, []string{"stdout", "sarif"}, complete(t, "check", "-o", "s"))
	assert.Contains(t, complete(t, "plan", "--output", ""), "markdown")
	assert.Equal(t, []string{"yaml", "json"}, complete(t, "render", "-o", ""))
	assert.Contains(t, complete(t, "validate", "-o", ""), "junit")
}

// TestEveryOutputFlagCompletes: a command with -o has its formats listed
// for completion, and every command with an environment flag completes it.
func TestEveryOutputFlagCompletes(t *testing.T) {
	root := newRootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "output" || f.Name == "from" || f.Name == "to" || f.Name == "env" {
				_, ok := c.GetFlagCompletionFunc(f.Name)
				assert.True(t, ok, "%s --%s has no completion", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
