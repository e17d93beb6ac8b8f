// Package manifest holds ferry's model of a Kubernetes object: an [Object] is
// the object's content plus its [Origin], the repository file and line a person
// edits to change it. [ID] names an object the way kubectl and kustomize do.
//
// [Decode] reads multi-document YAML and JSON with line numbers; [EncodeYAML]
// writes objects back byte-for-byte the way `kustomize build` prints them, and
// [EncodeJSON] writes them as a v1 List.
//
// The package does no I/O of its own beyond the readers and writers it is
// handed. Objects are immutable once built: their methods are safe for
// concurrent use, and callers must not modify the map returned by
// [Object.Content] (use [Object.DeepCopyContent] for a copy to change).
package manifest
