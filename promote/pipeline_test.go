package promote_test

import (
	"bytes"
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

// Pending plans are all made on the repository as it is and apply in an
// order that keeps each valid (production's, which reads staging, first);
// chained plans are made one on top of the other and apply in theirs.
func TestPendingApplyOrderAndChain(t *testing.T) {
	ctx := context.Background()
	copyPipeline := func(t *testing.T) (string, *promote.Planner) {
		root := t.TempDir()
		require.NoError(t, os.CopyFS(root, os.DirFS(filepath.Join("..", "examples", "pipeline"))))
		planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
		require.NoError(t, err)
		return root, planner
	}
	tagOf := func(t *testing.T, root, env, image string) string {
		data, err := os.ReadFile(filepath.Join(root, "envs", env, "kustomization.yaml"))
		require.NoError(t, err)
		_, rest, ok := strings.Cut(string(data), "name: ghcr.io/acme-shop/"+image+"\n    newTag: ")
		require.True(t, ok)
		tag, _, _ := strings.Cut(rest, "\n")
		return strings.Fields(tag)[0]
	}
	apply := func(t *testing.T, root string, list *promote.PlanList) {
		ordered, err := promote.ApplyOrder(list.Items, list.Chained)
		require.NoError(t, err)
		for _, p := range ordered {
			_, err := p.Apply(ctx, root)
			require.NoError(t, err, p.Target.Name)
		}
	}

	root, planner := copyPipeline(t)
	list, err := planner.Pending(ctx, promote.Request{})
	require.NoError(t, err)
	ordered, err := promote.ApplyOrder(list.Items, list.Chained)
	require.NoError(t, err)
	assert.Equal(t, "production", ordered[0].Target.Name, "production's promotion reads staging: it applies first")
	apply(t, root, list)
	assert.Equal(t, "1.4.0", tagOf(t, root, "staging", "web"))
	assert.Equal(t, "1.3.0", tagOf(t, root, "production", "web"), "production took what staging ran")

	root, planner = copyPipeline(t)
	list, err = planner.PendingChained(ctx, promote.Request{})
	require.NoError(t, err)
	require.True(t, list.Chained)
	require.Len(t, list.Items, 2)
	prod := changeOf(t, list.Items[1], "ghcr.io/acme-shop/web")
	assert.Equal(t, "1.4.0", prod.To.Tag, "chained: production takes what staging will run")
	apply(t, root, list)
	assert.Equal(t, "1.4.0", tagOf(t, root, "production", "web"))
	assert.Equal(t, "2.3.0", tagOf(t, root, "production", "api"))
	list, err = planner.Pending(ctx, promote.Request{})
	require.NoError(t, err)
	assert.Empty(t, list.Items, "everything is up to date")

	// Two plans that edit one file never apply together.
	_, err = promote.ApplyOrder([]*promote.Plan{prod0(t), prod0(t)}, false)
	require.ErrorContains(t, err, "both edit")
}

func prod0(t *testing.T) *promote.Plan {
	t.Helper()
	plan, err := promote.ReadPlan(bytes.NewReader(shopPlanJSON(t)))
	require.NoError(t, err)
	return plan
}
