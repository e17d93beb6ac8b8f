package render

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/manifest"
)

// renderWhole builds dir with kustomize in one piece, bypassing the
// aggregate fast path: the reference the fast path must match byte for byte.
func renderWhole(t *testing.T, fsys fstest.MapFS, dir string) string {
	t.Helper()
	rfs := newRepoFS(fsys)
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
	rfs := newRepoFS(fsys)
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
	}
	tests := []struct {
		name, kustomization string
		aggregate           bool
	}{
		{name: "pure aggregate", kustomization: "resources:\n- a\n- b\n", aggregate: true},
		{name: "transforms at the top", kustomization: "namespace: x\nresources:\n- a\n- b\n", aggregate: false},
		{name: "lists a file", kustomization: "resources:\n- a\n- f.yaml\n", aggregate: false},
		{name: "one part", kustomization: "resources:\n- a\n", aggregate: false},
		{name: "part renames", kustomization: "resources:\n- p\n- b\n", aggregate: false},
		{name: "part uses vars", kustomization: "resources:\n- v\n- b\n", aggregate: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"kustomization.yaml": {Data: []byte(tt.kustomization)}}
			for k, v := range base {
				fsys[k] = v
			}
			sc := newScanner(newRepoFS(fsys), false)
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
