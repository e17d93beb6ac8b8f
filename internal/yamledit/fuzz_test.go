package yamledit_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

// fuzzContexts are scalars in every style and context SetScalar edits. The
// token is the scalar's text in the input, which occurs once.
var fuzzContexts = []struct {
	name  string
	in    string
	path  yamledit.Path
	token string
}{
	{name: "plain", in: "a: old # c\nb: 1\n", path: path(0, "a"), token: "old"},
	{name: "single", in: "a: 'old' # c\n", path: path(0, "a"), token: "'old'"},
	{name: "double", in: "k: \"old\"\n", path: path(0, "k"), token: `"old"`},
	{name: "flow mapping", in: "x: {a: old, b: 1}\n", path: path(0, "x", "a"), token: "old"},
	{name: "flow sequence", in: "x: [old, 1]\n", path: path(0, "x", "0"), token: "old"},
	{name: "block sequence", in: "- old\n- 1\n", path: path(0, "0"), token: "old"},
	{name: "empty", in: "a:\nb: 1\n", path: path(0, "a"), token: ":"},
	{name: "anchored crlf unicode", in: "é: &x old\r\nb: *x\r\n", path: path(0, "é"), token: "old"},
	{name: "root scalar", in: "--- old\n", path: path(0), token: "old"},
}

// FuzzSetScalar checks that for any value, the result re-parses, holds
// exactly the value as a string, and differs from the input only inside
// the scalar's token.
func FuzzSetScalar(f *testing.F) {
	for _, s := range []string{"1.8.0", "1.10", "", "old", "true", "yes", "a: b", "#", " x ", "'", `"`, `\`, "\n", "\t",
		"\u0085", "\u2028", "\ufeff", "---", "...", "--- x", "- x", "? x", "[a]", "{a}", "a,b", "&a", "*a", "!x", "%x", "@x",
		"`x", "|", ">", "~", "null", "0755", "1e3", "é", "\x00", "\xff", "a #b", "a:", ":a", "<<", "1:20", "x\r\ny", "a\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		for _, c := range fuzzContexts {
			in := []byte(c.in)
			out, edit, err := yamledit.SetScalar(in, c.path, value)
			if !utf8.ValidString(value) {
				assertErrorOfType(t, err, (*yamledit.UnsupportedError)(nil))
				continue
			}
			require.NoError(t, err, c.name)
			assert.Equal(t, value, edit.New, c.name)

			got, _, err := yamledit.Find(out, c.path)
			require.NoError(t, err, "%s: %q", c.name, out)
			require.Equal(t, value, got, "%s: %q", c.name, out)
			if value != edit.Old {
				require.Equal(t, "!!str", nodeAt(t, out, c.path).ShortTag(), "%s: %q", c.name, out)
			}

			tokStart := strings.Index(c.in, c.token)
			tokEnd := tokStart + len(c.token)
			require.True(t, bytes.HasPrefix(out, in[:tokStart]), "%s: bytes before the scalar changed: %q", c.name, out)
			require.True(t, bytes.HasSuffix(out, in[tokEnd:]), "%s: bytes after the scalar changed: %q", c.name, out)

			again, _, err := yamledit.SetScalar(out, c.path, value)
			require.NoError(t, err)
			require.Equal(t, string(out), string(again))
		}
	})
}

// nodeAt returns the node at p in data, following no aliases.
func nodeAt(t *testing.T, data []byte, p yamledit.Path) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &doc))
	n := doc.Content[0]
	for _, k := range p.Keys {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					n = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(k)
			require.NoError(t, err)
			n = n.Content[i]
		}
	}
	return n
}

// FuzzSetScalarDocument sets every scalar of an arbitrary document and
// checks that SetScalar either refuses or returns a file that holds the new
// value with everything outside the scalar unchanged. It never panics.
func FuzzSetScalarDocument(f *testing.F) {
	for _, c := range fuzzContexts {
		f.Add(c.in)
	}
	for _, s := range []string{"a: &x 1\nb: *x\nc:\n  <<: *x\n", "a: |\n  x\n", "a: 'x\n  y'\n", "- - a\n  - b\n- {c: [d, e]}\n",
		"\ufeffa: b\r\n---\nc: d\n...\n", "a: !!str 1\nb: ! x\n", "? [a]\n: b\nc: d\n", "a: \"\\t\" # c\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var paths []yamledit.Path
		dec := yaml.NewDecoder(strings.NewReader(data))
		for doc := 0; doc < 4; doc++ {
			var n yaml.Node
			if dec.Decode(&n) != nil {
				break
			}
			if len(n.Content) > 0 {
				paths = scalarPaths(n.Content[0], yamledit.Path{Doc: doc}, paths)
			}
		}
		for _, p := range paths {
			out, _, err := yamledit.SetScalar([]byte(data), p, "x-1")
			if err != nil {
				continue
			}
			got, _, err := yamledit.Find(out, p)
			require.NoError(t, err, "%q", out)
			require.Equal(t, "x-1", got, "%q", out)
			start, oldEnd, newEnd := changedSpan([]byte(data), out)
			require.NotContains(t, data[start:oldEnd], "\n", "%q → %q", data, out)
			require.NotContains(t, string(out[start:newEnd]), "\n", "%q → %q", data, out)
		}
	})
}

// scalarPaths appends the paths of the scalars under n reached by scalar
// keys and indexes, at most a few dozen.
func scalarPaths(n *yaml.Node, p yamledit.Path, paths []yamledit.Path) []yamledit.Path {
	if len(paths) > 32 {
		return paths
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return append(paths, p)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Kind == yaml.ScalarNode {
				keys := append(append([]string{}, p.Keys...), n.Content[i].Value)
				paths = scalarPaths(n.Content[i+1], yamledit.Path{Doc: p.Doc, Keys: keys}, paths)
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			keys := append(append([]string{}, p.Keys...), strconv.Itoa(i))
			paths = scalarPaths(c, yamledit.Path{Doc: p.Doc, Keys: keys}, paths)
		}
	}
	return paths
}
