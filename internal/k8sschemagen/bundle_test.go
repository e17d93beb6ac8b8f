package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// generate runs the generator on the test spec, as two versions.
func generate(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bundle.json.gz")
	spec := filepath.Join("testdata", "swagger.json")
	var log bytes.Buffer
	require.NoError(t, run([]string{"-o", out, "-swagger", "1.30=" + spec, "-swagger", "1.31=" + spec}, &log), log.String())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data
}

func TestGenerate(t *testing.T) {
	data := generate(t)
	assert.Equal(t, data, generate(t), "the output is deterministic")

	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	var b bundle
	require.NoError(t, json.Unmarshal(raw, &b))
	assert.Equal(t, b.Versions["1.30"].Definitions, b.Versions["1.31"].Definitions, "identical specs share every schema")
	assert.Equal(t, map[string]string{"example.k8s.io/v1/Widget": "io.k8s.api.example.v1.Widget", "v1/Thing": "io.k8s.api.core.v1.Thing"},
		b.Versions["1.30"].Kinds, "lists and apimachinery types are not kinds")

	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, raw, "", "  "))
	pretty.WriteByte('\n')
	golden := filepath.Join("testdata", "bundle.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, pretty.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./internal/k8sschemagen -update to create the golden file")
	assert.Equal(t, string(want), pretty.String())
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"definitions": {"a": {"properties": {"b": {"$ref": "#/definitions/missing"}}, "x-kubernetes-group-version-kind": [{"group": "g", "kind": "A", "version": "v1"}]}}}`), 0o644))
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{name: "no output", args: []string{"v1.30.1"}, contains: "-o is required"},
		{name: "no versions", args: []string{"-o", filepath.Join(dir, "o")}, contains: "no versions given"},
		{name: "not a release", args: []string{"-o", filepath.Join(dir, "o"), "master"}, contains: `version "master": want a release`},
		{name: "bad swagger flag", args: []string{"-o", filepath.Join(dir, "o"), "-swagger", "x"}, contains: "want MINOR=FILE"},
		{name: "dangling reference", args: []string{"-o", filepath.Join(dir, "o"), "-swagger", "1.30=" + bad}, contains: "reference to undefined missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.contains)
		})
	}
}
