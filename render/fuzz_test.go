package render

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fluxcd/pkg/envsubst"
	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ferrygitops/ferry/manifest"
)

// FuzzSubstitute runs Flux post-build substitution on arbitrary objects and
// a data value, with the variables cluster and VAR set, and checks that it
// never panics; that an object whose YAML holds no "$" comes back
// unchanged; that a value written as a plain YAML string substitutes
// exactly as github.com/fluxcd/pkg/envsubst does on the string itself
// (so $${var} and $$ are escapes); and that in strict mode a reference to
// an unset variable is an error naming it.
func FuzzSubstitute(f *testing.F) {
	err := filepath.WalkDir("testdata/flux", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil && len(data) <= 16<<10 {
			f.Add(data, "${cluster}-${VAR:=x}", "prod", false)
		}
		return err
	})
	require.NoError(f, err)
	for _, s := range []string{"${VAR}", "$${VAR}", "$$VAR", "$VAR", "${VAR:=d}", "${unset}", "${unset:-x}", "${VAR:1:2}",
		"${VAR/a/b}", "${#VAR}", "${VAR^^}", "${", "${}", "${VAR", "$", "$$", "a${cluster}b", "${VAR:=${cluster}}", "\\${VAR}"} {
		f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: x\n"), s, "v", true)
		f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"), s, "a: b", false)
	}
	f.Fuzz(func(t *testing.T, doc []byte, value, varValue string, strict bool) {
		objs, err := manifest.Decode("in.yaml", doc)
		if err != nil || len(objs) == 0 {
			return
		}
		vars := map[string]string{"cluster": "prod", "VAR": strings.ReplaceAll(varValue, "\n", "")}
		lookup := func(name string) (string, bool) {
			v, ok := vars[name]
			return v, ok || !strict
		}
		for _, o := range objs {
			content := o.DeepCopyContent()
			text, err := sigsyaml.Marshal(content)
			if err != nil {
				// Not printable as YAML (a control character): Flux cannot
				// substitute it either, and neither may ferry.
				_, err = substitute(content, vars, strict, DefaultMaxSubstitutedSize)
				require.Error(t, err)
				continue
			}
			got, err := substitute(content, vars, strict, DefaultMaxSubstitutedSize)
			if !strings.Contains(string(text), "$") {
				require.NoError(t, err, "%s", text)
				require.JSONEq(t, jsonText(t, content), jsonText(t, got))
			}
			if err != nil {
				requireNamesUnset(t, err, string(text), vars, strict)
			}

			// One data value, written plain, substitutes as the string does.
			content = o.DeepCopyContent()
			content["data"] = map[string]any{"k": value}
			text, err = sigsyaml.Marshal(content)
			if err != nil {
				_, err = substitute(content, vars, strict, DefaultMaxSubstitutedSize)
				require.Error(t, err)
				continue
			}
			if !strings.Contains(string(text), "\n  k: "+value+"\n") || strings.Count(string(text), "$") != strings.Count(value, "$") {
				continue // quoted or escaped in YAML, or other fields refer to variables
			}
			want, werr := envsubst.Eval(value, lookup)
			got, err = substitute(content, vars, strict, DefaultMaxSubstitutedSize)
			if werr != nil {
				require.Error(t, err, "envsubst refuses %q: %v", value, werr)
				requireNamesUnset(t, err, string(text), vars, strict)
				continue
			}
			if !readsAsPlainString(want) {
				continue // the substituted text changes the YAML's structure, as it would in Flux
			}
			require.NoError(t, err, "%q → %q", value, want)
			data, _ := got["data"].(map[string]any)
			require.Equal(t, want, data["k"], "%q", value)
		}
	})
}

// requireNamesUnset checks that a substitution error in strict mode names
// a variable the text refers to that is not set.
func requireNamesUnset(t *testing.T, err error, text string, vars map[string]string, strict bool) {
	t.Helper()
	if !strict || !strings.Contains(err.Error(), "variable not set") {
		return
	}
	// Any ${name, digits first too: envsubst, as Flux runs it, reads ${00}
	// as a variable named 00.
	for _, m := range anyVarRef.FindAllStringSubmatch(text, -1) {
		if _, ok := vars[m[1]]; !ok && strings.Contains(err.Error(), m[1]) {
			return
		}
	}
	t.Fatalf("error %q names no unset variable of %q", err, text)
}

var anyVarRef = regexp.MustCompile(`\$\{([_[:alnum:]]+)`)

// readsAsPlainString reports whether s, written after "k: ", reads back as
// the string s alone.
func readsAsPlainString(s string) bool {
	var m map[string]any
	if sigsyaml.Unmarshal([]byte("k: "+s+"\n"), &m) != nil || len(m) != 1 {
		return false
	}
	v, ok := m["k"].(string)
	return ok && v == s
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	js, err := json.Marshal(v)
	require.NoError(t, err)
	return string(js)
}
