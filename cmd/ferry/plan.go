package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

func newPlanCommand() *cobra.Command {
	var (
		req     promote.Request
		opts    promote.Options
		output  string
		out     string
		apply   bool
		regoVer string
		blockOn []string
		rf      renderFlags
		targets []string
		quiet   bool
	)
	cmd := &cobra.Command{
		Use:   "plan [--from ENV] --to ENV [--to ENV...]",
		Short: "Plan a promotion from one environment to the next, verified before anything is written",
		Long: `Plan the promotion of the versions the source environment runs into the
target environment: which images, chart versions and source refs change, the
smallest edits to the target's own files (an images: entry, a literal in a
target file, or an override in the target's kustomization when the version is
pinned only in a base other environments share), the diff, and every check
run on the target as it would be after the edits.

Environments are the names in ferry.yaml, or directories of the repository.
A Flux cluster folder (clusters/<env>) is rendered by following its Flux
Kustomizations (see ferry render); a version set by a postBuild.substitute
variable or a Kustomization's spec.images entry is edited there. A cluster
folder not listed in ferry.yaml takes the settings of the environment whose
directory its Kustomizations apply.

An image is one artifact however it is spelt (busybox, library/busybox and
docker.io/library/busybox); edits keep the target's spelling. A target's use
of an image takes the version of the source's use by the same workload (kind
and name, the environments' namespaces and namePrefix/nameSuffix aside) and
container. Uses by workloads only the target runs are left alone and listed
as only-in-target; --all-uses promotes them too, to the source's one version.
When the source pins one image at several versions for those workloads (a
canary on a newer tag), the plan is blocked [ambiguous]: promote one
workload at a time with --object KIND/NAME.

A plan is never "nothing to do" while something is unknown: a Flux
Kustomization whose source ferry cannot map to the repository blocks it
[unrendered-source] until the source is mapped (ferry.yaml sources, or
--source) or the Kustomization waives the rule with a reason.

The target is checked before the edits too, and every finding is new (the
promotion causes it), existing (the target had it before) or fixed (gone
after the edits). Only new errors block, unless --block-on existing or the
environment's blockOn in ferry.yaml says existing ones block too.
Several targets (--to a --to b) give one plan per target, each made on the
repository as it is, from --from or each target's own from:, in one document
(a PlanList in JSON). With --out or --apply, plans that edit the same file
are refused: plan those targets one at a time.

Exit codes: 0 ready or nothing to do, 1 blocked (any plan, with several
targets), 2 could not plan (also when an --only, --exclude or --object
pattern matches nothing).`,
		Example: `  ferry plan --root examples/shop --from staging --to production
  ferry plan --from staging --to production -o markdown > comment.md
  ferry plan --from staging --to production --out plan.json && ferry apply plan.json
  ferry plan --from production --to staging --rollback --only orders-api
  ferry plan --from staging --to production --block-on existing -o sarif > plan.sarif
  ferry plan --root examples/shop --from clusters/staging --to clusters/production
  ferry plan --from staging --to production-eu --to production-us`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(output, report.PlanFormats); err != nil {
				return err
			}
			for _, name := range blockOn {
				b, err := finding.ParseBaseline(name)
				if err != nil {
					return fmt.Errorf("--block-on: %w", err)
				}
				req.BlockOn = append(req.BlockOn, b)
			}
			var err error
			if opts.Policy.RegoV0, err = regoV0(regoVer); err != nil {
				return err
			}
			// The planner adds the sources of the ferry.yaml it reads.
			if opts.Mode, opts.Flux, err = rf.options(""); err != nil {
				return err
			}
			progress := newProgress(cmd.ErrOrStderr(), quiet)
			if progress != nil {
				opts.Progress = progress.plan
			}
			planner, err := promote.NewPlanner(opts)
			if err != nil {
				return err
			}
			limitMemoryFor(planner.Root(), 3)
			if len(targets) == 0 || slices.Contains(targets, "") {
				return fmt.Errorf("--to: give the target environment (an empty name plans nothing)")
			}
			// One plan per target, each made on the repository as it is.
			var plans []*promote.Plan
			for _, to := range targets {
				r := req
				r.To = to
				plan, err := planner.Plan(cmd.Context(), r)
				progress.done()
				if err != nil {
					if len(targets) > 1 {
						return fmt.Errorf("--to %s: %w", to, err)
					}
					return err
				}
				plans = append(plans, plan)
			}
			if conflicts := promote.Conflicts(plans); len(conflicts) > 0 && (out != "" || apply) {
				files := slices.Sorted(maps.Keys(conflicts))
				return fmt.Errorf("the plans for %s all edit %s: each was made on the unedited repository, so they cannot be applied together; plan those targets one at a time", strings.Join(conflicts[files[0]], ", "), strings.Join(files, ", "))
			}
			if out != "" {
				var doc any = plans[0]
				if len(plans) > 1 {
					doc = promote.NewPlanList(plans)
				}
				data, err := json.MarshalIndent(doc, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
					return err
				}
			}
			if err := report.WritePlans(cmd.OutOrStdout(), output, plans); err != nil {
				return err
			}
			var blocked []string
			for _, plan := range plans {
				if plan.Verdict.Status == promote.StatusBlocked {
					blocked = append(blocked, plan.Verdict.Reasons...)
				}
			}
			if len(blocked) > 0 {
				return &findingsError{summary: "the promotion is blocked: " + strings.Join(blocked, "; ")}
			}
			if apply {
				for _, plan := range plans {
					if plan.Verdict.Status != promote.StatusReady {
						continue
					}
					applied, err := plan.Apply(cmd.Context(), planner.Root())
					if err != nil {
						return err
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "applied to %s: %d files written, %d already up to date\n", plan.Target.Name, len(applied.Written), len(applied.Unchanged))
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.From, "from", "", "source environment (name in ferry.yaml, or directory; default: the target's from: in ferry.yaml)")
	f.StringSliceVar(&targets, "to", nil, "target environment (name in ferry.yaml, or directory); repeat it (or give a comma-separated list) for one plan per target, in one document")
	f.StringSliceVar(&req.Selection.Only, "only", nil, "promote only these artifacts (names or globs; the last path segment matches too)")
	f.StringSliceVar(&req.Selection.Exclude, "exclude", nil, "leave these artifacts out (names or globs)")
	f.StringSliceVar(&req.Selection.Objects, "object", nil, "promote only the uses by these objects, KIND/NAME (globs; e.g. a canary Deployment/web-canary, one workload at a time)")
	f.BoolVar(&req.Rollback, "rollback", false, "allow downgrades: this promotion is a rollback")
	f.BoolVar(&req.AllUses, "all-uses", false, "promote an artifact wherever the target uses it, also in workloads only the target runs")
	f.BoolVar(&req.Ranges, "ranges", false, "promote chart versions and source refs that are ranges (>=1.0.0); without it a changed range blocks the plan")
	f.StringSliceVar(&blockOn, "block-on", nil, "also block on these baseline classes of errors: existing (new errors always block)")
	f.StringVarP(&output, "output", "o", "text", "output format: "+strings.Join(report.PlanFormats, ", "))
	f.StringVar(&out, "out", "", "also write the plan as JSON to this file, for ferry apply")
	f.BoolVar(&apply, "apply", false, "apply the plan when it is ready")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress line on a terminal for plans over a second")
	f.StringVar(&opts.Root, "root", "", "repository root (default: nearest ancestor of the working directory with .git or ferry.yaml)")
	f.StringSliceVarP(&opts.Policy.Policies, "policy", "p", nil, "policies to run on the target after the edits, in place of those ferry.yaml names for it")
	f.StringSliceVarP(&opts.Policy.Data, "data", "d", nil, "data files for the policies, in place of those ferry.yaml names")
	f.StringSliceVarP(&opts.Policy.Namespaces, "namespace", "n", nil, "policy namespaces (default main)")
	f.StringVar(&regoVer, "rego-version", "v1", "Rego version of the policies: v1 or v0")
	rf.register(cmd)
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func newApplyCommand() *cobra.Command {
	var root string
	cmd := &cobra.Command{
		Use:   "apply PLAN.json",
		Short: "Apply a plan made by ferry plan --out, all files or none",
		Long: `Apply a plan: write its edits into the repository, all files or none. A file
that changed since the plan was made is refused (plan again); a file that
already holds the planned result is left alone, so applying twice is safe.
A list of plans (ferry plan --to a --to b --out) is applied plan by plan,
each all files or none; plans that edit the same file are refused.

Before writing anything, apply refuses a plan that ferry plan could not have
written: inputs, files or edits missing, null or listed twice; a file the
plan never read, under .git, outside the root, behind a symlink, read-only,
or in the source environment's directory. Each file is replaced atomically
(temporary file, fsync, rename), so a killed apply leaves every file entirely
old or entirely new; apply again to finish. One apply at a time: a lock file
(.git/ferry-apply.lock, or .ferry-apply.lock without a .git directory) is
held while it runs and removed after; a second apply fails saying so.
See docs/security.md.`,
		Example: `  ferry apply plan.json
  ferry apply --root examples/shop plan.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			plans, err := promote.ReadPlans(f)
			_ = f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if conflicts := promote.Conflicts(plans); len(conflicts) > 0 {
				files := slices.Sorted(maps.Keys(conflicts))
				return fmt.Errorf("%s: the plans for %s all edit %s, and cannot be applied together; plan those targets one at a time", args[0], strings.Join(conflicts[files[0]], ", "), strings.Join(files, ", "))
			}
			if root == "" {
				planner, err := promote.NewPlanner(promote.Options{})
				if err != nil {
					return err
				}
				root = planner.Root()
			}
			for _, plan := range plans {
				applied, err := plan.Apply(cmd.Context(), root)
				if err != nil {
					if len(plans) > 1 {
						return fmt.Errorf("plan for %s: %w", plan.Target.Name, err)
					}
					return err
				}
				for _, f := range applied.Written {
					fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", f)
				}
				for _, f := range applied.Unchanged {
					fmt.Fprintf(cmd.OutOrStdout(), "already up to date: %s\n", f)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", "", "repository root (default: nearest ancestor of the working directory with .git or ferry.yaml)")
	return cmd
}

func newStatusCommand() *cobra.Command {
	var (
		opts   promote.Options
		output string
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which version of every artifact each environment runs",
		Example: `  ferry status --root examples/shop
  ferry status -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(output, report.StatusFormats); err != nil {
				return err
			}
			planner, err := promote.NewPlanner(opts)
			if err != nil {
				return err
			}
			m, err := planner.Status(cmd.Context())
			if err != nil {
				return err
			}
			return report.WriteStatus(cmd.OutOrStdout(), output, m)
		},
	}
	cmd.Flags().StringVar(&opts.Root, "root", "", "repository root (default: nearest ancestor of the working directory with .git or ferry.yaml)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: "+strings.Join(report.StatusFormats, ", "))
	return cmd
}
