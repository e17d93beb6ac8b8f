package azuredevops

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCut(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n" // 100 units
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "short", in: "a\nb", want: "a\nb"},
		{name: "at the limit", in: strings.Repeat(line, 40), want: strings.Repeat(line, 40)},
		{
			name: "cut after a whole line",
			in:   strings.Repeat(line, 41),
			// 4000 less the note and a fence's room leaves 38 whole lines.
			want: strings.Repeat(line, 38) + cutNote,
		},
		{
			name: "an open code fence is closed",
			in:   "```\n" + strings.Repeat(line, 41),
			want: "```\n" + strings.Repeat(line, 38) + "```\n" + cutNote,
		},
		{
			name: "markers of the part cut are kept",
			in:   "<!-- top -->\n" + strings.Repeat(line, 41) + "<!-- bottom -->\n",
			want: "<!-- top -->\n" + strings.Repeat(line, 38) + cutNote + "<!-- bottom -->\n",
		},
		{
			name: "one line too long: only the note",
			in:   strings.Repeat("y", 5000),
			want: cutNote,
		},
		{
			name: "astral characters count twice",
			in:   strings.Repeat(strings.Repeat("😀", 50)+"\n", 40), // 101 units a line
			want: strings.Repeat(strings.Repeat("😀", 50)+"\n", 38) + cutNote,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cut(tt.in)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, units(got), DescriptionLimit)
		})
	}
}
