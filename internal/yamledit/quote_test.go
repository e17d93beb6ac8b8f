package yamledit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.yaml.in/yaml/v3"
)

func TestScalarText(t *testing.T) {
	const (
		plain  = yaml.Style(0)
		single = yaml.SingleQuotedStyle
		double = yaml.DoubleQuotedStyle
	)
	tests := []struct {
		name  string
		value string
		style yaml.Style
		flow  bool
		want  string
	}{
		{name: "semver stays plain", value: "1.8.0", style: plain, want: "1.8.0"},
		{name: "v-prefixed tag", value: "v1.2.3-rc.1", style: plain, want: "v1.2.3-rc.1"},
		{name: "image reference", value: "ghcr.io/acme/app:1.0@sha256:abc", style: plain, want: "ghcr.io/acme/app:1.0@sha256:abc"},
		{name: "float-looking", value: "1.10", style: plain, want: `"1.10"`},
		{name: "int", value: "20240501", style: plain, want: `"20240501"`},
		{name: "exponent", value: "1e3", style: plain, want: `"1e3"`},
		{name: "octal", value: "0755", style: plain, want: `"0755"`},
		{name: "hex", value: "0x1F", style: plain, want: `"0x1F"`},
		{name: "bool", value: "true", style: plain, want: `"true"`},
		{name: "YAML 1.1 bool", value: "yes", style: plain, want: `"yes"`},
		{name: "YAML 1.1 short bool", value: "n", style: plain, want: `"n"`},
		{name: "base 60", value: "1:20", style: plain, want: `"1:20"`},
		{name: "null", value: "null", style: plain, want: `"null"`},
		{name: "tilde", value: "~", style: plain, want: `"~"`},
		{name: "empty", value: "", style: plain, want: `""`},
		{name: "timestamp", value: "2024-05-01", style: plain, want: `"2024-05-01"`},
		{name: "infinity", value: ".inf", style: plain, want: `".inf"`},
		{name: "merge key", value: "<<", style: plain, want: `"<<"`},
		{name: "colon space", value: "a: b", style: plain, want: `"a: b"`},
		{name: "trailing colon", value: "a:", style: plain, want: `"a:"`},
		{name: "space hash", value: "a #b", style: plain, want: `"a #b"`},
		{name: "hash inside", value: "a#b", style: plain, want: "a#b"},
		{name: "leading dash", value: "-x", style: plain, want: "-x"},
		{name: "dash space", value: "- x", style: plain, want: `"- x"`},
		{name: "indicator", value: "@x", style: plain, want: `"@x"`},
		{name: "anchor-like", value: "&x", style: plain, want: `"&x"`},
		{name: "leading space", value: " x", style: plain, want: `" x"`},
		{name: "document marker", value: "--- x", style: plain, want: `"--- x"`},
		{name: "comma in block", value: "a,b", style: plain, want: "a,b"},
		{name: "comma in flow", value: "a,b", style: plain, flow: true, want: `"a,b"`},
		{name: "question mark in flow", value: "a?b", style: plain, flow: true, want: `"a?b"`},
		{name: "colon first in flow", value: ":x", style: plain, flow: true, want: `":x"`},
		{name: "apostrophe plain", value: "it's", style: plain, want: "it's"},
		{name: "tab plain", value: "a\tb", style: plain, want: `"a\tb"`},
		{name: "newline plain", value: "a\nb", style: plain, want: `"a\nb"`},
		{name: "unicode plain", value: "café", style: plain, want: "café"},
		{name: "single", value: "1.8.0", style: single, want: "'1.8.0'"},
		{name: "single apostrophe", value: "it's", style: single, want: "'it''s'"},
		{name: "single tab", value: "a\tb", style: single, want: "'a\tb'"},
		{name: "single newline becomes double", value: "a\nb", style: single, want: `"a\nb"`},
		{name: "single control becomes double", value: "a\x01", style: single, want: `"a\x01"`},
		{name: "double", value: "1.8.0", style: double, want: `"1.8.0"`},
		{name: "double escapes", value: "say \"hi\" \\o/", style: double, want: `"say \"hi\" \\o/"`},
		{name: "double controls", value: "\r\t\x00\x7f", style: double, want: `"\r\t\x00\x7F"`},
		{name: "double NEL", value: "a\u0085b", style: double, want: `"a\x85b"`},
		{name: "double line separator", value: "a\u2028b\u2029", style: double, want: `"a\u2028b\u2029"`},
		{name: "double BOM", value: "\ufeffx", style: double, want: `"\uFEFFx"`},
		{name: "double unicode", value: "ß 🚀", style: double, want: `"ß 🚀"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tag := scalarText(tt.value, tt.style, tt.flow, false, strTag)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, strTag, tag)
			// The token reads back as the string, in its context.
			doc := "k: " + got
			if tt.flow {
				doc = "{k: " + got + ", j: 1}"
			}
			var n yaml.Node
			if assert.NoError(t, yaml.Unmarshal([]byte(doc), &n)) {
				v := n.Content[0].Content[1]
				assert.Equal(t, tt.value, v.Value)
				assert.Equal(t, strTag, v.ShortTag())
			}
		})
	}
}

func TestScalarTextKeepType(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    string
		text    string
		wantTag string
	}{
		{name: "int stays int", value: "3", want: "!!int", text: "3", wantTag: "!!int"},
		{name: "float stays float", value: "1.25", want: "!!float", text: "1.25", wantTag: "!!float"},
		{name: "bool stays bool", value: "false", want: "!!bool", text: "false", wantTag: "!!bool"},
		{name: "int to a string", value: "three", want: "!!int", text: "three", wantTag: strTag},
		{name: "int to a float is quoted", value: "1.5", want: "!!int", text: `"1.5"`, wantTag: strTag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, tag := scalarText(tt.value, 0, false, false, tt.want)
			assert.Equal(t, tt.text, text)
			assert.Equal(t, tt.wantTag, tag)
		})
	}
}
