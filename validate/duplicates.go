package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// DuplicateScope says which objects of one [Validator.Validate] call are
// compared to find objects defined twice (rule "duplicate-object").
type DuplicateScope int

const (
	// DuplicatesPerCluster compares the objects meant for the same
	// cluster: an object applied by a Flux Kustomization with
	// spec.kubeConfig goes to the cluster that kubeConfig names, as do the
	// objects of the Kustomizations it applies that have no kubeConfig of
	// their own; every other object goes to the local cluster. (A Flux
	// targetNamespace needs nothing more: rendering gives the objects that
	// namespace, so their IDs differ.) This suits one rendered environment.
	DuplicatesPerCluster DuplicateScope = iota
	// DuplicatesPerFile compares only objects from the same file (the
	// File of their origin), and within it per cluster: files given
	// separately are separate inputs, as kubeconform treats them.
	DuplicatesPerFile
	// DuplicatesOff turns the check off.
	DuplicatesOff
)

// String returns "cluster", "file" or "off".
func (s DuplicateScope) String() string {
	switch s {
	case DuplicatesPerCluster:
		return "cluster"
	case DuplicatesPerFile:
		return "file"
	case DuplicatesOff:
		return "off"
	}
	return fmt.Sprintf("DuplicateScope(%d)", int(s))
}

// fluxKustomizationGroup is the API group of Flux Kustomizations.
const fluxKustomizationGroup = "kustomize.toolkit.fluxcd.io"

// duplicateKey is what two objects must share to be the same object.
type duplicateKey struct {
	file    string // the origin file, under DuplicatesPerFile
	cluster string // "" for the local cluster
	id      manifest.ID
}

// duplicateFindings reports every object that an earlier object of the
// same scope already defines. Objects named only by generateName are never
// duplicates: the API server gives each a name of its own.
func duplicateFindings(objs []*manifest.Object, scope DuplicateScope) []finding.Finding {
	if scope == DuplicatesOff {
		return nil
	}
	cluster := clusterOf(objs)
	seen := make(map[duplicateKey][]*manifest.Object, len(objs))
	var keys []duplicateKey
	for _, o := range objs {
		if generatedName(o) {
			continue
		}
		k := duplicateKey{cluster: cluster(o), id: o.ID()}
		if scope == DuplicatesPerFile {
			k.file = o.Origin().File
		}
		if len(seen[k]) == 1 {
			keys = append(keys, k)
		}
		seen[k] = append(seen[k], o)
	}
	slices.SortFunc(keys, func(a, b duplicateKey) int {
		if c := a.id.Compare(b.id); c != 0 {
			return c
		}
		if c := strings.Compare(a.cluster, b.cluster); c != 0 {
			return c
		}
		return strings.Compare(a.file, b.file)
	})
	var out []finding.Finding
	for _, k := range keys {
		dups := seen[k]
		where := ""
		if k.cluster != "" {
			where = " for the cluster of kubeConfig " + k.cluster
		}
		for _, o := range dups[1:] {
			out = append(out, finding.Finding{
				Rule:     "duplicate-object",
				Severity: finding.SeverityError,
				Message:  fmt.Sprintf("%s is defined twice%s: first at %s", k.id, where, dups[0].Origin()),
				Object:   k.id,
				Source:   o.Origin(),
			})
		}
	}
	return out
}

// generatedName reports whether the object has no metadata.name, only a
// generateName.
func generatedName(o *manifest.Object) bool {
	name, _ := o.Field("metadata", "name")
	s, _ := name.(string)
	return s == ""
}

// clusterOf returns a function naming the cluster each object is applied
// to: "" for the local one, else the kubeConfig reference of the Flux
// Kustomization that applies it or, when that has none, of the one that
// applies that Kustomization, and so on up.
func clusterOf(objs []*manifest.Object) func(*manifest.Object) string {
	kustomizations := map[string]*manifest.Object{} // namespace/name -> Kustomization
	for _, o := range objs {
		if id := o.ID(); id.Group == fluxKustomizationGroup && id.Kind == "Kustomization" {
			kustomizations[id.Namespace+"/"+id.Name] = o
		}
	}
	if len(kustomizations) == 0 {
		return func(*manifest.Object) string { return "" }
	}
	memo := map[string]string{}
	var resolve func(name string, depth int) string
	resolve = func(name string, depth int) string {
		if c, ok := memo[name]; ok {
			return c
		}
		k, ok := kustomizations[name]
		if !ok || depth > len(kustomizations) { // unknown, or a cycle
			return ""
		}
		c := kubeConfigRef(k)
		if c == "" {
			c = resolve(k.Origin().Kustomization, depth+1)
		}
		memo[name] = c
		return c
	}
	return func(o *manifest.Object) string {
		if name := o.Origin().Kustomization; name != "" {
			return resolve(name, 0)
		}
		return ""
	}
}

// kubeConfigRef names the cluster a Flux Kustomization's spec.kubeConfig
// points at, "" when it has none: the Secret (and key) or ConfigMap that
// holds the kubeconfig, in the Kustomization's namespace.
func kubeConfigRef(k *manifest.Object) string {
	str := func(path ...string) string {
		v, _ := k.Field(path...)
		s, _ := v.(string)
		return s
	}
	ns := k.Namespace()
	if name := str("spec", "kubeConfig", "secretRef", "name"); name != "" {
		ref := "Secret/" + ns + "/" + name
		if key := str("spec", "kubeConfig", "secretRef", "key"); key != "" {
			ref += " key " + key
		}
		return ref
	}
	if name := str("spec", "kubeConfig", "configMapRef", "name"); name != "" {
		return "ConfigMap/" + ns + "/" + name
	}
	return ""
}
