package policy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

//go:generate sh -c "go run ../cmd/ferry policy list --markdown > ../docs/policies.md"

// RulesMarkdown documents rules as Markdown: the text of docs/policies.md.
func RulesMarkdown(rules []Rule) string {
	var b strings.Builder
	b.WriteString("# Built-in policy rules\n\n")
	b.WriteString("<!-- Generated from the METADATA of policy/rules/*.rego by `ferry policy list --markdown`; do not edit. -->\n\n")
	b.WriteString("ferry runs these rules on every rendered object unless `--no-builtins` (or `Options.NoBuiltins`) is set.\n")
	b.WriteString("They read the environment's parameters from `data.ferry.params` (ferry.yaml's `policy:` section, or `--env`).\n")
	b.WriteString("Waive one on an object with the annotation `ferry.dev/waive: \"<rule>: <reason>; until YYYY-MM-DD\"`.\n\n")
	b.WriteString("The image rules check the containers of every workload kind and the images a Flux HelmRelease sets in `spec.values`:\n")
	b.WriteString("a map with `repository` and `tag` (and optional `registry`, `digest`), or an `image: repo:tag` string.\n")
	b.WriteString("An `image:` string with neither tag nor digest (and no `tag`, `imageTag` or `digest` key beside it) means latest, and no-latest-tag reports it;\n")
	b.WriteString("a map with a `repository` and no `tag` is left to the chart, since Helm keeps the chart's own tag (or its appVersion).\n")
	b.WriteString("A finding's field is the JSON pointer of the image, or of the tag in such a map; it points at that line of the file that sets it.\n\n")
	b.WriteString("| rule | severity | parameters | title |\n|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", r.ID, r.ID, r.Severity, paramNames(r), r.Title)
	}
	for _, r := range rules {
		fmt.Fprintf(&b, "\n## %s\n\n**%s.** %s\n\n", r.ID, r.Title, strings.ReplaceAll(r.Description, "\n", " "))
		fmt.Fprintf(&b, "- Severity: %s\n- Package: `%s`\n", r.Severity, r.Package)
		if len(r.Parameters) > 0 {
			keys := slices.Sorted(maps.Keys(r.Parameters))
			for _, k := range keys {
				v, _ := json.Marshal(r.Parameters[k])
				fmt.Fprintf(&b, "- Parameter `%s`, e.g. `%s`\n", k, v)
			}
		}
	}
	return b.String()
}

func paramNames(r Rule) string {
	if len(r.Parameters) == 0 {
		return "—"
	}
	keys := make([]string, 0, len(r.Parameters))
	for k := range r.Parameters {
		keys = append(keys, "`"+k+"`")
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
