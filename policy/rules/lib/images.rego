# METADATA
# title: Container images of workloads
# description: |
#   Helpers shared by ferry's built-in rules: the containers of every
#   pod-template kind with the JSON pointer of their image field, and a parser
#   for image references.
package ferry.lib.images

# The path to the pod spec of each workload kind.
pod_spec_paths := {
	"Pod": ["spec"],
	"PodTemplate": ["template", "spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"Rollout": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# containers of the object in input: name, image and the JSON pointer of the
# image field.
containers contains container if {
	path := pod_spec_paths[input.kind]
	spec := object.get(input, path, {})
	some field in container_fields
	some i, c in object.get(spec, field, [])
	container := {
		"name": object.get(c, "name", ""),
		"image": object.get(c, "image", ""),
		"field": concat("/", array.concat([""], array.concat(path, [field, sprintf("%d", [i]), "image"]))),
	}
}

# An image reference: [registry/]repository[:tag][@digest]. The registry is
# the first path component when it has a dot or a port or is localhost;
# otherwise the image is on Docker Hub, whose one-component names live under
# library/.
reference_pattern := `^(?:((?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(?::[0-9]+)?|[a-zA-Z0-9-]+:[0-9]+|localhost)/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`

# parse returns {"registry", "repository", "tag", "digest"} for a valid
# reference, and is undefined for an invalid one.
parse(ref) := image if {
	m := regex.find_all_string_submatch_n(reference_pattern, ref, 1)[0]
	registry := default_registry(m[1])
	image := {
		"registry": registry,
		"repository": hub_repository(registry, m[2]),
		"tag": m[3],
		"digest": m[4],
	}
}

default_registry(r) := "docker.io" if r == ""

default_registry(r) := "docker.io" if r == "index.docker.io"

default_registry(r) := r if not r in {"", "index.docker.io"}

hub_repository(registry, repo) := concat("/", ["library", repo]) if {
	registry == "docker.io"
	not contains(repo, "/")
}

hub_repository(registry, repo) := repo if {
	not registry == "docker.io"
}

hub_repository(registry, repo) := repo if {
	contains(repo, "/")
}

# Semantic versioning 2.0.0, with an optional leading v.
semver_pattern := `^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`

is_semver(tag) if regex.match(semver_pattern, tag)

prerelease(tag) := regex.find_all_string_submatch_n(semver_pattern, tag, 1)[0][4]
