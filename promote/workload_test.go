package promote_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
)

// copyWorkloads copies testdata/workloads into a temporary repository.
func copyWorkloads(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(filepath.Join("testdata", "workloads"))))
	return dst
}

// TestWorkloadsArePromotedByWorkload is the acceptance case: staging runs
// sidecar on busybox:1.36.1; production runs it on
// docker.io/library/busybox:1.36.0 and a production-only legacy on
// busybox:latest. The plan moves sidecar, keeping production's spelling,
// leaves legacy alone, and is ready with the :latest finding existing.
func TestWorkloadsArePromotedByWorkload(t *testing.T) {
	root := copyWorkloads(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)

	require.Len(t, plan.Changes, 1, "busybox and docker.io/library/busybox are one artifact")
	c := plan.Changes[0]
	assert.Equal(t, "docker.io/library/busybox", c.Artifact)
	assert.Equal(t, "1.36.0", c.From.String())
	assert.Equal(t, "1.36.1", c.To.String())
	require.Len(t, c.Target, 1)
	assert.Equal(t, "sidecar", c.Target[0].Object.Name)
	require.Len(t, c.OnlyInTarget, 1)
	assert.Equal(t, "legacy", c.OnlyInTarget[0].Object.Name)

	require.Len(t, plan.Files, 1)
	assert.Equal(t, "overlays/production/sidecar.yaml", plan.Files[0].Path)
	require.Len(t, plan.Files[0].Edits, 1)
	assert.Equal(t, "docker.io/library/busybox:1.36.0", plan.Files[0].Edits[0].Old)
	assert.Equal(t, "docker.io/library/busybox:1.36.1", plan.Files[0].Edits[0].New, "the target's spelling is kept")

	require.Len(t, plan.Findings, 1, "%v", plan.Findings)
	f := plan.Findings[0]
	assert.Equal(t, "no-latest-tag", f.Rule)
	assert.Equal(t, "legacy", f.Object.Name)
	assert.Equal(t, finding.BaselineExisting, f.Baseline)
	assert.Equal(t, "overlays/production/legacy.yaml", f.Source.File)

	// Blocking on existing findings too, the :latest one blocks.
	strict, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", BlockOn: []finding.Baseline{finding.BaselineExisting}})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, strict.Verdict.Status)
	assert.Equal(t, []finding.Baseline{finding.BaselineNew, finding.BaselineExisting}, strict.BlockOn)

	// Applied, production renders sidecar at 1.36.1 and legacy untouched;
	// planning again has nothing to do.
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "overlays", "production", "legacy.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "image: busybox:latest")
	again, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status)
}

// TestAllUsesPromotesEveryUse: asked for artifact-wide promotion, the plan
// also moves legacy, in its own spelling, and the :latest finding is fixed.
func TestAllUsesPromotesEveryUse(t *testing.T) {
	root := copyWorkloads(t)
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", AllUses: true})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.True(t, plan.AllUses)
	news := map[string]string{}
	for _, f := range plan.Files {
		for _, e := range f.Edits {
			news[f.Path] = e.New
		}
	}
	assert.Equal(t, map[string]string{
		"overlays/production/legacy.yaml":  "busybox:1.36.1",
		"overlays/production/sidecar.yaml": "docker.io/library/busybox:1.36.1",
	}, news)
	require.Len(t, plan.Findings, 1, "%v", plan.Findings)
	assert.Equal(t, "no-latest-tag", plan.Findings[0].Rule)
	assert.Equal(t, finding.BaselineFixed, plan.Findings[0].Baseline)
}

// TestNewFindingBlocks: a finding the promotion causes is new and blocks.
func TestNewFindingBlocks(t *testing.T) {
	root := copyWorkloads(t)
	replaceIn(t, filepath.Join(root, "overlays", "staging", "sidecar.yaml"), "busybox:1.36.1", "busybox:latest")
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	classes := map[string]finding.Baseline{}
	for _, f := range plan.Findings {
		if f.Rule == "no-latest-tag" {
			classes[f.Object.Name] = f.Baseline
		}
	}
	assert.Equal(t, map[string]finding.Baseline{"sidecar": finding.BaselineNew, "legacy": finding.BaselineExisting}, classes)
}

func TestBlockOnConfig(t *testing.T) {
	root := copyWorkloads(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "ferry.yaml"), []byte(`apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: staging
    path: overlays/staging
  - name: production
    path: overlays/production
    from: staging
    blockOn: [new, existing]
`), 0o644))
	plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)

	_, err = promote.ParseConfig("ferry.yaml", []byte("apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - name: p\n    path: p\n    blockOn: [fixed]\n"))
	var ce *promote.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 6, ce.Line)
	assert.Contains(t, ce.Msg, `"fixed" is not a class`)
}

func TestSelectionMatchingNothing(t *testing.T) {
	root := copyWorkloads(t)
	for _, tt := range []struct {
		name, list string
		sel        promote.Selection
	}{
		{name: "only", list: "only", sel: promote.Selection{Only: []string{"nginx"}}},
		{name: "exclude", list: "exclude", sel: promote.Selection{Exclude: []string{"busybox", "ghcr.io/*"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: tt.sel})
			var se *promote.SelectionError
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Equal(t, tt.list, se.List)
			assert.Equal(t, []string{"docker.io/library/busybox"}, se.Artifacts)
			assert.ErrorContains(t, err, "matches no artifact; the artifacts are: docker.io/library/busybox")
		})
	}
	// The image however it is spelt selects it: its short name, and any
	// spelling of its full name.
	for _, only := range []string{"busybox", "docker.io/busybox", "library/busybox", "index.docker.io/library/busybox"} {
		plan, err := planner(t, root, ordinaryDay).Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: promote.Selection{Only: []string{only}}})
		require.NoError(t, err, only)
		assert.Equal(t, promote.StatusReady, plan.Verdict.Status, only)
	}
}

func TestDiffMatchesWorkloadsAcrossAffixes(t *testing.T) {
	use := func(name, version string) promote.Use {
		u := promote.Use{Field: "/spec/template/spec/containers/0/image", Container: "containers/app", Version: promote.Version{Tag: version}}
		u.Object.Group, u.Object.Kind, u.Object.Name = "apps", "Deployment", name
		return u
	}
	src := []promote.Artifact{{Kind: promote.KindImage, Name: "ghcr.io/acme/app", Uses: []promote.Use{use("stg-api", "2.0.0")}}}
	tgt := []promote.Artifact{{Kind: promote.KindImage, Name: "ghcr.io/acme/app", Uses: []promote.Use{use("api-prod", "1.0.0"), use("batch-prod", "0.1.0")}}}
	changes := promote.Diff(src, tgt, promote.DiffOptions{
		Source: promote.Affixes{Prefixes: []string{"stg-"}},
		Target: promote.Affixes{Suffixes: []string{"-prod"}},
	})
	require.Len(t, changes, 1)
	c := changes[0]
	assert.Equal(t, promote.RelationUpgrade, c.Relation)
	require.Len(t, c.Target, 1)
	assert.Equal(t, "api-prod", c.Target[0].Object.Name)
	require.Len(t, c.OnlyInTarget, 1)
	assert.Equal(t, "batch-prod", c.OnlyInTarget[0].Object.Name)

	// Without the affixes, no workload matches.
	changes = promote.Diff(src, tgt, promote.DiffOptions{})
	assert.Equal(t, promote.RelationOnlyInTarget, changes[0].Relation)
	assert.Empty(t, changes[0].Target)
}

func TestImageName(t *testing.T) {
	for in, want := range map[string]string{
		"busybox":                   "docker.io/library/busybox",
		"library/busybox":           "docker.io/library/busybox",
		"docker.io/library/busybox": "docker.io/library/busybox",
		"acme/app":                  "docker.io/acme/app",
		"ghcr.io/acme/app":          "ghcr.io/acme/app",
		"localhost:5000/app":        "localhost:5000/app",
		"${REGISTRY}/app":           "${REGISTRY}/app",
	} {
		assert.Equal(t, want, promote.ImageName(in), in)
	}
}

// TestPlanUnconfiguredSiblingsShareTheBase: environments named by their
// directories, in a layout ferry.yaml does not describe, still have
// siblings that render the same base: the plan overrides the version in the
// target's kustomization instead of editing the base under them, and a
// sibling folder that does not render is no environment.
func TestPlanUnconfiguredSiblingsShareTheBase(t *testing.T) {
	overlay := func(extra string) string {
		return "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../bases/cache\n" + extra
	}
	root := writeRepo(t, map[string]string{
		"k8s/bases/cache/kustomization.yaml":       "resources:\n  - deployment.yaml\n",
		"k8s/bases/cache/deployment.yaml":          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: docker.io/redis:8.8.0\n",
		"k8s/stages/dev/kustomization.yaml":        overlay("images:\n  - name: docker.io/redis\n    newTag: 8.8.1\n"),
		"k8s/stages/staging/kustomization.yaml":    overlay(""),
		"k8s/stages/production/kustomization.yaml": overlay(""),
		"k8s/stages/broken/kustomization.yaml":     "resources:\n  - missing.yaml\n",
	})
	base := snapshot(t, root)["k8s/bases/cache/deployment.yaml"]
	p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	plan, err := p.Plan(context.Background(), promote.Request{From: "k8s/stages/dev", To: "k8s/stages/staging"})
	require.NoError(t, err)
	f := readyFile(t, plan)
	assert.Equal(t, "k8s/stages/staging/kustomization.yaml", f.Path)
	require.Len(t, f.Edits, 1)
	assert.Contains(t, f.Edits[0].Reason, "only in k8s/bases/cache/deployment.yaml, which k8s/stages/dev and k8s/stages/production also render")
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, base, snapshot(t, root)["k8s/bases/cache/deployment.yaml"], "the base the siblings render is untouched")
}

// TestPlanCanaryIsPromotedAWorkloadAtATime: the source runs one image at two
// versions (a canary on a newer tag). Which one production should take is
// not the plan's to guess: the plan is blocked, not a noop, and says how to
// go on; --object promotes the canary alone.
func TestPlanCanaryIsPromotedAWorkloadAtATime(t *testing.T) {
	deployment := func(name, tag string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:" + tag + "\n"
	}
	overlay := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - web.yaml\n  - canary.yaml\n"
	root := writeRepo(t, map[string]string{
		"overlays/staging/kustomization.yaml":    overlay,
		"overlays/staging/web.yaml":              deployment("web", "1.0.0"),
		"overlays/staging/canary.yaml":           deployment("web-canary", "1.1.0"),
		"overlays/production/kustomization.yaml": overlay,
		"overlays/production/web.yaml":           deployment("web", "1.0.0"),
		"overlays/production/canary.yaml":        deployment("web-canary", "1.0.0"),
	})
	p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	plan, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status, "not noop: the environments differ")
	require.Len(t, plan.Verdict.Reasons, 1)
	assert.Contains(t, plan.Verdict.Reasons[0], "[ambiguous] ghcr.io/acme/web: the source pins 2 versions")
	assert.Contains(t, plan.Verdict.Reasons[0], "--object KIND/NAME")
	assert.Empty(t, plan.Files)

	canary := promote.Selection{Objects: []string{"Deployment/web-canary"}}
	plan, err = p.Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: canary})
	require.NoError(t, err)
	f := readyFile(t, plan)
	assert.Equal(t, "overlays/production/canary.yaml", f.Path)
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Contains(t, snapshot(t, root)["overlays/production/canary.yaml"], "ghcr.io/acme/web:1.1.0")
	assert.Contains(t, snapshot(t, root)["overlays/production/web.yaml"], "ghcr.io/acme/web:1.0.0", "the stable workload stays")
	plan, err = p.Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: canary})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, plan.Verdict.Status)
	plan, err = p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, plan.Verdict.Status, "each workload runs its source workload's version: %v", plan.Verdict.Reasons)

	_, err = p.Plan(context.Background(), promote.Request{From: "staging", To: "production", Selection: promote.Selection{Objects: []string{"Deployment/nope"}}})
	var se *promote.SelectionError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "object", se.List)
	assert.ErrorContains(t, err, `object pattern "Deployment/nope" matches no object; the objects are: Deployment/web, Deployment/web-canary`)
}

// TestDiscoveryOfOtherLayouts: without a ferry.yaml, the folders holding a
// kustomization under env/ (Kargo), deploy/overlays/ (podinfo), apps/ and
// tenants/ (Flux) are environments; a folder there without one is not, nor
// is one named like the bases environments share.
func TestDiscoveryOfOtherLayouts(t *testing.T) {
	overlay := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\n"
	for _, parent := range []string{"env", "deploy/overlays", "apps", "tenants"} {
		base := "base"
		if parent == "deploy/overlays" {
			base = "deploy/base"
		}
		root := writeRepo(t, map[string]string{
			base + "/kustomization.yaml":          "resources:\n  - cm.yaml\n",
			base + "/cm.yaml":                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
			parent + "/dev/kustomization.yaml":    overlay,
			parent + "/prod/kustomization.yaml":   overlay,
			parent + "/README/notes.md":           "not an environment\n",
			parent + "/common/kustomization.yaml": "resources:\n  - ../../base\n",
		})
		p, err := promote.NewPlanner(promote.Options{Root: root})
		require.NoError(t, err)
		var names []string
		for _, e := range p.Config().Environments {
			names = append(names, e.Name+"="+e.Path)
		}
		assert.Equal(t, []string{"dev=" + parent + "/dev", "prod=" + parent + "/prod"}, names, parent)
	}
}

// TestPlanNoopSaysWhatOnlyTheSourceRuns: an image only the source uses is
// not promoted (a promotion carries versions, it does not add workloads),
// and the noop says so instead of claiming the target runs everything.
func TestPlanNoopSaysWhatOnlyTheSourceRuns(t *testing.T) {
	deployment := func(name, image string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: " + image + "\n"
	}
	root := writeRepo(t, map[string]string{
		"overlays/staging/kustomization.yaml":    "resources:\n  - web.yaml\n  - debug.yaml\n",
		"overlays/staging/web.yaml":              deployment("web", "ghcr.io/acme/web:1.0.0"),
		"overlays/staging/debug.yaml":            deployment("debug", "ghcr.io/acme/debug:0.3.0"),
		"overlays/production/kustomization.yaml": "resources:\n  - web.yaml\n",
		"overlays/production/web.yaml":           deployment("web", "ghcr.io/acme/web:1.0.0"),
	})
	p, err := promote.NewPlanner(promote.Options{Root: root})
	require.NoError(t, err)
	plan, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, plan.Verdict.Status)
	assert.Equal(t, []string{"production already runs staging's versions of the artifacts both use; only staging uses ghcr.io/acme/debug"}, plan.Verdict.Reasons)
}
