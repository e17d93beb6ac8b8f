# METADATA
# title: No latest tags
# description: |
#   Every container image names a tag other than latest. An image without a
#   tag means latest; an image pinned only by digest passes.
# custom:
#   id: no-latest-tag
#   severity: error
package ferry.rules.no_latest_tag

import data.ferry.lib.images

deny contains result if {
	some c in images.containers
	image := images.parse(c.image)
	image.tag == "latest"
	result := {
		"msg": sprintf("container %q uses image %q with the latest tag; pin a version", [c.name, c.image]),
		"_field": c.field,
	}
}

deny contains result if {
	some c in images.containers
	image := images.parse(c.image)
	image.tag == ""
	image.digest == ""
	result := {
		"msg": sprintf("container %q uses image %q without a tag, which means latest; pin a version", [c.name, c.image]),
		"_field": c.field,
	}
}

deny contains result if {
	some c in images.containers
	not images.parse(c.image)
	result := {
		"msg": sprintf("container %q has an invalid image reference %q", [c.name, c.image]),
		"_field": c.field,
	}
}
