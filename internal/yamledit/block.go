package yamledit

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SetBlockLine replaces old with new on one line of the literal block scalar
// (|) at p — a patch written inline in a Flux Kustomization or a
// kustomization, say — leaving every other byte alone. line is the file's
// line, one of the block's content lines; old must appear there exactly once
// as a whole word (not inside a longer name or version). The edited file is
// parsed again and must differ from the original only in that line of the
// block scalar's value. A folded block (>), a scalar of another style, a
// line outside the block or an ambiguous old is an [*UnsupportedError]; a
// missing path is a [*PathError].
func SetBlockLine(data []byte, p Path, line int, old, new string) ([]byte, error) {
	const op = "set-line"
	if oddBreaks(data) {
		return nil, &UnsupportedError{Op: op, Path: p, Reason: "the file has line breaks other than \\n and \\r\\n"}
	}
	s, err := parse(op, data)
	if err != nil {
		return nil, err
	}
	t, err := walk(op, s.docs, p, false)
	if err != nil {
		return nil, err
	}
	n := t.node
	if n.Kind != yaml.ScalarNode || n.Style&yaml.LiteralStyle == 0 {
		return nil, &UnsupportedError{Op: op, Path: p, Line: n.Line, Reason: "not a literal block scalar (|)"}
	}
	lines := strings.SplitAfter(n.Value, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	// A literal block's content starts on the line after its indicator,
	// one line of the value per line of the file.
	i := line - n.Line - 1
	if i < 0 || i >= len(lines) {
		return nil, &UnsupportedError{Op: op, Path: p, Line: line, Reason: fmt.Sprintf("the line is not in the block scalar, which spans lines %d to %d", n.Line+1, n.Line+len(lines))}
	}
	if old == "" || old == new || strings.ContainsAny(old+new, "\r\n") {
		return nil, &UnsupportedError{Op: op, Path: p, Line: line, Reason: fmt.Sprintf("cannot replace %q with %q", old, new)}
	}
	at, ok := wordAt(lines[i], old)
	if !ok {
		return nil, &UnsupportedError{Op: op, Path: p, Line: line, Reason: fmt.Sprintf("%q is not on the line exactly once as a word", old)}
	}
	text := s.lineText(line)
	fileAt, ok := wordAt(text, old)
	if !ok {
		return nil, &UnsupportedError{Op: op, Path: p, Line: line, Reason: fmt.Sprintf("%q is not on the line exactly once as a word", old)}
	}
	start := s.lines[line-1] + fileAt
	out := make([]byte, 0, len(data)+len(new)-len(old))
	out = append(out, data[:start]...)
	out = append(out, new...)
	out = append(out, data[start+len(old):]...)
	lines[i] = lines[i][:at] + new + lines[i][at+len(old):]
	n.Value = strings.Join(lines, "")
	if err := verify(op, s.docs, out); err != nil {
		return nil, err
	}
	return out, nil
}

// HasWord reports whether word is in line exactly once as a word, as
// SetBlockLine needs it: touched by no letter, digit, '.', '-', '_' or '+'
// on either side.
func HasWord(line, word string) bool {
	_, ok := wordAt(line, word)
	return ok && word != ""
}

// wordAt returns the byte offset of the one occurrence of word in line that
// no letter, digit, '.', '-', '_' or '+' touches on either side.
func wordAt(line, word string) (int, bool) {
	part := func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || bytes.IndexByte([]byte(".-_+"), b) >= 0
	}
	found := -1
	for from := 0; ; {
		i := strings.Index(line[from:], word)
		if i < 0 {
			break
		}
		i += from
		end := i + len(word)
		if (i == 0 || !part(line[i-1])) && (end == len(line) || !part(line[end])) {
			if found >= 0 {
				return 0, false
			}
			found = i
		}
		from = i + 1
	}
	return found, found >= 0
}
