package promote

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamledit"
	"github.com/ferrygitops/ferry/internal/yamlnode"
)

// applyEdits applies edits to a file's bytes, in order, changing nothing
// outside the nodes edited: comments, key order, quoting, indentation and
// line endings stay. Sets and appends are internal/yamledit's; inserting and
// deleting a key of a block mapping (an images: entry's digest) are done
// here, line by line. It returns the edits with the lines they landed on.
func applyEdits(data []byte, edits []Edit) ([]byte, []Edit, error) {
	out := make([]Edit, len(edits))
	for i, e := range edits {
		var err error
		path := yamledit.Path{Doc: e.Doc, Keys: e.Keys}
		switch e.Op {
		case OpSet:
			var done yamledit.Edit
			data, done, err = yamledit.SetScalar(data, path, e.New)
			e.Line = done.Line
		case OpAppend:
			item := make([]yamledit.KV, len(e.Item))
			for i, kv := range e.Item {
				item[i] = yamledit.KV{Key: kv.Key, Value: kv.Value}
			}
			data, e.Line, err = yamledit.AppendListItem(data, path, item)
		case OpInsert:
			var out []byte
			if out, e.Line, err = insertKeys(data, e.Doc, e.Keys, e.Item); err == nil {
				err = checkKeys(data, out, e.Doc, e.Keys, e.Item, nil)
				data = out
			}
		case OpDelete:
			var out []byte
			if out, e.Line, err = deleteKey(data, e.Doc, e.Keys); err == nil {
				err = checkKeys(data, out, e.Doc, e.Keys[:len(e.Keys)-1], nil, e.Keys[len(e.Keys)-1:])
				data = out
			}
		default:
			err = fmt.Errorf("unknown edit %q", e.Op)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", e.Op, strings.Join(e.Keys, "."), err)
		}
		out[i] = e
	}
	return data, out, nil
}

// checkKeys proves a line-level insert or delete did exactly that: the
// document decodes to the one before with the keys added to (or removed
// from) the mapping at keys, and nothing else changed.
func checkKeys(before, after []byte, doc int, keys []string, added []KV, removed []string) error {
	want, err := decodeDocs(before)
	if err != nil {
		return err
	}
	got, err := decodeDocs(after)
	if err != nil {
		return fmt.Errorf("the edit broke the YAML (%v); edit the file by hand", err)
	}
	if doc >= len(want) {
		return fmt.Errorf("no document %d", doc)
	}
	m := want[doc]
	for _, k := range keys {
		switch v := m.(type) {
		case map[string]any:
			m = v[k]
		case []any:
			i, _ := strconv.Atoi(k)
			if i < 0 || i >= len(v) {
				return fmt.Errorf("no item %s", k)
			}
			m = v[i]
		}
	}
	target, ok := m.(map[string]any)
	if !ok {
		return fmt.Errorf("%s is not a mapping", pathString(keys))
	}
	for _, kv := range added {
		target[kv.Key] = kv.Value
	}
	for _, k := range removed {
		delete(target, k)
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Errorf("the edit changed more than %s; edit the file by hand", pathString(keys))
	}
	return nil
}

// decodeDocs decodes every document of a file, scalars as YAML reads them.
func decodeDocs(data []byte) ([]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, err
		}
		out = append(out, v)
	}
}

// lines splits data into lines that keep their endings. Line-level edits
// refuse files whose line breaks are not \n or \r\n (a lone CR, NEL, LS or
// PS), which yaml.v3 counts differently.
func lines(data []byte) [][]byte {
	return bytes.SplitAfter(data, []byte("\n"))
}

// newline is the file's line ending.
func newline(data []byte) string {
	if bytes.Contains(data, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// nodeAt resolves keys (map keys and list indexes) in document doc.
func nodeAt(data []byte, doc int, keys []string) (*yaml.Node, error) {
	docs, err := documents(data)
	if err != nil {
		return nil, err
	}
	if doc >= len(docs) {
		return nil, fmt.Errorf("the file has %d documents, not %d", len(docs), doc+1)
	}
	n := docs[doc]
	for i, k := range keys {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			next := yamlnode.Value(n, k)
			if next == nil {
				return nil, fmt.Errorf("no key %q under %s (line %d)", k, pathString(keys[:i]), n.Line)
			}
			n = next
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(k)
			if err != nil || idx < 0 || idx >= len(n.Content) {
				return nil, fmt.Errorf("no item %s in the list %s (line %d)", k, pathString(keys[:i]), n.Line)
			}
			n = n.Content[idx]
		default:
			return nil, fmt.Errorf("%s (line %d) is not a mapping or list", pathString(keys[:i]), n.Line)
		}
	}
	return n, nil
}

func pathString(keys []string) string {
	if len(keys) == 0 {
		return "the document"
	}
	return strings.Join(keys, ".")
}

// lastLine is the last line a node (and its children) occupies.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		if l := lastLine(c); l > last {
			last = l
		}
	}
	return last
}

// insertAfterLine inserts text after the given 1-based line.
func insertAfterLine(data []byte, ls [][]byte, line int, text, nl string) []byte {
	off := 0
	for _, l := range ls[:line] {
		off += len(l)
	}
	var out []byte
	out = append(out, data[:off]...)
	if off > 0 && !bytes.HasSuffix(data[:off], []byte("\n")) {
		out = append(out, nl...)
	}
	out = append(out, text...)
	return append(out, data[off:]...)
}

// oddBreaks reports line breaks other than \n and \r\n.
func oddBreaks(data []byte) bool {
	s := string(data)
	return strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") || strings.ContainsAny(s, "\u0085\u2028\u2029")
}

// insertKeys adds keys to the block mapping at keys, after its last line,
// aligned with its keys.
func insertKeys(data []byte, doc int, keys []string, item []KV) ([]byte, int, error) {
	if oddBreaks(data) {
		return nil, 0, fmt.Errorf("the file has line breaks other than \\n and \\r\\n; edit it by hand")
	}
	m, err := nodeAt(data, doc, keys)
	if err != nil {
		return nil, 0, err
	}
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return nil, 0, fmt.Errorf("line %d is not a block mapping; edit it by hand", m.Line)
	}
	for i := 1; i < len(m.Content); i += 2 {
		if v := m.Content[i]; v.Kind != yaml.ScalarNode || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(v.Value, "\n") {
			return nil, 0, fmt.Errorf("line %d: the mapping holds more than one-line values; edit it by hand", m.Line)
		}
	}
	nl := newline(data)
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	var b strings.Builder
	for _, kv := range item {
		b.WriteString(indent + kv.Key + ": " + yamledit.Format(kv.Value) + nl)
	}
	last := lastLine(m)
	return insertAfterLine(data, lines(data), last, b.String(), nl), last + 1, nil
}

// deleteKey removes a key whose value is a one-line scalar, with its line.
func deleteKey(data []byte, doc int, keys []string) ([]byte, int, error) {
	if oddBreaks(data) {
		return nil, 0, fmt.Errorf("the file has line breaks other than \\n and \\r\\n; edit it by hand")
	}
	if len(keys) == 0 {
		return nil, 0, fmt.Errorf("no key to delete")
	}
	parent, err := nodeAt(data, doc, keys[:len(keys)-1])
	if err != nil {
		return nil, 0, err
	}
	if parent.Kind != yaml.MappingNode || parent.Style&yaml.FlowStyle != 0 {
		return nil, 0, fmt.Errorf("line %d is not a block mapping; edit it by hand", parent.Line)
	}
	for i := 0; i+1 < len(parent.Content); i += 2 {
		k, v := parent.Content[i], parent.Content[i+1]
		if k.Value != keys[len(keys)-1] {
			continue
		}
		if v.Kind != yaml.ScalarNode || v.Line != k.Line || i == 0 {
			return nil, 0, fmt.Errorf("line %d: only a one-line key after the first can be removed; edit it by hand", k.Line)
		}
		ls := lines(data)
		var out []byte
		for j, l := range ls {
			if j != k.Line-1 {
				out = append(out, l...)
			}
		}
		return out, k.Line, nil
	}
	return nil, 0, fmt.Errorf("no key %q under %s", keys[len(keys)-1], pathString(keys[:len(keys)-1]))
}
