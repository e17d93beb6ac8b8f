package validate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// totalAnnotationSizeLimit is the API server's limit on the summed size of
// an object's annotation keys and values (apimachinery's
// TotalAnnotationSizeLimitB).
const totalAnnotationSizeLimit = 256 * 1024

// cronJobNameLimit leaves room for the 11-character suffix of the Jobs a
// CronJob creates.
const cronJobNameLimit = 52

// nameRule returns the validation of metadata.name the API server applies to
// a kind and its description.
func nameRule(id manifest.ID) (func(string) []string, string) {
	switch {
	case id.Group == "" && id.Kind == "Namespace":
		return validation.IsDNS1123Label, "a DNS-1123 label"
	case id.Group == "" && id.Kind == "Service":
		return validation.IsDNS1035Label, "a DNS-1035 label"
	case id.Group == "rbac.authorization.k8s.io":
		return isPathSegmentName, "a path segment name"
	case id.Group == "batch" && id.Kind == "CronJob":
		return func(s string) []string {
			errs := validation.IsDNS1123Subdomain(s)
			if len(s) > cronJobNameLimit {
				errs = append(errs, fmt.Sprintf("must be no more than %d characters", cronJobNameLimit))
			}
			return errs
		}, "a DNS-1123 subdomain of at most 52 characters"
	}
	return func(s string) []string {
		if isDNS1123Subdomain(s) {
			return nil
		}
		return validation.IsDNS1123Subdomain(s)
	}, "a DNS-1123 subdomain"
}

// isPathSegmentName is apimachinery's path.IsValidPathSegmentName, the rule
// for RBAC object names.
func isPathSegmentName(name string) []string {
	var errs []string
	if name == "." || name == ".." {
		errs = append(errs, fmt.Sprintf("may not be '%s'", name))
	}
	for _, illegal := range []string{"/", "%"} {
		if strings.Contains(name, illegal) {
			errs = append(errs, fmt.Sprintf("may not contain '%s'", illegal))
		}
	}
	return errs
}

// metaFindings checks the object's name, namespace, labels and annotations
// as the API server does.
func metaFindings(obj *manifest.Object) []finding.Finding {
	var out []finding.Finding
	add := func(rule, field, msg string) {
		out = append(out, finding.Finding{Rule: rule, Severity: finding.SeverityError, Message: msg, Object: obj.ID(), Field: field, Source: obj.Origin()})
	}
	meta, _ := obj.Content()["metadata"].(map[string]any)
	if name, ok := meta["name"].(string); ok {
		check, what := nameRule(obj.ID())
		if errs := check(name); len(errs) > 0 {
			add("invalid-name", "/metadata/name", fmt.Sprintf("name %q is not valid for a %s, which needs %s: %s", name, obj.Kind(), what, strings.Join(errs, "; ")))
		}
		if isCRD(obj) {
			if want := crdName(obj); want != "" && name != want {
				add("invalid-name", "/metadata/name", fmt.Sprintf("name %q of a CustomResourceDefinition must be spec.names.plural.spec.group, %q", name, want))
			}
		}
	}
	if ns, ok := meta["namespace"].(string); ok && ns != "" && !isDNS1123Label(ns) {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			add("invalid-name", "/metadata/namespace", fmt.Sprintf("namespace %q is not a DNS-1123 label: %s", ns, strings.Join(errs, "; ")))
		}
	}
	for _, path := range labelPaths(obj) {
		labels, ok := fieldMap(obj, path...)
		if !ok {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(labels)) {
			v, _ := labels[k].(string)
			if isQualifiedName(k) && isLabelValue(v) {
				continue
			}
			field := manifest.Pointer(append(slices.Clip(path), k)...)
			if errs := validation.IsQualifiedName(k); len(errs) > 0 {
				add("invalid-label", field, fmt.Sprintf("label key %q is not valid: %s", k, strings.Join(errs, "; ")))
			}
			if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
				add("invalid-label", field, fmt.Sprintf("label value %q of %q is not valid: %s", v, k, strings.Join(errs, "; ")))
			}
		}
	}
	for _, path := range annotationPaths {
		annotations, ok := fieldMap(obj, path...)
		if !ok {
			continue
		}
		size := 0
		for _, k := range slices.Sorted(maps.Keys(annotations)) {
			v, _ := annotations[k].(string)
			size += len(k) + len(v)
			if isQualifiedName(strings.ToLower(k)) {
				continue
			}
			if errs := validation.IsQualifiedName(strings.ToLower(k)); len(errs) > 0 {
				add("invalid-annotation", manifest.Pointer(append(slices.Clip(path), k)...), fmt.Sprintf("annotation key %q is not valid: %s", k, strings.Join(errs, "; ")))
			}
		}
		if size > totalAnnotationSizeLimit {
			add("annotations-too-large", manifest.Pointer(path...), fmt.Sprintf("annotations take %d bytes, more than the API server's limit of %d (256 KiB)", size, totalAnnotationSizeLimit))
		}
	}
	return out
}

// annotationPaths are where objects and their pod templates hold
// annotations.
var annotationPaths = [][]string{
	{"metadata", "annotations"},
	{"spec", "template", "metadata", "annotations"},
	{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"},
}

// labelPaths are the label maps the API server validates as labels: the
// object's, its templates', and label selectors.
func labelPaths(obj *manifest.Object) [][]string {
	paths := [][]string{
		{"metadata", "labels"},
		{"spec", "template", "metadata", "labels"},
		{"spec", "jobTemplate", "metadata", "labels"},
		{"spec", "jobTemplate", "spec", "template", "metadata", "labels"},
		{"spec", "selector", "matchLabels"},
		{"spec", "jobTemplate", "spec", "selector", "matchLabels"},
	}
	if id := obj.ID(); id.Group == "" && (id.Kind == "Service" || id.Kind == "ReplicationController") {
		paths = append(paths, []string{"spec", "selector"})
	}
	return paths
}

func fieldMap(obj *manifest.Object, path ...string) (map[string]any, bool) {
	v, ok := obj.Field(path...)
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// crdName returns the name a CRD must have, plural.group, or "" when the
// CRD does not say.
func crdName(obj *manifest.Object) string {
	group, _ := obj.Field("spec", "group")
	plural, _ := obj.Field("spec", "names", "plural")
	g, _ := group.(string)
	p, _ := plural.(string)
	if g == "" || p == "" {
		return ""
	}
	return p + "." + g
}

// The functions below are fast paths for the common, valid case: each
// accepts only strings the apimachinery function it stands for accepts, and
// the apimachinery function (with its messages) decides the rest. They save
// the regular expressions apimachinery runs, most of validation's time on
// objects with many labels.

// isNamePart reports whether s matches [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
// and has at most 63 characters: the name part of a qualified name, and a
// non-empty label value.
func isNamePart(s string) bool {
	if len(s) == 0 || len(s) > 63 || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// isLabelValue stands for validation.IsValidLabelValue.
func isLabelValue(s string) bool { return s == "" || isNamePart(s) }

// isQualifiedName stands for validation.IsQualifiedName: an optional DNS
// subdomain prefix and a slash, then a name part.
func isQualifiedName(s string) bool {
	prefix, name, found := strings.Cut(s, "/")
	if !found {
		return isNamePart(s)
	}
	return isDNS1123Subdomain(prefix) && isNamePart(name)
}

// isDNS1123Label stands for validation.IsDNS1123Label.
func isDNS1123Label(s string) bool {
	if len(s) == 0 || len(s) > 63 || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// isDNS1123Subdomain stands for validation.IsDNS1123Subdomain.
func isDNS1123Subdomain(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	for part := range strings.SplitSeq(s, ".") {
		if !isDNS1123Label(part) {
			return false
		}
	}
	return true
}
