// Package fieldline finds the line of a field in the repository file that
// defines an object, so that a finding points at the line a person edits
// rather than where the object starts. A [Cache] reads and parses each file
// once and is safe for concurrent use.
package fieldline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/manifest"
)

// maxSourceSize bounds the source files read to locate fields.
const maxSourceSize = 8 << 20

// Cache reads and parses each origin file at most once, to find the lines
// of offending fields. It is safe for concurrent use; use one per set of
// objects checked together, as files may change between checks.
type Cache struct {
	fsys  fs.FS
	mu    sync.Mutex
	files map[string]*sourceFile
}

type sourceFile struct {
	once sync.Once
	docs []*yaml.Node
}

// New returns a cache reading files from fsys, the repository the objects'
// origins are relative to; with a nil fsys, Locate only uses the field
// origins the objects carry.
func New(fsys fs.FS) *Cache {
	return &Cache{fsys: fsys, files: map[string]*sourceFile{}}
}

// Locate points f at the line of its field: the field's own origin when
// the renderer recorded one, else the line of the field in the object's
// source file, when the file is readable and the field is written there
// with the value the object has. Otherwise f keeps the object's origin.
func (c *Cache) Locate(obj *manifest.Object, f *finding.Finding) {
	if f.Field == "" {
		return
	}
	if o, ok := obj.FieldOrigin(f.Field); ok {
		f.Source = o
		return
	}
	origin := obj.Origin()
	if c.fsys == nil || origin.File == "" || origin.Repo != "" || origin.Line <= 0 {
		return
	}
	root := findObjectNode(c.parse(origin.File), origin.Line, obj.Kind())
	if root == nil {
		return
	}
	if line := fieldLine(root, obj, finding.SplitPointer(f.Field)); line > 0 {
		f.Source = manifest.Origin{File: origin.File, Line: line}
	}
}

func (c *Cache) parse(file string) []*yaml.Node {
	c.mu.Lock()
	sf, ok := c.files[file]
	if !ok {
		sf = &sourceFile{}
		c.files[file] = sf
	}
	c.mu.Unlock()
	sf.once.Do(func() {
		f, err := c.fsys.Open(file)
		if err != nil {
			return
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxSourceSize+1))
		if err != nil || len(data) > maxSourceSize {
			return
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				if !errors.Is(err, io.EOF) {
					sf.docs = nil
				}
				return
			}
			sf.docs = append(sf.docs, &doc)
		}
	})
	return sf.docs
}

// findObjectNode returns the mapping that starts on line and has the kind,
// searching every document (objects may be items of a List).
func findObjectNode(docs []*yaml.Node, line int, kind string) *yaml.Node {
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if found != nil || n == nil || n.Line > line {
			return
		}
		if n.Kind == yaml.MappingNode && n.Line == line {
			if k := yamlnode.Value(n, "kind"); k != nil && k.Value == kind {
				found = n
				return
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range docs {
		walk(d)
	}
	return found
}

// fieldLine walks path from the object's node and returns the line of the
// deepest field found (the key's line, for a mapping entry). It returns 0
// when the field is found but holds another value than the object's, which
// means something else (a patch, a transformer) set it.
func fieldLine(root *yaml.Node, obj *manifest.Object, path []string) int {
	cur, line := root, root.Line
	var value any = obj.Content()
	for _, seg := range path {
		cur = yamlnode.Resolve(cur)
		switch cur.Kind {
		case yaml.MappingNode:
			k, val := yamlnode.Entry(cur, seg)
			if k == nil {
				return line
			}
			cur, line = val, k.Line
		case yaml.SequenceNode:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(cur.Content) {
				return line
			}
			cur = cur.Content[i]
			line = cur.Line
		default:
			return line
		}
		value = step(value, seg)
	}
	if cur = yamlnode.Resolve(cur); cur.Kind == yaml.ScalarNode {
		var got any
		if err := cur.Decode(&got); err != nil || fmt.Sprint(got) != fmt.Sprint(value) {
			return 0
		}
	}
	return line
}

func step(v any, seg string) any {
	switch v := v.(type) {
	case map[string]any:
		return v[seg]
	case []any:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(v) {
			return v[i]
		}
	}
	return nil
}
