package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

// outputFormats are the -o values of each command that has the flag, for
// shell completion.
func outputFormats() map[string][]string {
	return map[string][]string{
		"render":   {"yaml", "json"},
		"validate": report.Formats(),
		"check":    checkOutputs,
		"plan":     report.PlanFormats,
		"clone":    report.PlanFormats,
		"promote":  {"text", "json"},
		"status":   report.StatusFormats,
	}
}

// environmentFlags are the flags that name an environment of ferry.yaml.
var environmentFlags = []string{"from", "to", "env"}

// registerCompletions completes, in cmd and its subcommands, environment
// names for --from, --to and --env, and output formats for -o.
func registerCompletions(cmd *cobra.Command) {
	for _, name := range environmentFlags {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, completeEnvironments)
		}
	}
	if formats, ok := outputFormats()[cmd.Name()]; ok && cmd.Flags().Lookup("output") != nil {
		_ = cmd.RegisterFlagCompletionFunc("output", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return withPrefix(formats, "", toComplete), cobra.ShellCompDirectiveNoFileComp
		})
	}
	for _, c := range cmd.Commands() {
		registerCompletions(c)
	}
}

// completeEnvironments lists the environments of the repository at --root
// (else the one around the working directory): those of its ferry.yaml,
// else those ferry discovers. A list flag (--to a,b) completes its last
// item.
func completeEnvironments(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	root := ""
	if f := cmd.Flags().Lookup("root"); f != nil {
		root = f.Value.String()
	}
	planner, err := promote.NewPlanner(promote.Options{Root: root})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for _, e := range planner.Config().Environments {
		names = append(names, e.Name)
	}
	done := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, toComplete = toComplete[:i+1], toComplete[i+1:]
	}
	return withPrefix(names, done, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// withPrefix returns the candidates that start with toComplete, each after
// done.
func withPrefix(candidates []string, done, toComplete string) []string {
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, toComplete) {
			out = append(out, done+c)
		}
	}
	return out
}
