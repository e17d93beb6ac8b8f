package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// capabilities are OPA's, less the network builtins unless allowed; then
// no host is allowed either (allow_net empty), should a builtin that
// reaches out be added to OPA without ferry knowing it.
func capabilities(allowNetwork bool) *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	if allowNetwork {
		return caps
	}
	caps.Builtins = slices.DeleteFunc(caps.Builtins, func(b *ast.Builtin) bool {
		return slices.Contains(networkBuiltins, b.Name)
	})
	caps.AllowNet = []string{}
	return caps
}

// Capabilities returns, as OPA capabilities JSON (the format of
// `opa capabilities` and `opa check --capabilities`), exactly what
// policies loaded with opts may use: the builtins, keywords and features of
// the OPA ferry is built with, less the network builtins unless
// opts.AllowNetwork is set. Only AllowNetwork changes the result. The
// output is indented and the builtins sorted by name, so it is
// byte-identical for one ferry version.
func Capabilities(opts Options) ([]byte, error) {
	caps := capabilities(opts.AllowNetwork)
	slices.SortFunc(caps.Builtins, func(a, b *ast.Builtin) int { return strings.Compare(a.Name, b.Name) })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(caps); err != nil {
		return nil, fmt.Errorf("policy capabilities: %w", err)
	}
	return buf.Bytes(), nil
}
