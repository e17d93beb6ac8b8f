package ferry.rules.digest_pinned_test

import data.ferry.rules.digest_pinned

deployment(image) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}

digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

test_off_by_default if {
	count(digest_pinned.deny) == 0 with input as deployment("ghcr.io/acme/api:1.0.0")
}

test_missing_digest_denied_when_required if {
	count(digest_pinned.deny) == 1 with input as deployment("ghcr.io/acme/api:1.0.0")
		with data.ferry.params.requireDigest as true
}

test_digest_allowed_when_required if {
	count(digest_pinned.deny) == 0 with input as deployment(concat("", ["ghcr.io/acme/api:1.0.0@", digest]))
		with data.ferry.params.requireDigest as true
	count(digest_pinned.deny) == 0 with input as deployment(concat("", ["ghcr.io/acme/api@", digest]))
		with data.ferry.params.requireDigest as true
}

hr(image) := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": {"image": image}}}

test_helm_values_digest_checked if {
	some r in digest_pinned.deny with input as hr({"repository": "ghcr.io/acme/api", "tag": "1.0.0"})
		with data.ferry.params.requireDigest as true
	r._field == "/spec/values/image/tag"
	count(digest_pinned.deny) == 0 with input as hr({"repository": "ghcr.io/acme/api", "tag": "1.0.0", "digest": digest})
		with data.ferry.params.requireDigest as true
	count(digest_pinned.deny) == 0 with input as hr({"repository": "ghcr.io/acme/api", "tag": concat("", ["1.0.0@", digest])})
		with data.ferry.params.requireDigest as true
	count(digest_pinned.deny) == 0 with input as hr(concat("", ["ghcr.io/acme/api:1.0.0@", digest]))
		with data.ferry.params.requireDigest as true
}
