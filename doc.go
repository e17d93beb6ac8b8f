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
//   - cmd/ferry: the CLI, a thin layer of flags, library calls and exit codes.
//   - examples/shop: a sample GitOps repository used by the README, the
//     examples and the end-to-end tests.
//
// The design (packages, boundaries, principles, vocabulary) is described in
// the README.
package ferry
