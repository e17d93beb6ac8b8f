package promote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing/fstest"
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
	return p.pending(ctx, req, false)
}

// PendingChained plans like Pending, but each promotion on the repository
// as the ready promotions before it in the graph leave it: production
// takes what staging will run once its own promotion is applied. The list
// is Chained: its plans apply in order, each on top of the one before.
// Only ready plans chain; a blocked one leaves the repository as it is for
// the promotions after it.
func (p *Planner) PendingChained(ctx context.Context, req Request) (*PlanList, error) {
	return p.pending(ctx, req, true)
}

func (p *Planner) pending(ctx context.Context, req Request, chain bool) (*PlanList, error) {
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
	list.Chained = chain
	planner := p
	edited := fstest.MapFS{} // the ready plans' files, when chaining
	for _, e := range edges {
		r := req
		r.From, r.To = e.From, e.To
		plan, err := planner.Plan(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("promotion %s -> %s: %w", e.From, e.To, err)
		}
		if chain && plan.Verdict.Status == StatusReady {
			// The next promotions see this one applied.
			files, err := plan.Edited(ctx, planner.fsys)
			if err != nil {
				return nil, fmt.Errorf("promotion %s -> %s: %w", e.From, e.To, err)
			}
			edited = maps.Clone(edited)
			for name, data := range files {
				edited[name] = &fstest.MapFile{Data: data, Mode: 0o644}
			}
			opts := p.opts
			opts.FS, opts.Config = overlay{base: p.fsys, files: edited}, p.cfg
			if planner, err = NewPlanner(opts); err != nil {
				return nil, err
			}
		}
		if plan.Verdict.Status == StatusNoop {
			list.UpToDate = append(list.UpToDate, e)
			continue
		}
		list.Items = append(list.Items, plan)
	}
	return list, nil
}
