// Package validate checks rendered Kubernetes objects the way kubeconform
// -strict does, offline, and adds the checks kubeconform leaves out:
//
//   - "schema": the object against the JSON schema of its apiVersion and
//     kind for the target Kubernetes version: types, required fields, enums,
//     formats, int-or-string and quantity values, and (unless
//     [Options].Lax) unknown fields. Schemas of the built-in kinds of every
//     Kubernetes minor version from 1.24 to 1.37 are embedded; custom
//     resources are checked against the schemas of their
//     CustomResourceDefinitions, taken from the input itself and from
//     [Options].CRDs; [Options].SchemaLocations add kubeconform-style schema
//     folders.
//   - "missing-schema": an object no schema is known for (unless
//     [Options].IgnoreMissingSchemas).
//   - "removed-api" and "deprecated-api": apiVersions removed in or before
//     the target version (errors) and deprecated ones (warnings), each naming
//     its replacement, Pluto-style.
//   - "invalid-name", "invalid-label", "invalid-annotation",
//     "annotations-too-large": the object-meta rules of the API server
//     (k8s.io/apimachinery/pkg/util/validation).
//   - "duplicate-object": two objects with one ID.
//   - "invalid-crd": a CustomResourceDefinition whose schema cannot be used.
//   - "rejected-kind": kinds listed in [Options].RejectKinds.
//
// Every finding names the object, a JSON pointer to the field and the
// repository file and line: the line of the offending field in the object's
// source file when [Options].Sources lets the validator read it and the field
// is written there, else the line where the object starts.
//
// # Concurrency and I/O
//
// A [Validator] is safe for concurrent use. It compiles each schema once and
// keeps it; [Validator.Validate] checks objects in parallel (bounded by
// [Options].Concurrency) and returns findings in a deterministic order.
// Validation reads nothing from the network, ever, unless
// [Options].AllowNetwork is set and a schema location is an http(s) URL. It
// reads files only from [Options].SchemaLocations and [Options].Sources;
// [LoadCRDs] reads the files it is given.
//
// # Embedded schemas
//
// The schemas live in schemas/kubernetes.json.gz, written by
// internal/k8sschemagen from api/openapi-spec/swagger.json of the
// k8s.io/kubernetes module at the patch releases listed in the go:generate
// line below; schemas/README.md describes the conversion and the format. To
// add a Kubernetes release, add its version to that line and run
// `go generate ./validate/`. The bundle's index is decoded once per process,
// on first use, and never modified; each Validator decodes and compiles only
// the schemas of the kinds it meets.
//
// # Duplicate keys and malformed YAML
//
// Objects reach [Validator.Validate] already decoded, so malformed YAML and
// duplicate mapping keys (which kubeconform -strict reports as errors) are
// seen by [manifest.Decode], which refuses them. [DecodeFinding] turns such a
// decode error into an error finding ("duplicate-key" or "invalid-yaml") with
// the file and line, so a command can report it alongside the other
// findings instead of failing to run.
package validate

//go:generate go run ../internal/k8sschemagen -o schemas/kubernetes.json.gz v1.24.17 v1.25.16 v1.26.15 v1.27.16 v1.28.15 v1.29.15 v1.30.14 v1.31.14 v1.32.13 v1.33.13 v1.34.4 v1.35.4 v1.36.3 v1.37.2
