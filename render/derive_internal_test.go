package render

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/manifest"
)

// lost reports an object whose traced origin is a kustomization's
// transformer rather than its definition: line 0 in a kustomization file,
// for an object no generator made.
func lost(o *manifest.Object) bool {
	return o.Origin().Line == 0 && slices.Contains(kustomizationFileNames, filepath.Base(o.Origin().File)) && o.Kind() != "ConfigMap" && o.Kind() != "Secret"
}

// TestDerivedOriginsSurviveAnnotationPatches: where a JSON patch replaces
// metadata.annotations, kustomize loses its record of the object's origin;
// the derived one still names the definition, and the image the patch
// sets still points at the patch.
func TestDerivedOriginsSurviveAnnotationPatches(t *testing.T) {
	r, err := New(Options{FS: os.DirFS("testdata/parity/patches-json6902/repo")})
	require.NoError(t, err)
	res, err := r.Render(context.Background(), "overlay")
	require.NoError(t, err)
	var found bool
	for _, o := range res.Objects {
		if o.Kind() != "Deployment" || o.Name() != "api-internal" {
			continue
		}
		found = true
		assert.Equal(t, "base/workloads.yaml", o.Origin().File)
		assert.Positive(t, o.Origin().Line)
		img, ok := o.FieldOrigin("/spec/template/spec/containers/0/image")
		require.True(t, ok)
		assert.Equal(t, "overlay/internal-patch.yaml", img.File)
		assert.Equal(t, 3, img.Line)
	}
	assert.True(t, found)
}

// renderBothWays renders dir with origins derived where ferry can and with
// origins traced by kustomize everywhere, requires the same objects, and
// reports whether the derivation was used for every build (no fallback).
func renderBothWays(t *testing.T, fsys fs.FS, dir string) (derived, traced *Result, onlyDerived bool) {
	t.Helper()
	var logs strings.Builder
	d, err := New(Options{FS: fsys, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	tr, err := New(Options{FS: fsys})
	require.NoError(t, err)
	tr.traceAll = true
	derived, err = d.Render(context.Background(), dir)
	require.NoError(t, err)
	traced, err = tr.Render(context.Background(), dir)
	require.NoError(t, err)
	require.Equal(t, encode(t, traced.Objects), encode(t, derived.Objects))
	onlyDerived = !strings.Contains(logs.String(), "cannot be derived") && !strings.Contains(logs.String(), "tracing origins")
	return derived, traced, onlyDerived
}

func encode(t *testing.T, objs []*manifest.Object) string {
	t.Helper()
	var sb strings.Builder
	require.NoError(t, manifest.EncodeYAML(&sb, objs))
	return sb.String()
}

// TestDerivedOriginsMatchTraced renders every fixture of the package twice —
// origins derived from the kustomization graph where ferry can, and traced
// by kustomize everywhere — and requires the same objects with the same
// origins, field origins included. It also requires the derivation to have
// been used, for some build of the fixture, on most fixtures.
func TestDerivedOriginsMatchTraced(t *testing.T) {
	type fixture struct{ root, dir string }
	var fixtures []fixture
	cases, err := filepath.Glob("testdata/parity/*/case.txt")
	require.NoError(t, err)
	for _, c := range cases {
		target, err := os.ReadFile(c)
		require.NoError(t, err)
		fixtures = append(fixtures, fixture{filepath.Join(filepath.Dir(c), "repo"), strings.TrimSpace(string(target))})
	}
	for _, env := range []string{"dev", "staging", "production"} {
		fixtures = append(fixtures, fixture{"../examples/shop", "overlays/" + env}, fixture{"../examples/shop", "clusters/" + env})
	}
	fixtures = append(fixtures, fixture{"testdata/flux/fleet", "clusters/prod"})
	generated := t.TempDir()
	require.NoError(t, testrepo.Write(generated, 12))
	fixtures = append(fixtures, fixture{generated, "apps/production"})

	derivable := 0
	for _, f := range fixtures {
		t.Run(f.root+":"+f.dir, func(t *testing.T) {
			got, want, onlyDerived := renderBothWays(t, os.DirFS(f.root), f.dir)
			for i, w := range want.Objects {
				g := got.Objects[i]
				if lost(w) {
					// A patch replaced the object's annotations, kustomize's
					// record of its origin with them, and the next
					// transformer claimed it. The derived origin is the
					// object's definition.
					assert.Positive(t, g.Origin().Line, "%s", w.ID())
					data, err := os.ReadFile(filepath.Join(f.root, g.Origin().File))
					require.NoError(t, err)
					docs, err := manifest.Decode(g.Origin().File, data)
					require.NoError(t, err)
					assert.True(t, slices.ContainsFunc(docs, func(d *manifest.Object) bool {
						return d.Kind() == w.Kind() && d.Name() == w.Name()
					}), "%s: %s does not define it", w.ID(), g.Origin().File)
					continue
				}
				assert.Equal(t, w.Origin(), g.Origin(), "%s", w.ID())
				assert.Equal(t, w.FieldOrigins(), g.FieldOrigins(), "%s", w.ID())
			}
			assert.Equal(t, want.Files, got.Files)

			if onlyDerived {
				derivable++
			}
		})
	}
	t.Logf("origins derived in %d of %d fixtures", derivable, len(fixtures))
	assert.GreaterOrEqual(t, derivable, len(fixtures)/2, "origins derived in %d of %d fixtures", derivable, len(fixtures))
}

// TestDerivedOriginsEdgeCases holds the derivation to kustomize's own
// record on graphs made to trip it: where it can derive (components nested
// and in bases, images at every level, generators merged by a component),
// it must agree field by field; where names could pair off wrongly (an
// object deleted, renamed or moved by a patch or a namespace, one name
// defined twice), it must fall back to tracing.
func TestDerivedOriginsEdgeCases(t *testing.T) {
	const kz = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
	const comp = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
	dep := func(name, img string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: " + img + "\n"
	}
	img := func(tag string) string { return "images:\n- name: app\n  newTag: \"" + tag + "\"\n" }
	cases := []struct {
		name    string
		files   map[string]string
		dir     string
		derived bool // the derivation must be used, not fall back
	}{{
		name: "components nested, in bases, with resources; images at every level",
		dir:  "top", derived: true,
		files: map[string]string{
			"top/kustomization.yaml":   kz + "resources: [../base, own.yaml]\ncomponents: [../c1, ../c2]\nconfigMapGenerator:\n- name: gen\n  literals: [a=b]\n",
			"top/own.yaml":             dep("own", "app:0"),
			"base/kustomization.yaml":  kz + "resources: [base.yaml]\ncomponents: [../bc]\n" + img("base"),
			"base/base.yaml":           dep("base", "app:0"),
			"bc/kustomization.yaml":    comp + "resources: [bc.yaml]\n" + img("bc"),
			"bc/bc.yaml":               dep("bcres", "app:0"),
			"c1/kustomization.yaml":    comp + "resources: [c1.yaml, ../c1dir]\ncomponents: [../cc]\n" + img("c1"),
			"c1/c1.yaml":               dep("c1res", "app:0"),
			"c1dir/kustomization.yaml": kz + "resources: [d.yaml]\n",
			"c1dir/d.yaml":             dep("c1dir", "app:0"),
			"cc/kustomization.yaml":    comp + "resources: [cc.yaml]\n" + img("cc"),
			"cc/cc.yaml":               dep("ccres", "app:0"),
			"c2/kustomization.yaml":    comp + "resources: [c2.yaml]\npatches:\n- path: p.yaml\n",
			"c2/c2.yaml":               dep("c2res", "other:0"),
			"c2/p.yaml":                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: base\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: app:patched\n",
		},
	}, {
		name: "generators merged by a component",
		dir:  "top", derived: true,
		files: map[string]string{
			"top/kustomization.yaml":  kz + "resources: [../base]\ncomponents: [../c]\nconfigMapGenerator:\n- name: extra\n  literals: [a=b]\n",
			"base/kustomization.yaml": kz + "configMapGenerator:\n- name: cfg\n  literals: [x=y]\n",
			"c/kustomization.yaml":    comp + "configMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [z=w]\n- name: extra\n  behavior: merge\n  literals: [q=r]\n",
		},
	}, {
		name: "an object deleted by a patch, its name defined again elsewhere",
		dir:  "top",
		files: map[string]string{
			"top/kustomization.yaml": kz + "commonAnnotations: {team: x}\nresources: [../a, ../b]\n",
			"a/kustomization.yaml":   kz + "namespace: shop\nresources: [sa.yaml]\n",
			"a/sa.yaml":              "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
			"b/kustomization.yaml":   kz + "resources: [sa.yaml]\npatches:\n- target: {kind: ServiceAccount, name: app}\n  patch: |-\n    $patch: delete\n    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: app\n",
			"b/sa.yaml":              "# padding\n\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n",
		},
	}, {
		name: "two objects of one name swapped between namespaces",
		dir:  "top",
		files: map[string]string{
			"top/kustomization.yaml": kz + "commonAnnotations: {team: x}\nresources: [../a, ../b]\n",
			"a/kustomization.yaml":   kz + "namespace: nsx\nresources: [app.yaml]\n",
			"a/app.yaml":             "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: nsy\n",
			"b/kustomization.yaml":   kz + "namespace: nsy\nresources: [app.yaml]\n",
			"b/app.yaml":             "\n\n\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: nsx\n",
		},
	}, {
		name: "an object renamed by a JSON patch into the name of a deleted one",
		dir:  "app",
		files: map[string]string{
			"app/kustomization.yaml": kz + "resources: [old.yaml, new.yaml]\npatches:\n" +
				"- target: {kind: Deployment, name: web}\n  patch: |-\n    $patch: delete\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n" +
				"- target: {kind: Deployment, name: web-v2}\n  patch: |-\n    - op: replace\n      path: /metadata/name\n      value: web\n",
			"app/old.yaml": dep("web", "nginx:1"),
			"app/new.yaml": "\n\n" + dep("web-v2", "nginx:2"),
		},
	}, {
		name: "a hashed resource and a generator of the same name",
		dir:  "top",
		files: map[string]string{
			"top/kustomization.yaml": kz + "commonAnnotations: {team: x}\nresources: [../a, ../b]\n",
			"a/kustomization.yaml":   kz + "namespace: one\nresources: [cm.yaml]\n",
			"a/cm.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations:\n    kustomize.config.k8s.io/needs-hash: \"true\"\ndata:\n  a: b\n",
			"b/kustomization.yaml":   kz + "namespace: two\nconfigMapGenerator:\n- name: cfg\n  literals: [x=y]\n",
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for p, data := range c.files {
				fsys[p] = &fstest.MapFile{Data: []byte(data)}
			}
			got, want, onlyDerived := renderBothWays(t, fsys, c.dir)
			for i, w := range want.Objects {
				assert.Equal(t, w.Origin(), got.Objects[i].Origin(), "%s", w.ID())
				assert.Equal(t, w.FieldOrigins(), got.Objects[i].FieldOrigins(), "%s", w.ID())
			}
			if c.derived {
				assert.True(t, onlyDerived, "the derivation fell back")
			} else {
				assert.False(t, onlyDerived, "names that could pair off wrongly must be traced")
			}
		})
	}
}
