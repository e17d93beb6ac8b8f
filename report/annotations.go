package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// writeGitHub writes GitHub Actions workflow commands
// (::error file=…,line=…,title=…::message), which annotate the line in the
// pull request, then the summary as a notice. Waived findings are notices.
func writeGitHub(w io.Writer, r Report) error {
	return writeGitHubSummary(w, r, Summary(r))
}

// writeGitHubSummary is writeGitHub with the summary given.
func writeGitHubSummary(w io.Writer, r Report, summary string) error {
	var b strings.Builder
	for _, f := range r.Findings {
		cmd := "notice"
		switch {
		case f.Waiver != nil:
		case f.Severity == finding.SeverityError:
			cmd = "error"
		case f.Severity == finding.SeverityWarning:
			cmd = "warning"
		}
		var props []string
		if f.Source.File != "" {
			props = append(props, "file="+ghProperty(f.Source.File))
			if f.Source.Line > 0 {
				props = append(props, "line="+strconv.Itoa(f.Source.Line))
			}
		}
		props = append(props, "title="+ghProperty(f.Rule))
		msg := f.Message
		if f.Object.Kind != "" {
			msg = f.Object.String() + ": " + msg
		}
		if f.Waiver != nil {
			msg = "waived (" + f.Waiver.Reason + "): " + msg
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(msg))
	}
	fmt.Fprintf(&b, "::notice title=%s::%s\n", ghProperty(toolName(r)), ghData(summary))
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// writeAzureDevOps writes Azure Pipelines logging commands
// (##vso[task.logissue type=error;sourcepath=…;linenumber=…;code=…]message).
// Azure has no notice level: waived findings and infos are plain log lines.
func writeAzureDevOps(w io.Writer, r Report) error {
	return writeAzureDevOpsSummary(w, r, Summary(r))
}

// writeAzureDevOpsSummary is writeAzureDevOps with the summary given.
func writeAzureDevOpsSummary(w io.Writer, r Report, summary string) error {
	var b strings.Builder
	for _, f := range r.Findings {
		msg := f.Message
		if f.Object.Kind != "" {
			msg = f.Object.String() + ": " + msg
		}
		typ := ""
		switch {
		case f.Waiver != nil:
			msg = "waived (" + f.Waiver.Reason + "): " + msg
		case f.Severity == finding.SeverityError:
			typ = "error"
		case f.Severity == finding.SeverityWarning:
			typ = "warning"
		}
		if typ == "" {
			line := f
			line.Object, line.Message = manifest.ID{}, msg
			fmt.Fprintf(&b, "%s\n", oneLine(locatedMessage(line)))
			continue
		}
		props := []string{"type=" + typ}
		if f.Source.File != "" {
			props = append(props, "sourcepath="+azEscape(f.Source.File))
			if f.Source.Line > 0 {
				props = append(props, "linenumber="+strconv.Itoa(f.Source.Line))
			}
		}
		props = append(props, "code="+azEscape(f.Rule))
		fmt.Fprintf(&b, "##vso[task.logissue %s]%s\n", strings.Join(props, ";"), azEscape(msg))
	}
	fmt.Fprintf(&b, "%s\n", summary)
	_, err := io.WriteString(w, b.String())
	return err
}

// azEscape escapes a logging command's property or message.
func azEscape(s string) string {
	return strings.NewReplacer("%", "%AZP25", ";", "%3B", "\r", "%0D", "\n", "%0A", "]", "%5D").Replace(s)
}

func toolName(r Report) string {
	if r.Tool == "" {
		return "ferry"
	}
	return r.Tool
}
