# METADATA
# title: Container images of workloads
# description: |
#   Helpers shared by ferry's built-in rules: the containers of every
#   pod-template kind with the JSON pointer of their image field, the images
#   a Flux HelmRelease sets in spec.values, and a parser for image
#   references.
package ferry.lib.images

import data.ferry.lib.params

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

# values_untagged are image strings in a Flux HelmRelease's spec.values
# that name neither a tag nor a digest (image: nginx), which the chart then
# uses as they are, meaning latest: a string under a key named image that is
# a valid reference, whose map has no tag, imageTag or digest key of its own
# (image: ghcr.io/acme/app with tag: 1.2.0 beside it is the name half of a
# split image). A map with a repository and no tag is not one: Helm merges
# it over the chart's values, whose tag (or the chart's appVersion) stays.
values_untagged contains img if {
	is_helm_release
	values := object.get(input, ["spec", "values"], {})
	walk(values, [path, value])
	count(path) > 0
	path[count(path) - 1] == "image"
	is_string(value)
	not has_version(value)
	parse(value)
	parent := object.get(values, array.slice(path, 0, count(path) - 1), {})
	not has_split_version(parent)
	img := {"path": helm_path(path), "image": value, "field": values_pointer(path)}
}

has_split_version(m) if {
	some key in ["tag", "imageTag", "digest"]
	object.get(m, key, null) != null
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

references contains ref if {
	some v in values_untagged
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

# default_tag_variants name the variants of an image release, as Docker
# images tag them after the version (nginx:1.27.0-alpine,
# rabbitmq:3.13.7-management, redis:7.4.1-bookworm): base images and
# distribution releases, flavours, architectures and Bitnami's revision
# (1.25.3-debian-12-r0). The environment parameter tagVariants adds to them.
default_tag_variants := {
	"alpine", "slim", "debian", "ubuntu", "ubi", "distroless", "scratch", "busybox",
	"bookworm", "bullseye", "buster", "stretch", "trixie",
	"jammy", "noble", "focal", "bionic", "xenial",
	"musl", "glibc", "windowsservercore", "nanoserver", "ltsc",
	"amd64", "arm64", "arm64v8", "arm", "armhf", "ppc64le", "s390x",
	"management", "community", "enterprise", "oss", "minimal", "full",
	"fpm", "apache", "cli", "zts", "jdk", "jre", "temurin",
	"nonroot", "rootless", "debug", "fips", "r",
}

tag_variants := default_tag_variants | {lower(v) | some v in params.tag_variants}

# is_variant holds for the prerelease part of a semantic version that
# names a variant of the release rather than a prerelease: its
# hyphen-separated words are tag variants, each optionally followed by a
# version (alpine3.20, ubi9, ltsc2022), and the words after the first may
# also be plain versions (debian-12). -rc.1, -alpha and -beta.2 are not.
is_variant(pre) if {
	words := split(pre, "-")
	variant_word(words[0])
	every w in array.slice(words, 1, count(words)) {
		variant_part(w)
	}
}

variant_word(w) if lower(w) in tag_variants

variant_word(w) if {
	m := regex.find_all_string_submatch_n(`^([a-z]+)[0-9][0-9.]*$`, lower(w), 1)[0]
	m[1] in tag_variants
}

variant_part(w) if variant_word(w)

variant_part(w) if regex.match(`^[0-9]+(\.[0-9]+)*$`, w)
