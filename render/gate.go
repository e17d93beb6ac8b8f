package render

import (
	"bytes"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
	kustypes "sigs.k8s.io/kustomize/api/types"
	sigsyaml "sigs.k8s.io/yaml"
)

// scannedFields are the kustomization fields the scanner looks at, by their
// lower-cased names. kustomize decodes a kustomization through
// encoding/json, which matches keys case-insensitively ("RESOURCES:" sets
// resources), so the scanner reads keys the same way.
var scannedFields = func() map[string]string {
	m := map[string]string{}
	for _, f := range []string{
		"resources", "bases", "components", "helmCharts", "helmChartInflationGenerator", "helmGlobals",
		"generators", "transformers", "validators", "crds", "configurations", "patchesStrategicMerge",
		"patches", "patchesJson6902", "replacements", "openapi", "configMapGenerator", "secretGenerator",
		"buildMetadata", "vars", "namePrefix", "nameSuffix", "images", "imageTags", "sortOptions",
		"commonLabels",
	} {
		m[strings.ToLower(f)] = f
	}
	return m
}()

// canonicalField returns the field a kustomization key sets, as kustomize
// reads it.
func canonicalField(key string) string {
	if f, ok := scannedFields[strings.ToLower(key)]; ok {
		return f
	}
	return key
}

// fieldScalars returns the scalar values, and the scalar items of sequence
// values, of the keys of the mapping n that match one of keys ignoring case
// (kustomize's built-in plugins read their configuration through
// encoding/json too).
func fieldScalars(n *yaml.Node, keys ...string) []*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !containsFold(keys, k) {
			continue
		}
		v := resolve(n.Content[i+1])
		switch v.Kind {
		case yaml.ScalarNode:
			out = append(out, v)
		case yaml.SequenceNode:
			for _, e := range v.Content {
				if e = resolve(e); e.Kind == yaml.ScalarNode {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// gateKustomization is the second, independent check of a kustomization
// before kustomize sees it: the file decoded by kustomize's own code
// (types.Kustomization.Unmarshal, FixKustomization), so that every
// reference kustomize will hand to its loader is classified whatever
// spelling, key case, alias or deprecated field brought it there. The
// scanner's walk of the YAML finds the same references with their lines;
// this catches anything it might miss. root is the parsed file, used to
// find the line of an offending value; read reads a repository file, to
// check the plugin configuration files it names.
func gateKustomization(file string, data []byte, root *yaml.Node, read func(string) ([]byte, error)) error {
	var kus kustypes.Kustomization
	if err := kus.Unmarshal(data); err != nil {
		return nil // kustomize refuses it too, without loading anything
	}
	kus.FixKustomization()
	if len(kus.HelmCharts) > 0 || kus.HelmGlobals != nil {
		return errorf(file, 0, ErrPlugin, "helmCharts: ferry does not inflate Helm charts while rendering (it would run the helm binary and may download charts); render the chart into the repository with `helm template`, or deploy it with a Flux HelmRelease")
	}
	var refs []string
	refs = append(refs, kus.Resources...)
	refs = append(refs, kus.Components...)
	refs = append(refs, kus.Crds...)
	refs = append(refs, kus.Configurations...)
	for _, p := range kus.PatchesStrategicMerge {
		if !strings.Contains(string(p), "\n") {
			refs = append(refs, string(p))
		}
	}
	for _, p := range kus.Patches {
		refs = append(refs, p.Path)
	}
	for _, p := range kus.PatchesJson6902 {
		refs = append(refs, p.Path)
	}
	for _, r := range kus.Replacements {
		refs = append(refs, r.Path)
	}
	refs = append(refs, kus.OpenAPI["path"])
	for _, g := range kus.ConfigMapGenerator {
		refs = append(refs, g.FileSources...)
		refs = append(refs, g.EnvSources...)
	}
	for _, g := range kus.SecretGenerator {
		refs = append(refs, g.FileSources...)
		refs = append(refs, g.EnvSources...)
	}
	for _, list := range [][]string{kus.Generators, kus.Transformers, kus.Validators} {
		for _, e := range list {
			if strings.Contains(e, "\n") {
				refs = append(refs, inlineConfigRefs(e)...)
				continue
			}
			refs = append(refs, e)
			if remoteReason(e) != "" {
				continue
			}
			p := path.Join(path.Dir(file), e)
			if data, err := read(p); err == nil {
				if err := gatePluginFile(p, data); err != nil {
					return err
				}
			}
		}
	}
	for _, ref := range refs {
		why := remoteReason(ref)
		if why == "" {
			if _, after, found := strings.Cut(ref, "="); found {
				why = remoteReason(after)
			}
		}
		if why != "" {
			return remoteError(file, lineOf(root, ref), ref, why)
		}
	}
	return nil
}

// gatePluginFile checks the file references of the plugin configurations
// in the file p.
func gatePluginFile(p string, data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil // the end, or an error the scanner reports
		}
		if len(doc.Content) == 0 {
			continue
		}
		for _, r := range fieldScalars(doc.Content[0], pluginRefKeys...) {
			why := remoteReason(r.Value)
			if _, after, found := strings.Cut(r.Value, "="); found && why == "" {
				why = remoteReason(after)
			}
			if why != "" {
				return remoteError(p, r.Line, r.Value, why)
			}
		}
	}
}

// pluginRefKeys are the fields of built-in plugin configurations that name
// files.
var pluginRefKeys = []string{"path", "targetFilePath", "env", "files", "envs"}

// inlineConfigRefs returns the file references of an inline plugin
// configuration, read as kustomize's built-in plugins read them.
func inlineConfigRefs(cfg string) []string {
	var m map[string]any
	if err := sigsyaml.Unmarshal([]byte(cfg), &m); err != nil {
		return nil
	}
	var out []string
	for k, v := range m {
		if !containsFold(pluginRefKeys, k) {
			continue
		}
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// lineOf returns the line of the first scalar holding value below n, or 0.
func lineOf(n *yaml.Node, value string) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.ScalarNode && (n.Value == value || strings.Contains(n.Value, value)) {
		return n.Line
	}
	for _, c := range n.Content {
		if l := lineOf(c, value); l > 0 {
			return l
		}
	}
	return 0
}
