package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ferrygitops/ferry/manifest"
)

// tricky holds values whose JSON round trip changes their type or form.
const tricky = `apiVersion: v1
kind: ConfigMap
metadata:
  name: tricky
  annotations:
    a: "1"
spec:
  int: 42
  negative: -7
  hex: 0x1F
  octal: 0o17
  underscore: 1_000
  big: 9223372036854775807
  bigger: 9223372036854775808
  huge: 18446744073709551616
  float: 1.5
  integral-float: 3.0
  negative-zero: -0.0
  exp: 1e3
  large-exp: 1e21
  tiny: 1e-7
  date: 2024-10-01
  datetime: 2001-12-14t21:59:43.10-05:00
  quoted-date: "2024-10-01"
  bool: true
  null-value: null
  tilde: ~
  empty:
  list: [1, "2", 3.5, {x: 1e2}]
  nested: {deeper: {deepest: [true, null, 2020-01-01]}}
  anchor: &a {k: 1}
  alias: *a
  merged:
    <<: *a
    j: 2
  binary: !!binary aGVsbG8=
  str-tag: !!str 123
  unicode: "héllo ✓ 🚀"
  above-2-53: 1152921504606846976.0
  shortest-differs: 1.2345678901234568e18
  min-int64-float: -9223372036854775808.0
  below-min-int64: -9223372036854775809
  max-uint64: 18446744073709551615
  float-2-63: 9223372036854775808.0
`

// TestObjectOfMatchesTheJSONRoundTrip: converting a built resource's node
// directly gives the content a JSON round trip gives, for every YAML
// document of the package's fixtures and the examples, and for values
// chosen to trip it.
func TestObjectOfMatchesTheJSONRoundTrip(t *testing.T) {
	streams := map[string][]byte{"tricky": []byte(tricky)}
	for _, root := range []string{"testdata", filepath.Join("..", "examples")} {
		require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || (filepath.Ext(p) != ".yaml" && filepath.Ext(p) != ".yml") {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil {
				streams[p] = data
			}
			return err
		}))
	}
	checked := 0
	seen := map[string]bool{}
	for name, data := range streams {
		nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
		if err != nil {
			continue // not every fixture is valid YAML on purpose
		}
		for _, rn := range nodes {
			if rn.YNode().Kind != kyaml.MappingNode || rn.GetKind() == "" || rn.GetName() == "" || rn.GetApiVersion() == "" {
				continue
			}
			js, err := rn.MarshalJSON()
			if err != nil {
				continue
			}
			want, err := manifest.FromJSON(js, manifest.Origin{})
			if err != nil {
				continue
			}
			got, err := objectOf(rn, manifest.Origin{})
			require.NoError(t, err, "%s: %s", name, rn.GetName())
			assert.Equal(t, want.Content(), got.Content(), "%s: %s", name, rn.GetName())
			checked++
			seen[name] = true
		}
	}
	assert.Greater(t, checked, 100, "documents compared")
	assert.True(t, seen["tricky"], "the tricky document was compared")
	t.Logf("%d documents compared", checked)
}

// TestObjectOfTakesTheDetourWhenItMust: for values the direct conversion
// does not know or JSON cannot hold (non-string keys, a time at +24:00),
// objectOf answers as kyaml's JSON encoding does: an error.
func TestObjectOfTakesTheDetourWhenItMust(t *testing.T) {
	for _, data := range []string{"  1: one\n  2: two\n", "  when: 2001-12-14t21:59:43.10+24:00\n"} {
		rn, err := kyaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\ndata:\n" + data)
		require.NoError(t, err)
		_, jsonErr := rn.MarshalJSON()
		require.Error(t, jsonErr, data)
		_, err = objectOf(rn, manifest.Origin{})
		assert.EqualError(t, err, jsonErr.Error(), data)
	}
}
