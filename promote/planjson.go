package promote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

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
		return []*Plan{p}, nil
	}
	var l PlanList
	if err := decodeStrict(data, &l); err != nil {
		return nil, err
	}
	if l.APIVersion != PlanAPIVersion {
		return nil, fmt.Errorf("read plan: %w: want apiVersion %s, got %q", ErrMalformedPlan, PlanAPIVersion, l.APIVersion)
	}
	if len(l.Items) == 0 {
		return nil, fmt.Errorf("read plan: %w: the list holds no plan", ErrMalformedPlan)
	}
	for i, p := range l.Items {
		if p == nil || p.APIVersion != PlanAPIVersion || p.Kind != PlanKind {
			return nil, fmt.Errorf("read plan: %w: item %d is not a %s %s", ErrMalformedPlan, i, PlanAPIVersion, PlanKind)
		}
	}
	return l.Items, nil
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
