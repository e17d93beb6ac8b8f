# METADATA
# title: No prereleases into environments that do not allow them
# description: |
#   A promotion does not carry a prerelease version (1.2.0-rc.1) into an
#   environment whose parameter allowPrerelease is not set. A version
#   followed by a variant of the release (1.27.0-alpine) is not a
#   prerelease (see no-prerelease and its tagVariants parameter).
# custom:
#   id: promote-no-prerelease
#   severity: error
package ferry.plan.no_prerelease

import data.ferry.lib.images

default allowed := false

allowed := input.params.allowPrerelease

deny contains {"msg": msg, "artifact": c.artifact} if {
	not allowed
	some c in input.changes
	c.promotes # a prerelease the target already runs is not this promotion's doing
	c.prerelease != ""
	not images.is_variant(c.prerelease) # nginx:1.27.0-alpine is a variant of 1.27.0, not a prerelease
	msg := sprintf("%s %s is a prerelease, which %s does not allow (allowPrerelease)", [c.artifact, c.to.tag, input.target.name])
}
