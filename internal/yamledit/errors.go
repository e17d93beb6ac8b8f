package yamledit

import "fmt"

// PathError reports a path that does not address a node of the kind the
// operation needs: a missing document, key or index, or a scalar where a
// mapping or sequence was expected.
type PathError struct {
	// Op is the operation: "find", "set" or "append".
	Op string
	// Path is the path that was asked for.
	Path Path
	// Line is the 1-based line of the deepest node that exists along the
	// path (the parent of what is missing), 0 when the document is missing.
	Line int
	// Reason says what is missing and where.
	Reason string
}

// Error implements error.
func (e *PathError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Op, e.Path, e.Reason)
}

// AliasError reports an edit that would go through a YAML alias (*name) or
// a merge key (<<: *name). Editing there would change the anchored node and
// every other alias of it, so the edit is refused; Target is where the
// node is written, for a caller that means to change all of them.
type AliasError struct {
	// Op is the operation: "set" or "append".
	Op string
	// Path is the path that was asked for.
	Path Path
	// Line is the 1-based line of the alias.
	Line int
	// Anchor is the anchor's name, without the & or *.
	Anchor string
	// AnchorLine is the 1-based line of the anchor (&name).
	AnchorLine int
	// Target is the path of the same node through the anchor, nil when the
	// anchored node has no path of scalar keys and indexes.
	Target *Path
}

// Error implements error.
func (e *AliasError) Error() string {
	msg := fmt.Sprintf("%s %s: line %d reaches it through the alias *%s of the anchor &%s at line %d",
		e.Op, e.Path, e.Line, e.Anchor, e.Anchor, e.AnchorLine)
	if e.Target != nil {
		msg += fmt.Sprintf("; edit %s instead, which changes every alias of it", e.Target)
	}
	return msg
}

// UnsupportedError reports an edit that yamledit refuses to make in place:
// a block scalar (| or >), a multi-line scalar, a flow sequence to append
// to, a value that YAML cannot hold (invalid UTF-8), and the like.
type UnsupportedError struct {
	// Op is the operation: "find", "set" or "append".
	Op string
	// Path is the path that was asked for.
	Path Path
	// Line is the 1-based line of the node at fault, 0 when none.
	Line int
	// Reason says what is refused and why.
	Reason string
}

// Error implements error.
func (e *UnsupportedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s %s: line %d: %s", e.Op, e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s %s: %s", e.Op, e.Path, e.Reason)
}

// ConflictError reports two changes of the same scalar to different values
// in one call to [SetScalars].
type ConflictError struct {
	// Path is the scalar's path.
	Path Path
	// Line is the 1-based line of the scalar.
	Line int
	// First and Second are the two values, in the order they were given.
	First, Second string
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("set %s: conflicting changes of the scalar at line %d: %q and %q", e.Path, e.Line, e.First, e.Second)
}

// SyntaxError reports input that is not valid YAML, or not UTF-8.
type SyntaxError struct {
	// Op is the operation: "find", "set", "append" or "setters".
	Op string
	// Line is the 1-based line yaml.v3 names, 0 when it names none.
	Line int
	// Msg is the parser's message without its line prefix.
	Msg string
	// Err is the parser's error, nil when yamledit refused the input itself.
	Err error
}

// Error implements error.
func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: invalid YAML at line %d: %s", e.Op, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: invalid YAML: %s", e.Op, e.Msg)
}

// Unwrap returns the parser's error.
func (e *SyntaxError) Unwrap() error { return e.Err }
