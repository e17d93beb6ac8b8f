package render

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/ferrygitops/ferry/manifest"
)

// aggregateOf reports whether k is a pure aggregate — a kustomization that
// only lists other kustomization directories and transforms nothing, the
// usual Flux apps/<env> layout — and returns those directories.
//
// kustomize builds such an aggregate in time quadratic in the number of
// objects (each object added is checked against all earlier ones), which makes
// a 1,000-app aggregate take minutes. Its output is, however, exactly the
// union of its parts in kustomize's legacy sort order, provided nothing at the
// aggregate level can change the parts: no transformers or generators (only
// apiVersion, kind and resources are set), no vars anywhere below (kustomize
// resolves them across the whole build) and no sub-kustomization whose build
// options differ when built alone (buildMetadata, openapi, sortOptions).
// References across parts that kustomize would rewrite when building the
// aggregate whole — to hash-suffixed generated objects, or to objects a
// part renames with a name prefix or suffix — are checked after building
// (see crossReference).
func aggregateOf(k *kustomization, sc *scanner) ([]*kustomization, bool) {
	if len(k.subdirs) < 2 || len(k.fileResources) > 0 || k.usesVars {
		return nil, false
	}
	for field := range k.fields {
		switch field {
		case "apiVersion", "kind", "resources":
		default:
			return nil, false
		}
	}
	subs := make([]*kustomization, 0, len(k.subdirs))
	for _, d := range k.subdirs {
		sub := sc.done[d]
		if sub == nil || sub.fields["buildMetadata"] || sub.customSchema || sub.fields["sortOptions"] {
			return nil, false
		}
		subs = append(subs, sub)
	}
	// A directory listed twice would be a duplicate-ID error in kustomize;
	// let kustomize report it.
	seen := map[string]bool{}
	for _, s := range subs {
		if seen[s.dir] {
			return nil, false
		}
		seen[s.dir] = true
	}
	return subs, true
}

// renderAggregate builds each part of an aggregate on its own and merges the
// results as kustomize would: the same duplicate-ID check, the same legacy
// order. If the parts refer to each other by names that kustomize would have
// rewritten, it falls back to building the aggregate whole.
func (r *Renderer) renderAggregate(ctx context.Context, fsys *repoFS, sc *scanner, lines *lineFinder, top *buildTop, subs []*kustomization) ([]built, error) {
	// Prepare every part first: the overrides must not change while
	// builds read them.
	tops := make([]*buildTop, len(subs))
	for i, sub := range subs {
		t, err := r.prepare(fsys, sc, sub)
		if err != nil {
			return nil, err
		}
		tops[i] = t
	}
	parts := make([][]built, len(subs))
	var progress func(built, total int)
	if r.opts.Progress != nil {
		progress = func(built, total int) { r.opts.Progress(Progress{Dir: top.k.dir, Built: built, Total: total}) }
	}
	if err := r.buildTops(ctx, fsys, lines, tops, func(i int, objs []built) { parts[i] = objs }, progress); err != nil {
		return nil, err
	}
	var all []built
	for _, p := range parts {
		all = append(all, p...)
	}
	affixes := make([][]string, len(subs))
	for i, sub := range subs {
		affixes[i] = sub.affixes
	}
	if ref, ok := crossReference(parts, affixes); ok {
		r.log.Debug("parts of the aggregate refer to each other; building it whole", "dir", top.k.dir, "reference", ref)
		var whole []built
		err := r.buildTops(ctx, fsys, lines, []*buildTop{top}, func(_ int, objs []built) { whole = objs }, nil)
		return whole, err
	}
	// Two objects are the same to kustomize when their group, version,
	// kind and name match in the same effective namespace: "" and
	// "default" are one, and cluster-scoped kinds have none.
	type sameID struct{ group, version, kind, name, namespace string }
	ids := make([]resid.ResId, len(all))
	owner := make(map[sameID]int, len(all))
	for i, b := range all {
		id := resIDOf(b.obj)
		key := sameID{id.Group, id.Version, id.Kind, id.Name, id.EffectiveNamespace()}
		if j, dup := owner[key]; dup {
			return nil, errorf(top.k.file, 0, ErrInvalid,
				"may not add resource with an already registered id: %s (defined in %s and in %s)",
				id, all[j].obj.Origin().File, b.obj.Origin().File)
		}
		owner[key] = i
		ids[i] = id
	}
	if fsys.flux {
		return all, nil // kustomize-controller keeps the declared order
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return legacyCompare(ids[a], ids[b]) })
	sorted := make([]built, len(all))
	for i, j := range order {
		sorted[i] = all[j]
	}
	return sorted, nil
}

func resIDOf(o *manifest.Object) resid.ResId {
	gvk := resid.Gvk{Group: o.ID().Group, Kind: o.Kind()}
	if _, v, found := strings.Cut(o.APIVersion(), "/"); found {
		gvk.Version = v
	} else {
		gvk.Version = o.APIVersion()
	}
	return resid.NewResIdWithNamespace(gvk, o.Name(), o.Namespace())
}

// legacyCompare is kustomize's legacy sort order (the default of `kustomize
// build`), as its SortOrderTransformer implements it: kinds in a fixed
// priority list first, then by group, version and kind, then by ID string.
func legacyCompare(a, b resid.ResId) int {
	if !a.Gvk.Equals(b.Gvk) {
		if a.Kind == "Namespace" && b.Kind == "Namespace" && (a.Group == "" || b.Group == "") {
			// kustomize's special case: the GVK order is reversed, which puts
			// core Namespaces (group ~G) before grouped ones.
			return -strings.Compare(gvkSortString(a.Gvk), gvkSortString(b.Gvk))
		}
		if a.Gvk.IsLessThan(b.Gvk) {
			return -1
		}
		return 1
	}
	return strings.Compare(idSortString(a), idSortString(b))
}

func gvkSortString(x resid.Gvk) string {
	g, v, k := x.Group, x.Version, x.Kind
	if g == "" {
		g = "~G"
	}
	if v == "" {
		v = "~V"
	}
	if k == "" {
		k = "~K"
	}
	return g + "_" + v + "_" + k
}

func idSortString(id resid.ResId) string {
	ns, nm := id.Namespace, id.Name
	if ns == "" {
		ns = "~X"
	}
	if nm == "" {
		nm = "~N"
	}
	return fmt.Sprintf("%s|%s|%s", id.Gvk.String(), ns, nm)
}

// crossReference reports whether an object of one part mentions, by a name
// kustomize would rewrite when building the aggregate whole, an object of
// another part in the same namespace: the pre-hash name of a generated
// ConfigMap or Secret, or a name an object had before the part's name
// prefixes and suffixes (affixes[i], those set anywhere in part i) renamed
// it. Such parts cannot be built alone. The test is conservative (any
// string value counts, not only reference fields; any combination of the
// part's affixes is stripped); a false alarm costs time, never correctness.
// It returns the reference found.
func crossReference(parts [][]built, affixes [][]string) (string, bool) {
	type key struct{ namespace, name string }
	generated := map[key]int{} // pre-hash or pre-rename name -> part
	for i, p := range parts {
		for _, b := range p {
			name := b.obj.Name()
			if k := b.obj.Kind(); k == "ConfigMap" || k == "Secret" {
				if base, ok := manifest.GeneratedBase(name); ok {
					generated[key{b.obj.Namespace(), base}] = i
					name = base
				}
			}
			for _, prev := range unaffixed(name, affixes[i]) {
				generated[key{b.obj.Namespace(), prev}] = i
			}
		}
	}
	if len(generated) == 0 {
		return "", false
	}
	// An object without a namespace (a ClusterRole's resourceNames) may
	// refer to a generated object of any namespace.
	anyNS := map[string][]int{}
	for k, i := range generated {
		anyNS[k.name] = append(anyNS[k.name], i)
	}
	for _, parts := range anyNS {
		slices.Sort(parts)
	}
	for i, p := range parts {
		for _, b := range p {
			ns := b.obj.Namespace()
			var found string
			mention := func(s string, j int) bool {
				if j == i {
					return false
				}
				found = fmt.Sprintf("%s mentions %q, generated in %s", b.obj.ID(), s, parts[j][0].obj.Origin().File)
				return true
			}
			walkStrings(b.obj.Content(), func(s string) bool {
				if j, ok := generated[key{ns, s}]; ok && mention(s, j) {
					return false
				}
				if ns == "" {
					for _, j := range anyNS[s] {
						if mention(s, j) {
							return false
						}
					}
				}
				return true
			})
			if found != "" {
				return found, true
			}
		}
	}
	return "", false
}

// unaffixed returns the names name may have had before prefixes and
// suffixes among affixes were added to it, outermost first, name itself
// left out; at most a few dozen.
func unaffixed(name string, affixes []string) []string {
	if len(affixes) == 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{name: true}
	queue := []string{name}
	for len(queue) > 0 && len(out) < 32 {
		n := queue[0]
		queue = queue[1:]
		for _, a := range affixes {
			for _, prev := range []string{strings.TrimPrefix(n, a), strings.TrimSuffix(n, a)} {
				if prev != n && prev != "" && !seen[prev] {
					seen[prev] = true
					out = append(out, prev)
					queue = append(queue, prev)
				}
			}
		}
	}
	return out
}

// walkStrings calls fn for every string value in v until fn returns false.
func walkStrings(v any, fn func(string) bool) bool {
	switch v := v.(type) {
	case string:
		return fn(v)
	case map[string]any:
		for _, e := range v {
			if !walkStrings(e, fn) {
				return false
			}
		}
	case []any:
		for _, e := range v {
			if !walkStrings(e, fn) {
				return false
			}
		}
	}
	return true
}
