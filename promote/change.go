package promote

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Selection narrows a promotion to some artifacts. The zero value selects
// all of them.
type Selection struct {
	// Only, when not empty, selects the artifacts whose name, or the last
	// segment of it ("storefront" for ghcr.io/acme/storefront), matches
	// one of these globs.
	Only []string `json:"only,omitempty"`
	// Exclude drops the artifacts that match one of these globs.
	Exclude []string `json:"exclude,omitempty"`
	// Objects, when not empty, promotes only the uses by objects that
	// match one of these globs, written KIND/NAME (Deployment/web-canary),
	// the name with or without the prefix and suffix the environment adds:
	// a source that runs one image at two versions (a canary) is promoted
	// a workload at a time.
	Objects []string `json:"objects,omitempty"`
}

// selectsObject reports whether the selection's Objects include the object
// of u, whose name the environment's affixes a may decorate.
func (s Selection) selectsObject(u Use, a Affixes) bool {
	if len(s.Objects) == 0 {
		return true
	}
	for _, name := range []string{u.Object.Name, a.strip(u.Object.Name)} {
		for _, g := range s.Objects {
			if ok, _ := path.Match(g, u.Object.Kind+"/"+name); ok {
				return true
			}
		}
	}
	return false
}

// Selects reports whether the selection includes the artifact name.
func (s Selection) Selects(name string) bool {
	if len(s.Only) > 0 && !matchName(s.Only, name) {
		return false
	}
	return !matchName(s.Exclude, name)
}

// matchName matches an artifact's name, the last segment of it, and for an
// image its short form (busybox for docker.io/library/busybox); a pattern
// without wildcards that spells an image (docker.io/busybox) matches the
// image however it is spelt.
func matchName(globs []string, name string) bool {
	forms := []string{name, path.Base(name), familiarImageName(name)}
	for _, g := range globs {
		if !strings.ContainsAny(g, `*?[\`) && sameImage(g, name) {
			return true
		}
		for _, f := range forms {
			if ok, _ := path.Match(g, f); ok {
				return true
			}
		}
	}
	return false
}

// SelectionError reports a pattern of a [Selection] that matches no
// artifact the environments use: a misspelt --only would otherwise plan
// nothing and look like success.
type SelectionError struct {
	// List is "only", "exclude" or "object".
	List string
	// Pattern is the pattern that matches nothing.
	Pattern string
	// Artifacts are the names of the artifacts the environments use,
	// sorted.
	Artifacts []string
}

func (e *SelectionError) Error() string {
	names := "none"
	if len(e.Artifacts) > 0 {
		names = strings.Join(e.Artifacts, ", ")
	}
	what := "artifact"
	if e.List == "object" {
		what = "object"
	}
	return fmt.Sprintf("selection: %s pattern %q matches no %s; the %ss are: %s", e.List, e.Pattern, what, what, names)
}

// checkObjects returns a *SelectionError (List "object", Artifacts the
// objects, KIND/NAME) for the first Objects pattern that matches no use in
// either environment; src and tgt are their artifacts and affixes.
func (s Selection) checkObjects(src []Artifact, srcAff Affixes, tgt []Artifact, tgtAff Affixes) error {
	for _, g := range s.Objects {
		one := Selection{Objects: []string{g}}
		var objects []string
		matched := false
		for _, side := range []struct {
			arts []Artifact
			aff  Affixes
		}{{src, srcAff}, {tgt, tgtAff}} {
			for _, a := range side.arts {
				for _, u := range a.Uses {
					matched = matched || one.selectsObject(u, side.aff)
					objects = append(objects, u.Object.Kind+"/"+u.Object.Name)
				}
			}
		}
		if !matched {
			slices.Sort(objects)
			return &SelectionError{List: "object", Pattern: g, Artifacts: slices.Compact(objects)}
		}
	}
	return nil
}

// Check returns a *SelectionError for the first pattern of the selection
// that matches none of the artifact names, and nil when every pattern
// matches one.
func (s Selection) Check(names []string) error {
	for _, list := range []struct {
		name     string
		patterns []string
	}{{"only", s.Only}, {"exclude", s.Exclude}} {
		for _, p := range list.patterns {
			if !slices.ContainsFunc(names, func(n string) bool { return matchName([]string{p}, n) }) {
				sorted := slices.Clone(names)
				slices.Sort(sorted)
				return &SelectionError{List: list.name, Pattern: p, Artifacts: slices.Compact(sorted)}
			}
		}
	}
	return nil
}

// Change is one artifact whose versions in the source and target
// environments are compared.
type Change struct {
	Kind     ArtifactKind `json:"kind"`
	Artifact string       `json:"artifact"`
	// From is the target's version, nil when the target does not use the
	// artifact.
	From *Version `json:"from,omitempty"`
	// To is the source's version, the one the promotion carries over; nil
	// when the source does not use the artifact.
	To       *Version `json:"to,omitempty"`
	Relation Relation `json:"relation"`
	// Bump is the part of the version an upgrade or downgrade changes.
	Bump Bump `json:"bump,omitempty"`
	// Warnings point out surprises, such as prerelease identifiers that
	// order as text.
	Warnings []string `json:"warnings,omitempty"`
	// Target are the target's uses of the artifact the promotion moves to
	// To: what the edits change.
	Target []Use `json:"target,omitempty"`
	// OnlyInTarget are the target's uses by workloads the source does not
	// run the artifact in: they are left alone (see DiffOptions.AllUses).
	OnlyInTarget []Use `json:"onlyInTarget,omitempty"`
	// Deliveries say how the change rolls out to the target's workloads
	// that a Flagger Canary, an Argo Rollout or a Flux HelmRelease's tests
	// and remediation govern.
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

// Promotes reports whether the change moves the target to another version.
func (c Change) Promotes() bool {
	switch c.Relation {
	case RelationUpgrade, RelationDowngrade, RelationDigest, RelationIncomparable:
		return true
	}
	return false
}

// DiffOptions say which artifacts [Diff] compares and how it pairs the
// uses of the two environments. The zero value compares every artifact,
// use by use.
type DiffOptions struct {
	// Selection narrows the comparison to some artifacts.
	Selection Selection
	// AllUses promotes an artifact wherever the target uses it, to the one
	// version the source pins. Default false: a target's use takes the
	// version of the source's use by the same workload and container, and
	// a use by a workload only the target has is left alone.
	AllUses bool
	// Ranges compares chart versions and source refs that are ranges
	// (">=1.0.0") like versions. Default false: a range that differs is a
	// RelationRange change, which does not promote.
	Ranges bool
	// Source and Target are the name prefixes and suffixes each
	// environment adds to its objects' names (kustomize namePrefix and
	// nameSuffix), set aside when workloads are matched.
	Source, Target Affixes
}

// Affixes are the prefixes and suffixes an environment adds to the names
// of its objects.
type Affixes struct {
	Prefixes []string `json:"prefixes,omitempty"`
	Suffixes []string `json:"suffixes,omitempty"`
}

// strip removes the longest prefix and the longest suffix of a that name
// carries, leaving at least one character.
func (a Affixes) strip(name string) string {
	longest := func(list []string, has func(string, string) bool) string {
		best := ""
		for _, x := range list {
			if len(x) > len(best) && len(x) < len(name) && has(name, x) {
				best = x
			}
		}
		return best
	}
	name = strings.TrimPrefix(name, longest(a.Prefixes, strings.HasPrefix))
	return strings.TrimSuffix(name, longest(a.Suffixes, strings.HasSuffix))
}

// workload identifies the slot of a use across environments: the object's
// group, kind and name (its namespace and the environment's affixes set
// aside), and the container, or for other uses the field.
func workload(u Use, a Affixes) string {
	slot := u.Container
	if slot == "" {
		slot = u.Field
	}
	return u.Object.Group + "/" + u.Object.Kind + "/" + a.strip(u.Object.Name) + "\x00" + slot
}

// Diff compares the artifacts of a source and a target environment and
// returns a change for every selected artifact either of them uses, sorted
// by kind and name.
//
// Uses are matched by workload (see [DiffOptions]): a change's Target are
// the target's uses by a workload and container the source also has, From
// their version and To the version of the source's uses by the same
// workloads. The target's other uses are the change's OnlyInTarget, left
// alone; when all of them are, the relation is only-in-target.
// With AllUses, every use of the target is promoted to the source's one
// version.
func Diff(source, target []Artifact, opts DiffOptions) []Change {
	type key struct {
		kind ArtifactKind
		name string
	}
	src := map[key]Artifact{}
	for _, a := range source {
		src[key{a.Kind, a.Name}] = a
	}
	tgt := map[key]Artifact{}
	for _, a := range target {
		tgt[key{a.Kind, a.Name}] = a
	}
	var keys []key
	for k := range src {
		keys = append(keys, k)
	}
	for k := range tgt {
		if _, ok := src[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(string(a.kind), string(b.kind)); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var out []Change
	for _, k := range keys {
		if !opts.Selection.Selects(k.name) {
			continue
		}
		sa, inSource := src[k]
		ta, inTarget := tgt[k]
		if len(opts.Selection.Objects) > 0 {
			sa.Uses = slices.DeleteFunc(slices.Clone(sa.Uses), func(u Use) bool { return !opts.Selection.selectsObject(u, opts.Source) })
			ta.Uses = slices.DeleteFunc(slices.Clone(ta.Uses), func(u Use) bool { return !opts.Selection.selectsObject(u, opts.Target) })
			inSource, inTarget = len(sa.Uses) > 0, len(ta.Uses) > 0
			if !inSource && !inTarget {
				continue
			}
		}
		s, t := matched{Artifact: sa}, matched{Artifact: ta}
		if inSource && inTarget && !opts.AllUses {
			s, t = matchUses(sa, ta, opts)
		}
		c := Change{Kind: k.kind, Artifact: k.name, Target: t.Uses, OnlyInTarget: t.left}
		sv, tv := s.Versions(), t.Versions()
		if len(sv) == 1 {
			c.To = &sv[0]
		}
		if len(tv) == 1 {
			c.From = &tv[0]
		}
		switch {
		case !inTarget:
			c.Relation = RelationOnlyInSource
		case !inSource || len(t.Uses) == 0:
			c.Relation = RelationOnlyInTarget
		case len(sv) == 1 && len(tv) > 1:
			// The target's uses pin several versions, each promoted to
			// the source's one.
			c.Relation, c.Bump, c.Warnings = compareAll(tv, *c.To)
			c.Warnings = append(c.Warnings, fmt.Sprintf("the target pins %d versions of %s (%s): all of them are promoted to %s", len(tv), t.Name, usesString(t.Uses), c.To))
		case pairedSame(s.Uses, t.Uses, opts):
			// Several versions, but each workload of the target already
			// runs its source workload's: nothing to promote.
			c.Relation = RelationSame
		case len(sv) > 1 || len(tv) > 1:
			c.Relation = RelationAmbiguous
			c.Warnings = append(c.Warnings, ambiguity("source", s.Artifact), ambiguity("target", t.Artifact))
			c.Warnings = slices.DeleteFunc(c.Warnings, func(w string) bool { return w == "" })
		default:
			c.Relation, c.Bump, c.Warnings = Compare(*c.From, *c.To)
		}
		if !opts.Ranges && c.Promotes() && (c.From != nil && isRange(c.From.Tag) || c.To != nil && isRange(c.To.Tag)) {
			c.Relation, c.Bump = RelationRange, ""
		}
		out = append(out, c)
	}
	return out
}

// pairedSame reports whether every target use runs the version of the
// source's uses by the same workload, and there are uses to pair.
func pairedSame(src, tgt []Use, opts DiffOptions) bool {
	if len(tgt) == 0 || opts.AllUses {
		return false
	}
	by := map[string][]Use{}
	for _, u := range src {
		w := workload(u, opts.Source)
		by[w] = append(by[w], u)
	}
	for _, u := range tgt {
		pairs := by[workload(u, opts.Target)]
		if len(pairs) == 0 {
			return false
		}
		for _, p := range pairs {
			if p.Version != u.Version {
				return false
			}
		}
	}
	return true
}

// compareAll relates the source's one version to each of the target's:
// a downgrade of any is a downgrade, else an upgrade of any an upgrade
// (with the largest bump), else a rebuild or incomparable.
func compareAll(from []Version, to Version) (Relation, Bump, []string) {
	rank := map[Relation]int{RelationDowngrade: 5, RelationIncomparable: 4, RelationUpgrade: 3, RelationDigest: 2, RelationSame: 1}
	bumps := []Bump{BumpMajor, BumpMinor, BumpPatch, BumpPrerelease, BumpBuild}
	var rel Relation
	var bump Bump
	var warnings []string
	for _, f := range from {
		r, b, w := Compare(f, to)
		warnings = append(warnings, w...)
		switch {
		case rank[r] > rank[rel]:
			rel, bump = r, b
		case r == rel && b != "" && (bump == "" || slices.Index(bumps, b) < slices.Index(bumps, bump)):
			bump = b
		}
	}
	return rel, bump, slices.Compact(warnings)
}

// matched is an artifact's uses that a promotion pairs, and those it leaves
// alone.
type matched struct {
	Artifact
	left []Use
}

// matchUses pairs the uses of one artifact in the source and the target by
// workload: it returns the source's uses by workloads the target's uses
// share, and the target's uses split into those and the rest.
func matchUses(s, t Artifact, opts DiffOptions) (matched, matched) {
	bySlot := map[string][]Use{}
	for _, u := range s.Uses {
		w := workload(u, opts.Source)
		bySlot[w] = append(bySlot[w], u)
	}
	ms, mt := matched{Artifact: Artifact{Kind: s.Kind, Name: s.Name}}, matched{Artifact: Artifact{Kind: t.Kind, Name: t.Name}}
	taken := map[string]bool{}
	for _, u := range t.Uses {
		w := workload(u, opts.Target)
		su, ok := bySlot[w]
		if !ok {
			mt.left = append(mt.left, u)
			continue
		}
		mt.Uses = append(mt.Uses, u)
		if !taken[w] {
			taken[w] = true
			ms.Uses = append(ms.Uses, su...)
		}
	}
	return ms, mt
}

// ambiguity explains an environment pinning several versions of one
// artifact, or returns "".
func ambiguity(env string, a Artifact) string {
	vs := a.Versions()
	if len(vs) < 2 {
		return ""
	}
	return fmt.Sprintf("the %s pins %d versions of %s (%s): align them, or promote the objects separately (--object KIND/NAME)", env, len(vs), a.Name, usesString(a.Uses))
}

// usesString lists uses as "<version> in <object>".
func usesString(uses []Use) string {
	where := make([]string, len(uses))
	for i, u := range uses {
		where[i] = fmt.Sprintf("%s in %s", u.Version, u.Object)
	}
	return strings.Join(where, ", ")
}
