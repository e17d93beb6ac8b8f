package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/buildinfo"
)

// SARIF 2.1.0, the subset GitHub code scanning and other consumers read.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolURI      = "https://github.com/ferrygitops/ferry"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string        `json:"id"`
	ShortDescription sarifMessage  `json:"shortDescription"`
	FullDescription  sarifMessage  `json:"fullDescription"`
	Help             sarifMarkdown `json:"help"`
	HelpURI          string        `json:"helpUri,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMarkdown struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	// BaselineState is set for findings compared with a baseline.
	BaselineState string `json:"baselineState,omitempty"`
}

// sarifBaselineState maps a baseline class to SARIF's baselineState
// (§3.27.24): new, unchanged or absent.
func sarifBaselineState(b finding.Baseline) string {
	switch b {
	case finding.BaselineNew:
		return "new"
	case finding.BaselineExisting:
		return "unchanged"
	case finding.BaselineFixed:
		return "absent"
	}
	return ""
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.SeverityError:
		return "error"
	case finding.SeverityWarning:
		return "warning"
	}
	return "note"
}

// fingerprintKey names ferry's partial fingerprint of a result.
const fingerprintKey = "ferryFinding/v1"

// fingerprint identifies a finding across runs, for code scanning to track
// an alert from one commit to the next: a hash of its rule, object, file and
// message. Lines, which unrelated edits shift, are left out.
func fingerprint(f finding.Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, f.Object.String(), f.Source.File, f.Message} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// sarifRuleOf is the reporting descriptor of a rule: its title, its
// description and a link to its documentation, as text and Markdown.
func sarifRuleOf(f finding.Finding) sarifRule {
	d := docOf(f)
	full := d.description
	if full == "" {
		full = d.title + "."
	}
	text, md := full, full
	if d.uri != "" {
		text += " See " + d.uri
		md += " See [the documentation of " + f.Rule + "](" + d.uri + ")."
	}
	return sarifRule{
		ID:               f.Rule,
		ShortDescription: sarifMessage{Text: d.title},
		FullDescription:  sarifMessage{Text: full},
		Help:             sarifMarkdown{Text: text, Markdown: md},
		HelpURI:          d.uri,
	}
}

// writeSARIF writes a SARIF 2.1.0 log with one run: the driver names ferry
// and its version, every rule seen gets a reporting descriptor with its
// documentation, every finding a result located at its source line, or
// (for findings without one, such as those of combined input) at the
// report's input, as GitHub code scanning refuses results without a
// location. Waived findings carry an in-source suppression with the
// waiver's reason; findings compared with a baseline carry its
// baselineState.
func writeSARIF(w io.Writer, r Report) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: toolName(r), Version: buildinfo.Version(), InformationURI: toolURI, Rules: []sarifRule{}}}, Results: []sarifResult{}}
	ruleIndex := map[string]int{}
	for _, f := range r.Findings {
		if _, ok := ruleIndex[f.Rule]; !ok {
			ruleIndex[f.Rule] = len(run.Tool.Driver.Rules)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(f))
		}
	}
	input := r.Input
	if input == "" {
		input = "."
	}
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           ruleIndex[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: locatedMessage(f)},
			BaselineState:       sarifBaselineState(f.Baseline),
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: input}}}
		if f.Source.File != "" {
			loc.PhysicalLocation.ArtifactLocation.URI = f.Source.File
			if f.Source.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Source.Line}
			}
		}
		res.Locations = []sarifLocation{loc}
		if f.Waiver != nil {
			res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.Waiver.Reason}}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}
