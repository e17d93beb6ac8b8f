package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ferrygitops/ferry/finding"
)

// writeText prints one line per finding and a summary.
func writeText(w io.Writer, r Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String())
		if f.Waiver != nil {
			fmt.Fprintf(&b, " (waived: %s)", f.Waiver.Reason)
		}
		b.WriteByte('\n')
	}
	b.WriteString(Summary(r))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable prints the findings as aligned columns.
func writeTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tRULE\tSOURCE\tOBJECT\tMESSAGE")
	for _, f := range r.Findings {
		sev := f.Severity.String()
		if f.Waiver != nil {
			sev += " (waived)"
		}
		obj := ""
		if f.Object.Kind != "" {
			obj = f.Object.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sev, f.Rule, f.Source, obj, oneLine(f.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, Summary(r))
	return err
}

// jsonReport is the JSON shape of a report.
type jsonReport struct {
	Tool     string            `json:"tool"`
	Checked  int               `json:"checked"`
	Summary  finding.Counts    `json:"summary"`
	Findings []finding.Finding `json:"findings"`
}

func writeJSON(w io.Writer, r Report) error {
	out := jsonReport{Tool: r.Tool, Checked: r.Checked, Summary: finding.Count(r.Findings), Findings: r.Findings}
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// writeTAP prints the Test Anything Protocol, version 13: one test per
// finding (errors fail; warnings, infos and waived findings pass with a
// directive), or a single passing test when there is nothing to report.
func writeTAP(w io.Writer, r Report) error {
	var b strings.Builder
	b.WriteString("TAP version 13\n")
	if len(r.Findings) == 0 {
		fmt.Fprintf(&b, "1..1\nok 1 - %s\n", Summary(r))
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "1..%d\n", len(r.Findings))
	for i, f := range r.Findings {
		status := "ok"
		directive := ""
		switch {
		case f.Waiver != nil:
			directive = " # SKIP waived: " + oneLine(f.Waiver.Reason)
		case f.Severity == finding.SeverityError:
			status = "not ok"
		default:
			directive = " # TODO " + f.Severity.String()
		}
		fmt.Fprintf(&b, "%s %d - %s%s\n", status, i+1, oneLine(locatedMessage(f)), directive)
	}
	fmt.Fprintf(&b, "# %s\n", Summary(r))
	_, err := io.WriteString(w, b.String())
	return err
}

// locatedMessage is the finding without its severity: source, rule, object
// and message.
func locatedMessage(f finding.Finding) string {
	var b strings.Builder
	if f.Source.File != "" {
		b.WriteString(f.Source.String())
		b.WriteString(": ")
	}
	b.WriteString("[" + f.Rule + "] ")
	if f.Object.Kind != "" {
		b.WriteString(f.Object.String() + ": ")
	}
	b.WriteString(f.Message)
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
