package render

import (
	"errors"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// ErrorFinding turns an error of [Renderer.Render] about the repository's
// content (an [*Error]: a remote base, a plugin, a missing file, an invalid
// kustomization, a cycle) into one error finding with rule "render-error"
// that points at the file and line at fault, for commands that report a
// directory that cannot render and go on with the others. dir is the
// directory rendered, named in the message. It returns false for other
// errors, which stop the command: the context ended, or a path leads
// outside the repository root (ErrOutsideRoot), which ferry refuses rather
// than reports.
func ErrorFinding(dir string, err error) (finding.Finding, bool) {
	var e *Error
	if !errors.As(err, &e) || errors.Is(err, ErrOutsideRoot) {
		return finding.Finding{}, false
	}
	return finding.Finding{
		Rule:     "render-error",
		Severity: finding.SeverityError,
		Message:  "cannot render " + dir + ": " + e.Err.Error(),
		Source:   manifest.Origin{File: e.File, Line: e.Line},
	}, true
}
