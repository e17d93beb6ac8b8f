package validate

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
)

// exportSchemas makes TestExportSchemas write the schemas this package
// checks with, in the layout kubeconform reads, so that kubeconform can be
// run on the same schemas (hack/update-validate-parity.sh and
// hack/bench-validate.sh use it):
//
//	go test ./validate -run '^TestExportSchemas$' -export-schemas DIR [-export-crds PATH,...] [-export-version 1.37]
var (
	exportSchemas = flag.String("export-schemas", "", "write the embedded schemas (and those of -export-crds) to this directory in kubeconform's layout")
	exportCRDs    = flag.String("export-crds", "", "comma-separated files or directories of CRDs whose schemas to export too")
	exportVersion = flag.String("export-version", "", "Kubernetes version to export (default: the newest)")
)

func TestExportSchemas(t *testing.T) {
	if *exportSchemas == "" {
		t.Skip("no -export-schemas directory given")
	}
	n, err := writeKubeconformSchemas(context.Background(), *exportSchemas, *exportVersion, splitList(*exportCRDs))
	require.NoError(t, err)
	t.Logf("wrote %d schemas to %s", n, *exportSchemas)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// kubeconformFile names a schema file as kubeconform's template
// "{{ .ResourceKind }}{{ .KindSuffix }}.json" does.
func kubeconformFile(apiVersion, kind string) string {
	group, ver, found := strings.Cut(apiVersion, "/")
	suffix := "-" + strings.ToLower(strings.Split(group, ".")[0])
	if found {
		suffix += "-" + strings.ToLower(ver)
	}
	return strings.ToLower(kind) + suffix + ".json"
}

// writeKubeconformSchemas writes the strict schemas of every built-in kind of
// version, and of the custom resources of the CRDs at crdPaths, as
// standalone documents named as kubeconform expects.
func addDoc(docs map[string]any, name string, doc any) error {
	if _, dup := docs[name]; dup {
		return fmt.Errorf("two schemas map to kubeconform's file name %s", name)
	}
	docs[name] = doc
	return nil
}

func writeKubeconformSchemas(ctx context.Context, dir, version string, crdPaths []string) (int, error) {
	var crds []*manifest.Object
	if len(crdPaths) > 0 {
		var err error
		if crds, err = LoadCRDs(ctx, crdPaths...); err != nil {
			return 0, err
		}
	}
	v, err := New(Options{KubernetesVersion: version})
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	docs := map[string]any{}
	for _, key := range slices.Sorted(maps.Keys(v.apis.kinds)) {
		apiVersion, kind, _ := cutLast(key, "/")
		doc, err := v.schemas.standaloneKind(v.apis.kinds[key], true)
		if err != nil {
			return 0, err
		}
		if err := addDoc(docs, kubeconformFile(apiVersion, kind), doc); err != nil {
			return 0, err
		}
	}
	set, err := v.newCRDSet(crds)
	if err != nil {
		return 0, err
	}
	for _, key := range slices.Sorted(maps.Keys(set.byKey)) {
		s := set.byKey[key]
		data, err := json.Marshal(s.doc)
		if err != nil {
			return 0, err
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			return 0, err
		}
		if doc, err = v.schemas.standalone(doc, true); err != nil {
			return 0, err
		}
		if err := addDoc(docs, kubeconformFile(s.apiVersion, s.kind), doc); err != nil {
			return 0, err
		}
	}
	for name, doc := range docs {
		data, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}

// standalone returns doc as a document of its own, in the layout kubeconform
// reads: its references to embedded definitions (embeddedURL) point at
// #/definitions/<name>, and the definitions it needs, transitively, are
// beside it. doc is changed in place.
func (vs *versionSchemas) standalone(doc map[string]any, strict bool) (map[string]any, error) {
	defs := map[string]any{}
	var queue []string
	local := func(r string) (string, error) {
		name, ok := strings.CutPrefix(r, vs.url(""))
		if !ok {
			name, ok = strings.CutPrefix(r, "#/definitions/")
		}
		if !ok {
			return "", fmt.Errorf("unexpected reference %q", r)
		}
		if _, seen := defs[name]; !seen {
			defs[name] = nil
			queue = append(queue, name)
		}
		return "#/definitions/" + name, nil
	}
	if _, err := rewrite(doc, true, local); err != nil {
		return nil, err
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		d, err := vs.definition(name, strict, vs.url)
		if err != nil {
			return nil, err
		}
		if defs[name], err = rewrite(d, true, local); err != nil {
			return nil, err
		}
	}
	if len(defs) > 0 {
		doc["definitions"] = defs
	}
	return doc, nil
}

// standaloneKind returns the standalone document of a definition.
func (vs *versionSchemas) standaloneKind(name string, strict bool) (map[string]any, error) {
	root, err := vs.definition(name, strict, vs.url)
	if err != nil {
		return nil, err
	}
	return vs.standalone(root.(map[string]any), strict)
}

// EmbeddedCRD returns the embedded toolchain CRD of a group and kind, for
// tests that compare it with the same CRD given in the input.
func EmbeddedCRD(t testing.TB, group, kind string) *manifest.Object {
	t.Helper()
	b, err := embeddedToolchain()
	require.NoError(t, err)
	c := b.byGroupKind[group+"/"+kind]
	require.NotNil(t, c, "no embedded CRD for %s/%s", group, kind)
	obj, err := c.object()
	require.NoError(t, err)
	return obj
}
