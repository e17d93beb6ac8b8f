# METADATA
# title: No prereleases into environments that do not allow them
# description: |
#   A promotion does not carry a prerelease version (1.2.0-rc.1) into an
#   environment whose parameter allowPrerelease is not set.
# custom:
#   id: promote-no-prerelease
#   severity: error
package ferry.plan.no_prerelease

default allowed := false

allowed := input.params.allowPrerelease

deny contains {"msg": msg, "artifact": c.artifact} if {
	not allowed
	some c in input.changes
	c.prerelease != ""
	msg := sprintf("%s %s is a prerelease, which %s does not allow (allowPrerelease)", [c.artifact, c.to.tag, input.target.name])
}
