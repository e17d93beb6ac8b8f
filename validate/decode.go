package validate

import (
	"errors"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// DecodeFinding turns an error of [manifest.Decode] into an error finding
// pointing at the file and line, for commands that report unreadable input
// as a verdict, as kubeconform does, rather than as a failure to run. The
// rule is "duplicate-key" for a mapping key given twice (what kubeconform
// -strict rejects), "not-an-object" for a document that is not a Kubernetes
// object, and "invalid-yaml" otherwise. It returns false for other errors.
func DecodeFinding(err error) (finding.Finding, bool) {
	var de *manifest.DecodeError
	if !errors.As(err, &de) {
		return finding.Finding{}, false
	}
	rule := "invalid-yaml"
	switch {
	case errors.Is(de.Err, manifest.ErrNotObject):
		rule = "not-an-object"
	case strings.Contains(de.Err.Error(), "duplicate key"):
		rule = "duplicate-key"
	}
	return finding.Finding{
		Rule:     rule,
		Severity: finding.SeverityError,
		Message:  de.Err.Error(),
		Source:   manifest.Origin{File: de.File, Line: de.Line},
	}, true
}
