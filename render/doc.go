// Package render renders GitOps environments in-process and offline: a
// Kustomize overlay byte-for-byte as `kustomize build` prints it, or a
// directory without a kustomization as Flux renders one (every YAML file
// below it). Each rendered object carries its origin, the repository file
// and line that define it, and each [Result] lists the files read with their
// SHA-256, so that a plan built on it can detect edits made since.
//
// # Sandbox
//
// Nothing outside the repository root is read: paths that climb out of it
// and symlinks that lead out of it are refused. Remote bases and remote
// files are refused unless [Options].AllowRemoteBases is set; Helm charts,
// exec plugins and KRM functions are always refused, because rendering must
// not run code. Refusals are [*Error] values naming the kustomization file
// and line of the entry, and wrap a sentinel such as [ErrRemoteBase].
// Nothing is ever written into the repository.
//
// # Concurrency
//
// A [Renderer] is safe for concurrent use. kustomize keeps package-level
// state (its OpenAPI schema) that concurrent builds corrupt, so the kustomize
// builds of all Renderers in a process run one at a time, behind one lock,
// with that state reset when a build may have changed it and kustomize panics
// turned into errors; only the parts of an aggregate (below) build
// concurrently, once that state is read-only. The context is checked between
// builds: kustomize itself cannot be interrupted.
//
// # Aggregates
//
// An aggregate kustomization that only lists other kustomizations (the usual
// Flux apps/<env> layout) is rendered part by part and merged in kustomize's
// order, which keeps rendering time linear in the number of parts where
// kustomize's grows quadratically. The output is the same bytes.
package render
