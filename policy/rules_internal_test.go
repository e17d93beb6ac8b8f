package policy

import (
	"context"
	"os"
	"path/filepath"
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

// TestDocsUpToDate keeps docs/policies.md in step with the rules' METADATA.
func TestDocsUpToDate(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "docs", "policies.md"))
	require.NoError(t, err)
	assert.Equal(t, string(want), RulesMarkdown(Builtins()), "run go generate ./policy")
	for _, r := range Builtins() {
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
		assert.Contains(t, string(want), "## "+r.ID)
	}
	assert.Len(t, Builtins(), 5)
}
