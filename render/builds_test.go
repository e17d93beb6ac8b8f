package render_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/render"
)

// TestBuilds lists every directory of a repository that builds — each
// kustomization, and each directory a Flux Kustomization applies, plain
// ones included — with the files each reads; components are marked,
// directories that do not build carry the reason, hidden ones are skipped.
func TestBuilds(t *testing.T) {
	cm := file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
	fluxKs := func(p string) string {
		return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: " + p + "\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
	}
	fsys := fstest.MapFS{
		"base/kustomization.yaml":            file("resources:\n  - cm.yaml\n"),
		"base/cm.yaml":                       cm,
		"components/x/kustomization.yaml":    file("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"),
		"overlays/prod/kustomization.yaml":   file("resources:\n  - ../../base\ncomponents:\n  - ../../components/x\n"),
		"overlays/broken/kustomization.yaml": file("resources:\n  - missing.yaml\n"),
		"clusters/prod/apps.yaml":            file(fluxKs("./plain/prod") + "---\n" + fluxKs("./overlays/prod") + "---\n" + fluxKs("./not/here")),
		"plain/prod/cm.yaml":                 cm,
		"plain/prod/nested/cm.yaml":          cm,
		".hidden/kustomization.yaml":         file("resources: []\n"),
		"notes/readme.yaml":                  file("not: flux\n"),
	}
	r, err := render.New(render.Options{FS: fsys})
	require.NoError(t, err)
	builds, err := r.Builds(context.Background())
	require.NoError(t, err)
	var dirs []string
	byDir := map[string]render.Build{}
	for _, b := range builds {
		dirs = append(dirs, b.Dir)
		byDir[b.Dir] = b
	}
	assert.Equal(t, []string{"base", "components/x", "overlays/broken", "overlays/prod", "plain/prod"}, dirs)
	assert.Equal(t, []string{"base/cm.yaml", "base/kustomization.yaml"}, byDir["base"].Files)
	assert.True(t, byDir["components/x"].Component)
	assert.False(t, byDir["overlays/prod"].Component)
	assert.Equal(t, []string{"base/cm.yaml", "base/kustomization.yaml", "components/x/kustomization.yaml", "overlays/prod/kustomization.yaml"}, byDir["overlays/prod"].Files)
	assert.Equal(t, []string{"clusters/prod/apps.yaml"}, byDir["overlays/prod"].AppliedBy)
	assert.Equal(t, []string{"plain/prod/cm.yaml", "plain/prod/nested/cm.yaml"}, byDir["plain/prod"].Files, "Flux generates a kustomization of every YAML file below")
	assert.Equal(t, []string{"clusters/prod/apps.yaml"}, byDir["plain/prod"].AppliedBy)
	assert.Empty(t, byDir["base"].AppliedBy)
	require.Error(t, byDir["overlays/broken"].Err)
	assert.Contains(t, byDir["overlays/broken"].Err.Error(), "missing.yaml")
	assert.Empty(t, byDir["overlays/broken"].Files)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = r.Builds(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}
