package promote_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ferrygitops/ferry/promote"
)

var example = filepath.Join("..", "examples", "shop")

// A Go program: plan a promotion and look at it.
func ExamplePlanner_Plan() {
	planner, err := promote.NewPlanner(promote.Options{Root: example})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := planner.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range plan.Changes {
		if c.Promotes() {
			fmt.Printf("%s: %s -> %s (%s %s)\n", c.Artifact, c.From, c.To, c.Bump, c.Relation)
		}
	}
	for _, f := range plan.Files {
		for _, e := range f.Edits {
			fmt.Printf("edit %s:%d %s -> %s\n", f.Path, e.Line, e.Old, e.New)
		}
	}
	fmt.Println(plan.Verdict.Status)
	// Output:
	// ghcr.io/acme-shop/orders-api: 1.7.2 -> 1.8.0 (minor upgrade)
	// ghcr.io/acme-shop/storefront: 2.3.0 -> 2.4.1 (minor upgrade)
	// edit overlays/production/kustomization.yaml:17 2.3.0 -> 2.4.1
	// edit overlays/production/kustomization.yaml:19 1.7.2 -> 1.8.0
	// ready
}

// A controller's reconcile step: plan, apply to the working copy, and hand
// the written files to the caller, who commits them and opens a pull request.
func Example_reconcile() {
	workdir, _ := os.MkdirTemp("", "ferry-example-")
	defer os.RemoveAll(workdir)
	_ = os.CopyFS(workdir, os.DirFS(example)) // the controller's checkout

	reconcile := func(ctx context.Context, from, to string) ([]string, error) {
		planner, err := promote.NewPlanner(promote.Options{Root: workdir})
		if err != nil {
			return nil, err
		}
		plan, err := planner.Plan(ctx, promote.Request{From: from, To: to})
		if err != nil {
			return nil, err
		}
		if plan.Verdict.Status != promote.StatusReady {
			return nil, nil // nothing to do, or blocked: report plan.Verdict.Reasons
		}
		applied, err := plan.Apply(ctx, workdir)
		return applied.Written, err
	}
	written, err := reconcile(context.Background(), "staging", "production")
	fmt.Println(written, err)
	written, err = reconcile(context.Background(), "staging", "production")
	fmt.Println(written, err)
	// Output:
	// [overlays/production/kustomization.yaml] <nil>
	// [] <nil>
}

// A CI check: plan, print the verdict, fail the job when it is blocked.
func Example_ciCheck() {
	planner, _ := promote.NewPlanner(promote.Options{
		Root: example,
		Now:  func() time.Time { return time.Date(2027, 12, 24, 12, 0, 0, 0, time.UTC) },
	})
	plan, err := planner.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.Verdict.Status)
	for _, r := range plan.Verdict.Reasons {
		fmt.Println(r)
	}
	exitCode := 0
	if plan.Verdict.Status == promote.StatusBlocked {
		exitCode = 1
	}
	fmt.Println("exit", exitCode)
	// Output:
	// blocked
	// [freeze-window] production is frozen from 2027-12-20T00:00:00Z until 2028-01-03T00:00:00Z: year-end change freeze
	// exit 1
}
