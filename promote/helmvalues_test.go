package promote_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
	"github.com/ferrygitops/ferry/validate"
)

var (
	digestA = "sha256:" + strings.Repeat("a", 64)
	digestB = "sha256:" + strings.Repeat("b", 64)
	digestC = "sha256:" + strings.Repeat("c", 64)
)

// webRelease is the app-template HelmRelease web: meta is more metadata
// lines (after its name), values the lines under spec.values.
func webRelease(meta, values string) string {
	return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
` + meta + `spec:
  interval: 10m
  chart:
    spec:
      chart: app-template
      version: 3.5.1
      sourceRef:
        kind: HelmRepository
        name: bjw-s
  values:
` + values
}

// helmRelease is web in the namespace shop.
func helmRelease(values string) string {
	return webRelease("  namespace: shop\n", values)
}

func TestArtifactsInHelmValues(t *testing.T) {
	tests := []struct {
		name   string
		values string
		want   map[string]string // artifact -> version field
	}{
		{
			name: "app-template controllers",
			values: `    controllers:
      main:
        containers:
          app:
            image:
              repository: ghcr.io/acme/web
              tag: 1.2.0
          proxy:
            image: {repository: envoyproxy/envoy, tag: v1.30.1}
`,
			want: map[string]string{
				"ghcr.io/acme/web":           "1.2.0 /spec/values/controllers/main/containers/app/image/tag",
				"docker.io/envoyproxy/envoy": "v1.30.1 /spec/values/controllers/main/containers/proxy/image/tag",
			},
		},
		{
			name: "image strings with tag, digest or both",
			values: `    image: ghcr.io/acme/web:1.2.0
    worker:
      image: ghcr.io/acme/worker@` + digestA + `
    cron:
      image: "localhost:5000/acme/cron:2.0.0@` + digestB + `"
`,
			want: map[string]string{
				"ghcr.io/acme/web":         "1.2.0 /spec/values/image",
				"ghcr.io/acme/worker":      "@" + digestA + " /spec/values/worker/image",
				"localhost:5000/acme/cron": "2.0.0@" + digestB + " /spec/values/cron/image",
			},
		},
		{
			name: "registry, repository, tag and digest",
			values: `    image:
      registry: ghcr.io
      repository: acme/web
      tag: 1.2.0
      digest: ` + digestA + `
    exporter:
      image:
        registry: quay.io/
        repository: acme/exporter
        tag: 0.5.0
        digest: ""
`,
			want: map[string]string{
				"ghcr.io/acme/web":      "1.2.0@" + digestA + " /spec/values/image/tag",
				"quay.io/acme/exporter": "0.5.0 /spec/values/exporter/image/tag",
			},
		},
		{
			name: "tag@digest and digest only",
			values: `    image:
      repository: ghcr.io/acme/web
      tag: 1.2.0@` + digestA + `
    pinned:
      image:
        repository: ghcr.io/acme/pinned
        tag: ""
        digest: ` + digestB + `
`,
			want: map[string]string{
				"ghcr.io/acme/web":    "1.2.0@" + digestA + " /spec/values/image/tag",
				"ghcr.io/acme/pinned": "@" + digestB + " /spec/values/pinned/image/tag",
			},
		},
		{
			name: "nested lists and escaped keys",
			values: `    sidecars:
      - name: log
        image: docker.io/library/busybox:1.36.1
      - name: nested
        containers:
          - image:
              repository: ghcr.io/acme/agent
              tag: 3.0.0
    "team/a":
      image: ghcr.io/acme/a:1.0.0
`,
			want: map[string]string{
				"docker.io/library/busybox": "1.36.1 /spec/values/sidecars/0/image",
				"ghcr.io/acme/agent":        "3.0.0 /spec/values/sidecars/1/containers/0/image/tag",
				"ghcr.io/acme/a":            "1.0.0 /spec/values/team~1a/image",
			},
		},
		{
			name: "Flux variables are kept",
			values: `    image:
      repository: ghcr.io/acme/web
      tag: ${web_tag}
`,
			want: map[string]string{"ghcr.io/acme/web": "${web_tag} /spec/values/image/tag"},
		},
		{
			name: "not images",
			values: `    noTag:
      repository: ghcr.io/acme/a
    numberTag:
      repository: ghcr.io/acme/b
      tag: 1.2
    nullTag:
      repository: ghcr.io/acme/c
      tag:
    appVersion:
      repository: ghcr.io/acme/d
      tag: ""
    emptyRepository:
      repository: ""
      tag: 1.0.0
    listRepository:
      repository: [ghcr.io/acme/e]
      tag: 1.0.0
    nameOnly:
      image: ghcr.io/acme/f
    port:
      image: registry.example.com:5000/acme/g
    number:
      image: 3
    list:
      image: [ghcr.io/acme/h:1.0.0]
    notImageKey:
      ref: ghcr.io/acme/i:1.0.0
    tag: 1.0.0
`,
			want: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := manifest.Decode("apps/web/helmrelease.yaml", []byte("# web\n"+helmRelease(tt.values)))
			require.NoError(t, err)
			got := map[string]string{}
			for _, a := range promote.Artifacts(objs) {
				if a.Kind != promote.KindImage {
					assert.Equal(t, promote.KindChart, a.Kind, "only images and the chart")
					continue
				}
				require.Len(t, a.Uses, 1, a.Name)
				u := a.Uses[0]
				got[a.Name] = u.Version.String() + " " + u.Field
				assert.Equal(t, "helm.toolkit.fluxcd.io/HelmRelease/shop/web", u.Object.String())
				assert.Equal(t, manifest.Origin{File: "apps/web/helmrelease.yaml", Line: 2}, u.Source, "the object's origin: field lines of values are not traced")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestArtifactsInHelmValuesOnlyOfFluxHelmReleases: values of other kinds, or
// of a HelmRelease of another group, hold no artifacts.
func TestArtifactsInHelmValuesOnlyOfFluxHelmReleases(t *testing.T) {
	objs, err := manifest.Decode("other.yaml", []byte(`apiVersion: example.com/v1
kind: HelmRelease
metadata:
  name: web
spec:
  values:
    image: ghcr.io/acme/web:1.0.0
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: values
data:
  image: ghcr.io/acme/web:1.0.0
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: novalues
spec:
  values: null
`))
	require.NoError(t, err)
	assert.Empty(t, promote.Artifacts(objs))
}

// TestArtifactsDeploymentAndValuesShareAName: an image is one artifact
// whether a Deployment or HelmRelease values set it.
func TestArtifactsDeploymentAndValuesShareAName(t *testing.T) {
	objs, err := manifest.Decode("apps.yaml", []byte(helmRelease(`    image: {repository: ghcr.io/acme/web, tag: 1.2.0}
`)+`---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2.0
`))
	require.NoError(t, err)
	arts := promote.Artifacts(objs)
	require.Len(t, arts, 2)
	assert.Equal(t, promote.KindChart, arts[0].Kind)
	assert.Equal(t, "ghcr.io/acme/web", arts[1].Name)
	require.Len(t, arts[1].Uses, 2)
	assert.Equal(t, "apps/Deployment/shop/web", arts[1].Uses[0].Object.String(), "uses sorted by object")
	assert.Equal(t, "helm.toolkit.fluxcd.io/HelmRelease/shop/web", arts[1].Uses[1].Object.String())
	assert.Equal(t, []promote.Version{{Tag: "1.2.0"}}, arts[1].Versions())
}

// findingOf returns the plan's one finding of a rule.
func findingOf(t *testing.T, plan *promote.Plan, rule string) finding.Finding {
	t.Helper()
	var out []finding.Finding
	for _, f := range plan.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	require.Len(t, out, 1, "one %s finding in %v", rule, plan.Findings)
	return out[0]
}

// writeRepo writes files (slash paths -> content) into a new repository.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, root, files)
	return root
}

const helmConfig = `apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: staging
    path: overlays/staging
  - name: production
    path: overlays/production
    from: staging
`

// helmPlanner validates HelmReleases against Flux's CRD.
func helmPlanner(t *testing.T, root string) *promote.Planner {
	t.Helper()
	crds, err := validate.LoadCRDs(context.Background(), filepath.Join("..", "validate", "testdata", "crds", "flux"))
	require.NoError(t, err)
	p, err := promote.NewPlanner(promote.Options{Root: root, Validate: validate.Options{CRDs: crds}, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	return p
}

// promoteOnly plans promoting staging to production, of the artifacts
// only selects or, when only is "", of all of them.
func promoteOnly(t *testing.T, root, only string) *promote.Plan {
	t.Helper()
	req := promote.Request{From: "staging", To: "production"}
	if only != "" {
		req.Selection.Only = []string{only}
	}
	plan, err := helmPlanner(t, root).Plan(context.Background(), req)
	require.NoError(t, err)
	return plan
}

// readyFile requires plan to be ready and to edit one file, and returns
// that file's edits.
func readyFile(t *testing.T, plan *promote.Plan) promote.FileEdit {
	t.Helper()
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons, plan.Findings)
	require.Len(t, plan.Files, 1)
	return plan.Files[0]
}

// renderValuesImages renders an environment and returns its images.
func renderValuesImages(t *testing.T, root, env string) map[string]string {
	t.Helper()
	r, err := render.New(render.Options{Root: root})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), filepath.Join(root, "overlays", env))
	require.NoError(t, err)
	out := map[string]string{}
	for _, a := range promote.Artifacts(res.Objects) {
		if a.Kind == promote.KindImage {
			out[a.Name] = a.Versions()[0].String()
		}
	}
	return out
}

// An app-template HelmRelease that each environment owns.
var (
	stagingWeb = webRelease("", `    controllers:
      main:
        containers:
          app:
            image:
              repository: ghcr.io/acme/web
              tag: 1.3.0
          proxy:
            image:
              registry: docker.io
              repository: envoyproxy/envoy
              tag: v1.30.2
              digest: `+digestB+`
    jobs:
      - name: migrate
        image: "ghcr.io/acme/web-migrate:1.3.0"
    metrics:
      image:
        repository: ghcr.io/acme/exporter
        tag: 0.6.0@`+digestC+`
`)
	// The comment keeps the HelmRelease at line 2 and its app tag at line 22,
	// lines the tests below assert.
	productionWeb = "# production runs what staging certified\n" + webRelease("", `    controllers:
      main:
        containers:
          app:
            image:
              repository: ghcr.io/acme/web
              tag: "1.2.0" # certified 2026-10-01
          proxy:
            image:
              registry: docker.io
              repository: envoyproxy/envoy
              tag: v1.30.1
              digest: `+digestA+`
    jobs:
      - name: migrate
        image: "ghcr.io/acme/web-migrate:1.2.0"   # runs before each release
    metrics:
      image:
        repository: ghcr.io/acme/exporter
        tag: 0.5.0
`)
)

func ownedHelmRepo(t *testing.T) string {
	return writeRepo(t, map[string]string{
		"ferry.yaml":                             helmConfig,
		"overlays/staging/kustomization.yaml":    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-staging\nresources:\n  - web.yaml\n",
		"overlays/staging/web.yaml":              stagingWeb,
		"overlays/production/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-production\nresources:\n  - web.yaml\n",
		"overlays/production/web.yaml":           productionWeb,
	})
}

// TestPlanEditsHelmValuesInTargetFile: images in the values of a
// HelmRelease only the target renders are promoted by setting their tag,
// digest or image scalars in place, every other byte kept.
func TestPlanEditsHelmValuesInTargetFile(t *testing.T) {
	root := ownedHelmRepo(t)
	before := snapshot(t, root)
	plan := promoteOnly(t, root, "")
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons, plan.Findings)

	changes := map[string]string{}
	for _, c := range plan.Changes {
		if c.Promotes() {
			changes[c.Artifact] = c.From.String() + " -> " + c.To.String()
			require.Len(t, c.Target, 1)
			assert.Equal(t, manifest.Origin{File: "overlays/production/web.yaml", Line: 2}, c.Target[0].Source)
		}
	}
	assert.Equal(t, map[string]string{
		"ghcr.io/acme/web":           "1.2.0 -> 1.3.0",
		"docker.io/envoyproxy/envoy": "v1.30.1@" + digestA + " -> v1.30.2@" + digestB,
		"ghcr.io/acme/web-migrate":   "1.2.0 -> 1.3.0",
		"ghcr.io/acme/exporter":      "0.5.0 -> 0.6.0@" + digestC,
	}, changes)

	require.Len(t, plan.Files, 1)
	f := plan.Files[0]
	assert.Equal(t, "overlays/production/web.yaml", f.Path)
	var edits []string
	for _, e := range f.Edits {
		edits = append(edits, strings.Join(e.Keys, ".")+": "+e.Old+" -> "+e.New)
	}
	assert.Equal(t, []string{
		"spec.values.controllers.main.containers.app.image.tag: 1.2.0 -> 1.3.0",
		"spec.values.controllers.main.containers.proxy.image.tag: v1.30.1 -> v1.30.2",
		"spec.values.controllers.main.containers.proxy.image.digest: " + digestA + " -> " + digestB,
		"spec.values.jobs.0.image: ghcr.io/acme/web-migrate:1.2.0 -> ghcr.io/acme/web-migrate:1.3.0",
		"spec.values.metrics.image.tag: 0.5.0 -> 0.6.0@" + digestC,
	}, edits, "the digest goes into the tag when the map has no digest key")
	assert.Contains(t, f.Edits[0].Reason, "ghcr.io/acme/web is pinned here, in the HelmRelease's values (1.2.0 → 1.3.0)")

	applied, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, []string{"overlays/production/web.yaml"}, applied.Written)
	after := snapshot(t, root)
	want := strings.NewReplacer(
		`tag: "1.2.0" # certified`, `tag: "1.3.0" # certified`,
		"tag: v1.30.1", "tag: v1.30.2",
		"digest: "+digestA, "digest: "+digestB,
		`image: "ghcr.io/acme/web-migrate:1.2.0"   #`, `image: "ghcr.io/acme/web-migrate:1.3.0"   #`,
		"tag: 0.5.0", "tag: 0.6.0@"+digestC,
	).Replace(before[f.Path])
	assert.Equal(t, want, after[f.Path], "quoting, comments and layout kept")
	for p, content := range before {
		if p != f.Path {
			assert.Equal(t, content, after[p], p)
		}
	}
	assert.Equal(t, renderValuesImages(t, root, "staging"), renderValuesImages(t, root, "production"))

	again := promoteOnly(t, root, "")
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status, again.Verdict.Reasons)
}

// TestPlanHelmValuesDigestLeaves: a source without a digest empties the
// target's digest key, the way charts say "none".
func TestPlanHelmValuesDigestLeaves(t *testing.T) {
	root := ownedHelmRepo(t)
	replaceIn(t, filepath.Join(root, "overlays", "staging", "web.yaml"), "              digest: "+digestB+"\n", "")
	plan := promoteOnly(t, root, "envoy")
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	assert.Contains(t, plan.Diff, "-              tag: v1.30.1\n-              digest: "+digestA+"\n+              tag: v1.30.2\n+              digest: \"\"\n")
}

// TestPlanHelmValuesBlocks: where a values image cannot be edited, the
// plan is blocked, writes no file and says in an edit finding what to do.
func TestPlanHelmValuesBlocks(t *testing.T) {
	tests := []struct {
		name     string
		repo     func(t *testing.T) string
		only     string
		field    string   // the finding's field; "" leaves it unchecked
		file     string   // the finding's file; "" leaves it unchecked
		message  string   // the finding's whole message; "" leaves it unchecked
		contains []string // parts of the finding's message
	}{
		{
			// A tag field cannot take a digest-only version.
			name: "DigestOnlySource",
			repo: func(t *testing.T) string {
				root := ownedHelmRepo(t)
				replaceIn(t, filepath.Join(root, "overlays", "staging", "web.yaml"), "              tag: 1.3.0\n", "              tag: \"\"\n              digest: "+digestB+"\n")
				return root
			},
			only:     "ghcr.io/acme/web",
			field:    "/spec/values/controllers/main/containers/app/image/tag",
			file:     "overlays/production/web.yaml",
			contains: []string{"overlays/production/web.yaml: /spec/values/controllers/main/containers/app/image/tag sets the tag of ghcr.io/acme/web, but @" + digestB + " pins it by digest only, which a tag cannot hold; set the tag (and digest) by hand"},
		},
		{
			// A values image reached through a list cannot be patched (a
			// merge patch replaces the whole list).
			name:  "InSharedList",
			repo:  sharedHelmRepo,
			only:  "busybox",
			field: "/spec/values/sidecars/0/image",
			contains: []string{
				"apps/base/web/helmrelease.yaml: helm.toolkit.fluxcd.io/HelmRelease/shop-production/web /spec/values/sidecars/0/image goes through a list, which a strategic-merge patch cannot address",
				"pin the version in a file only the target renders",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := promoteOnly(t, tt.repo(t), tt.only)
			assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
			assert.Empty(t, plan.Files)
			f := findingOf(t, plan, "edit")
			if tt.field != "" {
				assert.Equal(t, tt.field, f.Field)
			}
			if tt.file != "" {
				assert.Equal(t, tt.file, f.Source.File)
			}
			if tt.message != "" {
				assert.Equal(t, tt.message, f.Message)
			}
			for _, part := range tt.contains {
				assert.Contains(t, f.Message, part)
			}
		})
	}
}

// TestPlanHelmValuesLatestIsFound: the built-in image rules check values
// images; the finding points at the tag field and the file to edit.
func TestPlanHelmValuesLatestIsFound(t *testing.T) {
	root := ownedHelmRepo(t)
	replaceIn(t, filepath.Join(root, "overlays", "staging", "web.yaml"), "              tag: 1.3.0\n", "              tag: latest\n")
	plan := promoteOnly(t, root, "ghcr.io/acme/web")
	assert.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	f := findingOf(t, plan, "no-latest-tag")
	assert.Equal(t, "/spec/values/controllers/main/containers/app/image/tag", f.Field)
	assert.Equal(t, "helm.toolkit.fluxcd.io/HelmRelease/shop-production/web", f.Object.String())
	assert.Equal(t, manifest.Origin{File: "overlays/production/web.yaml", Line: 2}, f.Source)
	assert.Equal(t, `HelmRelease value "controllers.main.containers.app.image" uses image "ghcr.io/acme/web:latest" with the latest tag; pin a version`, f.Message)
}

// A HelmRelease in a base that both environments render; staging patches
// its values, production does not.
var sharedWeb = webRelease("", `    controllers:
      main:
        containers:
          app:
            image:
              repository: ghcr.io/acme/web
              tag: 1.2.0
              digest: ""
    sidecars:
      - name: log
        image: docker.io/library/busybox:1.36.0
`)

// appImagePatch is a patch of web's values that sets fields of the app
// container's image: rest holds those fields, then any other values.
func appImagePatch(rest string) string {
	return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
spec:
  values:
    controllers:
      main:
        containers:
          app:
            image:
` + rest
}

var stagingPatch = appImagePatch(`              tag: 1.3.0
              digest: ` + digestB + `
    sidecars:
      - name: log
        image: docker.io/library/busybox:1.37.0
`)

func sharedHelmRepo(t *testing.T) string {
	return writeRepo(t, map[string]string{
		"ferry.yaml":                             helmConfig,
		"apps/base/web/kustomization.yaml":       "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - helmrelease.yaml\n",
		"apps/base/web/helmrelease.yaml":         sharedWeb,
		"overlays/staging/kustomization.yaml":    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-staging\nresources:\n  - ../../apps/base/web\npatches:\n  - path: web-values.yaml\n",
		"overlays/staging/web-values.yaml":       stagingPatch,
		"overlays/production/kustomization.yaml": "# production\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-production\nresources:\n  - ../../apps/base/web\n",
	})
}

// TestPlanPatchesHelmValuesInSharedBase: a values image pinned only in a
// base other environments render is promoted by a patch in the target's
// kustomization (an images: entry would not reach the values); the base is
// not touched.
func TestPlanPatchesHelmValuesInSharedBase(t *testing.T) {
	root := sharedHelmRepo(t)
	base := snapshot(t, root)["apps/base/web/helmrelease.yaml"]
	plan := promoteOnly(t, root, "ghcr.io/acme/web")
	f := readyFile(t, plan)
	assert.Equal(t, "overlays/production/kustomization.yaml", f.Path)
	require.Len(t, f.Edits, 1)
	e := f.Edits[0]
	assert.Equal(t, promote.OpAppend, e.Op)
	assert.Equal(t, []string{"patches"}, e.Keys)
	assert.Equal(t, []promote.KV{{Key: "patch", Value: `{"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"web"},"spec":{"values":{"controllers":{"main":{"containers":{"app":{"image":{"digest":"` + digestB + `","tag":"1.3.0"}}}}}}}}`}}, e.Item)
	assert.Contains(t, e.Reason, "production pins ghcr.io/acme/web only in apps/base/web/helmrelease.yaml, which staging also render")
	assert.Contains(t, e.Reason, "with a patch of the HelmRelease's values")

	_, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)
	after := snapshot(t, root)
	assert.Equal(t, base, after["apps/base/web/helmrelease.yaml"], "the shared base is untouched")
	assert.Equal(t, "1.3.0@"+digestB, renderValuesImages(t, root, "production")["ghcr.io/acme/web"])
	assert.Equal(t, "1.3.0@"+digestB, renderValuesImages(t, root, "staging")["ghcr.io/acme/web"])
}

// TestPlanEditsTheTargetsOwnPatch: the target's own patch sets the values
// image over the shared base; the plan edits that patch, where the version
// the target renders is written, not the base nor a new patch.
func TestPlanEditsTheTargetsOwnPatch(t *testing.T) {
	root := sharedHelmRepo(t)
	plan, err := helmPlanner(t, root).Plan(context.Background(), promote.Request{From: "production", To: "staging", Rollback: true, Selection: promote.Selection{Only: []string{"ghcr.io/acme/web"}}})
	require.NoError(t, err)
	f := readyFile(t, plan)
	assert.Equal(t, "overlays/staging/web-values.yaml", f.Path)
	assert.Contains(t, plan.Diff, "-              tag: 1.3.0\n")
	assert.Contains(t, plan.Diff, "+              tag: 1.2.0\n")
	assert.Contains(t, plan.Diff, "-              digest: sha256:", "the digest goes: the base's value is not what staging runs")
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, "1.2.0", renderValuesImages(t, root, "staging")["ghcr.io/acme/web"])
}

// TestPlanPatchesChartVersionInSharedBase: the override patch names the
// object as the shared file writes it, before the target's namespace:
// applies, so that kustomize finds it.
func TestPlanPatchesChartVersionInSharedBase(t *testing.T) {
	root := sharedHelmRepo(t)
	replaceIn(t, filepath.Join(root, "apps", "base", "web", "helmrelease.yaml"), "        name: bjw-s\n", "        name: bjw-s\n        namespace: flux-system\n")
	replaceIn(t, filepath.Join(root, "overlays", "staging", "web-values.yaml"), "spec:\n", "spec:\n  chart:\n    spec:\n      version: 3.6.0\n")
	plan := promoteOnly(t, root, "app-template")
	f := readyFile(t, plan)
	require.Len(t, f.Edits, 1)
	assert.Equal(t, []promote.KV{{Key: "patch", Value: `{"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"web"},"spec":{"chart":{"spec":{"version":"3.6.0"}}}}`}}, f.Edits[0].Item)
}

// TestPlanAppendsSeveralOverrides: several artifacts pinned only in shared
// files each get their override in the one target kustomization.
func TestPlanAppendsSeveralOverrides(t *testing.T) {
	root := sharedHelmRepo(t)
	replaceIn(t, filepath.Join(root, "apps", "base", "web", "helmrelease.yaml"), "    sidecars:\n      - name: log\n        image: docker.io/library/busybox:1.36.0\n", "    log:\n      image: docker.io/library/busybox:1.36.0\n")
	replaceIn(t, filepath.Join(root, "overlays", "staging", "web-values.yaml"), "    sidecars:\n      - name: log\n        image: docker.io/library/busybox:1.37.0\n", "    log:\n      image: docker.io/library/busybox:1.37.0\n")
	plan := promoteOnly(t, root, "")
	require.Len(t, readyFile(t, plan).Edits, 2)
	assert.Contains(t, plan.Diff, "+patches:\n")
	_, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, renderValuesImages(t, root, "staging"), renderValuesImages(t, root, "production"))
}

// TestPlanEditsTheTargetsPatchOfAValuesImage: when the target's own patch
// sets the version it renders, the plan edits the patch's line, not the
// line of the file the patch overrides.
func TestPlanEditsTheTargetsPatchOfAValuesImage(t *testing.T) {
	root := ownedHelmRepo(t)
	replaceIn(t, filepath.Join(root, "overlays", "production", "kustomization.yaml"), "  - web.yaml\n", "  - web.yaml\npatches:\n  - path: web-tag.yaml\n")
	require.NoError(t, os.WriteFile(filepath.Join(root, "overlays", "production", "web-tag.yaml"), []byte(appImagePatch("              tag: 1.2.5\n")), 0o644))
	web := snapshot(t, root)["overlays/production/web.yaml"]
	plan := promoteOnly(t, root, "ghcr.io/acme/web")
	f := readyFile(t, plan)
	assert.Equal(t, "overlays/production/web-tag.yaml", f.Path)
	require.Len(t, f.Edits, 1)
	assert.Equal(t, "1.2.5", f.Edits[0].Old)
	assert.Equal(t, "1.3.0", f.Edits[0].New)
	_, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, web, snapshot(t, root)["overlays/production/web.yaml"], "the overridden file is untouched")
	assert.Equal(t, "1.3.0", renderValuesImages(t, root, "production")["ghcr.io/acme/web"])
}

// TestPlanEditsItsOwnOverrideNextTime: the override a plan adds for a
// version pinned in a shared base is where the target sets that version
// from then on: the next promotion edits it instead of adding another.
func TestPlanEditsItsOwnOverrideNextTime(t *testing.T) {
	root := sharedHelmRepo(t)
	replaceIn(t, filepath.Join(root, "apps", "base", "web", "helmrelease.yaml"), "        name: bjw-s\n", "        name: bjw-s\n        namespace: flux-system\n")
	replaceIn(t, filepath.Join(root, "overlays", "staging", "web-values.yaml"), "spec:\n", "spec:\n  chart:\n    spec:\n      version: 3.6.0\n")
	plan := promoteOnly(t, root, "app-template")
	_, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)

	replaceIn(t, filepath.Join(root, "overlays", "staging", "web-values.yaml"), "      version: 3.6.0\n", "      version: 3.7.1\n")
	plan = promoteOnly(t, root, "app-template")
	f := readyFile(t, plan)
	assert.Equal(t, "overlays/production/kustomization.yaml", f.Path)
	require.Len(t, f.Edits, 1)
	e := f.Edits[0]
	assert.Equal(t, promote.OpSet, e.Op, "the override is edited, not added to: %+v", e)
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	kustomization := snapshot(t, root)["overlays/production/kustomization.yaml"]
	assert.Equal(t, 1, strings.Count(kustomization, "- patch:"), kustomization)
	assert.Contains(t, kustomization, `\"version\":\"3.7.1\"`)
}

// TestPlanEditsItsOwnValuesOverrideNextTime: the same for a values image:
// the tag and digest of the override are rewritten in place.
func TestPlanEditsItsOwnValuesOverrideNextTime(t *testing.T) {
	root := sharedHelmRepo(t)
	plan := promoteOnly(t, root, "ghcr.io/acme/web")
	_, err := plan.Apply(context.Background(), root)
	require.NoError(t, err)

	replaceIn(t, filepath.Join(root, "overlays", "staging", "web-values.yaml"), "              tag: 1.3.0\n              digest: "+digestB+"\n", "              tag: 1.4.0\n")
	plan = promoteOnly(t, root, "ghcr.io/acme/web")
	f := readyFile(t, plan)
	require.Len(t, f.Edits, 1)
	assert.Equal(t, promote.OpSet, f.Edits[0].Op)
	assert.Equal(t, []string{"patches", "0", "patch"}, f.Edits[0].Keys)
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	kustomization := snapshot(t, root)["overlays/production/kustomization.yaml"]
	assert.Equal(t, 1, strings.Count(kustomization, "- patch:"), kustomization)
	assert.Equal(t, "1.4.0", renderValuesImages(t, root, "production")["ghcr.io/acme/web"], "the digest is emptied with the tag")
}
