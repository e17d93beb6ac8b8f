package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

func newCloneCommand() *cobra.Command {
	var (
		opts    promote.Options
		req     promote.CloneRequest
		sets    []string
		outputs []string
		out     string
		apply   bool
		blockOn []string
		rf      renderFlags
	)
	cmd := &cobra.Command{
		Use:   "clone --from ENV --to DIR",
		Short: "Plan a new cluster's folder as a copy of an existing one, verified against its Kubernetes version",
		Long: `Plan the creation of a new environment's folder (a new cluster, when
production moves to one) as a copy of the source's own files: never the
bases and shared folders they refer to, which the copy refers to as the
source does. Wherever a copied file names the source's folder (a Flux
Kustomization's spec.path) it names the new one; --set gives the new
cluster's values for the Flux post-build substitution variables the source
sets (spec.postBuild.substitute, or a ConfigMap in the folder that a
spec.postBuild.substituteFrom names).

The copy is verified like any plan: rendered, validated against the new
cluster's Kubernetes version (--kubernetes-version, else the version
ferry.yaml gives the new environment, else the source's), where an API that
version removes is an error naming its replacement, and checked by the
environment's policies. --apply (or ferry apply with --out) creates the
folder, all files or none; a second clone is a noop. A folder that exists
with anything else is refused: promote into it with ferry plan instead.

Exit codes: 0 ready or nothing to do, 1 blocked, 2 could not plan.`,
		Example: `  ferry clone --root examples/shop --from clusters/production --to clusters/production-eu-2 --set cluster_env=production-eu-2
  ferry clone --from clusters/prod-eu-1 --to clusters/prod-eu-2 --kubernetes-version 1.34 --out clone.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			outs, err := parseOutputs(outputs, report.PlanFormats)
			if err != nil {
				return err
			}
			req.Set = map[string]string{}
			for _, s := range sets {
				k, v, ok := strings.Cut(s, "=")
				if !ok || k == "" {
					return fmt.Errorf("--set %q: write KEY=VALUE, e.g. cluster_name=prod-eu-2", s)
				}
				req.Set[k] = v
			}
			for _, name := range blockOn {
				b, err := finding.ParseBaseline(name)
				if err != nil {
					return fmt.Errorf("--block-on: %w", err)
				}
				req.BlockOn = append(req.BlockOn, b)
			}
			if opts.Mode, opts.Flux, err = rf.options(""); err != nil {
				return err
			}
			planner, err := promote.NewPlanner(opts)
			if err != nil {
				return err
			}
			plan, err := planner.Clone(cmd.Context(), req)
			if err != nil {
				return err
			}
			if out != "" {
				data, err := json.MarshalIndent(plan, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
					return err
				}
			}
			shown := displayPaths(planner.Root()).Plan(plan)
			err = writeOutputs(cmd.OutOrStdout(), outs, func(w io.Writer, format string) error {
				if format == "json" {
					return report.WritePlan(w, format, plan)
				}
				return report.WritePlan(w, format, shown)
			})
			if err != nil {
				return err
			}
			if plan.Verdict.Status == promote.StatusBlocked {
				return &findingsError{summary: "the clone is blocked: " + strings.Join(plan.Verdict.Reasons, "; ")}
			}
			if apply && plan.Verdict.Status == promote.StatusReady {
				applied, err := plan.Apply(cmd.Context(), planner.Root())
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "created %s: %d files\n", plan.Target.Path, len(applied.Written))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.From, "from", "", "environment to copy (name in ferry.yaml, or directory)")
	f.StringVar(&req.To, "to", "", "the new environment's directory (or its name in ferry.yaml)")
	f.StringArrayVar(&sets, "set", nil, "a value of the new cluster, KEY=VALUE, for a post-build substitution variable the source sets (repeatable)")
	f.StringVar(&req.KubernetesVersion, "kubernetes-version", "", "the new cluster's Kubernetes version (default: ferry.yaml's for the new environment, else the source's)")
	f.StringSliceVar(&blockOn, "block-on", nil, "also block on these baseline classes of errors: existing (new errors always block)")
	f.StringArrayVarP(&outputs, "output", "o", []string{"text"}, "output format, or FORMAT=FILE to write it to a file (repeatable, at most one to standard output): "+strings.Join(report.PlanFormats, ", "))
	f.StringVar(&out, "out", "", "also write the plan as JSON to this file, for ferry apply")
	f.BoolVar(&apply, "apply", false, "create the folder when the plan is ready")
	f.StringVar(&opts.Root, "root", "", "repository root (default: nearest ancestor of the working directory with .git or ferry.yaml)")
	f.StringSliceVarP(&opts.Policy.Policies, "policy", "p", nil, "policies to run on the new environment")
	f.StringSliceVarP(&opts.Policy.Data, "data", "d", nil, "data files for the policies")
	rf.register(cmd)
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
