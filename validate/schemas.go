package validate

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
)

// bundleData is the schema bundle written by internal/k8sschemagen; see
// schemas/README.md.
//
//go:embed schemas/kubernetes.json.gz
var bundleData []byte

// bundleFormat is the bundle format this package reads.
const bundleFormat = 1

// schemaBundle is the decoded bundle index: for every Kubernetes minor
// version the definitions (name to content hash) and the kinds
// (apiVersion/kind to definition name) it has, and the schemas by hash, kept
// as raw JSON and decoded when a Validator first needs them.
type schemaBundle struct {
	Format   int                        `json:"format"`
	Blobs    map[string]json.RawMessage `json:"blobs"`
	Versions map[string]*bundleVersion  `json:"versions"`
	minors   []string                   // sorted oldest first
}

type bundleVersion struct {
	Source string            `json:"source"`
	Kinds  map[string]string `json:"kinds"`
	// Definitions maps definition names to hashes; it is decoded only for
	// the version a Validator uses (see schemaBundle.version).
	Definitions json.RawMessage `json:"definitions"`
}

// versionSchemas are the definitions of one version, decoded from the
// bundle's index for one Validator.
type versionSchemas struct {
	b     *schemaBundle
	minor string
	defs  map[string]string // definition name -> blob hash
}

// version decodes the index of a version's definitions.
func (b *schemaBundle) version(minor string) (*versionSchemas, error) {
	bv, ok := b.Versions[minor]
	if !ok {
		return nil, fmt.Errorf("validate: no schemas for Kubernetes %s", minor)
	}
	vs := &versionSchemas{b: b, minor: minor}
	if err := json.Unmarshal(bv.Definitions, &vs.defs); err != nil {
		return nil, fmt.Errorf("validate: read embedded schemas of Kubernetes %s: %w", minor, err)
	}
	return vs, nil
}

// embeddedBundle decodes the index of the embedded bundle once per
// process. The result is read-only.
var embeddedBundle = sync.OnceValues(func() (*schemaBundle, error) {
	return decodeBundle(bundleData)
})

func decodeBundle(data []byte) (*schemaBundle, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("validate: read embedded schemas: %w", err)
	}
	var b schemaBundle
	if err := json.NewDecoder(zr).Decode(&b); err != nil {
		return nil, fmt.Errorf("validate: read embedded schemas: %w", err)
	}
	if b.Format != bundleFormat {
		return nil, fmt.Errorf("validate: embedded schemas have format %d, want %d", b.Format, bundleFormat)
	}
	for m := range b.Versions {
		if _, err := minorNumber(m); err != nil {
			return nil, fmt.Errorf("validate: embedded schemas: %w", err)
		}
		b.minors = append(b.minors, m)
	}
	slices.SortFunc(b.minors, compareMinors)
	return &b, nil
}

// SupportedVersions returns the Kubernetes minor versions whose schemas are
// embedded, oldest first, such as ["1.24", …, "1.37"].
func SupportedVersions() []string {
	b, err := embeddedBundle()
	if err != nil {
		return nil
	}
	return slices.Clone(b.minors)
}

// UnsupportedVersionError reports a Kubernetes version whose schemas are not
// embedded.
type UnsupportedVersionError struct {
	// Version is the version asked for.
	Version string
	// Supported are the minor versions that are embedded, oldest first.
	Supported []string
}

// Error names the version and lists the supported ones.
func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("validate: Kubernetes version %q is not supported: supported versions are %s", e.Version, strings.Join(e.Supported, ", "))
}

var versionPattern = regexp.MustCompile(`^v?(1)\.([0-9]+)(?:\.([0-9]+))?$`)

// resolveVersion maps a version as users write it to an embedded minor
// version and to the version schema location templates get.
func resolveVersion(b *schemaBundle, v string) (minor, full string, err error) {
	if v == "" {
		minor = b.minors[len(b.minors)-1]
		return minor, minor + ".0", nil
	}
	m := versionPattern.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return "", "", &UnsupportedVersionError{Version: v, Supported: slices.Clone(b.minors)}
	}
	n, _ := strconv.Atoi(m[2])
	minor = m[1] + "." + strconv.Itoa(n)
	if _, ok := b.Versions[minor]; !ok {
		return "", "", &UnsupportedVersionError{Version: v, Supported: slices.Clone(b.minors)}
	}
	full = minor + ".0"
	if m[3] != "" {
		full = minor + "." + m[3]
	}
	return minor, full, nil
}

func minorNumber(minor string) (int, error) {
	rest, ok := strings.CutPrefix(minor, "1.")
	n, err := strconv.Atoi(rest)
	if !ok || err != nil {
		return 0, fmt.Errorf("bad Kubernetes minor version %q", minor)
	}
	return n, nil
}

func compareMinors(a, b string) int {
	x, _ := minorNumber(a)
	y, _ := minorNumber(b)
	return x - y
}

// embeddedURL is the URL under which a Validator's compiler loads an
// embedded definition.
func embeddedURL(minor, name string) string {
	return embeddedScheme + ":///kubernetes/" + minor + "/" + name
}

const embeddedScheme = "ferry"

// definition decodes the schema of a definition of a version into a value
// the caller owns: references to other definitions are rewritten by ref
// (given the definition name), and unless strict the additionalProperties:
// false the generator adds is removed (the Kubernetes specs themselves never
// forbid properties).
func (vs *versionSchemas) definition(name string, strict bool, ref func(name string) string) (any, error) {
	h, ok := vs.defs[name]
	if !ok {
		return nil, fmt.Errorf("no definition %s in the schemas of Kubernetes %s", name, vs.minor)
	}
	dec := json.NewDecoder(bytes.NewReader(vs.b.Blobs[h]))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("read embedded schema %s: %w", name, err)
	}
	return rewrite(v, strict, func(r string) (string, error) {
		target, ok := strings.CutPrefix(r, "#/definitions/")
		if !ok {
			return "", fmt.Errorf("embedded schema %s: unexpected reference %q", name, r)
		}
		return ref(target), nil
	})
}

// rewrite changes, in place, the references of a freshly decoded schema
// with ref and, unless strict, removes additionalProperties: false.
func rewrite(v any, strict bool, ref func(string) (string, error)) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			switch {
			case k == "$ref":
				if s, ok := e.(string); ok {
					r, err := ref(s)
					if err != nil {
						return nil, err
					}
					v[k] = r
				}
			case k == "additionalProperties" && e == false && !strict:
				delete(v, k)
			default:
				r, err := rewrite(e, strict, ref)
				if err != nil {
					return nil, err
				}
				v[k] = r
			}
		}
	case []any:
		for i, e := range v {
			r, err := rewrite(e, strict, ref)
			if err != nil {
				return nil, err
			}
			v[i] = r
		}
	}
	return v, nil
}

// embeddedLoader lets a compiler load embedded definitions by their
// embeddedURL, and nothing else.
type embeddedLoader struct {
	vs     *versionSchemas
	strict bool
}

func (l embeddedLoader) Load(url string) (any, error) {
	name, ok := strings.CutPrefix(url, embeddedURL(l.vs.minor, ""))
	if !ok || name == "" {
		return nil, fmt.Errorf("reference to %s refused: schemas may only refer to embedded definitions of Kubernetes %s", url, l.vs.minor)
	}
	return l.vs.definition(name, l.strict, l.vs.url)
}

// url returns the embeddedURL of a definition of the version.
func (vs *versionSchemas) url(name string) string { return embeddedURL(vs.minor, name) }

// newCompiler returns a JSON schema compiler set up as kubeconform sets up
// its own: draft 4 by default, and a duration format that accepts Go and
// Kubernetes durations ("1h30m") as well as ISO 8601 ones. A nil loader
// refuses every reference to another document.
func newCompiler(loader jsonschema.URLLoader) *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.RegisterFormat(&jsonschema.Format{Name: "duration", Validate: validateDuration})
	if loader == nil {
		loader = refuseLoader{}
	}
	c.UseLoader(loader)
	return c
}

// refuseLoader loads nothing: embedded and CRD schemas must not reach files
// or the network through references.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("reference to %s refused: schemas may only refer within themselves", url)
}

var isoDuration = regexp.MustCompile(`^P(?:[0-9]+W|(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?)$`)

// validateDuration accepts what kubeconform's duration format accepts: a
// duration strfmt parses (Go's syntax plus days and weeks), or an ISO 8601
// duration with at least one element.
func validateDuration(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if _, err := strfmt.ParseDuration(s); err == nil {
		return nil
	}
	if !isoDuration.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
		return fmt.Errorf("not a duration: want a Go duration such as 1h30m or an ISO 8601 duration such as PT1H30M")
	}
	return nil
}

// builtinSchema returns the compiled schema of a definition of the
// validator's version, compiling it on first use.
func (v *Validator) builtinSchema(name string) (*jsonschema.Schema, error) {
	if s, ok := v.builtin.Load(name); ok {
		return s.(*jsonschema.Schema), nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.builtin.Load(name); ok {
		return s.(*jsonschema.Schema), nil
	}
	s, err := v.compiler.Compile(embeddedURL(v.version, name))
	if err != nil {
		return nil, fmt.Errorf("compile embedded schema %s: %w", name, err)
	}
	v.builtin.Store(name, s)
	return s, nil
}
