package promote_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

// TestPlanVariantTagsAreNotPrereleases: the plan rule promote-no-prerelease
// judges tags as the built-in no-prerelease does: a version followed by a
// variant of the release (1.36.1-musl) is promoted into an environment that
// allows no prereleases, a real prerelease (1.37.0-rc.1) is not.
func TestPlanVariantTagsAreNotPrereleases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tag     string
		blocked bool
	}{
		{name: "variant", tag: "1.36.1-musl", blocked: false},
		{name: "variant with a distribution release", tag: "1.36.1-glibc-12", blocked: false},
		{name: "prerelease", tag: "1.37.0-rc.1", blocked: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := copyWorkloads(t)
			p := filepath.Join(root, "overlays", "staging", "sidecar.yaml")
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(data), "busybox:1.36.1", "busybox:"+tc.tag, 1)), 0o644))

			plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
			require.NoError(t, err)
			var rules []string
			for _, f := range plan.Findings {
				rules = append(rules, f.Rule)
			}
			if tc.blocked {
				assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
				assert.Contains(t, rules, "promote-no-prerelease")
				return
			}
			assert.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
			assert.NotContains(t, rules, "promote-no-prerelease")
			assert.NotContains(t, rules, "no-prerelease")
		})
	}
}
