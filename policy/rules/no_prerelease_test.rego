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
