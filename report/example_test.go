package report_test

import (
	"os"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/report"
)

func ExampleWrite() {
	r := report.Report{Tool: "ferry check", Checked: 3, Findings: []finding.Finding{{
		Rule: "semver-tag", Severity: finding.SeverityError,
		Message: `tag "2024-05-01" is not a semantic version`,
		Source:  manifest.Origin{File: "overlays/production/kustomization.yaml", Line: 19},
	}}}
	_ = report.Write(os.Stdout, "github", r)
	// Output:
	// ::error file=overlays/production/kustomization.yaml,line=19,title=semver-tag::tag "2024-05-01" is not a semantic version
	// ::notice title=ferry check::3 objects checked: 1 error, 0 warnings, 0 waived
}
