package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/imagepolicy"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

func newPlanCommand() *cobra.Command {
	var (
		pf           planFlags
		outputs      []string
		out          string
		apply        bool
		targets      []string
		all          bool
		chain        bool
		fromRegistry bool
	)
	cmd := &cobra.Command{
		Use:   "plan [--from ENV] --to ENV [--to ENV...] | --all | --to ENV --from-registry",
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

--all plans every promotion ferry.yaml's from: graph defines whose target
lags its source, in the graph's order, each on the repository as it is
(production takes what staging runs now, not what staging's own promotion
will bring): one document, a PlanList whose upToDate lists the promotions
with nothing to do. With --apply (or ferry apply), a plan that reads a file
another edits applies first (production's before staging's). --chain plans
each promotion on the repository as the ready ones before it leave it
(production takes what staging will run); such plans apply in their order.

--from-registry takes the versions from the registry instead of a source
environment: for each image a Flux ImagePolicy of the target governs, the
newest tag the policy allows (semver ranges, alphabetical and numerical
order, filterTags with extract, the ImageRepository's exclusionList,
digestReflectionPolicy), listed with the Docker config's credentials or
anonymously. Prereleases are taken where the range names one or the
environment allows them (allowPrerelease). A registry that cannot be read
is an error naming the image and the registry. See docs/pipeline.md.

Exit codes: 0 ready or nothing to do, 1 blocked (any plan, with several
targets), 2 could not plan (also when an --only, --exclude or --object
pattern matches nothing).`,
		Example: `  ferry plan --root examples/shop --from staging --to production
  ferry plan --from staging --to production -o markdown > comment.md
  ferry plan --from staging --to production -o markdown=comment.md -o sarif=plan.sarif -o github
  ferry plan --from staging --to production --out plan.json && ferry apply plan.json
  ferry plan --from production --to staging --rollback --only orders-api
  ferry plan --from staging --to production --block-on existing -o sarif > plan.sarif
  ferry plan --root examples/shop --from clusters/staging --to clusters/production
  ferry plan --from staging --to production-eu --to production-us
  ferry plan --root examples/pipeline --all
  ferry plan --root examples/pipeline --to dev --from-registry`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			outs, err := parseOutputs(outputs, report.PlanFormats)
			if err != nil {
				return err
			}
			switch {
			case all && (len(targets) > 0 || pf.req.From != "" || fromRegistry):
				return fmt.Errorf("--all plans every promotion ferry.yaml defines: leave out --from, --to and --from-registry")
			case chain && !all:
				return fmt.Errorf("--chain chains the promotions of --all: give --all too")
			case !all && (len(targets) == 0 || slices.Contains(targets, "")):
				return fmt.Errorf("--to: give the target environment (an empty name plans nothing), or --all")
			case fromRegistry && pf.req.From != "":
				return fmt.Errorf("--from-registry takes the versions from the registry: leave out --from")
			}
			planner, progress, err := pf.planner(cmd, 3)
			if err != nil {
				return err
			}
			var plans []*promote.Plan
			var list *promote.PlanList
			if all {
				pending := planner.Pending
				if chain {
					pending = planner.PendingChained
				}
				if list, err = pending(cmd.Context(), pf.req); err != nil {
					return err
				}
				progress.done()
				plans = list.Items
			}
			// One plan per target, each made on the repository as it is.
			for _, to := range targets {
				r := pf.req
				r.To = to
				if fromRegistry {
					r.Versions = imagepolicy.Source{}
				}
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
			ordered, orderErr := promote.ApplyOrder(plans, list != nil && list.Chained)
			if orderErr != nil && (out != "" || apply) {
				return orderErr
			}
			if out != "" {
				var doc any
				switch {
				case list != nil:
					doc = list
				case len(plans) == 1:
					doc = plans[0]
				default:
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
			// Reports show paths from the working directory; the JSON plan,
			// which ferry apply reads, keeps them relative to the root.
			paths := displayPaths(planner.Root())
			shown := make([]*promote.Plan, len(plans))
			for i, p := range plans {
				shown[i] = paths.Plan(p)
			}
			err = writeOutputs(cmd.OutOrStdout(), outs, func(w io.Writer, format string) error {
				if list != nil {
					pending := *list
					if format != "json" {
						pending.Items = shown
					}
					return report.WritePending(w, format, &pending)
				}
				if format == "json" {
					return report.WritePlans(w, format, plans)
				}
				return report.WritePlans(w, format, shown)
			})
			if err != nil {
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
				for _, plan := range ordered {
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
	pf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&pf.req.From, "from", "", "source environment (name in ferry.yaml, or directory; default: the target's from: in ferry.yaml)")
	f.StringSliceVar(&targets, "to", nil, "target environment (name in ferry.yaml, or directory); repeat it (or give a comma-separated list) for one plan per target, in one document")
	f.BoolVar(&all, "all", false, "plan every promotion of ferry.yaml whose target lags its source")
	f.BoolVar(&chain, "chain", false, "with --all, plan each promotion on the repository as the ready ones before it leave it (production takes what staging will run)")
	f.BoolVar(&fromRegistry, "from-registry", false, "take the versions from the registry: the newest tag each Flux ImagePolicy of the target allows")
	f.StringArrayVarP(&outputs, "output", "o", []string{"text"}, "output format, or FORMAT=FILE to write it to a file (repeatable, at most one to standard output): "+strings.Join(report.PlanFormats, ", "))
	f.StringVar(&out, "out", "", "also write the plan as JSON to this file, for ferry apply")
	f.BoolVar(&apply, "apply", false, "apply the plan when it is ready")
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
A list of plans (ferry plan --to a --to b --out, or --all) is applied plan
by plan, each all files or none: a plan that reads a file another edits
first, chained plans (--all --chain) in their order; plans that edit the
same file are refused.

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
			list, err := promote.ReadPlanList(f)
			_ = f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			plans, err := promote.ApplyOrder(list.Items, list.Chained)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
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
		opts    promote.Options
		output  string
		pending bool
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which version of every artifact each environment runs",
		Long: `Show which version of every artifact each environment runs; with --pending,
plan every promotion of ferry.yaml (as ferry plan --all) and print one line
per promotion: its verdict and what it would change.`,
		Example: `  ferry status --root examples/shop
  ferry status -o markdown
  ferry status --root examples/pipeline --pending`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(output, report.StatusFormats); err != nil {
				return err
			}
			planner, err := promote.NewPlanner(opts)
			if err != nil {
				return err
			}
			if pending {
				list, err := planner.Pending(cmd.Context(), promote.Request{})
				if err != nil {
					return err
				}
				return report.WritePendingSummary(cmd.OutOrStdout(), output, list)
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
	cmd.Flags().BoolVar(&pending, "pending", false, "plan every promotion of ferry.yaml and show each one's verdict and changes")
	return cmd
}
