# METADATA
# title: Only versions change
# description: |
#   Once the edits are applied, the rendered target differs from what it was
#   only in the versions promoted. Anything else that changes is listed.
# custom:
#   id: only-versions-change
#   severity: error
package ferry.plan.only_versions_change

deny contains msg if {
	some d in input.extraDifferences
	msg := sprintf("the edits also change %s", [d])
}
