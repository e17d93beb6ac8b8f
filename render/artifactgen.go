package render

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/manifest"
)

// Flux's source-watcher (Flux 2.7 and later) composes ExternalArtifacts
// from other sources with ArtifactGenerators. A generator whose artifact
// copies subtrees of this repository into the same layout — every copy
// "@src/<R>/<Q>/**" to "@artifact/<Q>/", with one R for the whole artifact —
// is the repository directory R, and a Kustomization of that artifact is
// rendered from there. Anything else (globs inside a path, single files,
// excludes, merge or extract strategies, sources that are not this
// repository) stays unrendered, with the reason in its flux-source finding.

const (
	artifactGeneratorGroup = "source.extensions.fluxcd.io"
	artifactGeneratorKind  = "ArtifactGenerator"
	externalArtifactKind   = "ExternalArtifact"
)

// artifactGeneratorSpec is the part of an ArtifactGenerator's spec that says
// what its artifacts hold.
type artifactGeneratorSpec struct {
	Sources []struct {
		Alias     string `json:"alias"`
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"sources"`
	Artifacts []struct {
		Name string           `json:"name"`
		Copy []map[string]any `json:"copy"`
	} `json:"artifacts"`
}

// generatedArtifact resolves the ExternalArtifact ns/name to the repository
// directory its ArtifactGenerator copies, among the objects applied so far.
// When it cannot, why says so in words for the Kustomization's finding.
// dirs are the directories (inside the artifact) the copies create; a
// Kustomization's path must lie in one of them.
func (run *fluxRun) generatedArtifact(ns, name string) (root string, dirs []string, why string) {
	var gens []*manifest.Object
	for _, id := range slices.SortedFunc(maps.Keys(run.applied), manifest.ID.Compare) {
		if id.Group == artifactGeneratorGroup && id.Kind == artifactGeneratorKind && id.Namespace == ns {
			gens = append(gens, run.applied[id])
		}
	}
	type match struct {
		gen  *manifest.Object
		spec *artifactGeneratorSpec
		at   int
	}
	var found []match
	for _, g := range gens {
		raw, err := json.Marshal(g.Content()["spec"])
		if err != nil {
			continue
		}
		spec := &artifactGeneratorSpec{}
		if err := json.Unmarshal(raw, spec); err != nil {
			return "", nil, fmt.Sprintf("ArtifactGenerator %s/%s (%s) has a spec ferry cannot read: %v", ns, g.Name(), g.Origin(), err)
		}
		for i, a := range spec.Artifacts {
			if a.Name == name {
				found = append(found, match{g, spec, i})
			}
		}
	}
	switch len(found) {
	case 0:
		return "", nil, "no ArtifactGenerator applied before it generates it"
	case 1:
	default:
		return "", nil, fmt.Sprintf("%d ArtifactGenerators of namespace %s generate it", len(found), ns)
	}
	m := found[0]
	gen := fmt.Sprintf("ArtifactGenerator %s/%s (%s)", ns, m.gen.Name(), m.gen.Origin())
	aliases := map[string]string{}
	for _, s := range m.spec.Sources {
		sns := s.Namespace
		if sns == "" {
			sns = ns
		}
		aliases[s.Alias] = s.Kind + "/" + sns + "/" + s.Name
	}
	set := false
	for _, op := range m.spec.Artifacts[m.at].Copy {
		from, _ := op["from"].(string)
		to, _ := op["to"].(string)
		for k, v := range op {
			if k == "from" || k == "to" || (k == "strategy" && v == "Overwrite") {
				continue
			}
			return "", nil, fmt.Sprintf("%s copies %q with %s: %v, which ferry does not reproduce", gen, from, k, v)
		}
		r, q, ok := run.copyRoot(aliases, from, to)
		if !ok {
			return "", nil, fmt.Sprintf("%s copies %q to %q, which is not a directory of this repository copied whole into the same layout", gen, from, to)
		}
		if set && r != root {
			return "", nil, fmt.Sprintf("%s copies from both %s and %s of this repository into one artifact", gen, root, r)
		}
		root, set = r, true
		dirs = append(dirs, q)
	}
	if !set {
		return "", nil, gen + " copies nothing into it"
	}
	return root, dirs, ""
}

// copyRoot resolves one copy operation "@alias/<P>/**" to "@artifact/<Q>/":
// the repository directory R with R/Q = the source's directory joined with
// P, and Q.
func (run *fluxRun) copyRoot(aliases map[string]string, from, to string) (root, q string, ok bool) {
	alias, rest, found := strings.Cut(strings.TrimPrefix(from, "@"), "/")
	if !strings.HasPrefix(from, "@") || !found {
		return "", "", false
	}
	key, known := aliases[alias]
	if !known {
		return "", "", false
	}
	base, mapped := run.r.opts.Flux.Sources[key]
	if !mapped {
		if key != fluxBootstrapSource {
			return "", "", false
		}
		base = "."
	}
	p := strings.TrimSuffix(rest, "**")
	if p == rest || strings.ContainsAny(p, "*?[{") {
		return "", "", false
	}
	if !strings.HasPrefix(to, "@artifact/") && to != "@artifact" {
		return "", "", false
	}
	q = strings.Trim(strings.TrimPrefix(to, "@artifact"), "/")
	if strings.ContainsAny(q, "*?[{") || q == ".." || strings.HasPrefix(q, "../") || strings.Contains(q, "/../") {
		return "", "", false
	}
	q = path.Clean("/" + q)[1:]
	full := path.Join(base, p)
	if full == ".." || strings.HasPrefix(full, "../") || path.IsAbs(full) {
		return "", "", false
	}
	switch {
	case q == "":
		return full, q, true
	case full == q:
		return ".", q, true
	case strings.HasSuffix(full, "/"+q):
		return strings.TrimSuffix(full, "/"+q), q, true
	}
	return "", "", false
}

// inCopies reports whether p, a path inside an artifact, lies in one of the
// directories its copies create.
func inCopies(p string, dirs []string) bool {
	p = path.Clean("/" + p)[1:]
	for _, d := range dirs {
		if d == "" || p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}
