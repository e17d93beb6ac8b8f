package render

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/manifest"
)

// lost reports an object whose traced origin is a kustomization's
// transformer rather than its definition: line 0 in a kustomization file,
// for an object no generator made.
func lost(o *manifest.Object) bool {
	return o.Origin().Line == 0 && filepath.Base(o.Origin().File) == "kustomization.yaml" && o.Kind() != "ConfigMap" && o.Kind() != "Secret"
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
			var logs strings.Builder
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			derived, err := New(Options{FS: os.DirFS(f.root), Logger: log})
			require.NoError(t, err)
			traced, err := New(Options{FS: os.DirFS(f.root)})
			require.NoError(t, err)
			traced.traceAll = true

			got, err := derived.Render(context.Background(), f.dir)
			require.NoError(t, err)
			want, err := traced.Render(context.Background(), f.dir)
			require.NoError(t, err)
			require.Equal(t, encode(t, want.Objects), encode(t, got.Objects))
			for i, w := range want.Objects {
				g := got.Objects[i]
				if lost(w) {
					// A patch replaced the object's annotations, kustomize's
					// record of its origin with them, and the next
					// transformer claimed it. The derived origin is the
					// object's definition.
					assert.Positive(t, g.Origin().Line, "%s", w.ID())
					assert.NotEqual(t, "kustomization.yaml", filepath.Base(g.Origin().File), "%s", w.ID())
					continue
				}
				assert.Equal(t, w.Origin(), g.Origin(), "%s", w.ID())
				assert.Equal(t, w.FieldOrigins(), g.FieldOrigins(), "%s", w.ID())
			}
			assert.Equal(t, want.Files, got.Files)

			if strings.Contains(logs.String(), "deriving origins") && !strings.Contains(logs.String(), "cannot be derived") {
				derivable++
			}
		})
	}
	t.Logf("origins derived in %d of %d fixtures", derivable, len(fixtures))
	assert.GreaterOrEqual(t, derivable, len(fixtures)/2, "origins derived in %d of %d fixtures", derivable, len(fixtures))
}
