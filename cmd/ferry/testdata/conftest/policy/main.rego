package main

import data.config

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("%s: containers must not run as root", [input.metadata.name])
}

deny contains msg if {
	input.kind == "Deployment"
	some c in input.spec.template.spec.containers
	not startswith(c.image, config.registry)
	msg := sprintf("%s: image %s is not from %s", [input.metadata.name, c.image, config.registry])
}

warn contains msg if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := sprintf("%s: LoadBalancer services cost money", [input.metadata.name])
}

violation contains {"msg": msg, "details": {"replicas": input.spec.replicas}} if {
	input.kind == "Deployment"
	input.spec.replicas < 2
	msg := sprintf("%s: fewer than 2 replicas", [input.metadata.name])
}

deny_latest contains msg if {
	some c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("%s: latest tag", [input.metadata.name])
}

exception contains rules if {
	input.metadata.name == "legacy"
	rules := ["latest"]
}
