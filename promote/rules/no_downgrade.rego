# METADATA
# title: No downgrades
# description: |
#   A promotion does not move an artifact to a lower version, unless the
#   request says it is a rollback (ferry plan --rollback), which the plan
#   records.
# custom:
#   id: no-downgrade
#   severity: error
package ferry.plan.no_downgrade

deny contains {"msg": msg, "artifact": c.artifact} if {
	not input.rollback
	some c in input.changes
	c.relation == "downgrade"
	msg := sprintf("%s would go down from %s to %s; if this is a rollback, say so (--rollback)", [c.artifact, c.from.tag, c.to.tag])
}
