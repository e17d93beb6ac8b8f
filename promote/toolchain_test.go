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

// TestFluxClustersWithoutCRDsInGit plans between Flux cluster folders of a
// repository that keeps no Flux CRDs in Git (as with the Flux Operator or
// a stripped gotk-components.yaml): the embedded Flux schemas check its
// Kustomizations, GitRepositories and HelmReleases, so a plan that only
// changes an image is ready, applies, and re-plans as noop.
func TestFluxClustersWithoutCRDsInGit(t *testing.T) {
	root := copyShop(t)
	require.NoError(t, os.RemoveAll(filepath.Join(root, "infrastructure", "flux-crds")))
	for _, c := range []string{"dev", "staging", "production"} {
		replaceIn(t, filepath.Join(root, "clusters", c, "flux-system", "kustomization.yaml"), "  - ../../../infrastructure/flux-crds\n", "")
	}
	// Production already runs staging's versions, but for one image.
	replaceIn(t, filepath.Join(root, "clusters", "production", "infrastructure.yaml"), `ingress_nginx_version: "4.10.1"`, `ingress_nginx_version: "4.11.3"`)
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"), "newTag: 2.3.0", "newTag: 2.4.1")
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"), "newTag: 1.7.2", "newTag: 1.8.0")
	for p, content := range snapshot(t, root) {
		require.NotContains(t, content, "kind: CustomResourceDefinition", "%s: the fixture has no CRDs", p)
	}

	req := promote.Request{From: "clusters/staging", To: "clusters/production"}
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Empty(t, plan.Findings, "no missing-schema findings")

	var edits []string
	for _, f := range plan.Files {
		for _, e := range f.Edits {
			edits = append(edits, f.Path+" "+strings.Join(e.Keys, ".")+": "+e.Old+" -> "+e.New)
		}
	}
	assert.Equal(t, []string{"clusters/production/apps.yaml spec.images.0.newTag: 1.36.1 -> 1.37.0"}, edits)

	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, clusterVersions(t, root, "staging"), clusterVersions(t, root, "production"))

	again, err := planner(t, root, ordinaryDay).Plan(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status, again.Verdict.Reasons)
	assert.Empty(t, again.Findings)
}
