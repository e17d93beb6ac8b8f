package policy_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/policy"
)

// TestPoliciesCannotSeeTheEnvironment: a token in ferry's environment
// never reaches a finding or a print, whatever the policy asks for, in
// Rego v1 and v0.
func TestPoliciesCannotSeeTheEnvironment(t *testing.T) {
	const token = "ghp_s3cr3tT0kenFerryMustNeverLeak"
	t.Setenv("GITHUB_TOKEN", token)
	t.Setenv("FERRY_TEST_TOKEN", token)
	tests := []struct {
		name   string
		regoV0 bool
		rego   string
	}{
		{name: "v1 opa.runtime()", rego: `package main

deny contains msg if {
  rt := opa.runtime()
  print(rt)
  msg := sprintf("runtime %v", [rt])
}

deny contains msg if {
  msg := sprintf("env %v", [opa.runtime().env])
}

deny contains msg if {
  msg := sprintf("token %v", [opa.runtime().env.GITHUB_TOKEN])
}

deny contains msg if {
  some k, v in object.get(opa.runtime(), "env", {})
  msg := sprintf("%v=%v", [k, v])
}
`},
		{name: "v0 opa.runtime()", regoV0: true, rego: `package main

deny[msg] {
  rt := opa.runtime()
  print(rt)
  msg := sprintf("runtime %v", [rt])
}

deny[msg] {
  msg := sprintf("env %v", [opa.runtime().env])
}

deny[msg] {
  msg := sprintf("token %v", [opa.runtime().env.FERRY_TEST_TOKEN])
}

deny[msg] {
  v := object.get(opa.runtime(), ["env", "GITHUB_TOKEN"], "none")
  msg := sprintf("got %v", [v])
}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var printed strings.Builder
			dir := writePolicies(t, map[string]string{"leak.rego": tt.rego})
			e, err := policy.Load(context.Background(), policy.Options{
				Policies: []string{dir}, RegoV0: tt.regoV0, NoBuiltins: true,
				Print: func(p policy.Print) { printed.WriteString(p.Message + "\n") },
			})
			require.NoError(t, err)
			fs, err := e.Check(context.Background(), objects(t, web))
			require.NoError(t, err)
			// The policy runs: opa.runtime() is an empty object.
			assert.Contains(t, summarize(fs), "error main.deny: runtime {}")
			assert.Contains(t, printed.String(), "{}")
			for _, f := range fs {
				assert.NotContains(t, f.Message, token)
				assert.NotContains(t, f.Message, "GITHUB_TOKEN")
			}
			assert.NotContains(t, printed.String(), token)
			// The same check sees the token when it is really in the input:
			// the assertions above can fail.
			leaky := strings.Replace(web, "team: storefront", "team: "+token, 1)
			fs, err = e.Check(context.Background(), objects(t, leaky))
			require.NoError(t, err)
			assert.NotEmpty(t, fs)
		})
	}
}

// TestNetworkBuiltinsRefusedInBothSyntaxes: http.send and
// net.lookup_ip_addr do not load, in Rego v1 or v0, in rules or helper
// functions; pure net.* builtins do.
func TestNetworkBuiltinsRefusedInBothSyntaxes(t *testing.T) {
	tests := []struct {
		name    string
		regoV0  bool
		rego    string
		refused string
	}{
		{name: "v1 http.send", rego: "package main\n\ndeny contains msg if {\n  r := http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:1\"})\n  msg := r.body\n}\n", refused: "http.send"},
		{name: "v0 http.send", regoV0: true, rego: "package main\n\ndeny[msg] {\n  r := http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:1\"})\n  msg := r.body\n}\n", refused: "http.send"},
		{name: "v0 http.send in a function", regoV0: true, rego: "package main\n\nfetch(u) = b {\n  b := http.send({\"method\": \"get\", \"url\": u}).body\n}\n\ndeny[msg] {\n  msg := fetch(\"http://127.0.0.1:1\")\n}\n", refused: "http.send"},
		{name: "v1 net.lookup_ip_addr", rego: "package main\n\ndeny contains msg if {\n  ips := net.lookup_ip_addr(\"example.com\")\n  msg := sprintf(\"%v\", [ips])\n}\n", refused: "net.lookup_ip_addr"},
		{name: "v0 net.lookup_ip_addr", regoV0: true, rego: "package main\n\ndeny[msg] {\n  ips := net.lookup_ip_addr(\"example.com\")\n  msg := sprintf(\"%v\", [ips])\n}\n", refused: "net.lookup_ip_addr"},
		{name: "v1 net.cidr_contains is pure", rego: "package main\n\ndeny contains msg if {\n  net.cidr_contains(\"10.0.0.0/8\", \"10.1.2.3\")\n  msg := \"in range\"\n}\n"},
		{name: "v0 net.cidr_merge is pure", regoV0: true, rego: "package main\n\ndeny[msg] {\n  m := net.cidr_merge([\"10.0.0.0/9\", \"10.128.0.0/9\"])\n  msg := sprintf(\"%v\", [m])\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePolicies(t, map[string]string{"net.rego": tt.rego})
			_, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, RegoV0: tt.regoV0, NoBuiltins: true})
			if tt.refused == "" {
				require.NoError(t, err)
				return
			}
			var le *policy.LoadError
			require.True(t, errors.As(err, &le), "got %T: %v", err, err)
			assert.Equal(t, "ferry_network_builtin", le.Diagnostics[0].Code)
			assert.Contains(t, err.Error(), "net.rego:")
			assert.Contains(t, err.Error(), tt.refused+" is disabled: ferry evaluates policies offline")
			// ferry policy test refuses them too.
			_, err = policy.RunTests(context.Background(), policy.Options{Policies: []string{dir}, RegoV0: tt.regoV0, NoBuiltins: true})
			assert.ErrorContains(t, err, tt.refused+" is disabled")
		})
	}
}

// TestCapabilities: the published capabilities are those the engine
// compiles against: a builtin they list loads, one they leave out does not.
func TestCapabilities(t *testing.T) {
	names := func(data []byte) map[string]bool {
		var caps struct {
			Builtins []struct {
				Name string `json:"name"`
			} `json:"builtins"`
		}
		require.NoError(t, json.Unmarshal(data, &caps))
		out := map[string]bool{}
		for _, b := range caps.Builtins {
			out[b.Name] = true
		}
		return out
	}
	offline, err := policy.Capabilities(policy.Options{})
	require.NoError(t, err)
	again, err := policy.Capabilities(policy.Options{})
	require.NoError(t, err)
	assert.Equal(t, offline, again, "deterministic")
	online, err := policy.Capabilities(policy.Options{AllowNetwork: true})
	require.NoError(t, err)
	off, on := names(offline), names(online)
	assert.Greater(t, len(off), 100)
	for _, b := range []string{"http.send", "net.lookup_ip_addr"} {
		assert.False(t, off[b], b)
		assert.True(t, on[b], b)
	}
	assert.Len(t, on, len(off)+2, "only the network builtins differ")
	for _, b := range []string{"net.cidr_contains", "opa.runtime", "time.now_ns", "semver.compare"} {
		assert.True(t, off[b], b)
	}
	// What the list says is what loads.
	for _, b := range []struct {
		call string
		name string
	}{{`net.cidr_contains("10.0.0.0/8", "10.0.0.1")`, "net.cidr_contains"}, {`http.send({"method": "get", "url": "x"})`, "http.send"}} {
		dir := writePolicies(t, map[string]string{"p.rego": "package main\n\ndeny contains msg if {\n  x := " + b.call + "\n  msg := sprintf(\"%v\", [x])\n}\n"})
		_, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true})
		assert.Equal(t, off[b.name], err == nil, "%s: %v", b.name, err)
	}
}
