package memofs_test

import (
	"io"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/memofs"
)

// counting counts the opens that reach the file system underneath.
type counting struct {
	fsys  fstest.MapFS
	mu    sync.Mutex
	opens map[string]int
}

func (c *counting) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.fsys.Open(name)
}

func newCounting() *counting {
	return &counting{opens: map[string]int{}, fsys: fstest.MapFS{
		"a/kustomization.yaml": {Data: []byte("resources: [x.yaml]\n")},
		"a/x.yaml":             {Data: []byte("kind: X\n")},
	}}
}

func TestEveryPathIsReadOnce(t *testing.T) {
	under := newCounting()
	f := memofs.New(under)
	for range 3 {
		data, err := f.ReadFile("a/x.yaml")
		require.NoError(t, err)
		assert.Equal(t, "kind: X\n", string(data))
		info, err := f.Stat("a/kustomization.yaml")
		require.NoError(t, err)
		assert.Equal(t, int64(20), info.Size())
		entries, err := f.ReadDir("a")
		require.NoError(t, err)
		require.Len(t, entries, 2)
		assert.Equal(t, "kustomization.yaml", entries[0].Name())
		_, err = f.ReadFile("a/missing.yaml")
		assert.ErrorIs(t, err, fs.ErrNotExist, "errors are remembered too")
	}
	for name, n := range under.opens {
		assert.Equal(t, 1, n, "%s opened %d times", name, n)
	}
	assert.Equal(t, 4, len(under.opens), "x.yaml, kustomization.yaml, a, missing.yaml")
}

func TestCallersGetTheirOwnCopies(t *testing.T) {
	f := memofs.New(newCounting())
	data, err := f.ReadFile("a/x.yaml")
	require.NoError(t, err)
	data[0] = 'K'
	again, err := f.ReadFile("a/x.yaml")
	require.NoError(t, err)
	assert.Equal(t, "kind: X\n", string(again))

	entries, err := f.ReadDir("a")
	require.NoError(t, err)
	entries[0] = nil
	again2, err := f.ReadDir("a")
	require.NoError(t, err)
	assert.NotNil(t, again2[0])
}

// TestASnapshot: once read, a file keeps its content for the life of the
// FS, whatever happens underneath; every reader sees the same bytes,
// through ReadFile or Open.
func TestASnapshot(t *testing.T) {
	under := newCounting()
	f := memofs.New(under)
	_, err := f.ReadFile("a/x.yaml")
	require.NoError(t, err)
	under.fsys["a/x.yaml"] = &fstest.MapFile{Data: []byte("kind: Y\n")}
	data, err := f.ReadFile("a/x.yaml")
	require.NoError(t, err)
	assert.Equal(t, "kind: X\n", string(data))
	opened, err := f.Open("a/x.yaml")
	require.NoError(t, err)
	data, err = io.ReadAll(opened)
	require.NoError(t, err)
	assert.Equal(t, "kind: X\n", string(data))
	require.NoError(t, opened.Close())
}

func TestConcurrentReadersSeeOneResult(t *testing.T) {
	f := memofs.New(newCounting())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			data, err := f.ReadFile("a/kustomization.yaml")
			assert.NoError(t, err)
			assert.Equal(t, "resources: [x.yaml]\n", string(data))
			_, err = f.Stat("a")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}

func TestItIsAFileSystem(t *testing.T) {
	require.NoError(t, fstest.TestFS(memofs.New(newCounting()), "a/kustomization.yaml", "a/x.yaml"))
}
