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

func TestEdgesInGraphOrder(t *testing.T) {
	cfg, err := promote.ParseConfig("ferry.yaml", []byte(`apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - {name: prod-eu, path: clusters/prod-eu, from: staging}
  - {name: prod-us, path: clusters/prod-us, from: staging}
  - {name: staging, path: overlays/staging, from: dev}
  - {name: dev, path: overlays/dev}
  - {name: preview, path: overlays/preview, from: dev}
`))
	require.NoError(t, err)
	assert.Equal(t, []promote.Edge{
		{From: "dev", To: "staging"},
		{From: "dev", To: "preview"},
		{From: "staging", To: "prod-eu"},
		{From: "staging", To: "prod-us"},
	}, cfg.Edges())
}

func TestPending(t *testing.T) {
	dir := copyShop(t)
	planner, err := promote.NewPlanner(promote.Options{Root: dir, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	list, err := planner.Pending(context.Background(), promote.Request{From: "ignored", To: "ignored"})
	require.NoError(t, err)
	var edges []string
	for _, p := range list.Items {
		edges = append(edges, p.Source.Name+"->"+p.Target.Name+":"+string(p.Verdict.Status))
	}
	// Each edge is planned on the repository as it is: production takes what
	// staging runs now.
	assert.Equal(t, []string{"dev->staging:blocked", "staging->production:ready"}, edges)
	assert.Empty(t, list.UpToDate)
	assert.Equal(t, promote.PlanListKind, list.Kind)

	// Once production runs what staging runs, that edge is up to date.
	applied, err := list.Items[1].Apply(context.Background(), dir)
	require.NoError(t, err)
	require.NotEmpty(t, applied.Written)
	list, err = planner.Pending(context.Background(), promote.Request{})
	require.NoError(t, err)
	require.Len(t, list.Items, 1)
	assert.Equal(t, "staging", list.Items[0].Target.Name)
	assert.Equal(t, []promote.Edge{{From: "staging", To: "production"}}, list.UpToDate)
}

func TestPendingNeedsPromotions(t *testing.T) {
	dir := copyShop(t)
	require.NoError(t, os.Remove(filepath.Join(dir, "ferry.yaml")))
	planner, err := promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	_, err = planner.Pending(context.Background(), promote.Request{})
	require.ErrorIs(t, err, promote.ErrNoPromotions)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "ferry.yaml"), []byte("apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - {name: dev, path: overlays/dev}\n"), 0o644))
	planner, err = promote.NewPlanner(promote.Options{Root: dir})
	require.NoError(t, err)
	_, err = planner.Pending(context.Background(), promote.Request{})
	require.ErrorIs(t, err, promote.ErrNoPromotions)
	assert.True(t, strings.Contains(err.Error(), "from:"))
}
