package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/manifest"
)

// Bundle format version; validate refuses bundles of another format.
const bundleFormat = 1

// bundle is the file validate embeds.
type bundle struct {
	Format int `json:"format"`
	// Sources are the modules read, in the order given.
	Sources []source `json:"sources"`
	// CRDs are the trimmed CRDs, sorted by name.
	CRDs []crd `json:"crds"`

	names map[string]bool
}

// source is one module the CRDs come from.
type source struct {
	Project string `json:"project"`
	Module  string `json:"module"`
	Version string `json:"version"`
}

// crd is one CustomResourceDefinition, trimmed to what validation needs.
type crd struct {
	// Source indexes Sources.
	Source int `json:"source"`
	// File is the CRD's file in its module.
	File string `json:"file"`
	// CRD is the trimmed CustomResourceDefinition.
	CRD map[string]any `json:"crd"`
}

func newBundle() *bundle {
	return &bundle{Format: bundleFormat, Sources: []source{}, CRDs: []crd{}, names: map[string]bool{}}
}

// addModule adds the CRDs of a module read from dir and returns how many
// it added. A pattern that matches no file, or files without any CRD, is an
// error: the project has moved its CRDs and the table must follow.
func (b *bundle) addModule(mv, dir string) (int, error) {
	mod, version, p, err := splitModule(mv)
	if err != nil {
		return 0, err
	}
	b.Sources = append(b.Sources, source{Project: p.Name, Module: mod, Version: version})
	src := len(b.Sources) - 1
	added := 0
	for _, glob := range p.Globs {
		files, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(glob)))
		if err != nil {
			return 0, fmt.Errorf("%s: pattern %s: %w", mv, glob, err)
		}
		slices.Sort(files)
		found := 0
		for _, f := range files {
			if b := filepath.Base(f); b == "kustomization.yaml" || b == "kustomization.yml" {
				continue // a Kustomize file listing the CRDs, not a CRD
			}
			rel, err := filepath.Rel(dir, f)
			if err != nil {
				return 0, err
			}
			rel = filepath.ToSlash(rel)
			data, err := os.ReadFile(f)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", mv, err)
			}
			objs, err := manifest.Decode(rel, data)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", mv, err)
			}
			for _, o := range objs {
				if o.Kind() != "CustomResourceDefinition" || o.ID().Group != "apiextensions.k8s.io" {
					continue
				}
				found++
				if b.names[o.Name()] {
					continue
				}
				t, err := trimCRD(o.Content())
				if err != nil {
					return 0, fmt.Errorf("%s: %s: CustomResourceDefinition %s: %w", mv, rel, o.Name(), err)
				}
				b.names[o.Name()] = true
				b.CRDs = append(b.CRDs, crd{Source: src, File: rel, CRD: t})
				added++
			}
		}
		if found == 0 {
			return 0, fmt.Errorf("%s: no CustomResourceDefinition in %s: update the projects table of internal/crdschemagen", mv, glob)
		}
	}
	return added, nil
}

// trimCRD keeps of a CRD what validation reads: its name, group, kind,
// scope and, per version, the flags and the schema without documentation.
func trimCRD(c map[string]any) (map[string]any, error) {
	spec, _ := c["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	if spec["group"] == nil || names["kind"] == nil {
		return nil, fmt.Errorf("spec.group and spec.names.kind are required")
	}
	meta, _ := c["metadata"].(map[string]any)
	out := map[string]any{
		"apiVersion": c["apiVersion"],
		"kind":       c["kind"],
		"metadata":   map[string]any{"name": meta["name"]},
	}
	ts := map[string]any{"group": spec["group"], "names": pick(names, "kind", "plural")}
	for _, k := range []string{"scope", "version"} {
		if v, ok := spec[k]; ok {
			ts[k] = v
		}
	}
	if v := nested(spec, "validation", "openAPIV3Schema"); v != nil {
		ts["validation"] = map[string]any{"openAPIV3Schema": stripDocs(v)}
	}
	if list, ok := spec["versions"].([]any); ok {
		versions := make([]any, 0, len(list))
		for _, e := range list {
			ver, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("spec.versions has an entry that is not a map")
			}
			tv := pick(ver, "name", "served", "storage", "deprecated", "deprecationWarning")
			if s := nested(ver, "schema", "openAPIV3Schema"); s != nil {
				tv["schema"] = map[string]any{"openAPIV3Schema": stripDocs(s)}
			}
			versions = append(versions, tv)
		}
		ts["versions"] = versions
	}
	out["spec"] = ts
	return out, nil
}

func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func nested(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// docKeys are the keywords of a schema node that only document it.
var docKeys = map[string]bool{"description": true, "title": true, "example": true, "externalDocs": true}

// stripDocs returns a copy of a schema node without documentation, walking
// the keywords that hold schemas (so that a property named "description"
// is kept).
func stripDocs(node map[string]any) map[string]any {
	out := make(map[string]any, len(node))
	for k, v := range node {
		switch {
		case docKeys[k]:
		case k == "properties" || k == "patternProperties" || k == "definitions":
			if m, ok := v.(map[string]any); ok {
				conv := make(map[string]any, len(m))
				for p, s := range m {
					conv[p] = stripAny(s)
				}
				out[k] = conv
			} else {
				out[k] = v
			}
		case k == "items" || k == "additionalProperties" || k == "additionalItems" || k == "not" ||
			k == "allOf" || k == "anyOf" || k == "oneOf":
			out[k] = stripAny(v)
		default:
			out[k] = v
		}
	}
	return out
}

// stripAny strips a schema, a list of schemas, or returns a boolean as is.
func stripAny(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return stripDocs(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = stripAny(e)
		}
		return out
	}
	return v
}

// encode returns the gzip of the bundle's JSON, with the CRDs sorted by
// name. Map keys are sorted by encoding/json and gzip writes no time stamp,
// so the bytes depend on the content only.
func (b *bundle) encode() ([]byte, error) {
	slices.SortFunc(b.CRDs, func(x, y crd) int { return strings.Compare(crdName(x), crdName(y)) })
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func crdName(c crd) string {
	name, _ := c.CRD["metadata"].(map[string]any)["name"].(string)
	return name
}

// writeTable prints one row per module and API group: the kinds and their
// served versions (deprecated ones marked).
func (b *bundle) writeTable(w io.Writer) {
	fmt.Fprintln(w, "| Project | Module | Version | Group | Kinds (served versions) |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for i, s := range b.Sources {
		groups := map[string][]string{}
		for _, c := range b.CRDs {
			if c.Source != i {
				continue
			}
			spec := c.CRD["spec"].(map[string]any)
			group := spec["group"].(string)
			kind := spec["names"].(map[string]any)["kind"].(string)
			var served []string
			for _, e := range asList(spec["versions"]) {
				v := e.(map[string]any)
				if v["served"] == false {
					continue
				}
				name := v["name"].(string)
				if v["deprecated"] == true {
					name += " (deprecated)"
				}
				served = append(served, name)
			}
			if len(served) == 0 {
				if v, ok := spec["version"].(string); ok {
					served = []string{v}
				}
			}
			groups[group] = append(groups[group], kind+" ("+strings.Join(served, ", ")+")")
		}
		for _, g := range sortedKeys(groups) {
			kinds := groups[g]
			slices.Sort(kinds)
			fmt.Fprintf(w, "| %s | `%s` | %s | `%s` | %s |\n", s.Project, s.Module, s.Version, g, strings.Join(kinds, ", "))
		}
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
