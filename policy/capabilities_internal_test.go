package policy

import (
	"bytes"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPublishedCapabilitiesAreTheEngines: the JSON Capabilities publishes
// reads back as the capabilities prepare compiles policies with.
func TestPublishedCapabilitiesAreTheEngines(t *testing.T) {
	for _, allow := range []bool{false, true} {
		data, err := Capabilities(Options{AllowNetwork: allow})
		require.NoError(t, err)
		got, err := ast.LoadCapabilitiesJSON(bytes.NewReader(data))
		require.NoError(t, err)
		want := capabilities(allow)
		names := func(c *ast.Capabilities) []string {
			var out []string
			for _, b := range c.Builtins {
				out = append(out, b.Name)
			}
			return out
		}
		assert.Equal(t, names(want), names(got))
		assert.Equal(t, want.Features, got.Features)
		assert.Equal(t, want.FutureKeywords, got.FutureKeywords)
	}
}
