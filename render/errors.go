package render

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers can test for with errors.Is. Every error
// returned by [Renderer.Render] that wraps one of them is an [*Error] naming the
// file (and line, where known) at fault.
var (
	// ErrOutsideRoot reports a path, or a symlink, that leads outside the
	// repository root.
	ErrOutsideRoot = errors.New("outside the repository root")
	// ErrRemoteBase reports a remote base or resource (a git URL or an
	// http(s) file) while Options.AllowRemoteBases is off.
	ErrRemoteBase = errors.New("remote bases are disabled")
	// ErrPlugin reports a kustomization that needs Helm, an exec plugin or a
	// KRM function, none of which ferry runs.
	ErrPlugin = errors.New("plugins are not run")
	// ErrCycle reports kustomizations that include each other.
	ErrCycle = errors.New("kustomization cycle")
	// ErrNotRegular reports a FIFO, socket, device (or a symlink to one)
	// where a file is read: ferry reads only regular files and
	// directories, and never blocks on opening one.
	ErrNotRegular = errors.New("not a regular file")
	// ErrLimit reports an input beyond one of the bounds of [Limits]: a file
	// too large, too many documents, an alias bomb.
	ErrLimit = errors.New("input limit exceeded")
	// ErrNotFound reports a missing directory or referenced file.
	ErrNotFound = errors.New("not found")
	// ErrInvalid reports a kustomization or manifest that kustomize cannot
	// build: malformed YAML, a duplicate object ID, a patch whose target does
	// not exist, and the like.
	ErrInvalid = errors.New("invalid kustomization")
)

// Error is a rendering failure tied to a file in the repository.
type Error struct {
	// File is the repository-relative path of the file at fault, usually a
	// kustomization.
	File string
	// Line is the 1-based line in File, or 0 when unknown.
	Line int
	// Err is the cause; it wraps one of the sentinel errors of this package.
	Err error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// errorf builds an *Error whose message is the formatted text and whose
// cause unwraps to sentinel.
func errorf(file string, line int, sentinel error, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Err: &kindError{msg: fmt.Sprintf(format, args...), kind: sentinel}}
}

// kindError is a message classified by one of the sentinel errors.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
