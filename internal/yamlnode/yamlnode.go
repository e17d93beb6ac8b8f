// Package yamlnode reads go.yaml.in/yaml/v3 node trees: the few lookups
// every package that needs line numbers repeats.
package yamlnode

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Value returns the value of key in the mapping n, or nil when n is not a
// mapping or has no such key.
func Value(n *yaml.Node, key string) *yaml.Node {
	_, v := Entry(n, key)
	return v
}

// Entry returns the key and value nodes of key in the mapping n, or nils
// when n is not a mapping or has no such key.
func Entry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// Resolve follows aliases to the node they name.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// Scalar returns the value of key in the mapping n when it is a scalar, or
// nil.
func Scalar(n *yaml.Node, key string) *yaml.Node {
	if v := Value(n, key); v != nil && v.Kind == yaml.ScalarNode {
		return v
	}
	return nil
}

// Items returns the items of the sequence n, or nil when n is not one.
func Items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// Scalars returns the scalar items of the sequence n.
func Scalars(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for _, e := range Items(n) {
		if e.Kind == yaml.ScalarNode {
			out = append(out, e)
		}
	}
	return out
}

// String returns the text of the scalar value of key in the mapping n, or
// "" when there is none.
func String(n *yaml.Node, key string) string {
	if v := Scalar(n, key); v != nil {
		return v.Value
	}
	return ""
}

// Path follows keys through mappings (by key) and sequences (by index) from
// n, through aliases, and returns the node reached, or nil.
func Path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = Resolve(n)
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			n = Value(n, k)
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(k)
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

// Documents parses every document of a YAML stream and returns the root
// node of each (an empty document's is a null scalar). On a syntax error it
// returns the documents before it and the error.
func Documents(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*yaml.Node
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		if len(doc.Content) == 0 {
			out = append(out, &yaml.Node{Kind: yaml.MappingNode})
			continue
		}
		out = append(out, doc.Content[0])
	}
}
