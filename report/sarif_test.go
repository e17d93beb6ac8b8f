package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

// sarifSchema compiles the official SARIF 2.1.0 JSON schema (OASIS,
// errata 01), vendored in testdata.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", doc))
	s, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)
	return s
}

// sarifLog is what GitHub code scanning reads of a log.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string                          `json:"id"`
					ShortDescription struct{ Text string }           `json:"shortDescription"`
					FullDescription  struct{ Text string }           `json:"fullDescription"`
					Help             struct{ Text, Markdown string } `json:"help"`
					HelpURI          string                          `json:"helpUri"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFMatchesTheSchema(t *testing.T) {
	schema := sarifSchema(t)
	bad, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`)))
	require.NoError(t, err)
	require.Error(t, schema.Validate(bad), "the schema is enforced: a driver needs a name")
	combined := report.Report{Tool: "ferry check", Checked: 2, Findings: []finding.Finding{
		{Rule: "main.deny", Severity: finding.SeverityError, Message: "two services share a port", Metadata: map[string]any{"title": "Ports are unique"}},
	}}
	stdin := combined
	stdin.Input = "-"
	plan := samplePlan("--- a/x\n+++ b/x\n")
	plan.Findings = append(plan.Findings,
		finding.Finding{Rule: "no-latest-tag", Message: "latest", Baseline: finding.BaselineFixed, Object: manifest.ID{Kind: "Deployment", Name: "api"}},
		finding.Finding{Rule: "promotion-incomplete", Message: "api still runs 1.7.2", Baseline: finding.BaselineNew})
	validate := report.Report{Tool: "ferry validate", Checked: 1, Findings: []finding.Finding{
		{Rule: "schema", Message: "missing properties: 'containers'", Object: manifest.ID{Kind: "Pod", Name: "x"}, Field: "/spec", Source: manifest.Origin{File: "pod.yaml", Line: 4}},
	}}
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
		// uris are the artifact URIs of the results, in order.
		uris []string
	}{
		{name: "check", write: func(b *bytes.Buffer) error { return report.Write(b, "sarif", sample()) },
			uris: []string{".", "apps/base/storefront/deployment.yaml", "apps/base/storefront/deployment.yaml", "overlays/production/kustomization.yaml"}},
		{name: "check --combine", write: func(b *bytes.Buffer) error { return report.Write(b, "sarif", combined) }, uris: []string{"."}},
		{name: "stdin", write: func(b *bytes.Buffer) error { return report.Write(b, "sarif", stdin) }, uris: []string{"-"}},
		{name: "validate", write: func(b *bytes.Buffer) error { return report.Write(b, "sarif", validate) }, uris: []string{"pod.yaml"}},
		{name: "empty", write: func(b *bytes.Buffer) error { return report.Write(b, "sarif", report.Report{Tool: "ferry validate"}) }},
		{name: "plan", write: func(b *bytes.Buffer) error { return report.WritePlan(b, "sarif", plan) },
			uris: []string{"overlays/production", "overlays/production", "overlays/production/kustomization.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(&b))
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			require.NoError(t, err)
			assert.NoError(t, schema.Validate(inst))

			var log sarifLog
			require.NoError(t, json.Unmarshal(b.Bytes(), &log))
			require.Len(t, log.Runs, 1)
			var uris []string
			for _, res := range log.Runs[0].Results {
				require.Len(t, res.Locations, 1, "GitHub refuses a result without a location")
				uris = append(uris, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
				assert.Len(t, res.PartialFingerprints["ferryFinding/v1"], 32)
			}
			assert.Equal(t, tc.uris, uris)
			for _, rule := range log.Runs[0].Tool.Driver.Rules {
				assert.NotEmpty(t, rule.ShortDescription.Text, rule.ID)
				assert.NotEmpty(t, rule.FullDescription.Text, rule.ID)
				assert.NotEmpty(t, rule.Help.Text, rule.ID)
				assert.NotEmpty(t, rule.Help.Markdown, rule.ID)
			}
		})
	}
}

func TestSARIFRuleDocumentation(t *testing.T) {
	r := report.Report{Findings: []finding.Finding{
		{Rule: "semver-tag", Message: "m"},
		{Rule: "schema", Message: "m"},
		{Rule: "main.deny", Message: "m", Metadata: map[string]any{"title": "Ports are unique"}},
	}}
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, "sarif", r))
	var log sarifLog
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	got := map[string][2]string{}
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		got[rule.ID] = [2]string{rule.ShortDescription.Text, rule.HelpURI}
	}
	assert.Equal(t, [2]string{"Ports are unique", ""}, got["main.deny"], "a rule of the user's policies has its METADATA title")
	assert.Equal(t, report.DocsURL+"rules.md#schema", got["schema"][1])
	assert.Equal(t, report.DocsURL+"policies.md#semver-tag", got["semver-tag"][1])
	assert.NotEqual(t, "semver-tag", got["semver-tag"][0], "a built-in rule has its title")
}

func TestSARIFFingerprintsIgnoreLines(t *testing.T) {
	fingerprints := func(line int, msg string) string {
		r := report.Report{Findings: []finding.Finding{{Rule: "semver-tag", Message: msg, Object: manifest.ID{Kind: "Deployment", Name: "api"},
			Source: manifest.Origin{File: "overlays/production/kustomization.yaml", Line: line}}}}
		var b bytes.Buffer
		require.NoError(t, report.Write(&b, "sarif", r))
		var log sarifLog
		require.NoError(t, json.Unmarshal(b.Bytes(), &log))
		return log.Runs[0].Results[0].PartialFingerprints["ferryFinding/v1"]
	}
	assert.Equal(t, fingerprints(7, "tag x"), fingerprints(12, "tag x"), "a line shifted by an unrelated edit keeps the alert")
	assert.NotEqual(t, fingerprints(7, "tag x"), fingerprints(7, "tag y"))
}

func TestWritePlanAnnotationsAndJUnit(t *testing.T) {
	p := samplePlan("")
	p.Verdict = promote.Verdict{Status: promote.StatusBlocked, Reasons: []string{"1 new error"}}
	p.Findings = []finding.Finding{
		{Rule: "semver-tag", Message: "bad tag", Baseline: finding.BaselineNew, Object: manifest.ID{Kind: "Deployment", Name: "api"}, Source: manifest.Origin{File: "overlays/production/kustomization.yaml", Line: 7}},
		{Rule: "no-latest-tag", Message: "gone", Baseline: finding.BaselineFixed, Source: manifest.Origin{File: "overlays/production/kustomization.yaml", Line: 9}},
	}
	var b bytes.Buffer
	require.NoError(t, report.WritePlan(&b, "github", p))
	assert.Equal(t, "::error file=overlays/production/kustomization.yaml,line=7,title=semver-tag::Deployment/api: new: bad tag\n"+
		"::notice title=ferry plan::promotion staging -> production: blocked (1 new error)\n", b.String(), "fixed findings are not annotated")

	b.Reset()
	require.NoError(t, report.WritePlan(&b, "azuredevops", p))
	assert.Contains(t, b.String(), "##vso[task.logissue type=error;sourcepath=overlays/production/kustomization.yaml;linenumber=7;code=semver-tag]Deployment/api: new: bad tag\n")

	b.Reset()
	require.NoError(t, report.WritePlan(&b, "junit", p))
	out := b.String()
	assert.Contains(t, out, `<testsuite name="ferry plan" tests="2" failures="2" skipped="0">`)
	assert.Contains(t, out, `<testcase name="promotion/staging-&gt;production" classname="promotion" file="overlays/production">`)
	assert.Contains(t, out, `<testcase name="semver-tag/Deployment/api" classname="semver-tag" file="overlays/production/kustomization.yaml" line="7">`)
}

// TestSARIFLinksEveryDocumentedRule: each rule docs/rules.md documents is
// linked to its section, so the links of SARIF output do not go stale.
func TestSARIFLinksEveryDocumentedRule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	require.NoError(t, err)
	var r report.Report
	for _, line := range strings.Split(string(data), "\n") {
		if id, ok := strings.CutPrefix(line, "### "); ok {
			r.Findings = append(r.Findings, finding.Finding{Rule: id, Message: "m"})
		}
	}
	require.Greater(t, len(r.Findings), 20)
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, "sarif", r))
	var log sarifLog
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		assert.Equal(t, report.DocsURL+"rules.md#"+rule.ID, rule.HelpURI)
		assert.NotEqual(t, rule.ID, rule.ShortDescription.Text, "%s has a title", rule.ID)
	}
}
