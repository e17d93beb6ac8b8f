package policy

import (
	"io/fs"
	"log/slog"
	"time"
)

// DefaultTimeout bounds one evaluation when [Options].Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options configure [Load]. The zero value runs the built-in rules alone, on
// Rego v1, offline.
type Options struct {
	// Policies are files or directories of Rego policies (directories are
	// read recursively; _test.rego files are left out). Default: none.
	Policies []string
	// Modules are extra Rego modules, by file name, in Rego v1: policies
	// that ship inside a program rather than on disk. Default: none.
	Modules map[string]string
	// Data are JSON or YAML files loaded under data, as conftest's --data
	// does: the top-level keys of each file become data.<key>. Default: none.
	Data []string
	// Namespaces select the packages whose rules run, as glob patterns
	// ("main", "kubernetes.*"). Default: main.
	Namespaces []string
	// AllNamespaces runs the rules of every package of Policies.
	AllNamespaces bool
	// NoBuiltins leaves ferry's built-in rules out. Default: they run.
	NoBuiltins bool
	// Builtins selects built-in rules by id (see [Builtins]). Default: all.
	Builtins []string
	// Params are the environment's parameters, visible to policies as
	// data.ferry.params. Default: prerelease tags are not allowed (variant
	// tags such as 1.2.3-alpine are not prereleases), digests are not
	// required, every registry is allowed.
	Params Params
	// RegoV0 parses Policies as Rego v0 (the syntax before OPA 1.0), as
	// older conftest policies are written. Default: Rego v1. Built-in rules
	// are always v1.
	RegoV0 bool
	// AllowNetwork keeps OPA's network builtins (http.send,
	// net.lookup_ip_addr). Default: they are removed and a policy calling
	// them fails to load.
	AllowNetwork bool
	// Timeout bounds one evaluation (one object, or one combined input).
	// Default: DefaultTimeout.
	Timeout time.Duration
	// Print receives the output of print() calls in policies, after each
	// Check, in object order. Default: print output is discarded.
	Print func(Print)
	// Now returns the current time, against which waiver end dates are
	// checked. Default: time.Now.
	Now func() time.Time
	// Sources is the repository the objects' origins are relative to. When
	// set, [Engine.Check] and [Engine.Evaluate] read the origin files of
	// objects with findings (names as in Origin.File) to point each finding
	// at the line of its field, such as the tag: line of a HelmRelease's
	// values. Default: nil, findings point at the field origins the objects
	// carry (container images, annotations), else at the object's line.
	Sources fs.FS
	// Logger receives debug records. Default: none.
	Logger *slog.Logger
}

// Params are the parameters of the environment checked. The field names
// are the keys of data.ferry.params and of ferry.yaml's policy section.
type Params struct {
	// AllowPrerelease allows prerelease versions (1.2.0-rc.1). Default:
	// false, so no-prerelease reports them.
	AllowPrerelease bool `json:"allowPrerelease" yaml:"allowPrerelease,omitempty"`
	// TagVariants are names of image variants, in addition to the
	// built-in ones (alpine, slim, bookworm, debian, management, …; see
	// docs/policies.md): a version whose suffix names variants
	// (1.2.3-gpu) is a variant of the release, not a prerelease.
	TagVariants []string `json:"tagVariants" yaml:"tagVariants,omitempty"`
	// RequireDigest makes digest-pinned report images without a digest.
	RequireDigest bool `json:"requireDigest" yaml:"requireDigest,omitempty"`
	// AllowedRegistries, when not empty, makes allowed-registries report
	// images from other registries. Entries are registries
	// ("registry.example.com:5000") or registry path prefixes
	// ("ghcr.io/acme").
	AllowedRegistries []string `json:"allowedRegistries" yaml:"allowedRegistries,omitempty"`
	// DenyMajorBump makes promotions to a new major version an error
	// rather than a warning (plan-level rule major-bump).
	DenyMajorBump bool `json:"denyMajorBump" yaml:"denyMajorBump,omitempty"`
}

// Print is the output of one print() call in a policy.
type Print struct {
	// Object is the object evaluated; zero for combined and document input.
	Object string
	// Location is the policy file and row of the print call.
	Location string
	// Message is what was printed.
	Message string
}
