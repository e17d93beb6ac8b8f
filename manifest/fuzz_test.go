package manifest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
)

// FuzzDecode checks that Decode never panics, that every error is a
// [*manifest.DecodeError] naming the file with a line inside the input, and
// that what it decodes survives EncodeYAML and a second Decode unchanged:
// same IDs, same content.
func FuzzDecode(f *testing.F) {
	addYAMLFiles(f, "../examples", "../render/testdata", "../validate/testdata")
	for _, s := range []string{
		"", "---\n", "# c\n", "null\n", "[]\n", "a: b\n", "apiVersion: v1\n",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- 1\n",
		"apiVersion: v1\nkind: ConfigMapList\nitems: []\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: {<<: *m}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: .nan, y: -0, z: 1e400, w: 0x1F, v: 0o17}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}\n",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: !!binary aGk=}\nstringData: {t: 2001-12-14t21:59:43.10-05:00}\n",
		"a: &a [*a]\n", "? [a]\n: b\n", "\ufeffapiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "dir/in.yaml"
		objs, err := manifest.Decode(file, data)
		if err != nil {
			var de *manifest.DecodeError
			require.True(t, errors.As(err, &de), "error %q is a %T, want a *manifest.DecodeError", err, err)
			require.Equal(t, file, de.File)
			require.GreaterOrEqual(t, de.Line, 0)
			require.LessOrEqual(t, de.Line, bytes.Count(data, []byte("\n"))+1, "%q", err)
			require.True(t, strings.HasPrefix(err.Error(), file+":"), "%q", err)
			require.Nil(t, objs)
			return
		}
		for _, o := range objs {
			require.Equal(t, file, o.Origin().File)
			require.Positive(t, o.Origin().Line)
			require.NotEmpty(t, o.Kind())
			require.NotEmpty(t, o.APIVersion())
		}

		var buf bytes.Buffer
		if err := manifest.EncodeYAML(&buf, objs); err != nil {
			// JSON has no NaN or infinity; nothing else may fail.
			require.True(t, hasNonFinite(objs), "encode %q: %v", data, err)
			return
		}
		again, err := manifest.Decode("again.yaml", buf.Bytes())
		require.NoError(t, err, "decode of the encoding %q", buf.String())
		require.Len(t, again, len(objs), "%q", buf.String())
		for i := range objs {
			require.Equal(t, objs[i].ID(), again[i].ID())
			require.JSONEq(t, jsonOf(t, objs[i]), jsonOf(t, again[i]), "%q", buf.String())
		}
	})
}

// jsonOf returns the object's content as JSON, numbers as JSON writes
// them, so that 1.0 and 1 compare equal.
func jsonOf(t *testing.T, o *manifest.Object) string {
	t.Helper()
	js, err := json.Marshal(o.Content())
	require.NoError(t, err)
	return string(js)
}

// hasNonFinite reports whether any object holds a NaN or infinite number.
func hasNonFinite(objs []*manifest.Object) bool {
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case float64:
			return math.IsNaN(v) || math.IsInf(v, 0)
		case map[string]any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	for _, o := range objs {
		if walk(o.Content()) {
			return true
		}
	}
	return false
}

// addYAMLFiles adds every YAML file up to 16 KiB under the directories to
// the seed corpus, in lexical order.
func addYAMLFiles(f *testing.F, dirs ...string) {
	f.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil && len(data) <= 16<<10 {
				f.Add(data)
			}
			return err
		})
		require.NoError(f, err)
	}
}
