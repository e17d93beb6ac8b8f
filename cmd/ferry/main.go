// Command ferry renders, checks and promotes GitOps environments. It is a
// thin layer over the ferry library: each command parses flags, calls the
// library, prints the result and maps the outcome to an exit code.
//
// Exit codes: 0 success, 1 findings (the check ran and something failed), 2
// ferry could not run (bad flags, unreadable repository, invalid input).
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
)

func main() {
	tuneGC()
	stderr := os.Stderr
	done := quietKustomize(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, stderr)
	stop()
	done()
	os.Exit(code)
}

// quietKustomize drops kustomize's deprecation warnings, which it prints
// straight to os.Stderr on every build of a kustomization that uses a
// deprecated field (a thousand lines for a thousand overlays): ferry
// reports each as one kustomize-deprecated finding, with the file and the
// line to fix. Everything else written to os.Stderr passes through to dst.
// It returns a function that restores os.Stderr and flushes what is left,
// to call before the process exits.
func quietKustomize(dst io.Writer) func() {
	orig := os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		return func() {}
	}
	os.Stderr = w
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if !isKustomizeDeprecation(sc.Text()) {
				fmt.Fprintln(dst, sc.Text())
			}
		}
		_, _ = io.Copy(dst, r) // a line too long to scan
	}()
	return func() {
		os.Stderr = orig
		_ = w.Close()
		<-copied
	}
}

// isKustomizeDeprecation reports whether line is one of kustomize's
// deprecation warnings ("# Warning: 'commonLabels' is deprecated. Please
// use 'labels' instead. …").
func isKustomizeDeprecation(line string) bool {
	return strings.HasPrefix(line, "# Warning: '") && strings.Contains(line, "' is deprecated. Please use '")
}

// tuneGC sets the garbage collector for a short command, unless GOGC or
// GOMEMLIMIT say otherwise. kustomize allocates many times the live heap in
// every build; at Go's default (GOGC=100) collection took a fifth of a plan's
// CPU time. At 400 a plan of the generated 1,000-app repository
// (hack/bench-plan.sh) takes 10.6 s instead of 14.8 s, with 465 MiB peak
// memory instead of 149 MiB. The soft limit keeps larger runs near 768 MiB:
// as the heap nears it the collector runs more often (Go caps that at half
// the CPU), trading speed for memory only when memory runs short.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
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
