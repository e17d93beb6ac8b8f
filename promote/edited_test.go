package promote_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

// Edited gives exactly what Apply writes, from any fs.FS, and writes nothing.
func TestEditedMatchesApply(t *testing.T) {
	data := shopPlanJSON(t)
	plan, err := promote.ReadPlan(bytes.NewReader(data))
	require.NoError(t, err)
	dir := copyShop(t)

	got, err := plan.Edited(context.Background(), os.DirFS(dir))
	require.NoError(t, err)
	require.Len(t, got, len(plan.Files))

	applied, err := applyJSON(dir, data)
	require.NoError(t, err)
	require.ElementsMatch(t, applied.Written, slices.Collect(maps.Keys(got)))
	for path, content := range got {
		onDisk, err := os.ReadFile(filepath.Join(dir, path))
		require.NoError(t, err)
		assert.Equal(t, string(onDisk), string(content), path)
	}
}

// Unlike Apply, Edited takes a file already holding the planned result as
// stale: the caller commits on top of what it reads.
func TestEditedRefusesStaleInputs(t *testing.T) {
	data := shopPlanJSON(t)
	plan, err := promote.ReadPlan(bytes.NewReader(data))
	require.NoError(t, err)
	dir := copyShop(t)
	fsys := fstest.MapFS{}
	require.NoError(t, filepathWalk(dir, fsys))

	edited := plan.Files[0].Path
	cases := map[string]func(fstest.MapFS){
		"an input changed": func(m fstest.MapFS) {
			in := plan.Inputs[len(plan.Inputs)-1].Path
			m[in] = &fstest.MapFile{Data: append(bytes.Clone(m[in].Data), '\n')}
		},
		"an input missing": func(m fstest.MapFS) { delete(m, plan.Inputs[0].Path) },
		"already edited": func(m fstest.MapFS) {
			out, err := plan.Edited(context.Background(), fsys)
			require.NoError(t, err)
			m[edited] = &fstest.MapFile{Data: out[edited]}
		},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			m := fstest.MapFS{}
			for k, v := range fsys {
				m[k] = v
			}
			change(m)
			_, err := plan.Edited(context.Background(), m)
			require.Error(t, err)
			assert.True(t, errors.Is(err, promote.ErrStale), err)
			var ae *promote.ApplyError
			require.ErrorAs(t, err, &ae)
			assert.NotEmpty(t, ae.File)
		})
	}

	blocked := *plan
	blocked.Verdict.Status = promote.StatusBlocked
	_, err = blocked.Edited(context.Background(), fsys)
	require.Error(t, err, "a blocked plan has nothing to edit")
}

func filepathWalk(dir string, m fstest.MapFS) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return nil
	})
}
