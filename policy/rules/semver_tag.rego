# METADATA
# title: Semantic version tags
# description: |
#   Every image tag is a semantic version (1.2.3, v1.2.3, 1.2.3-rc.1, or a
#   variant such as 1.2.3-alpine), so that promotions can compare versions. Images pinned only by digest pass; a
#   missing or latest tag is reported by no-latest-tag instead.
# custom:
#   id: semver-tag
#   severity: error
package ferry.rules.semver_tag

import data.ferry.lib.images

deny contains result if {
	some ref in images.references
	image := images.parse(ref.image)
	image.tag != ""
	image.tag != "latest"
	not images.is_semver(image.tag)
	result := {
		"msg": sprintf("%s uses image %q whose tag %q is not a semantic version; tag releases as MAJOR.MINOR.PATCH, optionally followed by a prerelease or a variant (-rc.1, -alpine)", [ref.subject, ref.image, image.tag]),
		"_field": ref.field,
	}
}
