package policy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/policy"
)

func TestEngineRules(t *testing.T) {
	e, err := policy.Load(context.Background(), policy.Options{
		Builtins: []string{"semver-tag"},
		Modules: map[string]string{"main.rego": `package main
deny contains msg if { input.kind == "Pod"; msg := "no pods" }
warn_ports contains msg if { false; msg := "" }
exception contains rules if { false; rules := [] }
`},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"main.deny", "main.warn_ports", "semver-tag"}, e.Rules())
}
