package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ferrygitops/ferry/promote"
)

// WritePending writes the plans of every pending promotion
// (promote.Planner.Pending) as WritePlans writes them, followed in text
// and Markdown by the promotions that are up to date; in JSON, the
// PlanList itself, upToDate included.
func WritePending(w io.Writer, format string, list *promote.PlanList) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(list)
	}
	if len(list.Items) > 0 {
		if err := WritePlans(w, format, list.Items); err != nil {
			return err
		}
	}
	if format != "text" && format != "markdown" {
		return nil
	}
	var b strings.Builder
	if len(list.Items) > 0 {
		b.WriteString("\n")
	}
	switch {
	case len(list.UpToDate) == 0:
		return nil
	case len(list.Items) == 0:
		b.WriteString("Every promotion is up to date: ")
	default:
		b.WriteString("Up to date: ")
	}
	b.WriteString(edges(list.UpToDate, format == "markdown"))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// PendingFormats are the formats WritePendingSummary accepts.
var PendingFormats = []string{"text", "markdown", "json"}

// WritePendingSummary writes one line per promotion of the list: its
// verdict and what it changes (ferry status --pending).
func WritePendingSummary(w io.Writer, format string, list *promote.PlanList) error {
	type row struct {
		From    string         `json:"from"`
		To      string         `json:"to"`
		Verdict promote.Status `json:"verdict"`
		Changes []string       `json:"changes,omitempty"`
		Reasons []string       `json:"reasons,omitempty"`
	}
	var rows []row
	for _, p := range list.Items {
		r := row{From: p.Source.Name, To: p.Target.Name, Verdict: p.Verdict.Status, Reasons: p.Verdict.Reasons}
		for _, c := range p.Changes {
			if c.Promotes() && c.To != nil {
				from := "-"
				if c.From != nil {
					from = c.From.String()
				}
				r.Changes = append(r.Changes, fmt.Sprintf("%s %s -> %s", c.Artifact, from, c.To))
			}
		}
		rows = append(rows, r)
	}
	for _, e := range list.UpToDate {
		rows = append(rows, row{From: e.From, To: e.To, Verdict: promote.StatusNoop})
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Promotions []row `json:"promotions"`
		}{rows})
	case "markdown":
		var b strings.Builder
		b.WriteString("| promotion | verdict | changes |\n|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| `%s` → `%s` | %s | %s |\n", r.From, r.To, r.Verdict, mdEscape(strings.Join(r.Changes, "; ")))
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "text":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PROMOTION\tVERDICT\tCHANGES")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s -> %s\t%s\t%s\n", r.From, r.To, r.Verdict, strings.Join(r.Changes, ", "))
		}
		return tw.Flush()
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(PendingFormats, ", "))
}

func edges(es []promote.Edge, markdown bool) string {
	parts := make([]string, len(es))
	for i, e := range es {
		if markdown {
			parts[i] = "`" + e.From + "` → `" + e.To + "`"
		} else {
			parts[i] = e.From + " -> " + e.To
		}
	}
	return strings.Join(parts, ", ")
}
