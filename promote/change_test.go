package promote_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		from, to promote.Version
		relation promote.Relation
		bump     promote.Bump
		warns    bool
	}{
		{name: "major upgrade", from: v("1.9.3"), to: v("2.0.0"), relation: promote.RelationUpgrade, bump: promote.BumpMajor},
		{name: "minor upgrade with v prefix", from: v("v1.7.2"), to: v("v1.8.0"), relation: promote.RelationUpgrade, bump: promote.BumpMinor},
		{name: "mixed prefixes", from: v("1.2.3"), to: v("v1.2.4"), relation: promote.RelationUpgrade, bump: promote.BumpPatch},
		{name: "downgrade", from: v("1.2.0"), to: v("1.1.9"), relation: promote.RelationDowngrade, bump: promote.BumpMinor},
		{name: "release after its candidate", from: v("2.5.0-rc.1"), to: v("2.5.0"), relation: promote.RelationUpgrade, bump: promote.BumpPrerelease},
		{name: "candidate before its release", from: v("2.5.0"), to: v("2.5.0-rc.2"), relation: promote.RelationDowngrade, bump: promote.BumpPrerelease},
		{name: "dot-separated candidates order by number", from: v("1.0.0-rc.9"), to: v("1.0.0-rc.10"), relation: promote.RelationUpgrade, bump: promote.BumpPrerelease},
		{name: "rc9 and rc10 order as text", from: v("1.0.0-rc9"), to: v("1.0.0-rc10"), relation: promote.RelationDowngrade, bump: promote.BumpPrerelease, warns: true},
		{name: "date tags", from: v("2024-05-01"), to: v("2024-06-01"), relation: promote.RelationIncomparable},
		{name: "same", from: v("1.0.0"), to: v("1.0.0"), relation: promote.RelationSame},
		{name: "rebuild", from: promote.Version{Tag: "1.0.0", Digest: "sha256:aa"}, to: promote.Version{Tag: "1.0.0", Digest: "sha256:bb"}, relation: promote.RelationDigest},
		{name: "build metadata only", from: v("1.0.0+1"), to: v("1.0.0+2"), relation: promote.RelationIncomparable, bump: promote.BumpBuild},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			relation, bump, warnings := promote.Compare(tt.from, tt.to)
			assert.Equal(t, tt.relation, relation)
			assert.Equal(t, tt.bump, bump)
			if tt.warns {
				require.Len(t, warnings, 1)
				assert.Contains(t, warnings[0], "tag them rc.9 and rc.10")
			} else {
				assert.Empty(t, warnings)
			}
		})
	}
}

func v(tag string) promote.Version { return promote.Version{Tag: tag} }

func renderEnv(t *testing.T, env string) []*manifest.Object {
	t.Helper()
	r, err := render.New(render.Options{})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), filepath.Join("..", "examples", "shop", "overlays", env))
	require.NoError(t, err)
	return res.Objects
}

func TestDiffExample(t *testing.T) {
	changes := promote.Diff(promote.Artifacts(renderEnv(t, "staging")), promote.Artifacts(renderEnv(t, "production")), promote.DiffOptions{})
	got := map[string]string{}
	for _, c := range changes {
		got[c.Artifact] = string(c.Relation) + " " + c.From.String() + " -> " + c.To.String() + " " + string(c.Bump)
	}
	assert.Equal(t, map[string]string{
		"ghcr.io/acme-shop/storefront":     "upgrade 2.3.0 -> 2.4.1 minor",
		"ghcr.io/acme-shop/orders-api":     "upgrade 1.7.2 -> 1.8.0 minor",
		"ghcr.io/acme-shop/invoice-worker": "same 0.9.4 -> 0.9.4 ",
		"docker.io/library/busybox":        "same 1.36.1 -> 1.36.1 ",
	}, got)

	for _, c := range changes {
		if c.Artifact != "ghcr.io/acme-shop/storefront" {
			continue
		}
		require.Len(t, c.Target, 1)
		assert.Equal(t, "apps/Deployment/shop-production/storefront", c.Target[0].Object.String())
		assert.Equal(t, "/spec/template/spec/containers/0/image", c.Target[0].Field)
		assert.Equal(t, "overlays/production/kustomization.yaml", c.Target[0].Source.File, "the production overlay's images: entry pins it")
	}

	only := promote.Diff(promote.Artifacts(renderEnv(t, "staging")), promote.Artifacts(renderEnv(t, "production")), promote.DiffOptions{Selection: promote.Selection{Only: []string{"storefront"}}})
	require.Len(t, only, 1)
	assert.Equal(t, "ghcr.io/acme-shop/storefront", only[0].Artifact)
	excluded := promote.Diff(promote.Artifacts(renderEnv(t, "staging")), promote.Artifacts(renderEnv(t, "production")), promote.DiffOptions{Selection: promote.Selection{Exclude: []string{"ghcr.io/acme-shop/*"}}})
	require.Len(t, excluded, 1)
	assert.Equal(t, "docker.io/library/busybox", excluded[0].Artifact)
}

func TestArtifactsOfFluxObjects(t *testing.T) {
	objs, err := manifest.Decode("infra.yaml", []byte(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: ingress
spec:
  chart:
    spec:
      chart: ingress-nginx
      version: 4.11.3
      sourceRef:
        kind: HelmRepository
        name: ingress-nginx
        namespace: flux-system
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  chart:
    spec:
      chart: podinfo
      version: 6.7.1
      sourceRef:
        kind: HelmRepository
        name: podinfo
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: apps
spec:
  url: https://stefanprodan.github.io/podinfo/
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  url: oci://ghcr.io/stefanprodan/manifests/podinfo
  ref:
    semver: ">=6.0.0 <7.0.0"
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
  namespace: flux-system
spec:
  url: https://github.com/acme/platform
  ref:
    tag: v3.2.1
`))
	require.NoError(t, err)
	got := map[string]string{}
	for _, a := range promote.Artifacts(objs) {
		require.Len(t, a.Uses, 1)
		got[string(a.Kind)+" "+a.Name] = a.Uses[0].Version.String() + " " + a.Uses[0].Field
	}
	assert.Equal(t, map[string]string{
		"chart HelmRepository/ingress-nginx/ingress-nginx":    "4.11.3 /spec/chart/spec/version",
		"chart HelmRepository/podinfo/podinfo":                "6.7.1 /spec/chart/spec/version",
		"source oci://ghcr.io/stefanprodan/manifests/podinfo": ">=6.0.0 <7.0.0 /spec/ref/semver",
		"source https://github.com/acme/platform":             "v3.2.1 /spec/ref/tag",
	}, got)
}

func TestDiffOnlyInOneAndAmbiguous(t *testing.T) {
	deploy := func(name, image string) string {
		return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: " + image + "\n"
	}
	src, err := manifest.Decode("src.yaml", []byte(deploy("a", "ghcr.io/acme/a:1.0.0")+deploy("b", "ghcr.io/acme/shared:1.0.0")+deploy("c", "ghcr.io/acme/shared:1.1.0")))
	require.NoError(t, err)
	tgt, err := manifest.Decode("tgt.yaml", []byte(deploy("b", "ghcr.io/acme/shared:1.0.0")+deploy("d", "ghcr.io/acme/old:0.1.0")))
	require.NoError(t, err)
	relations := func(opts promote.DiffOptions) map[string]promote.Relation {
		got := map[string]promote.Relation{}
		for _, c := range promote.Diff(promote.Artifacts(src), promote.Artifacts(tgt), opts) {
			got[c.Artifact] = c.Relation
			if c.Relation == promote.RelationAmbiguous {
				require.Len(t, c.Warnings, 1)
				assert.Contains(t, c.Warnings[0], "the source pins 2 versions of ghcr.io/acme/shared (1.0.0 in apps/Deployment/b, 1.1.0 in apps/Deployment/c)")
			}
		}
		return got
	}
	// By workload, the target's b takes the source's b's version: the
	// same; c runs only in the source.
	assert.Equal(t, map[string]promote.Relation{
		"ghcr.io/acme/a":      promote.RelationOnlyInSource,
		"ghcr.io/acme/shared": promote.RelationSame,
		"ghcr.io/acme/old":    promote.RelationOnlyInTarget,
	}, relations(promote.DiffOptions{}))
	// Artifact-wide, the source's two versions have no one to carry over.
	assert.Equal(t, map[string]promote.Relation{
		"ghcr.io/acme/a":      promote.RelationOnlyInSource,
		"ghcr.io/acme/shared": promote.RelationAmbiguous,
		"ghcr.io/acme/old":    promote.RelationOnlyInTarget,
	}, relations(promote.DiffOptions{AllUses: true}))
}

func TestParseImage(t *testing.T) {
	tests := []struct{ ref, name, tag, digest string }{
		{ref: "nginx", name: "nginx"},
		{ref: "nginx:1.27", name: "nginx", tag: "1.27"},
		{ref: "localhost:5000/app", name: "localhost:5000/app"},
		{ref: "localhost:5000/app:1.0.0", name: "localhost:5000/app", tag: "1.0.0"},
		{ref: "ghcr.io/a/b/c:1.0.0@sha256:ab", name: "ghcr.io/a/b/c", tag: "1.0.0", digest: "sha256:ab"},
		{ref: "ghcr.io/a@sha256:ab", name: "ghcr.io/a", digest: "sha256:ab"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			name, v := promote.ParseImage(tt.ref)
			assert.Equal(t, tt.name, name)
			assert.Equal(t, promote.Version{Tag: tt.tag, Digest: tt.digest}, v)
		})
	}
}
