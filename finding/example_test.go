package finding_test

import (
	"fmt"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

func ExampleFinding() {
	f := finding.Finding{
		Rule:     "no-latest-tag",
		Severity: finding.SeverityError,
		Message:  `container "web" uses image "nginx:latest" with the latest tag; pin a version`,
		Object:   manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"},
		Field:    finding.Pointer("spec", "template", "spec", "containers", 0, "image"),
		Source:   manifest.Origin{File: "overlays/production/kustomization.yaml", Line: 17},
	}
	fmt.Println(f)
	// Output:
	// overlays/production/kustomization.yaml:17: error [no-latest-tag] apps/Deployment/shop/web /spec/template/spec/containers/0/image: container "web" uses image "nginx:latest" with the latest tag; pin a version
}
