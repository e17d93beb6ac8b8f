package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

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

// TestTagVariantsDocumented keeps the variant names that no-prerelease's
// description lists in step with the library's list.
func TestTagVariantsDocumented(t *testing.T) {
	modules, err := loadModules(Options{}, false)
	require.NoError(t, err)
	opts := []func(*rego.Rego){rego.Query("data.ferry.lib.images.default_tag_variants")}
	for _, m := range modules {
		opts = append(opts, rego.ParsedModule(m))
	}
	opts = append(opts, rego.SetRegoVersion(ast.RegoV1))
	rs, err := rego.New(opts...).Eval(context.Background())
	require.NoError(t, err)
	require.Len(t, rs, 1)
	names, ok := rs[0].Expressions[0].Value.([]any)
	require.True(t, ok, "%T", rs[0].Expressions[0].Value)
	require.Greater(t, len(names), 10)
	var desc string
	for _, r := range Builtins() {
		if r.ID == "no-prerelease" {
			desc = r.Description
		}
	}
	words := map[string]bool{}
	for w := range strings.FieldsFuncSeq(desc, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' }) {
		words[w] = true
	}
	for _, n := range names {
		assert.True(t, words[n.(string)], "no-prerelease's description does not list the variant %q", n)
	}
}
