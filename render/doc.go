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
// Every place a kustomization names a file or a directory (resources,
// bases, components, patches, patchesStrategicMerge, patchesJson6902,
// replacements, openapi, configurations, crds, the files, envs and env of
// generators, generators, transformers and validators, and the path,
// targetFilePath, files, envs and env of built-in plugin configurations,
// inline, in files, or built by a directory; a Flux Kustomization's
// spec.path and components) must be a plain relative path: any URL scheme
// in any case (HTTP://, FILE:, git::), "://", scp-like user@host:path, a
// github.com prefix and any "?" query are refused with [ErrRemoteBase],
// whether or not a local path of that spelling exists. That is a superset
// of what kustomize fetches over HTTP (its loader's Load) or clones with
// git (its loader's New, which passes the query to git). Keys are matched
// case-insensitively, as kustomize's JSON decoding does, and each
// kustomization is checked a second time as kustomize itself decodes it
// (types.Kustomization), plugin configuration files it names included.
//
// kustomize cannot be configured to do without the network or git: its
// loader fetches http(s) references with a plain http.Client (the process's
// http.DefaultTransport) and clones git references by running the git
// found in PATH, before anything reaches the file system ferry gives it,
// and krusty offers no hook to replace either. Replacing either
// process-wide would change the caller's program, so ferry relies on the
// checks above, and its tests render every hostile spelling with a fake
// git first in PATH and a recording http.DefaultTransport, and fail if
// either is used.
//
// Only regular files and directories are read: a FIFO, socket or device
// (or a symlink to one) named by a kustomization, found in a directory
// rendered as Flux does, or standing as the kustomization itself is
// refused with [ErrNotRegular], before it is opened. Every file read is
// bounded by [Limits] (64 MiB, 100,000 YAML documents, and, for a file
// that uses aliases, 1,000,000 nodes once they are expanded, by default),
// checked before kustomize parses it; a file beyond them is refused with
// [ErrLimit], naming the file and the limit to raise.
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
