// Command ferry renders, checks and promotes GitOps environments. It is a
// thin layer over the ferry library: each command parses flags, calls the
// library, prints the result and maps the outcome to an exit code.
//
// Exit codes: 0 success, 1 findings (the check ran and something failed), 2
// ferry could not run (bad flags, unreadable repository, invalid input).
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
