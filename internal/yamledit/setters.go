package yamledit

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Setter is a scalar marked for Flux image automation with a line comment
// such as # {"$imagepolicy": "flux-system:podinfo:tag"}.
type Setter struct {
	// Path addresses the scalar.
	Path Path
	// Line is the 1-based line of the scalar and its marker.
	Line int
	// Value is the scalar's current value.
	Value string
	// Policy is the ImagePolicy the marker names, as namespace:name.
	Policy string
	// Field is the part of the image reference the scalar holds: "" for the
	// whole reference, or "tag", "name" or "digest".
	Field string
}

// Setters lists every scalar of data that carries an image policy marker,
// in file order. A marker is a line comment right after a one-line scalar
// value whose text is a JSON object with a "$imagepolicy" string; one that
// is not valid JSON, or whose policy is not namespace:name[:field], is an
// error naming its line. Scalars reached through aliases are listed once,
// where they are written.
func Setters(data []byte) ([]Setter, error) {
	const op = "setters"
	s, err := parse(op, data)
	if err != nil {
		return nil, err
	}
	var out []Setter
	// dup, when not empty, says that a key on the way to n appears twice in
	// its mapping: a setter below it has no path to edit it by.
	var visit func(n *yaml.Node, p Path, dup string) error
	visit = func(n *yaml.Node, p Path, dup string) error {
		switch n.Kind {
		case yaml.MappingNode:
			lines := map[string][]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				lines[k.Value] = append(lines[k.Value], k.Line)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				d := dup
				if at := lines[k.Value]; len(at) > 1 {
					d = fmt.Sprintf("key %q that appears twice in its mapping, at lines %d and %d", k.Value, at[0], at[1])
				}
				if err := visit(n.Content[i+1], p.child(k.Value), d); err != nil {
					return err
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if err := visit(c, p.child(strconv.Itoa(i)), dup); err != nil {
					return err
				}
			}
		case yaml.ScalarNode:
			tok, why := s.locate(n)
			if why != "" || tok.empty {
				return nil
			}
			comment, ok := s.trailingComment(tok.end)
			if !ok || !strings.HasPrefix(comment, "{") || !strings.Contains(comment, "$imagepolicy") {
				return nil
			}
			line := s.lineOf(tok.start)
			if dup != "" {
				return fmt.Errorf("%s: line %d: the image policy marker is under a %s; remove the duplicate", op, line, dup)
			}
			policy, field, err := parseMarker(comment)
			if err != nil {
				return fmt.Errorf("%s: line %d: invalid image policy marker %s: %w", op, line, comment, err)
			}
			out = append(out, Setter{Path: p, Line: line, Value: n.Value, Policy: policy, Field: field})
		}
		return nil
	}
	for i, d := range s.docs {
		if len(d.Content) == 0 {
			continue
		}
		if err := visit(d.Content[0], Path{Doc: i}, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// trailingComment returns the text of the comment that ends the line after
// offset off, without its # and surrounding blanks.
func (s *source) trailingComment(off int) (string, bool) {
	rest := strings.TrimLeft(string(s.data[off:s.lineEnd(off)]), " \t")
	if !strings.HasPrefix(rest, "#") {
		return "", false
	}
	return strings.TrimSpace(rest[1:]), true
}

// parseMarker reads {"$imagepolicy": "namespace:name[:field]"}.
func parseMarker(comment string) (policy, field string, err error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(comment), &m); err != nil {
		return "", "", fmt.Errorf("not a JSON object: %w", err)
	}
	ref, ok := m["$imagepolicy"].(string)
	if !ok {
		return "", "", fmt.Errorf(`"$imagepolicy" is not a string`)
	}
	parts := strings.Split(ref, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("%q is not namespace:name[:field]", ref)
	}
	if len(parts) == 3 {
		switch parts[2] {
		case "tag", "name", "digest":
			field = parts[2]
		default:
			return "", "", fmt.Errorf("field %q in %q is not tag, name or digest", parts[2], ref)
		}
	}
	return parts[0] + ":" + parts[1], field, nil
}
