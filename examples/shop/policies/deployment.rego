# Team rule (platform@acme-shop): every container of a Deployment, init
# containers included, must declare a memory limit. Nodes are packed tightly
# and an unbounded container gets the whole node OOM-killed.
#
# Conftest-style: evaluated once per rendered manifest, `input` is one object.
package main

pod_containers contains container if {
	some container in input.spec.template.spec.containers
}

pod_containers contains container if {
	some container in input.spec.template.spec.initContainers
}

deny contains msg if {
	input.kind == "Deployment"
	some container in pod_containers
	not container.resources.limits.memory
	msg := sprintf(
		"Deployment %s: container %q must set resources.limits.memory",
		[input.metadata.name, container.name],
	)
}
