package yamledit_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

// opsSeeds are documents with sequences, anchors, flow collections and
// comments for the edit targets below, next to the repository's own YAML.
var opsSeeds = []string{
	"images:\n- name: a\n  newTag: 1.0 # {\"$imagepolicy\": \"flux-system:a:tag\"}\n- name: b\n  newTag: '2'\n\n# after\nother: 1\n",
	"resources:\n  - a.yaml\n  - b.yaml # c\npatches: []\n",
	"spec:\n  containers:\n    - name: app\n      image: ghcr.io/a/b:1.0 # {\"$imagepolicy\": \"ns:p\"}\n",
	"a: &x\n  - 1\nb: *x\nc: {d: [1, 2]}\n",
	"- - a\n  - b\n- c\n",
	"a:\n- x\r\nb: y\r\n",
	"k: v\n---\nlist:\n-   name: z\n    tag: \"q\"\n...\n",
	"x: 1 # {\"$imagepolicy\": \"bad\"}\n",
	"x: 1 # {\"$imagepolicy\": \"a:b:c:d\"}\n",
	"x: 1 # {\"$imagepolicy\": 3}\n",
	"x: 1 # {not json $imagepolicy\n",
}

// FuzzSetScalars sets up to three scalars of an arbitrary document at once
// and checks that this is the same as setting them one after another, that
// each holds its new value afterwards, and that every other scalar that is
// not an alias keeps its value. It never panics.
func FuzzSetScalars(f *testing.F) {
	addFiles(f, []any{uint8(3), "v2"}, "testdata", "../../examples")
	for _, s := range opsSeeds {
		f.Add([]byte(s), uint8(0), "v2")
	}
	f.Fuzz(func(t *testing.T, data []byte, pick uint8, value string) {
		paths := allScalarPaths(data)
		if len(paths) == 0 {
			return
		}
		var changes []yamledit.Change
		for i := 0; i < 3 && i < len(paths); i++ {
			p := paths[(int(pick)+i*7)%len(paths)]
			changes = append(changes, yamledit.Change{Path: p, Value: value + strconv.Itoa(i%2)})
		}
		out, edits, err := yamledit.SetScalars(data, changes)
		if err != nil {
			return
		}
		require.NotEmpty(t, edits)

		seq := data
		for _, c := range changes {
			next, _, err := yamledit.SetScalar(seq, c.Path, c.Value)
			if err != nil {
				// Setting one changes the other in the same way only when
				// the same scalar was asked for twice with equal values.
				return
			}
			seq = next
		}
		require.Equal(t, string(seq), string(out), "at once and one by one differ for %q", data)

		want := map[string]string{}
		for _, c := range changes {
			want[c.Path.String()] = c.Value
		}
		for _, p := range paths {
			before, _, errBefore := yamledit.Find(data, p)
			after, _, errAfter := yamledit.Find(out, p)
			if v, ok := want[p.String()]; ok {
				require.NoError(t, errAfter, "%q", out)
				require.Equal(t, v, after, "%q", out)
				continue
			}
			if errBefore != nil || bytes.Contains(data, []byte("*")) {
				continue // an alias may read the value just set
			}
			require.NoError(t, errAfter, "%q", out)
			require.Equal(t, before, after, "%s changed in %q", p, out)
		}
	})
}

// FuzzAppendListItem appends an item to each block sequence of an arbitrary
// document (and to a key it lacks) and checks that the result holds the
// input unchanged with only whole lines inserted, that it decodes to the
// input's documents with the item appended, and that the returned line
// holds the item's "-". It never panics.
func FuzzAppendListItem(f *testing.F) {
	addFiles(f, []any{"name", "app", "1.2.3"}, "testdata", "../../examples")
	for _, s := range opsSeeds {
		f.Add([]byte(s), "name", "app", "1.2.3")
	}
	f.Fuzz(func(t *testing.T, data []byte, key, name, tag string) {
		item := []yamledit.KV{{Key: key, Value: name}, {Key: "newTag", Value: tag}}
		paths := append(nodePaths(data, yaml.SequenceNode), yamledit.Path{Keys: []string{"zz-new"}})
		for _, p := range paths {
			out, line, err := yamledit.AppendListItem(data, p, item)
			if err != nil {
				require.Nil(t, out)
				continue
			}
			start, oldEnd, newEnd := changedSpan(data, out)
			require.Equal(t, start, oldEnd, "append at %s removed or changed input bytes: %q → %q", p, data, out)
			require.Less(t, start, newEnd, "append at %s inserted nothing", p)

			lines := lineBreak.Split(string(out), -1)
			require.Less(t, line-1, len(lines))
			require.Positive(t, line)
			require.Contains(t, lines[line-1], "-", "line %d of %q", line, out)

			before, ok1 := decodeLenient(data)
			after, ok2 := decodeLenient(out)
			if !ok1 || bytes.Contains(data, []byte("*")) {
				continue
			}
			require.True(t, ok2, "%q", out)
			entry := map[string]any{key: name, "newTag": tag}
			require.True(t, appendIn(before, p, entry), "%s in %q", p, data)
			require.True(t, reflect.DeepEqual(before, after), "append at %s of %q gave %q", p, data, out)
		}
	})
}

// FuzzSetters lists the image policy markers of an arbitrary document and
// checks that each names a scalar that Find reads back with the same value
// and line, and that an invalid marker is an error naming its line. It
// never panics.
func FuzzSetters(f *testing.F) {
	addFiles(f, nil, "testdata", "../../examples")
	for _, s := range opsSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		setters, err := yamledit.Setters(data)
		if err != nil {
			require.Nil(t, setters)
			require.True(t, strings.Contains(err.Error(), "line") || endOfStream(err),
				"error %q names no line for %q", err, data)
			return
		}
		for _, s := range setters {
			v, line, err := yamledit.Find(data, s.Path)
			require.NoError(t, err, "%s in %q", s.Path, data)
			require.Equal(t, s.Value, v)
			require.Equal(t, s.Line, line)
			require.Contains(t, []string{"", "tag", "name", "digest"}, s.Field)
			ns, name, ok := strings.Cut(s.Policy, ":")
			require.True(t, ok && ns != "" && name != "", "policy %q", s.Policy)
		}
	})
}

// endOfStream reports whether err is a syntax error the YAML parser finds
// only at the end of the input, which it reports without a line.
// endOfStream reports a syntax error the YAML parser gives without a line
// (an unclosed quote at the end, control characters, a directive with no
// name): it says "invalid YAML" and the parser's words, and no line.
func endOfStream(err error) bool {
	var se *yamledit.SyntaxError
	if errors.As(err, &se) && se.Line == 0 {
		return true
	}
	return strings.Contains(err.Error(), "end of stream") || strings.Contains(err.Error(), "control characters")
}

// lineBreak is what YAML reads as a line break.
var lineBreak = regexp.MustCompile("\r\n|\r|\n")

// allScalarPaths returns the paths of the scalars of the first documents
// of data, or none when it does not parse.
func allScalarPaths(data []byte) []yamledit.Path {
	var paths []yamledit.Path
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 0; doc < 4; doc++ {
		var n yaml.Node
		if dec.Decode(&n) != nil {
			break
		}
		if len(n.Content) > 0 {
			paths = scalarPaths(n.Content[0], yamledit.Path{Doc: doc}, paths)
		}
	}
	return paths
}

// nodePaths returns the paths of the nodes of a kind (sequences, mappings)
// of the first documents of data reached by scalar keys and indexes, at
// most a few dozen.
func nodePaths(data []byte, kind yaml.Kind) []yamledit.Path {
	var paths []yamledit.Path
	var visit func(n *yaml.Node, p yamledit.Path)
	visit = func(n *yaml.Node, p yamledit.Path) {
		if len(paths) > 16 {
			return
		}
		if n.Kind == kind {
			paths = append(paths, p)
		}
		switch n.Kind {
		case yaml.SequenceNode:
			for i, c := range n.Content {
				visit(c, yamledit.Path{Doc: p.Doc, Keys: append(slices.Clone(p.Keys), strconv.Itoa(i))})
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Kind == yaml.ScalarNode {
					visit(n.Content[i+1], yamledit.Path{Doc: p.Doc, Keys: append(slices.Clone(p.Keys), n.Content[i].Value)})
				}
			}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 0; doc < 4; doc++ {
		var n yaml.Node
		if dec.Decode(&n) != nil {
			break
		}
		if len(n.Content) > 0 {
			visit(n.Content[0], yamledit.Path{Doc: doc})
		}
	}
	return paths
}

// decodeLenient decodes every document of data, reporting false when it
// does not decode or a mapping has a key that is not a string.
func decodeLenient(data []byte) ([]any, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs, true
		}
		if err != nil || !stringKeys(v) {
			return nil, false
		}
		docs = append(docs, v)
	}
}

func stringKeys(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			if !stringKeys(e) {
				return false
			}
		}
	case []any:
		for _, e := range v {
			if !stringKeys(e) {
				return false
			}
		}
	case map[any]any:
		return false
	}
	return true
}

// appendIn appends entry to the sequence at p of decoded documents, or
// adds p's single key holding [entry] when the document lacks it.
func appendIn(docs []any, p yamledit.Path, entry any) bool {
	if p.Doc >= len(docs) {
		return false
	}
	var parent any = docs
	at := strconv.Itoa(p.Doc)
	for _, k := range p.Keys {
		child, ok := index(parent, at)
		if !ok {
			return false
		}
		parent, at = child, k
	}
	cur, ok := index(parent, at)
	if !ok {
		m, isMap := parent.(map[string]any)
		if !isMap || len(p.Keys) != 1 {
			return false
		}
		m[at] = []any{entry}
		return true
	}
	seq, ok := cur.([]any)
	if !ok {
		return false
	}
	switch c := parent.(type) {
	case map[string]any:
		c[at] = append(seq, entry)
	case []any:
		i, _ := strconv.Atoi(at)
		c[i] = append(seq, entry)
	}
	return true
}

// index returns the value at key k of a decoded mapping or sequence.
func index(v any, k string) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		e, ok := v[k]
		return e, ok
	case []any:
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(v) {
			return nil, false
		}
		return v[i], true
	}
	return nil, false
}

// addFiles adds every YAML file up to 16 KiB under the directories to the
// seed corpus of a target whose first argument is the file's content,
// followed by rest.
func addFiles(f *testing.F, rest []any, dirs ...string) {
	f.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".golden")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil || len(data) > 16<<10 {
				return err
			}
			f.Add(append([]any{data}, rest...)...)
			return nil
		})
		require.NoError(f, err)
	}
}

// FuzzInsertDeleteKeys adds a key to each mapping of an arbitrary document
// and deletes it again: the insert only adds whole lines, the key reads back
// with its value, and the delete gives the input back byte for byte. It
// never panics.
func FuzzInsertDeleteKeys(f *testing.F) {
	addFiles(f, []any{"zz-digest", "sha256:bb"}, "testdata", "../../examples")
	for _, s := range opsSeeds {
		f.Add([]byte(s), "zz-digest", "sha256:bb")
	}
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		for _, p := range nodePaths(data, yaml.MappingNode) {
			out, line, err := yamledit.InsertKeys(data, p, []yamledit.KV{{Key: key, Value: value}})
			if err != nil {
				require.Nil(t, out)
				continue
			}
			start, oldEnd, newEnd := changedSpan(data, out)
			require.Equal(t, start, oldEnd, "insert at %s removed or changed input bytes: %q → %q", p, data, out)
			require.Less(t, start, newEnd, "insert at %s inserted nothing", p)
			got, _, err := yamledit.Find(out, yamledit.Path{Doc: p.Doc, Keys: append(slices.Clone(p.Keys), key)})
			require.NoError(t, err, "%q", out)
			require.Equal(t, value, got)
			require.Positive(t, line)

			back, _, err := yamledit.DeleteKey(out, yamledit.Path{Doc: p.Doc, Keys: append(slices.Clone(p.Keys), key)})
			require.NoError(t, err, "delete what insert added at %s of %q", p, out)
			if want := string(data); want != string(back) {
				// After a last line without a break, the insert adds
				// one before the key; the delete takes the key's line.
				require.Equal(t, want, strings.TrimSuffix(strings.TrimSuffix(string(back), "\n"), "\r"), "insert then delete at %s", p)
				require.True(t, lineBreak.FindStringIndex(want[max(0, len(want)-2):]) == nil, "insert then delete at %s of %q gave %q", p, data, back)
			}
		}
	})
}

// FuzzSetBlockLine: replacing a word on a line of a literal block scalar
// either fails and returns nothing, or changes exactly those bytes of the
// file and that word of the scalar's value, every other value the same.
func FuzzSetBlockLine(f *testing.F) {
	f.Add([]byte("spec:\n  patch: |\n    version: 1.0.0\n    tag: 1.0.0-rc\n"), uint8(3), "1.0.0", "2.0.0")
	f.Add([]byte("a:\n  - p: |-\n      image: x:1\r\n      b: 2\r\n"), uint8(3), "x:1", "x:2")
	f.Add([]byte("k: |2\n    indented 1.0\n  1.0\n"), uint8(2), "1.0", "1.1")
	f.Fuzz(func(t *testing.T, data []byte, line uint8, old, new string) {
		for _, p := range nodePaths(data, yaml.ScalarNode) {
			out, err := yamledit.SetBlockLine(data, p, int(line), old, new)
			if err != nil {
				require.Nil(t, out)
				continue
			}
			start, oldEnd, newEnd := changedSpan(data, out)
			require.LessOrEqual(t, oldEnd-start, len(old), "only the word changes: %q → %q", data, out)
			require.LessOrEqual(t, newEnd-start, len(new), "only the word changes: %q → %q", data, out)
			before, _, err := yamledit.Find(data, p)
			require.NoError(t, err)
			after, _, err := yamledit.Find(out, p)
			require.NoError(t, err)
			replaced := false
			for i := 0; i+len(old) <= len(before) && !replaced; i++ {
				replaced = before[i:i+len(old)] == old && before[:i]+new+before[i+len(old):] == after
			}
			require.True(t, replaced, "the value changes by one occurrence of %q: %q → %q", old, before, after)
			return
		}
	})
}
