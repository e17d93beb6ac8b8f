package yamledit

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Edit is one scalar change, as planned and as applied.
type Edit struct {
	// Path addresses the scalar.
	Path Path
	// Line is the 1-based line of the scalar's text.
	Line int
	// Old is the scalar's value before the edit, decoded (not raw bytes).
	Old string
	// New is the scalar's value after the edit.
	New string
}

// Change asks [SetScalars] to set the scalar at Path to Value.
type Change struct {
	// Path addresses the scalar.
	Path Path
	// Value is the new value.
	Value string
	// KeepType keeps an unquoted non-string scalar (replicas: 3,
	// enabled: true) unquoted when Value reads as the same type in plain
	// style. The zero value writes Value as a string, quoted when plain
	// style would read as anything else: version: 1.10 set to "1.11"
	// becomes version: "1.11".
	KeepType bool
}

// Find returns the value and line of the scalar at p. It reads through
// aliases and merge keys, reporting the line where the value is written.
// A path that does not reach a scalar is a [*PathError].
func Find(data []byte, p Path) (value string, line int, err error) {
	s, err := parse("find", data)
	if err != nil {
		return "", 0, err
	}
	t, err := walk("find", s.docs, p, true)
	if err != nil {
		return "", 0, err
	}
	if t.node.Kind != yaml.ScalarNode {
		return "", 0, &PathError{Op: "find", Path: p, Line: t.node.Line,
			Reason: notScalar(t.node)}
	}
	line = t.node.Line
	if tok, why := s.locate(t.node); why == "" {
		line = s.lineOf(tok.start)
	}
	return t.node.Value, line, nil
}

// SetScalar returns data with the scalar at p set to value, and the edit it
// made. Only the bytes of the scalar's token change, and the token keeps
// its style: plain stays plain when value reads back as the same string in
// plain style (else it is double-quoted), single-quoted stays
// single-quoted (with each ' doubled) unless value needs escapes, double-quoted
// stays double-quoted. Anchors, tags and line comments stay. A value equal
// to the current one returns data itself, unchanged, even when it is an unquoted
// number such as 1.10. See [Change].KeepType for numbers kept unquoted and
// [SetScalars] for the errors.
func SetScalar(data []byte, p Path, value string) ([]byte, Edit, error) {
	out, edits, err := SetScalars(data, []Change{{Path: p, Value: value}})
	if err != nil {
		return nil, Edit{}, err
	}
	return out, edits[0], nil
}

// SetScalars applies several changes to one file at once and returns the
// edits in file order. Two changes of the same scalar must agree: different
// values are a [*ConflictError]. A missing path is a [*PathError]; a scalar
// reached through an alias or merge key is an [*AliasError]; block scalars,
// multi-line scalars, explicit non-string tags and values that are not
// UTF-8 are [*UnsupportedError]s. Nothing is returned but the error when
// any change fails.
func SetScalars(data []byte, changes []Change) ([]byte, []Edit, error) {
	s, err := parse("set", data)
	if err != nil {
		return nil, nil, err
	}
	var plans []*plan
	byNode := map[*yaml.Node]*plan{}
	for _, c := range changes {
		p, err := s.plan(c)
		if err != nil {
			return nil, nil, err
		}
		if prev, ok := byNode[p.node]; ok {
			if prev.edit.New != c.Value {
				return nil, nil, &ConflictError{Path: prev.edit.Path, Line: prev.edit.Line, First: prev.edit.New, Second: c.Value}
			}
			continue
		}
		byNode[p.node] = p
		plans = append(plans, p)
	}
	slices.SortFunc(plans, func(a, b *plan) int { return a.tok.start - b.tok.start })

	out := make([]byte, 0, len(data)+64)
	last, changed := 0, false
	edits := make([]Edit, 0, len(plans))
	for _, p := range plans {
		edits = append(edits, p.edit)
		if p.edit.Old == p.edit.New {
			continue
		}
		out = append(out, data[last:p.tok.start]...)
		out = append(out, p.text...)
		last, changed = p.tok.end, true
		// What the re-parsed document must hold instead of the old node.
		p.node.Value, p.node.Tag, p.node.Style = p.edit.New, p.tag, 0
	}
	if !changed {
		return data, edits, nil
	}
	out = append(out, data[last:]...)
	if err := verify("set", s.docs, out); err != nil {
		return nil, nil, err
	}
	return out, edits, nil
}

// plan is one change, located and written out.
type plan struct {
	edit Edit
	node *yaml.Node
	// tok is the extent of the bytes to replace with text.
	tok  token
	text string
	// tag is the tag text reads back with.
	tag string
}

// plan locates c's scalar and writes its new token.
func (s *source) plan(c Change) (*plan, error) {
	if !utf8.ValidString(c.Value) {
		return nil, &UnsupportedError{Op: "set", Path: c.Path, Reason: "the new value is not valid UTF-8"}
	}
	t, err := walk("set", s.docs, c.Path, false)
	if err != nil {
		return nil, err
	}
	n := t.node
	if n.Kind != yaml.ScalarNode {
		return nil, &PathError{Op: "set", Path: c.Path, Line: n.Line, Reason: notScalar(n)}
	}
	tok, why := s.locate(n)
	if why == "" && tok.empty && t.flow {
		why = "an empty value can only be set in a block mapping (key: with nothing after it)"
	}
	if why != "" {
		return nil, &UnsupportedError{Op: "set", Path: c.Path, Line: n.Line, Reason: why}
	}
	line := s.lineOf(tok.start)
	if tok.tagged && n.ShortTag() != strTag {
		return nil, &UnsupportedError{Op: "set", Path: c.Path, Line: line,
			Reason: "the scalar has the explicit tag " + n.Tag + "; only !!str scalars can be set"}
	}
	want := strTag
	if c.KeepType && n.Style&^yaml.TaggedStyle == 0 {
		want = n.ShortTag()
	}
	text, tag := scalarText(c.Value, n.Style, t.flow, tok.tagged, want)
	if tag == "" {
		tag = n.ShortTag()
	}
	if tok.empty {
		// key: → key: value, reusing the blank after the colon when a
		// comment does not follow it.
		text = " " + text
		if tok.start+1 < len(s.data) && s.data[tok.start] == ' ' && s.data[tok.start+1] != '#' {
			text = text[1:]
			tok.start++
			tok.end++
		}
	}
	return &plan{edit: Edit{Path: c.Path, Line: line, Old: n.Value, New: c.Value}, node: n, tok: tok, text: text, tag: tag}, nil
}

func notScalar(n *yaml.Node) string {
	return fmt.Sprintf("line %d holds a %s, not a scalar", n.Line, kindName(n))
}
