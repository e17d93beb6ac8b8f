package policy

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltinRules runs the opa-test-style unit tests of the built-in rules
// (rules/*_test.rego).
func TestBuiltinRules(t *testing.T) {
	modules, err := loadModules(Options{}, true)
	require.NoError(t, err)
	results, err := runTests(context.Background(), Options{}, modules)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(results), 25, "every built-in rule has tests")
	for _, r := range results {
		assert.Equal(t, "pass", r.Outcome, "%s %s.%s: %s%s", r.Location, r.Package, r.Name, r.Error, r.Output)
	}
}
