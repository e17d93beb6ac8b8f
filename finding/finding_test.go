package finding_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

func TestPointer(t *testing.T) {
	assert.Equal(t, "/spec/template/spec/containers/0/image", finding.Pointer("spec", "template", "spec", "containers", 0, "image"))
	assert.Equal(t, "/metadata/annotations/ferry.dev~1waive", finding.Pointer("metadata", "annotations", "ferry.dev/waive"))
	assert.Equal(t, "/a~0b", finding.Pointer("a~b"))
	assert.Equal(t, []string{"metadata", "annotations", "ferry.dev/waive"}, finding.SplitPointer("/metadata/annotations/ferry.dev~1waive"))
	assert.Equal(t, []string{"a~b", "0"}, finding.SplitPointer("/a~0b/0"))
	assert.Empty(t, finding.SplitPointer(""))
}

func TestSeverityText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want finding.Severity
	}{{"error", finding.SeverityError}, {"deny", finding.SeverityError}, {"WARN", finding.SeverityWarning}, {"warning", finding.SeverityWarning}, {"info", finding.SeverityInfo}} {
		got, err := finding.ParseSeverity(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	_, err := finding.ParseSeverity("fatal")
	assert.ErrorContains(t, err, `unknown severity "fatal"`)

	_, err = finding.Severity(7).MarshalText()
	assert.Error(t, err)
}

func TestFindingJSONAndString(t *testing.T) {
	f := finding.Finding{
		Rule:     "no-latest-tag",
		Severity: finding.SeverityWarning,
		Message:  `image "nginx" has no tag`,
		Object:   manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "prod", Name: "web"},
		Field:    "/spec/template/spec/containers/0/image",
		Source:   manifest.Origin{File: "apps/web/deployment.yaml", Line: 12},
	}
	js, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rule":"no-latest-tag","severity":"warning","message":"image \"nginx\" has no tag",
		"object":{"group":"apps","kind":"Deployment","namespace":"prod","name":"web"},
		"field":"/spec/template/spec/containers/0/image","source":{"file":"apps/web/deployment.yaml","line":12}}`, string(js))
	var back finding.Finding
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, f, back)
	assert.Equal(t, `apps/web/deployment.yaml:12: warning [no-latest-tag] apps/Deployment/prod/web /spec/template/spec/containers/0/image: image "nginx" has no tag`, f.String())

	plan := finding.Finding{Rule: "freeze-window", Message: "production is frozen"}
	js, err = json.Marshal(plan)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rule":"freeze-window","severity":"error","message":"production is frozen"}`, string(js), "zero object and source are left out")
	assert.Equal(t, "error [freeze-window] production is frozen", plan.String())
}

func TestSortAndCount(t *testing.T) {
	fs := []finding.Finding{
		{Rule: "b", Source: manifest.Origin{File: "z.yaml", Line: 1}},
		{Rule: "a", Severity: finding.SeverityWarning, Source: manifest.Origin{File: "a.yaml", Line: 9}},
		{Rule: "a", Source: manifest.Origin{File: "a.yaml", Line: 2}, Waiver: &finding.Waiver{Reason: "vendor image"}},
		{Rule: "c", Severity: finding.SeverityInfo},
	}
	finding.Sort(fs)
	var order []string
	for _, f := range fs {
		order = append(order, f.Source.String()+" "+f.Rule)
	}
	assert.Equal(t, []string{" c", "a.yaml:2 a", "a.yaml:9 a", "z.yaml:1 b"}, order)
	assert.Equal(t, finding.Counts{Errors: 1, Warnings: 1, Infos: 1, Waived: 1}, finding.Count(fs))
}
