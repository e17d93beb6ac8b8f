package promote

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// applyEdits applies edits to a file's bytes, in order, changing nothing
// outside the nodes edited: comments, key order, quoting, indentation and
// line endings stay. It returns the edits with the lines they landed on.
func applyEdits(data []byte, edits []Edit) ([]byte, []Edit, error) {
	out := make([]Edit, len(edits))
	for i, e := range edits {
		var err error
		switch e.Op {
		case OpSet:
			data, e.Line, err = setScalar(data, e.Doc, e.Keys, e.New)
		case OpAppend:
			data, e.Line, err = appendItem(data, e.Doc, e.Keys, e.Item)
		case OpInsert:
			data, e.Line, err = insertKeys(data, e.Doc, e.Keys, e.Item)
		case OpDelete:
			data, e.Line, err = deleteKey(data, e.Doc, e.Keys)
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

// lines splits data into lines that keep their endings.
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
			next := mapValue(n, k)
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

// byteOffset converts a 1-based line and rune column to a byte offset.
func byteOffset(ls [][]byte, line, column int) (int, error) {
	if line < 1 || line > len(ls) {
		return 0, fmt.Errorf("line %d is outside the file", line)
	}
	off := 0
	for _, l := range ls[:line-1] {
		off += len(l)
	}
	l := ls[line-1]
	col := 0
	for i := 0; i < len(l); {
		if col == column-1 {
			return off + i, nil
		}
		_, size := utf8.DecodeRune(l[i:])
		i += size
		col++
	}
	return 0, fmt.Errorf("column %d is outside line %d", column, line)
}

// setScalar replaces the scalar at keys with value, in the scalar's own
// style (plain, single- or double-quoted); a plain value that YAML would
// read as another type is double-quoted.
func setScalar(data []byte, doc int, keys []string, value string) ([]byte, int, error) {
	n, err := nodeAt(data, doc, keys)
	if err != nil {
		return nil, 0, err
	}
	if n.Kind != yaml.ScalarNode {
		return nil, 0, fmt.Errorf("line %d holds a %s, not a value", n.Line, kindName(n))
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, 0, fmt.Errorf("line %d holds a block scalar, which ferry does not edit", n.Line)
	}
	if n.Value == value {
		return data, n.Line, nil
	}
	ls := lines(data)
	start, err := byteOffset(ls, n.Line, n.Column)
	if err != nil {
		return nil, 0, err
	}
	if n.Anchor != "" { // &anchor value: skip past the anchor
		rest := data[start:]
		if !bytes.HasPrefix(rest, []byte("&"+n.Anchor)) {
			return nil, 0, fmt.Errorf("line %d: cannot find the anchored value", n.Line)
		}
		start += len(n.Anchor) + 1
		for start < len(data) && (data[start] == ' ' || data[start] == '\t') {
			start++
		}
	}
	if n.Tag != "" && n.Tag != "!!str" && bytes.HasPrefix(data[start:], []byte("!")) {
		return nil, 0, fmt.Errorf("line %d holds a tagged value, which ferry does not edit", n.Line)
	}
	end, err := scalarEnd(data, start, n.Style)
	if err != nil {
		return nil, 0, fmt.Errorf("line %d: %w", n.Line, err)
	}
	if bytes.ContainsAny(data[start:end], "\n") {
		return nil, 0, fmt.Errorf("line %d holds a value over several lines, which ferry does not edit", n.Line)
	}
	var repl string
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		repl = strconv.Quote(value)
	case n.Style&yaml.SingleQuotedStyle != 0:
		repl = "'" + strings.ReplaceAll(value, "'", "''") + "'"
	default:
		repl = plainOrQuoted(value)
	}
	out := make([]byte, 0, len(data)+len(repl))
	out = append(out, data[:start]...)
	out = append(out, repl...)
	out = append(out, data[end:]...)
	return out, n.Line, nil
}

// scalarEnd finds the end of the scalar token that starts at start.
func scalarEnd(data []byte, start int, style yaml.Style) (int, error) {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(data); i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
		return 0, fmt.Errorf("unterminated double-quoted value")
	case style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(data); i++ {
			if data[i] == '\'' {
				if i+1 < len(data) && data[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
		return 0, fmt.Errorf("unterminated single-quoted value")
	}
	// A plain scalar ends at the line end, at " #", or — in flow context —
	// at , ] or }.
	end := start
	for end < len(data) && data[end] != '\n' && data[end] != '\r' {
		if data[end] == '#' && end > start && (data[end-1] == ' ' || data[end-1] == '\t') {
			break
		}
		if data[end] == ',' || data[end] == ']' || data[end] == '}' {
			break
		}
		end++
	}
	for end > start && (data[end-1] == ' ' || data[end-1] == '\t') {
		end--
	}
	return end, nil
}

// plainOrQuoted writes value as a plain scalar when YAML reads it back as
// the same string, else double-quoted.
func plainOrQuoted(value string) string {
	var n yaml.Node
	if value != "" && !strings.ContainsAny(value, "#:{}[],&*!|>'\"%@`\n\t") && !strings.HasPrefix(value, "-") && !strings.HasPrefix(value, "?") && strings.TrimSpace(value) == value {
		if err := yaml.Unmarshal([]byte("v: "+value), &n); err == nil && len(n.Content) > 0 {
			v := n.Content[0].Content[1]
			if v.Value == value && v.ShortTag() == "!!str" {
				return value
			}
		}
	}
	if strings.HasPrefix(value, "sha256:") || strings.Contains(value, "@sha256:") {
		// Digests hold a colon but are safe plain when no space follows it.
		if !strings.ContainsAny(value, " #{}[],&*!|>'\"%`\n\t") {
			return value
		}
	}
	if strings.Contains(value, ":") && !strings.Contains(value, ": ") && !strings.ContainsAny(value, " #{}[],&*!|>'\"%`\n\t") && !strings.HasSuffix(value, ":") {
		return value // image references (registry:port/name:tag)
	}
	return strconv.Quote(value)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// appendItem appends a mapping to the block sequence at keys, in the style
// of its items, or adds the key with a one-item sequence at the end of a
// top-level mapping when it does not exist.
func appendItem(data []byte, doc int, keys []string, item []KV) ([]byte, int, error) {
	nl := newline(data)
	ls := lines(data)
	seq, err := nodeAt(data, doc, keys)
	if err != nil {
		if len(keys) != 1 {
			return nil, 0, err
		}
		// Add the key at the end of the document.
		root, rerr := nodeAt(data, doc, nil)
		if rerr != nil || root.Kind != yaml.MappingNode {
			return nil, 0, err
		}
		last := lastLine(root)
		var b strings.Builder
		b.WriteString(keys[0] + ":" + nl)
		writeItem(&b, "", "  ", item, nl)
		return insertAfterLine(data, ls, last, b.String(), nl), last + 2, nil
	}
	if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 {
		return nil, 0, fmt.Errorf("line %d is not a block list; add the entry by hand", seq.Line)
	}
	if len(seq.Content) == 0 {
		return nil, 0, fmt.Errorf("line %d holds an empty list; add the entry by hand", seq.Line)
	}
	first := seq.Content[0]
	dashCol, err := dashColumn(ls, first)
	if err != nil {
		return nil, 0, err
	}
	keyCol := first.Column
	if first.Kind == yaml.MappingNode && len(first.Content) > 0 {
		keyCol = first.Content[0].Column
	}
	var b strings.Builder
	writeItem(&b, strings.Repeat(" ", dashCol-1), strings.Repeat(" ", keyCol-dashCol), item, nl)
	last := lastLine(seq)
	return insertAfterLine(data, ls, last, b.String(), nl), last + 1, nil
}

// dashColumn finds the column of the "- " that starts a sequence item.
func dashColumn(ls [][]byte, item *yaml.Node) (int, error) {
	l := []rune(string(ls[item.Line-1]))
	for c := item.Column - 2; c >= 0; c-- {
		if l[c] == '-' {
			return c + 1, nil
		}
		if l[c] != ' ' {
			break
		}
	}
	return 0, fmt.Errorf("line %d: cannot find the list's dash", item.Line)
}

func writeItem(b *strings.Builder, dashIndent, keyIndent string, item []KV, nl string) {
	for i, kv := range item {
		if i == 0 {
			b.WriteString(dashIndent + "-" + keyIndent[1:])
		} else {
			b.WriteString(dashIndent + keyIndent)
		}
		b.WriteString(kv.Key + ": " + plainOrQuoted(kv.Value) + nl)
	}
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

// insertKeys adds keys to the block mapping at keys, after its last line,
// aligned with its keys.
func insertKeys(data []byte, doc int, keys []string, item []KV) ([]byte, int, error) {
	m, err := nodeAt(data, doc, keys)
	if err != nil {
		return nil, 0, err
	}
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return nil, 0, fmt.Errorf("line %d is not a block mapping; edit it by hand", m.Line)
	}
	nl := newline(data)
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	var b strings.Builder
	for _, kv := range item {
		b.WriteString(indent + kv.Key + ": " + plainOrQuoted(kv.Value) + nl)
	}
	last := lastLine(m)
	return insertAfterLine(data, lines(data), last, b.String(), nl), last + 1, nil
}

// deleteKey removes a key whose value is a one-line scalar, with its line.
func deleteKey(data []byte, doc int, keys []string) ([]byte, int, error) {
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
