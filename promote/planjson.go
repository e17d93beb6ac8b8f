package promote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/render"
)

// MaxPlanSize bounds the plan JSON [ReadPlan] and [ReadPlans] read.
const MaxPlanSize = 64 << 20

// PlanListKind is the kind of a document holding several plans, one per
// target (ferry plan --to a --to b).
const PlanListKind = "PlanList"

// PlanList is several plans in one document: one per target of a request
// made for several targets, or one per pending promotion ([Planner.Pending]).
type PlanList struct {
	APIVersion string  `json:"apiVersion"`
	Kind       string  `json:"kind"`
	Items      []*Plan `json:"items"`
	// UpToDate are the promotions Pending found nothing to do for.
	UpToDate []Edge `json:"upToDate,omitempty"`
	// Chained says each plan was made on the repository as the plans
	// before it leave it ([Planner.PendingChained]): they apply in order.
	Chained bool `json:"chained,omitempty"`
}

// NewPlanList returns the list of plans, in order.
func NewPlanList(plans []*Plan) *PlanList {
	return &PlanList{APIVersion: PlanAPIVersion, Kind: PlanListKind, Items: plans}
}

// ReadPlan reads a plan written as JSON (ferry plan --out), strictly: a
// field ferry does not know, trailing data, a plan larger than MaxPlanSize
// or of another apiVersion or kind is refused. The plan's content is
// checked by [Plan.Apply], which refuses anything ferry plan could not have
// written before it touches the repository.
func ReadPlan(r io.Reader) (*Plan, error) {
	data, err := readPlanData(r)
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := decodeStrict(data, &p); err != nil {
		return nil, err
	}
	if p.APIVersion != PlanAPIVersion || p.Kind != PlanKind {
		return nil, fmt.Errorf("read plan: %w: want apiVersion %s and kind %s, got %q and %q", ErrMalformedPlan, PlanAPIVersion, PlanKind, p.APIVersion, p.Kind)
	}
	return &p, nil
}

// ReadPlans reads a plan or a list of plans ([PlanList]) written as JSON,
// as strictly as [ReadPlan] reads one.
func ReadPlans(r io.Reader) ([]*Plan, error) {
	l, err := ReadPlanList(r)
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ReadPlanList reads a plan or a list of plans written as JSON, as
// strictly as [ReadPlan] reads one; a single plan is returned as a list of
// one. A list may hold no plan only when it says which promotions are up
// to date (ferry plan --all with nothing to do).
func ReadPlanList(r io.Reader) (*PlanList, error) {
	data, err := readPlanData(r)
	if err != nil {
		return nil, err
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("read plan: %w: not a plan: %w", ErrMalformedPlan, err)
	}
	if head.Kind != PlanListKind {
		p, err := ReadPlan(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return NewPlanList([]*Plan{p}), nil
	}
	var l PlanList
	if err := decodeStrict(data, &l); err != nil {
		return nil, err
	}
	if l.APIVersion != PlanAPIVersion {
		return nil, fmt.Errorf("read plan: %w: want apiVersion %s, got %q", ErrMalformedPlan, PlanAPIVersion, l.APIVersion)
	}
	if len(l.Items) == 0 && len(l.UpToDate) == 0 {
		return nil, fmt.Errorf("read plan: %w: the list holds no plan", ErrMalformedPlan)
	}
	for i, p := range l.Items {
		if p == nil || p.APIVersion != PlanAPIVersion || p.Kind != PlanKind {
			return nil, fmt.Errorf("read plan: %w: item %d is not a %s %s", ErrMalformedPlan, i, PlanAPIVersion, PlanKind)
		}
	}
	return &l, nil
}

func readPlanData(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlanSize+1))
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if len(data) > MaxPlanSize {
		return nil, fmt.Errorf("read plan: %w: larger than %d MiB", ErrMalformedPlan, MaxPlanSize>>20)
	}
	return data, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read plan: %w: not a plan: %w", ErrMalformedPlan, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("read plan: %w: trailing data after the plan", ErrMalformedPlan)
	}
	return nil
}

// Conflicts returns, for plans meant to be applied together, each file
// that one of them edits and another edits or reads, with the targets
// (their paths) involved: each plan was made on the unedited repository, so
// applying one makes the others stale for that file (Apply refuses a plan
// whose inputs changed).
func Conflicts(plans []*Plan) map[string][]string {
	by := map[string][]string{}
	for i, p := range plans {
		for _, f := range p.Files {
			for j, q := range plans {
				if i == j {
					continue
				}
				reads := slices.ContainsFunc(q.Inputs, func(in render.File) bool { return in.Path == f.Path })
				edits := slices.ContainsFunc(q.Files, func(g FileEdit) bool { return g.Path == f.Path })
				if !reads && !edits {
					continue
				}
				for _, t := range []string{p.Target.Path, q.Target.Path} {
					if !slices.Contains(by[f.Path], t) {
						by[f.Path] = append(by[f.Path], t)
					}
				}
			}
		}
	}
	return by
}

// ApplyOrder returns the order in which plans meant to be applied together
// apply, each on the repository as the ones before it leave it. Plans made
// on the same repository ([Planner.Pending], several --to) apply when no
// two edit one file: a plan that reads a file another edits goes first, as
// it was made on that file as it is (production's promotion, which reads
// staging, before staging's). Chained plans ([Planner.PendingChained]) were
// made one on top of the other and apply in their order. When no order
// works, the error names the file and the targets.
func ApplyOrder(plans []*Plan, chained bool) ([]*Plan, error) {
	if chained {
		return plans, nil
	}
	edits := func(p *Plan, file string) bool {
		return slices.ContainsFunc(p.Files, func(f FileEdit) bool { return f.Path == file })
	}
	reads := func(p *Plan, file string) bool {
		return slices.ContainsFunc(p.Inputs, func(in render.File) bool { return in.Path == file })
	}
	// before[j] lists the plans that must apply before plan j: those that
	// read a file j edits.
	before := make([][]int, len(plans))
	for j, p := range plans {
		for _, f := range p.Files {
			for i, q := range plans {
				switch {
				case i == j:
				case edits(q, f.Path):
					first, second := plans[min(i, j)], plans[max(i, j)]
					return nil, fmt.Errorf("the plans for %s and %s both edit %s: each was made on the unedited file, so they cannot be applied together; plan them one at a time", first.Target.Path, second.Target.Path, f.Path)
				case reads(q, f.Path):
					before[j] = append(before[j], i)
				}
			}
		}
	}
	done := make([]bool, len(plans))
	var out []*Plan
	for len(out) < len(plans) {
		next := -1
		for j := range plans {
			if !done[j] && !slices.ContainsFunc(before[j], func(i int) bool { return !done[i] }) {
				next = j
				break
			}
		}
		if next < 0 {
			var left []string
			for j, p := range plans {
				if !done[j] {
					left = append(left, p.Target.Path)
				}
			}
			return nil, fmt.Errorf("the plans for %s each read a file another edits: each was made on the unedited repository, so they cannot be applied together; plan them one at a time", strings.Join(left, ", "))
		}
		done[next] = true
		out = append(out, plans[next])
	}
	return out, nil
}
