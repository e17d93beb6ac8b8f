// Package yamledit makes minimal, byte-preserving edits to YAML files: it
// changes one scalar, or appends one item to a block sequence, and leaves
// every other byte of the file as it was — comments, key order, quoting
// style, indentation, line endings (LF or CRLF), a byte order mark, and
// the presence or absence of a trailing newline.
//
// yaml.v3 parses the file only to find where a node is; the edit itself
// replaces exactly the bytes of the scalar token (plain, 'single-quoted' or
// "double-quoted") or inserts whole lines. Each result is parsed again and
// compared with the original document with only the intended change
// applied; an edit that would change anything else is refused, never
// written.
//
// A [Path] addresses a node by document index and map keys or sequence
// indexes. [Find] reads a scalar, [SetScalar] and [SetScalars] change
// scalars, [AppendListItem] adds a mapping to a block sequence (or a new
// top-level key holding one), and [Setters] lists the scalars that carry a
// Flux image-automation marker such as # {"$imagepolicy": "ns:name:tag"}.
//
// New values are strings: a value that YAML would read as another type in
// plain style ("1.10", "true", "0755", "", or YAML 1.1's "yes") is quoted,
// unless [Change].KeepType asks to keep an unquoted number a number. Edits that cannot be
// made in place are refused with typed errors: block scalars, multi-line
// scalars, scalars reached through an alias or merge key ([*AliasError]),
// flow sequences for appends ([*UnsupportedError]). A path that does not
// exist is a [*PathError]; invalid YAML is a [*SyntaxError] with its line.
//
// Every function is pure: it reads only the bytes it is given, does no I/O,
// never modifies its input and keeps no state, so all of them are safe for
// concurrent use.
package yamledit
