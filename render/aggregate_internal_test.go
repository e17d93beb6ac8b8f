package render

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/openapi"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/manifest"
)

// renderWhole builds dir with kustomize in one piece, bypassing the
// aggregate fast path: the reference the fast path must match byte for byte.
func renderWhole(t *testing.T, fsys fstest.MapFS, dir string) string {
	t.Helper()
	rfs := newRepoFS(fsys, Limits{})
	sc := newScanner(rfs, false)
	top, err := sc.scan(dir, dir+"/kustomization.yaml", 0)
	require.NoError(t, err)
	objs, err := build(context.Background(), rfs, top, asked{}, false)
	require.NoError(t, err)
	out := make([]*manifest.Object, len(objs))
	for i, b := range objs {
		out[i] = b.obj
	}
	var sb strings.Builder
	require.NoError(t, manifest.EncodeYAML(&sb, out))
	return sb.String()
}

// renderFast renders dir part by part, as Render does for aggregates.
func renderFast(t *testing.T, fsys fstest.MapFS, dir string) (string, []*manifest.Object) {
	t.Helper()
	objs, err := renderParts(fsys, dir)
	require.NoError(t, err)
	var sb strings.Builder
	require.NoError(t, manifest.EncodeYAML(&sb, objs))
	return sb.String(), objs
}

func renderParts(fsys fstest.MapFS, dir string) ([]*manifest.Object, error) {
	r, err := New(Options{FS: fsys, Mode: ModeKustomize})
	if err != nil {
		return nil, err
	}
	res, err := r.Render(context.Background(), dir)
	if err != nil {
		return nil, err
	}
	return res.Objects, nil
}

func TestAggregateMatchesWholeBuild(t *testing.T) {
	fsys := testrepo.MapFS(12)
	rfs := newRepoFS(fsys, Limits{})
	sc := newScanner(rfs, false)
	top, err := sc.scan("apps/staging", "apps/staging/kustomization.yaml", 0)
	require.NoError(t, err)
	subs, ok := aggregateOf(top, sc)
	require.True(t, ok, "the generated apps/<env> layout is a pure aggregate")
	require.Len(t, subs, 12)

	got, objs := renderFast(t, fsys, "apps/staging")
	assert.Equal(t, renderWhole(t, fsys, "apps/staging"), got)
	for _, o := range objs {
		assert.True(t, strings.HasPrefix(o.Origin().File, "apps/base/"), "%s: %s", o.ID(), o.Origin())
		assert.Positive(t, o.Origin().Line, "%s", o.ID())
	}
}

func TestAggregateFallsBackOnCrossReferences(t *testing.T) {
	// Part b refers to the ConfigMap generated in part a by its pre-hash
	// name; kustomize rewrites that reference only when it builds the whole
	// aggregate, so the fast path must step aside.
	fsys := fstest.MapFS{
		"agg/kustomization.yaml": {Data: []byte("resources:\n- a\n- b\n")},
		"agg/a/kustomization.yaml": {Data: []byte(`namespace: shop
configMapGenerator:
- name: shared
  literals: [K=v]
`)},
		"agg/b/kustomization.yaml": {Data: []byte("namespace: shop\nresources:\n- pod.yaml\n")},
		"agg/b/pod.yaml": {Data: []byte(`apiVersion: v1
kind: Pod
metadata:
  name: user
spec:
  containers:
  - name: c
    image: busybox:1.36
    envFrom:
    - configMapRef:
        name: shared
`)},
	}
	got, _ := renderFast(t, fsys, "agg")
	want := renderWhole(t, fsys, "agg")
	assert.Equal(t, want, got)
	assert.Contains(t, got, "name: shared-", "kustomize rewrote the cross-part reference to the hashed name")
}

func TestAggregateDuplicateAcrossParts(t *testing.T) {
	cm := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n")
	fsys := fstest.MapFS{
		"agg/kustomization.yaml":   {Data: []byte("resources:\n- a\n- b\n")},
		"agg/a/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n")},
		"agg/a/cm.yaml":            {Data: cm},
		"agg/b/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n")},
		"agg/b/cm.yaml":            {Data: cm},
	}
	_, err := renderParts(fsys, "agg")
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "agg/kustomization.yaml: may not add resource with an already registered id")
	assert.Contains(t, err.Error(), "defined in agg/a/cm.yaml and in agg/b/cm.yaml")
}

func TestAggregateConditions(t *testing.T) {
	base := fstest.MapFS{
		"a/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n")},
		"a/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")},
		"b/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n")},
		"b/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")},
		"p/kustomization.yaml": {Data: []byte("namePrefix: p-\nresources:\n- ../a\n")},
		"v/kustomization.yaml": {Data: []byte("resources:\n- ../a\nvars:\n- name: X\n  objref: {kind: ConfigMap, name: a, apiVersion: v1}\n")},
		"f.yaml":               {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\n")},
		"r/kustomization.yaml": {Data: []byte("resources:\n- pod.yaml\n")},
		"r/pod.yaml":           {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\nspec:\n  containers:\n  - name: c\n    image: x\n    envFrom:\n    - configMapRef:\n        name: a\n")},
	}
	tests := []struct {
		name, kustomization string
		aggregate           bool
	}{
		{name: "pure aggregate", kustomization: "resources:\n- a\n- b\n", aggregate: true},
		{name: "transforms at the top", kustomization: "namespace: x\nresources:\n- a\n- b\n", aggregate: false},
		{name: "lists a file", kustomization: "resources:\n- a\n- f.yaml\n", aggregate: false},
		{name: "one part", kustomization: "resources:\n- a\n", aggregate: false},
		// Built part by part; whole when another part refers to the
		// renamed object by its old name (kustomize rewrites the reference).
		{name: "part renames", kustomization: "resources:\n- p\n- b\n", aggregate: true},
		{name: "part renames what another refers to", kustomization: "resources:\n- p\n- r\n", aggregate: true},
		{name: "part uses vars", kustomization: "resources:\n- v\n- b\n", aggregate: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"kustomization.yaml": {Data: []byte(tt.kustomization)}}
			for k, v := range base {
				fsys[k] = v
			}
			sc := newScanner(newRepoFS(fsys, Limits{}), false)
			top, err := sc.scan(".", "kustomization.yaml", 0)
			require.NoError(t, err)
			_, ok := aggregateOf(top, sc)
			assert.Equal(t, tt.aggregate, ok)
			got, _ := renderFast(t, fsys, ".")
			assert.Equal(t, renderWhole(t, fsys, "."), got)
		})
	}
}

func TestLegacyCompareOrdersNamespacesLikeKustomize(t *testing.T) {
	objs, err := manifest.Decode("x.yaml", []byte(`apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: example.com/v1
kind: Namespace
metadata: {name: custom}
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
`))
	require.NoError(t, err)
	a, b, c := resIDOf(objs[0]), resIDOf(objs[1]), resIDOf(objs[2])
	assert.Negative(t, legacyCompare(c, a), "same GVK: by name")
	assert.Negative(t, legacyCompare(a, b), "core Namespaces sort before grouped ones (kustomize reverses the GVK order for them)")
	assert.Positive(t, legacyCompare(b, a))
}

// TestAggregateAgreesWithWholeBuildOnIdentity: part by part, two objects
// are the same when kustomize says so — "" and "default" are one
// namespace — and the aggregate fails as the whole build does.
func TestAggregateAgreesWithWholeBuildOnIdentity(t *testing.T) {
	fsys := fstest.MapFS{
		"agg/kustomization.yaml":   {Data: []byte("resources:\n- a\n- b\n")},
		"agg/a/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n")},
		"agg/a/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n")},
		"agg/b/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n")},
		"agg/b/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n  namespace: default\n")},
	}
	rfs := newRepoFS(fsys, Limits{})
	sc := newScanner(rfs, false)
	top, err := sc.scan("agg", "agg/kustomization.yaml", 0)
	require.NoError(t, err)
	_, ok := aggregateOf(top, sc)
	require.True(t, ok, "the fixture is an aggregate")
	_, err = build(context.Background(), rfs, top, asked{}, false)
	require.ErrorContains(t, err, "already registered id")
	_, err = renderParts(fsys, "agg")
	require.ErrorContains(t, err, "already registered id")
	assert.ErrorContains(t, err, "agg/a/cm.yaml")
}

// TestAggregateSeesReferencesFromClusterScopedObjects: a ClusterRole in one
// part naming a ConfigMap generated in another part's namespace is a
// reference kustomize rewrites to the hashed name, so the aggregate is
// built whole.
func TestAggregateSeesReferencesFromClusterScopedObjects(t *testing.T) {
	fsys := fstest.MapFS{
		"agg/kustomization.yaml":   {Data: []byte("resources:\n- a\n- b\n")},
		"agg/a/kustomization.yaml": {Data: []byte("namespace: shop\nconfigMapGenerator:\n- name: shared\n  literals: [K=v]\n")},
		"agg/b/kustomization.yaml": {Data: []byte("resources:\n- cr.yaml\n")},
		"agg/b/cr.yaml":            {Data: []byte("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  resourceNames: [shared]\n  verbs: [get]\n")},
	}
	got, _ := renderFast(t, fsys, "agg")
	want := renderWhole(t, fsys, "agg")
	assert.Equal(t, want, got)
	assert.Contains(t, got, "- shared-", "the reference was rewritten to the hashed name")
}

// TestSchemaSetInAPluginDirectoryIsContained: kustomize sets the openapi
// schema of a transformers: directory for the rest of the build, so the
// build runs alone and leaves kyaml's built-in schema behind it.
func TestSchemaSetInAPluginDirectoryIsContained(t *testing.T) {
	fsys := fstest.MapFS{
		"app/kustomization.yaml": {Data: []byte("resources: [cm.yaml]\ntransformers: [../xf]\n")},
		"app/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")},
		"xf/kustomization.yaml":  {Data: []byte("openapi:\n  path: schema.json\nresources: [labels.yaml]\n")},
		"xf/schema.json":         {Data: []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}, "definitions": {}}`)},
		"xf/labels.yaml":         {Data: []byte("apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels:\n  x: y\nfieldSpecs:\n- path: metadata/labels\n  create: true\n")},
	}
	builtin := openapi.GetSchemaVersion()
	rfs := newRepoFS(fsys, Limits{})
	sc := newScanner(rfs, false)
	k, err := sc.scan("app", "app/kustomization.yaml", 0)
	require.NoError(t, err)
	assert.True(t, k.customSchema, "the plugin directory's schema is the build's")

	r, err := New(Options{FS: fsys})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "app")
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	assert.Equal(t, map[string]any{"x": "y"}, res.Objects[0].Content()["metadata"].(map[string]any)["labels"])
	assert.Equal(t, builtin, openapi.GetSchemaVersion(), "kyaml's schema is the built-in one again")
}
