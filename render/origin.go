package render

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

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

	mu    sync.Mutex
	files map[string][]defined              // file -> objects defined in it
	kusts map[string]map[string][]yamlEntry // kustomization -> field -> entries
}

// defined is an object as written in a file.
type defined struct {
	kind, group, name string
	node              *yaml.Node
}

// yamlEntry is a named entry of a kustomization list (a generator, an
// images: entry).
type yamlEntry struct {
	name, newName string
	node          *yaml.Node
}

func newLineFinder(fsys *repoFS) *lineFinder {
	return &lineFinder{fs: fsys, files: map[string][]defined{}, kusts: map[string]map[string][]yamlEntry{}}
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
	origin.Line = d.node.Line
	obj := b.obj.WithOrigin(origin)
	fields := map[string]manifest.Origin{}
	for _, c := range obj.Containers() {
		if o, ok := f.imageOrigin(b.imageKustomizations, c.Image); ok {
			fields[c.Field] = o
		} else if n := walk(d.node, c.Field); n != nil {
			fields[c.Field] = manifest.Origin{File: origin.File, Line: n.Line}
		}
	}
	if ann := walk(d.node, "/metadata/annotations"); ann != nil && ann.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ann.Content); i += 2 {
			fields[manifest.Pointer("metadata", "annotations", ann.Content[i].Value)] = manifest.Origin{File: origin.File, Line: ann.Content[i].Line}
		}
	}
	if len(fields) > 0 {
		obj = obj.WithFieldOrigins(fields)
	}
	return obj
}

// imageOrigin finds the images: entry that set the image, in the last
// kustomization applied whose entry matches it (kustomize applies inner
// kustomizations first). The line is that of newTag, digest or newName,
// whichever the entry sets, in that order.
func (f *lineFinder) imageOrigin(kustomizations []string, image string) (manifest.Origin, bool) {
	name := imageName(image)
	for i := len(kustomizations) - 1; i >= 0; i-- {
		e := f.entry(kustomizations[i], "images", name, true)
		if e == nil {
			continue
		}
		line := e.node.Line
		for _, key := range []string{"newTag", "digest", "newName"} {
			if v := mapValue(e.node, key); v != nil {
				line = v.Line
				break
			}
		}
		return manifest.Origin{File: kustomizations[i], Line: line}, true
	}
	return manifest.Origin{}, false
}

// imageName strips the tag and digest of an image reference.
func imageName(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

// object finds the object in file that kustomize rendered as obj. The
// rendered object may have been renamed (prefix, suffix, hash) or moved to
// another namespace: match on kind first, then on name.
func (f *lineFinder) object(file string, obj *manifest.Object) *defined {
	f.mu.Lock()
	docs, ok := f.files[file]
	if !ok {
		docs = f.parseObjects(file)
		f.files[file] = docs
	}
	f.mu.Unlock()

	id := obj.ID()
	var candidates []*defined
	for i := range docs {
		if docs[i].kind == id.Kind && docs[i].group == id.Group {
			candidates = append(candidates, &docs[i])
		}
	}
	if len(candidates) == 1 {
		return candidates[0]
	}
	var best *defined
	for _, c := range candidates {
		switch {
		case c.name == id.Name:
			return c
		case strings.Contains(id.Name, c.name) && (best == nil || len(c.name) > len(best.name)):
			best = c
		}
	}
	return best
}

// parseObjects reads the objects defined in a file, expanding lists.
func (f *lineFinder) parseObjects(file string) []defined {
	data, err := f.fs.readRepoFile(file)
	if err != nil {
		return nil
	}
	var out []defined
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return out // io.EOF, or a syntax error kustomize did not mind
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		root := doc.Content[0]
		if items := mapValue(root, "items"); items != nil && items.Kind == yaml.SequenceNode && strings.HasSuffix(scalar(root, "kind"), "List") {
			for _, item := range items.Content {
				out = append(out, definedOf(item))
			}
			continue
		}
		out = append(out, definedOf(root))
	}
}

func definedOf(n *yaml.Node) defined {
	return defined{
		kind:  scalar(n, "kind"),
		group: manifest.GroupFromAPIVersion(scalar(n, "apiVersion")),
		name:  scalar(mapValue(n, "metadata"), "name"),
		node:  n,
	}
}

func scalar(n *yaml.Node, key string) string {
	if v := mapScalar(n, key); v != nil {
		return v.Value
	}
	return ""
}

// entry finds the entry of a kustomization list field (configMapGenerator,
// images, …) for name. For generators the longest entry name contained in
// the object's name wins (the name may carry prefixes, suffixes and a hash);
// for images (exact) the entry whose newName, or else name, equals it.
func (f *lineFinder) entry(file, field, name string, exact bool) *yamlEntry {
	f.mu.Lock()
	fields, ok := f.kusts[file]
	if !ok {
		fields = map[string][]yamlEntry{}
		// The real file, not the annotated copy kustomize read: lines must
		// be the ones a person sees.
		if data, err := f.fs.readRepoFile(file); err == nil {
			if root, err := parseKustomization(file, data); err == nil {
				for _, fl := range []string{"configMapGenerator", "secretGenerator", "images"} {
					list := mapValue(root, fl)
					if list == nil {
						continue
					}
					for _, e := range list.Content {
						fields[fl] = append(fields[fl], yamlEntry{name: scalar(e, "name"), newName: scalar(e, "newName"), node: e})
					}
				}
			}
		}
		f.kusts[file] = fields
	}
	f.mu.Unlock()

	var best *yamlEntry
	for i, e := range fields[field] {
		if exact {
			if e.newName == name || (e.newName == "" && e.name == name) {
				return &fields[field][i]
			}
			continue
		}
		if e.name != "" && strings.Contains(name, e.name) && (best == nil || len(e.name) > len(best.name)) {
			best = &fields[field][i]
		}
	}
	return best
}

// walk follows a JSON pointer through a YAML node and returns the node it
// leads to, or nil.
func walk(n *yaml.Node, pointer string) *yaml.Node {
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			n = mapValue(n, seg)
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}
