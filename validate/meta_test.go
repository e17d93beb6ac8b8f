package validate_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

func TestObjectMeta(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []brief
	}{
		{
			name: "Service names are DNS-1035 labels",
			in:   "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\n",
			want: []brief{{Rule: "invalid-name", Object: "Service/1web", Field: "/metadata/name", Message: "needs a DNS-1035 label"}},
		},
		{
			name: "Namespace names are DNS-1123 labels",
			in:   "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop.eu}\n",
			want: []brief{{Rule: "invalid-name", Object: "Namespace/shop.eu", Field: "/metadata/name", Message: "needs a DNS-1123 label"}},
		},
		{name: "other names are DNS-1123 subdomains", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shop.eu}\n"},
		{
			name: "upper case",
			in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Settings}\n",
			want: []brief{{Rule: "invalid-name", Object: "ConfigMap/Settings", Field: "/metadata/name", Message: "needs a DNS-1123 subdomain"}},
		},
		{name: "RBAC names are path segments", in: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: \"system:view\"}\n"},
		{
			name: "RBAC names without slashes",
			in:   "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a/b}\n",
			want: []brief{{Rule: "invalid-name", Object: "rbac.authorization.k8s.io/ClusterRole/a/b", Field: "/metadata/name", Message: "may not contain '/'"}},
		},
		{
			name: "CronJob names leave room for Job suffixes",
			in:   "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: " + strings.Repeat("a", 53) + "}\nspec: {schedule: '@daily', jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: a}]}}}}}\n",
			want: []brief{{Rule: "invalid-name", Object: "batch/CronJob/" + strings.Repeat("a", 53), Field: "/metadata/name", Message: "no more than 52 characters"}},
		},
		{
			name: "namespace",
			in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: Shop}\n",
			want: []brief{{Rule: "invalid-name", Object: "ConfigMap/Shop/a", Field: "/metadata/namespace", Message: `namespace "Shop" is not a DNS-1123 label`}},
		},
		{
			name: "labels and selectors",
			in:   "apiVersion: v1\nkind: Service\nmetadata: {name: a, labels: {\"-bad\": ok, good: \"not ok\"}}\nspec: {selector: {app: \"x y\"}}\n",
			want: []brief{
				{Rule: "invalid-label", Object: "Service/a", Field: "/metadata/labels/-bad", Message: `label key "-bad" is not valid`},
				{Rule: "invalid-label", Object: "Service/a", Field: "/metadata/labels/good", Message: `label value "not ok" of "good" is not valid`},
				{Rule: "invalid-label", Object: "Service/a", Field: "/spec/selector/app", Message: `label value "x y" of "app" is not valid`},
			},
		},
		{
			name: "annotation keys",
			in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, annotations: {\"example.com/Ok\": x, \"a b\": y}}\n",
			want: []brief{{Rule: "invalid-annotation", Object: "ConfigMap/a", Field: "/metadata/annotations/a b", Message: `annotation key "a b" is not valid`}},
		},
		{
			name: "annotations too large",
			in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, annotations: {big: " + strings.Repeat("x", 256*1024) + "}}\n",
			want: []brief{{Rule: "annotations-too-large", Object: "ConfigMap/a", Field: "/metadata/annotations", Message: "more than the API server's limit of 262144 (256 KiB)"}},
		},
		{
			name: "CRD names",
			in:   "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widget.example.com}\nspec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced, versions: [{name: v1, served: true, storage: true}]}\n",
			want: []brief{{Rule: "invalid-name", Object: "apiextensions.k8s.io/CustomResourceDefinition/widget.example.com", Field: "/metadata/name", Message: `"widgets.example.com"`}},
		},
		{
			name: "duplicate objects",
			in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
			want: []brief{{Rule: "duplicate-object", Object: "ConfigMap/a", Message: "ConfigMap/a is defined twice: first at in.yaml:1"}},
		},
	}
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Validate(context.Background(), decode(t, tt.in))
			require.NoError(t, err)
			assertFindings(t, tt.want, got)
		})
	}
}

// TestSourceLines checks that findings point at the line of the offending
// field when the source is readable, and fall back to the object's line
// when the value in the file is not the value checked.
func TestSourceLines(t *testing.T) {
	const file = `# comment
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: ok
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
        - port: 80
          targetPort: true
          nodePort: x
`
	fsys := fstest.MapFS{"apps/list.yaml": {Data: []byte(file)}}
	objs, err := manifest.Decode("apps/list.yaml", []byte(file))
	require.NoError(t, err)
	require.Len(t, objs, 2)
	// A patch elsewhere changed nodePort; the file no longer holds the value
	// checked, so that finding stays on the object's line. targetPort is
	// recorded as set by an overlay.
	content := objs[1].DeepCopyContent()
	content["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["nodePort"] = "patched"
	svc, err := manifest.New(content, objs[1].Origin())
	require.NoError(t, err)
	overlay := manifest.Origin{File: "overlays/prod/patch.yaml", Line: 7}
	svc = svc.WithFieldOrigins(map[string]manifest.Origin{"/spec/ports/0/targetPort": overlay})

	tests := []struct {
		name    string
		sources bool
		want    []manifest.Origin
	}{
		{name: "with sources", sources: true, want: []manifest.Origin{{File: "apps/list.yaml", Line: 9}, overlay}},
		{name: "without sources", want: []manifest.Origin{{File: "apps/list.yaml", Line: 9}, overlay}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := validate.Options{}
			if tt.sources {
				opts.Sources = fsys
			}
			v, err := validate.New(opts)
			require.NoError(t, err)
			got, err := v.Validate(context.Background(), []*manifest.Object{objs[0], svc})
			require.NoError(t, err)
			var sources []manifest.Origin
			for _, f := range got {
				sources = append(sources, f.Source)
			}
			assert.ElementsMatch(t, tt.want, sources, "%v", got)
		})
	}

	v, err := validate.New(validate.Options{Sources: fsys})
	require.NoError(t, err)
	got, err := v.Validate(context.Background(), objs)
	require.NoError(t, err)
	require.Len(t, got, 2, "%v", got)
	assert.Equal(t, manifest.Origin{File: "apps/list.yaml", Line: 16}, got[0].Source, "%s", got[0])
	assert.Equal(t, manifest.Origin{File: "apps/list.yaml", Line: 17}, got[1].Source, "%s", got[1])
}
