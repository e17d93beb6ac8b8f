// Package finding defines the one result type every ferry check returns: a
// [Finding] names the rule, its severity, the object and field at fault, and
// the repository file and line a person edits to fix it.
//
// Findings are data: a violated rule is a Finding, while an error means a
// check could not run. The package does no I/O; its values are plain data,
// safe to share once built.
package finding
