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
//     folders; and the CRDs of the GitOps toolchain (Flux, Flagger, Argo
//     Rollouts, Argo CD, cert-manager, External Secrets, the Prometheus
//     Operator, Gateway API, Kyverno; see [Embedded]) are embedded too, for
//     repositories that do not keep them in Git.
//   - "missing-schema": an object no schema is known for (unless
//     [Options].IgnoreMissingSchemas).
//   - "removed-api" and "deprecated-api": apiVersions removed in or before
//     the target version (errors) and deprecated ones (warnings), each naming
//     its replacement, Pluto-style. For custom resources the CRD is the
//     source: a version it marks deprecated (with its deprecationWarning) is
//     a warning, and a version of an embedded toolchain kind that the
//     embedded release no longer serves (Flux's v1beta2, v2beta2…) is an
//     error naming the version to use.
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
// The CRDs of the GitOps toolchain live in schemas/toolchain.json.gz,
// written by internal/crdschemagen from the CRD YAML that each project ships
// in its Go module, at the module versions of the second go:generate line
// (or, for the projects the Go module proxy does not serve — Flux's
// notification, image and source-watcher controllers, Kargo — in its git
// repository at the tag that line gives with -git)
// (schemas/README.md has the table of projects, kinds and versions). They
// are kept as CRDs, without their descriptions, and converted by the same
// code as the CRDs of a repository, so an embedded CRD and the same CRD in
// the input give the same verdicts. Schemas are looked up in this order: a
// CRD among the objects, [Options].CRDs, the built-in kinds,
// [Options].SchemaLocations, the embedded toolchain CRDs. A CRD among the
// objects or in [Options].CRDs that defines a kind hides the embedded CRD of
// that kind entirely: it says which versions the cluster serves.
// [Options].NoToolchainSchemas leaves the toolchain CRDs out.
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
//go:generate go run ../internal/crdschemagen -o schemas/toolchain.json.gz -git github.com/fluxcd/notification-controller@v1.9.3=https://github.com/fluxcd/notification-controller -git github.com/fluxcd/image-reflector-controller@v1.2.0=https://github.com/fluxcd/image-reflector-controller -git github.com/fluxcd/image-automation-controller@v1.2.1=https://github.com/fluxcd/image-automation-controller -git github.com/fluxcd/source-watcher@v2.2.1=https://github.com/fluxcd/source-watcher -git github.com/akuity/kargo@v1.11.2=https://github.com/akuity/kargo github.com/fluxcd/source-controller@v1.9.5 github.com/fluxcd/kustomize-controller@v1.9.5 github.com/fluxcd/helm-controller@v1.6.4 github.com/fluxcd/flagger@v1.36.1 github.com/argoproj/argo-rollouts@v1.10.0 github.com/argoproj/argo-cd/v3@v3.5.8 github.com/cert-manager/cert-manager@v1.21.2 github.com/external-secrets/external-secrets@v0.16.2 github.com/prometheus-operator/prometheus-operator@v0.85.0 sigs.k8s.io/gateway-api@v1.6.3 github.com/kyverno/kyverno@v1.19.1
