package ferry.lib.images_test

import data.ferry.lib.images

test_parse_docker_hub_shorthand if {
	images.parse("nginx") == {"registry": "docker.io", "repository": "library/nginx", "tag": "", "digest": ""}
	images.parse("nginx:1.27.0") == {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27.0", "digest": ""}
	images.parse("bitnami/redis:7.2") == {"registry": "docker.io", "repository": "bitnami/redis", "tag": "7.2", "digest": ""}
	images.parse("docker.io/library/busybox:1.36.1").repository == "library/busybox"
	images.parse("index.docker.io/busybox:1.36.1").registry == "docker.io"
}

test_parse_registry_with_port if {
	images.parse("localhost:5000/app:1.0.0") == {"registry": "localhost:5000", "repository": "app", "tag": "1.0.0", "digest": ""}
	images.parse("registry.example.com:8443/team/app") == {"registry": "registry.example.com:8443", "repository": "team/app", "tag": "", "digest": ""}
	images.parse("localhost/app:2").registry == "localhost"
}

test_parse_nested_paths if {
	images.parse("ghcr.io/acme-shop/platform/orders-api:1.8.0") == {"registry": "ghcr.io", "repository": "acme-shop/platform/orders-api", "tag": "1.8.0", "digest": ""}
}

test_parse_tag_and_digest if {
	d := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	images.parse(concat("", ["ghcr.io/acme/api:1.2.3@", d])) == {"registry": "ghcr.io", "repository": "acme/api", "tag": "1.2.3", "digest": d}
	images.parse(concat("", ["ghcr.io/acme/api@", d])) == {"registry": "ghcr.io", "repository": "acme/api", "tag": "", "digest": d}
}

test_parse_invalid if {
	not images.parse("UPPER/case:1")
	not images.parse("ghcr.io/acme/api:")
	not images.parse("")
	not images.parse("api@sha256:short")
}

test_semver if {
	images.is_semver("1.2.3")
	images.is_semver("v1.2.3")
	images.is_semver("1.2.3-rc.1+build.5")
	not images.is_semver("1.2")
	not images.is_semver("01.2.3")
	not images.is_semver("2024-01-01")
	images.prerelease("2.5.0-rc.1") == "rc.1"
	images.prerelease("2.5.0") == ""
}

test_containers_of_every_kind if {
	pod := {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x:1.0.0"}]}}
	images.containers == {{"name": "a", "image": "x:1.0.0", "field": "/spec/containers/0/image"}} with input as pod
	cron := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "i", "image": "y:1"}],
		"ephemeralContainers": [{"name": "e", "image": "z:2"}],
	}}}}}}
	images.containers == {
		{"name": "i", "image": "y:1", "field": "/spec/jobTemplate/spec/template/spec/initContainers/0/image"},
		{"name": "e", "image": "z:2", "field": "/spec/jobTemplate/spec/template/spec/ephemeralContainers/0/image"},
	} with input as cron
	count(images.containers) == 0 with input as {"kind": "ConfigMap", "data": {}}
}

helm_release(values) := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": values}}

test_values_images_app_template if {
	values := {"controllers": {"main": {"containers": {"app": {"image": {"repository": "ghcr.io/acme/app", "tag": "1.2.0"}}}}}}
	images.values_images == {{
		"path": "controllers.main.containers.app.image",
		"image": "ghcr.io/acme/app:1.2.0",
		"field": "/spec/values/controllers/main/containers/app/image/tag",
	}} with input as helm_release(values)
}

test_values_images_registry_and_digest if {
	d := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	values := {"image": {"registry": "ghcr.io", "repository": "acme/app", "tag": "1.2.0", "digest": d}}
	images.values_images == {{"path": "image", "image": concat("", ["ghcr.io/acme/app:1.2.0@", d]), "field": "/spec/values/image/tag"}} with input as helm_release(values)
	in_tag := {"image": {"repository": "acme/app", "tag": concat("", ["1.2.0@", d])}}
	images.values_images == {{"path": "image", "image": concat("", ["acme/app:1.2.0@", d]), "field": "/spec/values/image/tag"}} with input as helm_release(in_tag)
	digest_only := {"image": {"repository": "acme/app", "tag": "", "digest": d}}
	images.values_images == {{"path": "image", "image": concat("", ["acme/app@", d]), "field": "/spec/values/image/tag"}} with input as helm_release(digest_only)
}

test_values_images_strings_and_lists if {
	values := {"sidecars": [{"name": "proxy", "image": "envoyproxy/envoy:v1.30.1"}], "a/b": {"image": "busybox@sha256:0123456789abcdef0123456789abcdef"}}
	images.values_images == {
		{"path": "sidecars[0].image", "image": "envoyproxy/envoy:v1.30.1", "field": "/spec/values/sidecars/0/image"},
		{"path": "a/b.image", "image": "busybox@sha256:0123456789abcdef0123456789abcdef", "field": "/spec/values/a~1b/image"},
	} with input as helm_release(values)
}

test_values_images_not_images if {
	values := {
		"image": {"repository": "acme/app"}, # no tag
		"other": {"repository": "acme/app", "tag": 1.2}, # not a string
		"chart": {"repository": "acme/app", "tag": ""}, # the chart's appVersion
		"plain": {"image": "acme/app"}, # no tag: the name half of a split image
		"port": {"image": "registry:5000/acme/app"},
		"number": {"image": 3},
		"tag": "1.0.0",
	}
	count(images.values_images) == 0 with input as helm_release(values)
	count(images.values_images) == 0 with input as {"apiVersion": "example.com/v1", "kind": "HelmRelease", "spec": {"values": {"image": "acme/app:latest"}}}
	count(images.values_images) == 0 with input as {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {}}
}

test_values_image_at_the_root if {
	images.references == {{"subject": "HelmRelease values", "image": "acme/app:1.0.0", "field": "/spec/values/tag"}} with input as helm_release({"repository": "acme/app", "tag": "1.0.0"})
}

test_references_name_what_holds_the_image if {
	pod := {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x:1.0.0"}]}}
	images.references == {{"subject": "container \"a\"", "image": "x:1.0.0", "field": "/spec/containers/0/image"}} with input as pod
	images.references == {{"subject": "HelmRelease value \"sidecars[0].image\"", "image": "y:2.0.0", "field": "/spec/values/sidecars/0/image"}} with input as helm_release({"sidecars": [{"image": "y:2.0.0"}]})
}

test_values_untagged if {
	values := {
		"image": "nginx",
		"sidecars": [{"name": "proxy", "image": "registry:5000/acme/proxy"}],
		"split": {"image": "ghcr.io/acme/worker", "tag": "1.2.0"}, # the name half of a split image
		"splitNumber": {"image": "ghcr.io/acme/worker", "imageTag": 1.2},
		"splitDigest": {"image": "ghcr.io/acme/worker", "digest": "sha256:0123456789abcdef0123456789abcdef"},
		"map": {"image": {"repository": "acme/app"}}, # the chart's tag stays
		"pinned": {"image": "nginx:1.27.0"},
		"template": {"image": "{{ .Values.registry }}/app"}, # not a reference
	}
	images.values_untagged == {
		{"path": "image", "image": "nginx", "field": "/spec/values/image"},
		{"path": "sidecars[0].image", "image": "registry:5000/acme/proxy", "field": "/spec/values/sidecars/0/image"},
	} with input as helm_release(values)
	count(images.values_untagged) == 0 with input as {"apiVersion": "example.com/v1", "kind": "HelmRelease", "spec": {"values": {"image": "nginx"}}}
}

test_variants if {
	images.is_variant("alpine")
	images.is_variant("alpine3.20")
	images.is_variant("debian-12-r0")
	images.is_variant("windowsservercore-ltsc2022")
	not images.is_variant("rc.1")
	not images.is_variant("12")
	not images.is_variant("alpine-rc.1")
	images.is_variant("cuda12.4") with data.ferry.params.tagVariants as ["cuda"]
	not images.is_variant("cuda12.4")
}
