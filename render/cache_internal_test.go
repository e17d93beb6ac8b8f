package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/testrepo"
)

// TestCacheRebuildsOnlyWhatChanged renders an aggregate of 8 parts, edits
// one part's file, renders again: one new build, and the same bytes as an
// uncached render.
func TestCacheRebuildsOnlyWhatChanged(t *testing.T) {
	const parts = 8
	root := t.TempDir()
	require.NoError(t, testrepo.Write(root, parts))
	cache := NewCache()
	cached, err := New(Options{Root: root, Cache: cache})
	require.NoError(t, err)
	plain, err := New(Options{Root: root})
	require.NoError(t, err)
	dir := filepath.Join(root, "apps", "production")
	render := func(r *Renderer) string {
		res, err := r.Render(context.Background(), dir)
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, res.WriteYAML(&b))
		return b.String()
	}

	first := render(cached)
	assert.Equal(t, render(plain), first)
	require.Len(t, cache.builds, parts, "one build per part")
	assert.Equal(t, first, render(cached))
	assert.Len(t, cache.builds, parts, "nothing rebuilt")

	kust := filepath.Join(root, "apps", "production", "app-0007", "kustomization.yaml")
	data, err := os.ReadFile(kust)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(kust, []byte(strings.Replace(string(data), "newTag: 1.1.0", "newTag: 9.9.9", 1)), 0o644))
	second := render(cached)
	assert.Len(t, cache.builds, parts+1, "only the edited part was built again")
	assert.Equal(t, render(plain), second)
	assert.Contains(t, second, "ghcr.io/acme/app-0007:9.9.9")

	// A shared base is an input of every part that uses it.
	base := filepath.Join(root, "apps", "base", "app-0003", "service.yaml")
	data, err = os.ReadFile(base)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(base, []byte(strings.Replace(string(data), "port: 80", "port: 8080", 1)), 0o644))
	third := render(cached)
	assert.Len(t, cache.builds, parts+2)
	assert.Equal(t, render(plain), third)
}
