package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/report"
	"github.com/ferrygitops/ferry/validate"
)

func newValidateCommand() *cobra.Command {
	var (
		opts       validate.Options
		strict     bool
		crdPaths   []string
		outputs    []string
		summary    bool
		failOnWarn bool
		duplicates bool
		paths      pathFlags
		listOnly   bool
		toolchain  bool
		env        string
	)
	cmd := &cobra.Command{
		Use:   "validate [DIR|FILE|-]...",
		Short: "Validate manifests against Kubernetes schemas, offline, as kubeconform -strict",
		Long: `Validate rendered manifests against the JSON schemas of the target Kubernetes
version, offline, as kubeconform -strict does, and check what kubeconform
does not: apiVersions removed in or deprecated by that version (with their
replacement), object names, labels and annotations as the API server checks
them, and objects defined twice for the same cluster (Flux Kustomizations
with spec.kubeConfig apply to other clusters), in one environment or, for
files, in one file.

Directories are rendered first (a kustomization, or their YAML files as Flux
does) and each is validated as one environment; a directory that cannot
render is reported as a render-error and the others are still validated.
Files are read as YAML or JSON and validated together; "-", or no argument,
reads standard input. --env names an environment of ferry.yaml: its
kubernetesVersion applies (unless --kubernetes-version), and with no path its
directory is validated. Input without any object fails (exit 1).
Findings point at the repository file and line to edit.

Schemas of the built-in kinds of Kubernetes {versions} are embedded.
Custom resources are checked against the CustomResourceDefinitions among the
manifests and those given with --crd, else against the embedded CRDs of the
GitOps toolchain (Flux, Flagger, Argo Rollouts, Argo CD, cert-manager,
External Secrets, Prometheus Operator, Gateway API, Kyverno), which
--list-schemas shows. Nothing is fetched from the network
unless --allow-network lets a --schema-location be an http(s) URL.

Exit codes: 0 valid (warnings, such as deprecations, included unless
--fail-on-warn), 1 invalid, 2 could not run.`,
		Example: `  ferry validate examples/shop/overlays/production
  ferry validate --kubernetes-version 1.29 -o github overlays/production
  ferry validate --root examples/shop --env production
  ferry validate --crd crds/ clusters/production
  kustomize build overlays/prod | ferry validate -o json -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if listOnly {
				return listSchemas(cmd.OutOrStdout(), outputs[0])
			}
			outs, err := parseOutputs(outputs, report.Formats())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			opts.Lax = !strict
			opts.NoToolchainSchemas = !toolchain
			if len(crdPaths) > 0 {
				crds, err := validate.LoadCRDs(ctx, crdPaths...)
				if err != nil {
					return err
				}
				opts.CRDs = crds
			}
			if env != "" {
				repo, err := loadRepoConfig(paths.root, args, env)
				if err != nil {
					return err
				}
				if !cmd.Flags().Changed("kubernetes-version") {
					opts.KubernetesVersion = repo.env.KubernetesVersion
				}
				if len(args) == 0 {
					args = []string{repo.envDir()}
				}
			}
			if len(args) == 0 {
				args = []string{"-"}
			}
			groups, findings, err := inputs{paths: paths, stdin: cmd.InOrStdin(), decodeFinding: validate.DecodeFinding}.groups(ctx, args)
			if err != nil {
				return err
			}
			validators := map[string]*validate.Validator{}
			r := report.Report{Tool: "ferry validate", Input: inputName(args)}
			for _, g := range groups {
				key := g.root
				if g.files != nil {
					key = "\x00files named on the command line"
				}
				v, ok := validators[key]
				if !ok {
					o := opts
					switch {
					case !duplicates:
						o.Duplicates = validate.DuplicatesOff
					case g.files != nil:
						o.Duplicates = validate.DuplicatesPerFile
					}
					switch {
					case g.files != nil:
						o.Sources = g.files
					case g.root != "":
						o.Sources = os.DirFS(g.root)
					}
					if v, err = validate.New(o); err != nil {
						return err
					}
					validators[key] = v
				}
				fs, err := v.Validate(ctx, g.objs)
				if err != nil {
					return err
				}
				findings = append(findings, displayPaths(g.root).Findings(fs)...)
				r.Checked += len(g.objs)
				r.Objects = append(r.Objects, reportObjects(g)...)
				if r.Checks == nil {
					r.Checks = v.Rules()
				}
			}
			r.Findings = findings
			if err := writeOutputs(cmd.OutOrStdout(), outs, func(w io.Writer, format string) error { return report.Write(w, format, r) }); err != nil {
				return err
			}
			return validateOutcome(cmd.ErrOrStderr(), r, summary && stdoutFormat(outs) != "text", failOnWarn)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.KubernetesVersion, "kubernetes-version", "", "Kubernetes version to validate for, such as 1.33 (default: --env's kubernetesVersion, else the newest embedded version)")
	f.StringVar(&env, "env", "", "environment (from ferry.yaml) whose kubernetesVersion applies; with no path, its directory is validated")
	f.BoolVar(&strict, "strict", true, "reject fields the schemas do not declare (--strict=false accepts them)")
	f.StringSliceVar(&opts.SchemaLocations, "schema-location", nil, "extra schemas: a directory or a kubeconform path template (repeatable)")
	f.BoolVar(&opts.AllowNetwork, "allow-network", false, "allow http(s) schema locations")
	f.StringSliceVar(&crdPaths, "crd", nil, "CustomResourceDefinition files or directories whose schemas apply (repeatable)")
	f.StringSliceVar(&opts.SkipKinds, "skip", nil, "kinds to skip, as Kind or apiVersion/Kind (comma-separated)")
	f.StringSliceVar(&opts.RejectKinds, "reject", nil, "kinds to reject, as Kind or apiVersion/Kind (comma-separated)")
	f.BoolVar(&opts.IgnoreMissingSchemas, "ignore-missing-schemas", false, "skip objects no schema is known for")
	f.BoolVar(&duplicates, "duplicates", true, "report objects defined twice for one cluster (per file for files); --duplicates=false turns the check off")
	f.BoolVar(&summary, "summary", false, "also print the summary line to standard error (the text output always ends with it)")
	f.BoolVar(&failOnWarn, "fail-on-warn", false, "exit 1 on warnings too")
	f.BoolVar(&listOnly, "list-schemas", false, "list the embedded schemas (Kubernetes versions, GitOps toolchain kinds) and exit; -o json for JSON")
	f.BoolVar(&toolchain, "toolchain-schemas", true, "use the embedded CRDs of the GitOps toolchain for kinds no CRD or schema location covers")
	f.StringArrayVarP(&outputs, "output", "o", []string{"text"}, "output format, or FORMAT=FILE to write it to a file (repeatable, at most one to standard output): "+strings.Join(report.Formats(), ", "))
	paths.register(cmd)
	withVersionRange(cmd)
	return cmd
}

// versionsPlaceholder stands in the validate command's help for the range
// of embedded Kubernetes versions, filled in when the help is shown:
// reading the range decodes the schema index, which no other command
// should pay for.
const versionsPlaceholder = "{versions}"

// withVersionRange fills in versionsPlaceholder when cmd's help is shown,
// then shows it as cobra would.
func withVersionRange(cmd *cobra.Command) {
	show := cmd.HelpFunc() // cobra's default, through the parent
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		c.Long = strings.Replace(c.Long, versionsPlaceholder, versionRange(), 1)
		show(c, args)
	})
}

func versionRange() string {
	v := validate.SupportedVersions()
	if len(v) == 0 {
		return ""
	}
	return v[0] + " to " + v[len(v)-1]
}

// validateOutcome maps the findings to the exit code: findings with errors,
// or with warnings under --fail-on-warn, exit 1.
func validateOutcome(stderr io.Writer, r report.Report, printSummary, failOnWarn bool) error {
	c := finding.Count(r.Findings)
	line := report.Summary(r)
	if c.Errors > 0 || (failOnWarn && c.Warnings > 0) {
		return &findingsError{summary: line, code: exitFindings}
	}
	if printSummary {
		fmt.Fprintln(stderr, line)
	}
	return nil
}
