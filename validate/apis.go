package validate

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/version"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// deprecationsData is the published deprecation schedule; see the file.
//
//go:embed deprecations.yaml
var deprecationsData []byte

// apiLifecycle is one entry of deprecations.yaml.
type apiLifecycle struct {
	APIVersion       string   `yaml:"apiVersion"`
	Kinds            []string `yaml:"kinds"`
	RemovedIn        string   `yaml:"removedIn"`
	DeprecatedIn     string   `yaml:"deprecatedIn"`
	Replacement      string   `yaml:"replacement"`
	ReplacementKind  string   `yaml:"replacementKind"`
	ReplacementSince string   `yaml:"replacementSince"`
	Note             string   `yaml:"note"`
}

func parseDeprecations(data []byte) ([]apiLifecycle, error) {
	var entries []apiLifecycle
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("validate: read deprecations.yaml: %w", err)
	}
	for _, e := range entries {
		for _, v := range []string{e.RemovedIn, e.DeprecatedIn, e.ReplacementSince} {
			if v != "" {
				if _, err := minorNumber(v); err != nil {
					return nil, fmt.Errorf("validate: deprecations.yaml, %s: %w", e.APIVersion, err)
				}
			}
		}
		if e.APIVersion == "" || len(e.Kinds) == 0 || (e.RemovedIn == "" && e.DeprecatedIn == "") {
			return nil, fmt.Errorf("validate: deprecations.yaml: entry %q needs apiVersion, kinds and removedIn or deprecatedIn", e.APIVersion)
		}
	}
	return entries, nil
}

// servedRange is the first and last embedded minor version (as numbers)
// whose spec has an apiVersion/kind.
type servedRange struct{ first, last int }

// apiIndex answers which apiVersion/kinds the target version serves, which
// it no longer serves and which are deprecated.
type apiIndex struct {
	target   int
	kinds    map[string]string // apiVersion/kind -> definition, in the target version
	served   map[string]servedRange
	schedule map[string]*apiLifecycle // by apiVersion/kind
}

func newAPIIndex(b *schemaBundle, minor string) (*apiIndex, error) {
	entries, err := parseDeprecations(deprecationsData)
	if err != nil {
		return nil, err
	}
	target, _ := minorNumber(minor)
	a := &apiIndex{
		target:   target,
		kinds:    b.Versions[minor].Kinds,
		served:   map[string]servedRange{},
		schedule: map[string]*apiLifecycle{},
	}
	for _, m := range b.minors {
		n, _ := minorNumber(m)
		for key := range b.Versions[m].Kinds {
			r, ok := a.served[key]
			if !ok {
				r.first = n
			}
			r.last = n
			a.served[key] = r
		}
	}
	for i := range entries {
		for _, k := range entries[i].Kinds {
			a.schedule[entries[i].APIVersion+"/"+k] = &entries[i]
		}
	}
	return a, nil
}

// apiStatus is what apiIndex says about an object's apiVersion.
type apiStatus struct {
	finding *finding.Finding // removed-api or deprecated-api, nil when neither
	removed bool             // not served by the target version any more
	notYet  string           // the first version serving it, when the target is older
}

func minorString(n int) string { return "1." + strconv.Itoa(n) }

// status reports on obj's apiVersion for the target version.
func (a *apiIndex) status(obj *manifest.Object) apiStatus {
	apiVersion, kind := obj.APIVersion(), obj.Kind()
	key := apiVersion + "/" + kind
	e := a.schedule[key]
	if _, ok := a.kinds[key]; ok {
		if e == nil {
			return apiStatus{}
		}
		since := e.DeprecatedIn
		if since == "" {
			since = e.ReplacementSince
		}
		if n, _ := minorNumber(since); since != "" && n > a.target {
			return apiStatus{}
		}
		msg := fmt.Sprintf("%s %s is deprecated since Kubernetes %s", apiVersion, kind, since)
		if e.RemovedIn != "" {
			msg += " and no longer served from " + e.RemovedIn
		}
		f := a.finding(obj, "deprecated-api", finding.SeverityWarning, msg+replacementText(e.Replacement, e.ReplacementKind, e.ReplacementSince, e.Note), e.RemovedIn, e.Replacement)
		f.Metadata["deprecatedIn"] = since
		return apiStatus{finding: f}
	}
	if e != nil && e.RemovedIn != "" {
		if n, _ := minorNumber(e.RemovedIn); n <= a.target {
			msg := fmt.Sprintf("%s %s is no longer served since Kubernetes %s", apiVersion, kind, e.RemovedIn)
			msg += replacementText(e.Replacement, e.ReplacementKind, e.ReplacementSince, e.Note)
			return apiStatus{removed: true, finding: a.finding(obj, "removed-api", finding.SeverityError, msg, e.RemovedIn, e.Replacement)}
		}
	}
	r, ok := a.served[key]
	switch {
	case ok && r.last < a.target:
		removedIn := minorString(r.last + 1)
		replacement := a.replacement(apiVersion, kind)
		msg := fmt.Sprintf("%s %s is no longer served since Kubernetes %s", apiVersion, kind, removedIn)
		msg += replacementText(replacement, "", "", "")
		return apiStatus{removed: true, finding: a.finding(obj, "removed-api", finding.SeverityError, msg, removedIn, replacement)}
	case ok && r.first > a.target:
		return apiStatus{notYet: minorString(r.first)}
	}
	return apiStatus{}
}

func (a *apiIndex) finding(obj *manifest.Object, rule string, sev finding.Severity, msg, removedIn, replacement string) *finding.Finding {
	meta := map[string]any{"kubernetesVersion": minorString(a.target)}
	if removedIn != "" {
		meta["removedIn"] = removedIn
	}
	if replacement != "" {
		meta["replacement"] = replacement
	}
	return &finding.Finding{
		Rule:     rule,
		Severity: sev,
		Message:  msg,
		Object:   obj.ID(),
		Field:    "/apiVersion",
		Source:   obj.Origin(),
		Metadata: meta,
	}
}

// replacement returns the most stable apiVersion of the same group that
// serves kind in the target version, "" when there is none.
func (a *apiIndex) replacement(apiVersion, kind string) string {
	group := manifest.GroupFromAPIVersion(apiVersion)
	best := ""
	for key := range a.kinds {
		av, k, _ := cutLast(key, "/")
		if k != kind || manifest.GroupFromAPIVersion(av) != group || av == apiVersion {
			continue
		}
		if best == "" || version.CompareKubeAwareVersionStrings(versionOf(av), versionOf(best)) > 0 {
			best = av
		}
	}
	return best
}

func versionOf(apiVersion string) string {
	_, v, found := cutLast(apiVersion, "/")
	if !found {
		return apiVersion
	}
	return v
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func replacementText(replacement, kind, since, note string) string {
	switch {
	case replacement != "" && kind != "":
		return fmt.Sprintf(": use %s %s", replacement, kind)
	case replacement != "" && since != "":
		return fmt.Sprintf(": use %s (served since %s)", replacement, since)
	case replacement != "":
		return ": use " + replacement
	case note != "":
		return ": there is no replacement; " + note
	}
	return ": there is no replacement"
}
