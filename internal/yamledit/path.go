package yamledit

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Path addresses a node in a YAML file: the index of the document (0-based,
// counting every document of the stream, empty ones included), then map
// keys and sequence indexes as strings, like the segments of a JSON pointer.
// Path{Keys: []string{"images", "0", "newTag"}} is the newTag of the first
// images: entry of a kustomization. Keys match mapping keys by their decoded
// value, so a key written 'newTag' or "newTag" matches "newTag".
type Path struct {
	// Doc is the 0-based index of the document in the file.
	Doc int
	// Keys are map keys and decimal sequence indexes, outermost first.
	Keys []string
}

// String returns the path as a JSON pointer ("/images/0/newTag"), prefixed
// with the document index in brackets when it is not the first ("[1]/spec").
// The document root is "/".
func (p Path) String() string {
	var b strings.Builder
	if p.Doc != 0 {
		fmt.Fprintf(&b, "[%d]", p.Doc)
	}
	if len(p.Keys) == 0 {
		b.WriteString("/")
	}
	for _, k := range p.Keys {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
	}
	return b.String()
}

// child returns p with key appended, sharing nothing with p.
func (p Path) child(key string) Path {
	keys := make([]string, len(p.Keys), len(p.Keys)+1)
	copy(keys, p.Keys)
	return Path{Doc: p.Doc, Keys: append(keys, key)}
}

// target is the node a path reaches.
type target struct {
	node *yaml.Node
	// key is the node's mapping key, nil for sequence items and roots.
	key *yaml.Node
	// flow is true when the node sits inside a flow collection.
	flow bool
}

// walk follows p through the parsed documents. With follow set it reads
// through aliases and merge keys; without, reaching a node through either is
// an [*AliasError], since editing there would edit the anchor.
func walk(op string, docs []*yaml.Node, p Path, follow bool) (target, error) {
	if p.Doc < 0 || p.Doc >= len(docs) {
		return target{}, &PathError{Op: op, Path: p, Reason: fmt.Sprintf("document %d not found: the file has %d", p.Doc, len(docs))}
	}
	doc := docs[p.Doc]
	if len(doc.Content) == 0 {
		return target{}, &PathError{Op: op, Path: p, Line: doc.Line, Reason: fmt.Sprintf("document %d is empty", p.Doc)}
	}
	t := target{node: doc.Content[0]}
	for i, seg := range p.Keys {
		if t.node.Kind == yaml.AliasNode {
			if !follow {
				return target{}, aliasError(op, doc, p, t.node, t.node.Alias, p.Keys[i:])
			}
			t.node = t.node.Alias
		}
		cur := t.node
		t.flow = t.flow || cur.Style&yaml.FlowStyle != 0
		switch cur.Kind {
		case yaml.MappingNode:
			k, v, err := lookup(cur, seg)
			if err != "" {
				return target{}, &UnsupportedError{Op: op, Path: p, Line: cur.Line, Reason: err}
			}
			if k == nil {
				via, mk, mv := lookupMerged(cur, seg, 0)
				if via == nil {
					return target{}, &PathError{Op: op, Path: p, Line: cur.Line,
						Reason: fmt.Sprintf("key %q not found in the mapping at line %d", seg, cur.Line)}
				}
				if !follow && via.Kind == yaml.AliasNode {
					return target{}, aliasError(op, doc, p, via, via.Alias, p.Keys[i:])
				}
				k, v = mk, mv
			}
			t.key, t.node = k, v
		case yaml.SequenceNode:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || strconv.Itoa(n) != seg {
				return target{}, &PathError{Op: op, Path: p, Line: cur.Line,
					Reason: fmt.Sprintf("%q is not an index into the sequence at line %d", seg, cur.Line)}
			}
			if n >= len(cur.Content) {
				return target{}, &PathError{Op: op, Path: p, Line: cur.Line,
					Reason: fmt.Sprintf("index %d out of range: the sequence at line %d has %d items", n, cur.Line, len(cur.Content))}
			}
			t.key, t.node = nil, cur.Content[n]
		default:
			return target{}, &PathError{Op: op, Path: p, Line: cur.Line,
				Reason: fmt.Sprintf("cannot look up %q: line %d holds a %s, not a mapping or sequence", seg, cur.Line, kindName(cur))}
		}
	}
	if t.node.Kind == yaml.AliasNode {
		if !follow {
			return target{}, aliasError(op, doc, p, t.node, t.node.Alias, nil)
		}
		t.node = t.node.Alias
	}
	return t, nil
}

// lookup returns the key and value for key in mapping m, nil when absent,
// and a reason when the key is there more than once.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node, dup string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		c := m.Content[i]
		if c.Kind != yaml.ScalarNode || c.Value != key || isMergeKey(c) {
			continue
		}
		if k != nil {
			return nil, nil, fmt.Sprintf("key %q appears twice in the mapping, at lines %d and %d", key, k.Line, c.Line)
		}
		k, v = c, m.Content[i+1]
	}
	return k, v, ""
}

// lookupMerged finds key among the mappings merged into m with <<, the way
// YAML merges them: earlier sources win. via is the node that brought the
// key in: the alias, or the inline mapping, of the merge.
func lookupMerged(m *yaml.Node, key string, depth int) (via, k, v *yaml.Node) {
	if depth > 32 {
		return nil, nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		sources := []*yaml.Node{m.Content[i+1]}
		if sources[0].Kind == yaml.SequenceNode {
			sources = sources[0].Content
		}
		for _, src := range sources {
			mapping := src
			if src.Kind == yaml.AliasNode {
				mapping = src.Alias
			}
			if mapping == nil || mapping.Kind != yaml.MappingNode {
				continue
			}
			if k, v, _ := lookup(mapping, key); k != nil {
				return src, k, v
			}
			if inner, k, v := lookupMerged(mapping, key, depth+1); inner != nil {
				if src.Kind == yaml.AliasNode {
					inner = src
				}
				return inner, k, v
			}
		}
	}
	return nil, nil, nil
}

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && n.Style == 0 && n.Tag == "!!merge"
}

// aliasError builds the error for an edit through alias, whose anchored
// node is anchored; rest are the path segments still to follow from there.
func aliasError(op string, doc *yaml.Node, p Path, alias, anchored *yaml.Node, rest []string) *AliasError {
	e := &AliasError{Op: op, Path: p, Line: alias.Line, Anchor: anchored.Anchor, AnchorLine: anchored.Line}
	if keys, ok := pathOf(doc.Content[0], anchored, nil); ok {
		e.Target = &Path{Doc: p.Doc, Keys: append(keys, rest...)}
	}
	return e
}

// pathOf returns the keys leading from root to want, without following
// aliases.
func pathOf(root, want *yaml.Node, prefix []string) ([]string, bool) {
	if root == want {
		return append([]string{}, prefix...), true
	}
	switch root.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Kind != yaml.ScalarNode {
				continue
			}
			if keys, ok := pathOf(root.Content[i+1], want, append(prefix, root.Content[i].Value)); ok {
				return keys, true
			}
		}
	case yaml.SequenceNode:
		for i, c := range root.Content {
			if keys, ok := pathOf(c, want, append(prefix, strconv.Itoa(i))); ok {
				return keys, true
			}
		}
	}
	return nil, false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	default:
		return "scalar"
	}
}
