package validate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/version"

	"github.com/ferrygitops/ferry/manifest"
)

const crdGroup = "apiextensions.k8s.io"

// objectMetaDef names the embedded ObjectMeta schema, which custom resources
// share with built-in kinds (the generator may have kept only the variant
// that accepts null).
const objectMetaDef = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

// isCRD reports whether obj is a CustomResourceDefinition.
func isCRD(obj *manifest.Object) bool {
	return obj.Kind() == "CustomResourceDefinition" && obj.ID().Group == crdGroup
}

// crdSchema is the schema one served version of a CRD gives its custom
// resources, compiled on first use.
type crdSchema struct {
	apiVersion, kind string
	crd              *manifest.Object
	doc              map[string]any
	loader           jsonschema.URLLoader // for the embedded ObjectMeta schema
	// deprecated and warning are the version's deprecated flag and
	// deprecationWarning; replacement is the version to use instead, ""
	// when the CRD serves none that is not deprecated.
	deprecated           bool
	warning, replacement string
	// embedded is the module an embedded CRD comes from; nil for CRDs of
	// the input and of Options.CRDs.
	embedded *toolchainSource

	once     sync.Once
	compiled *jsonschema.Schema
	err      error
}

func (c *crdSchema) schema() (*jsonschema.Schema, error) {
	c.once.Do(func() {
		url := "urn:ferry:crd:" + c.apiVersion + "/" + c.kind
		comp := newCompiler(c.loader)
		if err := comp.AddResource(url, c.doc); err != nil {
			c.err = fmt.Errorf("schema of %s %s from CustomResourceDefinition %s: %w", c.apiVersion, c.kind, c.crd.Name(), err)
			return
		}
		c.compiled, c.err = comp.Compile(url)
		if c.err != nil {
			c.err = fmt.Errorf("schema of %s %s from CustomResourceDefinition %s: %w", c.apiVersion, c.kind, c.crd.Name(), c.err)
		}
	})
	return c.compiled, c.err
}

// crdSet holds the schemas of a set of CRDs by apiVersion/kind.
type crdSet struct {
	byKey      map[string]*crdSchema
	byCRD      map[*manifest.Object][]*crdSchema
	groupKinds map[string]bool // group/kind of every CRD
}

// newCRDSet converts the served versions of every CRD among objs; objects
// of other kinds are ignored. The first CRD to define an apiVersion/kind
// wins. A CRD that cannot be converted is an error naming it.
func (v *Validator) newCRDSet(objs []*manifest.Object) (*crdSet, error) {
	set := emptyCRDSet()
	var errs []error
	for _, obj := range objs {
		if !isCRD(obj) {
			continue
		}
		schemas, err := v.crdSchemas(obj)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		set.add(obj, schemas)
	}
	return set, errors.Join(errs...)
}

func emptyCRDSet() *crdSet {
	return &crdSet{byKey: map[string]*crdSchema{}, byCRD: map[*manifest.Object][]*crdSchema{}, groupKinds: map[string]bool{}}
}

// add records a CRD's schemas; an apiVersion/kind already defined keeps its
// first definition.
func (s *crdSet) add(crd *manifest.Object, schemas []*crdSchema) {
	for _, sc := range schemas {
		s.groupKinds[manifest.GroupFromAPIVersion(sc.apiVersion)+"/"+sc.kind] = true
		key := sc.apiVersion + "/" + sc.kind
		if _, dup := s.byKey[key]; !dup {
			s.byKey[key] = sc
		}
	}
	s.byCRD[crd] = schemas
}

// compileAll compiles every schema of the set, for CRDs given in Options,
// whose errors New reports.
func (s *crdSet) compileAll() error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(s.byKey)) {
		if _, err := s.byKey[key].schema(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// crdSchemas converts the served versions of one CRD (apiextensions.k8s.io
// v1, or v1beta1 with its top-level validation).
func (v *Validator) crdSchemas(crd *manifest.Object) ([]*crdSchema, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("CustomResourceDefinition %s (%s): %s", crd.Name(), crd.Origin(), fmt.Sprintf(format, args...))
	}
	spec, _ := crd.Content()["spec"].(map[string]any)
	group, _ := spec["group"].(string)
	names, _ := spec["names"].(map[string]any)
	kind, _ := names["kind"].(string)
	if group == "" || kind == "" {
		return nil, fail("spec.group and spec.names.kind are required")
	}
	topLevel := nestedMap(spec, "validation", "openAPIV3Schema")
	type served struct {
		name       string
		schema     map[string]any
		deprecated bool
		warning    string
		storage    bool
	}
	var versions []served
	list, _ := spec["versions"].([]any)
	for i, e := range list {
		ver, _ := e.(map[string]any)
		name, _ := ver["name"].(string)
		if name == "" {
			return nil, fail("spec.versions[%d].name is required", i)
		}
		if s, ok := ver["served"].(bool); ok && !s {
			continue
		}
		schema := nestedMap(ver, "schema", "openAPIV3Schema")
		if schema == nil {
			schema = topLevel
		}
		deprecated, _ := ver["deprecated"].(bool)
		warning, _ := ver["deprecationWarning"].(string)
		storage, _ := ver["storage"].(bool)
		versions = append(versions, served{name, schema, deprecated, warning, storage})
	}
	if len(list) == 0 {
		name, _ := spec["version"].(string)
		if name == "" {
			return nil, fail("spec.versions is empty")
		}
		versions = append(versions, served{name: name, schema: topLevel, storage: true})
	}
	// The replacement of a deprecated version: the storage version when it
	// is not deprecated, else the most stable served version that is not.
	replacement := ""
	for _, sv := range versions {
		if sv.storage && !sv.deprecated {
			replacement = sv.name
		}
	}
	if replacement == "" {
		for _, sv := range versions {
			if !sv.deprecated && (replacement == "" || version.CompareKubeAwareVersionStrings(sv.name, replacement) > 0) {
				replacement = sv.name
			}
		}
	}
	out := make([]*crdSchema, 0, len(versions))
	for _, sv := range versions {
		doc, err := v.crdDocument(sv.schema)
		if err != nil {
			return nil, fail("version %s: %v", sv.name, err)
		}
		s := &crdSchema{apiVersion: group + "/" + sv.name, kind: kind, crd: crd, doc: doc, loader: v.loader}
		if sv.deprecated {
			s.deprecated, s.warning = true, sv.warning
			if replacement != "" {
				s.replacement = group + "/" + replacement
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func nestedMap(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// crdDocument converts a CRD's openAPIV3Schema into a draft-4 document for
// its custom resources (nil schema: any object), which refers to the
// embedded ObjectMeta schema by its embeddedURL. Like kubeconform's
// openapi2jsonschema it forbids unknown fields in strict mode and turns
// int-or-string into integer-or-string; unlike it, it honours nullable and
// x-kubernetes-preserve-unknown-fields, accepts null for optional fields (the
// API server prunes them), and checks metadata against the ObjectMeta schema
// of the target Kubernetes version.
func (v *Validator) crdDocument(schema map[string]any) (map[string]any, error) {
	strict := !v.opts.Lax
	if err := checkSchemaSize(schema, cmp.Or(v.opts.MaxCRDSchemaNodes, DefaultMaxCRDSchemaNodes), cmp.Or(v.opts.MaxCRDSchemaDepth, DefaultMaxCRDSchemaDepth)); err != nil {
		return nil, err
	}
	if schema == nil {
		schema = map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	}
	root, err := convertCRDSchema(schema, false, false, strict)
	if err != nil {
		return nil, err
	}
	root["type"] = "object"
	props, _ := root["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		root["properties"] = props
	}
	for _, k := range []string{"apiVersion", "kind"} {
		if _, ok := props[k]; !ok {
			props[k] = map[string]any{"type": "string"}
		}
	}
	metaName := objectMetaDef
	if _, ok := v.schemas.defs[metaName]; !ok {
		metaName += ".nullable"
	}
	meta := map[string]any{"$ref": embeddedURL(v.version, metaName)}
	if given := nestedMap(schema, "properties", "metadata"); given != nil {
		extra, err := convertCRDSchema(given, false, true, strict)
		if err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		delete(extra, "type")
		meta = map[string]any{"allOf": []any{meta, extra}}
	}
	props["metadata"] = meta
	if _, set := root["additionalProperties"]; strict && !set && root["x-kubernetes-preserve-unknown-fields"] != true {
		root["additionalProperties"] = false
	}
	return root, nil
}

// checkSchemaSize refuses a schema with more than maxNodes subschemas or
// nested deeper than maxDepth, before anything walks it recursively.
func checkSchemaSize(schema map[string]any, maxNodes, maxDepth int) error {
	type entry struct {
		node  map[string]any
		depth int
	}
	nodes := 0
	stack := []entry{{schema, 1}}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.node == nil {
			continue
		}
		if nodes++; nodes > maxNodes {
			return fmt.Errorf("the schema has more than %d subschemas, which ferry does not compile (validate.Options.MaxCRDSchemaNodes)", maxNodes)
		}
		if e.depth > maxDepth {
			return fmt.Errorf("the schema nests deeper than %d levels, which ferry does not compile (validate.Options.MaxCRDSchemaDepth)", maxDepth)
		}
		push := func(v any) {
			if m, ok := v.(map[string]any); ok {
				stack = append(stack, entry{m, e.depth + 1})
			}
		}
		for _, k := range []string{"properties", "patternProperties", "definitions"} {
			if m, ok := e.node[k].(map[string]any); ok {
				for _, sub := range m {
					push(sub)
				}
			}
		}
		for _, k := range []string{"items", "additionalProperties", "not", "additionalItems"} {
			push(e.node[k])
			if l, ok := e.node[k].([]any); ok {
				for _, sub := range l {
					push(sub)
				}
			}
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			if l, ok := e.node[k].([]any); ok {
				for _, sub := range l {
					push(sub)
				}
			}
		}
	}
	return nil
}

// crdDroppedKeys carry documentation or rules a JSON schema validator cannot
// check (CEL validations, list and map types).
var crdDroppedKeys = map[string]bool{
	"description": true, "default": true, "example": true, "externalDocs": true, "title": true,
	"nullable": true, "x-kubernetes-validations": true, "x-kubernetes-list-type": true,
	"x-kubernetes-list-map-keys": true, "x-kubernetes-map-type": true,
}

// convertCRDSchema converts one node of a CRD schema. nullable says null is
// accepted (the field is optional); inJunctor says the node is inside
// allOf, anyOf, oneOf or not, where properties constrain fields declared
// elsewhere and so must not forbid others.
func convertCRDSchema(node map[string]any, nullable, inJunctor, strict bool) (map[string]any, error) {
	out := make(map[string]any, len(node))
	required := map[string]bool{}
	if req, ok := node["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	explicitNull := node["nullable"] == true
	for k, val := range node {
		switch k {
		case "type":
			continue
		case "$ref":
			return nil, fmt.Errorf("$ref is not allowed in CRD schemas")
		case "properties":
			props, ok := val.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("properties is not a map")
			}
			conv := make(map[string]any, len(props))
			for p, ps := range props {
				pm, ok := ps.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("property %s is not a schema", p)
				}
				s, err := convertCRDSchema(pm, !required[p], inJunctor, strict)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				conv[p] = s
			}
			out[k] = conv
		case "items", "additionalProperties", "not":
			switch val := val.(type) {
			case map[string]any:
				s, err := convertCRDSchema(val, false, inJunctor || k == "not", strict)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k, err)
				}
				out[k] = s
			case bool:
				out[k] = val
			default:
				return nil, fmt.Errorf("%s is neither a schema nor a boolean", k)
			}
		case "allOf", "anyOf", "oneOf":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("%s is not a list", k)
			}
			conv := make([]any, 0, len(list))
			for _, e := range list {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s entry is not a schema", k)
				}
				s, err := convertCRDSchema(m, false, true, strict)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k, err)
				}
				conv = append(conv, s)
			}
			out[k] = conv
		default:
			if !crdDroppedKeys[k] {
				out[k] = val
			}
		}
	}
	nullable = nullable || explicitNull
	intOrString := node["x-kubernetes-int-or-string"] == true || node["format"] == "int-or-string"
	switch t, _ := node["type"].(string); {
	case intOrString && t == "":
		out["type"] = withNull([]any{"integer", "string"}, nullable)
		delete(out, "format")
	case t != "" && nullable:
		out["type"] = []any{t, "null"}
	case t != "":
		out["type"] = t
	}
	if enum, ok := out["enum"].([]any); ok && nullable && !slices.Contains(enum, any(nil)) {
		out["enum"] = append(slices.Clip(enum), nil)
	}
	props, hasProps := out["properties"].(map[string]any)
	if node["x-kubernetes-embedded-resource"] == true && hasProps {
		for _, k := range []string{"apiVersion", "kind"} {
			if _, ok := props[k]; !ok {
				props[k] = map[string]any{"type": "string"}
			}
		}
		if _, ok := props["metadata"]; !ok {
			props["metadata"] = map[string]any{"type": "object"}
		}
	}
	_, hasAdditional := out["additionalProperties"]
	if strict && hasProps && !inJunctor && !hasAdditional && node["x-kubernetes-preserve-unknown-fields"] != true {
		out["additionalProperties"] = false
	}
	return out, nil
}

func withNull(types []any, nullable bool) []any {
	if nullable {
		return append(types, "null")
	}
	return types
}

// LoadCRDs reads the CustomResourceDefinitions in files and directories
// (every .yaml, .yml and .json file below a directory), for
// [Options].CRDs. Objects of other kinds are left out. A path without any
// CRD is an error, so that a wrong path does not go unnoticed.
func LoadCRDs(ctx context.Context, paths ...string) ([]*manifest.Object, error) {
	var out []*manifest.Object
	for _, p := range paths {
		files, err := manifestFiles(p)
		if err != nil {
			return nil, fmt.Errorf("load CRDs %s: %w", p, err)
		}
		found := 0
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("load CRDs %s: %w", p, err)
			}
			objs, err := manifest.Decode(filepath.ToSlash(f), data)
			if err != nil {
				return nil, fmt.Errorf("load CRDs %s: %w", p, err)
			}
			for _, o := range objs {
				if isCRD(o) {
					out = append(out, o)
					found++
				}
			}
		}
		if found == 0 {
			return nil, fmt.Errorf("load CRDs %s: no CustomResourceDefinition found", p)
		}
	}
	return out, nil
}

// manifestFiles returns path itself, or the YAML and JSON files below it,
// sorted.
func manifestFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			if !d.IsDir() {
				files = append(files, p)
			}
		}
		return nil
	})
	return files, err
}
