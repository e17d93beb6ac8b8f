package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamlerr"
	"github.com/ferrygitops/ferry/internal/yamlnode"
)

// maxNodes bounds the YAML nodes one document may expand to, aliases
// included, so that a "billion laughs" document fails instead of exhausting
// memory.
const maxNodes = 1 << 20

// DecodeError reports input that is not a stream of Kubernetes objects. It
// names the file and, where known, the line.
type DecodeError struct {
	File string
	Line int
	Err  error
}

func (e *DecodeError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode parses a stream of YAML documents (JSON is YAML too) into objects,
// each with its origin: file and the line the object starts on. Empty
// documents are skipped; a List (kind List or *List with items) is expanded
// into its items, each keeping its own line. A document that is not a
// Kubernetes object is a [*DecodeError] naming file and line.
//
// Decode is safe for concurrent use; large streams are decoded in parallel.
func Decode(file string, data []byte) ([]*Object, error) {
	if len(data) >= parallelSize {
		return decodeParallel(file, data)
	}
	return decodeStream(file, data)
}

// decodeStream decodes a stream in one piece.
func decodeStream(file string, data []byte) ([]*Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var objs []*Object
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, &DecodeError{File: file, Line: yamlerr.Line(err), Err: fmt.Errorf("invalid YAML: %s", yamlerr.Message(err))}
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		c := converter{file: file}
		v, err := c.value(root)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue // a document holding only null or comments
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &DecodeError{File: file, Line: root.Line, Err: fmt.Errorf("%w: the document is a %s, want a mapping with apiVersion and kind", ErrNotObject, nodeKindName(root))}
		}
		if isList(m) {
			items, _ := m["items"].([]any)
			itemsNode := yamlnode.Value(root, "items")
			for i, item := range items {
				line := root.Line
				if itemsNode != nil && i < len(itemsNode.Content) {
					line = itemsNode.Content[i].Line
				}
				im, ok := item.(map[string]any)
				if !ok {
					return nil, &DecodeError{File: file, Line: line, Err: fmt.Errorf("%w: list item %d is not a mapping", ErrNotObject, i)}
				}
				obj, err := New(im, Origin{File: file, Line: line})
				if err != nil {
					return nil, &DecodeError{File: file, Line: line, Err: err}
				}
				objs = append(objs, withFieldLines(obj, itemsNode.Content[i]))
			}
			continue
		}
		obj, err := New(m, Origin{File: file, Line: root.Line})
		if err != nil {
			return nil, &DecodeError{File: file, Line: root.Line, Err: err}
		}
		objs = append(objs, withFieldLines(obj, root))
	}
}

// isList reports whether m is a Kubernetes list: kind List, or a kind ending
// in List that carries an items sequence (as kubectl and kustomize treat them).
func isList(m map[string]any) bool {
	kind, _ := m["kind"].(string)
	_, hasItems := m["items"].([]any)
	if kind == "List" {
		return true
	}
	return hasItems && len(kind) > len("List") && kind[len(kind)-len("List"):] == "List"
}

// converter turns YAML nodes into JSON-compatible values.
type converter struct {
	file  string
	nodes int
}

func (c *converter) fail(n *yaml.Node, format string, args ...any) error {
	return &DecodeError{File: c.file, Line: n.Line, Err: fmt.Errorf(format, args...)}
}

func (c *converter) value(n *yaml.Node) (any, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, c.fail(n, "document expands to more than %d YAML nodes (too many aliases?)", maxNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0])
	case yaml.AliasNode:
		return c.value(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := c.value(item)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n)
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return nil, c.fail(n, "unsupported YAML node")
}

func (c *converter) mapping(n *yaml.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	lines := make(map[string]int, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, c.fail(k, "mapping key is a %s, want a string", nodeKindName(k))
		}
		if prev, dup := lines[k.Value]; dup {
			return nil, c.fail(k, "duplicate key %q (first set on line %d)", k.Value, prev)
		}
		val, err := c.value(v)
		if err != nil {
			return nil, err
		}
		out[k.Value] = val
		lines[k.Value] = k.Line
	}
	// Merge keys (<<) fill in keys the mapping does not set itself; earlier
	// sources win over later ones, as YAML 1.1 specifies.
	for _, m := range merges {
		sources := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			sources = m.Content
		}
		for _, src := range sources {
			v, err := c.value(src)
			if err != nil {
				return nil, err
			}
			sm, ok := v.(map[string]any)
			if !ok {
				return nil, c.fail(src, "merge key << needs a mapping or a list of mappings")
			}
			for k, e := range sm {
				if _, set := out[k]; !set {
					out[k] = e
				}
			}
		}
	}
	return out, nil
}

func (c *converter) scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, c.fail(n, "invalid bool %q", n.Value)
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i, nil
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, c.fail(n, "invalid integer %q", n.Value)
		}
		return f, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, c.fail(n, "invalid number %q", n.Value)
		}
		return f, nil
	default:
		// Strings, timestamps (Kubernetes keeps them as strings), binary and
		// custom tags all keep their text.
		return n.Value, nil
	}
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "sequence"
	case yaml.MappingNode:
		return "mapping"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

// withFieldLines records the lines of the fields a person most often has to
// find — container images and annotations — as field origins.
func withFieldLines(obj *Object, node *yaml.Node) *Object {
	fields := map[string]Origin{}
	for _, c := range obj.Containers() {
		if n := walkNode(node, c.Field); n != nil {
			fields[c.Field] = Origin{File: obj.origin.File, Line: n.Line}
		}
	}
	if ann := walkNode(node, "/metadata/annotations"); ann != nil && ann.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ann.Content); i += 2 {
			fields[Pointer("metadata", "annotations", ann.Content[i].Value)] = Origin{File: obj.origin.File, Line: ann.Content[i].Line}
		}
	}
	if len(fields) == 0 {
		return obj
	}
	obj.fields = fields
	return obj
}

// walkNode follows a JSON pointer through a YAML node and returns the node
// there, or nil.
func walkNode(n *yaml.Node, pointer string) *yaml.Node {
	return yamlnode.Path(n, SplitPointer(pointer)...)
}
