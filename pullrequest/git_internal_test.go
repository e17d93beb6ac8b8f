package pullrequest

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"
)

// TestTreeFS: the files of a commit read as an fs.FS, directories listed.
func TestTreeFS(t *testing.T) {
	wfs := memfs.New()
	repo, err := git.Init(memory.NewStorage(), wfs)
	require.NoError(t, err)
	for name, data := range map[string]string{
		"ferry.yaml":                             "environments: []\n",
		"overlays/production/kustomization.yaml": "images: []\n",
		"overlays/staging/kustomization.yaml":    "images: []\n",
		"policies/deployment.rego":               "package main\n",
	} {
		f, err := wfs.Create(name)
		require.NoError(t, err)
		_, err = f.Write([]byte(data))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	wt, err := repo.Worktree()
	require.NoError(t, err)
	require.NoError(t, wt.AddWithOptions(&git.AddOptions{All: true}))
	h, err := wt.Commit("initial", &git.CommitOptions{Author: &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Unix(1.7e9, 0)}})
	require.NoError(t, err)
	c, err := repo.CommitObject(h)
	require.NoError(t, err)
	tree, err := c.Tree()
	require.NoError(t, err)
	require.NoError(t, fstest.TestFS(treeFS{tree}, "ferry.yaml", "overlays/production/kustomization.yaml", "overlays/staging/kustomization.yaml", "policies/deployment.rego"))
}
