package report

import (
	"encoding/xml"
	"io"
	"strconv"

	"github.com/ferrygitops/ferry/finding"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      string        `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// writeJUnit writes one test case per finding: errors are failures, waived
// findings skipped, warnings and infos passing cases that carry their
// message. With no findings, one passing case says how many objects passed.
func writeJUnit(w io.Writer, r Report) error {
	suite := junitSuite{Name: toolName(r)}
	for _, f := range r.Findings {
		c := junitCase{
			Name:      f.Rule,
			Classname: f.Source.File,
			File:      f.Source.File,
		}
		if f.Object.Kind != "" {
			c.Name += " " + f.Object.String()
		}
		if c.Classname == "" {
			c.Classname = suite.Name
		}
		if f.Source.Line > 0 {
			c.Line = strconv.Itoa(f.Source.Line)
		}
		switch {
		case f.Waiver != nil:
			c.Skipped = &junitSkipped{Message: "waived: " + f.Waiver.Reason}
			suite.Skipped++
		case f.Severity == finding.SeverityError:
			c.Failure = &junitFailure{Message: oneLine(f.Message), Type: f.Rule, Text: locatedMessage(f)}
			suite.Failures++
		default:
			c.SystemOut = f.Severity.String() + ": " + locatedMessage(f)
		}
		suite.Cases = append(suite.Cases, c)
	}
	if len(suite.Cases) == 0 {
		suite.Cases = append(suite.Cases, junitCase{Name: Summary(r), Classname: suite.Name})
	}
	suite.Tests = len(suite.Cases)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{suite}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
