package policy

import (
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/ferrygitops/ferry/finding"
)

// Rule describes a built-in rule.
type Rule struct {
	// ID names the rule in findings, waivers and Options.Builtins.
	ID string
	// Title and Description say what the rule requires.
	Title, Description string
	// Severity is the severity of its findings.
	Severity finding.Severity
	// Parameters are the environment parameters the rule reads, with an
	// example value.
	Parameters map[string]any
	// Package is the Rego package of the rule.
	Package string
	// Source is the rule's Rego source.
	Source string
}

// Builtins returns ferry's built-in rules, sorted by ID.
func Builtins() []Rule {
	return builtins()
}

var builtins = sync.OnceValue(func() []Rule {
	var rules []Rule
	entries, err := fs.ReadDir(builtinFS, "rules")
	if err != nil {
		panic("policy: embedded rules missing: " + err.Error()) // a build defect, caught by every test
	}
	for _, e := range entries {
		if e.IsDir() || !isPolicyFile(e.Name()) {
			continue
		}
		src, err := builtinFS.ReadFile("rules/" + e.Name())
		if err != nil {
			panic("policy: embedded rule unreadable: " + err.Error())
		}
		m, err := ast.ParseModuleWithOpts(e.Name(), string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			panic("policy: embedded rule invalid: " + err.Error())
		}
		r := Rule{ID: builtinID(e.Name()), Package: strings.TrimPrefix(m.Package.Path.String(), "data."), Source: string(src)}
		for _, a := range m.Annotations {
			if a.Scope != "package" {
				continue
			}
			r.Title, r.Description = a.Title, strings.TrimSpace(a.Description)
			if id, ok := a.Custom["id"].(string); ok {
				r.ID = id
			}
			if s, ok := a.Custom["severity"].(string); ok {
				r.Severity, _ = finding.ParseSeverity(s)
			}
			if p, ok := a.Custom["parameters"].(map[string]any); ok {
				r.Parameters = p
			}
		}
		rules = append(rules, r)
	}
	slices.SortFunc(rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return rules
})
