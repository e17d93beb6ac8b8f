package promote_test

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

// FuzzParseConfig checks that ParseConfig never panics, that every error is
// a [*promote.ConfigError] naming ferry.yaml with a line inside the file
// (only an empty file has none), and that a configuration it accepts keeps
// its promises: named environments with distinct names and clean paths
// inside the repository, known and acyclic from:, ordered freeze windows,
// and sources written Kind/namespace/name.
func FuzzParseConfig(f *testing.F) {
	data, err := os.ReadFile("../examples/shop/ferry.yaml")
	require.NoError(f, err)
	f.Add(data)
	head := "apiVersion: ferry.dev/v1alpha1\nkind: Config\n"
	for _, s := range []string{
		"", "# only a comment\n", "---\n", "null\n", "[]\n", "apiVersion: v1\nkind: ConfigMap\n", head,
		head + "environments:\n  - name: dev\n    path: overlays/dev\n  - name: prod\n    path: ./overlays/../prod/\n    from: dev\n",
		head + "environments:\n  - name: a\n    path: a\n    from: b\n  - name: b\n    path: b\n    from: a\n",
		head + "environments:\n  - name: a\n    path: /abs\n",
		head + "environments:\n  - {name: a, path: a, freeze: [{start: 2027-01-02T00:00:00Z, end: 2027-01-01T00:00:00Z}]}\n",
		head + "environments:\n  - name: a\n    path: a\n    policy: {allowedRegistries: [ghcr.io/x], allowPrerelease: yes}\n",
		head + "sources:\n  GitRepository/flux-system/apps: apps\n  bad: x\n",
		head + "environments: &e\n  - name: a\n    path: a\nsources: *e\n",
		head + "environments:\n  - name: a\n    path: a\n    kubernetesVersion: 1.33\n    unknown: 1\n",
		head + "environments:\n- name: a\n  path: a\n---\nkind: Other\n",
		head + "policies: [policy, ./p/../q/]\ndata: [d.yaml]\nenvironments:\n  - name: a\n    path: a\n    policies: [policy/a, ../x]\n    data: [/etc/x]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := promote.ParseConfig("ferry.yaml", data)
		if err != nil {
			require.Nil(t, cfg)
			var ce *promote.ConfigError
			require.True(t, errors.As(err, &ce), "error %q is a %T, want a *promote.ConfigError", err, err)
			require.Equal(t, "ferry.yaml", ce.File)
			require.True(t, strings.HasPrefix(err.Error(), "ferry.yaml"), "%q", err)
			require.GreaterOrEqual(t, ce.Line, 0)
			// A line break is \r\n, \r or \n, as YAML reads them.
			require.LessOrEqual(t, ce.Line, len(regexp.MustCompile("\r\n|\r|\n").FindAllIndex(data, -1))+1, "%q", err)
			// The YAML parser reports some syntax errors (unclosed quotes,
			// control characters) without a line.
			if !strings.Contains(ce.Msg, "empty configuration") && !strings.HasPrefix(ce.Msg, "invalid YAML") {
				require.Positive(t, ce.Line, "error without a line for %q: %v", data, err)
			}
			return
		}
		require.Equal(t, promote.ConfigAPIVersion, cfg.APIVersion)
		require.Equal(t, promote.ConfigKind, cfg.Kind)
		names := map[string]bool{}
		for _, env := range cfg.Environments {
			require.NotEmpty(t, env.Name)
			require.False(t, names[env.Name], "environment %s twice", env.Name)
			names[env.Name] = true
			require.Equal(t, path.Clean(env.Path), env.Path)
			require.False(t, path.IsAbs(env.Path) || env.Path == ".." || strings.HasPrefix(env.Path, "../"), "path %q", env.Path)
			for _, w := range env.Freeze {
				require.True(t, w.End.After(w.Start))
			}
		}
		for _, env := range cfg.Environments {
			seen := map[string]bool{env.Name: true}
			for cur := env.From; cur != ""; {
				require.True(t, names[cur], "%s is promoted from unknown %s", env.Name, cur)
				require.False(t, seen[cur], "cycle through %s", cur)
				seen[cur] = true
				next, _ := cfg.Environment(cur)
				cur = next.From
			}
		}
		for _, env := range append(cfg.Environments, promote.Environment{}) {
			policies, data := cfg.PolicyPaths(env)
			for _, p := range append(policies, data...) {
				require.True(t, fs.ValidPath(p), "policy or data path %q is not a clean path inside the repository", p)
			}
		}
		for key, dir := range cfg.Sources {
			require.Len(t, strings.Split(key, "/"), 3, "source %q", key)
			require.NotEmpty(t, dir)
		}
	})
}
