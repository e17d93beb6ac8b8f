package yamledit

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// InsertKeys adds the keys of item, in that order, to the block mapping at
// p, after its last entry and aligned with its keys, and returns the new
// data and the 1-based line of the first added key. Values are written
// plain when plain style reads back as the same string, else
// double-quoted.
//
// A key the mapping already has, a flow or empty mapping, a mapping whose
// values span lines (block scalars, nested collections) and one reached
// through an alias are refused; the result is parsed back and must be the
// original with the keys added, or nothing is returned but the error.
func InsertKeys(data []byte, p Path, item []KV) ([]byte, int, error) {
	const op = "insert"
	if err := checkItem(op, p, item); err != nil {
		return nil, 0, err
	}
	if oddBreaks(data) {
		return nil, 0, &UnsupportedError{Op: op, Path: p, Reason: oddBreaksReason}
	}
	s, err := parse(op, data)
	if err != nil {
		return nil, 0, err
	}
	t, err := walk(op, s.docs, p, false)
	if err != nil {
		return nil, 0, err
	}
	m := t.node
	switch {
	case m.Kind != yaml.MappingNode:
		return nil, 0, &PathError{Op: op, Path: p, Line: m.Line, Reason: fmt.Sprintf("line %d holds a %s, not a mapping", m.Line, kindName(m))}
	case m.Style&yaml.FlowStyle != 0 || t.flow || len(m.Content) == 0:
		return nil, 0, &UnsupportedError{Op: op, Path: p, Line: m.Line, Reason: "only keys of a non-empty block mapping can be added to"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		ktok, why := s.locate(k)
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" || k.Value == "" || why != "" ||
			s.lineOf(max(ktok.start, ktok.end-1)) != k.Line || v.Line != k.Line {
			// A "? key" entry, or an empty key: yaml.v3 places their
			// nodes where the lines after them would be read.
			return nil, 0, &UnsupportedError{Op: op, Path: p, Line: k.Line, Reason: "the mapping has an empty, complex (?) or multi-line key, or a value not on its key's line"}
		}
		if v.Kind != yaml.ScalarNode || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(v.Value, "\n") {
			return nil, 0, &UnsupportedError{Op: op, Path: p, Line: k.Line, Reason: "the mapping holds values of more than one line"}
		}
		if slices.ContainsFunc(item, func(kv KV) bool { return kv.Key == k.Value }) {
			return nil, 0, &UnsupportedError{Op: op, Path: p, Line: k.Line, Reason: fmt.Sprintf("the mapping already has the key %q", k.Value)}
		}
	}
	keyCol := m.Content[0].Column - 1
	lines := make([]string, 0, len(item))
	for _, kv := range item {
		key, _ := scalarText(kv.Key, 0, false, false, strTag)
		lines = append(lines, strings.Repeat(" ", keyCol)+key+": "+Format(kv.Value))
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Value: kv.Key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Value: kv.Value})
	}
	end := s.blockEnd(maxLine(m), keyCol)
	out, line := s.insertLines(end, lines)
	if err := verify(op, s.docs, out); err != nil {
		return nil, 0, err
	}
	return out, line, nil
}

// DeleteKey removes the key p ends with, and its one-line scalar value,
// from its block mapping, with the line they are on, and returns the new
// data and that line. The first key of a mapping (which may share its line
// with a "- "), a key whose value spans lines or shares its line with
// another node, and one reached through an alias are refused.
func DeleteKey(data []byte, p Path) ([]byte, int, error) {
	const op = "delete"
	if len(p.Keys) == 0 {
		return nil, 0, &PathError{Op: op, Path: p, Reason: "no key to delete"}
	}
	if oddBreaks(data) {
		return nil, 0, &UnsupportedError{Op: op, Path: p, Reason: oddBreaksReason}
	}
	s, err := parse(op, data)
	if err != nil {
		return nil, 0, err
	}
	parent := Path{Doc: p.Doc, Keys: p.Keys[:len(p.Keys)-1]}
	t, err := walk(op, s.docs, parent, false)
	if err != nil {
		return nil, 0, err
	}
	m, key := t.node, p.Keys[len(p.Keys)-1]
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || t.flow {
		return nil, 0, &UnsupportedError{Op: op, Path: p, Line: m.Line, Reason: "only keys of a block mapping can be deleted"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value != key {
			continue
		}
		// One line: a quoted "\n" is, a scalar folded over lines is not.
		oneLine := false
		if tok, why := s.locate(v); why == "" {
			oneLine = tok.empty || s.lineOf(max(tok.start, tok.end-1)) == k.Line
		}
		if i == 0 || v.Kind != yaml.ScalarNode || v.Line != k.Line || !oneLine ||
			(i+2 < len(m.Content) && m.Content[i+2].Line == k.Line) || m.Content[i-1].Line == k.Line {
			return nil, 0, &UnsupportedError{Op: op, Path: p, Line: k.Line, Reason: "only a key after the first, alone on its line with a one-line value, can be deleted"}
		}
		start, end := s.lines[k.Line-1], len(s.data)
		if k.Line < len(s.lines) {
			end = s.lines[k.Line]
		}
		out := slices.Concat(s.data[:start], s.data[end:])
		m.Content = slices.Delete(m.Content, i, i+2)
		if err := verify(op, s.docs, out); err != nil {
			return nil, 0, err
		}
		return out, k.Line, nil
	}
	return nil, 0, &PathError{Op: op, Path: p, Line: m.Line, Reason: fmt.Sprintf("no key %q in the mapping at line %d", key, m.Line)}
}

const oddBreaksReason = "the file has line breaks other than \\n and \\r\\n, which whole-line edits do not handle"

// oddBreaks reports line breaks other than \n and \r\n: a lone CR, NEL,
// LS or PS, which yaml.v3 counts as line breaks too.
func oddBreaks(data []byte) bool {
	text := string(data)
	return strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\r") || strings.ContainsAny(text, "\u0085\u2028\u2029")
}
