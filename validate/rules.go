package validate

// Rules returns the ids of the checks v runs on every object, in the order
// the package documentation lists them: the rules its findings may carry,
// for reports that list what passed as well as what failed. Findings about
// the input itself (invalid-yaml, duplicate-key, not-an-object) and about
// CustomResourceDefinitions (invalid-crd) are not checks of every object
// and are left out.
func (v *Validator) Rules() []string {
	rules := []string{"schema"}
	if !v.opts.IgnoreMissingSchemas {
		rules = append(rules, "missing-schema")
	}
	rules = append(rules, "removed-api", "deprecated-api", "invalid-name", "invalid-label", "invalid-annotation", "annotations-too-large")
	if v.opts.Duplicates != DuplicatesOff {
		rules = append(rules, "duplicate-object")
	}
	if len(v.opts.RejectKinds) > 0 {
		rules = append(rules, "rejected-kind")
	}
	return rules
}
