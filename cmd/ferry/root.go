package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes, documented in the README.
const (
	exitOK       = 0 // success
	exitFindings = 1 // the command ran and found problems
	exitError    = 2 // the command could not run
)

// findingsError marks an outcome that is a result, not a failure: the
// command ran and what it checked did not pass. code is the exit code,
// exitFindings unless the command documents another (ferry check
// --fail-on-warn exits 2 on failures, as conftest does).
type findingsError struct {
	summary string
	code    int
}

func (e *findingsError) Error() string { return e.summary }

// run executes the CLI with args and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand()
	if len(args) == 0 || (args[0] != cobra.ShellCompRequestCmd && args[0] != cobra.ShellCompNoDescRequestCmd) {
		// Completion parses the flags more than once.
		onceOnly(root)
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var fe *findingsError
	if errors.As(err, &fe) {
		if fe.summary != "" {
			fmt.Fprintln(stderr, fe.summary)
		}
		if fe.code != 0 {
			return fe.code
		}
		return exitFindings
	}
	fmt.Fprintf(stderr, "ferry: %v\n", err)
	return exitError
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "ferry",
		Short: "Policy-checked GitOps promotions",
		Long: `ferry promotes versions between GitOps environments (Kustomize overlays, Flux
cluster folders), checked before anything is written: it renders them
in-process and offline, validates them against Kubernetes schemas, runs Rego
policies, and plans the minimal edits to the target's own files. Every
finding points at the repository file and line to edit.

Start with:  ferry plan --from staging --to production

Exit codes: 0 success, 1 findings (or a blocked plan), 2 could not run.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       moduleVersion(),
	}
	root.SetVersionTemplate(versionText()) // --version prints what ferry version does
	root.AddCommand(newInitCommand(), newRenderCommand(), newValidateCommand(), newCheckCommand(), newPolicyCommand(), newPlanCommand(), newApplyCommand(), newStatusCommand(), newPromoteCommand(), newCloneCommand(), newVersionCommand())
	registerCompletions(root)
	return root
}

// onceOnly makes every flag of cmd and its subcommands that takes one value
// (not a list) an error when given twice: `--to a --to b` would otherwise
// silently mean --to b.
func onceOnly(cmd *cobra.Command) {
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if strings.HasSuffix(f.Value.Type(), "Slice") || strings.HasSuffix(f.Value.Type(), "Array") {
			return
		}
		f.Value = &onceValue{Value: f.Value, name: f.Name}
	})
	for _, c := range cmd.Commands() {
		onceOnly(c)
	}
}

// onceValue is a flag value that refuses a second Set.
type onceValue struct {
	pflag.Value
	name string
	set  bool
}

func (v *onceValue) Set(s string) error {
	if v.set {
		return fmt.Errorf("--%s given twice; give it once", v.name)
	}
	v.set = true
	return v.Value.Set(s)
}

// IsBoolFlag keeps --flag (without =true) working for boolean flags.
func (v *onceValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
