package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// EncodeYAML writes the objects as a YAML stream separated by "---" lines,
// byte-for-byte the way `kustomize build` prints them: keys sorted, two-space
// indentation, sequences not indented under their key.
func EncodeYAML(w io.Writer, objs []*Object) error {
	var buf bytes.Buffer
	for i, o := range objs {
		js, err := json.Marshal(o.content)
		if err != nil {
			return fmt.Errorf("encode %s: %w", o.id, err)
		}
		y, err := yaml.JSONToYAML(js)
		if err != nil {
			return fmt.Errorf("encode %s: %w", o.id, err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(y)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// EncodeJSON writes the objects as one indented JSON v1 List, the shape
// kubectl prints with -o json, followed by a newline.
func EncodeJSON(w io.Writer, objs []*Object) error {
	items := make([]map[string]any, len(objs))
	for i, o := range objs {
		items[i] = o.content
	}
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(list)
}
