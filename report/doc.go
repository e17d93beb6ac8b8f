// Package report writes findings for people and machines: plain text and
// tables for terminals, JSON, TAP, JUnit XML and SARIF 2.1.0 for tools, and
// GitHub and Azure DevOps workflow commands that annotate the offending line
// of a pull request.
//
// Writers are pure functions of their input: the same report gives the same
// bytes (findings are sorted, nothing depends on time or map order). They are
// safe for concurrent use and do no I/O beyond the writer they are given.
//
// Findings name files relative to the root they were rendered from; [Paths]
// rebases them for display, onto a CI checkout that may be a parent of that
// root. Rules link to their documentation under [DocsURL].
package report
