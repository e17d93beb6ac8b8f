package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Origin is the place in the repository that defines an object: the file a
// person edits to change it and the line where the object starts there.
type Origin struct {
	// File is the slash-separated path of the file, relative to the
	// repository root. For a generated object (a kustomize ConfigMap
	// generator, say) it is the kustomization file that configures it.
	File string `json:"file,omitempty"`
	// Line is the 1-based line of the object (or of the generator entry) in
	// File; 0 when unknown.
	Line int `json:"line,omitempty"`
	// Repo names the remote repository the file was fetched from, with its
	// ref, for objects from remote bases; empty for files in the repository.
	Repo string `json:"repo,omitempty"`
	// Kustomization names the Flux Kustomization (namespace/name) that
	// applies the object, when the environment was rendered by following
	// Flux Kustomizations; empty otherwise.
	Kustomization string `json:"kustomization,omitempty"`
}

// String formats the origin as file:line, or file when the line is unknown.
func (o Origin) String() string {
	file := o.File
	if o.Repo != "" {
		file = o.Repo + "//" + file
	}
	if o.Line > 0 {
		return fmt.Sprintf("%s:%d", file, o.Line)
	}
	return file
}

// Object is one Kubernetes object with its origin. Its content is a
// JSON-compatible map: string keys, and values that are maps, slices,
// strings, bools, int64, float64 or nil.
type Object struct {
	origin  Origin
	content map[string]any
	id      ID
	// fields maps JSON pointers of fields to where their values are set,
	// when that differs from the object's origin (an overlay's images:
	// entry, say).
	fields map[string]Origin
}

// ErrNotObject reports content that is not a Kubernetes object: not a map, or
// without apiVersion, kind or metadata.name.
var ErrNotObject = errors.New("not a Kubernetes object")

// New returns an object holding content, which must be JSON-compatible (as
// produced by [encoding/json] or [Decode]) and carry apiVersion, kind and
// metadata.name (metadata.generateName is accepted for objects created by
// name generation). New takes ownership of content: do not modify it
// afterwards.
func New(content map[string]any, origin Origin) (*Object, error) {
	apiVersion, _ := content["apiVersion"].(string)
	kind, _ := content["kind"].(string)
	meta, _ := content["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if name == "" {
		name, _ = meta["generateName"].(string)
	}
	namespace, _ := meta["namespace"].(string)
	var missing []string
	if apiVersion == "" {
		missing = append(missing, "apiVersion")
	}
	if kind == "" {
		missing = append(missing, "kind")
	}
	if name == "" {
		missing = append(missing, "metadata.name")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing %s", ErrNotObject, strings.Join(missing, ", "))
	}
	return &Object{
		origin:  origin,
		content: content,
		id: ID{
			Group:     GroupFromAPIVersion(apiVersion),
			Kind:      kind,
			Namespace: namespace,
			Name:      name,
		},
	}, nil
}

// FromJSON decodes one object from its JSON encoding, keeping integers as
// int64 and other numbers as float64.
func FromJSON(data []byte, origin Origin) (*Object, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	m, ok := normalizeNumbers(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: JSON value is not an object", ErrNotObject)
	}
	return New(m, origin)
}

// ID returns the object's identity.
func (o *Object) ID() ID { return o.id }

// Origin returns where the object is defined in the repository.
func (o *Object) Origin() Origin { return o.origin }

// WithOrigin returns a shallow copy of the object with another origin; the
// content is shared.
func (o *Object) WithOrigin(origin Origin) *Object {
	c := *o
	c.origin = origin
	return &c
}

// FieldOrigin returns where the value of the field at the JSON pointer is
// set in the repository, when it is known to differ from or be more precise
// than the object's origin.
func (o *Object) FieldOrigin(pointer string) (Origin, bool) {
	origin, ok := o.fields[pointer]
	return origin, ok
}

// FieldOrigins returns a copy of the known field origins, by JSON pointer.
func (o *Object) FieldOrigins() map[string]Origin {
	return maps.Clone(o.fields)
}

// WithFieldOrigins returns a shallow copy of the object that knows where
// the given fields (JSON pointers) are set; the content is shared.
func (o *Object) WithFieldOrigins(fields map[string]Origin) *Object {
	c := *o
	c.fields = maps.Clone(fields)
	return &c
}

// APIVersion returns the object's apiVersion, such as "apps/v1".
func (o *Object) APIVersion() string {
	s, _ := o.content["apiVersion"].(string)
	return s
}

// Kind returns the object's kind.
func (o *Object) Kind() string { return o.id.Kind }

// Name returns the object's metadata.name.
func (o *Object) Name() string { return o.id.Name }

// Namespace returns the object's metadata.namespace, empty for cluster-scoped
// objects and for namespaced objects that do not set one.
func (o *Object) Namespace() string { return o.id.Namespace }

// Content returns the object's content. The map is shared: callers must not
// modify it.
func (o *Object) Content() map[string]any { return o.content }

// DeepCopyContent returns a copy of the content that the caller owns.
func (o *Object) DeepCopyContent() map[string]any {
	return deepCopy(o.content).(map[string]any)
}

// Field returns the value at the path of map keys, and whether it exists.
func (o *Object) Field(path ...string) (any, bool) {
	var cur any = o.content
	for _, key := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[key]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// MarshalJSON encodes the object's content; map keys are sorted.
func (o *Object) MarshalJSON() ([]byte, error) {
	return json.Marshal(o.content)
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = deepCopy(e)
		}
		return c
	default:
		return v
	}
}

// normalizeNumbers turns json.Number values into int64 when they are
// integers that fit, and float64 otherwise.
func normalizeNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeNumbers(e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = normalizeNumbers(e)
		}
		return v
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, err := v.Float64()
		if err != nil {
			return v.String()
		}
		return f
	default:
		return v
	}
}

// SortByID sorts objects by ID, keeping the input order of equal IDs.
func SortByID(objs []*Object) {
	slices.SortStableFunc(objs, func(a, b *Object) int { return a.id.Compare(b.id) })
}

// Index maps each ID to its object. When IDs repeat, the last object wins;
// use [Duplicates] to find repeats first.
func Index(objs []*Object) map[ID]*Object {
	m := make(map[ID]*Object, len(objs))
	for _, o := range objs {
		m[o.id] = o
	}
	return m
}

// Duplicates returns, for every ID held by more than one object, those
// objects in input order. The keys of the result are sorted by
// [ID.Compare] when ranged with [SortedIDs].
func Duplicates(objs []*Object) map[ID][]*Object {
	seen := make(map[ID][]*Object, len(objs))
	for _, o := range objs {
		seen[o.id] = append(seen[o.id], o)
	}
	maps.DeleteFunc(seen, func(_ ID, v []*Object) bool { return len(v) < 2 })
	return seen
}

// SortedIDs returns the keys of m sorted by [ID.Compare].
func SortedIDs[V any](m map[ID]V) []ID {
	ids := slices.Collect(maps.Keys(m))
	slices.SortFunc(ids, ID.Compare)
	return ids
}
