package ferry.rules.semver_tag_test

import data.ferry.rules.semver_tag

deployment(image) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}

test_date_tag_denied if {
	some r in semver_tag.deny with input as deployment("ghcr.io/acme/api:2024-05-01")
	contains(r.msg, "not a semantic version")
}

test_semver_tags_allowed if {
	count(semver_tag.deny) == 0 with input as deployment("ghcr.io/acme/api:1.8.0")
	count(semver_tag.deny) == 0 with input as deployment("ghcr.io/acme/api:v1.8.0")
	count(semver_tag.deny) == 0 with input as deployment("ghcr.io/acme/api:1.8.0-rc.1")
}

test_digest_only_allowed if {
	count(semver_tag.deny) == 0 with input as deployment("ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
}

test_latest_and_missing_left_to_no_latest_tag if {
	count(semver_tag.deny) == 0 with input as deployment("nginx")
	count(semver_tag.deny) == 0 with input as deployment("nginx:latest")
}

test_partial_versions_denied if {
	count(semver_tag.deny) == 1 with input as deployment("redis:7.2")
}

test_helm_values_tags_checked if {
	hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": {"image": {"repository": "ghcr.io/acme/api", "tag": "2024-05-01"}}}}
	some r in semver_tag.deny with input as hr
	r._field == "/spec/values/image/tag"
	contains(r.msg, "tag \"2024-05-01\" is not a semantic version")
}

test_variant_tags_allowed if {
	count(semver_tag.deny) == 0 with input as deployment("nginx:1.27.0-alpine")
	count(semver_tag.deny) == 0 with input as deployment("bitnami/nginx:1.25.3-debian-12-r0")
	count(semver_tag.deny) == 0 with input as deployment("rabbitmq:3.13.7-management")
}

test_partial_versions_with_variants_denied if {
	some r in semver_tag.deny with input as deployment("nginx:1.27-alpine")
	contains(r.msg, "optionally followed by a prerelease or a variant")
}
