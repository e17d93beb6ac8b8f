package validate_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

// kubeconformOutput is the JSON kubeconform -output json -verbose prints.
type kubeconformOutput struct {
	Resources []struct {
		Filename string `json:"filename"`
		Kind     string `json:"kind"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Status   string `json:"status"`
		Msg      string `json:"msg"`
	} `json:"resources"`
}

// verdictOf maps ferry's findings on one object to kubeconform's status:
// error when no schema applies (kubeconform cannot find one), invalid when
// the schema rejects the object, valid otherwise. The checks kubeconform
// does not have (names, labels, deprecations) are left out.
func verdictOf(fs []finding.Finding) string {
	verdict := "statusValid"
	for _, f := range fs {
		switch f.Rule {
		case "missing-schema", "removed-api", "duplicate-key", "invalid-yaml", "not-an-object":
			return "statusError"
		case "schema":
			verdict = "statusInvalid"
		}
	}
	return verdict
}

// TestKubeconformParity checks that ferry reaches kubeconform -strict's
// verdict on every object of the parity fixtures, with the same schemas.
// The expected verdicts come from the kubeconform CLI
// (hack/update-validate-parity.sh; see testdata/parity/README.md).
func TestKubeconformParity(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "parity", "kubeconform.json"))
	require.NoError(t, err)
	var want kubeconformOutput
	require.NoError(t, json.Unmarshal(data, &want))
	require.NotEmpty(t, want.Resources)

	ctx := context.Background()
	crds, err := validate.LoadCRDs(ctx, filepath.Join("testdata", "crds", "flux"))
	require.NoError(t, err)
	// kubeconform knows only the schemas it is given.
	v, err := validate.New(validate.Options{CRDs: crds, NoToolchainSchemas: true})
	require.NoError(t, err)

	got := map[string]string{} // file kind name -> verdict
	files, err := filepath.Glob(filepath.Join("testdata", "parity", "*.yaml"))
	require.NoError(t, err)
	for _, file := range files {
		base := filepath.Base(file)
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		objs, err := manifest.Decode(base, data)
		if f, ok := validate.DecodeFinding(err); ok {
			got[base] = verdictOf([]finding.Finding{f})
			continue
		}
		require.NoError(t, err)
		fs, err := v.Validate(ctx, objs)
		require.NoError(t, err)
		for _, o := range objs {
			var mine []finding.Finding
			for _, f := range fs {
				if f.Object == o.ID() {
					mine = append(mine, f)
				}
			}
			got[base+" "+o.Kind()+" "+o.Name()] = verdictOf(mine)
		}
	}

	seen := map[string]bool{}
	for _, r := range want.Resources {
		base := strings.TrimPrefix(r.Filename, "./")
		key := base + " " + r.Kind + " " + r.Name
		seen[key] = true
		verdict, ok := got[key]
		if !ok {
			verdict, ok = got[base] // the file did not decode
		}
		require.True(t, ok, "ferry did not check %s", key)
		assert.Equal(t, r.Status, verdict, "%s: kubeconform says %s", key, r.Msg)
	}
	for key := range got {
		if strings.Contains(key, " ") {
			assert.True(t, seen[key], "kubeconform did not report %s: regenerate the golden file", key)
		}
	}
}
