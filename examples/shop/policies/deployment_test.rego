package main

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "storefront"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

limited := {"name": "app", "resources": {"limits": {"memory": "256Mi"}}}

test_memory_limit_allows if {
	count(deny) == 0 with input as deployment([limited])
}

test_missing_memory_limit_denies if {
	deny == {`Deployment storefront: container "sidecar" must set resources.limits.memory`} with input as deployment([
		limited,
		{"name": "sidecar", "resources": {"requests": {"memory": "64Mi"}}},
	])
}

test_missing_resources_on_init_container_denies if {
	d := json.patch(deployment([limited]), [{
		"op": "add",
		"path": "/spec/template/spec/initContainers",
		"value": [{"name": "migrate"}],
	}])
	deny == {`Deployment storefront: container "migrate" must set resources.limits.memory`} with input as d
}

test_other_kinds_ignored if {
	count(deny) == 0 with input as {"kind": "Service", "metadata": {"name": "storefront"}}
}
