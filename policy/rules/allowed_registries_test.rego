package ferry.rules.allowed_registries_test

import data.ferry.rules.allowed_registries

deployment(image) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}

test_off_without_list if {
	count(allowed_registries.deny) == 0 with input as deployment("docker.io/library/busybox:1.36.1")
}

test_registry_entry if {
	count(allowed_registries.deny) == 0 with input as deployment("registry.example.com:5000/app:1.0.0")
		with data.ferry.params.allowedRegistries as ["registry.example.com:5000"]
	count(allowed_registries.deny) == 1 with input as deployment("registry.example.com/app:1.0.0")
		with data.ferry.params.allowedRegistries as ["registry.example.com:5000"]
}

test_path_prefix_entry if {
	count(allowed_registries.deny) == 0 with input as deployment("ghcr.io/acme/api:1.0.0")
		with data.ferry.params.allowedRegistries as ["ghcr.io/acme"]
	count(allowed_registries.deny) == 1 with input as deployment("ghcr.io/acme-evil/api:1.0.0")
		with data.ferry.params.allowedRegistries as ["ghcr.io/acme"]
}

test_docker_hub_shorthand if {
	count(allowed_registries.deny) == 1 with input as deployment("busybox:1.36.1")
		with data.ferry.params.allowedRegistries as ["ghcr.io"]
	count(allowed_registries.deny) == 0 with input as deployment("busybox:1.36.1")
		with data.ferry.params.allowedRegistries as ["docker.io/library"]
}

test_helm_values_registry_checked if {
	hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "spec": {"values": {"image": {"registry": "quay.io", "repository": "acme/api", "tag": "1.0.0"}}}}
	some r in allowed_registries.deny with input as hr with data.ferry.params.allowedRegistries as ["ghcr.io/acme"]
	r._field == "/spec/values/image/tag"
	contains(r.msg, "from quay.io, which is not an allowed registry")
	count(allowed_registries.deny) == 0 with input as hr with data.ferry.params.allowedRegistries as ["quay.io/acme"]
}
