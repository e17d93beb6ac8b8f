package promote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/promote"
)

// configSchema compiles promote.ConfigSchema, offline.
func configSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(promote.ConfigSchema()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(promote.ConfigSchemaURL, doc))
	s, err := c.Compile(promote.ConfigSchemaURL)
	require.NoError(t, err)
	return s
}

// schemaCheck validates a ferry.yaml against the schema as an editor does:
// YAML read as JSON values.
func schemaCheck(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(data, &v))
	j, err := json.Marshal(v)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	require.NoError(t, err)
	return s.Validate(inst)
}

// TestConfigSchemaAcceptsEveryConfig: every ferry.yaml of the examples and
// the test data, and what ferry init writes, is valid under the schema.
func TestConfigSchemaAcceptsEveryConfig(t *testing.T) {
	s := configSchema(t)
	var files []string
	for _, dir := range []string{"../examples", "../testdata", "testdata"} {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == promote.ConfigFile {
				files = append(files, p)
			}
			return err
		}))
	}
	require.GreaterOrEqual(t, len(files), 10, "the examples and test data hold a dozen ferry.yaml files")
	for _, f := range files {
		t.Run(filepath.ToSlash(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			_, err = promote.ParseConfig(f, data)
			require.NoError(t, err)
			assert.NoError(t, schemaCheck(t, s, data))
		})
	}
	t.Run("ferry init", func(t *testing.T) {
		k := &fstest.MapFile{Data: []byte("resources: []\n")}
		cfg, err := promote.InitConfig(context.Background(), fstest.MapFS{
			"overlays/dev/kustomization.yaml":     k,
			"overlays/staging/kustomization.yaml": k,
			"overlays/canary/kustomization.yaml":  k,
		})
		require.NoError(t, err)
		cfg.Environments[0].KubernetesVersion = "1.31"
		data := promote.EncodeConfig(cfg)
		assert.True(t, strings.HasPrefix(string(data), "# yaml-language-server: $schema="+promote.ConfigSchemaURL+"\n"), "%s", data)
		assert.NoError(t, schemaCheck(t, s, data), "%s", data)
	})
}

// TestConfigSchemaRejects: the schema refuses what ParseConfig refuses —
// and, where YAML would read a value as another type, a little more.
func TestConfigSchemaRejects(t *testing.T) {
	s := configSchema(t)
	head := "apiVersion: ferry.dev/v1alpha1\nkind: Config\n"
	env := head + "environments:\n  - name: prod\n    path: overlays/prod\n"
	tests := []struct {
		name, in string
		// schemaOnly marks what the parser accepts and the schema does
		// not: the schema is stricter about types.
		schemaOnly bool
	}{
		{name: "wrong kind", in: "apiVersion: ferry.dev/v1alpha1\nkind: ConfigMap\n"},
		{name: "no apiVersion", in: "kind: Config\n"},
		{name: "unknown top-level field", in: head + "environment: []\n"},
		{name: "unknown environment field", in: env + "    namespace: prod\n"},
		{name: "environment without a path", in: head + "environments:\n  - name: prod\n"},
		{name: "path outside the repository", in: head + "environments:\n  - name: prod\n    path: ../prod\n"},
		{name: "absolute policy path", in: head + "policies: [/etc/policy]\n"},
		{name: "policy path outside", in: env + "    policies: [../shared/policy]\n"},
		{name: "policies not a list", in: env + "    policies: {dir: policy}\n"},
		{name: "unknown policy parameter", in: env + "    policy:\n      allowLatest: true\n"},
		{name: "block on fixed", in: env + "    blockOn: [fixed]\n"},
		{name: "freeze window field", in: env + "    freeze:\n      - start: 2027-01-01\n        until: 2027-01-02\n"},
		{name: "freeze window not a time", in: env + "    freeze:\n      - start: 2027-01-01\n        end: tomorrow\n"},
		{name: "source key", in: head + "sources:\n  apps: apps\n"},
		{name: "unquoted Kubernetes version", in: env + "    kubernetesVersion: 1.30\n", schemaOnly: true},
		{name: "boolean as yes", in: env + "    policy:\n      allowPrerelease: yes\n", schemaOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Error(t, schemaCheck(t, s, []byte(tt.in)))
			_, err := promote.ParseConfig(promote.ConfigFile, []byte(tt.in))
			if tt.schemaOnly {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// TestConfigSchemaMatchesConfig: the schema describes exactly the fields
// ParseConfig accepts (it decodes strictly into promote.Config): each
// object of the schema forbids other properties, and its properties are
// the YAML names of the Go struct's fields, level by level.
func TestConfigSchemaMatchesConfig(t *testing.T) {
	var root map[string]any
	require.NoError(t, json.Unmarshal(promote.ConfigSchema(), &root))
	resolve := func(n map[string]any) map[string]any {
		if ref, ok := n["$ref"].(string); ok {
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			require.True(t, ok, ref)
			def, ok := root["$defs"].(map[string]any)[name].(map[string]any)
			require.True(t, ok, "no definition %s", name)
			return def
		}
		return n
	}
	timeType := reflect.TypeFor[time.Time]()
	var walk func(where string, typ reflect.Type, node map[string]any)
	walk = func(where string, typ reflect.Type, node map[string]any) {
		node = resolve(node)
		switch {
		case typ.Kind() == reflect.Slice:
			items, ok := node["items"].(map[string]any)
			require.True(t, ok, "%s: the schema has no items", where)
			walk(where+"[]", typ.Elem(), items)
			return
		case typ.Kind() != reflect.Struct || typ == timeType:
			return
		}
		assert.Equal(t, false, node["additionalProperties"], "%s: the schema allows unknown fields, which ParseConfig refuses", where)
		props, _ := node["properties"].(map[string]any)
		var fields []string
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			require.NotEmpty(t, name, "%s.%s has no yaml tag", where, f.Name)
			fields = append(fields, name)
			if p, ok := props[name].(map[string]any); ok {
				walk(where+"."+name, f.Type, p)
			}
		}
		slices.Sort(fields)
		var inSchema []string
		for name := range props {
			inSchema = append(inSchema, name)
		}
		slices.Sort(inSchema)
		assert.Equal(t, fields, inSchema, "%s: the fields of %s and the properties of the schema differ", where, typ)
	}
	walk("ferry.yaml", reflect.TypeFor[promote.Config](), root)
}
