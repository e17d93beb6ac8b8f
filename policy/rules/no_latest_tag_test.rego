package ferry.rules.no_latest_tag_test

import data.ferry.rules.no_latest_tag

deployment(image) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}

test_latest_tag_denied if {
	some r in no_latest_tag.deny with input as deployment("ghcr.io/acme/api:latest")
	r._field == "/spec/template/spec/containers/0/image"
	contains(r.msg, "latest tag")
}

test_missing_tag_denied if {
	count(no_latest_tag.deny) == 1 with input as deployment("nginx")
}

test_pinned_tag_allowed if {
	count(no_latest_tag.deny) == 0 with input as deployment("nginx:1.27.0")
}

test_digest_only_allowed if {
	count(no_latest_tag.deny) == 0 with input as deployment("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
}

test_init_and_ephemeral_containers_checked if {
	pod := {"kind": "Pod", "spec": {
		"initContainers": [{"name": "init", "image": "busybox"}],
		"containers": [{"name": "app", "image": "app:1.0.0"}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:latest"}],
	}}
	count(no_latest_tag.deny) == 2 with input as pod
}

test_rollout_and_statefulset_checked if {
	count(no_latest_tag.deny) == 1 with input as {"kind": "Rollout", "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a"}]}}}}
	count(no_latest_tag.deny) == 1 with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a:latest"}]}}}}
}

test_invalid_reference_denied if {
	some r in no_latest_tag.deny with input as deployment("Not An Image")
	contains(r.msg, "invalid image reference")
}

helm_release(values) := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": values}}

test_latest_tag_in_helm_values_denied if {
	values := {"controllers": {"main": {"containers": {"app": {"image": {"repository": "ghcr.io/acme/app", "tag": "latest"}}}}}}
	some r in no_latest_tag.deny with input as helm_release(values)
	r._field == "/spec/values/controllers/main/containers/app/image/tag"
	r.msg == "HelmRelease value \"controllers.main.containers.app.image\" uses image \"ghcr.io/acme/app:latest\" with the latest tag; pin a version"
	some s in no_latest_tag.deny with input as helm_release({"sidecars": [{"image": "busybox:latest"}]})
	s._field == "/spec/values/sidecars/0/image"
}

test_pinned_helm_values_allowed if {
	count(no_latest_tag.deny) == 0 with input as helm_release({"image": {"registry": "ghcr.io", "repository": "acme/app", "tag": "1.2.0"}})
}

test_invalid_helm_values_reference_denied if {
	some r in no_latest_tag.deny with input as helm_release({"image": {"repository": "Acme/App", "tag": "1.0.0"}})
	contains(r.msg, "invalid image reference \"Acme/App:1.0.0\"")
}

test_untagged_helm_values_image_denied if {
	some r in no_latest_tag.deny with input as helm_release({"worker": {"image": "nginx"}})
	r._field == "/spec/values/worker/image"
	r.msg == "HelmRelease value \"worker.image\" uses image \"nginx\" without a tag, which means latest; pin a version"
	count(no_latest_tag.deny) == 0 with input as helm_release({"worker": {"image": "nginx", "tag": "1.27.0"}})
	count(no_latest_tag.deny) == 0 with input as helm_release({"image": {"repository": "nginx"}})
}
