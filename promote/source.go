package promote

import (
	"context"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// A VersionSource chooses the versions a promotion carries into the target
// when they come from somewhere other than an environment of the
// repository: the newest tags an image registry allows
// (github.com/ferrygitops/ferry/imagepolicy). The plan is then the target
// environment with those versions, edited and checked like any other.
type VersionSource interface {
	// Name names the source in the plan: "registry".
	Name() string
	// Versions returns the version each artifact (by name, as
	// Artifact.Name) should take; artifacts it leaves out keep theirs.
	// Findings, such as a policy that allows no tag, are added to the
	// plan; an error (a registry that cannot be read) stops it.
	Versions(ctx context.Context, target VersionTarget) (map[string]Version, []finding.Finding, error)
}

// VersionTarget is what a VersionSource chooses versions for: the target
// environment as configured and as rendered.
type VersionTarget struct {
	Environment Environment
	Objects     []*manifest.Object
	Artifacts   []Artifact
}

// withVersions sets every use of the artifacts versions names to its
// version.
func withVersions(arts []Artifact, versions map[string]Version) []Artifact {
	for i := range arts {
		v, ok := versions[arts[i].Name]
		if !ok {
			continue
		}
		for j := range arts[i].Uses {
			arts[i].Uses[j].Version = v
		}
	}
	return arts
}
