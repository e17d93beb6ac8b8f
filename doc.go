// Package ferry is the root of ferry, a Go library (with a thin CLI) for
// policy-checked GitOps promotions. It holds no code; this comment is the map
// of the module.
//
// Data flows from a repository directory to a rendered environment, and from
// there to checks and, later, to a promotion plan:
//
//   - [github.com/ferrygitops/ferry/manifest]: the Object model — a
//     Kubernetes object with its origin (repository file and line), its ID,
//     multi-document YAML/JSON decoding with line numbers, and encoding that
//     matches `kustomize build` byte for byte.
//   - [github.com/ferrygitops/ferry/render]: renders Kustomize overlays (and
//     plain directories, as Flux does) in-process, offline and sandboxed to
//     the repository; the only package that touches kustomize.
//   - [github.com/ferrygitops/ferry/finding]: the one result type of every
//     check: rule, severity, object, JSON-pointer field, source file:line.
//   - [github.com/ferrygitops/ferry/validate]: schema validation with
//     kubeconform against embedded, offline Kubernetes schemas, CRD schemas,
//     and removed or deprecated APIs.
//   - [github.com/ferrygitops/ferry/policy]: Rego policies with OPA v1, the
//     conftest way, and ferry's built-in promotion rules.
//   - [github.com/ferrygitops/ferry/promote]: environments, artifacts,
//     version changes, promotion plans verified before anything is written,
//     atomic apply, the version matrix.
//   - [github.com/ferrygitops/ferry/report]: writers for findings, plans and
//     matrices: text, JSON, TAP, JUnit, SARIF, GitHub and Azure DevOps
//     annotations, Markdown.
//   - cmd/ferry: the CLI, a thin layer of flags, library calls and exit codes.
//   - examples/shop: a sample GitOps repository used by the README, the
//     examples and the end-to-end tests.
//
// render, validate and policy never import each other; promote builds on
// all three. A test (imports_test.go) guards these boundaries.
package ferry
