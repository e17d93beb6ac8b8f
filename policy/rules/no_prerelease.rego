# METADATA
# title: No prerelease versions
# description: |
#   Images are not prereleases (1.2.3-rc.1) in environments that do not allow
#   them. Set the environment parameter allowPrerelease to true to allow them.
# custom:
#   id: no-prerelease
#   severity: error
#   parameters:
#     allowPrerelease: false
package ferry.rules.no_prerelease

import data.ferry.lib.images
import data.ferry.lib.params

deny contains result if {
	not params.allow_prerelease
	some ref in images.references
	image := images.parse(ref.image)
	images.is_semver(image.tag)
	pre := images.prerelease(image.tag)
	pre != ""
	result := {
		"msg": sprintf("%s uses prerelease image %q (%s), which this environment does not allow", [ref.subject, ref.image, pre]),
		"_field": ref.field,
	}
}
