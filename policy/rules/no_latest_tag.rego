# METADATA
# title: No latest tags
# description: |
#   Every image names a tag other than latest. An image without a
#   tag means latest; an image pinned only by digest passes.
# custom:
#   id: no-latest-tag
#   severity: error
package ferry.rules.no_latest_tag

import data.ferry.lib.images

deny contains result if {
	some ref in images.references
	image := images.parse(ref.image)
	image.tag == "latest"
	result := {
		"msg": sprintf("%s uses image %q with the latest tag; pin a version", [ref.subject, ref.image]),
		"_field": ref.field,
	}
}

deny contains result if {
	some ref in images.references
	image := images.parse(ref.image)
	image.tag == ""
	image.digest == ""
	result := {
		"msg": sprintf("%s uses image %q without a tag, which means latest; pin a version", [ref.subject, ref.image]),
		"_field": ref.field,
	}
}

deny contains result if {
	some ref in images.references
	not images.parse(ref.image)
	result := {
		"msg": sprintf("%s has an invalid image reference %q", [ref.subject, ref.image]),
		"_field": ref.field,
	}
}
