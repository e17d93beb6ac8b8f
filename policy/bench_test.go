package policy_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/policy"
)

// BenchmarkCheck checks 1,000 and 10,000 Deployments with the built-in
// rules and the shop example's team policy. Compare with
// hack/bench-check.sh, which times ferry check against conftest test.
func BenchmarkCheck(b *testing.B) {
	engine, err := policy.Load(context.Background(), policy.Options{Policies: []string{filepath.Join("..", "examples", "shop", "policies")}})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 10000} {
		objs, err := manifest.Decode("objects.yaml", testrepo.Manifests(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n)+"-objects", func(b *testing.B) {
			for b.Loop() {
				fs, err := engine.Check(context.Background(), objs)
				if err != nil {
					b.Fatal(err)
				}
				if len(fs) == 0 {
					b.Fatal("no findings: the benchmark input is meant to have some")
				}
			}
		})
	}
}
