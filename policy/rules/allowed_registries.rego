# METADATA
# title: Allowed registries
# description: |
#   In environments with the parameter allowedRegistries (a list such as
#   ["ghcr.io/acme", "registry.example.com:5000"]), every image comes from one
#   of them: its registry, or its registry and repository path prefix, must
#   match an entry. Docker Hub images are docker.io/library/… and
#   docker.io/<org>/….
# custom:
#   id: allowed-registries
#   severity: error
#   parameters:
#     allowedRegistries: ["ghcr.io/acme"]
package ferry.rules.allowed_registries

import data.ferry.lib.images
import data.ferry.lib.params

allowed := params.allowed_registries

deny contains result if {
	count(allowed) > 0
	some ref in images.references
	image := images.parse(ref.image)
	not permitted(image)
	result := {
		"msg": sprintf("%s uses image %q from %s, which is not an allowed registry (%s)", [ref.subject, ref.image, image.registry, concat(", ", allowed)]),
		"_field": ref.field,
	}
}

permitted(image) if {
	some entry in allowed
	entry == image.registry
}

permitted(image) if {
	some entry in allowed
	full := concat("/", [image.registry, image.repository])
	startswith(full, concat("", [trim_suffix(entry, "/"), "/"]))
}
