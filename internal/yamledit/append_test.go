package yamledit_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

// TestAppendListItemGolden appends an item to each fixture and checks the
// result against its golden file, as a pure insertion of whole lines, and
// by decoding (the sequence gained exactly the item).
func TestAppendListItemGolden(t *testing.T) {
	image := []yamledit.KV{{Key: "name", Value: "ghcr.io/acme/worker"}, {Key: "newTag", Value: "1.0.0"}}
	tests := []struct {
		name string
		file string
		path yamledit.Path
		item []yamledit.KV
		// line is the line of the new item's "- ".
		line int
		// newKey is true when the path's key is added.
		newKey bool
	}{
		{name: "indented", file: "indented.yaml", path: path(0, "images"), item: image, line: 10},
		{name: "crlf", file: "crlf.yaml", path: path(0, "images"), item: []yamledit.KV{{Key: "name", Value: "redis"}, {Key: "newTag", Value: "7.2"}}, line: 6},
		{name: "new-key", file: "newkey.yaml", path: path(0, "images"), item: image, line: 11, newKey: true},
		{name: "new-key-no-trailing-newline", file: "newkey-nonewline.yaml", path: path(0, "images"), item: image, line: 6, newKey: true},
		{name: "multidoc-after-block-scalar", file: "multidoc.yaml", path: path(0, "images"), item: image, line: 8},
		{name: "multidoc-new-key-second-document", file: "multidoc.yaml", path: path(1, "images"), item: image, line: 14, newKey: true},
		{name: "nested", file: "nested.yaml", path: path(0, "spec", "values", "sidecars"),
			item: []yamledit.KV{{Key: "name", Value: "log: shipper"}, {Key: "image", Value: "fluent/fluent-bit:3.0"}, {Key: "enabled", Value: "true"}}, line: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := readFile(t, filepath.Join("append", tt.file))
			out, line, err := yamledit.AppendListItem(in, tt.path, tt.item)
			require.NoError(t, err)
			golden(t, filepath.Join("testdata", "append", tt.name+".golden"), out)

			// A pure insertion of whole lines.
			assert.True(t, insertsLines(in, out), "the output is the input with whole lines inserted")

			ls := lineStart(t, out, line)
			assert.True(t, strings.HasPrefix(strings.TrimLeft(string(out[ls:]), " "), "- "), "line %d starts the new item", line)
			assert.Equal(t, tt.line, line)

			// Decoded, the sequence gained the item.
			want := decodeAll(t, in)
			item := map[string]any{}
			for _, kv := range tt.item {
				item[kv.Key] = kv.Value
			}
			if tt.newKey {
				setIn(t, want[tt.path.Doc], tt.path.Keys, []any{item})
			} else {
				seq := lookupIn(t, want[tt.path.Doc], tt.path.Keys).([]any)
				setIn(t, want[tt.path.Doc], tt.path.Keys, append(seq, item))
			}
			assert.Equal(t, want, decodeAll(t, out))
		})
	}
}

func TestAppendListItemErrors(t *testing.T) {
	image := []yamledit.KV{{Key: "name", Value: "x"}}
	tests := []struct {
		name    string
		in      string
		path    yamledit.Path
		item    []yamledit.KV
		errType any
		msg     string
	}{
		{name: "flow sequence", in: "images: [a, b]\n", path: path(0, "images"), item: image,
			errType: (*yamledit.UnsupportedError)(nil), msg: "append /images: line 1: appending to a flow sequence ([a, b]) is not supported"},
		{name: "empty flow sequence", in: "images: []\n", path: path(0, "images"), item: image,
			errType: (*yamledit.UnsupportedError)(nil), msg: "flow sequence"},
		{name: "null value", in: "images:\nkind: K\n", path: path(0, "images"), item: image,
			errType: (*yamledit.UnsupportedError)(nil), msg: "append /images: line 1: the value is null, not a sequence"},
		{name: "not a sequence", in: "images:\n  a: b\n", path: path(0, "images"), item: image,
			errType: (*yamledit.PathError)(nil), msg: "append /images: line 2 holds a mapping, not a sequence"},
		{name: "missing nested key", in: "spec:\n  a: b\n", path: path(0, "spec", "images"), item: image,
			errType: (*yamledit.PathError)(nil), msg: `append /spec/images: key "images" not found in the mapping at line 2`},
		{name: "missing key in a flow root", in: "{a: b}\n", path: path(0, "images"), item: image,
			errType: (*yamledit.PathError)(nil), msg: `key "images" not found`},
		{name: "through an alias", in: "base: &b\n- a\nimages: *b\n", path: path(0, "images"), item: image,
			errType: (*yamledit.AliasError)(nil), msg: "append /images: line 3 reaches it through the alias *b of the anchor &b at line 1; edit /base instead"},
		{name: "missing document", in: "a: b\n", path: path(1, "images"), item: image,
			errType: (*yamledit.PathError)(nil), msg: "append [1]/images: document 1 not found: the file has 1"},
		{name: "no keys", in: "images:\n- a\n", path: path(0, "images"),
			errType: (*yamledit.UnsupportedError)(nil), msg: "the item has no keys"},
		{name: "duplicate keys", in: "images:\n- a\n", path: path(0, "images"), item: []yamledit.KV{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}},
			errType: (*yamledit.UnsupportedError)(nil), msg: `the item has the key "a" twice`},
		{name: "invalid UTF-8", in: "images:\n- a\n", path: path(0, "images"), item: []yamledit.KV{{Key: "a", Value: "\xff"}},
			errType: (*yamledit.UnsupportedError)(nil), msg: "not valid UTF-8"},
		{name: "invalid YAML", in: "images:\n- a\n b: [\n", path: path(0, "images"), item: image,
			errType: (*yamledit.SyntaxError)(nil), msg: "append: invalid YAML at line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, line, err := yamledit.AppendListItem([]byte(tt.in), tt.path, tt.item)
			require.Error(t, err)
			assert.Nil(t, out)
			assert.Zero(t, line)
			assertErrorOfType(t, err, tt.errType)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

// insertsLines reports whether out is in with whole lines inserted at one
// line start, or appended after a last line without a line break.
func insertsLines(in, out []byte) bool {
	n := len(out) - len(in)
	if n <= 0 {
		return false
	}
	for k := 0; k <= len(in); k++ {
		if k > 0 && in[k-1] != '\n' && k != len(in) {
			continue
		}
		if string(out[:k]) != string(in[:k]) || string(out[k+n:]) != string(in[k:]) {
			continue
		}
		ins := string(out[k : k+n])
		if k < len(in) && strings.HasSuffix(ins, "\n") || k == len(in) && (strings.HasSuffix(ins, "\n") || strings.HasPrefix(ins, "\n") || strings.HasPrefix(ins, "\r\n")) {
			return true
		}
	}
	return false
}
