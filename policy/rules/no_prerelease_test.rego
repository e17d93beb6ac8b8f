package ferry.rules.no_prerelease_test

import data.ferry.rules.no_prerelease

deployment(image) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}

test_prerelease_denied_by_default if {
	some r in no_prerelease.deny with input as deployment("ghcr.io/acme/web:2.5.0-rc.1")
	contains(r.msg, "rc.1")
}

test_prerelease_allowed_by_parameter if {
	count(no_prerelease.deny) == 0 with input as deployment("ghcr.io/acme/web:2.5.0-rc.1")
		with data.ferry.params.allowPrerelease as true
}

test_release_allowed if {
	count(no_prerelease.deny) == 0 with input as deployment("ghcr.io/acme/web:2.5.0")
	count(no_prerelease.deny) == 0 with input as deployment("ghcr.io/acme/web:2.5.0+build.7")
}

test_helm_values_prerelease_denied if {
	hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": {"worker": {"image": "ghcr.io/acme/web:2.5.0-rc.1"}}}}
	some r in no_prerelease.deny with input as hr
	r._field == "/spec/values/worker/image"
	r.msg == "HelmRelease value \"worker.image\" uses prerelease image \"ghcr.io/acme/web:2.5.0-rc.1\" (rc.1), which this environment does not allow"
}

test_variants_are_not_prereleases if {
	some tag in [
		"nginx:1.27.0-alpine", "nginx:1.27.0-alpine3.20", "nginx:1.27.0-alpine-slim",
		"rabbitmq:3.6.8-management", "rabbitmq:3.13.7-management-alpine",
		"python:3.12.4-slim", "redis:7.4.1-bookworm", "node:20.15.1-bookworm-slim",
		"bitnami/nginx:1.25.3-debian-12-r0", "postgres:16.3.0-debian-12",
		"registry.access.redhat.com/app:1.2.3-ubi9", "mcr.microsoft.com/app:1.2.3-windowsservercore-ltsc2022",
		"neo4j:5.13.0-community", "ghcr.io/acme/app:v1.2.3-Alpine",
	]
	count(no_prerelease.deny) == 0 with input as deployment(tag)
}

test_prereleases_stay_prereleases if {
	some tag, pre in {
		"ghcr.io/acme/web:2.5.0-rc.1": "rc.1",
		"ghcr.io/acme/web:2.5.0-alpha": "alpha",
		"ghcr.io/acme/web:2.5.0-beta.2": "beta.2",
		"ghcr.io/acme/web:2.5.0-rc1": "rc1",
		"ghcr.io/acme/web:2.5.0-rc.1-alpine": "rc.1-alpine",
		"ghcr.io/acme/web:2.5.0-alpine-rc.1": "alpine-rc.1",
		"ghcr.io/acme/web:2.5.0-12-alpine": "12-alpine",
		"ghcr.io/acme/web:2.5.0-alpinex": "alpinex",
	}
	some r in no_prerelease.deny with input as deployment(tag)
	contains(r.msg, sprintf("(%s)", [pre]))
}

test_variants_from_parameters if {
	some r in no_prerelease.deny with input as deployment("ghcr.io/acme/ml:2.1.0-gpu")
	contains(r.msg, "(gpu)")
	count(no_prerelease.deny) == 0 with input as deployment("ghcr.io/acme/ml:2.1.0-gpu")
		with data.ferry.params.tagVariants as ["GPU"]
	count(no_prerelease.deny) == 0 with input as deployment("ghcr.io/acme/ml:2.1.0-gpu-alpine")
		with data.ferry.params.tagVariants as ["gpu"]
	some s in no_prerelease.deny with input as deployment("ghcr.io/acme/ml:2.1.0-rc.1")
		with data.ferry.params.tagVariants as ["gpu"]
	contains(s.msg, "(rc.1)")
}

test_helm_values_variant_allowed if {
	hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": {"image": {"repository": "rabbitmq", "tag": "3.13.7-management"}}}}
	count(no_prerelease.deny) == 0 with input as hr
}
