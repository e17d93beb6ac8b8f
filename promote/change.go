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
}

// Selects reports whether the selection includes the artifact name.
func (s Selection) Selects(name string) bool {
	if len(s.Only) > 0 && !matchName(s.Only, name) {
		return false
	}
	return !matchName(s.Exclude, name)
}

func matchName(globs []string, name string) bool {
	short := path.Base(name)
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
		if ok, _ := path.Match(g, short); ok {
			return true
		}
	}
	return false
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
	// Target are the target's uses of the artifact: what the edits change.
	Target []Use `json:"target,omitempty"`
}

// Promotes reports whether the change moves the target to another version.
func (c Change) Promotes() bool {
	switch c.Relation {
	case RelationUpgrade, RelationDowngrade, RelationDigest, RelationIncomparable:
		return true
	}
	return false
}

// Diff compares the artifacts of a source and a target environment and
// returns a change for every selected artifact either of them uses, sorted
// by kind and name.
func Diff(source, target []Artifact, sel Selection) []Change {
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
		if !sel.Selects(k.name) {
			continue
		}
		s, inSource := src[k]
		t, inTarget := tgt[k]
		c := Change{Kind: k.kind, Artifact: k.name, Target: t.Uses}
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
		case !inSource:
			c.Relation = RelationOnlyInTarget
		case len(sv) > 1 || len(tv) > 1:
			c.Relation = RelationAmbiguous
			c.Warnings = append(c.Warnings, ambiguity("source", s), ambiguity("target", t))
			c.Warnings = slices.DeleteFunc(c.Warnings, func(w string) bool { return w == "" })
		default:
			c.Relation, c.Bump, c.Warnings = Compare(*c.From, *c.To)
		}
		out = append(out, c)
	}
	return out
}

// ambiguity explains an environment pinning several versions of one
// artifact, or returns "".
func ambiguity(env string, a Artifact) string {
	vs := a.Versions()
	if len(vs) < 2 {
		return ""
	}
	var where []string
	for _, u := range a.Uses {
		where = append(where, fmt.Sprintf("%s in %s", u.Version, u.Object))
	}
	return fmt.Sprintf("the %s pins %d versions of %s (%s): align them, or promote the objects separately", env, len(vs), a.Name, strings.Join(where, ", "))
}
