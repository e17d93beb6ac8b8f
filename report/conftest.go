package report

import (
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/policy"
)

// conftestResult is one entry of conftest's JSON output: one namespace
// evaluated on one file.
type conftestResult struct {
	Filename   string            `json:"filename"`
	Namespace  string            `json:"namespace"`
	Successes  int               `json:"successes"`
	Warnings   []conftestMessage `json:"warnings,omitempty"`
	Failures   []conftestMessage `json:"failures,omitempty"`
	Exceptions []conftestMessage `json:"exceptions,omitempty"`
}

type conftestMessage struct {
	Msg      string         `json:"msg"`
	Loc      *conftestLoc   `json:"loc,omitempty"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

type conftestLoc struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// WriteConftestJSON writes policy results in the JSON shape of `conftest
// test -o json`: one entry per file and namespace, with the number of rules
// that passed, the failures, warnings and exceptions. Results of objects
// from the same file are merged, as conftest reports a file; combined input
// is reported as the file "Combined", as conftest does. ruleOf maps a
// finding's rule id to its package and rule name (policy.Engine.Rule).
func WriteConftestJSON(w io.Writer, results []policy.Result, ruleOf func(id string) (namespace, rule string)) error {
	type key struct{ file, namespace string }
	entries := map[key]*conftestResult{}
	var order []key
	get := func(file, ns string) *conftestResult {
		k := key{file, ns}
		if e, ok := entries[k]; ok {
			return e
		}
		e := &conftestResult{Filename: file, Namespace: ns}
		entries[k] = e
		order = append(order, k)
		return e
	}
	for _, r := range results {
		file := "Combined"
		if r.Object != nil {
			file = r.Object.Origin().File
		}
		for _, ns := range r.Namespaces {
			e := get(file, ns.Namespace)
			e.Successes += ns.Successes
			for _, x := range ns.Exceptions {
				e.Exceptions = append(e.Exceptions, conftestMessage{Msg: x})
			}
		}
		for _, f := range r.Findings {
			if f.Waiver != nil && strings.HasPrefix(f.Waiver.Reason, "exception rule") {
				continue // reported once per rule, as an exception, like conftest
			}
			ns, rule := ruleOf(f.Rule)
			e := get(file, ns)
			m := conftestMessage{Msg: f.Message, Metadata: metadataOf(f)}
			m.Metadata["query"] = "data." + ns + "." + rule
			if f.Source.File != "" && f.Source.File != file {
				m.Loc = &conftestLoc{File: f.Source.File, Line: f.Source.Line}
			}
			switch {
			case f.Waiver != nil:
				e.Exceptions = append(e.Exceptions, m)
			case f.Severity == finding.SeverityError:
				e.Failures = append(e.Failures, m)
			default:
				e.Warnings = append(e.Warnings, m)
			}
		}
	}
	slices.SortStableFunc(order, func(a, b key) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return strings.Compare(a.namespace, b.namespace)
	})
	out := make([]conftestResult, len(order))
	for i, k := range order {
		out[i] = *entries[k]
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "\t")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// metadataOf is a finding's metadata as conftest shows it: the keys the
// policy returned besides msg, plus ferry's field pointer and waiver.
func metadataOf(f finding.Finding) map[string]any {
	m := map[string]any{}
	for k, v := range f.Metadata {
		if k != "title" {
			m[k] = v
		}
	}
	if f.Waiver != nil {
		m["waiver"] = f.Waiver.Reason
	}
	return m
}
