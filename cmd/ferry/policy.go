package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/policy"
)

func newPolicyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Test policies and list the built-in rules",
	}
	cmd.AddCommand(newPolicyTestCommand(), newPolicyListCommand(), newPolicyCapabilitiesCommand())
	return cmd
}

func newPolicyTestCommand() *cobra.Command {
	var (
		opts        policy.Options
		regoVersion string
		verbose     bool
	)
	cmd := &cobra.Command{
		Use:   "test [DIR|FILE]...",
		Short: "Run Rego unit tests, as opa test and conftest verify do",
		Long: `Run the Rego unit tests (rules named test_...) in the policy files and
directories given (default: ./policy), with ferry's built-in rules and
libraries available (data.ferry.lib.images, ...). Exit 0 when every test
passes, 1 when one fails, 2 when the tests cannot run.`,
		Example: `  ferry policy test examples/shop/policies`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"policy"}
			}
			opts.Policies = args
			var err error
			if opts.RegoV0, err = regoV0(regoVersion); err != nil {
				return err
			}
			results, err := policy.RunTests(cmd.Context(), opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			passed := 0
			for _, r := range results {
				if r.Outcome == "pass" {
					passed++
					if verbose {
						fmt.Fprintf(out, "PASS %s.%s (%s)\n", r.Package, r.Name, r.Location)
					}
					continue
				}
				fmt.Fprintf(out, "%s %s.%s (%s)", strings.ToUpper(r.Outcome), r.Package, r.Name, r.Location)
				if r.Error != "" {
					fmt.Fprintf(out, ": %s", r.Error)
				}
				fmt.Fprintln(out)
				if r.Output != "" {
					fmt.Fprint(out, indent(r.Output))
				}
			}
			if len(results) == 0 {
				return fmt.Errorf("no tests found in %s: name test rules test_...", strings.Join(args, ", "))
			}
			fmt.Fprintf(out, "%d/%d tests passed\n", passed, len(results))
			if passed < len(results) {
				return &findingsError{summary: fmt.Sprintf("%d of %d tests failed", len(results)-passed, len(results))}
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVarP(&opts.Data, "data", "d", nil, "JSON or YAML data files or directories")
	cmd.Flags().StringVar(&regoVersion, "rego-version", "v1", "Rego version of the policies: v1 or v0")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing tests too")
	return cmd
}

func newPolicyListCommand() *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List ferry's built-in rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rules := policy.Builtins()
			if markdown {
				_, err := fmt.Fprint(cmd.OutOrStdout(), policy.RulesMarkdown(rules))
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tPARAMETERS\tTITLE")
			for _, r := range rules {
				var params []string
				for p := range r.Parameters {
					params = append(params, p)
				}
				sort.Strings(params)
				p := strings.Join(params, ",")
				if p == "" {
					p = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, p, r.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print the rules' documentation as Markdown (docs/policies.md)")
	return cmd
}

func newPolicyCapabilitiesCommand() *cobra.Command {
	var opts policy.Options
	cmd := &cobra.Command{
		Use:   "capabilities",
		Short: "Print the OPA capabilities policies run with, as JSON",
		Long: `Print, as OPA capabilities JSON, exactly the builtins, keywords and features
ferry's policies may use: those of the OPA ferry is built with, less the
builtins that reach the network (http.send, net.lookup_ip_addr) unless
--allow-network is given. Check policies against it before they reach ferry,
with opa check --capabilities, in an editor or in CI.`,
		Example: `  ferry policy capabilities > capabilities.json
  opa check --capabilities capabilities.json policy/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := policy.Capabilities(opts)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().BoolVar(&opts.AllowNetwork, "allow-network", false, "include the network builtins, as ferry check --allow-network allows them")
	return cmd
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "    " + strings.Join(lines, "\n    ") + "\n"
}
