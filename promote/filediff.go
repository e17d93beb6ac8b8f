package promote

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// unifiedDiff is a unified diff (git's a/ b/ prefixes, three lines of
// context) of every file the plan edits, from their contents before and
// after the edits.
func unifiedDiff(files []FileEdit, contents map[string][2][]byte) string {
	var b strings.Builder
	for _, f := range files {
		c := contents[f.Path]
		text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        difflib.SplitLines(string(c[0])),
			B:        difflib.SplitLines(string(c[1])),
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
