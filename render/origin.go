package render

import (
	"regexp"

	"fmt"
	"k8s.io/apimachinery/pkg/labels"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/manifest"
)

// lineFinder turns the file-level origins kustomize records into file and
// line: it finds each object in the file that defines it, each generated
// object at its generator entry in the kustomization, each container image
// at the line that sets it — the images: entry of the overlay that changed
// it, or the image: line of the file that defines the object — and each
// annotation written in that file at its line. Files are parsed once, on
// first use.
type lineFinder struct {
	fs *repoFS

	mu      sync.Mutex
	files   map[string][]*manifest.Object     // file -> objects defined in it
	patches map[string][]*yaml.Node           // patch file -> its documents
	kusts   map[string]map[string][]yamlEntry // kustomization -> field -> entries
	patched map[string][]patchSource          // kustomization -> its patches
}

// yamlEntry is a named entry of a kustomization list (a generator, an
// images: entry).
type yamlEntry struct {
	name, newName string
	// behavior is a generator's (create, merge or replace; "" is create).
	behavior string
	node     *yaml.Node
}

func newLineFinder(fsys *repoFS) *lineFinder {
	return &lineFinder{fs: fsys, files: map[string][]*manifest.Object{}, patches: map[string][]*yaml.Node{}, kusts: map[string]map[string][]yamlEntry{}, patched: map[string][]patchSource{}}
}

// locate returns b's object with its origin line, and the origins of its
// container images, filled in where they can be found. A file that cannot be
// read or parsed leaves them unknown: the build already succeeded, so the
// origin is still right about the file.
func (f *lineFinder) locate(b built) *manifest.Object {
	origin := b.obj.Origin()
	if origin.File == "" || origin.Repo != "" {
		return b.obj
	}
	if b.generator != "" {
		field := "configMapGenerator"
		if b.generator == "SecretGenerator" {
			field = "secretGenerator"
		}
		if e := f.entry(origin.File, field, b.obj.Name(), false); e != nil {
			origin.Line = e.node.Line
		}
		return b.obj.WithOrigin(origin)
	}
	d := f.object(origin.File, b.obj)
	if d == nil {
		return b.obj
	}
	origin.Line = d.Origin().Line
	obj := b.obj.WithOrigin(origin)
	// Where the file defines the fields, unless a patch or an overlay's
	// images: entry set them.
	fields := d.FieldOrigins()
	// Where a patch sets a field (a chart version, a values image, a source
	// ref): the last patch applied that writes the rendered value.
	// A kustomization is listed once per patch transformer it configures:
	// its patches are read once.
	for _, k := range slices.Compact(slices.Clone(b.patchKustomizations)) {
		for _, p := range f.patchFiles(k) {
			for _, pd := range f.patchDocs(p) {
				if p.applies(pd, obj, d) {
					fields = patchFields(pd, obj, p, fields)
				}
			}
		}
	}
	for _, c := range obj.Containers() {
		// Images keep the origin found above: an images: entry applies
		// after the patches of its kustomization.
		if o, ok := containerOrigin(b, f, c.Image, obj, d); ok {
			if fields == nil {
				fields = map[string]manifest.Origin{}
			}
			fields[c.Field] = o
		}
	}
	if len(fields) > 0 {
		obj = obj.WithFieldOrigins(fields)
	}
	return obj
}

func containerOrigin(b built, f *lineFinder, image string, obj, def *manifest.Object) (manifest.Origin, bool) {
	if o, ok := f.imageOrigin(b.imageKustomizations, image); ok {
		return o, true
	}
	return f.patchOrigin(b.patchKustomizations, image, obj, def)
}

// patchFields records in fields, for each scalar the patch document d (of
// file) writes and obj holds at the same place, the line that writes it. A
// strategic-merge patch is read as far as its maps go (lists merge by key,
// which only container images need, and those are traced by value); a JSON
// patch's add and replace operations by their paths.
func patchFields(d *yaml.Node, obj *manifest.Object, p patchSource, fields map[string]manifest.Origin) map[string]manifest.Origin {
	record := func(keys []string, n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || !holds(obj.Content(), keys, n.Value) {
			return
		}
		if fields == nil {
			fields = map[string]manifest.Origin{}
		}
		line := n.Line
		switch {
		case p.line > 0:
			line = p.line
		case p.offset > 0:
			line = n.Line + p.offset
		}
		fields[manifest.Pointer(keys...)] = manifest.Origin{File: p.file, Line: line}
	}
	var walk func(keys []string, n *yaml.Node)
	walk = func(keys []string, n *yaml.Node) {
		switch n.Kind {
		case yaml.ScalarNode:
			record(keys, n)
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(append(slices.Clip(keys), n.Content[i].Value), n.Content[i+1])
			}
		}
	}
	switch d.Kind {
	case yaml.MappingNode:
		if kind := yamlnode.String(d, "kind"); kind != "" && kind != obj.Kind() {
			return fields
		}
		for i := 0; i+1 < len(d.Content); i += 2 {
			if key := d.Content[i].Value; key != "apiVersion" && key != "kind" && key != "metadata" {
				walk([]string{key}, d.Content[i+1])
			}
		}
		if meta := yamlnode.Value(d, "metadata"); meta != nil {
			for _, field := range []string{"labels", "annotations"} {
				if m := yamlnode.Value(meta, field); m != nil {
					walk([]string{"metadata", field}, m)
				}
			}
		}
	case yaml.SequenceNode:
		for _, op := range d.Content {
			kind := yamlnode.String(op, "op")
			at := yamlnode.Scalar(op, "path")
			value := yamlnode.Value(op, "value")
			if (kind != "add" && kind != "replace") || at == nil || value == nil || !strings.HasPrefix(at.Value, "/") {
				continue
			}
			walk(manifest.SplitPointer(at.Value), value)
		}
	}
	return fields
}

// holds reports whether content holds the scalar value at keys, map keys
// and list indices.
func holds(content any, keys []string, value string) bool {
	cur := content
	for _, k := range keys {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[k]
			if !ok {
				return false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				return false
			}
			cur = c[i]
		default:
			return false
		}
	}
	switch v := cur.(type) {
	case string:
		return v == value
	case map[string]any, []any, nil:
		return false
	default:
		return fmt.Sprint(v) == value
	}
}

// imageOrigin finds the images: entry that set the image, in the last
// kustomization applied whose entry matches it (kustomize applies inner
// kustomizations first). The line is that of newTag, digest or newName,
// whichever the entry sets, in that order.
func (f *lineFinder) imageOrigin(kustomizations []string, image string) (manifest.Origin, bool) {
	name, _, _ := manifest.SplitImage(image)
	for i := len(kustomizations) - 1; i >= 0; i-- {
		e := f.entry(kustomizations[i], "images", name, true)
		if e == nil {
			continue
		}
		return manifest.Origin{File: kustomizations[i], Line: imageEntryLine(e.node)}, true
	}
	return manifest.Origin{}, false
}

// imageEntryLine is the line of an images: entry (of a kustomization, or a
// Flux Kustomization's spec.images) that sets an image: that of its newTag,
// digest or newName, whichever it sets, in that order; else the entry's.
func imageEntryLine(entry *yaml.Node) int {
	for _, key := range []string{"newTag", "digest", "newName"} {
		if v := yamlnode.Value(entry, key); v != nil {
			return v.Line
		}
	}
	return entry.Line
}

// patchOrigin finds the patch file, among those of the kustomizations whose
// patches ran over the object (the last applied first), that patches the
// object (obj as rendered, def as its file defines it) and writes value
// literally, and the line it writes it on.
func (f *lineFinder) patchOrigin(kustomizations []string, value string, obj, def *manifest.Object) (manifest.Origin, bool) {
	for i := len(kustomizations) - 1; i >= 0; i-- {
		for _, p := range f.patchFiles(kustomizations[i]) {
			for _, d := range f.patchDocs(p) {
				if !p.applies(d, obj, def) {
					continue
				}
				if n := findValue(d, value); n != nil {
					return manifest.Origin{File: p.file, Line: p.at(n)}, true
				}
			}
		}
	}
	return manifest.Origin{}, false
}

// patchSource is a patch of a kustomization: a file it names, or a patch
// written inline on one line (the form of the overrides ferry adds),
// whose fields are all at the line of the patch: key.
type patchSource struct {
	file string
	// line is the line of an inline patch, 0 for a file.
	line int
	// inline is the patch's text, for an inline patch.
	inline string
	// target is the entry's target: selector; nil when it has none (a
	// strategic-merge patch then names the object it patches).
	target *patchTarget
	// offset, for a patch written as a literal block scalar (|) in file,
	// is the line of its indicator: the patch's line n is the file's line
	// n+offset.
	offset int
}

// patchTarget is the target: of a patches: entry, each field a regular
// expression matched against the whole value, as kustomize's selectors are.
type patchTarget struct {
	group, version, kind, name, namespace string
	labelSelector, annotationSelector     string
}

// at is the line of the file that holds the patch's node n.
func (p patchSource) at(n *yaml.Node) int {
	if p.line > 0 {
		return p.line
	}
	return n.Line + p.offset
}

// applies reports whether the patch document d, of p, patches the object:
// obj as rendered, def as its file defines it (nil when unknown), also
// known by the names in aliases (as it was before a Flux Kustomization's
// prefix, say). The object may have been renamed or moved since the patch
// applied (a prefix, a namespace of an outer kustomization): a name matches
// any of those, a namespace the rendered or defined one ("" and "default"
// being one, as kustomize has them). Whatever ferry cannot decide (a
// selector it cannot parse) counts as applying, as before patches were told
// apart.
func (p patchSource) applies(d *yaml.Node, obj, def *manifest.Object, aliases ...string) bool {
	names := append([]string{obj.Name()}, aliases...)
	namespaces := []string{obj.Namespace()}
	if def != nil {
		names = append(names, def.Name())
		namespaces = append(namespaces, def.Namespace())
	}
	if slices.Contains(namespaces, "") || slices.Contains(namespaces, "default") {
		namespaces = append(namespaces, "", "default")
	}
	id := obj.ID()
	if t := p.target; t != nil {
		version := obj.APIVersion()
		if _, v, grouped := strings.Cut(version, "/"); grouped {
			version = v
		}
		return matchAny(t.kind, id.Kind) && matchAny(t.group, id.Group) && matchAny(t.version, version) &&
			matchAny(t.name, names...) && matchAny(t.namespace, namespaces...) &&
			matchSelector(t.labelSelector, "labels", obj, def) && matchSelector(t.annotationSelector, "annotations", obj, def)
	}
	if d.Kind != yaml.MappingNode {
		return true // a JSON patch without a target: kustomize refuses it
	}
	if kind := yamlnode.String(d, "kind"); kind != "" && kind != id.Kind {
		return false
	}
	meta := yamlnode.Value(d, "metadata")
	if name := yamlnode.String(meta, "name"); name != "" && !slices.Contains(names, name) {
		return false
	}
	if ns := yamlnode.String(meta, "namespace"); ns != "" && !slices.Contains(namespaces, ns) {
		return false
	}
	return true
}

// stringMap returns the object's metadata field (labels, annotations).
func stringMap(obj *manifest.Object, field string) map[string]string {
	v, _ := obj.Field("metadata", field)
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// matchAny reports whether the kustomize selector field pattern (a regular
// expression of the whole value; "" matches all) matches one of values.
func matchAny(pattern string, values ...string) bool {
	if pattern == "" {
		return true
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return true
	}
	return slices.ContainsFunc(values, re.MatchString)
}

// matchSelector reports whether a label (or annotation: field) selector
// matches the object as rendered or as defined — a later patch may have
// changed what the selector matched; one it cannot parse matches.
func matchSelector(selector, field string, objs ...*manifest.Object) bool {
	if selector == "" {
		return true
	}
	sel, err := labels.Parse(selector)
	if err != nil {
		return true
	}
	return slices.ContainsFunc(objs, func(o *manifest.Object) bool {
		return o != nil && sel.Matches(labels.Set(stringMap(o, field)))
	})
}

// patchDocs returns the documents of a patch, parsing it once.
func (f *lineFinder) patchDocs(p patchSource) []*yaml.Node {
	key := p.file
	if p.inline != "" {
		key = fmt.Sprintf("%s:%d:%d", p.file, p.line, p.offset)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	docs, ok := f.patches[key]
	if !ok {
		if p.inline != "" {
			docs, _ = yamlnode.Documents([]byte(p.inline))
		} else if data, err := f.fs.readRepoFile(p.file); err == nil {
			docs, _ = yamlnode.Documents(data) // up to a syntax error
		}
		f.patches[key] = docs
	}
	return docs
}

// patchFiles lists the patches a kustomization names, reading it once.
func (f *lineFinder) patchFiles(kustomization string) []patchSource {
	f.mu.Lock()
	files, ok := f.patched[kustomization]
	f.mu.Unlock()
	if !ok {
		files = f.readPatchFiles(kustomization)
		f.mu.Lock()
		f.patched[kustomization] = files
		f.mu.Unlock()
	}
	return files
}

func (f *lineFinder) readPatchFiles(kustomization string) []patchSource {
	data, err := f.fs.readRepoFile(kustomization)
	if err != nil {
		return nil
	}
	root, err := parseKustomization(kustomization, data)
	if err != nil {
		return nil
	}
	dir := path.Dir(kustomization)
	var out []patchSource
	for _, e := range yamlnode.Items(yamlnode.Value(root, "patches")) {
		target := readTarget(yamlnode.Value(e, "target"))
		if p := yamlnode.Scalar(e, "path"); p != nil {
			out = append(out, patchSource{file: path.Join(dir, p.Value), target: target})
		}
		// Written on one line, or as a literal block (|), whose lines are
		// the file's; not folded (>), whose lines are not.
		if p := yamlnode.Scalar(e, "patch"); p != nil && p.Value != "" {
			switch {
			case p.Style&yaml.LiteralStyle != 0:
				out = append(out, patchSource{file: kustomization, offset: p.Line, inline: p.Value, target: target})
			case p.Style&yaml.FoldedStyle == 0 && !strings.Contains(p.Value, "\n"):
				out = append(out, patchSource{file: kustomization, line: p.Line, inline: p.Value, target: target})
			}
		}
	}
	for _, e := range yamlnode.Scalars(yamlnode.Value(root, "patchesStrategicMerge")) {
		if !strings.Contains(e.Value, "\n") {
			out = append(out, patchSource{file: path.Join(dir, e.Value)})
		}
	}
	return out
}

// readTarget reads the target: of a patches: entry; nil when there is none.
func readTarget(n *yaml.Node) *patchTarget {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return &patchTarget{
		group: yamlnode.String(n, "group"), version: yamlnode.String(n, "version"), kind: yamlnode.String(n, "kind"),
		name: yamlnode.String(n, "name"), namespace: yamlnode.String(n, "namespace"),
		labelSelector: yamlnode.String(n, "labelSelector"), annotationSelector: yamlnode.String(n, "annotationSelector"),
	}
}

// object finds the object in file that kustomize rendered as obj. The
// rendered object may have been renamed (prefix, suffix, hash) or moved to
// another namespace: match on kind first, then on name. A file that cannot
// be parsed yields nothing: kustomize read it, so it is about the line only.
func (f *lineFinder) object(file string, obj *manifest.Object) *manifest.Object {
	docs := f.docs(file)
	id := obj.ID()
	var candidates []*manifest.Object
	for _, d := range docs {
		if d.Kind() == id.Kind && d.ID().Group == id.Group {
			candidates = append(candidates, d)
		}
	}
	if len(candidates) == 1 {
		return candidates[0]
	}
	var best *manifest.Object
	for _, c := range candidates {
		switch {
		case c.Name() == id.Name:
			return c
		case strings.Contains(id.Name, c.Name()) && (best == nil || len(c.Name()) > len(best.Name())):
			best = c
		}
	}
	return best
}

// docs returns the objects file defines, parsing it once; none when it
// cannot be read or parsed.
func (f *lineFinder) docs(file string) []*manifest.Object {
	f.mu.Lock()
	defer f.mu.Unlock()
	docs, ok := f.files[file]
	if !ok {
		if data, err := f.fs.readRepoFile(file); err == nil {
			docs, _ = manifest.Decode(file, data)
		}
		f.files[file] = docs
	}
	return docs
}

// entries returns the entries of a kustomization list field
// (configMapGenerator, secretGenerator or images), parsing the file once.
func (f *lineFinder) entries(file, field string) []yamlEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	fields, ok := f.kusts[file]
	if !ok {
		fields = map[string][]yamlEntry{}
		// The real file, not the annotated copy kustomize read: lines must
		// be the ones a person sees.
		if data, err := f.fs.readRepoFile(file); err == nil {
			if root, err := parseKustomization(file, data); err == nil {
				for _, fl := range []string{"configMapGenerator", "secretGenerator", "images"} {
					list := yamlnode.Value(root, fl)
					if list == nil {
						continue
					}
					for _, e := range list.Content {
						fields[fl] = append(fields[fl], yamlEntry{name: yamlnode.String(e, "name"), newName: yamlnode.String(e, "newName"), behavior: yamlnode.String(e, "behavior"), node: e})
					}
				}
			}
		}
		f.kusts[file] = fields
	}
	return fields[field]
}

// entry finds the entry of a kustomization list field (configMapGenerator,
// images, …) for name. For generators the longest entry name contained in
// the object's name wins (the name may carry prefixes, suffixes and a hash);
// for images (exact) the entry whose newName, or else name, equals it.
func (f *lineFinder) entry(file, field, name string, exact bool) *yamlEntry {
	entries := f.entries(file, field)
	var best *yamlEntry
	for i, e := range entries {
		if exact {
			if e.newName == name || (e.newName == "" && e.name == name) {
				return &entries[i]
			}
			continue
		}
		if e.name != "" && strings.Contains(name, e.name) && (best == nil || len(e.name) > len(best.name)) {
			best = &entries[i]
		}
	}
	return best
}

// findValue returns the first scalar below n whose value is value.
func findValue(n *yaml.Node, value string) *yaml.Node {
	if n.Kind == yaml.ScalarNode && n.Value == value {
		return n
	}
	for _, c := range n.Content {
		if found := findValue(c, value); found != nil {
			return found
		}
	}
	return nil
}
