package promote

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blang/semver/v4"
)

// Relation says how the source's version of an artifact relates to the
// target's.
type Relation string

// Relations.
const (
	// RelationUpgrade: the source's version is higher.
	RelationUpgrade Relation = "upgrade"
	// RelationDowngrade: the source's version is lower.
	RelationDowngrade Relation = "downgrade"
	// RelationSame: same tag and digest; nothing to promote.
	RelationSame Relation = "same"
	// RelationDigest: same tag, another digest (a rebuild).
	RelationDigest Relation = "digest"
	// RelationIncomparable: the tags differ and are not both semantic
	// versions.
	RelationIncomparable Relation = "incomparable"
	// RelationOnlyInSource: the target does not use the artifact.
	RelationOnlyInSource Relation = "only-in-source"
	// RelationOnlyInTarget: the source does not use the artifact.
	RelationOnlyInTarget Relation = "only-in-target"
	// RelationAmbiguous: the source, or the target, pins several versions
	// of the artifact, so there is no one version to carry over.
	RelationAmbiguous Relation = "ambiguous"
	// RelationRange: the source or the target pins a range (a chart
	// version or source semver constraint such as ">=1.0.0"), not a
	// version: it is promoted only when the request allows ranges.
	RelationRange Relation = "range"
)

// isRange reports whether a chart version or source ref is a constraint
// (">=1.0.0", "~1.2", "1.x", "*", "1.0.0 - 2.0.0") rather than a version.
func isRange(tag string) bool {
	if strings.ContainsAny(tag, "<>=^~*|, ") {
		return true
	}
	for _, part := range strings.Split(strings.TrimPrefix(tag, "v"), ".") {
		if part == "x" || part == "X" {
			return true
		}
	}
	return false
}

// Bump is the part of a semantic version that an upgrade or downgrade
// changes.
type Bump string

// Bumps, from largest to smallest.
const (
	BumpMajor      Bump = "major"
	BumpMinor      Bump = "minor"
	BumpPatch      Bump = "patch"
	BumpPrerelease Bump = "prerelease"
	BumpBuild      Bump = "build"
)

// ParseSemver parses a strict semantic version, with an optional leading v.
func ParseSemver(tag string) (semver.Version, bool) {
	v, err := semver.Parse(strings.TrimPrefix(tag, "v"))
	return v, err == nil
}

// Compare relates the source's version to the target's and, for upgrades
// and downgrades, says what part changed. It warns when prerelease
// identifiers such as rc9 and rc10 are compared as text, which orders them
// the wrong way.
func Compare(from, to Version) (Relation, Bump, []string) {
	if from == to {
		return RelationSame, "", nil
	}
	if from.Tag == to.Tag {
		return RelationDigest, "", nil
	}
	a, okA := ParseSemver(from.Tag)
	b, okB := ParseSemver(to.Tag)
	if !okA || !okB {
		return RelationIncomparable, "", nil
	}
	warnings := textualPrereleases(a, b)
	var bump Bump
	switch {
	case a.Major != b.Major:
		bump = BumpMajor
	case a.Minor != b.Minor:
		bump = BumpMinor
	case a.Patch != b.Patch:
		bump = BumpPatch
	case a.Compare(b) != 0:
		bump = BumpPrerelease
	default:
		bump = BumpBuild // semver ignores build metadata: 1.0.0+a == 1.0.0+b
		return RelationIncomparable, bump, warnings
	}
	if b.GT(a) {
		return RelationUpgrade, bump, warnings
	}
	return RelationDowngrade, bump, warnings
}

// numberedWord matches prerelease identifiers like rc9, beta10.
var numberedWord = regexp.MustCompile(`^([A-Za-z-]+)(\d+)$`)

// textualPrereleases warns when both versions carry prerelease identifiers
// that end in numbers without a dot (rc9, rc10): semver compares them as
// text, so rc10 sorts before rc9.
func textualPrereleases(a, b semver.Version) []string {
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		x, y := a.Pre[i], b.Pre[i]
		if x.IsNum || y.IsNum {
			continue
		}
		mx, my := numberedWord.FindStringSubmatch(x.VersionStr), numberedWord.FindStringSubmatch(y.VersionStr)
		if mx != nil && my != nil && mx[1] == my[1] && mx[2] != my[2] && len(mx[2]) != len(my[2]) {
			return []string{fmt.Sprintf("prerelease identifiers %s and %s compare as text in semantic versioning, so %s sorts before %s; tag them %s.%s and %s.%s to order them by number",
				x.VersionStr, y.VersionStr, min(x.VersionStr, y.VersionStr), max(x.VersionStr, y.VersionStr), mx[1], mx[2], my[1], my[2])}
		}
		if x.VersionStr != y.VersionStr {
			return nil
		}
	}
	return nil
}
