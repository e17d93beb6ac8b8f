package report

import (
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/policy"
)

// DocsURL is where ferry's documentation is published: rules link to their
// section of docs/policies.md (the built-in policy rules) or docs/rules.md
// (the checks of validation, rendering and planning).
const DocsURL = "https://github.com/ferrygitops/ferry/blob/main/docs/"

// ruleDoc is what reports say about a rule: a title, a description and a
// link to its documentation.
type ruleDoc struct {
	title, description, uri string
}

// checkRules documents the rules of ferry's checks that are not Rego
// policies, as docs/rules.md does.
var checkRules = map[string]ruleDoc{
	"schema":                {title: "Objects match the schema of their kind", description: "The object is checked against the JSON schema of its apiVersion and kind for the target Kubernetes version, as kubeconform -strict checks it: types, required fields, enums, formats and unknown fields."},
	"missing-schema":        {title: "Every kind has a schema", description: "No schema is known for the object's apiVersion and kind: give its CustomResourceDefinition with --crd, a --schema-location, or skip the kind."},
	"removed-api":           {title: "No removed apiVersions", description: "The object's apiVersion is no longer served by the target Kubernetes version (or by the embedded release of its toolchain); the message names the version to use."},
	"deprecated-api":        {title: "No deprecated apiVersions", description: "The object's apiVersion is deprecated in the target Kubernetes version or by its CustomResourceDefinition; the message names the replacement."},
	"invalid-name":          {title: "Object names are valid", description: "The object's name or namespace is not one the API server accepts."},
	"invalid-label":         {title: "Labels are valid", description: "A label key or value is not one the API server accepts."},
	"invalid-annotation":    {title: "Annotations are valid", description: "An annotation key is not one the API server accepts."},
	"annotations-too-large": {title: "Annotations fit", description: "The object's annotations exceed the 256 KiB the API server accepts."},
	"duplicate-object":      {title: "Objects are defined once", description: "Two objects with the same group, kind, namespace and name are applied to one cluster."},
	"invalid-crd":           {title: "CustomResourceDefinitions are usable", description: "The schema of a CustomResourceDefinition cannot be compiled, so its custom resources cannot be checked."},
	"rejected-kind":         {title: "No rejected kinds", description: "The object's kind is one that --reject lists."},
	"invalid-yaml":          {title: "Input is valid YAML", description: "A document of the input does not parse as YAML or JSON."},
	"duplicate-key":         {title: "No duplicate keys", description: "A mapping gives the same key twice, which kubeconform -strict rejects."},
	"not-an-object":         {title: "Documents are Kubernetes objects", description: "A document has no apiVersion, kind or metadata."},
	"render-error":          {title: "Environments render", description: "The directory cannot be rendered as kustomize build (or Flux) would render it."},
	"kustomize-deprecated":  {title: "No deprecated kustomization fields", description: "The kustomization uses a field kustomize deprecates; the message names the replacement."},
	"unrendered-source":     {title: "Every Flux source is rendered", description: "A Flux Kustomization's source is not mapped to a directory of the repository, so what it applies is unknown: map it in ferry.yaml sources or with --source."},
	"ambiguous":             {title: "One version per promoted artifact", description: "The source pins one artifact at several versions for the workloads being promoted: promote one workload at a time with --object."},
	"range":                 {title: "Ranges are promoted on purpose", description: "A chart version or source ref that is a range changed: promote ranges with --ranges."},
	"edit":                  {title: "Every change can be edited", description: "ferry cannot write an edit the promotion needs in the target's files."},
	"shared-edit":           {title: "Edits stay in the target", description: "An edit lands in a file other environments share."},
	"promotion-incomplete":  {title: "The promotion lands", description: "After the edits, the target does not run the versions the plan promotes."},
	"progressive-delivery":  {title: "Canaried workloads stay canaried", description: "The environment requires progressive delivery (progressiveDelivery: required in ferry.yaml): a change to a workload the source or the target rolls out through a Flagger Canary or an Argo Rollout must roll out through one with analysis in the target."},
	"image-policy":          {title: "Image policies allow a tag", description: "A Flux ImagePolicy (or a ferry.yaml image policy) allows none of the registry's tags, so the image keeps its version: check the range, the filter and the repository's tags."},
	"waiver":                {title: "Waivers are well-formed", description: "A ferry.dev/waive annotation cannot be read, or has expired."},
}

// docOf documents a rule: a built-in policy rule from its METADATA, a check
// of ferry's from checkRules, a rule of the user's policies from the title
// and description its findings carry, if any.
func docOf(f finding.Finding) ruleDoc {
	if d, ok := checkRules[f.Rule]; ok {
		d.uri = DocsURL + "rules.md#" + f.Rule
		return d
	}
	for _, r := range policy.Builtins() {
		if r.ID == f.Rule {
			return ruleDoc{title: r.Title, description: strings.Join(strings.Fields(r.Description), " "), uri: DocsURL + "policies.md#" + r.ID}
		}
	}
	d := ruleDoc{title: f.Rule}
	if s, ok := f.Metadata["title"].(string); ok && s != "" {
		d.title = s
	}
	if s, ok := f.Metadata["description"].(string); ok && s != "" {
		d.description = s
	}
	return d
}
