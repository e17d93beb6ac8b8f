// Package render renders GitOps environments in-process and offline: a
// Kustomize overlay byte-for-byte as `kustomize build` prints it, or a
// directory without a kustomization as Flux renders one (every YAML file
// below it). Each rendered object carries its origin, the repository file
// and line that define it, and each [Result] lists the files read with their
// SHA-256, so that a plan built on it can detect edits made since.
//
// Origins come from the kustomization graph ferry walks before building
// (which resource file defines an object, which generator made it, which
// kustomizations' images: entries and patches ran over it), checked
// against the build's output; where the graph could be ambiguous (a
// directory reached twice, name prefixes or suffixes, plugins), kustomize
// records them itself (buildMetadata), which makes that build about half as
// expensive again. See derive.go.
//
// # Flux
//
// When a rendered directory holds Flux Kustomizations
// (kustomize.toolkit.fluxcd.io), as a clusters/<env> folder does, they are
// followed ([ModeAuto]; [ModeKustomize] turns it off): each spec.path is
// rendered with the Kustomization's spec merged into the path's
// kustomization the way Flux's generator (github.com/fluxcd/pkg/kustomize)
// does, built with kustomize-controller's options, then substituted with
// Flux's envsubst, labelled with the Kustomization's owner labels and its
// commonMetadata. The result matches `flux build kustomization
// --recursive --dry-run` byte for byte (testdata/flux holds goldens made
// with the flux CLI). ferry reimplements the generator rather than import
// that module, which would bring client-go and controller-runtime (217
// more packages, a 66% larger binary) for about 150 lines of mapping.
// Objects carry the Kustomization that applied them
// (manifest.Origin.Kustomization); a substituted field's origin is the
// postBuild.substitute entry (or substituteFrom ConfigMap key) that set it,
// and an image set by spec.images points at that entry.
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
// state (its OpenAPI schema) that it parses lazily without synchronisation,
// and that a kustomization's openapi field replaces. Builds that run side by
// side (the parts of an aggregate, and any build once the schema is
// parsed) share a lock, after ferry has parsed the schema alone; a build on
// its own, before that, runs alone and lets kustomize parse the schema only
// if it needs it. A build that sets its own schema runs alone, with the
// schema reset before and after it, and kustomize panics are turned into
// errors. The context is checked between builds: kustomize itself cannot be
// interrupted.
//
// # Aggregates
//
// An aggregate kustomization that only lists other kustomizations (the usual
// Flux apps/<env> layout) is rendered part by part, the parts concurrently,
// and merged in kustomize's order, which keeps rendering time linear in the
// number of parts where kustomize's grows quadratically, and lets a
// [Cache] build again only the parts whose files changed. The output is the
// same bytes.
package render
