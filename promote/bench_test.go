package promote_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/promote"
)

// BenchmarkPlan plans staging -> production on generated fleets of 10, 100
// and 1,000 apps (testrepo.Fleet: each app a base of six objects with
// generators, an overlay per environment with patch files, inline patches,
// images and replicas; each environment an aggregate of the overlays; Flux
// clusters applying them): render both, plan and verify the edits, run the
// built-in rules. Compare with hack/bench-plan.sh, which times the chain of
// peer tools a CI runs today on the same repositories.
func BenchmarkPlan(b *testing.B) {
	for _, apps := range []int{10, 100, 1000} {
		b.Run(strconv.Itoa(apps)+"-apps", func(b *testing.B) {
			root := b.TempDir()
			if err := testrepo.WriteFleet(root, apps); err != nil {
				b.Fatal(err)
			}
			p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) }})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				plan, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
				if err != nil {
					b.Fatal(err)
				}
				if plan.Verdict.Status != promote.StatusReady || len(plan.Files) != apps {
					b.Fatalf("want a ready plan editing %d files, got %s with %d: %v", apps, plan.Verdict.Status, len(plan.Files), plan.Verdict.Reasons)
				}
			}
		})
	}
}
