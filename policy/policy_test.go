package policy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/policy"
)

// writePolicies writes files (name -> content) into a temporary directory.
func writePolicies(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

func objects(t *testing.T, yaml string) []*manifest.Object {
	t.Helper()
	objs, err := manifest.Decode("apps/web.yaml", []byte(yaml))
	require.NoError(t, err)
	return objs
}

const web = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    team: storefront
spec:
  template:
    spec:
      containers:
      - name: web
        image: ghcr.io/acme/web:1.2.0
`

func summarize(fs []finding.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		s := f.Severity.String() + " " + f.Rule + ": " + f.Message
		if f.Waiver != nil {
			s += " (waived: " + f.Waiver.Reason + ")"
		}
		out[i] = s
	}
	return out
}

func TestConftestConventions(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"main.rego": `package main

deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.owner
	msg := sprintf("%s has no owner label", [input.metadata.name])
}

warn contains msg if {
	input.metadata.labels.team == "storefront"
	msg := "storefront is on call this week"
}

violation contains {"msg": "replicas not set", "details": {"field": "spec.replicas"}} if {
	not input.spec.replicas
}

deny_run_as_root contains "containers must not run as root" if {
	input.kind == "Deployment"
}

exception contains rules if {
	input.metadata.name == "web"
	rules := ["run_as_root"]
}

helper := true
`,
		"main_test.rego": `package main

test_ignored_by_check if { true }
`,
	})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true})
	require.NoError(t, err)
	fs, err := e.Check(context.Background(), objects(t, web))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"error main.deny: web has no owner label",
		"error main.deny_run_as_root: containers must not run as root (waived: exception rule in package main)",
		"error main.violation: replicas not set",
		"warning main.warn: storefront is on call this week",
	}, summarize(fs))
	for _, f := range fs {
		assert.Equal(t, "apps/Deployment/shop/web", f.Object.String())
		assert.Equal(t, "apps/web.yaml:1", f.Source.String())
	}
	assert.Equal(t, map[string]any{"details": map[string]any{"field": "spec.replicas"}}, fs[2].Metadata, "keys other than msg become metadata")
}

func TestMetadataAndLocation(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": `package main

# METADATA
# title: Team label
# description: Every object names its team.
# custom:
#   id: team-label
#   severity: warning
deny contains {"msg": "no team label", "_loc": {"file": "apps/web.yaml", "line": 6}} if {
	not input.metadata.labels.team
}
`})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true})
	require.NoError(t, err)
	fs, err := e.Check(context.Background(), objects(t, strings.Replace(web, "    team: storefront\n", "    tier: web\n", 1)))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "team-label", fs[0].Rule, "custom.id names the rule")
	assert.Equal(t, finding.SeverityWarning, fs[0].Severity, "custom.severity overrides deny's error")
	assert.Equal(t, "Team label", fs[0].Metadata["title"])
	assert.Equal(t, "apps/web.yaml:6", fs[0].Source.String(), "_loc is honoured")
}

func TestNamespaces(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"main.rego":  "package main\n\ndeny contains \"main\" if { true }\n",
		"k8s.rego":   "package kubernetes.security\n\ndeny contains \"security\" if { true }\n",
		"other.rego": "package other\n\nwarn contains \"other\" if { true }\n",
	})
	tests := []struct {
		name string
		opts policy.Options
		want []string
	}{
		{name: "default main", opts: policy.Options{}, want: []string{"error main.deny: main"}},
		{name: "glob", opts: policy.Options{Namespaces: []string{"kubernetes.*"}}, want: []string{"error kubernetes.security.deny: security"}},
		{name: "several", opts: policy.Options{Namespaces: []string{"main", "other"}}, want: []string{"error main.deny: main", "warning other.warn: other"}},
		{name: "all", opts: policy.Options{AllNamespaces: true}, want: []string{"error kubernetes.security.deny: security", "error main.deny: main", "warning other.warn: other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Policies, tt.opts.NoBuiltins = []string{dir}, true
			e, err := policy.Load(context.Background(), tt.opts)
			require.NoError(t, err)
			fs, err := e.Check(context.Background(), objects(t, web))
			require.NoError(t, err)
			assert.Equal(t, tt.want, summarize(fs))
		})
	}
	_, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, Namespaces: []string{"nope"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no policy is in namespace nope (found kubernetes.security, main, other)")
}

func TestDataAndParams(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"p.rego": `package main

deny contains msg if {
	some c in input.spec.template.spec.containers
	not startswith(c.image, data.registries.primary)
	msg := sprintf("%s is not from %s", [c.image, data.registries.primary])
}

warn contains msg if {
	data.ferry.params.requireDigest
	msg := "digests required here"
}
`,
		"data/registries.yaml": "registries:\n  primary: registry.example.com/\n",
	})
	e, err := policy.Load(context.Background(), policy.Options{
		Policies: []string{filepath.Join(dir, "p.rego")}, Data: []string{filepath.Join(dir, "data")},
		NoBuiltins: true, Params: policy.Params{RequireDigest: true},
	})
	require.NoError(t, err)
	fs, err := e.Check(context.Background(), objects(t, web))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"error main.deny: ghcr.io/acme/web:1.2.0 is not from registry.example.com/",
		"warning main.warn: digests required here",
	}, summarize(fs))

	other := writePolicies(t, map[string]string{"a.json": `{"registries": {}}`})
	_, err = policy.Load(context.Background(), policy.Options{Data: []string{filepath.Join(dir, "data"), other}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `key "registries" is also set by`)
}

func TestCombine(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": `package main

deny contains msg if {
	names := [doc.contents.metadata.name | some doc in input]
	count(names) != count({n | some n in names})
	msg := "object names repeat across files"
}

warn contains sprintf("%d objects", [count(input)]) if { true }
`})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true})
	require.NoError(t, err)
	objs := objects(t, web+"---\n"+strings.Replace(web, "kind: Deployment", "kind: StatefulSet", 1))
	fs, err := e.CheckCombined(context.Background(), objs)
	require.NoError(t, err)
	assert.Equal(t, []string{"error main.deny: object names repeat across files", "warning main.warn: 2 objects"}, summarize(fs))
}

func TestEvalDocument(t *testing.T) {
	dir := writePolicies(t, map[string]string{"plan.rego": `package promote

deny_downgrade contains msg if {
	some c in input.changes
	c.relation == "downgrade"
	msg := sprintf("%s would go from %s to %s", [c.artifact, c.from, c.to])
}
`})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, Namespaces: []string{"promote"}, NoBuiltins: true})
	require.NoError(t, err)
	fs, err := e.Eval(context.Background(), map[string]any{"changes": []any{
		map[string]any{"artifact": "ghcr.io/acme/web", "relation": "downgrade", "from": "1.3.0", "to": "1.2.0"},
		map[string]any{"artifact": "ghcr.io/acme/api", "relation": "upgrade", "from": "1.0.0", "to": "1.1.0"},
	}})
	require.NoError(t, err)
	assert.Equal(t, []string{"error promote.deny_downgrade: ghcr.io/acme/web would go from 1.3.0 to 1.2.0"}, summarize(fs))
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		opts     policy.Options
		code     string
		row      int
		contains string
	}{
		{
			name:     "syntax error",
			files:    map[string]string{"bad.rego": "package main\n\ndeny contains msg if {\n  msg := \n}\n"},
			code:     "rego_parse_error",
			row:      5,
			contains: "bad.rego:5: rego_parse_error: unexpected } token",
		},
		{
			name:     "boolean rule",
			files:    map[string]string{"bool.rego": "package main\n\ndeny if {\n  input.kind == \"Pod\"\n}\n"},
			code:     "ferry_boolean_rule",
			row:      3,
			contains: "write `deny contains msg if { …; msg := \"why\" }`",
		},
		{
			name:     "network builtin",
			files:    map[string]string{"net.rego": "package main\n\ndeny contains msg if {\n  resp := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n  msg := resp.body\n}\n"},
			code:     "ferry_network_builtin",
			row:      4,
			contains: "http.send is disabled: ferry evaluates policies offline",
		},
		{
			name:  "type error",
			files: map[string]string{"type.rego": "package main\n\ndeny contains msg if {\n  msg := concat(1, 2)\n}\n"},
			code:  "rego_type_error",
			row:   4,
		},
		{
			name:  "v0 syntax without RegoV0",
			files: map[string]string{"old.rego": "package main\n\ndeny[msg] {\n  msg := \"old\"\n}\n"},
			code:  "rego_parse_error",
			row:   3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePolicies(t, tt.files)
			tt.opts.Policies = []string{dir}
			_, err := policy.Load(context.Background(), tt.opts)
			require.Error(t, err)
			var le *policy.LoadError
			require.True(t, errors.As(err, &le), "got %T: %v", err, err)
			require.NotEmpty(t, le.Diagnostics)
			d := le.Diagnostics[0]
			assert.Equal(t, tt.code, d.Code, err.Error())
			assert.Equal(t, tt.row, d.Row, err.Error())
			assert.True(t, strings.HasSuffix(d.File, ".rego"), d.File)
			assert.Contains(t, err.Error(), tt.contains)
		})
	}
	_, err := policy.Load(context.Background(), policy.Options{Policies: []string{"does/not/exist"}})
	assert.ErrorContains(t, err, "does/not/exist")
	_, err = policy.Load(context.Background(), policy.Options{Builtins: []string{"no-such-rule"}})
	assert.ErrorContains(t, err, `unknown built-in rule "no-such-rule"`)
}

func TestRegoV0AndNetworkOptIn(t *testing.T) {
	dir := writePolicies(t, map[string]string{"old.rego": "package main\n\ndeny[msg] {\n  input.kind == \"Deployment\"\n  msg := \"old style\"\n}\n"})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, RegoV0: true, NoBuiltins: true})
	require.NoError(t, err)
	fs, err := e.Check(context.Background(), objects(t, web))
	require.NoError(t, err)
	assert.Equal(t, []string{"error main.deny: old style"}, summarize(fs))

	net := writePolicies(t, map[string]string{"net.rego": "package main\n\ndeny contains msg if {\n  false\n  resp := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n  msg := resp.body\n}\n"})
	_, err = policy.Load(context.Background(), policy.Options{Policies: []string{net}, AllowNetwork: true})
	require.NoError(t, err, "with AllowNetwork the policy loads (and this one never calls out)")
}

func TestTimeoutStopsRunawayPolicies(t *testing.T) {
	dir := writePolicies(t, map[string]string{"slow.rego": `package main

deny contains msg if {
	xs := numbers.range(1, 100000)
	count([1 | some a in xs; some b in xs; a == b + 1]) > 0
	msg := "done"
}
`})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true, Timeout: 50 * time.Millisecond})
	require.NoError(t, err)
	start := time.Now()
	_, err = e.Check(context.Background(), objects(t, web))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "evaluation stopped after 50ms")
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestPrintCapture(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": "package main\n\ndeny contains \"x\" if {\n  print(\"checking\", input.metadata.name)\n}\n"})
	var mu sync.Mutex
	var got []policy.Print
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true, Print: func(p policy.Print) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
	}})
	require.NoError(t, err)
	_, err = e.Check(context.Background(), objects(t, web+"---\n"+strings.Replace(web, "name: web", "name: api", 1)))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "checking web", got[0].Message, "prints arrive in object order")
	assert.Equal(t, "apps/Deployment/shop/web", got[0].Object)
	assert.Equal(t, "checking api", got[1].Message)
	assert.True(t, strings.HasSuffix(got[0].Location, "p.rego:4"), got[0].Location)
}

func TestBrokenRuleResultIsAnError(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": "package main\n\ndeny contains {\"message\": \"typo\"} if { true }\n"})
	e, err := policy.Load(context.Background(), policy.Options{Policies: []string{dir}, NoBuiltins: true})
	require.NoError(t, err)
	_, err = e.Check(context.Background(), objects(t, web))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `rule data.main.deny returned {"message":"typo"}: want a string or an object with a string msg`)
}

func TestRunTests(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"limits.rego":      "package main\n\nmax_replicas := data.limits.replicas\n",
		"limits_test.rego": "package main\n\ntest_max if max_replicas == 5\n\ntest_wrong if max_replicas == 6\n",
		"data.yaml":        "limits:\n  replicas: 5\n",
	})
	results, err := policy.RunTests(context.Background(), policy.Options{Policies: []string{dir}, Data: []string{filepath.Join(dir, "data.yaml")}, NoBuiltins: true})
	require.NoError(t, err)
	outcome := map[string]string{}
	for _, r := range results {
		outcome[r.Name] = r.Outcome
	}
	assert.Equal(t, map[string]string{"test_max": "pass", "test_wrong": "fail"}, outcome)

	// Tests see the same data as checks: data files may not take ferry's key.
	bad := writePolicies(t, map[string]string{"data.yaml": "ferry:\n  params: {}\n"})
	_, err = policy.RunTests(context.Background(), policy.Options{Policies: []string{dir}, Data: []string{filepath.Join(bad, "data.yaml")}, NoBuiltins: true})
	assert.ErrorContains(t, err, "run tests: data files must not set the top-level key ferry")
}
