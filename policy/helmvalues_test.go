package policy_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/policy"
)

// helmWeb is a HelmRelease whose values set images in the layouts ferry
// reads: an app-template image map, an image string in a list, a map with a
// registry.
const helmWeb = `# web, from the app-template chart
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: shop
spec:
  values:
    controllers:
      main:
        containers:
          app:
            image:
              repository: ghcr.io/acme/web
              tag: latest
    sidecars:
      - name: log
        image: busybox:1.36.1-rc.1
    exporter:
      image:
        registry: quay.io
        repository: acme/exporter
        tag: "2024-05-01"
    chart:
      repository: https://charts.example.com
    replicas: 2
`

// TestBuiltinRulesCheckHelmValues: the built-in image rules find the images
// of HelmRelease values, point at the tag or image field, and at the object
// in the file when the file cannot be read (Options.Sources unset).
func TestBuiltinRulesCheckHelmValues(t *testing.T) {
	e, err := policy.Load(context.Background(), policy.Options{
		Params: policy.Params{AllowedRegistries: []string{"ghcr.io/acme", "docker.io/library"}, RequireDigest: true},
	})
	require.NoError(t, err)
	fs, err := e.Check(context.Background(), objects(t, helmWeb))
	require.NoError(t, err)
	var got []string
	for _, f := range fs {
		assert.Equal(t, "helm.toolkit.fluxcd.io/HelmRelease/shop/web", f.Object.String())
		assert.Equal(t, "apps/web.yaml:2", f.Source.String())
		got = append(got, f.Rule+" "+f.Field+": "+f.Message)
	}
	assert.Equal(t, []string{
		`digest-pinned /spec/values/controllers/main/containers/app/image/tag: HelmRelease value "controllers.main.containers.app.image" uses image "ghcr.io/acme/web:latest" without a digest; this environment requires image@sha256:…`,
		`no-latest-tag /spec/values/controllers/main/containers/app/image/tag: HelmRelease value "controllers.main.containers.app.image" uses image "ghcr.io/acme/web:latest" with the latest tag; pin a version`,
		`allowed-registries /spec/values/exporter/image/tag: HelmRelease value "exporter.image" uses image "quay.io/acme/exporter:2024-05-01" from quay.io, which is not an allowed registry (ghcr.io/acme, docker.io/library)`,
		`digest-pinned /spec/values/exporter/image/tag: HelmRelease value "exporter.image" uses image "quay.io/acme/exporter:2024-05-01" without a digest; this environment requires image@sha256:…`,
		`semver-tag /spec/values/exporter/image/tag: HelmRelease value "exporter.image" uses image "quay.io/acme/exporter:2024-05-01" whose tag "2024-05-01" is not a semantic version; tag releases as MAJOR.MINOR.PATCH, optionally followed by a prerelease or a variant (-rc.1, -alpine)`,
		`digest-pinned /spec/values/sidecars/0/image: HelmRelease value "sidecars[0].image" uses image "busybox:1.36.1-rc.1" without a digest; this environment requires image@sha256:…`,
		`no-prerelease /spec/values/sidecars/0/image: HelmRelease value "sidecars[0].image" uses prerelease image "busybox:1.36.1-rc.1" (rc.1), which this environment does not allow`,
	}, got, "sorted by field, then rule")
}

// TestBuiltinRulesIgnoreOtherValues: values that are not images, and
// HelmReleases of other groups, give no image findings.
func TestBuiltinRulesIgnoreOtherValues(t *testing.T) {
	e, err := policy.Load(context.Background(), policy.Options{})
	require.NoError(t, err)
	fs, err := e.Check(context.Background(), objects(t, `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
spec:
  values:
    image:
      repository: ghcr.io/acme/web # the chart's appVersion
    worker:
      image: ghcr.io/acme/worker
      tag: 1.2
---
apiVersion: example.com/v1
kind: HelmRelease
metadata:
  name: other
spec:
  values:
    image: ghcr.io/acme/web:latest
`))
	require.NoError(t, err)
	assert.Empty(t, fs)
}

// TestHelmValuesFindingLines: with Options.Sources, findings on HelmRelease
// values point at the line of the tag: or image: field in the file; a file
// whose value differs from the object's (an overlay changed it) leaves the
// object's line.
func TestHelmValuesFindingLines(t *testing.T) {
	const untagged = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: proxy
  namespace: shop
spec:
  values:
    image: nginx
    worker:
      image: ghcr.io/acme/worker
      tag: 1.2.0
    chart:
      image:
        repository: ghcr.io/acme/chart-default
`
	tests := []struct {
		name  string
		file  string // the file's content; "" for the object's own
		want  []string
		noSrc bool
	}{
		{
			name: "tag and image lines",
			want: []string{
				"apps/web.yaml:15 no-latest-tag /spec/values/controllers/main/containers/app/image/tag",
				"apps/web.yaml:18 no-prerelease /spec/values/sidecars/0/image",
				"apps/web.yaml:23 semver-tag /spec/values/exporter/image/tag",
			},
		},
		{
			name:  "without sources",
			noSrc: true,
			want: []string{
				"apps/web.yaml:2 no-latest-tag /spec/values/controllers/main/containers/app/image/tag",
				"apps/web.yaml:2 semver-tag /spec/values/exporter/image/tag",
				"apps/web.yaml:2 no-prerelease /spec/values/sidecars/0/image",
			},
		},
		{
			name: "value changed since",
			file: strings.Replace(helmWeb, "tag: latest", "tag: 1.0.0", 1),
			want: []string{
				"apps/web.yaml:2 no-latest-tag /spec/values/controllers/main/containers/app/image/tag",
				"apps/web.yaml:18 no-prerelease /spec/values/sidecars/0/image",
				"apps/web.yaml:23 semver-tag /spec/values/exporter/image/tag",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = helmWeb
			}
			opts := policy.Options{}
			if !tt.noSrc {
				opts.Sources = fstest.MapFS{"apps/web.yaml": {Data: []byte(file)}}
			}
			e, err := policy.Load(context.Background(), opts)
			require.NoError(t, err)
			fs, err := e.Check(context.Background(), objects(t, helmWeb))
			require.NoError(t, err)
			var got []string
			for _, f := range fs {
				got = append(got, f.Source.String()+" "+f.Rule+" "+f.Field)
			}
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("untagged image string", func(t *testing.T) {
		e, err := policy.Load(context.Background(), policy.Options{Sources: fstest.MapFS{"apps/web.yaml": {Data: []byte(untagged)}}})
		require.NoError(t, err)
		fs, err := e.Check(context.Background(), objects(t, untagged))
		require.NoError(t, err)
		require.Len(t, fs, 1, "the split image and the chart's default are not untagged: %v", fs)
		assert.Equal(t, "no-latest-tag", fs[0].Rule)
		assert.Equal(t, "apps/web.yaml:8", fs[0].Source.String())
		assert.Equal(t, `HelmRelease value "image" uses image "nginx" without a tag, which means latest; pin a version`, fs[0].Message)
	})
}
