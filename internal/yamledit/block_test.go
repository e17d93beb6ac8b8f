package yamledit_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

const fluxPatch = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
spec:
  patches:
    - patch: |
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo   # the release
        spec:
          chart:
            spec:
              version: 6.6.0
          values:
            image:
              tag: "6.6.0-alpine"
      target:
        kind: HelmRelease
`

func TestSetBlockLine(t *testing.T) {
	p := yamledit.Path{Keys: []string{"spec", "patches", "0", "patch"}}
	out, err := yamledit.SetBlockLine([]byte(fluxPatch), p, 15, "6.6.0", "6.7.1")
	require.NoError(t, err)
	assert.Equal(t, replaceOnce(fluxPatch, "version: 6.6.0", "version: 6.7.1"), string(out), "only the word on that line changes")

	crlf := []byte(replaceAll(fluxPatch, "\n", "\r\n"))
	out, err = yamledit.SetBlockLine(crlf, p, 18, "6.6.0-alpine", "6.7.1-alpine")
	require.NoError(t, err)
	assert.Equal(t, replaceOnce(string(crlf), "6.6.0-alpine", "6.7.1-alpine"), string(out))

	for name, tc := range map[string]struct {
		path      yamledit.Path
		line      int
		old, want string
	}{
		"a word inside a longer one": {p, 18, "6.6.0", "not on the line exactly once as a word"},
		"a line outside the block":   {p, 20, "HelmRelease", "the line is not in the block scalar, which spans lines 8 to 18"},
		"the indicator's line":       {p, 7, "patch", "the line is not in the block scalar"},
		"not a block scalar":         {yamledit.Path{Keys: []string{"metadata", "name"}}, 4, "apps", "not a literal block scalar"},
		"absent from the line":       {p, 15, "1.0.0", "not on the line exactly once"},
	} {
		_, err := yamledit.SetBlockLine([]byte(fluxPatch), tc.path, tc.line, tc.old, "9.9.9")
		require.Error(t, err, name)
		assert.ErrorContains(t, err, tc.want, name)
	}
	_, err = yamledit.SetBlockLine([]byte(fluxPatch), yamledit.Path{Keys: []string{"spec", "nope"}}, 15, "6.6.0", "6.7.1")
	var pe *yamledit.PathError
	assert.ErrorAs(t, err, &pe)

	folded := replaceOnce(fluxPatch, "patch: |", "patch: >")
	_, err = yamledit.SetBlockLine([]byte(folded), p, 15, "6.6.0", "6.7.1")
	assert.ErrorContains(t, err, "not a literal block scalar")

	twice := replaceOnce(fluxPatch, "version: 6.6.0", "version: 6.6.0 # was 6.6.0")
	_, err = yamledit.SetBlockLine([]byte(twice), p, 15, "6.6.0", "6.7.1")
	assert.ErrorContains(t, err, "exactly once")
}

func replaceOnce(s, old, new string) string { return strings.Replace(s, old, new, 1) }
func replaceAll(s, old, new string) string  { return strings.ReplaceAll(s, old, new) }
