// Package policy evaluates Rego policies on rendered Kubernetes objects with
// OPA v1, the conftest way: rules named deny, violation and warn (with any
// _suffix) return messages, exception rules waive them, and policies written
// for conftest run unchanged. It ships ferry's built-in promotion rules
// (no-latest-tag, semver-tag, no-prerelease, digest-pinned,
// allowed-registries), embedded as Rego with METADATA.
//
// [Load] parses and compiles every policy once and prepares one query per
// namespace; an [Engine] then evaluates objects in parallel with bounded
// concurrency. An Engine is safe for concurrent use.
//
// Policies run offline: OPA's network builtins (http.send,
// net.lookup_ip_addr) are removed unless [Options].AllowNetwork is set, and
// a policy using them fails to load. Each evaluation is bounded by
// [Options].Timeout and by the caller's context. Load reads the policy and
// data files it is given; evaluation does no I/O.
//
// Every finding names the object and field at fault and the repository file
// and line to edit: the object's origin, or the origin of the offending field
// where the renderer recorded one (for an image tag set by an overlay's
// images: entry, that entry). Objects can waive a rule with the annotation
// ferry.dev/waive; waived findings are reported, marked, never dropped.
package policy
