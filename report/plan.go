package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
)

// MarkdownLimit is the largest Markdown plan WritePlan writes, in bytes:
// GitHub's limit for a pull-request comment or body (65,536 characters),
// less room for what a CI step adds to it (a hidden marker, a heading).
const MarkdownLimit = 65536 - 512

// PlanFormats are the formats WritePlan accepts.
var PlanFormats = []string{"text", "markdown", "json", "sarif", "github", "azuredevops", "junit"}

// WritePlan writes a promotion plan as text for terminals, Markdown for
// pull-request comments (at most MarkdownLimit bytes, see WritePlans), JSON
// (the plan's own versioned schema, which ferry apply reads), SARIF 2.1.0
// (its findings, each with the baselineState of its baseline class: new,
// unchanged for existing, absent for fixed), GitHub or Azure DevOps
// annotations (the findings after the edits, then the verdict), or JUnit
// (one case for the verdict, one per check per object with findings).
func WritePlan(w io.Writer, format string, p *promote.Plan) error {
	return WritePlans(w, format, []*promote.Plan{p})
}

// WritePlanMarkdown writes the Markdown plan in at most limit bytes, as
// WritePlans fits MarkdownLimit: for a comment or pull request body that
// carries something else too.
func WritePlanMarkdown(w io.Writer, p *promote.Plan, limit int) error {
	_, err := io.WriteString(w, planMarkdown(p, limit))
	return err
}

// WritePlans writes the plans of one request made for several targets as
// one document: a single plan as WritePlan does; several as a
// promote.PlanList in JSON, one after the other in text and Markdown (the
// Markdown limit shared between them), and their findings in one SARIF run,
// one list of annotations or one JUnit suite.
//
// A Markdown plan is written for a pull-request comment: the verdict, the
// errors that block, the changes and the checks come first; the diff and
// long tables are folded in <details>. What does not fit MarkdownLimit is
// cut at a whole line (never inside a table row or a code block) or left
// out, the diff first, and a closing note says what was left out and how to
// see the whole plan.
func WritePlans(w io.Writer, format string, plans []*promote.Plan) error {
	var b strings.Builder
	switch format {
	case "json":
		var doc any = promote.NewPlanList(plans)
		if len(plans) == 1 {
			doc = plans[0]
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	case "sarif":
		return Write(w, "sarif", planReport(plans, true))
	case "github", "azuredevops":
		r := planReport(plans, false)
		for i, f := range r.Findings {
			if f.Baseline != "" {
				r.Findings[i].Message = string(f.Baseline) + ": " + f.Message
			}
		}
		finding.Sort(r.Findings)
		if format == "github" {
			return writeGitHubSummary(w, r, planSummary(plans))
		}
		return writeAzureDevOpsSummary(w, r, planSummary(plans))
	case "junit":
		var verdicts []junitCase
		for _, p := range plans {
			c := junitCase{Name: "promotion/" + p.Source.Name + "->" + p.Target.Name, Classname: "promotion", File: p.Target.Path}
			if p.Verdict.Status == promote.StatusBlocked {
				c.Failure = &junitFailure{Message: "blocked", Type: "promotion", Text: strings.Join(p.Verdict.Reasons, "\n")}
			} else {
				c.SystemOut = string(p.Verdict.Status)
			}
			verdicts = append(verdicts, c)
		}
		r := planReport(plans, false)
		finding.Sort(r.Findings)
		return writeJUnitCases(w, "ferry plan", r, verdicts)
	case "text", "markdown":
		for i, p := range plans {
			if i > 0 {
				b.WriteString("\n")
			}
			if format == "text" {
				b.WriteString(planText(p))
			} else {
				b.WriteString(planMarkdown(p, (MarkdownLimit-len(plans)+1)/len(plans))) // the separators fit too
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	return fmt.Errorf("unknown plan format %q: use one of %s", format, strings.Join(PlanFormats, ", "))
}

// planReport is the report of the plans' findings: with withFixed, also
// those the edits fix (SARIF marks them absent); else only those found
// after the edits, which annotations and test cases are about.
func planReport(plans []*promote.Plan, withFixed bool) Report {
	r := Report{Tool: "ferry plan"}
	for _, p := range plans {
		for _, f := range p.Findings {
			if withFixed || f.Baseline != finding.BaselineFixed {
				r.Findings = append(r.Findings, f)
			}
		}
	}
	if len(plans) == 1 {
		r.Input = plans[0].Target.Path
	}
	return r
}

// planSummary is the verdict of each plan on one line.
func planSummary(plans []*promote.Plan) string {
	parts := make([]string, len(plans))
	for i, p := range plans {
		parts[i] = fmt.Sprintf("promotion %s -> %s: %s", p.Source.Name, p.Target.Name, p.Verdict.Status)
		if len(p.Verdict.Reasons) > 0 {
			parts[i] += " (" + strings.Join(p.Verdict.Reasons, "; ") + ")"
		}
	}
	return strings.Join(parts, "; ")
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
	fmt.Fprintf(&b, "%s %s -> %s: %s\n", planKind(p), envText(p.Source), envText(p.Target), strings.ToUpper(string(p.Verdict.Status)))
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
		for _, c := range cs {
			for _, d := range c.Deliveries {
				fmt.Fprintf(&b, "  rollout: %s\n", deliveryText(c, d))
			}
		}
	}
	if len(p.Files) > 0 {
		b.WriteString("\nEdits:\n")
		for _, f := range p.Files {
			for _, e := range f.Edits {
				if e.Op == promote.OpCreate {
					fmt.Fprintf(&b, "  %s create (%d %s)\n    %s\n", f.Path, strings.Count(e.New, "\n"), plural(strings.Count(e.New, "\n"), "line", "lines"), e.Reason)
					continue
				}
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

// mdSection is one part of a Markdown plan: an opening (a heading, a table
// header, <details> and a code fence), complete lines, and a closing that
// ends what the opening began. A section that does not fit whole keeps as
// many lines as fit, so that no table row or code block is ever cut.
type mdSection struct {
	// what names the lines for the note on what was left out: "changes",
	// "lines of the diff".
	what        string
	open, close string
	lines       []string
	// required sections are written even when they do not fit (the
	// verdict); the others are cut or left out.
	required bool
	// keepEmpty sections keep their opening and closing (a summary) when
	// none of their lines fit.
	keepEmpty bool
	// priority orders the sections for the room there is: 0 first.
	priority int
}

// size is the length of s whole.
func (s mdSection) size() int {
	n := len(s.open) + len(s.close)
	for _, l := range s.lines {
		n += len(l)
	}
	return n
}

// least is the length of the least of s that is written: all of a required
// section, the opening and closing of one that keeps them (a summary line),
// nothing of the others.
func (s mdSection) least() int {
	switch {
	case s.required:
		return s.size()
	case s.keepEmpty:
		return len(s.open) + len(s.close)
	}
	return 0
}

// render writes s within budget bytes: whole, or its opening, the lines
// that fit and its closing; "" when not even one line fits, unless s keeps
// its opening and closing. It returns the number of lines left out.
func (s mdSection) render(budget int) (string, int) {
	if s.size() <= budget || s.required {
		return s.open + strings.Join(s.lines, "") + s.close, 0
	}
	room := budget - len(s.open) - len(s.close)
	n := 0
	for n < len(s.lines) && len(s.lines[n]) <= room {
		room -= len(s.lines[n])
		n++
	}
	if n == 0 && (!s.keepEmpty || room < 0) {
		return "", len(s.lines)
	}
	return s.open + strings.Join(s.lines[:n], "") + s.close, len(s.lines) - n
}

// mdLongTable is the number of rows past which a table goes in <details>.
const mdLongTable = 20

// planMarkdown writes a plan for a pull-request comment, in at most limit
// bytes: the verdict and its reasons, the errors that block, the changes,
// the diff and the other checks, the long parts folded in <details>. What
// does not fit is cut at a whole line (a table row, a line of the diff) or
// left out, in reverse order of importance, and a closing note says what
// was left out and how to see all of it.
func planMarkdown(p *promote.Plan, limit int) string {
	var sections []mdSection
	var head strings.Builder
	icon := map[promote.Status]string{promote.StatusReady: "✅", promote.StatusBlocked: "⛔", promote.StatusNoop: "➖"}[p.Verdict.Status]
	fmt.Fprintf(&head, "## %s %s `%s` → `%s`: **%s**\n\n", icon, planKind(p), p.Source.Name, p.Target.Name, p.Verdict.Status)
	if p.Rollback {
		head.WriteString("Marked as a **rollback**: downgrades are allowed.\n\n")
	}
	for _, r := range p.Verdict.Reasons {
		fmt.Fprintf(&head, "- %s\n", mdEscape(oneLine(r)))
	}
	if len(p.Verdict.Reasons) > 0 {
		head.WriteString("\n")
	}
	sections = append(sections, mdSection{open: head.String(), required: true, priority: 0})

	current, fixed := splitFixed(p.Findings)
	var blocking, other []finding.Finding
	for _, f := range current {
		if blocks(p, f) {
			blocking = append(blocking, f)
		} else {
			other = append(other, f)
		}
	}
	if len(blocking) > 0 {
		sec := mdSection{what: "blocking errors", open: fmt.Sprintf("**%d blocking %s:**\n\n", len(blocking), plural(len(blocking), "error", "errors")), close: "\n", priority: 1}
		for _, f := range blocking {
			sec.lines = append(sec.lines, fmt.Sprintf("- **%s** %s\n", baselineOf(f), mdEscape(oneLine(f.String()))))
		}
		sections = append(sections, sec)
	}
	if cs := promoting(p); len(cs) > 0 {
		sec := mdSection{what: "changes", open: "| kind | artifact | from | to | change |\n|---|---|---|---|---|\n", close: "\n", priority: 2}
		if len(cs) > mdLongTable {
			sec.open = fmt.Sprintf("<details><summary>%d changes</summary>\n\n", len(cs)) + sec.open
			sec.close = "\n</details>\n\n"
			sec.keepEmpty = true
		}
		for _, c := range cs {
			sec.lines = append(sec.lines, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", c.Kind, mdCode(c.Artifact), mdCode(versionOf(c.From)), mdCode(versionOf(c.To)), mdEscape(relationOf(c))))
		}
		sections = append(sections, sec)
		warn := mdSection{what: "warnings", priority: 3}
		for _, c := range cs {
			for _, w := range c.Warnings {
				warn.lines = append(warn.lines, fmt.Sprintf("> **Warning:** %s\n\n", mdEscape(oneLine(w))))
			}
		}
		if len(warn.lines) > 0 {
			sections = append(sections, warn)
		}
		rollout := mdSection{what: "rollouts", open: "How the changes roll out:\n\n", close: "\n", priority: 3}
		for _, c := range cs {
			for _, d := range c.Deliveries {
				rollout.lines = append(rollout.lines, "- "+mdEscape(deliveryText(c, d))+"\n")
			}
		}
		if len(rollout.lines) > 0 {
			sections = append(sections, rollout)
		}
	}
	if left := leftAlone(p); len(left) > 0 {
		sec := mdSection{what: "only-in-target uses", open: "Left alone (**only-in-target**: no workload of the source runs them; `--all-uses` promotes them):\n\n", close: "\n", priority: 6}
		for _, l := range left {
			sec.lines = append(sec.lines, "- "+mdEscape(l)+"\n")
		}
		sections = append(sections, sec)
	}
	if p.Diff != "" {
		fence := mdFence(p.Diff)
		sec := mdSection{what: "lines of the diff", open: "<details><summary>Edits</summary>\n\n" + fence + "diff\n", close: fence + "\n\n</details>\n", priority: 7}
		sec.lines = diffLines(p.Diff)
		sections = append(sections, sec)
	}
	if len(current) > 0 {
		c := finding.Count(current)
		news := 0
		for _, f := range current {
			if baselineOf(f) == finding.BaselineNew {
				news++
			}
		}
		sec := mdSection{what: "other checks",
			open: fmt.Sprintf("\n<details><summary>Checks on %s after the edits: %d errors, %d warnings, %d waived; %d new, %d existing (blocking on %s)</summary>\n\n",
				p.Target.Name, c.Errors, c.Warnings, c.Waived, news, len(current)-news, blockingClasses(p)),
			close: "\n</details>\n", keepEmpty: true, priority: 4}
		if len(other) == 0 {
			sec.open = strings.TrimSuffix(sec.open, "\n\n") + "\n\nAll listed above as blocking.\n"
		}
		for _, f := range other {
			sec.lines = append(sec.lines, fmt.Sprintf("- **%s** %s\n", baselineOf(f), mdEscape(oneLine(f.String()))))
		}
		sections = append(sections, sec)
	}
	if len(fixed) > 0 {
		sec := mdSection{what: "fixed findings", open: fmt.Sprintf("\n<details><summary>Fixed by the promotion: %d</summary>\n\n", len(fixed)), close: "\n</details>\n", keepEmpty: true, priority: 5}
		for _, f := range fixed {
			sec.lines = append(sec.lines, "- "+mdEscape(oneLine(f.String()))+"\n")
		}
		sections = append(sections, sec)
	}

	// The note on what was left out needs room of its own: reserve it.
	hint := fmt.Sprintf("run `ferry plan --from %s --to %s -o text` for the whole plan, or keep its JSON (`--out plan.json`) as a build artifact", p.Source.Path, p.Target.Path)
	reserve := 300 + len(hint)
	// Each section in turn of priority gets the room the sections before
	// it left, less the least the sections after it need.
	byPriority := slices.Clone(sections)
	slices.SortStableFunc(byPriority, func(x, y mdSection) int { return x.priority - y.priority })
	room := limit - reserve
	rendered := map[int]string{}
	var left []string
	for i, sec := range byPriority {
		after := 0
		for _, later := range byPriority[i+1:] {
			after += later.least()
		}
		out, n := sec.render(room - after)
		rendered[sec.priority] = out
		room -= len(out)
		if n > 0 {
			if n == len(sec.lines) {
				left = append(left, "all "+sec.what)
			} else {
				left = append(left, fmt.Sprintf("%d of %d %s", n, len(sec.lines), sec.what))
			}
		}
	}
	var b strings.Builder
	for _, sec := range sections {
		b.WriteString(rendered[sec.priority])
	}
	if len(left) > 0 {
		note := fmt.Sprintf("\n> **Left out to fit a comment:** %s; %s.\n", mdEscape(strings.Join(left, ", ")), hint)
		if b.Len()+len(note) <= limit {
			b.WriteString(note)
		}
	}
	return b.String()
}

// blocks reports whether f blocks the plan: an unwaived error of a baseline
// class the plan blocks on (new errors always do).
func blocks(p *promote.Plan, f finding.Finding) bool {
	if f.Waiver != nil || f.Severity != finding.SeverityError {
		return false
	}
	b := baselineOf(f)
	return b == finding.BaselineNew || slices.Contains(p.BlockOn, b)
}

// diffLines splits a diff after each newline, ending the last line with
// one.
func diffLines(d string) []string {
	lines := strings.SplitAfter(d, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if l := lines[len(lines)-1]; !strings.HasSuffix(l, "\n") {
		lines[len(lines)-1] = l + "\n"
	}
	return lines
}

// mdFence is a code fence longer than any run of backticks in text, so
// that no line of it closes the block.
func mdFence(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdCode is s as inline code, in a table cell: pipes escaped.
func mdCode(s string) string {
	return "`" + strings.ReplaceAll(s, "|", "\\|") + "`"
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

// planKind names what the plan does: a promotion, or the creation of a new
// environment (ferry clone).
func planKind(p *promote.Plan) string {
	if len(p.Files) == 0 {
		return "Promotion"
	}
	for _, f := range p.Files {
		if len(f.Edits) != 1 || f.Edits[0].Op != promote.OpCreate {
			return "Promotion"
		}
	}
	return "New environment from"
}

// envText is an environment as the text plan names it: name (path), or
// the name alone for a source that is not a folder (the registry).
func envText(e promote.EnvironmentRef) string {
	if e.Path == "" || e.Path == e.Name {
		return e.Name
	}
	return e.Name + " (" + e.Path + ")"
}

// deliveryText says how a change rolls out to one workload.
func deliveryText(c promote.Change, d promote.Delivery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s/%s", shortArtifact(c.Artifact), d.Workload.Kind, d.Workload.Name)
	if d.By != d.Workload {
		fmt.Fprintf(&b, " through %s %s", d.By.Kind, d.By.Name)
	}
	fmt.Fprintf(&b, ": %s", d.Strategy)
	if len(d.Steps) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(d.Steps, ", "))
	}
	switch {
	case len(d.Metrics) > 0:
		fmt.Fprintf(&b, "; analysis: %s", strings.Join(d.Metrics, ", "))
	case !d.Analysis && d.Strategy != "helm":
		b.WriteString("; no analysis")
	}
	return b.String()
}

// shortArtifact is an artifact's last path segment.
func shortArtifact(name string) string {
	return name[strings.LastIndex(name, "/")+1:]
}
