package promote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// Edge is one promotion ferry.yaml defines: From is promoted into To.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Edges returns the promotions the configuration defines, one per
// environment with a from:, in the graph's order: the promotion into an
// environment comes before the promotions out of it; ties keep the file's
// order (several clusters of one stage, one source fanned out).
func (c *Config) Edges() []Edge {
	depth := map[string]int{}
	var depthOf func(name string, hops int) int
	depthOf = func(name string, hops int) int {
		if d, ok := depth[name]; ok {
			return d
		}
		e, ok := c.Environment(name)
		if !ok || e.From == "" || hops > len(c.Environments) { // ParseConfig refuses cycles
			return 0
		}
		d := depthOf(e.From, hops+1) + 1
		depth[name] = d
		return d
	}
	type ranked struct {
		Edge
		depth, index int
	}
	var edges []ranked
	for i, e := range c.Environments {
		if e.From != "" {
			edges = append(edges, ranked{Edge{From: e.From, To: e.Name}, depthOf(e.Name, 0), i})
		}
	}
	slices.SortStableFunc(edges, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.depth, b.depth), cmp.Compare(a.index, b.index))
	})
	out := make([]Edge, len(edges))
	for i, e := range edges {
		out[i] = e.Edge
	}
	return out
}

// ErrNoPromotions is returned by Pending when ferry.yaml defines no
// promotion (no environment has a from:).
var ErrNoPromotions = errors.New("ferry.yaml defines no promotion: give environments a from: (ferry init writes one)")

// Pending plans every promotion ferry.yaml defines, in the graph's order,
// each on the repository as it is: production takes what staging runs
// now, not what staging would run after its own promotion. The list holds
// the plans of the promotions whose target lags its source (every plan
// that is not noop, blocked ones included); UpToDate names the others.
// req's From and To are ignored; its other fields apply to every plan.
func (p *Planner) Pending(ctx context.Context, req Request) (*PlanList, error) {
	if p.discovered {
		// Discovery guesses environments, never the promotions between them.
		return nil, fmt.Errorf("no %s: %w", ConfigFile, ErrNoPromotions)
	}
	edges := p.cfg.Edges()
	if len(edges) == 0 {
		return nil, ErrNoPromotions
	}
	list := NewPlanList(nil)
	list.Items = []*Plan{}
	for _, e := range edges {
		r := req
		r.From, r.To = e.From, e.To
		plan, err := p.Plan(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("promotion %s -> %s: %w", e.From, e.To, err)
		}
		if plan.Verdict.Status == StatusNoop {
			list.UpToDate = append(list.UpToDate, e)
			continue
		}
		list.Items = append(list.Items, plan)
	}
	return list, nil
}
