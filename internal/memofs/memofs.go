// Package memofs wraps a file system so that every file, directory listing
// and file info is read from it once: a snapshot taken lazily, path by path.
//
// A promotion plan renders the same repository several times (the source,
// the target, the target again after the edits) and each render stats and
// reads the same paths; through os.Root every one of those walks the path
// again. Reading through one memofs.FS per plan reads each path once, and
// every render of the plan sees the same bytes.
package memofs

import (
	"bytes"
	"io/fs"
	"slices"
	"sync"
)

// FS remembers what it read from the file system it wraps. It is safe for
// concurrent use. It never forgets: make one per task.
type FS struct {
	fsys fs.FS

	mu    sync.Mutex
	files map[string]result[[]byte]
	dirs  map[string]result[[]fs.DirEntry]
	stats map[string]result[fs.FileInfo]
}

type result[T any] struct {
	v   T
	err error
}

var (
	_ fs.StatFS     = (*FS)(nil)
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
)

// New returns a memoizing view of fsys.
func New(fsys fs.FS) *FS {
	return &FS{
		fsys:  fsys,
		files: map[string]result[[]byte]{},
		dirs:  map[string]result[[]fs.DirEntry]{},
		stats: map[string]result[fs.FileInfo]{},
	}
}

// memo returns m[name], computing it with read the first time. Two
// goroutines may both read a path not yet remembered; the first result
// stored wins, so every caller sees the same one.
func memo[T any](f *FS, m map[string]result[T], name string, read func() (T, error)) (T, error) {
	f.mu.Lock()
	r, ok := m[name]
	f.mu.Unlock()
	if ok {
		return r.v, r.err
	}
	v, err := read()
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := m[name]; ok {
		return r.v, r.err
	}
	m[name] = result[T]{v, err}
	return v, err
}

// Open opens name: a file with the content ReadFile remembers, a directory
// in the wrapped file system (its listing through ReadDir is remembered).
func (f *FS) Open(name string) (fs.File, error) {
	info, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return f.fsys.Open(name)
	}
	data, err := f.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &file{Reader: bytes.NewReader(data), info: info}, nil
}

// file is an open file of the snapshot.
type file struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }

// ReadFile returns the content of name, read once. The caller may modify
// the returned slice.
func (f *FS) ReadFile(name string) ([]byte, error) {
	data, err := memo(f, f.files, name, func() ([]byte, error) { return fs.ReadFile(f.fsys, name) })
	return slices.Clone(data), err
}

// ReadDir returns the entries of the directory name, read once.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := memo(f, f.dirs, name, func() ([]fs.DirEntry, error) { return fs.ReadDir(f.fsys, name) })
	return slices.Clone(entries), err
}

// Stat returns the file info of name, read once.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	return memo(f, f.stats, name, func() (fs.FileInfo, error) { return fs.Stat(f.fsys, name) })
}
