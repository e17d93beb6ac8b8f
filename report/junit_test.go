package report_test

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/report"
)

type junitCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	File      string `xml:"file,attr"`
	Line      string `xml:"line,attr"`
	Failure   *struct {
		Text string `xml:",chardata"`
	} `xml:"failure"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
}

func junitCases(t *testing.T, r report.Report) []junitCase {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, "junit", r))
	var doc struct {
		Suites []struct {
			Tests int         `xml:"tests,attr"`
			Cases []junitCase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	assert.Equal(t, len(doc.Suites[0].Cases), doc.Suites[0].Tests)
	return doc.Suites[0].Cases
}

func TestJUnitOneCasePerCheckPerObject(t *testing.T) {
	api := manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "prod", Name: "api"}
	web := manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "prod", Name: "web"}
	r := report.Report{
		Tool:    "ferry check",
		Checked: 2,
		Objects: []report.Object{{ID: web, Source: manifest.Origin{File: "web.yaml", Line: 1}}, {ID: api, Source: manifest.Origin{File: "api.yaml", Line: 1}}},
		Checks:  []string{"semver-tag", "no-latest-tag"},
	}
	clean := junitCases(t, r)
	names := make([]string, len(clean))
	for i, c := range clean {
		names[i] = c.Name
		assert.Nil(t, c.Failure)
		assert.Nil(t, c.Skipped)
	}
	assert.Equal(t, []string{
		"no-latest-tag/apps/Deployment/prod/api", "no-latest-tag/apps/Deployment/prod/web",
		"semver-tag/apps/Deployment/prod/api", "semver-tag/apps/Deployment/prod/web",
	}, names, "a clean run lists every case as passed")

	r.Findings = []finding.Finding{
		{Rule: "semver-tag", Message: "tag a", Object: api, Source: manifest.Origin{File: "kustomization.yaml", Line: 9}},
		{Rule: "semver-tag", Message: "tag b", Object: api, Source: manifest.Origin{File: "kustomization.yaml", Line: 10}},
		{Rule: "no-latest-tag", Message: "latest", Object: web, Waiver: &finding.Waiver{Reason: "vendor"}},
		{Rule: "render-error", Message: "cannot render", Source: manifest.Origin{File: "overlays/x/kustomization.yaml", Line: 2}},
	}
	got := map[string]junitCase{}
	for _, c := range junitCases(t, r) {
		got[c.Name] = c
	}
	assert.Len(t, got, 5, "the same cases, and one for the finding of a check the report does not list")
	failed := got["semver-tag/apps/Deployment/prod/api"]
	require.NotNil(t, failed.Failure)
	assert.Equal(t, "semver-tag", failed.Classname)
	assert.Equal(t, "kustomization.yaml:9: [semver-tag] apps/Deployment/prod/api: tag a\nkustomization.yaml:10: [semver-tag] apps/Deployment/prod/api: tag b", failed.Failure.Text, "every message with its file:line")
	assert.Equal(t, [2]string{"kustomization.yaml", "9"}, [2]string{failed.File, failed.Line})
	require.NotNil(t, got["no-latest-tag/apps/Deployment/prod/web"].Skipped)
	assert.Equal(t, "waived: vendor", got["no-latest-tag/apps/Deployment/prod/web"].Skipped.Message)
	assert.Nil(t, got["no-latest-tag/apps/Deployment/prod/api"].Failure)
	assert.NotNil(t, got["render-error/overlays/x/kustomization.yaml"].Failure)
}

func TestJUnitSameObjectInTwoEnvironments(t *testing.T) {
	api := manifest.ID{Kind: "Deployment", Name: "api"}
	r := report.Report{
		Objects: []report.Object{{ID: api, Source: manifest.Origin{File: "staging/api.yaml"}}, {ID: api, Source: manifest.Origin{File: "production/api.yaml"}}},
		Checks:  []string{"schema"},
		Findings: []finding.Finding{
			{Rule: "schema", Message: "bad", Object: api, Source: manifest.Origin{File: "production/api.yaml", Line: 3}},
		},
	}
	cases := junitCases(t, r)
	require.Len(t, cases, 2)
	assert.Equal(t, "schema/Deployment/api@production/api.yaml", cases[0].Name)
	assert.NotNil(t, cases[0].Failure)
	assert.Equal(t, "schema/Deployment/api@staging/api.yaml", cases[1].Name)
	assert.Nil(t, cases[1].Failure)
}
