# METADATA
# title: Freeze windows
# description: |
#   No promotion into an environment during one of its freeze windows
#   (ferry.yaml, environments[].freeze).
# custom:
#   id: freeze-window
#   severity: error
package ferry.plan.freeze_window

deny contains msg if {
	some c in input.changes
	c.relation != "same"
	w := input.target.frozen
	msg := sprintf("%s is frozen from %s until %s: %s", [input.target.name, w.start, w.end, w.reason])
}
