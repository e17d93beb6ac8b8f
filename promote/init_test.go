package promote_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

func names(cfg *promote.Config) []string {
	var out []string
	for _, e := range cfg.Environments {
		s := e.Name + "=" + e.Path
		if e.From != "" {
			s += "<-" + e.From
		}
		out = append(out, s)
	}
	return out
}

// TestInitConfig: ferry init lists the environments it discovers in the
// promotion order their names suggest, each from the first environment of
// the stage before in its folder; names that say nothing come last without
// a from:, as a comment to fill in; what it writes loads as a ferry.yaml.
func TestInitConfig(t *testing.T) {
	k := &fstest.MapFile{Data: []byte("resources: []\n")}
	fsys := fstest.MapFS{
		"overlays/prod-west/kustomization.yaml": k,
		"overlays/prod-east/kustomization.yaml": k,
		"overlays/ab-test/kustomization.yaml":   k,
		"overlays/non-prod/kustomization.yaml":  k,
		"overlays/staging/kustomization.yaml":   k,
		"overlays/qa/kustomization.yaml":        k,
		"overlays/dev/kustomization.yaml":       k,
		"apps/billing/kustomization.yaml":       k, // an application, not an environment
		"apps/base/kustomization.yaml":          k,
	}
	cfg, err := promote.InitConfig(context.Background(), fsys)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"dev=overlays/dev", "qa=overlays/qa<-dev", "staging=overlays/staging<-qa",
		"prod-east=overlays/prod-east<-staging", "prod-west=overlays/prod-west<-staging",
		"ab-test=overlays/ab-test", "non-prod=overlays/non-prod",
	}, names(cfg))
	data := promote.EncodeConfig(cfg)
	back, err := promote.ParseConfig(promote.ConfigFile, data)
	require.NoError(t, err, "%s", data)
	assert.Equal(t, names(cfg), names(back))
	assert.Contains(t, string(data), "    # from: ENV  # ferry could not tell which environment ab-test is promoted from\n")
	assert.Contains(t, string(data), "    # kubernetesVersion: \"1.")

	_, err = promote.InitConfig(context.Background(), fstest.MapFS{"README.md": &fstest.MapFile{}})
	assert.ErrorContains(t, err, "found no environments")
}

// TestInitConfigLeavesOutClustersThatApplyAnEnvironment: Flux's
// multi-tenancy layout — clusters/<env> applies tenants/<env> — lists the
// tenants' folders, named after the environment, and not the clusters,
// which take their settings.
func TestInitConfigLeavesOutClustersThatApplyAnEnvironment(t *testing.T) {
	ks := func(p string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: tenants\n  namespace: flux-system\nspec:\n  path: " + p + "\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n")}
	}
	k := &fstest.MapFile{Data: []byte("resources: []\n")}
	fsys := fstest.MapFS{
		"clusters/staging/tenants.yaml":          ks("./tenants/staging"),
		"clusters/production/tenants.yaml":       ks("./tenants/production"),
		"clusters/sandbox/apps.yaml":             ks("./somewhere/else"),
		"tenants/staging/kustomization.yaml":     k,
		"tenants/production/kustomization.yaml":  k,
		"tenants/base/team-a/kustomization.yaml": k,
	}
	cfg, err := promote.InitConfig(context.Background(), fsys)
	require.NoError(t, err)
	assert.Equal(t, []string{"sandbox=clusters/sandbox", "staging=tenants/staging", "production=tenants/production<-staging"}, names(cfg))
}
