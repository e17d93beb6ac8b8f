package validate

import (
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/yannh/kubeconform/pkg/registry"

	"github.com/ferrygitops/ferry/manifest"
)

// Options configure a [Validator]. The zero value validates strictly against
// the embedded schemas of the newest Kubernetes version, offline.
type Options struct {
	// KubernetesVersion is the Kubernetes version to validate for: "1.33",
	// "v1.33" or "1.33.2" (the patch is accepted and ignored: the schemas of
	// a minor version are those of its newest patch release). Default: the
	// newest embedded version (see [SupportedVersions]).
	KubernetesVersion string
	// Lax turns strict validation off: fields a schema does not declare are
	// then accepted, as kubeconform does without -strict. Default false,
	// strict: unknown fields are errors. The option is named for the
	// non-default so that the zero Options is the safe choice (a misspelt
	// field is silently dropped by the API server, which is worse than an
	// error). Duplicate mapping keys are refused by [manifest.Decode] in
	// either mode.
	Lax bool
	// SchemaLocations are extra schema locations in kubeconform's syntax: a
	// directory (kubeconform's kubernetes-json-schema layout below it) or a
	// path template such as
	// "schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json". They are tried
	// in order for objects that neither a CRD nor the embedded schemas
	// cover. Local paths only, unless AllowNetwork is set. Default: none.
	SchemaLocations []string
	// AllowNetwork allows http(s) SchemaLocations. Default false: they are
	// refused by [New], and nothing is ever fetched.
	AllowNetwork bool
	// CRDs are CustomResourceDefinitions whose served versions give the
	// schemas of custom resources, in addition to the CRDs among the objects
	// validated (which take precedence). [LoadCRDs] reads them from files.
	// Default: none.
	CRDs []*manifest.Object
	// SkipKinds are kinds left out of validation entirely, each a kind
	// ("Secret") or an apiVersion/kind ("apps/v1/Deployment"), as
	// kubeconform's -skip. Default: none.
	SkipKinds []string
	// RejectKinds are kinds reported as errors ("rejected-kind"), in the
	// same syntax as SkipKinds. Default: none.
	RejectKinds []string
	// NoToolchainSchemas leaves out the embedded schemas of the GitOps
	// toolchain (Flux, Flagger, Argo CD, cert-manager and the other
	// projects [EmbeddedSchemas] lists): custom resources then need their
	// CRD or a schema location, as with kubeconform. Default false: a
	// custom resource that no CRD of the input or of CRDs and no schema
	// location covers is checked against the embedded CRD of its kind, and
	// an apiVersion that CRD no longer serves is a "removed-api" error.
	NoToolchainSchemas bool
	// IgnoreMissingSchemas skips objects no schema is known for. Default
	// false: each is an error finding ("missing-schema").
	IgnoreMissingSchemas bool
	// Sources is the repository the objects' origins are relative to. When
	// set, the validator reads the origin files of objects with findings
	// (names as in Origin.File, opened with Sources.Open) to point each
	// finding at the line of the offending field. Default: nil, findings
	// point at the line where the object starts.
	Sources fs.FS
	// Duplicates says which objects are compared to find objects defined
	// twice (rule "duplicate-object"). Default: DuplicatesPerCluster, the
	// objects of one Validate call meant for the same cluster.
	Duplicates DuplicateScope
	// Concurrency bounds how many objects are validated at once. Default:
	// runtime.GOMAXPROCS(0).
	Concurrency int
	// MaxCRDSchemaNodes bounds the subschemas (the root, each property,
	// items, additionalProperties and allOf/anyOf/oneOf/not entry) of one
	// served version of a CRD, and MaxCRDSchemaDepth how deep they nest: a
	// larger schema is refused with an error naming the CRD instead of
	// compiling for minutes (compiling grows with the square of the
	// subschemas). Defaults: DefaultMaxCRDSchemaNodes and
	// DefaultMaxCRDSchemaDepth, far above the largest CRDs of the embedded
	// toolchain (about 2,100 subschemas, 12 levels).
	MaxCRDSchemaNodes int
	MaxCRDSchemaDepth int
}

// Bounds of a CRD schema (see Options.MaxCRDSchemaNodes).
const (
	DefaultMaxCRDSchemaNodes = 20000
	DefaultMaxCRDSchemaDepth = 100
)

// Validator validates objects. It is safe for concurrent use; compiled
// schemas are cached for its lifetime.
type Validator struct {
	opts       Options
	version    string // minor version, "1.33"
	locVersion string // version given to schema location templates, "1.33.0"
	skip       map[string]bool
	reject     map[string]bool
	registries []registry.Registry
	apis       *apiIndex

	mu       sync.Mutex           // serialises compiling and loading schemas
	schemas  *versionSchemas      // the embedded definitions of version
	loader   jsonschema.URLLoader // loads embedded definitions only
	compiler *jsonschema.Compiler // compiles the embedded schemas; guarded by mu
	builtin  sync.Map             // definition name -> *jsonschema.Schema
	located  sync.Map             // apiVersion/kind -> *jsonschema.Schema, nil when no location has one
	crds     *crdSet              // from Options.CRDs

	tcMu      sync.Mutex            // guards toolchain
	toolchain map[string]*crdSchema // apiVersion/kind -> schema of an embedded toolchain CRD
}

// New returns a Validator configured by opts. It fails on an unknown
// Kubernetes version (the error lists the supported ones), a schema location
// that cannot be used, and a CRD whose schema cannot be compiled.
func New(opts Options) (*Validator, error) {
	b, err := embeddedBundle()
	if err != nil {
		return nil, err
	}
	minor, locVersion, err := resolveVersion(b, opts.KubernetesVersion)
	if err != nil {
		return nil, err
	}
	if opts.Duplicates < DuplicatesPerCluster || opts.Duplicates > DuplicatesOff {
		return nil, fmt.Errorf("validate: unknown duplicate scope %d: use DuplicatesPerCluster, DuplicatesPerFile or DuplicatesOff", int(opts.Duplicates))
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = runtime.GOMAXPROCS(0)
	}
	v := &Validator{
		opts:       opts,
		version:    minor,
		locVersion: locVersion,
		skip:       kindSet(opts.SkipKinds),
		reject:     kindSet(opts.RejectKinds),
	}
	if v.apis, err = newAPIIndex(b, minor); err != nil {
		return nil, err
	}
	if v.schemas, err = b.version(minor); err != nil {
		return nil, err
	}
	v.loader = jsonschema.SchemeURLLoader{embeddedScheme: embeddedLoader{vs: v.schemas, strict: !opts.Lax}}
	v.compiler = newCompiler(v.loader)
	for _, loc := range opts.SchemaLocations {
		reg, err := newRegistry(loc, opts)
		if err != nil {
			return nil, err
		}
		v.registries = append(v.registries, reg)
	}
	v.crds, err = v.newCRDSet(opts.CRDs)
	if err == nil {
		err = v.crds.compileAll()
	}
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	return v, nil
}

// KubernetesVersion returns the minor version the validator checks for,
// such as "1.33".
func (v *Validator) KubernetesVersion() string { return v.version }

// kindSet indexes SkipKinds or RejectKinds.
func kindSet(kinds []string) map[string]bool {
	m := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		if k = strings.TrimSpace(k); k != "" {
			m[k] = true
		}
	}
	return m
}

// matches reports whether an object is listed in set, by kind or by
// apiVersion/kind.
func matches(set map[string]bool, obj *manifest.Object) bool {
	return set[obj.Kind()] || set[obj.APIVersion()+"/"+obj.Kind()]
}
