package render

import (
	"strings"
	"sync"

	"github.com/ferrygitops/ferry/manifest"
)

// lineFinder turns the file-level origins kustomize records into file and
// line: it finds each object in the file that defines it, and each generated
// object at its generator entry in the kustomization. Files are parsed once.
type lineFinder struct {
	fs *repoFS

	mu    sync.Mutex
	files map[string][]*manifest.Object
	kusts map[string]map[string][]generatorEntry // kustomization file -> generator field -> entries
}

func newLineFinder(fsys *repoFS) *lineFinder {
	return &lineFinder{fs: fsys, files: map[string][]*manifest.Object{}, kusts: map[string]map[string][]generatorEntry{}}
}

// locate returns b's object with its origin line filled in where it can be
// found. A file that cannot be read or parsed leaves the line unknown: the
// build already succeeded, so the origin is still right about the file.
func (f *lineFinder) locate(b built) *manifest.Object {
	origin := b.obj.Origin()
	if origin.File == "" || origin.Repo != "" {
		return b.obj
	}
	if b.generator != "" {
		origin.Line = f.generatorLine(origin.File, b.generator, b.obj.Name())
	} else {
		origin.Line = f.objectLine(origin.File, b.obj)
	}
	return b.obj.WithOrigin(origin)
}

func (f *lineFinder) objectLine(file string, obj *manifest.Object) int {
	f.mu.Lock()
	defined, ok := f.files[file]
	if !ok {
		if data, err := f.fs.readRepoFile(file); err == nil {
			defined, _ = manifest.Decode(file, data)
		}
		f.files[file] = defined
	}
	f.mu.Unlock()

	// The rendered object may have been renamed (prefix, suffix, hash) or
	// moved to another namespace; match on kind first, then on name.
	id := obj.ID()
	var candidates []*manifest.Object
	for _, d := range defined {
		if d.Kind() == id.Kind && d.ID().Group == id.Group {
			candidates = append(candidates, d)
		}
	}
	if len(candidates) == 1 {
		return candidates[0].Origin().Line
	}
	best, bestLen := 0, -1
	for _, c := range candidates {
		switch {
		case c.Name() == id.Name:
			return c.Origin().Line
		case strings.Contains(id.Name, c.Name()) && len(c.Name()) > bestLen:
			best, bestLen = c.Origin().Line, len(c.Name())
		}
	}
	return best
}

// generatorLine finds the entry of the generator kind (ConfigMapGenerator,
// SecretGenerator) that made the object named name: kustomize records the
// kustomization but not the entry, and the name may carry prefixes, suffixes
// and a hash, so the longest entry name contained in it wins.
func (f *lineFinder) generatorLine(file, kind, name string) int {
	f.mu.Lock()
	entries, ok := f.kusts[file]
	if !ok {
		entries = map[string][]generatorEntry{}
		// The real file, not the annotated copy kustomize read: lines must
		// be the ones a person sees.
		if data, err := f.fs.readRepoFile(file); err == nil {
			if root, err := parseKustomization(file, data); err == nil {
				for _, field := range []string{"configMapGenerator", "secretGenerator"} {
					gens := mapValue(root, field)
					if gens == nil {
						continue
					}
					for _, g := range gens.Content {
						if n := mapScalar(g, "name"); n != nil {
							entries[field] = append(entries[field], generatorEntry{name: n.Value, line: g.Line})
						}
					}
				}
			}
		}
		f.kusts[file] = entries
	}
	f.mu.Unlock()

	field := "configMapGenerator"
	if kind == "SecretGenerator" {
		field = "secretGenerator"
	}
	line, best := 0, -1
	for _, e := range entries[field] {
		if strings.Contains(name, e.name) && len(e.name) > best {
			line, best = e.line, len(e.name)
		}
	}
	return line
}

type generatorEntry struct {
	name string
	line int
}
