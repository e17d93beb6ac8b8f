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
	some ref in images.references
	image := images.parse(ref.image)
	image.digest == ""
	result := {
		"msg": sprintf("%s uses image %q without a digest; this environment requires image@sha256:…", [ref.subject, ref.image]),
		"_field": ref.field,
	}
}
