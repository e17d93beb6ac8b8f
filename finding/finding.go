package finding

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ferrygitops/ferry/manifest"
)

// Severity ranks findings. The zero value is SeverityError, so that a
// finding built without one is never mistaken for a harmless note.
type Severity int

// Severities, from most to least severe.
const (
	SeverityError Severity = iota
	SeverityWarning
	SeverityInfo
)

// String returns "error", "warning" or "info".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < SeverityError || s > SeverityInfo {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity name; "warn" and "failure"/"deny" are
// accepted as the names conftest uses.
func (s *Severity) UnmarshalText(text []byte) error {
	v, err := ParseSeverity(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses a severity name, case-insensitively: error (also
// failure, deny, violation), warning (also warn), info.
func ParseSeverity(name string) (Severity, error) {
	switch strings.ToLower(name) {
	case "error", "failure", "deny", "violation":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info":
		return SeverityInfo, nil
	}
	return 0, fmt.Errorf("unknown severity %q: use error, warning or info", name)
}

// Waiver records why a finding does not count: the rule was waived on the
// object, with a reason and an optional end date.
type Waiver struct {
	// Reason is the justification given with the waiver.
	Reason string `json:"reason"`
	// Until is the last day the waiver holds (YYYY-MM-DD), empty for none.
	Until string `json:"until,omitempty"`
	// Source is where the waiver is written.
	Source manifest.Origin `json:"source,omitzero"`
}

// Finding is one result of a check.
type Finding struct {
	// Rule identifies the check, e.g. "schema", "deprecated-api",
	// "no-latest-tag", or a policy's package and rule.
	Rule string `json:"rule"`
	// Severity says how much the finding matters.
	Severity Severity `json:"severity"`
	// Message says what is wrong and, where it can, what to do.
	Message string `json:"message"`
	// Object is the rendered object at fault; zero for findings about a
	// whole environment or plan.
	Object manifest.ID `json:"object,omitzero"`
	// Field is a JSON pointer (RFC 6901) to the offending field of Object,
	// e.g. /spec/template/spec/containers/0/image; empty for the whole
	// object.
	Field string `json:"field,omitempty"`
	// Source is the repository file and line a person edits to fix the
	// finding: where the object, or better the offending value, is defined.
	Source manifest.Origin `json:"source,omitzero"`
	// Waiver is set when the finding is waived: reported, but not counted.
	Waiver *Waiver `json:"waiver,omitempty"`
	// Baseline is set when the finding was compared with a baseline, as a
	// promotion plan compares the target after its edits with the target
	// before them: new, existing or fixed. Empty otherwise.
	Baseline Baseline `json:"baseline,omitempty"`
	// Metadata holds extra data from the check (policy metadata, say).
	Metadata map[string]any `json:"metadata,omitempty"`
}

// String formats the finding for a terminal: source, severity, rule, object
// and message.
func (f Finding) String() string {
	var b strings.Builder
	if f.Source.File != "" {
		b.WriteString(f.Source.String())
		b.WriteString(": ")
	}
	b.WriteString(f.Severity.String())
	if f.Waiver != nil {
		b.WriteString(" (waived)")
	}
	b.WriteString(" [")
	b.WriteString(f.Rule)
	b.WriteString("] ")
	if f.Object != (manifest.ID{}) {
		b.WriteString(f.Object.String())
		if f.Field != "" {
			b.WriteString(" ")
			b.WriteString(f.Field)
		}
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// Counts tallies findings by severity, leaving waived findings apart.
type Counts struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Waived   int `json:"waived"`
}

// Count tallies the findings.
func Count(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch {
		case f.Waiver != nil:
			c.Waived++
		case f.Severity == SeverityError:
			c.Errors++
		case f.Severity == SeverityWarning:
			c.Warnings++
		default:
			c.Infos++
		}
	}
	return c
}

// Compare orders findings by source file and line, then object, field,
// rule, severity and message: the order in which reports list them.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Source.File, b.Source.File),
		cmp.Compare(a.Source.Line, b.Source.Line),
		a.Object.Compare(b.Object),
		cmp.Compare(a.Field, b.Field),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Message, b.Message),
	)
}

// Sort sorts findings with [Compare], in place, stably.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, Compare)
}

// Pointer builds a JSON pointer from path segments: strings are map keys,
// ints are list indexes. Pointer("spec", "containers", 0, "image") is
// "/spec/containers/0/image"; "~" and "/" in keys are escaped as RFC 6901
// says.
func Pointer(segments ...any) string {
	parts := make([]string, len(segments))
	for i, s := range segments {
		parts[i] = fmt.Sprint(s)
	}
	return manifest.Pointer(parts...)
}

// SplitPointer returns the segments of a JSON pointer, unescaped (see
// manifest.SplitPointer).
func SplitPointer(pointer string) []string { return manifest.SplitPointer(pointer) }
