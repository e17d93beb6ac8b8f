package promote

import (
	"context"
	"io/fs"

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
	// Artifact.Name) should take, or each use (by UseKey) when the uses of
	// one artifact take different versions; artifacts and uses it leaves
	// out keep theirs.
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
	// FS is the repository, to read the files that set the versions (for
	// the setter comments Flux's image automation writes, say).
	FS fs.FS
}

// UseKey identifies one use of an artifact in the versions a
// VersionSource returns: the object and the field.
func UseKey(u Use) string { return u.Object.String() + "#" + u.Field }

// withVersions sets the uses of the artifacts versions names to their
// version: a use's own (by UseKey), else the artifact's.
func withVersions(arts []Artifact, versions map[string]Version) []Artifact {
	for i := range arts {
		all, ok := versions[arts[i].Name]
		for j := range arts[i].Uses {
			if v, own := versions[UseKey(arts[i].Uses[j])]; own {
				arts[i].Uses[j].Version = v
			} else if ok {
				arts[i].Uses[j].Version = all
			}
		}
	}
	return arts
}
