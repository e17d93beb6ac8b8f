# METADATA
# title: Major version bumps
# description: |
#   A promotion that moves an artifact to a new major version is worth a
#   second look. A warning, or an error in environments with the parameter
#   denyMajorBump.
# custom:
#   id: major-bump
#   severity: warning
package ferry.plan.major_bump

default deny_major := false

deny_major := input.params.denyMajorBump

warn contains {"msg": msg, "artifact": c.artifact} if {
	not deny_major
	some c in input.changes
	c.relation == "upgrade"
	c.bump == "major"
	msg := sprintf("%s moves to a new major version, %s to %s", [c.artifact, c.from.tag, c.to.tag])
}

deny contains {"msg": msg, "artifact": c.artifact} if {
	deny_major
	some c in input.changes
	c.relation == "upgrade"
	c.bump == "major"
	msg := sprintf("%s moves to a new major version, %s to %s, which %s does not allow (denyMajorBump)", [c.artifact, c.from.tag, c.to.tag, input.target.name])
}
