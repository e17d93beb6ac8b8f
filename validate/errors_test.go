package validate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

func TestNewErrors(t *testing.T) {
	badPattern := decode(t, `apiVersion: apiextensions.k8s.io/v1
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
            spec: {type: string, pattern: "(["}
`)
	withRef := decode(t, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  versions:
    - name: v1
      served: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {$ref: "file:///etc/passwd"}
`)
	noGroup := decode(t, "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec: {names: {kind: X}}\n")
	tests := []struct {
		name     string
		opts     validate.Options
		contains string
		is       error
	}{
		{name: "unknown version", opts: validate.Options{KubernetesVersion: "1.23"}, contains: `Kubernetes version "1.23" is not supported: supported versions are 1.24, 1.25,`},
		{name: "future version", opts: validate.Options{KubernetesVersion: "1.99"}, contains: "supported versions are 1.24,"},
		{name: "not a version", opts: validate.Options{KubernetesVersion: "latest"}, contains: `Kubernetes version "latest" is not supported`},
		{name: "CRD whose schema does not compile", opts: validate.Options{CRDs: badPattern}, contains: "schema of example.com/v1 Widget from CustomResourceDefinition widgets.example.com"},
		{name: "CRD with a reference", opts: validate.Options{CRDs: withRef}, contains: "$ref is not allowed in CRD schemas"},
		{name: "CRD without group", opts: validate.Options{CRDs: noGroup}, contains: "CustomResourceDefinition x (in.yaml:1): spec.group and spec.names.kind are required"},
		{name: "missing schema location", opts: validate.Options{SchemaLocations: []string{filepath.Join(t.TempDir(), "nope", "{{ .ResourceKind }}.json")}}, contains: "no such file or directory"},
		{name: "schema location that is a file", opts: validate.Options{SchemaLocations: []string{filepath.Join("testdata", "parity", "valid.yaml", "{{ .ResourceKind }}.json")}}, contains: "not a directory"},
		{name: "bad template", opts: validate.Options{SchemaLocations: []string{filepath.Join(t.TempDir(), "{{ .Nope }}.json")}}, contains: "failed initialising schema location registry"},
		{name: "kubeconform's remote default", opts: validate.Options{SchemaLocations: []string{"default"}}, contains: "kubeconform's default location is remote"},
		{name: "http without AllowNetwork", opts: validate.Options{SchemaLocations: []string{"https://example.com/schemas/{{ .ResourceKind }}.json"}}, is: validate.ErrNetworkRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := validate.New(tt.opts)
			require.Error(t, err)
			assert.Nil(t, v)
			if tt.contains != "" {
				assert.Contains(t, err.Error(), tt.contains)
			}
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Regexp(t, "^validate: ", err.Error())
		})
	}
}

func TestUnsupportedVersionError(t *testing.T) {
	_, err := validate.New(validate.Options{KubernetesVersion: "v1.20.4"})
	var uv *validate.UnsupportedVersionError
	require.True(t, errors.As(err, &uv), "%v", err)
	assert.Equal(t, "v1.20.4", uv.Version)
	assert.Equal(t, validate.SupportedVersions(), uv.Supported)
}

func TestAllowNetworkAcceptsRemoteLocation(t *testing.T) {
	// Accepting the location fetches nothing: schemas are only looked up
	// for objects no embedded schema or CRD covers, and there are none.
	v, err := validate.New(validate.Options{AllowNetwork: true, SchemaLocations: []string{"https://example.invalid/{{ .ResourceKind }}.json"}})
	require.NoError(t, err)
	fs, err := v.Validate(context.Background(), decode(t, deployment))
	require.NoError(t, err)
	assert.Empty(t, fs)
}

func TestSchemaLocations(t *testing.T) {
	dir := t.TempDir()
	schema := `{"type": "object", "required": ["spec"], "properties": {
	  "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
	  "spec": {"type": "object", "properties": {"size": {"enum": ["small", "large"]}}, "additionalProperties": false}}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "widget-example-v1.json"), []byte(schema), 0o644))
	strictDir := filepath.Join(dir, "v1.33.2-standalone-strict")
	require.NoError(t, os.Mkdir(strictDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(strictDir, "gadget-example-v1.json"), []byte(schema), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken-example-v1.json"), []byte("{"), 0o644))

	in := decode(t, `apiVersion: example.com/v1
kind: Widget
metadata: {name: ok}
spec: {size: small}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: bad}
spec: {size: medium, colour: red}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
spec: {size: huge}
`)
	v, err := validate.New(validate.Options{
		KubernetesVersion: "1.33.2",
		SchemaLocations:   []string{filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json"), dir},
	})
	require.NoError(t, err)
	fs, err := v.Validate(context.Background(), in)
	require.NoError(t, err)
	assertFindings(t, []brief{
		{Rule: "schema", Object: "example.com/Widget/bad", Field: "/spec/colour", Message: `unknown field "colour"`},
		{Rule: "schema", Object: "example.com/Widget/bad", Field: "/spec/size", Message: "value must be one of"},
		{Rule: "schema", Object: "example.com/Gadget/g", Field: "/spec/size", Message: "value must be one of 'small', 'large'"},
	}, fs)

	broken := decode(t, "apiVersion: example.com/v1\nkind: Broken\nmetadata: {name: b}\n")
	_, err = v.Validate(context.Background(), broken)
	require.Error(t, err, "an unreadable schema is a failure to run, not a finding")
	assert.Contains(t, err.Error(), "validate example.com/Broken/b: schema location")
}

func TestLoadCRDsErrors(t *testing.T) {
	ctx := context.Background()
	_, err := validate.LoadCRDs(ctx, filepath.Join("testdata", "nope"))
	assert.ErrorContains(t, err, "load CRDs testdata/nope")
	_, err = validate.LoadCRDs(ctx, filepath.Join("testdata", "parity", "valid.yaml"))
	assert.ErrorContains(t, err, "no CustomResourceDefinition found")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("a: [\n"), 0o644))
	_, err = validate.LoadCRDs(ctx, dir)
	var de *manifest.DecodeError
	assert.ErrorAs(t, err, &de)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = validate.LoadCRDs(cancelled, filepath.Join("testdata", "crds", "flux"))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDecodeFinding(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rule string
		line int
	}{
		{name: "duplicate key", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: b\n  a: c\n", rule: "duplicate-key", line: 6},
		{name: "malformed YAML", in: "apiVersion: v1\nkind: [\n", rule: "invalid-yaml", line: 2},
		{name: "not an object", in: "- a\n- b\n", rule: "not-an-object", line: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := manifest.Decode("in.yaml", []byte(tt.in))
			require.Error(t, err)
			f, ok := validate.DecodeFinding(err)
			require.True(t, ok)
			assert.Equal(t, tt.rule, f.Rule)
			assert.Equal(t, manifest.Origin{File: "in.yaml", Line: tt.line}, f.Source)
		})
	}
	_, ok := validate.DecodeFinding(errors.New("other"))
	assert.False(t, ok)
}
