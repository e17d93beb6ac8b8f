package manifest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
)

func TestDecode(t *testing.T) {
	in := `# leading comment
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  replicas: 3
---
---
# only a comment
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: one
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: view
`
	objs, err := manifest.Decode("app/all.yaml", []byte(in))
	require.NoError(t, err)
	require.Len(t, objs, 3)

	got := make([]string, len(objs))
	for i, o := range objs {
		got[i] = o.ID().String() + " @ " + o.Origin().String()
	}
	assert.Equal(t, []string{
		"apps/Deployment/prod/api @ app/all.yaml:3",
		"ConfigMap/one @ app/all.yaml:17",
		"rbac.authorization.k8s.io/ClusterRole/view @ app/all.yaml:21",
	}, got)
	assert.Equal(t, int64(3), objs[0].Content()["spec"].(map[string]any)["replicas"])
	assert.Equal(t, "apps/v1", objs[0].APIVersion())
}

func TestDecodeJSON(t *testing.T) {
	in := `{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "web", "labels": {"tier": "front"}},
  "spec": {"ports": [{"port": 80, "targetPort": "http"}], "ratio": 0.5}
}`
	objs, err := manifest.Decode("svc.json", []byte(in))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, "Service/web", objs[0].ID().String())
	port, ok := objs[0].Field("spec", "ports")
	require.True(t, ok)
	assert.Equal(t, []any{map[string]any{"port": int64(80), "targetPort": "http"}}, port)
	ratio, _ := objs[0].Field("spec", "ratio")
	assert.Equal(t, 0.5, ratio)
}

func TestDecodeScalars(t *testing.T) {
	in := `apiVersion: v1
kind: ConfigMap
metadata:
  name: scalars
data:
  quoted: "8080"
  word: yes
  date: 2024-01-02
  nothing: ~
  big: 0x1F
  float: 1.5
  flag: true
  anchored: &a {x: 1}
  merged:
    <<: *a
    y: 2
`
	objs, err := manifest.Decode("cm.yaml", []byte(in))
	require.NoError(t, err)
	data := objs[0].Content()["data"].(map[string]any)
	assert.Equal(t, "8080", data["quoted"])
	assert.Equal(t, "yes", data["word"], "YAML 1.2: yes is a string, as in Kubernetes")
	assert.Equal(t, "2024-01-02", data["date"], "timestamps stay strings")
	assert.Nil(t, data["nothing"])
	assert.Equal(t, int64(31), data["big"])
	assert.Equal(t, 1.5, data["float"])
	assert.Equal(t, true, data["flag"])
	assert.Equal(t, map[string]any{"x": int64(1), "y": int64(2)}, data["merged"])
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		line     int
		contains string
		notObj   bool
	}{
		{name: "syntax error", in: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n", line: 5, contains: "invalid YAML: mapping values are not allowed"},
		{name: "sequence document", in: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n- a\n- b\n", line: 6, contains: "the document is a sequence", notObj: true},
		{name: "scalar document", in: "just a string\n", line: 1, contains: "the document is a scalar", notObj: true},
		{name: "missing kind and name", in: "apiVersion: v1\nmetadata: {}\n", line: 1, contains: "missing kind, metadata.name", notObj: true},
		{name: "list item not a mapping", in: "apiVersion: v1\nkind: List\nitems:\n- 42\n", line: 4, contains: "list item 0 is not a mapping", notObj: true},
		{name: "duplicate key", in: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n", line: 5, contains: `duplicate key "name" (first set on line 4)`},
		{name: "non-string key", in: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n? [a, b]\n: c\n", line: 5, contains: "mapping key is a sequence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := manifest.Decode("bad.yaml", []byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, objs)
			var de *manifest.DecodeError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, "bad.yaml", de.File)
			assert.Equal(t, tt.line, de.Line)
			assert.Contains(t, err.Error(), tt.contains)
			assert.True(t, strings.HasPrefix(err.Error(), "bad.yaml:"), err.Error())
			assert.Equal(t, tt.notObj, errors.Is(err, manifest.ErrNotObject))
		})
	}
}

func TestDecodeBoundsAliasExpansion(t *testing.T) {
	// A "billion laughs" document: each level doubles the nodes.
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\na0: &a0 [x, x]\n")
	for i := 1; i <= 30; i++ {
		b.WriteString("a")
		b.WriteString(itoa(i))
		b.WriteString(": &a")
		b.WriteString(itoa(i))
		b.WriteString(" [*a")
		b.WriteString(itoa(i - 1))
		b.WriteString(", *a")
		b.WriteString(itoa(i - 1))
		b.WriteString("]\n")
	}
	_, err := manifest.Decode("lol.yaml", []byte(b.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "too many aliases")
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestDecodeEmpty(t *testing.T) {
	for _, in := range []string{"", "---\n", "# nothing\n", "---\n---\n...\n", "null\n"} {
		objs, err := manifest.Decode("empty.yaml", []byte(in))
		require.NoError(t, err, "%q", in)
		assert.Empty(t, objs, "%q", in)
	}
}

// TestDecodeLargeStreamsInParallel checks that a stream large enough to be
// decoded in parts gives the same objects and lines as one piece, and the
// same error when a part is broken.
func TestDecodeLargeStreamsInParallel(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 600<<10; i++ {
		b.WriteString("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p" + itoa(i) + "\n  annotations:\n    a: b\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n")
	}
	data := []byte(b.String())
	objs, err := manifest.Decode("big.yaml", data)
	require.NoError(t, err)
	require.Greater(t, len(objs), 1000)
	for i, o := range objs {
		line := 2 + i*11
		require.Equal(t, line, o.Origin().Line, o.ID().String())
		img, ok := o.FieldOrigin("/spec/containers/0/image")
		require.True(t, ok)
		require.Equal(t, line+9, img.Line)
	}
	broken := strings.Replace(b.String(), "  name: p900\n", "  name: p900\n   bad: indent\n", 1)
	_, err = manifest.Decode("big.yaml", []byte(broken))
	require.Error(t, err)
	var de *manifest.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, 900*11+6, de.Line, "the line in the whole stream")
}
