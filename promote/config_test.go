package promote_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/policy"
	"github.com/ferrygitops/ferry/promote"
)

func TestLoadExampleConfig(t *testing.T) {
	cfg, err := promote.LoadConfig(filepath.Join("..", "examples", "shop", "ferry.yaml"))
	require.NoError(t, err)
	require.Len(t, cfg.Environments, 3)
	dev, ok := cfg.Environment("dev")
	require.True(t, ok)
	assert.True(t, dev.Policy.AllowPrerelease)
	prod, ok := cfg.Environment("production")
	require.True(t, ok)
	assert.Equal(t, "staging", prod.From)
	assert.Equal(t, "1.33", prod.KubernetesVersion)
	assert.Equal(t, []string{"ghcr.io/acme-shop", "docker.io/library"}, prod.Policy.AllowedRegistries)
	w, frozen := prod.Frozen(time.Date(2027, 12, 24, 9, 0, 0, 0, time.UTC))
	assert.True(t, frozen)
	assert.Equal(t, "year-end change freeze", w.Reason)
	_, frozen = prod.Frozen(time.Date(2028, 1, 3, 0, 0, 0, 0, time.UTC))
	assert.False(t, frozen, "the end of a window is outside it")
	_, ok = cfg.Environment("qa")
	assert.False(t, ok)
}

func TestConfigErrors(t *testing.T) {
	head := "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n"
	tests := []struct {
		name, in string
		line     int
		contains string
	}{
		{name: "empty", in: "", contains: "empty configuration"},
		{name: "syntax", in: head + "  - name: dev\n   path: x\n", line: 3, contains: "invalid YAML"},
		{name: "wrong kind", in: "apiVersion: v1\nkind: ConfigMap\n", line: 1, contains: `want apiVersion ferry.dev/v1alpha1 and kind Config, got "v1" and "ConfigMap"`},
		{name: "unknown field", in: head + "  - name: dev\n    path: overlays/dev\n    namespace: dev\n", line: 6, contains: "field namespace not found"},
		{name: "no path", in: head + "  - name: dev\n", line: 4, contains: "environment dev has no path"},
		{name: "path outside", in: head + "  - name: dev\n    path: ../elsewhere\n", line: 5, contains: "must stay inside the repository"},
		{name: "duplicate", in: head + "  - name: dev\n    path: a\n  - name: dev\n    path: b\n", line: 6, contains: "environment dev is defined twice (first on line 4)"},
		{name: "unknown from", in: head + "  - name: prod\n    path: a\n    from: qa\n", line: 6, contains: "promoted from qa, which is not defined"},
		{name: "cycle", in: head + "  - name: a\n    path: a\n    from: b\n  - name: b\n    path: b\n    from: a\n", line: 6, contains: "cycle"},
		{name: "bad window", in: head + "  - name: a\n    path: a\n    freeze:\n      - start: 2027-01-02T00:00:00Z\n        end: 2027-01-01T00:00:00Z\n", line: 7, contains: "ends before it starts"},
		{name: "window end not a time", in: head + "  - name: a\n    path: a\n    freeze:\n      - start: 2027-01-02\n        end: 0\n", line: 8, contains: `freeze window end "0" is not a time`},
		{name: "policies outside", in: "apiVersion: ferry.dev/v1alpha1\nkind: Config\npolicies:\n  - policy\n  - ../shared\n", line: 5, contains: `policies: "../shared" must be a path inside the repository, relative to the folder of ferry.yaml`},
		{name: "environment data absolute", in: head + "  - name: a\n    path: a\n    data: [/etc/data.yaml]\n", line: 6, contains: `environment a: data: "/etc/data.yaml" must be a path inside the repository`},
		{name: "policies not a list", in: head + "  - name: a\n    path: a\n    policies: policy\n", line: 6, contains: "cannot unmarshal"},
		{name: "window field unknown", in: head + "  - name: a\n    path: a\n    freeze:\n      - start: 2027-01-02\n        until: 2027-01-03\n", line: 8, contains: "field until not found in a freeze window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := promote.ParseConfig("ferry.yaml", []byte(tt.in))
			require.Error(t, err)
			var ce *promote.ConfigError
			require.True(t, errors.As(err, &ce), "%T", err)
			assert.Equal(t, "ferry.yaml", ce.File)
			assert.Equal(t, tt.line, ce.Line, err.Error())
			assert.Contains(t, err.Error(), tt.contains)
		})
	}
}

// TestConfigPolicyPaths: an environment's policies and data come after the
// top-level ones, each once, with paths cleaned.
func TestConfigPolicyPaths(t *testing.T) {
	cfg, err := promote.ParseConfig("ferry.yaml", []byte(`apiVersion: ferry.dev/v1alpha1
kind: Config
policies: [policy, ./shared/policy/]
data: [policy/data.yaml]
environments:
  - name: staging
    path: overlays/staging
  - name: production
    path: overlays/production
    policies: [policy/production, policy]
    data: [policy/production.yaml]
`))
	require.NoError(t, err)
	staging, _ := cfg.Environment("staging")
	policies, data := cfg.PolicyPaths(staging)
	assert.Equal(t, []string{"policy", "shared/policy"}, policies)
	assert.Equal(t, []string{"policy/data.yaml"}, data)
	production, _ := cfg.Environment("production")
	policies, data = cfg.PolicyPaths(production)
	assert.Equal(t, []string{"policy", "shared/policy", "policy/production"}, policies)
	assert.Equal(t, []string{"policy/data.yaml", "policy/production.yaml"}, data)
	policies, data = (&promote.Config{}).PolicyPaths(promote.Environment{})
	assert.Empty(t, policies)
	assert.Empty(t, data)
}

// TestLoadConfigMissingPolicyFolder: a policy or data path that does not
// exist is an error naming ferry.yaml, the line and the path.
func TestLoadConfigMissingPolicyFolder(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "policy"), 0o755))
	file := filepath.Join(dir, "ferry.yaml")
	write := func(s string) {
		require.NoError(t, os.WriteFile(file, []byte("apiVersion: ferry.dev/v1alpha1\nkind: Config\n"+s), 0o644))
	}
	write("policies: [policy]\nenvironments:\n  - name: prod\n    path: overlays/prod\n    policies:\n      - policy\n      - policy/prod\n")
	_, err := promote.LoadConfig(file)
	var ce *promote.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 9, ce.Line)
	assert.Equal(t, filepath.ToSlash(file), ce.File)
	assert.Contains(t, err.Error(), "environment prod: policies: policy file or folder policy/prod: no such file or folder; create it, or fix the path (relative to the folder of ferry.yaml)")

	write("data:\n  - data.yaml\n")
	_, err = promote.LoadConfig(file)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 4, ce.Line)
	assert.Contains(t, err.Error(), "data: data file or folder data.yaml: no such file or folder")

	write("policies: [policy]\n")
	cfg, err := promote.LoadConfig(file)
	require.NoError(t, err)
	assert.Equal(t, []string{"policy"}, cfg.Policies)
}

// TestPlannerConfiguredPolicies: a planner checks the policy paths of its
// ferry.yaml when it starts, and reads the policies from disk, so a
// planner on a file system other than a directory needs them given.
func TestPlannerConfiguredPolicies(t *testing.T) {
	k := &fstest.MapFile{Data: []byte("resources: [deploy.yaml]\n")}
	deploy := func(tag string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:" + tag + "\n")}
	}
	repo := fstest.MapFS{
		"overlays/a/kustomization.yaml": k, "overlays/a/deploy.yaml": deploy("1.27.1"),
		"overlays/b/kustomization.yaml": k, "overlays/b/deploy.yaml": deploy("1.27.0"),
		"policy/main.rego": &fstest.MapFile{Data: []byte("package main\n")},
	}
	head := "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - name: a\n    path: overlays/a\n  - name: b\n    path: overlays/b\n    from: a\n"

	repo["ferry.yaml"] = &fstest.MapFile{Data: []byte(head + "    policies: [policy, policy/b]\n")}
	_, err := promote.NewPlanner(promote.Options{FS: repo})
	var ce *promote.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 9, ce.Line)
	assert.Contains(t, err.Error(), "environment b: policies: policy file or folder policy/b: no such file or folder")

	repo["ferry.yaml"] = &fstest.MapFile{Data: []byte(head + "    policies: [policy]\n")}
	p, err := promote.NewPlanner(promote.Options{FS: repo})
	require.NoError(t, err)
	_, err = p.Plan(context.Background(), promote.Request{To: "b"})
	assert.ErrorContains(t, err, "ferry.yaml names policies and data, which are read from disk")

	// Given policies replace the configured ones, and need no disk.
	given := filepath.Join(t.TempDir(), "given.rego")
	require.NoError(t, os.WriteFile(given, []byte("package main\n\ndeny contains \"given\" if endswith(input.spec.template.spec.containers[0].image, \":1.27.1\")\n"), 0o644))
	p, err = promote.NewPlanner(promote.Options{FS: repo, Policy: policy.Options{Policies: []string{given}}})
	require.NoError(t, err)
	plan, err := p.Plan(context.Background(), promote.Request{To: "b"})
	require.NoError(t, err)
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status, "the given policy ran")
}
