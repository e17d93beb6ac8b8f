// Package yamlerr reads the line out of the syntax errors of
// go.yaml.in/yaml/v3, which carry it only in their text.
package yamlerr

import (
	"fmt"
	"strings"
)

// Line returns the line a YAML error names ("yaml: line 3: …"), or 0.
func Line(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		_, _ = fmt.Sscanf(msg[i:], "line %d", &line)
	}
	return line
}

// Message returns the error's text without its "yaml: line N: " prefix, for
// callers that report the line separately.
func Message(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if _, rest, found := strings.Cut(msg, ": "); found {
			return rest
		}
	}
	return msg
}
