package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
)

// MarkdownLimit is the largest Markdown plan WritePlan writes: GitHub's
// limit for a pull-request comment.
const MarkdownLimit = 65536

// PlanFormats are the formats WritePlan accepts.
var PlanFormats = []string{"text", "markdown", "json", "sarif"}

// WritePlan writes a promotion plan as text for terminals, Markdown for
// pull-request comments (kept under MarkdownLimit, the diff truncated with a
// note when needed), JSON (the plan's own versioned schema) or SARIF 2.1.0
// (its findings, each with the baselineState of its baseline class: new,
// unchanged for existing, absent for fixed).
func WritePlan(w io.Writer, format string, p *promote.Plan) error {
	switch format {
	case "sarif":
		return Write(w, "sarif", Report{Tool: "ferry plan", Findings: p.Findings})
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(p)
	case "text":
		_, err := io.WriteString(w, planText(p))
		return err
	case "markdown":
		_, err := io.WriteString(w, planMarkdown(p, MarkdownLimit))
		return err
	}
	return fmt.Errorf("unknown plan format %q: use one of %s", format, strings.Join(PlanFormats, ", "))
}

// WritePlans writes the plans of one request made for several targets as
// one document: a single plan as WritePlan does; several as a
// promote.PlanList in JSON, one after the other in text and Markdown (the
// Markdown limit shared between them), and their findings in one SARIF run.
func WritePlans(w io.Writer, format string, plans []*promote.Plan) error {
	if len(plans) == 1 {
		return WritePlan(w, format, plans[0])
	}
	switch format {
	case "sarif":
		var all []finding.Finding
		for _, p := range plans {
			all = append(all, p.Findings...)
		}
		return Write(w, "sarif", Report{Tool: "ferry plan", Findings: all})
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(promote.NewPlanList(plans))
	case "text", "markdown":
		var b strings.Builder
		for i, p := range plans {
			if i > 0 {
				b.WriteString("\n")
			}
			if format == "text" {
				b.WriteString(planText(p))
			} else {
				b.WriteString(planMarkdown(p, (MarkdownLimit-len(plans))/len(plans))) // the separators fit too
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	return fmt.Errorf("unknown plan format %q: use one of %s", format, strings.Join(PlanFormats, ", "))
}

func promoting(p *promote.Plan) []promote.Change {
	var out []promote.Change
	for _, c := range p.Changes {
		if c.Promotes() || c.Relation == promote.RelationAmbiguous || c.Relation == promote.RelationOnlyInSource {
			out = append(out, c)
		}
	}
	return out
}

func versionOf(v *promote.Version) string {
	if v == nil {
		return "—"
	}
	return v.String()
}

func relationOf(c promote.Change) string {
	if c.Bump != "" {
		return string(c.Relation) + " (" + string(c.Bump) + ")"
	}
	return string(c.Relation)
}

func planText(p *promote.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Promotion %s (%s) -> %s (%s): %s\n", p.Source.Name, p.Source.Path, p.Target.Name, p.Target.Path, strings.ToUpper(string(p.Verdict.Status)))
	if p.Rollback {
		b.WriteString("Marked as a rollback: downgrades are allowed.\n")
	}
	for _, r := range p.Verdict.Reasons {
		fmt.Fprintf(&b, "  - %s\n", r)
	}
	if cs := promoting(p); len(cs) > 0 {
		b.WriteString("\nChanges:\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for _, c := range cs {
			fmt.Fprintf(tw, "  %s\t%s\t%s -> %s\t%s\n", c.Kind, c.Artifact, versionOf(c.From), versionOf(c.To), relationOf(c))
		}
		_ = tw.Flush()
		for _, c := range cs {
			for _, w := range c.Warnings {
				fmt.Fprintf(&b, "  warning: %s\n", w)
			}
		}
	}
	if len(p.Files) > 0 {
		b.WriteString("\nEdits:\n")
		for _, f := range p.Files {
			for _, e := range f.Edits {
				fmt.Fprintf(&b, "  %s:%d %s %s", f.Path, e.Line, e.Op, strings.Join(e.Keys, "."))
				if e.Op == promote.OpSet || e.Op == promote.OpSetLine {
					fmt.Fprintf(&b, ": %s -> %s", e.Old, e.New)
				}
				fmt.Fprintf(&b, "\n    %s\n", e.Reason)
			}
		}
	}
	if p.Diff != "" {
		b.WriteString("\n" + p.Diff)
	}
	if left := leftAlone(p); len(left) > 0 {
		b.WriteString("\nLeft alone (only-in-target: no workload of the source runs them; --all-uses promotes them):\n")
		for _, l := range left {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	current, fixed := splitFixed(p.Findings)
	if len(current) > 0 {
		fmt.Fprintf(&b, "\nChecks on the target after the edits (blocking on %s):\n", blockingClasses(p))
		for _, f := range current {
			fmt.Fprintf(&b, "  %s: %s\n", baselineOf(f), f)
		}
	}
	if len(fixed) > 0 {
		b.WriteString("\nFixed by the promotion (found before the edits, not after):\n")
		for _, f := range fixed {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	return b.String()
}

// leftAlone describes the target's uses the plan leaves alone.
func leftAlone(p *promote.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		for _, u := range c.OnlyInTarget {
			out = append(out, fmt.Sprintf("%s %s at %s in %s", c.Kind, c.Artifact, u.Version, u.Object))
		}
	}
	return out
}

// splitFixed separates the findings the plan's edits fix from the rest.
func splitFixed(fs []finding.Finding) (current, fixed []finding.Finding) {
	for _, f := range fs {
		if f.Baseline == finding.BaselineFixed {
			fixed = append(fixed, f)
		} else {
			current = append(current, f)
		}
	}
	return current, fixed
}

func baselineOf(f finding.Finding) finding.Baseline {
	if f.Baseline == "" {
		return finding.BaselineNew
	}
	return f.Baseline
}

// blockingClasses says which findings block the plan: "new" or "new and
// existing" errors.
func blockingClasses(p *promote.Plan) string {
	if len(p.BlockOn) == 0 {
		return "new errors"
	}
	names := make([]string, len(p.BlockOn))
	for i, b := range p.BlockOn {
		names[i] = string(b)
	}
	return strings.Join(names, " and ") + " errors"
}

func planMarkdown(p *promote.Plan, limit int) string {
	var head, tail strings.Builder
	icon := map[promote.Status]string{promote.StatusReady: "✅", promote.StatusBlocked: "⛔", promote.StatusNoop: "➖"}[p.Verdict.Status]
	fmt.Fprintf(&head, "## %s Promotion `%s` → `%s`: **%s**\n\n", icon, p.Source.Name, p.Target.Name, p.Verdict.Status)
	if p.Rollback {
		head.WriteString("Marked as a **rollback**: downgrades are allowed.\n\n")
	}
	for _, r := range p.Verdict.Reasons {
		fmt.Fprintf(&head, "- %s\n", mdEscape(r))
	}
	if len(p.Verdict.Reasons) > 0 {
		head.WriteString("\n")
	}
	if cs := promoting(p); len(cs) > 0 {
		head.WriteString("| kind | artifact | from | to | change |\n|---|---|---|---|---|\n")
		for _, c := range cs {
			fmt.Fprintf(&head, "| %s | `%s` | `%s` | `%s` | %s |\n", c.Kind, c.Artifact, versionOf(c.From), versionOf(c.To), relationOf(c))
		}
		head.WriteString("\n")
		for _, c := range cs {
			for _, w := range c.Warnings {
				fmt.Fprintf(&head, "> **Warning:** %s\n\n", mdEscape(w))
			}
		}
	}
	if left := leftAlone(p); len(left) > 0 {
		head.WriteString("Left alone (**only-in-target**: no workload of the source runs them; `--all-uses` promotes them):\n\n")
		for _, l := range left {
			fmt.Fprintf(&head, "- %s\n", mdEscape(l))
		}
		head.WriteString("\n")
	}
	current, fixed := splitFixed(p.Findings)
	if len(current) > 0 {
		c := finding.Count(current)
		news := 0
		for _, f := range current {
			if baselineOf(f) == finding.BaselineNew {
				news++
			}
		}
		fmt.Fprintf(&tail, "\n<details><summary>Checks on %s after the edits: %d errors, %d warnings, %d waived; %d new, %d existing (blocking on %s)</summary>\n\n",
			p.Target.Name, c.Errors, c.Warnings, c.Waived, news, len(current)-news, blockingClasses(p))
		for _, f := range current {
			fmt.Fprintf(&tail, "- **%s** %s\n", baselineOf(f), mdEscape(f.String()))
		}
		tail.WriteString("\n</details>\n")
	}
	if len(fixed) > 0 {
		fmt.Fprintf(&tail, "\n<details><summary>Fixed by the promotion: %d</summary>\n\n", len(fixed))
		for _, f := range fixed {
			fmt.Fprintf(&tail, "- %s\n", mdEscape(f.String()))
		}
		tail.WriteString("\n</details>\n")
	}
	diff := p.Diff
	if diff == "" {
		return head.String() + tail.String()
	}
	const open, closing = "<details open><summary>Edits</summary>\n\n```diff\n", "```\n\n</details>\n"
	note := "\n… the diff is truncated to fit a comment; run `ferry plan -o text` for all of it.\n"
	room := limit - head.Len() - tail.Len() - len(open) - len(closing)
	if len(diff) > room {
		cut := room - len(note)
		if cut < 0 {
			cut = 0
		}
		if i := strings.LastIndex(diff[:cut], "\n"); i >= 0 {
			cut = i + 1
		}
		diff = diff[:cut] + note
	}
	out := head.String() + open + diff + closing + tail.String()
	if len(out) > limit {
		out = out[:limit-len(note)] + note
	}
	return out
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(s)
}

// StatusFormats are the formats WriteStatus accepts.
var StatusFormats = []string{"text", "markdown", "json"}

// WriteStatus writes a version matrix; a cell marked * pins another version
// than the environment it is promoted from.
func WriteStatus(w io.Writer, format string, m *promote.Matrix) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	case "text", "markdown":
	default:
		return fmt.Errorf("unknown status format %q: use one of %s", format, strings.Join(StatusFormats, ", "))
	}
	cell := func(c promote.Cell) string {
		v := c.Version
		if v == "" {
			v = "—"
		}
		if c.Behind {
			v += " *"
		}
		return v
	}
	if format == "markdown" {
		var b strings.Builder
		b.WriteString("| artifact |")
		for _, e := range m.Environments {
			b.WriteString(" " + e.Name + " |")
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(m.Environments)) + "\n")
		for _, r := range m.Rows {
			fmt.Fprintf(&b, "| `%s` |", r.Artifact)
			for _, c := range r.Cells {
				b.WriteString(" " + cell(c) + " |")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n\\* differs from the environment it is promoted from.\n")
		for _, f := range m.Unknown {
			if f.Waiver == nil {
				fmt.Fprintf(&b, "\n:warning: %s\n", mdEscape(f.Message))
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "KIND\tARTIFACT")
	for _, e := range m.Environments {
		fmt.Fprint(tw, "\t"+strings.ToUpper(e.Name))
	}
	fmt.Fprintln(tw)
	for _, r := range m.Rows {
		fmt.Fprintf(tw, "%s\t%s", r.Kind, r.Artifact)
		for _, c := range r.Cells {
			fmt.Fprint(tw, "\t"+cell(c))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w, "* differs from the environment it is promoted from"); err != nil {
		return err
	}
	for _, f := range m.Unknown {
		if f.Waiver != nil {
			continue
		}
		at := ""
		if f.Source.File != "" {
			at = f.Source.String() + ": "
		}
		if _, err := fmt.Fprintf(w, "%sunknown [%s] %s\n", at, f.Rule, f.Message); err != nil {
			return err
		}
	}
	return nil
}
