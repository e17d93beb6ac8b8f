package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// Report is what a check produced.
type Report struct {
	// Tool names the check, e.g. "ferry validate"; it becomes the test
	// suite of JUnit output and the run of SARIF output.
	Tool string
	// Checked is the number of objects checked.
	Checked int
	// Findings are the results, in any order: writers sort them.
	Findings []finding.Finding
	// Objects are the objects checked, for the formats that list what
	// passed: JUnit writes one test case per check in Checks per object.
	// Empty: those formats list the findings only.
	Objects []Object
	// Checks are the checks (rule ids) that ran on every object in
	// Objects, e.g. "schema" or "semver-tag".
	Checks []string
	// Input names what was checked, as a path: the directory or file
	// given, "-" for standard input. SARIF locates a finding without a
	// source file there, as GitHub code scanning refuses a result without
	// a location. Empty: ".".
	Input string
}

// Object is one object checked and the file that defines it.
type Object struct {
	// ID identifies the object.
	ID manifest.ID
	// Source is where the object is defined.
	Source manifest.Origin
}

// writers maps each format to its writer.
var writers = map[string]func(io.Writer, Report) error{
	"text":        writeText,
	"table":       writeTable,
	"json":        writeJSON,
	"tap":         writeTAP,
	"junit":       writeJUnit,
	"sarif":       writeSARIF,
	"github":      writeGitHub,
	"azuredevops": writeAzureDevOps,
}

// Formats returns the names of the formats [Write] accepts, sorted.
func Formats() []string {
	names := make([]string, 0, len(writers))
	for n := range writers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Write writes r to w in the named format.
func Write(w io.Writer, format string, r Report) error {
	write, ok := writers[format]
	if !ok {
		return fmt.Errorf("unknown output format %q: use one of %v", format, Formats())
	}
	r.Findings = slices.Clone(r.Findings)
	finding.Sort(r.Findings)
	return write(w, r)
}

// Summary is the one-line tally the text formats end with: "12 objects
// checked: 1 error, 0 warnings, 0 waived".
func Summary(r Report) string {
	c := finding.Count(r.Findings)
	return fmt.Sprintf("%d %s checked: %d %s, %d %s, %d waived",
		r.Checked, plural(r.Checked, "object", "objects"),
		c.Errors, plural(c.Errors, "error", "errors"),
		c.Warnings, plural(c.Warnings, "warning", "warnings"),
		c.Waived)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
