// Package imagepolicy chooses the newest allowed tag of each image an
// environment runs, from its OCI registry, the way Flux's
// image-reflector-controller does, and offers the choice to a plan as a
// promote.VersionSource: ferry plan --to dev --from-registry.
//
// Policies come from the Flux ImagePolicy and ImageRepository objects the
// environment renders (semver ranges, alphabetical and numerical order,
// filterTags with extract, digestReflectionPolicy, the repository's
// exclusionList), or from the caller. Tags are listed with
// go-containerregistry (anonymous, or with the Docker config's
// credentials, as crane does), or by a caller-supplied Lister.
package imagepolicy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Order is the order of an alphabetical or numerical policy: ASC (the
// default) chooses the last tag, DESC the first.
type Order string

// Orders.
const (
	OrderAsc  Order = "ASC"
	OrderDesc Order = "DESC"
)

// Digest reflection policies (ImagePolicy spec.digestReflectionPolicy).
const (
	DigestNever        = "Never"
	DigestIfNotPresent = "IfNotPresent"
	DigestAlways       = "Always"
)

// Policy chooses the newest allowed tag of one image repository. Exactly
// one of SemVer, Alphabetical and Numerical is set.
type Policy struct {
	// Name identifies the policy in messages: the ImagePolicy's
	// namespace/name.
	Name string
	// Image is the image repository, as ImageRepository spec.image spells
	// it ("ghcr.io/acme/web").
	Image string
	// SemVer is a semver range (">=1.0.0 <2.0.0", "5.1.x", "^1.2").
	SemVer string
	// Alphabetical and Numerical are the order of those policies.
	Alphabetical, Numerical Order
	// FilterPattern keeps the tags it matches; FilterExtract, when set,
	// is the value the policy orders instead ("$ts" of a named group).
	FilterPattern, FilterExtract string
	// Exclude are the ImageRepository's exclusionList: tags matching any
	// are never listed. Flux's default when the list is unset is
	// ["^.*\\.sig$"]; FromObjects sets it so.
	Exclude []string
	// DigestReflection is Never (""), IfNotPresent or Always: with the
	// latter two the chosen version is pinned to its digest too — with
	// IfNotPresent, a use that already pins the chosen tag keeps its own
	// digest (a tag pushed again is not followed), as Flux does; Always
	// looks the digest up every time.
	DigestReflection string
	// File and Line are where the policy is defined, for messages.
	File string
	Line int
}

// ErrNoTag is returned by Latest when no tag is allowed.
var ErrNoTag = errors.New("no tag is allowed")

// where names the policy's definition in messages.
func (p Policy) where() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: ", p.File, p.Line)
	case p.File != "":
		return p.File + ": "
	}
	return ""
}

// Check reports a policy that cannot choose: no policy or several, an
// unknown order, an invalid range or pattern.
func (p Policy) Check() error {
	set := 0
	for _, s := range []string{p.SemVer, string(p.Alphabetical), string(p.Numerical)} {
		if s != "" {
			set++
		}
	}
	switch {
	case set == 0:
		return fmt.Errorf("%simage policy %s: set one of semver, alphabetical or numerical", p.where(), p.Name)
	case set > 1:
		return fmt.Errorf("%simage policy %s: set only one of semver, alphabetical or numerical", p.where(), p.Name)
	}
	for _, o := range []Order{p.Alphabetical, p.Numerical} {
		if o != "" && o != OrderAsc && o != OrderDesc {
			return fmt.Errorf("%simage policy %s: order %q: use ASC or DESC", p.where(), p.Name, o)
		}
	}
	if p.SemVer != "" {
		if _, err := semver.NewConstraint(p.SemVer); err != nil {
			return fmt.Errorf("%simage policy %s: semver range %q: %w", p.where(), p.Name, p.SemVer, err)
		}
	}
	if _, err := regexp.Compile(p.FilterPattern); err != nil {
		return fmt.Errorf("%simage policy %s: filterTags.pattern: %w", p.where(), p.Name, err)
	}
	for _, e := range p.Exclude {
		if _, err := regexp.Compile(e); err != nil {
			return fmt.Errorf("%simage policy %s: exclusionList %q: %w", p.where(), p.Name, e, err)
		}
	}
	switch p.DigestReflection {
	case "", DigestNever, DigestIfNotPresent, DigestAlways:
	default:
		return fmt.Errorf("%simage policy %s: digestReflectionPolicy %q: use Never, IfNotPresent or Always", p.where(), p.Name, p.DigestReflection)
	}
	return nil
}

// Latest returns the tag the policy chooses among tags, as
// image-reflector-controller chooses it: tags the exclusion list matches
// are dropped; with a filter, only the tags its pattern matches are kept,
// and ordered by what extract makes of them; a semver policy takes the
// highest version in the range (a leading "v" allowed, prereleases only
// when the range names one, or, when allowPrerelease says the environment
// takes them, a prerelease of a version in the range); an alphabetical one the last tag in byte order (ASC) or
// the first (DESC); a numerical one the largest number (ASC) or the
// smallest (DESC), and fails on a tag that is not a number, as Flux does.
// Unlike Flux, ties are broken deterministically (the first tag in byte
// order wins), so the same tags always give the same choice.
func (p Policy) Latest(tags []string, allowPrerelease bool) (string, error) {
	if err := p.Check(); err != nil {
		return "", err
	}
	candidates, err := p.filter(tags)
	if err != nil {
		return "", err
	}
	// candidate value -> original tag; sorted values make ties stable.
	values := slices.Sorted(func(yield func(string) bool) {
		for v := range candidates {
			if !yield(v) {
				return
			}
		}
	})
	if len(values) == 0 {
		return "", fmt.Errorf("%simage policy %s: %w: none of the %d tags of %s passes the filter", p.where(), p.Name, ErrNoTag, len(tags), p.Image)
	}
	var best string
	switch {
	case p.SemVer != "":
		c, _ := semver.NewConstraint(p.SemVer)
		var top *semver.Version
		for _, v := range values {
			sv, err := parseVersion(v)
			if err != nil || !(c.Check(sv) || allowPrerelease && prereleaseOf(c, sv)) {
				continue
			}
			if top == nil || sv.GreaterThan(top) {
				top, best = sv, v
			}
		}
		if top == nil {
			return "", fmt.Errorf("%simage policy %s: %w: no tag of %s is a version in the range %q", p.where(), p.Name, ErrNoTag, p.Image, p.SemVer)
		}
	case p.Alphabetical != "":
		best = values[len(values)-1]
		if p.Alphabetical == OrderDesc {
			best = values[0]
		}
	default:
		var top float64
		for i, v := range values {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return "", fmt.Errorf("%simage policy %s: tag %q of %s is not a number: a numerical policy needs a filter that extracts one", p.where(), p.Name, candidates[v], p.Image)
			}
			if i == 0 || (p.Numerical != OrderDesc && n > top) || (p.Numerical == OrderDesc && n < top) {
				top, best = n, v
			}
		}
	}
	return candidates[best], nil
}

// filter maps the value each allowed tag is ordered by to the tag.
func (p Policy) filter(tags []string) (map[string]string, error) {
	exclude := make([]*regexp.Regexp, len(p.Exclude))
	for i, e := range p.Exclude {
		exclude[i] = regexp.MustCompile(e) // Check compiled it
	}
	pattern := regexp.MustCompile(p.FilterPattern)
	out := map[string]string{}
	for _, t := range slices.Sorted(slices.Values(tags)) {
		if slices.ContainsFunc(exclude, func(re *regexp.Regexp) bool { return re.MatchString(t) }) {
			continue
		}
		m := pattern.FindStringSubmatchIndex(t)
		if m == nil {
			continue
		}
		value := t
		if p.FilterExtract != "" {
			value = string(pattern.ExpandString(nil, p.FilterExtract, t, m))
		}
		if _, dup := out[value]; !dup {
			out[value] = t
		}
	}
	return out, nil
}

// prereleaseOf says v is a prerelease of a version the range holds: what
// an environment that allows prereleases takes besides what Flux takes
// (1.4.0-rc.1 for >=1.0.0 <2.0.0, never 2.0.0-rc.1).
func prereleaseOf(c *semver.Constraints, v *semver.Version) bool {
	if v.Prerelease() == "" {
		return false
	}
	release, err := v.SetPrerelease("")
	return err == nil && c.Check(&release)
}

// parseVersion parses a strict semantic version with an optional leading
// "v", as Flux's version.ParseVersion does.
func parseVersion(s string) (*semver.Version, error) {
	return semver.StrictNewVersion(strings.TrimPrefix(s, "v"))
}
