package imagepolicy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/promote"
)

// RuleNoTag is the rule of the finding a policy gives when it allows no
// tag: the image keeps its version, and the plan says why.
const RuleNoTag = "image-policy"

// Source is a promote.VersionSource: for each image policy of the target
// environment (its Flux ImagePolicy objects, those ferry.yaml gives it,
// then Policies), the newest tag the policy allows, read from the registry.
type Source struct {
	// Lister reads tags; nil is Registry{}.
	Lister Lister
	// Policies are used besides the environment's ImagePolicy objects
	// (for teams that do not use Flux's image automation); a policy for an
	// image an ImagePolicy already governs is refused.
	Policies []Policy
}

// Name is "registry".
func (s Source) Name() string { return "registry" }

// Versions chooses a version for each image of the target that a policy
// governs. Prereleases are chosen only when the range names one or the
// environment's policy allows them (allowPrerelease). An image whose
// policy allows no tag keeps its version, with a warning finding; a
// registry that cannot be read is an error. Images no policy governs keep
// their versions.
func (s Source) Versions(ctx context.Context, t promote.VersionTarget) (map[string]promote.Version, []finding.Finding, error) {
	lister := s.Lister
	if lister == nil {
		lister = Registry{}
	}
	policies, err := FromObjects(t.Objects)
	if err != nil {
		return nil, nil, err
	}
	governed := map[string]Policy{}
	for _, p := range policies {
		governed[promote.ImageName(p.Image)] = p
	}
	for _, p := range append(configured(t.Environment), s.Policies...) {
		if err := p.Check(); err != nil {
			return nil, nil, err
		}
		img := promote.ImageName(p.Image)
		if other, ok := governed[img]; ok {
			return nil, nil, fmt.Errorf("%simage %s has two policies, %s and %s: keep one", p.where(), p.Image, other.Name, p.Name)
		}
		governed[img] = p
		policies = append(policies, p)
	}
	used := map[string]bool{}
	for _, a := range t.Artifacts {
		if a.Kind == promote.KindImage {
			used[a.Name] = true
		}
	}
	allowPre := t.Environment.Policy.AllowPrerelease
	out := map[string]promote.Version{}
	var findings []finding.Finding
	for _, p := range policies {
		img := promote.ImageName(p.Image)
		if !used[img] {
			continue // a policy for an image the environment does not run
		}
		tags, err := lister.Tags(ctx, p.Image)
		if err != nil {
			return nil, nil, fmt.Errorf("%simage policy %s: %w", p.where(), p.Name, err)
		}
		tag, err := p.Latest(tags, allowPre)
		if errors.Is(err, ErrNoTag) {
			findings = append(findings, finding.Finding{
				Rule:     RuleNoTag,
				Severity: finding.SeverityWarning,
				Message:  err.Error(),
				Object:   policyID(p),
				Source:   manifest.Origin{File: p.File, Line: p.Line},
			})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		v := promote.Version{Tag: tag}
		if p.DigestReflection == DigestAlways || p.DigestReflection == DigestIfNotPresent {
			if v.Digest, err = lister.Digest(ctx, p.Image, tag); err != nil {
				return nil, nil, fmt.Errorf("%simage policy %s: %w", p.where(), p.Name, err)
			}
		}
		out[img] = v
	}
	finding.Sort(findings)
	return out, findings, nil
}

func policyID(p Policy) manifest.ID {
	ns, name, ok := strings.Cut(p.Name, "/")
	if !ok {
		ns, name = "", p.Name
	}
	return manifest.ID{Group: group, Kind: "ImagePolicy", Namespace: ns, Name: name}
}

// configured are the policies ferry.yaml gives the environment.
func configured(env promote.Environment) []Policy {
	var out []Policy
	for i, ip := range env.ImagePolicies {
		p := Policy{
			Name:             fmt.Sprintf("%s imagePolicies[%d]", env.Name, i),
			Image:            ip.Image,
			Exclude:          defaultExclusions,
			DigestReflection: ip.DigestReflectionPolicy,
			File:             promote.ConfigFile,
		}
		if ip.ExclusionList != nil {
			p.Exclude = ip.ExclusionList
		}
		if ip.FilterTags != nil {
			p.FilterPattern, p.FilterExtract = ip.FilterTags.Pattern, ip.FilterTags.Extract
		}
		switch c := ip.Policy; {
		case c.SemVer != nil:
			p.SemVer = c.SemVer.Range
		case c.Alphabetical != nil:
			p.Alphabetical = Order(strings.ToUpper(orDefault(c.Alphabetical.Order, "asc")))
		case c.Numerical != nil:
			p.Numerical = Order(strings.ToUpper(orDefault(c.Numerical.Order, "asc")))
		}
		out = append(out, p)
	}
	return out
}
