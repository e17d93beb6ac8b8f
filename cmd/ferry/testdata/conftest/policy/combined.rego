package combined

deny contains msg if {
	names := [doc.contents.metadata.name | some doc in input]
	some name in names
	count([n | some n in names; n == name]) > 1
	msg := sprintf("name %s is used more than once", [name])
}
