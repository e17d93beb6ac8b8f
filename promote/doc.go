// Package promote plans and applies promotions between GitOps environments:
// carrying the versions one environment runs into the next, as minimal,
// verified edits to the next environment's own files.
//
// Environments come from a ferry.yaml at the repository root ([LoadConfig]),
// or are discovered in the conventional layouts (overlays/<env>,
// envs/<env>, clusters/<env>). A [Planner] renders the source and target,
// finds the [Artifact]s each pins (container images, images in Flux
// HelmRelease values, HelmRelease chart versions, Flux OCIRepository and
// GitRepository refs), compares them
// ([Diff]), plans [Edit]s to the files only the target renders — an overlay's
// images: entry, a literal in a target file, or, when a version is pinned
// only in a base other environments share, an override in the target's
// kustomization — applies them in memory, renders the target again and
// checks it: only the promoted versions changed, the target's policies pass,
// and so do the plan-level rules (no-downgrade, major-bump, no-prerelease,
// freeze-window, only-versions-change, digest-required). The result is a
// [Plan]: versioned JSON with the changes, edits, diffs, findings, verdict
// and the hashes of every input. [Plan.Apply] writes it, all files or none,
// and refuses files that changed since. [Planner.Status] is the version
// matrix of all environments.
//
// Beyond one promotion: [Planner.Pending] plans every promotion of
// ferry.yaml's from: graph at once; a [VersionSource] (the imagepolicy
// package's registry) stands in for the source environment; each change
// says how it rolls out ([Delivery]: a Flagger Canary, an Argo Rollout, a
// HelmRelease's tests), which the rule progressive-delivery can require;
// and [Planner.Clone] plans a new environment's folder from an existing
// one, its files created by [Plan.Apply] like any edit ([Plan.Edited]
// gives the same contents without writing, for a commit).
//
// A Planner reads the repository (never the network) and writes nothing; it
// is safe for concurrent use. Plan.Apply is the only function that writes.
package promote
