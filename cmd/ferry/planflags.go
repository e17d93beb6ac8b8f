package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
)

// planFlags are the flags of a promotion request and of the planner that
// makes it, shared by plan and promote.
type planFlags struct {
	req     promote.Request
	opts    promote.Options
	blockOn []string
	regoVer string
	rf      renderFlags
	quiet   bool
}

func (p *planFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringSliceVar(&p.req.Selection.Only, "only", nil, "promote only these artifacts (names or globs; the last path segment matches too)")
	f.StringSliceVar(&p.req.Selection.Exclude, "exclude", nil, "leave these artifacts out (names or globs)")
	f.StringSliceVar(&p.req.Selection.Objects, "object", nil, "promote only the uses by these objects, KIND/NAME (globs; e.g. a canary Deployment/web-canary, one workload at a time)")
	f.BoolVar(&p.req.Rollback, "rollback", false, "allow downgrades: this promotion is a rollback")
	f.BoolVar(&p.req.AllUses, "all-uses", false, "promote an artifact wherever the target uses it, also in workloads only the target runs")
	f.BoolVar(&p.req.Ranges, "ranges", false, "promote chart versions and source refs that are ranges (>=1.0.0); without it a changed range blocks the plan")
	f.StringSliceVar(&p.blockOn, "block-on", nil, "also block on these baseline classes of errors: existing (new errors always block)")
	f.BoolVarP(&p.quiet, "quiet", "q", false, "no progress line on a terminal for plans over a second")
	f.StringVar(&p.opts.Root, "root", "", "repository root (default: nearest ancestor of the working directory with .git or ferry.yaml)")
	f.StringSliceVarP(&p.opts.Policy.Policies, "policy", "p", nil, "policies to run on the target after the edits, in place of those ferry.yaml names for it")
	f.StringSliceVarP(&p.opts.Policy.Data, "data", "d", nil, "data files for the policies, in place of those ferry.yaml names")
	f.StringSliceVarP(&p.opts.Policy.Namespaces, "namespace", "n", nil, "policy namespaces (default main)")
	f.StringVar(&p.regoVer, "rego-version", "v1", "Rego version of the policies: v1 or v0")
	p.rf.register(cmd)
}

// planner makes the planner the flags describe, with a progress line on
// the command's standard error unless --quiet; the progress is returned so
// that the caller can end its line after each plan.
func (p *planFlags) planner(cmd *cobra.Command, renders int) (*promote.Planner, *progressLine, error) {
	for _, name := range p.blockOn {
		b, err := finding.ParseBaseline(name)
		if err != nil {
			return nil, nil, fmt.Errorf("--block-on: %w", err)
		}
		p.req.BlockOn = append(p.req.BlockOn, b)
	}
	var err error
	if p.opts.Policy.RegoV0, err = regoV0(p.regoVer); err != nil {
		return nil, nil, err
	}
	// The planner adds the sources of the ferry.yaml it reads.
	if p.opts.Mode, p.opts.Flux, err = p.rf.options(""); err != nil {
		return nil, nil, err
	}
	prog := newProgress(cmd.ErrOrStderr(), p.quiet)
	if prog != nil {
		p.opts.Progress = prog.plan
	}
	planner, err := promote.NewPlanner(p.opts)
	if err != nil {
		return nil, nil, err
	}
	limitMemoryFor(planner.Root(), renders)
	return planner, prog, nil
}
