# METADATA
# title: Container images of workloads
# description: |
#   Helpers shared by ferry's built-in rules: the containers of every
#   pod-template kind with the JSON pointer of their image field, the images
#   a Flux HelmRelease sets in spec.values, and a parser for image
#   references.
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

# values_images are the images a Flux HelmRelease sets in spec.values, at
# any depth: path is the Helm path of the value (controllers.main.image),
# image the reference it makes, field the JSON pointer of the field that
# pins it. Two layouts are images:
#
# - a map with string repository and tag keys, and optional registry and
#   digest (image: {registry: ghcr.io, repository: acme/app, tag: 1.2.0});
#   the image is registry/repository:tag@digest, the field its tag. A tag of
#   1.2.0@sha256:… carries the digest. An empty tag without a digest leaves
#   the tag to the chart (its appVersion): no image.
# - a string with a tag or a digest under a key named image
#   (image: ghcr.io/acme/app:1.2.0); the field is that string.
#
# promote.Artifacts finds the same images.
values_images contains img if {
	is_helm_release
	walk(object.get(input, ["spec", "values"], {}), [path, value])
	is_object(value)
	is_string(value.repository)
	value.repository != ""
	is_string(value.tag)
	ref := map_reference(value)
	img := {
		"path": helm_path(path),
		"image": ref,
		"field": values_pointer(array.concat(path, ["tag"])),
	}
}

values_images contains img if {
	is_helm_release
	walk(object.get(input, ["spec", "values"], {}), [path, value])
	count(path) > 0
	path[count(path) - 1] == "image"
	is_string(value)
	has_version(value)
	img := {"path": helm_path(path), "image": value, "field": values_pointer(path)}
}

is_helm_release if {
	input.kind == "HelmRelease"
	startswith(input.apiVersion, "helm.toolkit.fluxcd.io/")
}

# map_reference is the reference an image map makes, undefined when it pins
# neither a tag nor a digest.
map_reference(m) := concat("", [map_name(m), version_suffix(m.tag, map_digest(m))]) if {
	not m.tag == ""
} else := concat("@", [map_name(m), map_digest(m)]) if {
	map_digest(m) != ""
}

map_name(m) := concat("/", [trim_suffix(m.registry, "/"), m.repository]) if {
	is_string(m.registry)
	m.registry != ""
} else := m.repository

map_digest(m) := m.digest if is_string(m.digest) else := ""

# version_suffix is :tag, and @digest unless the tag carries one.
version_suffix(tag, digest) := concat("", [":", tag]) if {
	contains(tag, "@")
} else := concat("", [":", tag]) if {
	digest == ""
} else := concat("", [":", tag, "@", digest])

# has_version holds for a reference with a tag or a digest: "repo:tag",
# "repo@sha256:…", not "repo" nor "registry:5000/repo".
has_version(ref) if contains(ref, "@")

has_version(ref) if {
	parts := split(ref, "/")
	contains(parts[count(parts) - 1], ":")
}

# helm_path writes a path inside spec.values the way helm --set does:
# controllers.main.containers.app.image, sidecars[0].image.
helm_path(path) := concat("", [segment(i, s) | some i, s in path])

segment(i, s) := sprintf("[%d]", [s]) if is_number(s)

segment(0, s) := s if is_string(s)

segment(i, s) := concat("", [".", s]) if {
	is_string(s)
	i > 0
}

# values_pointer is the JSON pointer of a path inside spec.values.
values_pointer(path) := concat("/", array.concat(["", "spec", "values"], [escape(s) | some s in path]))

escape(s) := replace(replace(s, "~", "~0"), "/", "~1") if is_string(s)

escape(s) := sprintf("%d", [s]) if is_number(s)

# references are every image the object names, whatever holds it: subject
# says what (container "app", HelmRelease value "image"), image is the
# reference, field the JSON pointer of the field that pins it. The built-in
# rules check these.
references contains ref if {
	some c in containers
	ref := {"subject": sprintf("container %q", [c.name]), "image": c.image, "field": c.field}
}

references contains ref if {
	some v in values_images
	ref := {"subject": values_subject(v.path), "image": v.image, "field": v.field}
}

values_subject(path) := "HelmRelease values" if path == "" else := sprintf("HelmRelease value %q", [path])

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
