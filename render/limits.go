package render

import (
	"bytes"
	"errors"

	"io/fs"

	"go.yaml.in/yaml/v3"
)

// Default limits (see [Limits]).
const (
	// DefaultMaxFileSize is the default of Limits.MaxFileSize: 64 MiB.
	DefaultMaxFileSize = 64 << 20
	// DefaultMaxYAMLNodes is the default of Limits.MaxYAMLNodes.
	DefaultMaxYAMLNodes = 1_000_000
	// DefaultMaxDocuments is the default of Limits.MaxDocuments.
	DefaultMaxDocuments = 100_000
	// DefaultMaxResources is the default of Limits.MaxResources.
	DefaultMaxResources = 100_000
	// DefaultMaxSubstitutedSize is the default of
	// Limits.MaxSubstitutedSize: 16 MiB.
	DefaultMaxSubstitutedSize = 16 << 20
)

// Limits bound what a render reads, so that a hostile repository cannot make
// it run out of memory or time. The zero value applies the defaults; each
// error that a limit causes wraps [ErrLimit] and names the file and the
// limit.
type Limits struct {
	// MaxFileSize is the largest repository file read, in bytes. Default
	// DefaultMaxFileSize (64 MiB).
	MaxFileSize int64
	// MaxYAMLNodes bounds the nodes of a YAML file that uses aliases, once
	// its aliases are expanded (an alias bomb expands a few hundred bytes
	// into billions of nodes). Default DefaultMaxYAMLNodes (1,000,000).
	MaxYAMLNodes int
	// MaxDocuments bounds the YAML documents of one file. Default
	// DefaultMaxDocuments (100,000).
	MaxDocuments int
	// MaxResources bounds the resource files one build reads, each counted
	// as many times as the kustomization graph reaches it: a "diamond"
	// where each level includes the one below twice reaches 2^levels.
	// Default DefaultMaxResources (100,000).
	MaxResources int
	// MaxSubstitutedSize bounds one object's YAML after Flux post-build
	// substitution, in bytes. Default DefaultMaxSubstitutedSize (16 MiB).
	MaxSubstitutedSize int
}

func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.MaxYAMLNodes <= 0 {
		l.MaxYAMLNodes = DefaultMaxYAMLNodes
	}
	if l.MaxDocuments <= 0 {
		l.MaxDocuments = DefaultMaxDocuments
	}
	if l.MaxResources <= 0 {
		l.MaxResources = DefaultMaxResources
	}
	if l.MaxSubstitutedSize <= 0 {
		l.MaxSubstitutedSize = DefaultMaxSubstitutedSize
	}
	return l
}

// checkRegular refuses what is neither a regular file nor a directory:
// opening a FIFO blocks forever, a device may never end.
func checkRegular(rel string, info fs.FileInfo) error {
	if info.IsDir() || info.Mode().IsRegular() {
		return nil
	}
	what := "a special file"
	switch m := info.Mode(); {
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSymlink != 0:
		what = "a symlink"
	}
	return errorf(rel, 0, ErrNotRegular, "is %s; ferry reads only regular files and directories: remove it or replace it with a regular file", what)
}

// checkSize refuses a file larger than the limit.
func checkSize(rel string, size int64, l Limits) error {
	if size > l.MaxFileSize {
		return errorf(rel, 0, ErrLimit, "is %d bytes, more than the limit of %d bytes on a file (Options.Limits.MaxFileSize): shrink or split it, or raise the limit", size, l.MaxFileSize)
	}
	return nil
}

// checkYAML bounds the documents of a file and, when it uses aliases, the
// nodes of its documents once expanded, before kustomize parses it. A file
// without both '&' and '*' has no alias, and costs two byte scans; one that
// is not valid YAML is left to kustomize, which reports it.
func checkYAML(rel string, data []byte, l Limits) error {
	if n := bytes.Count(data, []byte("\n---")) + 1; n > l.MaxDocuments {
		return errorf(rel, 0, ErrLimit, "has %d YAML documents, more than the limit of %d (Options.Limits.MaxDocuments): split it, or raise the limit", n, l.MaxDocuments)
	}
	if bytes.IndexByte(data, '&') < 0 || bytes.IndexByte(data, '*') < 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	budget := l.MaxYAMLNodes
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil // the end, or invalid YAML that kustomize reports
		}
		if !expand(&doc, &budget, 0) {
			line := doc.Line
			return errorf(rel, line, ErrLimit, "expands to more than %d YAML nodes once its aliases are expanded (Options.Limits.MaxYAMLNodes): an alias bomb, or a file to split", l.MaxYAMLNodes)
		}
	}
}

// maxExpandDepth bounds the aliases followed inside one another.
const maxExpandDepth = 10_000

// expand counts the nodes of n with its aliases expanded against budget,
// and reports false when the budget runs out.
func expand(n *yaml.Node, budget *int, depth int) bool {
	*budget--
	if *budget < 0 || depth > maxExpandDepth {
		return false
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return expand(n.Alias, budget, depth+1)
	}
	for _, c := range n.Content {
		if !expand(c, budget, depth+1) {
			return false
		}
	}
	return true
}

// limitError returns the *Error behind err when a limit or a special file
// caused it, for errors that come back through kustomize.
func limitError(err error) (*Error, bool) {
	e, ok := errors.AsType[*Error](err)
	if ok && (errors.Is(e, ErrLimit) || errors.Is(e, ErrNotRegular)) {
		return e, true
	}
	return nil, false
}
