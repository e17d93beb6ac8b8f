package render

import (
	"slices"

	"github.com/ferrygitops/ferry/manifest"
)

// Tracing a build — buildMetadata [originAnnotations,
// transformerAnnotations] — makes kustomize record on every object, after
// every transformer of every kustomization, which transformer ran over it:
// it decodes and encodes the object's annotations each time, which made
// traced builds about one and a half times as expensive as plain ones. Any
// buildMetadata switches that on, origins alone included.
//
// For the usual graph, ferry derives the same facts from the kustomization
// graph the scanner walked, around a plain build:
//
//   - an object comes from the one document of the graph's resource files
//     that defines its group, kind and name, or from the one generator
//     that creates a ConfigMap or Secret of its name; every definition must
//     pair off with exactly one object, so that a patch that deletes,
//     renames or moves an object cannot make a wrong pair;
//   - the transformers that ran over it are those of the kustomizations
//     between where it entered the build and the top, components included,
//     in kustomize's order: kustomize records a transformer on every object
//     in the accumulator when it runs, whether it changed it or not.
//
// The derivation refuses graphs where either could be ambiguous — a
// directory or a resource file reached twice, name prefixes or suffixes,
// generator or transformer plugins, remote resources — and builds whose
// objects and definitions do not pair off; those are traced by kustomize, as
// before. TestDerivedOriginsMatchTraced and TestDerivedOriginsEdgeCases hold
// the two to the same results, with one exception: where a patch replaces
// an object's annotations, kustomize loses its record of the object's
// origin and stamps the next transformer's kustomization on it, where the
// derivation still names the object's definition.

// derivation is what ferry knows of a build's origins before running it.
type derivation struct {
	sc *scanner
	// chains maps where objects enter the build — a resource file, or the
	// kustomization file of a generator — to the kustomizations whose
	// transformers run over them, in order.
	chains map[string][]*kustomization
	// files are the resource files of the graph; generators the
	// kustomizations that generate ConfigMaps or Secrets.
	files, generators []string
	seen              map[string]bool
}

// derive returns the derivation for a build of top, or false when its
// origins must be traced by kustomize.
func derive(top *kustomization, sc *scanner) (*derivation, bool) {
	if top.renames || top.remote {
		return nil, false
	}
	d := &derivation{sc: sc, chains: map[string][]*kustomization{}, seen: map[string]bool{}}
	if !d.visit(top, nil) {
		return nil, false
	}
	return d, true
}

// visit records where k's objects go: k's own resource files and generated
// objects, then — through them — those of its resources and components.
// after are the kustomizations whose transformers run over k's objects once
// k's own have.
func (d *derivation) visit(k *kustomization, after []*kustomization) bool {
	if k == nil || d.seen[k.dir] || k.fields["generators"] || k.fields["transformers"] {
		return false
	}
	d.seen[k.dir] = true
	comps := make([]*kustomization, len(k.components))
	for i, c := range k.components {
		if comps[i] = d.sc.done[c]; comps[i] == nil {
			return false
		}
	}
	// Objects accumulated before the components — k's resources and
	// generated objects — go through every component, then k.
	own := slices.Concat(d.componentChain(comps), []*kustomization{k}, after)
	for _, f := range k.fileResources {
		if _, twice := d.chains[f]; twice {
			return false
		}
		d.chains[f] = own
		d.files = append(d.files, f)
	}
	if k.fields["configMapGenerator"] || k.fields["secretGenerator"] {
		d.chains[k.file] = own
		d.generators = append(d.generators, k.file)
	}
	for _, s := range k.subdirs {
		if !d.visit(d.sc.done[s], own) {
			return false
		}
	}
	// A component adds its objects to k's accumulator and transforms all
	// of it; the components after it, then k, transform its objects.
	for i, c := range comps {
		if !d.visit(c, slices.Concat(d.componentChain(comps[i+1:]), []*kustomization{k}, after)) {
			return false
		}
	}
	return true
}

// componentChain lists the kustomizations whose transformers run when the
// components are accumulated, in order: each component's own components,
// then the component.
func (d *derivation) componentChain(comps []*kustomization) []*kustomization {
	var out []*kustomization
	for _, c := range comps {
		sub := make([]*kustomization, 0, len(c.components))
		for _, cc := range c.components {
			sub = append(sub, d.sc.done[cc])
		}
		out = append(out, d.componentChain(sub)...)
		out = append(out, c)
	}
	return out
}

// apply fills in what a traced build would have recorded on objs: each
// object's origin and the kustomizations whose images: entries and patches
// ran over it. Origins must pair off exactly: every object with one
// definition (a document of a resource file, or a generator creating a
// ConfigMap or Secret of its name) and every definition with one object.
// Anything else — two definitions of one name, an object renamed, moved
// out of its name or deleted by a patch — reports false, changing nothing.
func (d *derivation) apply(lines *lineFinder, objs []built) bool {
	// Definitions by group/kind/name: documents, and the generators that
	// create (not merge into) a ConfigMap or Secret.
	defs := map[string]origin{}
	add := func(key string, o origin) bool {
		if _, twice := defs[key]; twice {
			return false
		}
		defs[key] = o
		return true
	}
	for _, f := range d.files {
		for _, doc := range lines.docs(f) {
			if !add(doc.ID().Group+"/"+doc.ID().Kind+"/"+doc.ID().Name, origin{file: f}) {
				return false
			}
		}
	}
	for _, g := range d.generators {
		for _, gen := range []struct{ field, kind, object string }{
			{"configMapGenerator", "ConfigMapGenerator", "ConfigMap"},
			{"secretGenerator", "SecretGenerator", "Secret"},
		} {
			for _, e := range lines.entries(g, gen.field) {
				if e.behavior == "merge" {
					continue
				}
				if e.name == "" || !add("/"+gen.object+"/"+e.name, origin{file: g, generator: gen.kind}) {
					return false
				}
			}
		}
	}
	found := make([]origin, len(objs))
	claimed := map[string]bool{}
	for i, b := range objs {
		id := b.obj.ID()
		keys := []string{id.Group + "/" + id.Kind + "/" + id.Name}
		if base, hashed := manifest.GeneratedBase(id.Name); hashed && id.Group == "" && (id.Kind == "ConfigMap" || id.Kind == "Secret") {
			keys = append(keys, "/"+id.Kind+"/"+base)
		}
		var match string
		for _, k := range keys {
			if _, ok := defs[k]; ok {
				if match != "" {
					return false
				}
				match = k
			}
		}
		if match == "" || claimed[match] {
			return false
		}
		claimed[match] = true
		found[i] = defs[match]
	}
	if len(claimed) != len(defs) {
		return false
	}
	for i := range objs {
		b := &objs[i]
		chain := d.chains[found[i].file]
		b.file, b.generator = found[i].file, found[i].generator
		b.obj = b.obj.WithOrigin(manifest.Origin{File: b.file})
		b.imageKustomizations, b.patchKustomizations = nil, nil
		for _, k := range chain {
			if k.fields["images"] {
				b.imageKustomizations = append(b.imageKustomizations, k.file)
			}
			if k.fields["patches"] || k.fields["patchesStrategicMerge"] || k.fields["patchesJson6902"] {
				b.patchKustomizations = append(b.patchKustomizations, k.file)
			}
		}
	}
	return true
}

// origin is where an object entered a build: a resource file, or the
// kustomization of the generator that made it.
type origin struct {
	file, generator string
}
