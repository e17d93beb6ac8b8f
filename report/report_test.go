package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sample() report.Report {
	web := manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "shop-production", Name: "storefront"}
	return report.Report{
		Tool:    "ferry check",
		Checked: 7,
		Findings: []finding.Finding{
			{
				Rule: "semver-tag", Severity: finding.SeverityWarning,
				Message: `image "ghcr.io/acme-shop/storefront:2024-05-01" is not pinned to a semantic version`,
				Object:  web, Field: "/spec/template/spec/containers/0/image",
				Source: manifest.Origin{File: "overlays/production/kustomization.yaml", Line: 14},
			},
			{
				Rule: "no-latest-tag", Severity: finding.SeverityError,
				Message: "image \"busybox:latest\" uses the latest tag;\npin a version",
				Object:  web, Field: "/spec/template/spec/initContainers/0/image",
				Source: manifest.Origin{File: "apps/base/storefront/deployment.yaml", Line: 31},
			},
			{
				Rule: "allowed-registries", Severity: finding.SeverityError,
				Message: `registry "docker.io" is not allowed, use one of: ghcr.io`,
				Object:  web,
				Source:  manifest.Origin{File: "apps/base/storefront/deployment.yaml", Line: 31},
				Waiver:  &finding.Waiver{Reason: "vendor image; until 2027-01-31", Until: "2027-01-31"},
			},
			{Rule: "freeze-window", Severity: finding.SeverityInfo, Message: "no freeze window is active, 100% clear: ok"},
		},
	}
}

func TestFormatsGolden(t *testing.T) {
	for _, format := range report.Formats() {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, report.Write(&b, format, sample()))
			golden := filepath.Join("testdata", "sample."+format+".golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./report -update to create the golden file")
			assert.Equal(t, string(want), b.String())

			var again bytes.Buffer
			r := sample()
			r.Findings[0], r.Findings[3] = r.Findings[3], r.Findings[0]
			require.NoError(t, report.Write(&again, format, r))
			assert.Equal(t, b.String(), again.String(), "output does not depend on input order")
		})
	}
}

func TestEmptyReport(t *testing.T) {
	for _, format := range report.Formats() {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, report.Write(&b, format, report.Report{Tool: "ferry validate", Checked: 3}))
			switch format {
			case "json":
				assert.JSONEq(t, `{"tool":"ferry validate","checked":3,"summary":{"errors":0,"warnings":0,"infos":0,"waived":0},"findings":[]}`, b.String())
			case "sarif":
				assert.Contains(t, b.String(), `"results": []`)
			default:
				assert.Contains(t, b.String(), "3 objects checked: 0 errors, 0 warnings, 0 waived")
			}
		})
	}
}

func TestMachineFormatsParse(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, "json", sample()))
	var js struct {
		Checked  int               `json:"checked"`
		Summary  finding.Counts    `json:"summary"`
		Findings []finding.Finding `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &js))
	assert.Equal(t, 7, js.Checked)
	assert.Equal(t, finding.Counts{Errors: 1, Warnings: 1, Infos: 1, Waived: 1}, js.Summary)
	assert.Len(t, js.Findings, 4)

	b.Reset()
	require.NoError(t, report.Write(&b, "junit", sample()))
	var suites struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &suites))
	require.Len(t, suites.Suites, 1)
	assert.Equal(t, 4, suites.Suites[0].Tests)
	assert.Equal(t, 1, suites.Suites[0].Failures)
	assert.Equal(t, 1, suites.Suites[0].Skipped)

	b.Reset()
	require.NoError(t, report.Write(&b, "sarif", sample()))
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &sarif))
	assert.Equal(t, "2.1.0", sarif.Version)
	require.Len(t, sarif.Runs, 1)
	for _, res := range sarif.Runs[0].Results {
		assert.Equal(t, res.RuleID, sarif.Runs[0].Tool.Driver.Rules[res.RuleIndex].ID, "ruleIndex points at the rule")
		assert.Contains(t, []string{"error", "warning", "note"}, res.Level)
	}
}

func TestUnknownFormat(t *testing.T) {
	err := report.Write(&bytes.Buffer{}, "yaml", sample())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown output format "yaml"`)
	assert.Contains(t, err.Error(), "sarif")
}
