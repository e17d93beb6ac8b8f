package promote

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnifiedDiffApplies: the plan's diff applies with `git apply` to the
// unedited files and gives the edited ones, for edits at the start, middle
// and end of a file, with and without a final newline, and with CRLF.
func TestUnifiedDiffApplies(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	long := func(sep string) string {
		var b strings.Builder
		for i := range 20 {
			b.WriteString("key" + string(rune('a'+i)) + ": value" + sep)
		}
		return b.String()
	}
	tests := []struct{ name, before, after string }{
		{"start", long("\n"), "added: 1\n" + long("\n")},
		{"middle", long("\n"), strings.Replace(long("\n"), "keyj: value\n", "keyj: other\n", 1)},
		{"append at the end", "a: 1\nb: 2\n", "a: 1\nb: 2\nimages:\n  - name: x\n"},
		{"end without a final newline", "a: 1\nb: 2", "a: 1\nb: 3"},
		{"newline added at the end", "a: 1\nb: 2", "a: 1\nb: 2\nc: 3\n"},
		{"newline taken from the end", "a: 1\nb: 2\n", "a: 1\nb: 3"},
		{"crlf", long("\r\n"), strings.Replace(long("\r\n"), "keyt: value\r\n", "keyt: other\r\n", 1)},
		{"short file", "a: 1\n", "a: 2\n"},
		{"from empty", "", "a: 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "dir", "f.yaml")
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
			require.NoError(t, os.WriteFile(file, []byte(tt.before), 0o644))
			diff := unifiedDiff([]FileEdit{{Path: "dir/f.yaml"}}, map[string][2][]byte{"dir/f.yaml": {[]byte(tt.before), []byte(tt.after)}})
			require.NotEmpty(t, diff)
			patch := filepath.Join(t.TempDir(), "plan.diff")
			require.NoError(t, os.WriteFile(patch, []byte(diff), 0o644))
			cmd := exec.Command(git, "apply", "--unsafe-paths", "--directory=.", patch)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "git apply: %s\n%s", out, diff)
			got, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.Equal(t, tt.after, string(got), diff)
		})
	}
	assert.Empty(t, unifiedDiff([]FileEdit{{Path: "f"}}, map[string][2][]byte{"f": {[]byte("a\n"), []byte("a\n")}}), "no change, no diff")
}

func TestIsRange(t *testing.T) {
	for tag, want := range map[string]bool{
		">=1.0.0": true, ">= 1.8.0-rc.0": true, "~1.2": true, "^2": true, "1.x": true, "v1.X": true, "*": true,
		"1.0.0 - 2.0.0": true, ">=1.0.0 <2.0.0": true, "1.2.3 || 2.0.0": true,
		"1.2.3": false, "v1.2.3-rc.1": false, "1.36.1-musl": false, "latest": false, "": false, "main": false,
	} {
		assert.Equal(t, want, isRange(tag), tag)
	}
}
