package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test (a rule named test_…).
type TestResult struct {
	// Package is the test's package, Name its rule.
	Package, Name string
	// Location is the test's file and row.
	Location string
	// Outcome is "pass", "fail", "error" or "skip".
	Outcome string
	// Error explains an "error" outcome.
	Error string
	// Output is what the test printed.
	Output string
}

// RunTests runs the Rego unit tests in opts.Policies (_test.rego files
// included), as `opa test` and `conftest verify` do, with opts.Data loaded,
// data.ferry.params set from opts.Params and the built-in rules available
// unless opts.NoBuiltins. Results come in file order.
func RunTests(ctx context.Context, opts Options) ([]TestResult, error) {
	modules, err := loadModules(opts, true)
	if err != nil {
		return nil, err
	}
	return runTests(ctx, opts, modules)
}

func runTests(ctx context.Context, opts Options, modules map[string]*ast.Module) ([]TestResult, error) {
	compiler, data, err := prepare("run tests", opts, modules)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(inmem.NewFromObject(data)).
		CapturePrintOutput(true).
		SetTimeout(timeout).
		Run(ctx, modules)
	if err != nil {
		return nil, fmt.Errorf("run tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, Output: string(r.Output)}
		if r.Location != nil {
			tr.Location = fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)
		}
		switch {
		case r.Error != nil:
			tr.Outcome, tr.Error = "error", r.Error.Error()
		case r.Skip:
			tr.Outcome = "skip"
		case r.Fail:
			tr.Outcome = "fail"
		default:
			tr.Outcome = "pass"
		}
		out = append(out, tr)
	}
	return out, nil
}
