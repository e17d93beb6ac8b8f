package promote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxPlanSize bounds the plan JSON [ReadPlan] reads.
const MaxPlanSize = 64 << 20

// ReadPlan reads a plan written as JSON (ferry plan --out), strictly: a
// field ferry does not know, trailing data, a plan larger than MaxPlanSize
// or of another apiVersion or kind is refused. The plan's content is
// checked by [Plan.Apply], which refuses anything ferry plan could not have
// written before it touches the repository.
func ReadPlan(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlanSize+1))
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if len(data) > MaxPlanSize {
		return nil, fmt.Errorf("read plan: %w: larger than %d MiB", ErrMalformedPlan, MaxPlanSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("read plan: %w: not a plan: %w", ErrMalformedPlan, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read plan: %w: trailing data after the plan", ErrMalformedPlan)
	}
	if p.APIVersion != PlanAPIVersion || p.Kind != PlanKind {
		return nil, fmt.Errorf("read plan: %w: want apiVersion %s and kind %s, got %q and %q", ErrMalformedPlan, PlanAPIVersion, PlanKind, p.APIVersion, p.Kind)
	}
	return &p, nil
}
