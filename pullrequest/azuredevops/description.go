package azuredevops

import (
	"fmt"
	"strings"
)

// DescriptionLimit is the longest pull request description Azure DevOps
// keeps, in UTF-16 code units (the characters of .NET). Create and Update
// cut a longer body after its last whole line that fits, close a code
// fence left open, add a note saying the description was cut, and keep the
// whole-line HTML comments (markers such as ferry's) of the part cut.
const DescriptionLimit = 4000

// cutNote ends a cut description.
var cutNote = fmt.Sprintf("\n_This description was cut to the %d characters Azure DevOps keeps; the rest is in ferry's output._\n", DescriptionLimit)

// units is the length of s in UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// isComment tells whether line is a whole-line HTML comment.
func isComment(line string) bool {
	l := strings.TrimSpace(line)
	return strings.HasPrefix(l, "<!--") && strings.HasSuffix(l, "-->")
}

func isFence(line string) bool {
	l := strings.TrimSpace(line)
	return strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~")
}

// cut returns desc cut to DescriptionLimit, never in the middle of a line.
func cut(desc string) string {
	if units(desc) <= DescriptionLimit {
		return desc
	}
	lines := strings.SplitAfter(desc, "\n")
	base := units(cutNote) + units("```\n")
	reserve := base
	for _, l := range lines {
		if isComment(l) {
			reserve += units(l) + 1
		}
	}
	keepComments := reserve <= DescriptionLimit/2 // markers that large are not markers
	if !keepComments {
		reserve = base
	}
	var b strings.Builder
	n, kept, fenced := 0, 0, false
	for _, l := range lines {
		if n+units(l) > DescriptionLimit-reserve {
			break
		}
		b.WriteString(l)
		n += units(l)
		kept++
		if isFence(l) {
			fenced = !fenced
		}
	}
	if fenced {
		b.WriteString("```\n")
	}
	b.WriteString(cutNote)
	for _, l := range lines[kept:] {
		if keepComments && isComment(l) {
			b.WriteString(strings.TrimRight(l, "\n") + "\n")
		}
	}
	return b.String()
}
