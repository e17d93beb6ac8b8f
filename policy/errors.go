package policy

import (
	"fmt"
	"strings"
)

// Diagnostic is one problem found while loading policies, at a file and row.
type Diagnostic struct {
	// File is the policy or data file.
	File string
	// Row is the 1-based line, 0 when unknown.
	Row int
	// Code classifies the problem, as OPA does ("rego_parse_error",
	// "rego_type_error", …) or as ferry does ("ferry_boolean_rule",
	// "ferry_network_builtin").
	Code string
	// Message says what is wrong and what to do.
	Message string
}

func (d Diagnostic) String() string {
	loc := d.File
	if d.Row > 0 {
		loc = fmt.Sprintf("%s:%d", d.File, d.Row)
	}
	return fmt.Sprintf("%s: %s: %s", loc, d.Code, d.Message)
}

// LoadError reports policies that do not load: syntax and type errors,
// refused builtins, conftest pitfalls. Callers can reach every diagnostic
// with errors.As.
type LoadError struct {
	Diagnostics []Diagnostic
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	if len(lines) == 1 {
		return "load policies: " + lines[0]
	}
	return fmt.Sprintf("load policies: %d errors:\n  %s", len(lines), strings.Join(lines, "\n  "))
}
