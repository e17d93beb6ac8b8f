package yamledit

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// KV is one key and value of a mapping that [AppendListItem] writes.
type KV struct {
	// Key is the mapping key.
	Key string
	// Value is the key's value, written as a string.
	Value string
}

// AppendListItem appends a mapping with the keys of item, in that order, to
// the block sequence at p, and returns the new data and the 1-based line of
// the new item's "- ". The item is indented like the sequence's items and
// lands after the last one, before any blank lines and comments that
// follow the sequence; a value is quoted the way the last item quotes the
// same key, or plain when plain style reads back as the same string, else
// double-quoted.
//
// When p is a single key missing from a document whose root is a block
// mapping, the key is added at the end of the document holding a one-item
// sequence, with the file's usual indentation (taken from its other
// sequences, two spaces when it has none).
//
// Flow sequences ([a, b]), null values and sequences reached through an
// alias are refused with an [*UnsupportedError] or [*AliasError]; a path
// that is missing otherwise, or that holds no sequence, is a [*PathError].
func AppendListItem(data []byte, p Path, item []KV) ([]byte, int, error) {
	const op = "append"
	if err := checkItem(op, p, item); err != nil {
		return nil, 0, err
	}
	s, err := parse(op, data)
	if err != nil {
		return nil, 0, err
	}
	if root, ok := s.newKeyRoot(p); ok {
		return s.appendKey(p, root, item)
	}
	t, err := walk(op, s.docs, p, false)
	if err != nil {
		return nil, 0, err
	}
	seq := t.node
	switch {
	case seq.Kind == yaml.ScalarNode && seq.ShortTag() == "!!null":
		return nil, 0, &UnsupportedError{Op: op, Path: p, Line: seq.Line, Reason: "the value is null, not a sequence; write the first item by hand"}
	case seq.Kind != yaml.SequenceNode:
		return nil, 0, &PathError{Op: op, Path: p, Line: seq.Line, Reason: fmt.Sprintf("line %d holds a %s, not a sequence", seq.Line, kindName(seq))}
	case seq.Style&yaml.FlowStyle != 0:
		return nil, 0, &UnsupportedError{Op: op, Path: p, Line: seq.Line, Reason: "appending to a flow sequence ([a, b]) is not supported; only block sequences (- a) are"}
	}
	dash, ok := s.dashAt(seq)
	if !ok {
		return nil, 0, &UnsupportedError{Op: op, Path: p, Line: seq.Line, Reason: "cannot find the sequence's first \"- \""}
	}
	dashCol := s.column(dash)
	keyOffset, styles := 2, map[string]yaml.Style{}
	if last := seq.Content[len(seq.Content)-1]; last.Kind == yaml.MappingNode && last.Style&yaml.FlowStyle == 0 {
		if k, ok := s.itemKeyOffset(last); ok {
			keyOffset = k
		}
		for i := 0; i+1 < len(last.Content); i += 2 {
			styles[last.Content[i].Value] = last.Content[i+1].Style &^ yaml.TaggedStyle
		}
	}
	lines, node := itemLines(item, dashCol, keyOffset, styles)
	end := s.blockEnd(maxLine(seq), dashCol)
	out, line := s.insertLines(end, lines)
	seq.Content = append(seq.Content, node)
	if err := verify(op, s.docs, out); err != nil {
		return nil, 0, err
	}
	return out, line, nil
}

func checkItem(op string, p Path, item []KV) error {
	if len(item) == 0 {
		return &UnsupportedError{Op: op, Path: p, Reason: "the item has no keys"}
	}
	seen := map[string]bool{}
	for _, kv := range item {
		if seen[kv.Key] {
			return &UnsupportedError{Op: op, Path: p, Reason: fmt.Sprintf("the item has the key %q twice", kv.Key)}
		}
		seen[kv.Key] = true
		if !utf8.ValidString(kv.Key) || !utf8.ValidString(kv.Value) {
			return &UnsupportedError{Op: op, Path: p, Reason: fmt.Sprintf("the item's key or value %q is not valid UTF-8", kv.Key)}
		}
	}
	return nil
}

// newKeyRoot returns the root mapping of p's document when p is one key
// that the root, a block mapping, lacks.
func (s *source) newKeyRoot(p Path) (*yaml.Node, bool) {
	if len(p.Keys) != 1 || p.Doc < 0 || p.Doc >= len(s.docs) || len(s.docs[p.Doc].Content) == 0 {
		return nil, false
	}
	root := s.docs[p.Doc].Content[0]
	if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 || len(root.Content) == 0 {
		return nil, false
	}
	if k, _, dup := lookup(root, p.Keys[0]); k != nil || dup != "" {
		return nil, false
	}
	if via, _, _ := lookupMerged(root, p.Keys[0], 0); via != nil {
		return nil, false
	}
	return root, true
}

// appendKey adds p's key, holding a sequence of item, at the end of root.
func (s *source) appendKey(p Path, root *yaml.Node, item []KV) ([]byte, int, error) {
	keyCol := root.Content[0].Column - 1
	seqIndent, keyOffset := s.usualIndent()
	key, _ := scalarText(p.Keys[0], 0, false, false, strTag)
	lines, node := itemLines(item, keyCol+seqIndent, keyOffset, nil)
	lines = append([]string{strings.Repeat(" ", keyCol) + key + ":"}, lines...)
	end := s.blockEnd(maxLine(root), keyCol)
	out, line := s.insertLines(end, lines)
	root.Content = append(root.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Value: p.Keys[0]},
		&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{node}})
	if err := verify("append", s.docs, out); err != nil {
		return nil, 0, err
	}
	return out, line + 1, nil
}

// itemLines writes item as a block sequence entry whose "- " starts at
// column dashCol (0-based) and whose keys start keyOffset columns later,
// and returns the lines and the node they read back as.
func itemLines(item []KV, dashCol, keyOffset int, styles map[string]yaml.Style) ([]string, *yaml.Node) {
	node := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	lines := make([]string, 0, len(item))
	for i, kv := range item {
		key, _ := scalarText(kv.Key, 0, false, false, strTag)
		value, _ := scalarText(kv.Value, styles[kv.Key], false, false, strTag)
		prefix := strings.Repeat(" ", dashCol+keyOffset)
		if i == 0 {
			prefix = strings.Repeat(" ", dashCol) + "-" + strings.Repeat(" ", keyOffset-1)
		}
		lines = append(lines, prefix+key+": "+value)
		node.Content = append(node.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Value: kv.Key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Value: kv.Value})
	}
	return lines, node
}

// insertLines inserts lines after line end and returns the new data and
// the line the first inserted line lands on.
func (s *source) insertLines(end int, lines []string) ([]byte, int) {
	text := strings.Join(lines, s.eol)
	off := len(s.data)
	if end < len(s.lines) {
		off = s.lines[end]
		text += s.eol
	} else {
		text = s.eol + text
	}
	out := make([]byte, 0, len(s.data)+len(text))
	out = append(out, s.data[:off]...)
	out = append(out, text...)
	out = append(out, s.data[off:]...)
	return out, end + 1
}

// blockEnd returns the last line of the block node whose last node starts
// on line last and whose own lines start at column col (0-based): the
// last non-blank line, from last on, indented deeper than col. Blank lines
// and comments at col or less after it belong to what follows.
func (s *source) blockEnd(last, col int) int {
	end := last
	for l := last + 1; l <= len(s.lines); l++ {
		text := s.lineText(l)
		if strings.Trim(text, " \t") == "" {
			continue
		}
		if len(text)-len(strings.TrimLeft(text, " ")) <= col {
			break
		}
		end = l
	}
	return end
}

// lineText returns line l (1-based) without its line break.
func (s *source) lineText(l int) string {
	start := s.lines[l-1]
	return string(s.data[start:s.lineEnd(start)])
}

// column returns the 0-based column, in runes, of byte offset off.
func (s *source) column(off int) int {
	return utf8.RuneCount(s.data[s.lines[s.lineOf(off)-1]:off])
}

// dashAt returns the offset of the "-" that opens block sequence seq.
func (s *source) dashAt(seq *yaml.Node) (int, bool) {
	off, err := s.offset(seq.Line, seq.Column)
	if err != nil {
		return 0, false
	}
	off = s.skipProperties(off)
	return off, off < len(s.data) && s.data[off] == '-'
}

// itemKeyOffset returns how many columns after its "-" the block mapping
// item starts, when it starts on the dash's line.
func (s *source) itemKeyOffset(item *yaml.Node) (int, bool) {
	off, err := s.offset(item.Line, item.Column)
	if err != nil {
		return 0, false
	}
	j := off - 1
	for j >= 0 && s.data[j] == ' ' {
		j--
	}
	if j < 0 || s.data[j] != '-' || off-j < 2 {
		return 0, false
	}
	return off - j, true
}

// usualIndent returns how far the file indents a block sequence under its
// key (0 for "key:\n- a", 2 for "key:\n  - a") and how far after the "-" a
// mapping item's keys start, from the first examples it finds.
func (s *source) usualIndent() (seqIndent, keyOffset int) {
	seqIndent, keyOffset = -1, -1
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		if n.Style&yaml.FlowStyle != 0 || (seqIndent >= 0 && keyOffset >= 0) {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && seqIndent < 0 {
					if dash, ok := s.dashAt(v); ok && s.lineOf(dash) > k.Line && s.column(dash) >= k.Column-1 {
						seqIndent = s.column(dash) - (k.Column - 1)
					}
				}
				visit(v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if c.Kind == yaml.MappingNode && c.Style&yaml.FlowStyle == 0 && keyOffset < 0 {
					if k, ok := s.itemKeyOffset(c); ok {
						keyOffset = k
					}
				}
				visit(c)
			}
		case yaml.DocumentNode:
			for _, c := range n.Content {
				visit(c)
			}
		}
	}
	for _, d := range s.docs {
		visit(d)
	}
	if seqIndent < 0 {
		seqIndent = 2
	}
	if keyOffset < 0 {
		keyOffset = 2
	}
	return seqIndent, keyOffset
}

// maxLine returns the last line any node of n's tree starts on.
func maxLine(n *yaml.Node) int {
	line := n.Line
	for _, c := range n.Content {
		line = max(line, maxLine(c))
	}
	return line
}
