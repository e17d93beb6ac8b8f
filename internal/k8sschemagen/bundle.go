package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Bundle format version; validate refuses bundles of another format.
const bundleFormat = 1

// Definition names with a replacement schema, as kubeconform's schemas
// (openapi2jsonschema --kubernetes) replace them: an IntOrString is an
// integer or a string; a Quantity is a string or a number. Quantity strings
// must also match the grammar of k8s.io/apimachinery/pkg/api/resource, which
// the API server enforces.
const (
	intOrStringDef = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	quantityDef    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	// QuantityPattern is the serialization grammar of resource.Quantity.
	quantityPattern = `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)))?$`
	// nullableSuffix names the variant of a definition that also accepts
	// null, used where an optional field refers to it.
	nullableSuffix = ".nullable"
)

// keptExtensions are the vendor extensions that carry validation meaning;
// every other x-kubernetes-* key (list types, patch strategies, unions, the
// group-version-kind list) is dropped.
var keptExtensions = map[string]bool{
	"x-kubernetes-int-or-string":           true,
	"x-kubernetes-preserve-unknown-fields": true,
	"x-kubernetes-embedded-resource":       true,
}

// droppedKeys carry documentation only.
var droppedKeys = map[string]bool{
	"description": true, "default": true, "example": true, "externalDocs": true, "title": true,
}

// bundle is the file validate embeds: schemas are stored once each,
// addressed by the SHA-256 of their canonical JSON, and every version maps
// its definition names to those hashes. References between definitions are
// by name ("#/definitions/<name>") and resolve within one version.
type bundle struct {
	Format   int                 `json:"format"`
	Blobs    map[string]any      `json:"blobs"`
	Versions map[string]*version `json:"versions"`
}

// version is one Kubernetes minor version in the bundle.
type version struct {
	// Source is the module the spec was read from, k8s.io/kubernetes@vX.Y.Z.
	Source string `json:"source"`
	// Kinds maps apiVersion/kind ("apps/v1/Deployment", "v1/Pod") to the
	// definition holding its schema.
	Kinds map[string]string `json:"kinds"`
	// Definitions maps each definition name to the hash of its schema.
	Definitions map[string]string `json:"definitions"`
}

func newBundle() *bundle {
	return &bundle{Format: bundleFormat, Blobs: map[string]any{}, Versions: map[string]*version{}}
}

// add converts one version's spec and adds it to the bundle.
func (b *bundle) add(s spec) error {
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	dec := json.NewDecoder(bytes.NewReader(s.data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("parse spec of %s: %w", s.source, err)
	}
	if _, dup := b.Versions[s.minor]; dup {
		return fmt.Errorf("version %s given twice", s.minor)
	}
	c := &converter{defs: doc.Definitions, out: map[string]any{}}
	v := &version{Source: s.source, Kinds: map[string]string{}, Definitions: map[string]string{}}
	for _, name := range slices.Sorted(maps.Keys(doc.Definitions)) {
		for _, gvk := range rootKinds(name, doc.Definitions[name]) {
			ref, err := c.define(name, false)
			if err != nil {
				return fmt.Errorf("convert %s of %s: %w", name, s.source, err)
			}
			v.Kinds[gvk] = ref
		}
	}
	if len(v.Kinds) == 0 {
		return fmt.Errorf("spec of %s defines no kinds", s.source)
	}
	for name, schema := range c.out {
		h, err := hash(schema)
		if err != nil {
			return err
		}
		b.Blobs[h] = schema
		v.Definitions[name] = h
	}
	b.Versions[s.minor] = v
	return nil
}

// rootKinds returns the apiVersion/kind keys a definition is the schema of:
// the kinds in its x-kubernetes-group-version-kind, leaving out lists
// (ferry expands them into their items) and the apimachinery meta types
// (Status, DeleteOptions, WatchEvent), which are not objects one stores.
func rootKinds(name string, def map[string]any) []string {
	if strings.HasPrefix(name, "io.k8s.apimachinery.") {
		return nil
	}
	gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
	var out []string
	for _, g := range gvks {
		m, _ := g.(map[string]any)
		group, _ := m["group"].(string)
		ver, _ := m["version"].(string)
		kind, _ := m["kind"].(string)
		if kind == "" || ver == "" || strings.HasSuffix(kind, "List") {
			continue
		}
		apiVersion := ver
		if group != "" {
			apiVersion = group + "/" + ver
		}
		out = append(out, apiVersion+"/"+kind)
	}
	return out
}

// converter turns OpenAPI v2 definitions into draft-4 JSON schemas the way
// kubeconform's -strict schemas are built: descriptions stripped,
// additionalProperties: false on every object with properties, optional
// fields nullable, IntOrString and Quantity replaced.
type converter struct {
	defs map[string]map[string]any
	out  map[string]any // definition name (with variant suffix) -> schema
}

// define converts the definition name (its nullable variant when nullable)
// and those it refers to, and returns the name it is stored under.
func (c *converter) define(name string, nullable bool) (string, error) {
	def, ok := c.defs[name]
	if !ok {
		return "", fmt.Errorf("reference to undefined %s", name)
	}
	if _, typed := def["type"]; !typed && name != quantityDef && name != intOrStringDef {
		nullable = false // an untyped schema already accepts null
	}
	key := name
	if nullable {
		key += nullableSuffix
	}
	if _, done := c.out[key]; done {
		return key, nil
	}
	c.out[key] = nil // placeholder: definitions may refer to themselves
	var s map[string]any
	var err error
	switch name {
	case intOrStringDef:
		s = map[string]any{"type": nullableType(nullable, "integer", "string"), "x-kubernetes-int-or-string": true}
	case quantityDef:
		s = map[string]any{"type": nullableType(nullable, "number", "string"), "pattern": quantityPattern}
	default:
		s, err = c.schema(def, nullable)
	}
	if err != nil {
		return "", err
	}
	c.out[key] = s
	return key, nil
}

func nullableType(nullable bool, types ...string) []any {
	out := make([]any, 0, len(types)+1)
	for _, t := range types {
		out = append(out, t)
	}
	if nullable {
		out = append(out, "null")
	}
	return out
}

// schema converts one schema node. nullable says the node may also be null:
// true everywhere but for the fields its object requires (and the roots), as
// in kubeconform's schemas.
func (c *converter) schema(node map[string]any, nullable bool) (map[string]any, error) {
	if ref, ok := node["$ref"].(string); ok {
		target, found := strings.CutPrefix(ref, "#/definitions/")
		if !found {
			return nil, fmt.Errorf("unsupported reference %q", ref)
		}
		key, err := c.define(target, nullable)
		if err != nil {
			return nil, err
		}
		return map[string]any{"$ref": "#/definitions/" + key}, nil
	}
	if all, ok := node["allOf"].([]any); ok && len(all) == 1 && onlyDocs(node, "allOf") {
		if inner, ok := all[0].(map[string]any); ok {
			return c.schema(inner, nullable)
		}
	}
	if node["format"] == "int-or-string" || node["x-kubernetes-int-or-string"] == true {
		return map[string]any{"type": nullableType(nullable, "integer", "string"), "x-kubernetes-int-or-string": true}, nil
	}
	out := map[string]any{}
	for k, v := range node {
		switch {
		case droppedKeys[k], strings.HasPrefix(k, "x-") && !keptExtensions[k], k == "type":
			continue
		case k == "properties":
			props, _ := v.(map[string]any)
			required := map[string]bool{}
			if req, ok := node["required"].([]any); ok {
				for _, r := range req {
					if s, ok := r.(string); ok {
						required[s] = true
					}
				}
			}
			conv := make(map[string]any, len(props))
			for p, ps := range props {
				pm, ok := ps.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("property %s is not a schema", p)
				}
				s, err := c.schema(pm, !required[p])
				if err != nil {
					return nil, fmt.Errorf("property %s: %w", p, err)
				}
				conv[p] = s
			}
			out[k] = conv
		case k == "items" || k == "additionalProperties" || k == "not":
			m, ok := v.(map[string]any)
			if !ok {
				out[k] = v // a boolean
				continue
			}
			s, err := c.schema(m, k != "not")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = s
		case k == "allOf" || k == "anyOf" || k == "oneOf":
			list, _ := v.([]any)
			conv := make([]any, 0, len(list))
			for _, e := range list {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s entry is not a schema", k)
				}
				s, err := c.schema(m, false)
				if err != nil {
					return nil, err
				}
				conv = append(conv, s)
			}
			out[k] = conv
		default:
			out[k] = v
		}
	}
	if t, ok := node["type"].(string); ok {
		if nullable {
			out["type"] = []any{t, "null"}
		} else {
			out["type"] = t
		}
	}
	if enum, ok := out["enum"].([]any); ok && nullable && !slices.Contains(enum, any(nil)) {
		out["enum"] = append(slices.Clip(enum), nil)
	}
	_, hasProps := out["properties"]
	_, hasAdditional := out["additionalProperties"]
	if hasProps && !hasAdditional && out["x-kubernetes-preserve-unknown-fields"] != true {
		out["additionalProperties"] = false
	}
	return out, nil
}

// onlyDocs reports whether node holds nothing but key and documentation.
func onlyDocs(node map[string]any, key string) bool {
	for k := range node {
		if k != key && !droppedKeys[k] && !strings.HasPrefix(k, "x-") {
			return false
		}
	}
	return true
}

// hash returns the content address of a schema: the hex SHA-256 of its
// canonical JSON (encoding/json sorts map keys), shortened to 20 digits.
func hash(schema any) (string, error) {
	data, err := json.Marshal(schema)
	if err != nil {
		return "", fmt.Errorf("hash schema: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:20], nil
}

// encode writes the bundle as gzip-compressed JSON. encoding/json sorts map
// keys and the gzip header carries no name or time, so the bytes depend on
// the content alone (and the Go release's compress/flate).
func (b *bundle) encode() ([]byte, error) {
	data, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
