package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

func samplePlan(diff string) *promote.Plan {
	from, to := promote.Version{Tag: "1.7.2"}, promote.Version{Tag: "1.8.0"}
	return &promote.Plan{
		APIVersion: promote.PlanAPIVersion, Kind: promote.PlanKind,
		Source: promote.EnvironmentRef{Name: "staging", Path: "overlays/staging"},
		Target: promote.EnvironmentRef{Name: "production", Path: "overlays/production"},
		Changes: []promote.Change{
			{Kind: promote.KindImage, Artifact: "ghcr.io/acme/api", From: &from, To: &to, Relation: promote.RelationUpgrade, Bump: promote.BumpMinor},
			{Kind: promote.KindImage, Artifact: "ghcr.io/acme/web", From: &to, To: &to, Relation: promote.RelationSame},
		},
		Files: []promote.FileEdit{{Path: "overlays/production/kustomization.yaml", Edits: []promote.Edit{
			{Op: promote.OpSet, Keys: []string{"images", "0", "newTag"}, Line: 7, Old: "1.7.2", New: "1.8.0", Reason: "production's images: entry pins ghcr.io/acme/api"},
		}}},
		Diff: diff,
		Findings: []finding.Finding{{Rule: "major-bump", Severity: finding.SeverityWarning, Message: "a | pipe <b>",
			Source: manifest.Origin{File: "overlays/production/kustomization.yaml", Line: 7}}},
		Verdict: promote.Verdict{Status: promote.StatusReady},
	}
}

func TestWritePlanText(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WritePlan(&b, "text", samplePlan("--- a/x\n+++ b/x\n")))
	out := b.String()
	assert.Contains(t, out, "Promotion staging (overlays/staging) -> production (overlays/production): READY")
	assert.Contains(t, out, "ghcr.io/acme/api  1.7.2 -> 1.8.0  upgrade (minor)")
	assert.NotContains(t, out, "ghcr.io/acme/web", "unchanged artifacts are left out")
	assert.Contains(t, out, "overlays/production/kustomization.yaml:7 set images.0.newTag: 1.7.2 -> 1.8.0")
}

func TestWritePlanMarkdownFitsAComment(t *testing.T) {
	huge := "--- a/x\n+++ b/x\n" + strings.Repeat("+    newTag: 1.8.0 # a long line of diff\n", 5000)
	var b bytes.Buffer
	require.NoError(t, report.WritePlan(&b, "markdown", samplePlan(huge)))
	out := b.String()
	assert.LessOrEqual(t, len(out), report.MarkdownLimit)
	assertValidMarkdown(t, out)
	assert.Contains(t, out, "**Left out to fit a comment:**")
	assert.Contains(t, out, "lines of the diff; run `ferry plan --from overlays/staging --to overlays/production -o text` for the whole plan")
	assert.Contains(t, out, "## ✅ Promotion `staging` → `production`: **ready**")
	assert.Contains(t, out, "| image | `ghcr.io/acme/api` | `1.7.2` | `1.8.0` | upgrade (minor) |")
	assert.Contains(t, out, `a \| pipe &lt;b&gt;`, "findings are escaped for Markdown, and survive the cut")

	b.Reset()
	require.NoError(t, report.WritePlan(&b, "markdown", samplePlan("--- a/x\n+++ b/x\n")))
	assert.NotContains(t, b.String(), "Left out")
	assertValidMarkdown(t, b.String())
}

// bigPlan is a blocked promotion of n apps: a change, an edit, a diff hunk
// and a blocking error each.
func bigPlan(n int) *promote.Plan {
	p := samplePlan("")
	p.Verdict = promote.Verdict{Status: promote.StatusBlocked, Reasons: []string{"new errors on the target after the edits"}}
	p.Changes, p.Findings = nil, nil
	var diff strings.Builder
	for i := range n {
		from, to := promote.Version{Tag: "1.7.2"}, promote.Version{Tag: "1.8.0"}
		app := fmt.Sprintf("ghcr.io/acme/app-%04d", i)
		file := fmt.Sprintf("apps/app-%04d/overlays/production/kustomization.yaml", i)
		p.Changes = append(p.Changes, promote.Change{Kind: promote.KindImage, Artifact: app, From: &from, To: &to, Relation: promote.RelationUpgrade, Bump: promote.BumpMinor})
		fmt.Fprintf(&diff, "--- a/%s\n+++ b/%s\n@@ -5,3 +5,3 @@\n   - name: %s\n-    newTag: 1.7.2\n+    newTag: 1.8.0\n", file, file, app)
		p.Findings = append(p.Findings, finding.Finding{Rule: "semver-tag", Message: fmt.Sprintf("image %s:1.8.0-rc.1 | is a <prerelease>", app),
			Object: manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "production", Name: fmt.Sprintf("app-%04d", i)},
			Source: manifest.Origin{File: file, Line: 7}, Baseline: finding.BaselineNew})
		p.Findings = append(p.Findings, finding.Finding{Rule: "no-prerelease", Severity: finding.SeverityWarning, Message: "a warning",
			Source: manifest.Origin{File: file, Line: 7}, Baseline: finding.BaselineExisting})
	}
	p.Diff = diff.String()
	return p
}

func TestWritePlanMarkdownOfAThousandApps(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WritePlan(&b, "markdown", bigPlan(1000)))
	out := b.String()
	assert.LessOrEqual(t, len(out), report.MarkdownLimit)
	assertValidMarkdown(t, out)
	assert.True(t, strings.HasPrefix(out, "## ⛔ Promotion `staging` → `production`: **blocked**\n\n- new errors on the target after the edits\n"), "the verdict comes first")
	assert.Contains(t, out, "**1000 blocking errors:**")
	assert.Contains(t, out, "app-0000: image ghcr.io/acme/app-0000:1.8.0-rc.1 \\| is a &lt;prerelease&gt;", "the first blocking errors are kept")
	assert.Contains(t, out, "<details><summary>1000 changes</summary>", "a long table is folded")
	assert.Contains(t, out, "<summary>Checks on production after the edits: 1000 errors, 1000 warnings, 0 waived; 1000 new, 1000 existing", "the summary of the checks is kept")
	assert.Contains(t, out, "**Left out to fit a comment:**")
	assert.Contains(t, out, "all lines of the diff", "the diff is what goes first")

	var again bytes.Buffer
	require.NoError(t, report.WritePlan(&again, "markdown", bigPlan(1000)))
	assert.Equal(t, out, again.String(), "deterministic")
}

// assertValidMarkdown checks what a cut could break: code fences and
// <details> balanced, every table row complete, with as many cells as its
// header.
func assertValidMarkdown(t *testing.T, md string) {
	t.Helper()
	assert.Equal(t, strings.Count(md, "<details"), strings.Count(md, "</details>"), "<details> balanced")
	fence, cells := "", 0
	for i, line := range strings.Split(md, "\n") {
		if fence != "" {
			if strings.TrimRight(line, " ") == fence {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = line[:len(line)-len(strings.TrimLeft(line, "`"))]
			continue
		}
		if !strings.HasPrefix(line, "|") {
			cells = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, "\\|", ""), "|")
		if !assert.True(t, strings.HasSuffix(line, "|"), "line %d is a complete table row: %q", i+1, line) {
			return
		}
		if cells == 0 {
			cells = n
		}
		if !assert.Equal(t, cells, n, "line %d has as many cells as its header: %q", i+1, line) {
			return
		}
	}
	assert.Empty(t, fence, "code fences balanced")
}

// TestWritePlans: several plans are one document — each in turn in text and
// Markdown (the comment limit shared), a PlanList in JSON, one SARIF run of
// all their findings; one plan is written as WritePlan writes it.
func TestWritePlans(t *testing.T) {
	dev := samplePlan("--- a/y\n+++ b/y\n")
	dev.Target = promote.EnvironmentRef{Name: "dev", Path: "overlays/dev"}
	plans := []*promote.Plan{samplePlan("--- a/x\n+++ b/x\n"), dev}

	var one, single bytes.Buffer
	require.NoError(t, report.WritePlans(&one, "json", plans[:1]))
	require.NoError(t, report.WritePlan(&single, "json", plans[0]))
	assert.Equal(t, single.String(), one.String())

	var b bytes.Buffer
	require.NoError(t, report.WritePlans(&b, "text", plans))
	assert.Contains(t, b.String(), "-> production (overlays/production): READY")
	assert.Contains(t, b.String(), "-> dev (overlays/dev): READY")

	b.Reset()
	require.NoError(t, report.WritePlans(&b, "json", plans))
	var list promote.PlanList
	require.NoError(t, json.Unmarshal(b.Bytes(), &list))
	assert.Equal(t, promote.PlanListKind, list.Kind)
	require.Len(t, list.Items, 2)
	assert.Equal(t, "dev", list.Items[1].Target.Name)

	b.Reset()
	require.NoError(t, report.WritePlans(&b, "sarif", plans))
	assert.Equal(t, 2, strings.Count(b.String(), `"ruleId": "major-bump"`), "both plans' findings")

	huge := "--- a/x\n+++ b/x\n" + strings.Repeat("+    newTag: 1.8.0 # a long line of diff\n", 5000)
	b.Reset()
	require.NoError(t, report.WritePlans(&b, "markdown", []*promote.Plan{samplePlan(huge), samplePlan(huge), dev}))
	assert.LessOrEqual(t, len(b.String()), report.MarkdownLimit)
	assert.Equal(t, 3, strings.Count(b.String(), "## ✅ Promotion"))
	assert.Error(t, report.WritePlans(&b, "yaml", plans))
}

func TestWritePlanUnknownFormat(t *testing.T) {
	assert.ErrorContains(t, report.WritePlan(&bytes.Buffer{}, "yaml", samplePlan("")), `unknown plan format "yaml"`)
}

func TestWriteStatus(t *testing.T) {
	m := &promote.Matrix{
		Environments: []promote.EnvironmentRef{{Name: "staging"}, {Name: "production"}},
		Rows:         []promote.MatrixRow{{Kind: promote.KindImage, Artifact: "ghcr.io/acme/api", Cells: []promote.Cell{{Version: "1.8.0"}, {Version: "1.7.2", Behind: true}}}},
	}
	var b bytes.Buffer
	require.NoError(t, report.WriteStatus(&b, "markdown", m))
	assert.Contains(t, b.String(), "| `ghcr.io/acme/api` | 1.8.0 | 1.7.2 * |")
	b.Reset()
	require.NoError(t, report.WriteStatus(&b, "text", m))
	assert.Contains(t, b.String(), "image  ghcr.io/acme/api  1.8.0    1.7.2 *")
	assert.Error(t, report.WriteStatus(&b, "xml", m))
}

func TestWritePlanBaselines(t *testing.T) {
	p := samplePlan("")
	p.BlockOn = []finding.Baseline{finding.BaselineNew}
	p.Findings = []finding.Finding{
		{Rule: "no-latest-tag", Message: "latest", Baseline: finding.BaselineExisting, Source: manifest.Origin{File: "a.yaml", Line: 3}},
		{Rule: "schema", Message: "bad", Baseline: finding.BaselineNew},
		{Rule: "no-prerelease", Message: "rc", Baseline: finding.BaselineFixed},
	}
	old := promote.Version{Tag: "latest"}
	p.Changes[0].OnlyInTarget = []promote.Use{{Object: manifest.ID{Group: "apps", Kind: "Deployment", Name: "legacy"}, Version: old}}

	var b bytes.Buffer
	require.NoError(t, report.WritePlan(&b, "text", p))
	out := b.String()
	assert.Contains(t, out, "(blocking on new errors)")
	assert.Contains(t, out, "  existing: a.yaml:3: error [no-latest-tag] latest\n")
	assert.Contains(t, out, "  new: error [schema] bad\n")
	assert.Contains(t, out, "Fixed by the promotion (found before the edits, not after):\n  error [no-prerelease] rc\n")
	assert.Contains(t, out, "image ghcr.io/acme/api at latest in apps/Deployment/legacy")

	b.Reset()
	require.NoError(t, report.WritePlan(&b, "markdown", p))
	assert.Contains(t, b.String(), "- **existing** a.yaml:3: error [no-latest-tag] latest")
	assert.Contains(t, b.String(), "1 new, 1 existing (blocking on new errors)")
	assert.Contains(t, b.String(), "Fixed by the promotion: 1")

	b.Reset()
	require.NoError(t, report.WritePlan(&b, "sarif", p))
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID        string `json:"ruleId"`
				BaselineState string `json:"baselineState"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	got := map[string]string{}
	for _, r := range log.Runs[0].Results {
		got[r.RuleID] = r.BaselineState
	}
	assert.Equal(t, map[string]string{"no-latest-tag": "unchanged", "schema": "new", "no-prerelease": "absent"}, got)
}
