package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/policy"
	"github.com/ferrygitops/ferry/report"
)

// checkOutputs are the formats of ferry check, named as conftest names them.
var checkOutputs = []string{"stdout", "json", "tap", "table", "junit", "github", "azuredevops", "sarif"}

func newCheckCommand() *cobra.Command {
	var (
		opts        policy.Options
		outputs     []string
		env         string
		paths       pathFlags
		combine     bool
		failOnWarn  bool
		noFail      bool
		trace       bool
		regoVersion string
	)
	cmd := &cobra.Command{
		Use:   "check [PATH|-]...",
		Short: "Check manifests against Rego policies, conftest-style",
		Long: `Check rendered manifests against Rego policies: ferry's built-in promotion
rules (see "ferry policy list") and your own, written for conftest.

Directories are rendered first (a kustomization, or their YAML files as Flux
does) and every finding points at the repository line to edit; files are read
as YAML or JSON; "-" reads standard input.

Policies are those -p names; else those ferry.yaml names (its top-level
policies:, and with --env the environment's too), else ./policy. -d replaces
ferry.yaml's data: the same way. --env also sets the environment's policy
parameters and, with no PATH, checks its directory.

Rules named deny, violation and warn (with any _suffix) report messages;
exception rules waive them; an object annotation ferry.dev/waive waives a rule
with a reason ("semver-tag: vendor image; until 2027-01-31").

Exit codes, as conftest's: 0 no failures, 1 failures; with --fail-on-warn, 1
warnings and 2 failures; with --no-fail, always 0. Errors that stop the check
exit 2.`,
		Example: `  ferry check examples/shop/overlays/production
  ferry check --root examples/shop --env production -o github
  ferry check -p policy --env production -o github examples/shop/overlays/production
  kustomize build overlays/prod | ferry check --no-builtins -p policy -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("env") {
				return nil // the environment's directory by default
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := parseOutputs(outputs, checkOutputs)
			if err != nil {
				return err
			}
			if opts.RegoV0, err = regoV0(regoVersion); err != nil {
				return err
			}
			// -p and -d replace what ferry.yaml names, as conftest's flags
			// replace its configuration file's.
			repo, err := loadRepoConfig(paths.root, args, env)
			if err != nil {
				return err
			}
			if env != "" {
				opts.Params = repo.env.Policy
				if len(args) == 0 {
					args = []string{repo.envDir()}
				}
			}
			policies, data := repo.policyPaths()
			if len(opts.Policies) == 0 {
				opts.Policies = policies
			}
			if len(opts.Data) == 0 {
				opts.Data = data
			}
			if len(opts.Policies) == 0 {
				if info, err := os.Stat("policy"); err == nil && info.IsDir() {
					opts.Policies = []string{"policy"} // conftest's default
				}
			}
			if trace {
				errOut := cmd.ErrOrStderr()
				opts.Print = func(p policy.Print) {
					fmt.Fprintf(errOut, "%s: %s: %s\n", p.Location, p.Object, p.Message)
				}
			}
			ctx := cmd.Context()
			groups, renderFindings, err := inputs{paths: paths, stdin: cmd.InOrStdin()}.groups(ctx, args)
			if err != nil {
				return err
			}
			var (
				objs    []*manifest.Object
				results []policy.Result
				engine  *policy.Engine
				// what the report lists as checked
				shown  []report.Object
				checks []string
				// the findings of the policies, their paths rebased for
				// display; conftest's JSON shows results as they are
				checkFindings []finding.Finding
			)
			engines := map[string]*policy.Engine{}
			// Combined input has no group: its findings are shown from the
			// root of their object's group.
			rootOf := map[manifest.ID]string{}
			for _, g := range groups {
				objs = append(objs, g.objs...)
				shown = append(shown, reportObjects(g)...)
				for _, o := range g.objs {
					if _, ok := rootOf[o.ID()]; !ok {
						rootOf[o.ID()] = g.root
					}
				}
				key := g.root
				if g.files != nil {
					key = "\x00files named on the command line"
				}
				if engine = engines[key]; engine == nil {
					o := opts
					switch {
					case g.files != nil:
						o.Sources = g.files
					case g.root != "":
						o.Sources = os.DirFS(g.root)
					}
					if engine, err = policy.Load(ctx, o); err != nil {
						return err
					}
					engines[key] = engine
					checks = append(checks, engine.Rules()...)
				}
				if combine {
					continue
				}
				rs, err := engine.Evaluate(ctx, g.objs)
				if err != nil {
					return err
				}
				for _, r := range rs {
					checkFindings = append(checkFindings, displayPaths(g.root).Findings(r.Findings)...)
				}
				results = append(results, rs...)
			}
			if engine == nil { // every argument failed to render
				if engine, err = policy.Load(ctx, opts); err != nil {
					return err
				}
			}
			if combine {
				r, err := engine.EvaluateCombined(ctx, objs)
				if err != nil {
					return err
				}
				results = []policy.Result{r}
				checkFindings = locateCombined(r.Findings, objs, rootOf)
			}
			// Directories that cannot render are failures of the check; the
			// other findings of rendering (a dependsOn without its
			// Kustomization, say) are notes on standard error, as before.
			renderErrors := slices.DeleteFunc(slices.Clone(renderFindings), func(f finding.Finding) bool { return f.Rule != renderErrorRule })
			printFindings(cmd.ErrOrStderr(), slices.DeleteFunc(renderFindings, func(f finding.Finding) bool { return f.Rule == renderErrorRule }))
			if hasFormat(outs, "json") { // conftest's JSON has no place for them
				printFindings(cmd.ErrOrStderr(), renderErrors)
			}
			findings := append(renderErrors, checkFindings...)
			finding.Sort(findings)
			slices.Sort(checks)
			r := report.Report{Tool: "ferry check", Checked: len(objs), Findings: findings, Objects: shown, Checks: slices.Compact(checks), Input: inputName(args)}
			err = writeOutputs(cmd.OutOrStdout(), outs, func(w io.Writer, format string) error {
				switch format {
				case "json":
					return report.WriteConftestJSON(w, results, engine.Rule)
				case "stdout":
					return report.Write(w, "text", r)
				}
				return report.Write(w, format, r)
			})
			if err != nil {
				return err
			}
			return checkOutcome(finding.Count(findings), failOnWarn, noFail)
		},
	}
	f := cmd.Flags()
	f.StringSliceVarP(&opts.Policies, "policy", "p", nil, "policy files or directories, in place of those ferry.yaml names (default: ferry.yaml's, else ./policy if it exists)")
	f.StringSliceVarP(&opts.Namespaces, "namespace", "n", []string{"main"}, "namespaces (packages) whose rules run; globs allowed")
	f.BoolVar(&opts.AllNamespaces, "all-namespaces", false, "run the rules of every namespace")
	f.StringSliceVarP(&opts.Data, "data", "d", nil, "JSON or YAML data files or directories, loaded under data, in place of those ferry.yaml names")
	f.BoolVar(&combine, "combine", false, "evaluate all objects as one input, as conftest --combine")
	f.BoolVar(&failOnWarn, "fail-on-warn", false, "exit 1 on warnings and 2 on failures")
	f.BoolVar(&noFail, "no-fail", false, "always exit 0 when the check ran")
	f.BoolVar(&trace, "trace", false, "print the output of print() calls in policies to stderr")
	f.StringArrayVarP(&outputs, "output", "o", []string{"stdout"}, "output format, or FORMAT=FILE to write it to a file (repeatable, at most one to standard output): "+strings.Join(checkOutputs, ", "))
	f.StringVar(&env, "env", "", "environment (from ferry.yaml) whose policies, data and parameters apply; with no PATH, its directory is checked")
	f.BoolVar(&opts.NoBuiltins, "no-builtins", false, "leave ferry's built-in rules out")
	f.StringSliceVar(&opts.Builtins, "builtin", nil, "run only these built-in rules (default: all)")
	f.StringVar(&regoVersion, "rego-version", "v1", "Rego version of the policies: v1 or v0")
	f.BoolVar(&opts.AllowNetwork, "allow-network", false, "let policies use http.send and net.lookup_ip_addr")
	f.DurationVar(&opts.Timeout, "timeout", policy.DefaultTimeout, "bound on one evaluation")
	paths.register(cmd)
	return cmd
}

// locateCombined returns the findings of combined input for display: those
// that name an object but no file point at the file that defines the
// object, and their paths are shown from the root of the object's group.
func locateCombined(fs []finding.Finding, objs []*manifest.Object, rootOf map[manifest.ID]string) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	origin := map[manifest.ID]manifest.Origin{}
	for _, o := range objs {
		if _, ok := origin[o.ID()]; !ok {
			origin[o.ID()] = o.Origin()
		}
	}
	for i, f := range fs {
		out[i] = f
		if f.Object.Kind == "" {
			continue
		}
		if f.Source.File == "" {
			f.Source = origin[f.Object]
		}
		out[i] = displayPaths(rootOf[f.Object]).Findings([]finding.Finding{f})[0]
	}
	return out
}

// checkOutcome maps the tally to conftest's exit codes.
func checkOutcome(c finding.Counts, failOnWarn, noFail bool) error {
	summary := fmt.Sprintf("%d failures, %d warnings, %d waived", c.Errors, c.Warnings, c.Waived)
	switch {
	case noFail:
		return nil
	case failOnWarn && c.Errors > 0:
		return &findingsError{summary: summary, code: 2}
	case c.Errors > 0 || (failOnWarn && c.Warnings > 0):
		return &findingsError{summary: summary, code: 1}
	}
	return nil
}
