package validate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
	"github.com/ferrygitops/ferry/validate"
)

const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            metadata:
              type: object
              properties:
                name: {type: string, maxLength: 8}
            spec:
              type: object
              required: [size]
              properties:
                size: {type: string, enum: [small, large]}
                port: {x-kubernetes-int-or-string: true}
                note: {type: string, nullable: true}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {known: {type: integer}}}
                pod: {type: object, x-kubernetes-embedded-resource: true, properties: {spec: {type: object}}}
              anyOf:
                - properties: {size: {enum: [small]}}
                - required: [port]
    - name: v0
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
---
`

func TestCustomResources(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []brief
	}{
		{name: "valid", in: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: small, port: web, note: null, extra: {anything: [1], known: 2}, pod: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {}}}\n"},
		{
			name: "bad enum",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: medium, port: 1}\n",
			want: []brief{{Rule: "schema", Object: "example.com/Widget/w", Field: "/spec/size", Message: "value must be one of 'small', 'large'"}},
		},
		{
			name: "int-or-string",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: small, port: 1.5}\n",
			want: []brief{{Rule: "schema", Object: "example.com/Widget/w", Field: "/spec/port", Message: "got number, want integer or string"}},
		},
		{
			name: "preserve-unknown-fields keeps known fields typed",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: small, extra: {known: x}}\n",
			want: []brief{{Rule: "schema", Object: "example.com/Widget/w", Field: "/spec/extra/known", Message: "got string, want integer"}},
		},
		{
			name: "unknown fields at every level",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, lables: {a: b}}\nspec: {size: small, colour: red}\nstatuss: {}\n",
			want: []brief{
				{Rule: "schema", Object: "example.com/Widget/w", Field: "/metadata/lables", Message: `unknown field "lables"`},
				{Rule: "schema", Object: "example.com/Widget/w", Field: "/spec/colour", Message: `unknown field "colour"`},
				{Rule: "schema", Object: "example.com/Widget/w", Field: "/statuss", Message: `unknown field "statuss"`},
			},
		},
		{
			name: "metadata constraints of the CRD",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: much-too-long}\nspec: {size: small}\n",
			want: []brief{{Rule: "schema", Object: "example.com/Widget/much-too-long", Field: "/metadata/name", Message: "maxLength: got 13, want 8"}},
		},
		{
			name: "junctors do not forbid fields",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: large}\n",
			want: []brief{{Rule: "schema", Object: "example.com/Widget/w", Field: "/spec", Message: "'anyOf' failed: /spec/size: value must be 'small'; /spec: missing property 'port'"}},
		},
		{
			name: "version not served",
			in:   "apiVersion: example.com/v0\nkind: Widget\nmetadata: {name: w}\n",
			want: []brief{{Rule: "missing-schema", Object: "example.com/Widget/w", Message: "no schema for example.com/v0 Widget"}},
		},
	}
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Validate(context.Background(), decode(t, widgetCRD+tt.in))
			require.NoError(t, err)
			assertFindings(t, tt.want, got)
		})
	}
}

func TestCRDsFromOptions(t *testing.T) {
	crds := decode(t, widgetCRD)
	v, err := validate.New(validate.Options{CRDs: crds})
	require.NoError(t, err)
	got, err := v.Validate(context.Background(), decode(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: huge, port: 1}\n"))
	require.NoError(t, err)
	assertFindings(t, []brief{{Rule: "schema", Object: "example.com/Widget/w", Field: "/spec/size", Message: "value must be one of"}}, got)

	lax, err := validate.New(validate.Options{CRDs: crds, Lax: true})
	require.NoError(t, err)
	got, err = lax.Validate(context.Background(), decode(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: small, colour: red}\n"))
	require.NoError(t, err)
	assert.Empty(t, got, "lax validation accepts unknown fields of custom resources")
}

func TestInvalidCRDInInput(t *testing.T) {
	in := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: string, pattern: "(["}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
spec: x
`
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	got, err := v.Validate(context.Background(), decode(t, in))
	require.NoError(t, err)
	assertFindings(t, []brief{
		{Rule: "invalid-crd", Object: "apiextensions.k8s.io/CustomResourceDefinition/gadgets.example.com", Field: "/spec", Message: "schema of example.com/v1 Gadget from CustomResourceDefinition gadgets.example.com"},
		{Rule: "missing-schema", Object: "example.com/Gadget/g", Message: "cannot check against schema of example.com/v1 Gadget"},
	}, got)
}

// TestFluxExample validates the rendered clusters/ and infrastructure/
// folders of the shop example with the Flux CRD fixtures, with the embedded
// Flux schemas alone, and with neither; the clusters render the CRDs
// themselves.
func TestFluxExample(t *testing.T) {
	ctx := context.Background()
	crds, err := validate.LoadCRDs(ctx, filepath.Join("testdata", "crds", "flux"))
	require.NoError(t, err)
	require.Len(t, crds, 4)
	v, err := validate.New(validate.Options{CRDs: crds})
	require.NoError(t, err)
	embedded, err := validate.New(validate.Options{})
	require.NoError(t, err)
	strict, err := validate.New(validate.Options{NoToolchainSchemas: true})
	require.NoError(t, err)
	r, err := render.New(render.Options{})
	require.NoError(t, err)
	for _, dir := range []string{"clusters/dev", "clusters/staging", "clusters/production", "infrastructure/production"} {
		t.Run(dir, func(t *testing.T) {
			res, err := r.Render(ctx, filepath.Join("..", "examples", "shop", filepath.FromSlash(dir)))
			require.NoError(t, err)
			got, err := v.Validate(ctx, res.Objects)
			require.NoError(t, err)
			assert.Empty(t, got, "the example is valid once its CRDs are given")

			withEmbedded, err := embedded.Validate(ctx, res.Objects)
			require.NoError(t, err)
			assert.Empty(t, withEmbedded, "the embedded Flux schemas cover the example")

			without, err := strict.Validate(ctx, res.Objects)
			require.NoError(t, err)
			if strings.HasPrefix(dir, "clusters/") {
				// A cluster renders its Flux CRDs too (flux-system).
				assert.Empty(t, without, "the CRDs among the objects are used")
				return
			}
			require.NotEmpty(t, without)
			for _, f := range without {
				assert.Equal(t, "missing-schema", f.Rule, "%s", f)
			}
		})
	}
}

// TestHugeCRDSchemasAreRefused: a CRD schema nested thousands of levels
// deep, or with a hundred thousand properties, is refused with an error
// naming the CRD, instead of compiling for minutes; the bounds are options.
func TestHugeCRDSchemasAreRefused(t *testing.T) {
	crd := func(name string, schema map[string]any) *manifest.Object {
		t.Helper()
		o, err := manifest.New(map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"metadata": map[string]any{"name": strings.ToLower(name) + "s.example.com"},
			"spec": map[string]any{
				"group": "example.com", "scope": "Namespaced",
				"names":    map[string]any{"kind": name, "plural": strings.ToLower(name) + "s"},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true, "schema": map[string]any{"openAPIV3Schema": schema}}},
			},
		}, manifest.Origin{File: "crds/" + name + ".yaml", Line: 1})
		require.NoError(t, err)
		return o
	}
	deep := map[string]any{"type": "string"}
	for range 3000 {
		deep = map[string]any{"type": "object", "properties": map[string]any{"a": deep}}
	}
	props := map[string]any{}
	for i := range 100000 {
		props[fmt.Sprintf("p%d", i)] = map[string]any{"type": "string"}
	}
	wide := map[string]any{"type": "object", "properties": props}

	_, err := validate.New(validate.Options{CRDs: []*manifest.Object{crd("Deep", deep)}})
	require.Error(t, err)
	assert.ErrorContains(t, err, "CustomResourceDefinition deeps.example.com (crds/Deep.yaml:1): version v1: the schema nests deeper than 100 levels")
	_, err = validate.New(validate.Options{CRDs: []*manifest.Object{crd("Wide", wide)}})
	require.Error(t, err)
	assert.ErrorContains(t, err, "CustomResourceDefinition wides.example.com (crds/Wide.yaml:1): version v1: the schema has more than 20000 subschemas")

	// In the input, such a CRD is an invalid-crd finding; the rest is checked.
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	got, err := v.Validate(context.Background(), []*manifest.Object{crd("Deep", deep)})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "invalid-crd", got[0].Rule)
	assert.Contains(t, got[0].Message, "nests deeper than 100 levels")

	// The bounds are the caller's to set.
	deeper := map[string]any{"type": "string"}
	for range 150 {
		deeper = map[string]any{"type": "object", "properties": map[string]any{"a": deeper}}
	}
	_, err = validate.New(validate.Options{CRDs: []*manifest.Object{crd("Deep", deeper)}})
	assert.ErrorContains(t, err, "nests deeper than 100 levels")
	_, err = validate.New(validate.Options{CRDs: []*manifest.Object{crd("Deep", deeper)}, MaxCRDSchemaDepth: 200})
	assert.NoError(t, err)
	_, err = validate.New(validate.Options{CRDs: []*manifest.Object{crd("Deep", deeper)}, MaxCRDSchemaNodes: 100})
	assert.ErrorContains(t, err, "more than 100 subschemas")
}
