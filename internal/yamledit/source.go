package yamledit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamlerr"
)

// source is one parsed file: its bytes, its documents, and where its lines
// start, counted the way yaml.v3 counts them.
type source struct {
	data []byte
	docs []*yaml.Node
	// lines[i] is the byte offset where line i+1 starts. A file that ends
	// with a line break has a last, empty line starting at len(data).
	lines []int
	// eol is the file's line break, "\n" when it has none.
	eol string
}

// parse reads every document of data. yaml.v3 numbers lines with CR, LF,
// CRLF, NEL, LS and PS as breaks and columns in runes, after a leading BOM.
func parse(op string, data []byte) (s *source, err error) {
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return nil, &SyntaxError{Op: op, Msg: "the file is UTF-16 encoded; only UTF-8 is supported"}
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, &SyntaxError{Op: op, Msg: fmt.Sprint("parser panic: ", r)}
		}
	}()
	s = &source{data: data, eol: "\n"}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &SyntaxError{Op: op, Line: yamlerr.Line(err), Msg: yamlerr.Message(err), Err: err}
		}
		s.docs = append(s.docs, &doc)
	}
	start := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	s.lines = []int{start}
	for i := start; i < len(data); i++ {
		if n := breakLen(data, i); n > 0 {
			if len(s.lines) == 1 && n == 2 && data[i] == '\r' {
				s.eol = "\r\n"
			} else if len(s.lines) == 1 && data[i] == '\r' {
				s.eol = "\r"
			}
			i += n - 1
			s.lines = append(s.lines, i+1)
		}
	}
	return s, nil
}

// breakLen returns the length of the line break at data[i], 0 if none.
func breakLen(data []byte, i int) int {
	switch {
	case data[i] == '\n':
		return 1
	case data[i] == '\r':
		if i+1 < len(data) && data[i+1] == '\n' {
			return 2
		}
		return 1
	case data[i] == 0xC2 && i+1 < len(data) && data[i+1] == 0x85: // NEL
		return 2
	case data[i] == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9): // LS, PS
		return 3
	}
	return 0
}

// offset returns the byte offset of a yaml.v3 line and column (both 1-based,
// the column counted in runes).
func (s *source) offset(line, col int) (int, error) {
	if line < 1 || line > len(s.lines) {
		return 0, fmt.Errorf("line %d is outside the file", line)
	}
	off := s.lines[line-1]
	for c := 1; c < col; c++ {
		if off >= len(s.data) || breakLen(s.data, off) > 0 {
			return 0, fmt.Errorf("line %d has no column %d", line, col)
		}
		_, size := utf8.DecodeRune(s.data[off:])
		off += size
	}
	return off, nil
}

// lineOf returns the 1-based line of byte offset off.
func (s *source) lineOf(off int) int {
	return sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off })
}

// lineEnd returns the offset of the line break (or end of file) ending the
// line that holds off.
func (s *source) lineEnd(off int) int {
	for off < len(s.data) && breakLen(s.data, off) == 0 {
		off++
	}
	return off
}

// token is the raw extent of a scalar in the file.
type token struct {
	start, end int
	// empty is true for a mapping value written as nothing at all (key:),
	// where start == end is the offset just after the colon.
	empty bool
	// tagged is true when the scalar carries an explicit tag (!!str, !x).
	tagged bool
}

// locate returns the extent of scalar n's token, or why it cannot be edited
// in place.
func (s *source) locate(n *yaml.Node) (token, string) {
	if n.Kind != yaml.ScalarNode {
		return token{}, fmt.Sprintf("line %d holds a %s, not a scalar", n.Line, kindName(n))
	}
	if n.Style&yaml.LiteralStyle != 0 || n.Style&yaml.FoldedStyle != 0 {
		return token{}, "block scalars (| and >) cannot be edited in place"
	}
	off, err := s.offset(n.Line, n.Column)
	if err != nil {
		return token{}, "cannot locate the scalar: " + err.Error()
	}
	if n.Style&^yaml.TaggedStyle == 0 && n.Value == "" && n.Tag == "!!null" {
		if off == 0 || s.data[off-1] != ':' {
			return token{}, "an empty value can only be set in a block mapping (key: with nothing after it)"
		}
		return token{start: off, end: off, empty: true}, ""
	}
	t := token{tagged: n.Style&yaml.TaggedStyle != 0}
	t.start = s.skipProperties(off)
	switch {
	case n.Style&yaml.SingleQuotedStyle != 0:
		t.end = s.quotedEnd(t.start, '\'')
	case n.Style&yaml.DoubleQuotedStyle != 0:
		t.end = s.quotedEnd(t.start, '"')
	default:
		t.end = t.start + len(n.Value)
		if t.end > len(s.data) || string(s.data[t.start:t.end]) != n.Value {
			return token{}, "multi-line plain scalars cannot be edited in place"
		}
		return t, ""
	}
	if t.end < 0 {
		return token{}, "multi-line quoted scalars cannot be edited in place"
	}
	var v string
	if err := yaml.Unmarshal(s.data[t.start:t.end], &v); err != nil || v != n.Value {
		return token{}, "cannot locate the scalar's text"
	}
	return t, ""
}

// skipProperties skips an anchor (&a) and a tag (!t) before a node, with
// the blanks, comments and line breaks that may follow them.
func (s *source) skipProperties(off int) int {
	d := s.data
	for off < len(d) {
		switch {
		case d[off] == '&' || d[off] == '!':
			if strings.HasPrefix(string(d[off:min(off+2, len(d))]), "!<") {
				for off < len(d) && d[off] != '>' {
					off++
				}
			}
			for off < len(d) && d[off] != ' ' && d[off] != '\t' && breakLen(d, off) == 0 {
				off++
			}
		case d[off] == ' ' || d[off] == '\t':
			off++
		case d[off] == '#':
			off = s.lineEnd(off)
		case breakLen(d, off) > 0:
			off += breakLen(d, off)
		default:
			return off
		}
	}
	return off
}

// quotedEnd returns the offset just past the closing quote of the quoted
// scalar starting at start, or -1 when the scalar spans lines.
func (s *source) quotedEnd(start int, quote byte) int {
	d := s.data
	for i := start + 1; i < len(d); i++ {
		switch {
		case breakLen(d, i) > 0:
			return -1
		case quote == '"' && d[i] == '\\':
			if i+1 < len(d) && breakLen(d, i+1) > 0 {
				return -1
			}
			i++
		case d[i] == quote && quote == '\'' && i+1 < len(d) && d[i+1] == '\'':
			i++
		case d[i] == quote:
			return i + 1
		}
	}
	return -1
}
