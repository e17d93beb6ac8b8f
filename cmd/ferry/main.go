// Command ferry renders, checks and promotes GitOps environments. It is a
// thin layer over the ferry library: each command parses flags, calls the
// library, prints the result and maps the outcome to an exit code.
//
// Exit codes: 0 success, 1 findings (the check ran and something failed), 2
// ferry could not run (bad flags, unreadable repository, invalid input).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// checkFormat refuses an output format that is not one of formats.
func checkFormat(output string, formats []string) error {
	if !slices.Contains(formats, output) {
		return fmt.Errorf("unknown output format %q: use one of %s", output, strings.Join(formats, ", "))
	}
	return nil
}

// regoV0 parses --rego-version: v1 (false) or v0 (true).
func regoV0(version string) (bool, error) {
	switch version {
	case "v1":
		return false, nil
	case "v0":
		return true, nil
	}
	return false, fmt.Errorf("unknown Rego version %q: use v1 or v0", version)
}
