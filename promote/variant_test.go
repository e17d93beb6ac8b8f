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

// TestPlanPrereleaseRanges: a chart version or source semver range that
// admits prereleases (">=1.0.0-alpha") is a prerelease to promote-no-prerelease;
// one the target already runs, unchanged, is not the promotion's doing and
// does not block it.
func TestPlanPrereleaseRanges(t *testing.T) {
	release := func(version string) string {
		return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  interval: 1h
  chart:
    spec:
      chart: podinfo
      version: "` + version + `"
      sourceRef:
        kind: HelmRepository
        name: podinfo
`
	}
	const gateway = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: gateway-helm
spec:
  interval: 1h
  url: oci://docker.io/envoyproxy/gateway-helm
  ref:
    semver: ">= 1.8.0-rc.0"
`
	kustomization := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: podinfo\nresources:\n  - release.yaml\n  - ../../infrastructure\n"
	root := writeRepo(t, map[string]string{
		"ferry.yaml":                             helmConfig,
		"infrastructure/kustomization.yaml":      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gateway.yaml\n",
		"infrastructure/gateway.yaml":            gateway,
		"overlays/staging/kustomization.yaml":    kustomization,
		"overlays/staging/release.yaml":          release(">=1.0.0-alpha"),
		"overlays/production/kustomization.yaml": kustomization,
		"overlays/production/release.yaml":       release(">=1.0.0"),
	})
	// A range is a constraint: not carried over unless asked.
	plan, err := helmPlanner(t, root).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	require.Len(t, plan.Verdict.Reasons, 1, "%v", plan.Verdict.Reasons)
	assert.Contains(t, plan.Verdict.Reasons[0], `[range] HelmRepository/podinfo/podinfo: the source pins ">=1.0.0-alpha", the target ">=1.0.0": a range is a constraint, not a version; promote it with --ranges`)
	assert.Empty(t, plan.Files)

	ranges := promote.Request{From: "staging", To: "production", Ranges: true}
	plan, err = helmPlanner(t, root).Plan(context.Background(), ranges)
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	require.Len(t, plan.Verdict.Reasons, 1, "only the chart the plan changes: %v", plan.Verdict.Reasons)
	assert.Contains(t, plan.Verdict.Reasons[0], "[promote-no-prerelease] HelmRepository/podinfo/podinfo >=1.0.0-alpha is a prerelease")

	replaceIn(t, filepath.Join(root, "overlays", "staging", "release.yaml"), ">=1.0.0-alpha", ">=1.1.0")
	plan, err = helmPlanner(t, root).Plan(context.Background(), ranges)
	require.NoError(t, err)
	assert.Equal(t, promote.StatusReady, plan.Verdict.Status, "the gateway's range is the target's already: %v", plan.Verdict.Reasons)
	assert.True(t, plan.Ranges)
}
