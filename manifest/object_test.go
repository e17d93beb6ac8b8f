package manifest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
)

func TestIDString(t *testing.T) {
	tests := []struct {
		id   manifest.ID
		want string
	}{
		{id: manifest.ID{Group: "apps", Kind: "Deployment", Namespace: "prod", Name: "api"}, want: "apps/Deployment/prod/api"},
		{id: manifest.ID{Kind: "Service", Namespace: "prod", Name: "api"}, want: "Service/prod/api"},
		{id: manifest.ID{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"}, want: "rbac.authorization.k8s.io/ClusterRole/view"},
		{id: manifest.ID{Kind: "Namespace", Name: "prod"}, want: "Namespace/prod"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.id.String())
		})
	}
}

func TestNewValidates(t *testing.T) {
	_, err := manifest.New(map[string]any{"kind": "ConfigMap"}, manifest.Origin{})
	require.ErrorIs(t, err, manifest.ErrNotObject)
	assert.EqualError(t, err, "not a Kubernetes object: missing apiVersion, metadata.name")

	obj, err := manifest.New(map[string]any{
		"apiVersion": "batch/v1", "kind": "Job",
		"metadata": map[string]any{"generateName": "migrate-", "namespace": "ops"},
	}, manifest.Origin{File: "jobs/migrate.yaml", Line: 3})
	require.NoError(t, err)
	assert.Equal(t, "batch/Job/ops/migrate-", obj.ID().String())
	assert.Equal(t, "jobs/migrate.yaml:3", obj.Origin().String())
}

func TestOriginString(t *testing.T) {
	assert.Equal(t, "base/app.yaml", manifest.Origin{File: "base/app.yaml"}.String())
	assert.Equal(t, "https://github.com/acme/base?ref=v1//app.yaml:4", manifest.Origin{File: "app.yaml", Line: 4, Repo: "https://github.com/acme/base?ref=v1"}.String())
}

func TestSortAndIndex(t *testing.T) {
	objs, err := manifest.Decode("all.yaml", []byte(`apiVersion: v1
kind: Service
metadata: {name: b, namespace: x}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: x}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: x}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: x}
`))
	require.NoError(t, err)
	dups := manifest.Duplicates(objs)
	require.Len(t, dups, 1)
	ids := manifest.SortedIDs(dups)
	assert.Equal(t, "Service/x/a", ids[0].String())
	assert.Equal(t, []int{9, 13}, []int{dups[ids[0]][0].Origin().Line, dups[ids[0]][1].Origin().Line})

	manifest.SortByID(objs)
	var got []string
	for _, o := range objs {
		got = append(got, o.ID().String())
	}
	assert.Equal(t, []string{"Service/x/a", "Service/x/a", "Service/x/b", "apps/Deployment/x/a"}, got)
	assert.Len(t, manifest.Index(objs), 3)
}

func TestDeepCopyContent(t *testing.T) {
	objs, err := manifest.Decode("cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n"))
	require.NoError(t, err)
	c := objs[0].DeepCopyContent()
	c["data"].(map[string]any)["k"] = "changed"
	v, _ := objs[0].Field("data", "k")
	assert.Equal(t, "v", v)
}

func TestEncodeYAML(t *testing.T) {
	objs, err := manifest.Decode("in.yaml", []byte(`kind: ConfigMap
apiVersion: v1
metadata:
  name: cfg
data:
  port: "8080"
  enabled: "true"
  script: |
    echo hi
    exit 0
  empty: ""
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: api
        args: [--port, "8080"]
`))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, manifest.EncodeYAML(&b, objs))
	assert.Equal(t, `apiVersion: v1
data:
  empty: ""
  enabled: "true"
  port: "8080"
  script: |
    echo hi
    exit 0
kind: ConfigMap
metadata:
  name: cfg
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
      - args:
        - --port
        - "8080"
        name: api
`, b.String())

	again, err := manifest.Decode("out.yaml", b.Bytes())
	require.NoError(t, err)
	var b2 bytes.Buffer
	require.NoError(t, manifest.EncodeYAML(&b2, again))
	assert.Equal(t, b.String(), b2.String(), "encoding is a fixed point")
}

func TestEncodeJSON(t *testing.T) {
	objs, err := manifest.Decode("in.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  url: https://a.example/?x=1&y=<2>\n"))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, manifest.EncodeJSON(&b, objs))
	assert.Equal(t, `{
  "apiVersion": "v1",
  "items": [
    {
      "apiVersion": "v1",
      "data": {
        "url": "https://a.example/?x=1&y=<2>"
      },
      "kind": "ConfigMap",
      "metadata": {
        "name": "cfg"
      }
    }
  ],
  "kind": "List"
}
`, b.String())

	back, err := manifest.Decode("list.json", b.Bytes())
	require.NoError(t, err)
	require.Len(t, back, 1, "the List is expanded on decode")
	assert.Equal(t, objs[0].Content(), back[0].Content())

	b.Reset()
	require.NoError(t, manifest.EncodeJSON(&b, nil))
	assert.JSONEq(t, `{"apiVersion":"v1","kind":"List","items":[]}`, b.String())
}

func TestFromJSON(t *testing.T) {
	obj, err := manifest.FromJSON([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"n":12345678901,"f":1.25}}`), manifest.Origin{File: "p.json"})
	require.NoError(t, err)
	n, _ := obj.Field("spec", "n")
	f, _ := obj.Field("spec", "f")
	assert.Equal(t, int64(12345678901), n)
	assert.Equal(t, 1.25, f)
	js, err := json.Marshal(obj)
	require.NoError(t, err)
	assert.JSONEq(t, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"n":12345678901,"f":1.25}}`, string(js))

	_, err = manifest.FromJSON([]byte(`[1]`), manifest.Origin{})
	assert.True(t, errors.Is(err, manifest.ErrNotObject))
	_, err = manifest.FromJSON([]byte(`{`), manifest.Origin{})
	assert.Error(t, err)
}

func TestPointerRoundTrip(t *testing.T) {
	segs := []string{"metadata", "annotations", "example.com/a~b", "0"}
	p := manifest.Pointer(segs...)
	assert.Equal(t, "/metadata/annotations/example.com~1a~0b/0", p)
	assert.Equal(t, segs, manifest.SplitPointer(p))
	assert.Nil(t, manifest.SplitPointer(""))
	assert.Nil(t, manifest.SplitPointer("/"))
}

func TestGeneratedBase(t *testing.T) {
	base, ok := manifest.GeneratedBase("podinfo-values-2k8m5t9f7h")
	assert.True(t, ok)
	assert.Equal(t, "podinfo-values", base)
	_, ok = manifest.GeneratedBase("podinfo-values")
	assert.False(t, ok)
	_, ok = manifest.GeneratedBase("podinfo-values-ABCDEFGHIJ")
	assert.False(t, ok, "not kustomize's alphabet")
}
