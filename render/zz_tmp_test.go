package render_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/render"
)

func BenchmarkTmpRender(b *testing.B) {
	for _, apps := range []int{10, 100} {
		repo := b.TempDir()
		if err := testrepo.Write(repo, apps); err != nil {
			b.Fatal(err)
		}
		for _, skip := range []bool{false, true} {
			b.Run(strconv.Itoa(apps)+"-skip="+strconv.FormatBool(skip), func(b *testing.B) {
				r, _ := render.New(render.Options{SkipOrigins: skip})
				for b.Loop() {
					if _, err := r.Render(context.Background(), filepath.Join(repo, "apps", "production")); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
