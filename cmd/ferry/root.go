package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
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
	}
	root.AddCommand(newRenderCommand(), newValidateCommand(), newCheckCommand(), newPolicyCommand(), newPlanCommand(), newApplyCommand(), newStatusCommand(), newVersionCommand())
	return root
}
