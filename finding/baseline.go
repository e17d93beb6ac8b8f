package finding

import (
	"fmt"
	"strings"
)

// Baseline says how a finding compares with the same checks run on a
// baseline: for a promotion plan, the target environment before the edits.
// The zero value says the finding was not compared with a baseline.
type Baseline string

// Baseline classes.
const (
	// BaselineNew: the finding is there after the change, not before: the
	// change causes it.
	BaselineNew Baseline = "new"
	// BaselineExisting: the finding is there before and after the change.
	BaselineExisting Baseline = "existing"
	// BaselineFixed: the finding is there before the change only: the
	// change removes it.
	BaselineFixed Baseline = "fixed"
)

// ParseBaseline parses a baseline class name, case-insensitively: new,
// existing or fixed.
func ParseBaseline(name string) (Baseline, error) {
	switch b := Baseline(strings.ToLower(name)); b {
	case BaselineNew, BaselineExisting, BaselineFixed:
		return b, nil
	}
	return "", fmt.Errorf("unknown baseline class %q: use new, existing or fixed", name)
}

// Key identifies a finding across two runs of the same checks on inputs
// that differ by some edits: its rule, object and field. Line numbers,
// which edits shift, and messages, which quote the values edits change, are
// not part of it. A finding about no object (a whole environment or plan)
// is keyed by its rule, file and message instead.
func (f Finding) Key() string {
	if f.Object.Kind == "" && f.Object.Name == "" {
		return f.Rule + "\x00" + f.Source.File + "\x00" + f.Message
	}
	return f.Rule + "\x00" + f.Object.String() + "\x00" + f.Field
}
