package render

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/manifest"
)

// varName is what kustomize-controller accepts as a variable name.
var varName = regexp.MustCompile(`^[_[:alpha:]][_[:alpha:][:digit:]]*$`)

// varRef finds the variables a string refers to: ${name…}.
var varRef = regexp.MustCompile(`\$\{([_[:alpha:]][_[:alpha:][:digit:]]*)`)

// variables gathers a Kustomization's post-build variables as
// kustomize-controller does — the data of each substituteFrom ConfigMap or
// Secret in order, then the inline substitute map over them, newlines
// removed — and where each is set. substituteFrom objects are looked up
// among the objects the cluster applied so far; one that is missing and not
// optional is a finding, since the cluster may hold it without the repository
// doing so.
func (run *fluxRun) variables(k *fluxKustomization) (map[string]string, map[string]manifest.Origin, error) {
	pb := k.spec.PostBuild
	if pb == nil {
		return nil, nil, nil
	}
	vars := map[string]string{}
	locs := map[string]manifest.Origin{}
	for _, ref := range pb.SubstituteFrom {
		id := manifest.ID{Kind: ref.Kind, Namespace: k.obj.Namespace(), Name: ref.Name}
		o := run.applied[id]
		if o == nil {
			if !ref.Optional {
				run.findings = append(run.findings, fluxFinding(k.obj, finding.SeverityWarning, "flux-substitute-from",
					fmt.Sprintf("Flux Kustomization %s substitutes variables from %s/%s, which no rendered object of this cluster defines; kustomize-controller fails unless the cluster holds it (add it to the repository, or mark it optional: true)", k.name(), ref.Kind, ref.Name)))
			}
			continue
		}
		data, err := objectData(o)
		if err != nil {
			return nil, nil, errorf(o.Origin().File, o.Origin().Line, ErrInvalid, "%s, used by Flux Kustomization %s for substitution: %v", o.ID(), k.name(), err)
		}
		// The lines of each field's keys, found in one pass: looking each
		// key up in turn is quadratic in the number of keys.
		keyLines := map[string]map[string]int{}
		for key, v := range data {
			vars[key] = strings.ReplaceAll(v.value, "\n", "")
			loc := o.Origin()
			lines, ok := keyLines[v.field]
			if !ok {
				lines = map[string]int{}
				if m := run.node(loc, v.field); m != nil && m.Kind == yaml.MappingNode {
					for i := 0; i+1 < len(m.Content); i += 2 {
						if _, dup := lines[m.Content[i].Value]; !dup {
							lines[m.Content[i].Value] = m.Content[i].Line
						}
					}
				}
				keyLines[v.field] = lines
			}
			if line := lines[key]; line > 0 {
				loc.Line = line
			}
			loc.Kustomization = ""
			locs[key] = loc
		}
	}
	for key, v := range pb.Substitute {
		vars[key] = strings.ReplaceAll(v, "\n", "")
		loc := k.obj.Origin()
		if line := run.fieldLine(loc, "spec", "postBuild", "substitute", key); line > 0 {
			loc.Line = line
		}
		loc.Kustomization = ""
		locs[key] = loc
	}
	for _, key := range slices.Sorted(maps.Keys(vars)) {
		if !varName.MatchString(key) {
			loc := locs[key]
			return nil, nil, errorf(loc.File, loc.Line, ErrInvalid, "variable name %q of Flux Kustomization %s is invalid: it must match %s", key, k.name(), varName)
		}
	}
	return vars, locs, nil
}

// dataValue is one entry of a ConfigMap's or Secret's data.
type dataValue struct {
	value string
	field string // data, stringData or binaryData
}

// objectData returns a ConfigMap's or Secret's entries, Secret data decoded.
func objectData(o *manifest.Object) (map[string]dataValue, error) {
	out := map[string]dataValue{}
	fields := []string{"data"}
	if o.Kind() == "Secret" {
		fields = append(fields, "stringData")
	}
	for _, field := range fields {
		m, _ := o.Content()[field].(map[string]any)
		for key, v := range m {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s.%s is not a string", field, key)
			}
			if o.Kind() == "Secret" && field == "data" {
				raw, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					return nil, fmt.Errorf("data.%s is not base64: %v", key, err)
				}
				s = string(raw)
			}
			out[key] = dataValue{value: s, field: field}
		}
	}
	return out, nil
}

// substitute runs kustomize-controller's variable substitution on an object:
// its YAML, as kustomize prints it, through Flux's envsubst, read back.
//
// The output is bounded by limit bytes, checked before substituting: each
// reference to a variable adds at most its value.
func substitute(content map[string]any, vars map[string]string, strict bool, limit int) (map[string]any, error) {
	text, err := sigsyaml.Marshal(content)
	if err != nil {
		return nil, err
	}
	size := len(text)
	for _, m := range varRef.FindAllSubmatchIndex(text, -1) {
		size += len(vars[string(text[m[2]:m[3]])])
		if size > limit {
			return nil, &kindError{msg: fmt.Sprintf("substitution would make the object larger than %d bytes (Options.Limits.MaxSubstitutedSize): check the variables it uses, or raise the limit", limit), kind: ErrLimit}
		}
	}
	out, err := envsubst.Eval(string(text), func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok || !strict
	})
	if err != nil {
		return nil, err
	}
	js, err := sigsyaml.YAMLToJSON([]byte(out))
	if err != nil {
		return nil, fmt.Errorf("the substituted object is not valid YAML: %v", err)
	}
	obj, err := manifest.FromJSON(js, manifest.Origin{})
	if err != nil {
		return nil, err
	}
	return obj.Content(), nil
}

// tracePostBuild records, for each field whose value substitution changed,
// where the variable it refers to is set.
func tracePostBuild(before, after any, at string, locs map[string]manifest.Origin, fields map[string]manifest.Origin) {
	switch b := before.(type) {
	case map[string]any:
		a, ok := after.(map[string]any)
		if !ok {
			return
		}
		for k, v := range b {
			if av, ok := a[k]; ok {
				tracePostBuild(v, av, at+manifest.Pointer(k), locs, fields)
			}
		}
	case []any:
		a, ok := after.([]any)
		if !ok || len(a) != len(b) {
			return
		}
		for i := range b {
			tracePostBuild(b[i], a[i], at+"/"+strconv.Itoa(i), locs, fields)
		}
	case string:
		if s, ok := after.(string); ok && s == b {
			return
		}
		for _, m := range varRef.FindAllStringSubmatch(b, -1) {
			if loc, ok := locs[m[1]]; ok {
				fields[at] = loc
				return
			}
		}
	}
}

// imageOrigins maps each image name a Kustomization's spec.images entry
// sets to the line that sets it (see imageEntryLine).
func (run *fluxRun) imageOrigins(k *fluxKustomization) map[string]manifest.Origin {
	out := map[string]manifest.Origin{}
	for i, img := range k.spec.Images {
		name := img.Name
		if img.NewName != "" {
			name = img.NewName
		}
		loc := k.obj.Origin()
		loc.Kustomization = ""
		if entry := run.node(loc, "spec", "images", strconv.Itoa(i)); entry != nil {
			loc.Line = imageEntryLine(entry)
		}
		out[name] = loc
	}
	return out
}

// fluxPatch is an entry of a Flux Kustomization's spec.patches whose lines
// ferry can tell: written on one line, or as a literal block scalar.
type fluxPatch struct {
	patchSource
	docs []*yaml.Node
}

// patchSources returns the entries of k's spec.patches, parsed, with where
// each is written. A folded block (>) or a patch ferry cannot parse is left
// out: the fields it sets keep the origin they had.
func (run *fluxRun) patchSources(k *fluxKustomization) []fluxPatch {
	loc := k.obj.Origin()
	var out []fluxPatch
	for i, entry := range k.spec.Patches {
		n := run.node(loc, "spec", "patches", strconv.Itoa(i), "patch")
		if n == nil || n.Kind != yaml.ScalarNode || n.Value != entry.Patch {
			continue
		}
		src := patchSource{file: loc.File, target: readTarget(run.node(loc, "spec", "patches", strconv.Itoa(i), "target"))}
		switch {
		case n.Style&yaml.LiteralStyle != 0:
			src.offset = n.Line
		case n.Style&yaml.FoldedStyle == 0 && !strings.Contains(n.Value, "\n"):
			src.line = n.Line
		default:
			continue
		}
		docs, err := yamlnode.Documents([]byte(entry.Patch))
		if err != nil {
			continue
		}
		out = append(out, fluxPatch{src, docs})
	}
	return out
}

// fieldLine finds the line of a field of the object defined at origin; 0
// when it cannot be found.
func (run *fluxRun) fieldLine(origin manifest.Origin, keys ...string) int {
	if n := run.node(origin, keys...); n != nil {
		return n.Line
	}
	return 0
}

// node finds a field of the object defined at origin — the document of
// origin's file that starts on origin's line — or nil. Files are parsed
// once per run.
func (run *fluxRun) node(origin manifest.Origin, keys ...string) *yaml.Node {
	if origin.File == "" || origin.Repo != "" {
		return nil
	}
	docs, ok := run.docs[origin.File]
	if !ok {
		if data, err := fs.ReadFile(run.fsys, origin.File); err == nil {
			docs, _ = yamlnode.Documents(data) // up to a syntax error
		}
		run.docs[origin.File] = docs
	}
	for _, doc := range docs {
		if doc.Line == origin.Line {
			return yamlnode.Path(doc, keys...)
		}
	}
	return nil
}
