package promote_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

// clusterVersions renders a Flux cluster folder and returns each artifact's
// version.
func clusterVersions(t *testing.T, root, cluster string) map[string]string {
	t.Helper()
	versions, res := renderVersions(t, root, filepath.Join("clusters", cluster))
	require.NotEmpty(t, res.Kustomizations, "rendered as a Flux cluster")
	return versions
}

// TestPromoteBetweenFluxClusters plans clusters/staging -> clusters/production:
// each version is changed where the production cluster pins it — the
// postBuild variable, the spec.images entry of its Kustomization, the
// images: entries of the overlay its Kustomization applies — and nowhere
// else; applied, production runs staging's versions.
func TestPromoteBetweenFluxClusters(t *testing.T) {
	root := copyShop(t)
	before := snapshot(t, root)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Equal(t, promote.EnvironmentRef{Name: "production", Path: "clusters/production"}, plan.Target,
		"the cluster applies overlays/production: it is the production environment")
	assert.Empty(t, plan.Findings)

	var edits []string
	for _, f := range plan.Files {
		for _, e := range f.Edits {
			edits = append(edits, f.Path+" "+strings.Join(e.Keys, ".")+": "+e.Old+" -> "+e.New)
		}
	}
	assert.Equal(t, []string{
		"clusters/production/apps.yaml spec.images.0.newTag: 1.36.1 -> 1.37.0",
		"clusters/production/infrastructure.yaml spec.postBuild.substitute.ingress_nginx_version: 4.10.1 -> 4.11.3",
		"overlays/production/kustomization.yaml images.0.newTag: 2.3.0 -> 2.4.1",
		"overlays/production/kustomization.yaml images.1.newTag: 1.7.2 -> 1.8.0",
	}, edits)

	applied, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)
	after := snapshot(t, root)
	var changed []string
	for p, content := range before {
		if after[p] != content {
			changed = append(changed, p)
		}
	}
	slices.Sort(changed)
	assert.Equal(t, applied.Written, changed, "only the planned files changed")
	assert.Equal(t, strings.Replace(before["clusters/production/infrastructure.yaml"], `ingress_nginx_version: "4.10.1"`, `ingress_nginx_version: "4.11.3"`, 1),
		after["clusters/production/infrastructure.yaml"], "the variable keeps its quotes and comments")

	assert.Equal(t, clusterVersions(t, root, "staging"), clusterVersions(t, root, "production"))

	again, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status)
}

// TestFluxClusterInheritsItsEnvironment: the production freeze of
// ferry.yaml applies when promoting into the cluster that applies the
// production overlay.
func TestFluxClusterInheritsItsEnvironment(t *testing.T) {
	root := copyShop(t)
	frozen := time.Date(2027, 12, 24, 12, 0, 0, 0, time.UTC)
	plan, err := planner(t, root, frozen).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "freeze-window")
}

// TestFluxSharedBaseIsOverriddenInTheAppliedOverlay: a version the target
// cluster pins only in a base other environments share is overridden in the
// kustomization of the overlay the cluster's Kustomization applies.
func TestFluxSharedBaseIsOverriddenInTheAppliedOverlay(t *testing.T) {
	root := copyShop(t)
	replaceIn(t, filepath.Join(root, "clusters", "production", "apps.yaml"), "  images:\n    - name: docker.io/library/busybox\n      newTag: 1.36.1\n", "")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production", Selection: promote.Selection{Only: []string{"busybox"}}})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	require.Len(t, plan.Files, 1)
	assert.Equal(t, "overlays/production/kustomization.yaml", plan.Files[0].Path)
	require.Len(t, plan.Files[0].Edits, 1)
	e := plan.Files[0].Edits[0]
	assert.Equal(t, promote.OpAppend, e.Op)
	assert.Contains(t, e.Reason, "apps/base/invoice-worker/cronjob.yaml, which dev and staging and clusters/dev also render")
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, "1.37.0", clusterVersions(t, root, "production")["docker.io/library/busybox"])
}

// TestFluxImagesEntryFollowsTheDigest: a spec.images entry of the target
// cluster gets the source's digest, as a kustomization's images: entry does.
func TestFluxImagesEntryFollowsTheDigest(t *testing.T) {
	root := copyShop(t)
	digest := "sha256:" + strings.Repeat("cd", 32)
	replaceIn(t, filepath.Join(root, "clusters", "staging", "apps.yaml"), "      newTag: 1.37.0\n", "      newTag: 1.37.0\n      digest: "+digest+"\n")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production", Selection: promote.Selection{Only: []string{"busybox"}}})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Contains(t, plan.Diff, "-      newTag: 1.36.1\n+      newTag: 1.37.0\n+      digest: "+digest+"\n")
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, "1.37.0@"+digest, clusterVersions(t, root, "production")["docker.io/library/busybox"])
}

// vendorKS is a Flux Kustomization of a source that is not this repository.
const vendorKS = `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: vendor
  namespace: flux-system
spec:
  interval: 1h
  path: ./deploy
  prune: true
  sourceRef:
    kind: OCIRepository
    name: vendor-manifests
`

// TestPlanWithUnrenderedKustomizations: what a Kustomization of a source
// outside the repository applies is unknown, so a plan of clusters that
// have one is never "nothing to do" nor ready: it is blocked, naming the
// Kustomization's file and line and what to do, until the Kustomization
// waives the rule with a reason.
func TestPlanWithUnrenderedKustomizations(t *testing.T) {
	root := copyShop(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production"})
	require.NoError(t, err)
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	for _, c := range []string{"staging", "production"} {
		appendTo(t, filepath.Join(root, "clusters", c, "infrastructure.yaml"), vendorKS)
	}

	plan, err = planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status, "not noop: ferry does not know what vendor applies")
	require.Len(t, plan.Verdict.Reasons, 2, "%v", plan.Verdict.Reasons)
	assert.Contains(t, plan.Verdict.Reasons[0], "[unrendered-source] production: Flux Kustomization flux-system/vendor applies ./deploy from OCIRepository/flux-system/vendor-manifests, which is not this repository, so ferry cannot tell which versions it applies")
	assert.Contains(t, plan.Verdict.Reasons[1], "[unrendered-source] staging: ")
	var found bool
	for _, f := range plan.Findings {
		if f.Rule == promote.RuleUnrendered && f.Source.File == "clusters/production/infrastructure.yaml" {
			found = true
			assert.Positive(t, f.Source.Line)
			assert.Contains(t, f.Message, "map the source (ferry.yaml sources, or --source), or waive unrendered-source")
		}
	}
	assert.True(t, found, "the target's finding names its file: %v", plan.Findings)

	// Waived on both sides, with a reason: the plan is a noop again.
	for _, c := range []string{"staging", "production"} {
		replaceIn(t, filepath.Join(root, "clusters", c, "infrastructure.yaml"), "  name: vendor\n", "  name: vendor\n  annotations:\n    ferry.dev/waive: \"unrendered-source: vendor manifests, never promoted\"\n")
	}
	plan, err = planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "clusters/staging", To: "clusters/production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, plan.Verdict.Status, plan.Verdict.Reasons)
	for _, f := range plan.Findings {
		if f.Rule == promote.RuleUnrendered {
			require.NotNil(t, f.Waiver)
			assert.Equal(t, "vendor manifests, never promoted", f.Waiver.Reason)
		}
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, append(data, text...), 0o644))
}

// TestStatusListsWhatItCannotShow: the version matrix of clusters with a
// Kustomization of a source outside the repository lists it as unknown,
// per environment, instead of a table that looks complete.
func TestStatusListsWhatItCannotShow(t *testing.T) {
	files := map[string]string{}
	for _, c := range []string{"staging", "production"} {
		files["clusters/"+c+"/flux-system/gotk-sync.yaml"] = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/" + c + "\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
		files["clusters/"+c+"/vendor.yaml"] = strings.TrimPrefix(vendorKS, "---\n")
	}
	root := writeRepo(t, files)
	p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	m, err := p.Status(context.Background())
	require.NoError(t, err)
	require.Len(t, m.Unknown, 2, "%v", m.Unknown)
	for i, env := range []string{"production", "staging"} { // discovery order
		assert.Equal(t, promote.RuleUnrendered, m.Unknown[i].Rule)
		assert.Contains(t, m.Unknown[i].Message, env+": Flux Kustomization flux-system/vendor applies ./deploy from OCIRepository/flux-system/vendor-manifests")
	}
}
