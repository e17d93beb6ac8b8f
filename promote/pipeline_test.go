package promote_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

// The pipeline example: every pending promotion at once, each change
// saying how it rolls out, and production's canary requirement.
func TestPipelineExample(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.CopyFS(root, os.DirFS(filepath.Join("..", "examples", "pipeline"))))
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	ctx := context.Background()

	list, err := planner.Pending(ctx, promote.Request{})
	require.NoError(t, err)
	require.Len(t, list.Items, 2)
	staging, production := list.Items[0], list.Items[1]
	assert.Equal(t, "dev", staging.Source.Name)
	assert.Equal(t, "staging", production.Source.Name, "production takes what staging runs now")
	require.Equal(t, promote.StatusReady, staging.Verdict.Status, staging.Verdict.Reasons)
	require.Equal(t, promote.StatusReady, production.Verdict.Status, production.Verdict.Reasons)

	api := changeOf(t, staging, "ghcr.io/acme-shop/api")
	require.Len(t, api.Deliveries, 1)
	assert.Equal(t, "Rollout", api.Deliveries[0].By.Kind)
	assert.Equal(t, "canary", api.Deliveries[0].Strategy)
	assert.Equal(t, []string{"success-rate"}, api.Deliveries[0].Metrics)
	web := changeOf(t, production, "ghcr.io/acme-shop/web")
	require.Len(t, web.Deliveries, 1)
	assert.Equal(t, "Canary", web.Deliveries[0].By.Kind)
	assert.Equal(t, []string{"request-success-rate", "request-duration"}, web.Deliveries[0].Metrics)

	// Without production's canary, the promotion of web is blocked.
	require.NoError(t, os.Remove(filepath.Join(root, "envs/production/canary.yaml")))
	kust := filepath.Join(root, "envs/production/kustomization.yaml")
	data, err := os.ReadFile(kust)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(kust, []byte(strings.Replace(string(data), "  - canary.yaml\n", "", 1)), 0o644))
	plan, err := planner.Plan(ctx, promote.Request{To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "[progressive-delivery] production requires progressive delivery: staging rolls apps/Deployment/production/web out through flagger.app/Canary/staging/web")
}
