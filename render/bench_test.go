package render_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/render"
)

// BenchmarkRender renders the shop example's production overlay, and the
// aggregate apps/production kustomization of generated repositories of 100
// and 1,000 apps (the usual Flux apps/<env> layout), as `ferry render` does:
// render, then encode as YAML. Compare with hack/bench-render.sh, which times
// `kustomize build` on the same repositories.
func BenchmarkRender(b *testing.B) {
	b.Run("example", func(b *testing.B) {
		r, err := render.New(render.Options{})
		if err != nil {
			b.Fatal(err)
		}
		dir := filepath.Join("..", "examples", "shop", "overlays", "production")
		for b.Loop() {
			renderOnce(b, r, dir)
		}
	})
	for _, apps := range []int{100, 1000} {
		b.Run("aggregate-"+itoa(apps)+"-apps", func(b *testing.B) {
			// On disk, as users render: an in-memory fstest.MapFS lists
			// directories by scanning every file, which would dominate.
			repo := b.TempDir()
			if err := testrepo.Write(repo, apps); err != nil {
				b.Fatal(err)
			}
			r, err := render.New(render.Options{})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				renderOnce(b, r, filepath.Join(repo, "apps", "production"))
			}
		})
	}
}

func renderOnce(b *testing.B, r *render.Renderer, dir string) {
	b.Helper()
	res, err := r.Render(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := res.WriteYAML(io.Discard); err != nil {
		b.Fatal(err)
	}
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		i /= 10
		if i == 0 {
			return s
		}
	}
}
