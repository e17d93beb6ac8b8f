package report_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/report"
)

func TestPaths(t *testing.T) {
	repo := filepath.FromSlash("/ci/checkout")
	root := filepath.Join(repo, "examples", "shop")
	for _, tc := range []struct {
		name     string
		paths    report.Paths
		in, want string
	}{
		{name: "working directory above the root", paths: report.Paths{Root: root, Dir: repo}, in: "overlays/production/kustomization.yaml", want: "examples/shop/overlays/production/kustomization.yaml"},
		{name: "working directory is the root", paths: report.Paths{Root: root, Dir: root}, in: "overlays/production/kustomization.yaml", want: "overlays/production/kustomization.yaml"},
		{name: "working directory elsewhere: the repository", paths: report.Paths{Root: root, Dir: filepath.FromSlash("/home/me"), Repo: repo}, in: "apps/api.yaml", want: "examples/shop/apps/api.yaml"},
		{name: "working directory below the root, no repository", paths: report.Paths{Root: root, Dir: filepath.Join(root, "apps")}, in: "overlays/a.yaml", want: "overlays/a.yaml"},
		{name: "the root itself", paths: report.Paths{Root: root, Dir: repo}, in: ".", want: "examples/shop"},
		{name: "standard input", paths: report.Paths{Root: root, Dir: repo}, in: "-", want: "-"},
		{name: "no root", paths: report.Paths{Dir: repo}, in: "a.yaml", want: "a.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.paths.Path(tc.in))
		})
	}
}

func TestPathsPlanKeepsTheOriginal(t *testing.T) {
	p := samplePlan("--- a/overlays/production/kustomization.yaml\n+++ b/overlays/production/kustomization.yaml\n@@ -1 +1 @@\n---- a/overlays/x\n+x\n")
	p.Findings[0].Waiver = &finding.Waiver{Reason: "r", Source: manifest.Origin{File: "overlays/production/kustomization.yaml"}}
	paths := report.Paths{Root: filepath.FromSlash("/ci/checkout/shop"), Dir: filepath.FromSlash("/ci/checkout")}
	shown := paths.Plan(p)
	assert.Equal(t, "shop/overlays/production", shown.Target.Path)
	assert.Equal(t, "shop/overlays/production/kustomization.yaml", shown.Files[0].Path)
	assert.Equal(t, "shop/overlays/production/kustomization.yaml", shown.Findings[0].Source.File)
	assert.Equal(t, "shop/overlays/production/kustomization.yaml", shown.Findings[0].Waiver.Source.File)
	assert.Equal(t, "--- a/shop/overlays/production/kustomization.yaml\n+++ b/shop/overlays/production/kustomization.yaml\n@@ -1 +1 @@\n---- a/overlays/x\n+x\n", shown.Diff, "headers only")

	assert.Equal(t, "overlays/production", p.Target.Path, "the plan ferry apply reads is left alone")
	assert.Equal(t, "overlays/production/kustomization.yaml", p.Files[0].Path)
	assert.Equal(t, "overlays/production/kustomization.yaml", p.Findings[0].Source.File)
	assert.Equal(t, "overlays/production/kustomization.yaml", p.Findings[0].Waiver.Source.File)
}
