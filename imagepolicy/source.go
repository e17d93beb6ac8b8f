package imagepolicy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
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

// Versions chooses a version for each use of an image that a policy
// governs, as Flux's image automation would write it:
//
//   - a use whose version is set on a line with a setter comment
//     ({"$imagepolicy": "namespace:name"}, or with :tag or :name) takes
//     the policy the comment names;
//   - where no line carries a setter comment for a policy, every use of
//     its image takes it (the policies of ferry.yaml, say); where some
//     do, only those lines are the policy's, as in Flux, and the others
//     keep their versions;
//   - an image that several policies govern, used on a line without a
//     setter comment, keeps its version, with a warning: ferry does not
//     guess which policy applies.
//
// Prereleases are chosen only when the range names one or the
// environment's policy allows them (allowPrerelease). A policy that allows
// no tag leaves its uses alone, with a warning; a registry that cannot be
// read is an error, and so is a setter comment naming a policy the
// environment does not define.
func (s Source) Versions(ctx context.Context, t promote.VersionTarget) (map[string]promote.Version, []finding.Finding, error) {
	lister := s.Lister
	if lister == nil {
		lister = Registry{}
	}
	policies, err := FromObjects(t.Objects)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]Policy{}
	byImage := map[string][]Policy{}
	for _, p := range policies {
		byName[p.Name] = p
		img := promote.ImageName(p.Image)
		byImage[img] = append(byImage[img], p)
	}
	for _, p := range append(configured(t.Environment), s.Policies...) {
		if err := p.Check(); err != nil {
			return nil, nil, err
		}
		img := promote.ImageName(p.Image)
		if others := byImage[img]; len(others) > 0 {
			return nil, nil, fmt.Errorf("%simage %s has two policies, %s and %s: keep one", p.where(), p.Image, others[0].Name, p.Name)
		}
		byName[p.Name] = p
		byImage[img] = append(byImage[img], p)
	}
	marks, err := setterComments(t)
	if err != nil {
		return nil, nil, err
	}
	marked := map[string]string{} // policy -> the first line that names it
	for _, k := range slices.Sorted(maps.Keys(marks)) {
		m := marks[k]
		if _, ok := byName[m.policy]; !ok {
			return nil, nil, fmt.Errorf("%s:%d: the setter comment names image policy %s, which %s does not define: fix the comment, or render the ImagePolicy with the environment", m.file, m.line, m.policy, t.Environment.Name)
		}
		if marked[m.policy] == "" {
			marked[m.policy] = lineKey(m.file, m.line)
		}
	}

	allowPre := t.Environment.Policy.AllowPrerelease
	chosen := map[string]*promote.Version{} // by policy; nil: no tag allowed
	digests := map[string]string{}          // by policy, of the tag it chose
	digest := func(p Policy, tag string) (string, error) {
		if d, ok := digests[p.Name]; ok {
			return d, nil
		}
		d, err := lister.Digest(ctx, p.Image, tag)
		if err != nil {
			return "", fmt.Errorf("%simage policy %s: %w", p.where(), p.Name, err)
		}
		digests[p.Name] = d
		return d, nil
	}
	choose := func(p Policy) (*promote.Version, []finding.Finding, error) {
		if v, done := chosen[p.Name]; done {
			return v, nil, nil
		}
		tags, err := lister.Tags(ctx, p.Image)
		if err != nil {
			return nil, nil, fmt.Errorf("%simage policy %s: %w", p.where(), p.Name, err)
		}
		tag, err := p.Latest(tags, allowPre)
		if errors.Is(err, ErrNoTag) {
			chosen[p.Name] = nil
			return nil, []finding.Finding{warning(p, err.Error())}, nil
		}
		if err != nil {
			return nil, nil, err
		}
		v := &promote.Version{Tag: tag}
		if p.DigestReflection == DigestAlways {
			if v.Digest, err = digest(p, tag); err != nil {
				return nil, nil, err
			}
		}
		chosen[p.Name] = v
		return v, nil, nil
	}

	out := map[string]promote.Version{}
	var findings []finding.Finding
	for _, a := range t.Artifacts {
		if a.Kind != promote.KindImage || len(byImage[a.Name]) == 0 {
			continue
		}
		warned := false
		for _, u := range a.Uses {
			var p Policy
			if name, ok := marks[lineKey(u.Source.File, u.Source.Line)]; ok {
				p = byName[name.policy]
				if promote.ImageName(p.Image) != a.Name {
					findings = append(findings, warning(p, fmt.Sprintf("%s:%d: the setter comment names image policy %s, for %s, on a line that sets %s: the line keeps its version", u.Source.File, u.Source.Line, p.Name, p.Image, a.Name)))
					continue
				}
			} else {
				candidates := byImage[a.Name]
				if len(candidates) > 1 {
					if !warned {
						names := make([]string, len(candidates))
						for i, c := range candidates {
							names[i] = c.Name
						}
						findings = append(findings, warning(candidates[0], fmt.Sprintf("%s has several image policies (%s) and %s:%d names none of them in a setter comment: that use keeps its version", a.Name, strings.Join(names, ", "), u.Source.File, u.Source.Line)))
						warned = true
					}
					continue
				}
				if p = candidates[0]; marked[p.Name] != "" {
					// As in Flux, the policy's lines are the ones it marks;
					// a use set elsewhere is left alone, and said so.
					findings = append(findings, warning(p, fmt.Sprintf("the setter comments of %s mark %s, but %s is set at %s:%d, which none marks: that use keeps its version; mark the line that sets it", p.Name, marked[p.Name], u.Object, u.Source.File, u.Source.Line)))
					continue
				}
			}
			v, fs, err := choose(p)
			if err != nil {
				return nil, nil, err
			}
			findings = append(findings, fs...)
			if v == nil {
				continue
			}
			version := *v
			if p.DigestReflection == DigestIfNotPresent {
				// As Flux: a use that pins the chosen tag keeps its digest;
				// only a new tag's digest is looked up.
				if u.Version.Tag == v.Tag && u.Version.Digest != "" {
					version.Digest = u.Version.Digest
				} else if version.Digest, err = digest(p, v.Tag); err != nil {
					return nil, nil, err
				}
			}
			out[promote.UseKey(u)] = version
		}
	}
	finding.Sort(findings)
	return out, findings, nil
}

func warning(p Policy, msg string) finding.Finding {
	return finding.Finding{
		Rule:     RuleNoTag,
		Severity: finding.SeverityWarning,
		Message:  msg,
		Object:   policyID(p),
		Source:   manifest.Origin{File: p.File, Line: p.Line},
	}
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
