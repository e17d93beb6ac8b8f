package promote

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// unifiedDiff is a unified diff (git's a/ b/ prefixes, three lines of
// context) of every file the plan edits, from their contents before and
// after the edits, that `git apply` and `patch` take: a hunk ends at the
// file's last line, and a last line without a newline is marked so.
func unifiedDiff(files []FileEdit, contents map[string][2][]byte) string {
	var b strings.Builder
	for _, f := range files {
		c, ok := contents[f.Path]
		if !ok {
			fmt.Fprintf(&b, "Binary file b/%s created\n", f.Path)
			continue
		}
		from := "a/" + f.Path
		if len(f.Edits) == 1 && f.Edits[0].Op == OpCreate {
			from = "/dev/null"
		}
		writeFileDiff(&b, from, "b/"+f.Path, diffLines(string(c[0])), diffLines(string(c[1])))
	}
	return b.String()
}

// diffLines splits text after each newline; a last line without one is kept
// as it is.
func diffLines(text string) []string {
	out := strings.SplitAfter(text, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func writeFileDiff(b *strings.Builder, from, to string, a, c []string) {
	m := difflib.NewMatcher(a, c)
	groups := m.GetGroupedOpCodes(3)
	if len(groups) == 0 {
		return
	}
	fmt.Fprintf(b, "--- %s\n+++ %s\n", from, to)
	for _, g := range groups {
		first, last := g[0], g[len(g)-1]
		fmt.Fprintf(b, "@@ -%s +%s @@\n", hunkRange(first.I1, last.I2), hunkRange(first.J1, last.J2))
		for _, op := range g {
			if op.Tag == 'e' {
				writeLines(b, ' ', a[op.I1:op.I2])
				continue
			}
			if op.Tag == 'r' || op.Tag == 'd' {
				writeLines(b, '-', a[op.I1:op.I2])
			}
			if op.Tag == 'r' || op.Tag == 'i' {
				writeLines(b, '+', c[op.J1:op.J2])
			}
		}
	}
}

func writeLines(b *strings.Builder, prefix byte, ls []string) {
	for _, l := range ls {
		b.WriteByte(prefix)
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange is a hunk's "start,count" as diff writes it: the count left
// out when it is 1, the start the line before when it is 0.
func hunkRange(start, stop int) string {
	n := stop - start
	switch n {
	case 1:
		return fmt.Sprint(start + 1)
	case 0:
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
