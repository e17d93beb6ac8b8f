package promote

import (
	"io/fs"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// unifiedDiff is a unified diff (git's a/ b/ prefixes, three lines of
// context) of every file the plan edits.
func unifiedDiff(fsys fs.FS, files []FileEdit) string {
	var b strings.Builder
	for _, f := range files {
		before, err := fs.ReadFile(fsys, f.Path)
		if err != nil {
			continue
		}
		after, err := editedContent(fsys, f)
		if err != nil {
			continue
		}
		text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        difflib.SplitLines(string(before)),
			B:        difflib.SplitLines(string(after)),
			FromFile: "a/" + f.Path,
			ToFile:   "b/" + f.Path,
			Context:  3,
		})
		if err == nil {
			b.WriteString(text)
		}
	}
	return b.String()
}
