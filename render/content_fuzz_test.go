package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ferrygitops/ferry/manifest"
)

// scalarStyles are the styles a scalar of a built resource can carry: the
// ones kustomize's parser records for each spelling in a file.
var scalarStyles = []kyaml.Style{
	0, // plain
	kyaml.SingleQuotedStyle,
	kyaml.DoubleQuotedStyle,
	kyaml.LiteralStyle,
	kyaml.FoldedStyle,
	kyaml.TaggedStyle,
	kyaml.FlowStyle,
}

// scalarValues are values chosen to trip a conversion: empty and
// more-indented lines, leading and trailing spaces and newlines, CRLF, tabs,
// long lines the encoder wraps, unicode, and strings that read as numbers,
// booleans, nulls or times when unquoted.
var scalarValues = []string{
	"", " ", "plain", "two words", "  leading", "trailing  ", "a\nb", "a\n\nb", "a\n  b\nc",
	"first line\n  more indented\nback\n\npara", "x\n  y\n", "keep\n\n\n", "\nleading newline",
	"strip", "crlf\r\nline\r\n", "tab\there", "\ttab first", "a\n\tb", "trailing space \nnext",
	"#not a comment", "key: value", "- item", "{flow}", "[list]", "'quoted'", "\"dq\"", "a # b",
	strings.Repeat("long words wrap ", 12), strings.Repeat("x", 200), "héllo ✓ 🚀", "\u00a0nbsp",
	"123", "0x1F", "1e3", "1_000", "-0.0", ".inf", "true", "yes", "off", "null", "~", "2024-10-01",
	"2001-12-14t21:59:43.10-05:00", "0o17", "+1", "1.", "=", "<<", "*a", "&a", "!tag", "%", "@",
	"`", "|", ">", "a\u2028b", "a\u0085b", "end\\", "a\\nb", "\x7f", "emoji\n  🚀\n",
}

// TestObjectOfMatchesTheRoundTripForEveryScalarStyle: for every scalar
// style and every value above, written into a resource the way a file
// spells it (and as kyaml would set it), converting the node directly gives
// what the encoder's text reads back as, which is what kustomize build
// prints and the cluster gets.
func TestObjectOfMatchesTheRoundTripForEveryScalarStyle(t *testing.T) {
	compared := map[kyaml.Style]int{}
	for _, style := range scalarStyles {
		for i, value := range scalarValues {
			t.Run(fmt.Sprintf("%s/%d", styleName(style), i), func(t *testing.T) {
				if assertObjectOfMatches(t, valueNode(value, style)) {
					compared[style]++
				}
			})
		}
	}
	for _, style := range scalarStyles {
		assert.Greater(t, compared[style], len(scalarValues)/2, "values compared in style %s", styleName(style))
	}
}

// TestObjectOfMatchesTheRoundTripForWrittenBlockScalars: block scalars as
// files spell them — every chomping indicator, indentation indicators,
// more-indented and empty lines, trailing spaces, CRLF line ends.
func TestObjectOfMatchesTheRoundTripForWrittenBlockScalars(t *testing.T) {
	bodies := []string{
		"  line one\n  line two\n",
		"  first\n    more indented\n  back\n\n  para\n",
		"  a\n\n\n  b\n\n",
		"  trailing spaces   \n  next  \n",
		"    starts indented\n  less\n",
		"  one\n   \n  spaces-only line above\n",
		"  " + strings.Repeat("long ", 40) + "\n",
		"  unicode ✓\n    🚀 more\n",
	}
	var docs []string
	for _, indicator := range []string{"|", "|-", "|+", ">", ">-", ">+", "|2", ">2", "|2-", ">2+", "|+2"} {
		for _, body := range bodies {
			if strings.HasPrefix(body, "    ") && !strings.Contains(indicator, "2") {
				continue // a more-indented first line needs an indentation indicator
			}
			docs = append(docs, "data:\n  key: "+indicator+"\n"+indent(body, "  "))
		}
	}
	for i, doc := range docs {
		for _, eol := range []string{"\n", "\r\n"} {
			text := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: written\n" + doc
			text = strings.ReplaceAll(text, "\n", eol)
			t.Run(fmt.Sprintf("%d/%q", i, eol), func(t *testing.T) {
				rn, err := kyaml.Parse(text)
				require.NoError(t, err, text)
				assert.True(t, assertObjectOfMatches(t, rn), "compared")
			})
		}
	}
}

// FuzzObjectOf compares the direct conversion with the encoder's round trip
// on a fuzzed value in each scalar style, and on fuzzed YAML text under a
// resource's data key.
func FuzzObjectOf(f *testing.F) {
	for _, v := range scalarValues {
		for i := range scalarStyles {
			f.Add(v, uint8(i), false)
		}
	}
	f.Add("key: >-\n  a\n    b\n  c\n", uint8(0), true)
	f.Add("key: |+\n  a\n\n", uint8(0), true)
	f.Add("key: 'it''s'\nother: \"\\t\"\n", uint8(0), true)
	f.Add("list: [1, '2', 3.5]\nmap: {a: 1e3}\n", uint8(0), true)
	f.Fuzz(func(t *testing.T, value string, style uint8, text bool) {
		if !text {
			assertObjectOfMatches(t, valueNode(value, scalarStyles[int(style)%len(scalarStyles)]))
			return
		}
		rn, err := kyaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz\ndata:\n" + indent(value, "  "))
		if err != nil || rn.YNode().Kind != kyaml.MappingNode {
			return
		}
		assertObjectOfMatches(t, rn)
	})
}

// assertObjectOfMatches checks objectOf against the detour it replaces:
// kyaml's JSON encoding (the YAML encoder's text, read back) decoded by
// manifest.FromJSON. It reports whether the two were compared: resources the
// detour cannot encode must fail in objectOf too.
func assertObjectOfMatches(t *testing.T, rn *kyaml.RNode) bool {
	t.Helper()
	js, jsonErr := rn.MarshalJSON()
	got, err := objectOf(rn, manifest.Origin{})
	if jsonErr != nil {
		assert.Error(t, err, "the detour fails: %v", jsonErr)
		return false
	}
	want, wantErr := manifest.FromJSON(js, manifest.Origin{})
	if wantErr != nil {
		assert.Error(t, err, "FromJSON fails: %v", wantErr)
		return false
	}
	if assert.NoError(t, err) {
		assert.Equal(t, want.Content(), got.Content())
	}
	return true
}

// valueNode is a ConfigMap whose data.key is value, in style.
func valueNode(value string, style kyaml.Style) *kyaml.RNode {
	rn := kyaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: styled\ndata: {}\n")
	data := rn.Field("data").Value.YNode()
	data.Style = 0
	data.Content = append(data.Content,
		&kyaml.Node{Kind: kyaml.ScalarNode, Tag: "!!str", Value: "key"},
		&kyaml.Node{Kind: kyaml.ScalarNode, Tag: "!!str", Value: value, Style: style})
	return rn
}

func indent(text, prefix string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

func styleName(s kyaml.Style) string {
	switch s {
	case 0:
		return "plain"
	case kyaml.SingleQuotedStyle:
		return "single"
	case kyaml.DoubleQuotedStyle:
		return "double"
	case kyaml.LiteralStyle:
		return "literal"
	case kyaml.FoldedStyle:
		return "folded"
	case kyaml.TaggedStyle:
		return "tagged"
	case kyaml.FlowStyle:
		return "flow"
	}
	return fmt.Sprint(int(s))
}
