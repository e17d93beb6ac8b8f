package report

import (
	"cmp"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
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

// junitCaseKey identifies the test case of a finding: its check and what it
// was checked on.
type junitCaseKey struct {
	check, subject string
}

// junitBuild accumulates the findings of each test case.
type junitBuild struct {
	order    []junitCaseKey
	cases    map[junitCaseKey]*junitCase
	findings map[junitCaseKey][]finding.Finding
}

func (b *junitBuild) add(k junitCaseKey, file string, line int) *junitCase {
	if c, ok := b.cases[k]; ok {
		return c
	}
	name := k.check
	if k.subject != "" {
		name += "/" + k.subject
	}
	c := &junitCase{Name: name, Classname: k.check, File: file}
	if line > 0 {
		c.Line = strconv.Itoa(line)
	}
	b.cases[k] = c
	b.order = append(b.order, k)
	return c
}

// writeJUnit writes one test case per check per object, named
// "check/objectID" (classname the check), so that CI test history follows
// each one: when the report lists the objects and checks, every pair is a
// case, and a clean run lists them all as passed. A finding of a check or
// object the report does not list is a case of its own ("rule/objectID",
// "rule/file" or "rule"). A case with an error fails, with every message
// and its file:line; one whose findings are all waived is skipped; warnings
// and infos pass with their messages as output. With no case at all, one
// passing case says how many objects passed.
func writeJUnit(w io.Writer, r Report) error {
	return writeJUnitCases(w, toolName(r), r, nil)
}

// writeJUnitCases writes r's cases after the extra ones given.
func writeJUnitCases(w io.Writer, suiteName string, r Report, extra []junitCase) error {
	b := junitBuild{cases: map[junitCaseKey]*junitCase{}, findings: map[junitCaseKey][]finding.Finding{}}
	ids := map[manifest.ID]int{}
	for _, o := range r.Objects {
		ids[o.ID]++
	}
	subject := func(id manifest.ID, file string) string {
		if ids[id] > 1 && file != "" { // one ID in several environments
			return id.String() + "@" + file
		}
		return id.String()
	}
	for _, check := range r.Checks {
		for _, o := range r.Objects {
			b.add(junitCaseKey{check, subject(o.ID, o.Source.File)}, o.Source.File, o.Source.Line)
		}
	}
	origin := map[manifest.ID]manifest.Origin{}
	for _, o := range r.Objects {
		if _, ok := origin[o.ID]; !ok {
			origin[o.ID] = o.Source
		}
	}
	for _, f := range r.Findings {
		var k junitCaseKey
		switch {
		case f.Object.Kind != "" && ids[f.Object] > 1:
			k = junitCaseKey{f.Rule, subject(f.Object, objectFile(r.Objects, f))}
		case f.Object.Kind != "":
			k = junitCaseKey{f.Rule, f.Object.String()}
		default:
			k = junitCaseKey{f.Rule, f.Source.File}
		}
		b.add(k, f.Source.File, f.Source.Line)
		b.findings[k] = append(b.findings[k], f)
	}
	suite := junitSuite{Name: suiteName, Cases: extra}
	for _, c := range extra {
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Skipped != nil:
			suite.Skipped++
		}
	}
	slices.SortFunc(b.order, func(x, y junitCaseKey) int {
		return cmp.Or(cmp.Compare(x.check, y.check), cmp.Compare(x.subject, y.subject))
	})
	for _, k := range b.order {
		c := *b.cases[k]
		fs := b.findings[k]
		var errs, waived, others []string
		for _, f := range fs {
			switch {
			case f.Waiver != nil:
				waived = append(waived, f.Waiver.Reason)
			case f.Severity == finding.SeverityError:
				errs = append(errs, locatedMessage(f))
			default:
				others = append(others, f.Severity.String()+": "+locatedMessage(f))
			}
		}
		if len(fs) > 0 { // point at what to fix rather than at the object
			if at := firstError(fs).Source; at.File != "" {
				c.File, c.Line = at.File, ""
				if at.Line > 0 {
					c.Line = strconv.Itoa(at.Line)
				}
			}
		}
		switch {
		case len(errs) > 0:
			first := firstError(fs)
			c.Failure = &junitFailure{Message: oneLine(first.Message), Type: first.Rule, Text: strings.Join(errs, "\n")}
			suite.Failures++
		case len(waived) > 0 && len(others) == 0:
			c.Skipped = &junitSkipped{Message: "waived: " + strings.Join(waived, "; ")}
			suite.Skipped++
		}
		if len(others) > 0 {
			c.SystemOut = strings.Join(others, "\n")
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

// firstError is the first unwaived error among fs (sorted).
func firstError(fs []finding.Finding) finding.Finding {
	for _, f := range fs {
		if f.Waiver == nil && f.Severity == finding.SeverityError {
			return f
		}
	}
	return fs[0]
}

// objectFile is the file of the object of f among objs that share its ID:
// the one f's source names, else the first.
func objectFile(objs []Object, f finding.Finding) string {
	file := ""
	for _, o := range objs {
		if o.ID != f.Object {
			continue
		}
		if o.Source.File == f.Source.File {
			return o.Source.File
		}
		if file == "" {
			file = o.Source.File
		}
	}
	return file
}
