package promote

import (
	"fmt"
	"slices"

	"github.com/ferrygitops/ferry/finding"
)

// blockOn is the set of baseline classes a plan blocks on: new always, and
// existing when the target environment or the request asks for it. It is
// sorted new, existing.
func blockOn(tgt Environment, req Request) []finding.Baseline {
	out := []finding.Baseline{finding.BaselineNew}
	if slices.Contains(tgt.BlockOn, finding.BaselineExisting) || slices.Contains(req.BlockOn, finding.BaselineExisting) {
		out = append(out, finding.BaselineExisting)
	}
	return out
}

// classify compares the findings of the checks run on the target after
// the edits with those of the same checks run on it before, and returns
// them classified: every finding after the edits as new or existing, and
// the findings before them that are gone as fixed.
//
// Findings are paired by their finding.Key (rule, object, field), first
// those whose messages are equal too, then the rest, as many of each key
// after as there were before. A finding at a field the edits change
// (changed holds "object field") pairs only with one of equal message: the
// promotion changed the value it is about.
func classify(before, after []finding.Finding, changed map[string]bool) []finding.Finding {
	used := make([]bool, len(before))
	out := make([]finding.Finding, 0, len(after))
	pending := make([]int, 0, len(after))        // indexes into out, unpaired yet
	byKey := make(map[string][]int, len(before)) // in before's order
	for i, b := range before {
		byKey[b.Key()] = append(byKey[b.Key()], i)
	}
	pair := func(f finding.Finding, sameMessage bool) bool {
		for _, i := range byKey[f.Key()] {
			if used[i] || (sameMessage && before[i].Message != f.Message) {
				continue
			}
			used[i] = true
			return true
		}
		return false
	}
	for _, f := range after {
		f.Baseline = finding.BaselineExisting
		if !pair(f, true) {
			f.Baseline = finding.BaselineNew
			pending = append(pending, len(out))
		}
		out = append(out, f)
	}
	for _, i := range pending {
		f := out[i]
		if changed[f.Object.String()+" "+f.Field] {
			continue
		}
		if pair(f, false) {
			out[i].Baseline = finding.BaselineExisting
		}
	}
	for i, b := range before {
		if !used[i] {
			b.Baseline = finding.BaselineFixed
			out = append(out, b)
		}
	}
	return out
}

// verdict decides from the findings: an error that is not waived and whose
// baseline class is one the plan blocks on blocks it. Fixed findings never
// block; findings with no class (the plan's own) count as new.
func verdict(plan *Plan) Verdict {
	var reasons []string
	for _, f := range plan.Findings {
		if f.Severity != finding.SeverityError || f.Waiver != nil {
			continue
		}
		class := f.Baseline
		if class == "" {
			class = finding.BaselineNew
		}
		if !slices.Contains(plan.BlockOn, class) {
			continue
		}
		if class == finding.BaselineExisting {
			reasons = append(reasons, fmt.Sprintf("[%s] (existing) %s", f.Rule, f.Message))
			continue
		}
		reasons = append(reasons, fmt.Sprintf("[%s] %s", f.Rule, f.Message))
	}
	if len(reasons) > 0 {
		slices.Sort(reasons)
		return Verdict{Status: StatusBlocked, Reasons: slices.Compact(reasons)}
	}
	return Verdict{Status: StatusReady}
}

// markNew classifies the findings that have no baseline class yet — the
// plan's own, about its edits and the promotion — as new.
func markNew(fs []finding.Finding) {
	for i := range fs {
		if fs[i].Baseline == "" {
			fs[i].Baseline = finding.BaselineNew
		}
	}
}
