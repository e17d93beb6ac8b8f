# METADATA
# title: Digest-pinned images
# description: |
#   In environments with the parameter requireDigest, every image is pinned
#   by digest (image:tag@sha256:… or image@sha256:…), so what runs cannot
#   change under the same tag.
# custom:
#   id: digest-pinned
#   severity: error
#   parameters:
#     requireDigest: true
package ferry.rules.digest_pinned

import data.ferry.lib.images
import data.ferry.lib.params

deny contains result if {
	params.require_digest
	some c in images.containers
	image := images.parse(c.image)
	image.digest == ""
	result := {
		"msg": sprintf("container %q uses image %q without a digest; this environment requires image@sha256:…", [c.name, c.image]),
		"_field": c.field,
	}
}
