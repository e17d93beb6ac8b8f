package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/ferrygitops/ferry/internal/memofs"
)

// mount is where the repository root appears in the absolute paths kustomize
// works with. It is a fixed, fake location so that builds and their error
// messages do not depend on where the repository is checked out; errors are
// rewritten to repository-relative paths before they leave the package.
const mount = "/ferry-repo"

// repoFS adapts an fs.FS rooted at the repository to kustomize's
// filesys.FileSystem. It is read-only, refuses every path outside the
// repository, serves in-memory overrides (the kustomizations ferry generates or
// annotates) in place of files, and records the hash of every file kustomize
// reads.
type repoFS struct {
	fsys      fs.FS
	overrides map[string][]byte // repo-relative path -> content
	// flux lets kustomizations load files from anywhere in the
	// repository, not only below their own directory, as
	// kustomize-controller builds them (LoadRestrictionsNone).
	flux bool

	// limits bound every file read (see Limits).
	limits Limits
	// ctx, when set, is the render's: once it is done every read fails,
	// which stops a kustomize build (it cannot be cancelled otherwise) at
	// its next file.
	ctx context.Context

	mu sync.Mutex
	// refused is the first read refused by a limit or as a special
	// file: kustomize flattens the errors it gets into text.
	refused *Error
	reads   map[string]string // repo-relative path -> hex SHA-256 of the real bytes
}

var _ filesys.FileSystem = (*repoFS)(nil)

// newRepoFS reads fsys through a snapshot (memofs): a render reads the same
// files and asks the same paths many times (the scanner, kustomize, the
// line finder), and every stat through os.Root walks the path again. A
// snapshot the caller passes (a planner's, shared by its renders) is used
// as it is.
func newRepoFS(fsys fs.FS, limits Limits) *repoFS {
	snap, ok := fsys.(*memofs.FS)
	if !ok {
		snap = memofs.New(fsys)
	}
	return &repoFS{fsys: snap, limits: limits.withDefaults(), overrides: map[string][]byte{}, reads: map[string]string{}}
}

// rel maps an absolute kustomize path to a path relative to the repository
// root, or fails with an error wrapping errOutsideRoot.
func (r *repoFS) rel(p string) (string, error) {
	p = filepath.ToSlash(p)
	if !path.IsAbs(p) {
		p = path.Join(mount, p)
	}
	p = path.Clean(p)
	if p == mount {
		return ".", nil
	}
	if !strings.HasPrefix(p, mount+"/") {
		return "", &outsideRootError{path: p}
	}
	return strings.TrimPrefix(p, mount+"/"), nil
}

type outsideRootError struct{ path string }

func (e *outsideRootError) Error() string {
	return fmt.Sprintf("%s is outside the repository root", e.path)
}

func (e *outsideRootError) Unwrap() error { return ErrOutsideRoot }

func abs(rel string) string {
	if rel == "." || rel == "" {
		return mount
	}
	return mount + "/" + rel
}

// record remembers that a file was read, with the hash of its real content.
func (r *repoFS) record(rel string, data []byte) {
	sum := sha256.Sum256(data)
	r.mu.Lock()
	r.reads[rel] = hex.EncodeToString(sum[:])
	r.mu.Unlock()
}

// files returns the files read so far, sorted by path.
func (r *repoFS) files() []File {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]File, 0, len(r.reads))
	for p, sum := range r.reads {
		out = append(out, File{Path: p, SHA256: sum})
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// sum returns the hex SHA-256 of a repository file, reading (and
// recording) it unless it was read already.
func (r *repoFS) sum(rel string) (string, bool) {
	r.mu.Lock()
	sum, ok := r.reads[rel]
	r.mu.Unlock()
	if ok {
		return sum, true
	}
	if _, err := r.readRepoFile(rel); err != nil {
		return "", false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reads[rel], true
}

// readRepoFile reads a repository file through the sandbox and records it,
// hashing it the first time. The caller gets its own copy.
//
// Only regular files are opened (a FIFO would block forever), and their
// size and YAML structure are checked against the limits.
func (r *repoFS) readRepoFile(rel string) ([]byte, error) {
	data, err := r.readChecked(rel)
	if e, ok := limitError(err); ok {
		r.mu.Lock()
		if r.refused == nil {
			r.refused = e
		}
		r.mu.Unlock()
	}
	return data, err
}

// refusal returns the first read refused by a limit or as a special file.
func (r *repoFS) refusal() *Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

func (r *repoFS) readChecked(rel string) ([]byte, error) {
	info, err := fs.Stat(r.fsys, rel)
	if err != nil {
		return nil, mapFSError(rel, err)
	}
	if err := checkRegular(rel, info); err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("%s is a directory", rel)
	}
	if err := checkSize(rel, info.Size(), r.limits); err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(r.fsys, rel)
	if err != nil {
		return nil, mapFSError(rel, err)
	}
	if err := checkSize(rel, int64(len(data)), r.limits); err != nil {
		return nil, err
	}
	if err := checkYAML(rel, data, r.limits); err != nil {
		return nil, err
	}
	r.mu.Lock()
	_, recorded := r.reads[rel]
	r.mu.Unlock()
	if !recorded {
		r.record(rel, data)
	}
	return data, nil
}

func (r *repoFS) stat(rel string) (fs.FileInfo, error) {
	if _, ok := r.overrides[rel]; ok {
		return memInfo{name: path.Base(rel), size: int64(len(r.overrides[rel]))}, nil
	}
	info, err := fs.Stat(r.fsys, rel)
	if err != nil {
		return nil, mapFSError(rel, err)
	}
	return info, nil
}

// mapFSError turns the errors of a rooted file system into ferry's: a path
// that escapes the root through a symlink becomes errOutsideRoot.
func mapFSError(rel string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", rel, fs.ErrNotExist)
	}
	if strings.Contains(err.Error(), "escapes from parent") || strings.Contains(err.Error(), "path escapes") {
		return fmt.Errorf("%s: a symlink leads outside the repository root: %w", rel, ErrOutsideRoot)
	}
	return err
}

func (r *repoFS) ReadFile(p string) ([]byte, error) {
	if r.ctx != nil {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
	}
	rel, err := r.rel(p)
	if err != nil {
		return nil, err
	}
	if data, ok := r.overrides[rel]; ok {
		// The real file (if any) was recorded when the override was made.
		return slices.Clone(data), nil
	}
	return r.readRepoFile(rel)
}

func (r *repoFS) Open(p string) (filesys.File, error) {
	data, err := r.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: path.Base(p), size: int64(len(data))}}, nil
}

func (r *repoFS) Exists(p string) bool {
	rel, err := r.rel(p)
	if err != nil {
		return false
	}
	_, err = r.stat(rel)
	return err == nil
}

func (r *repoFS) IsDir(p string) bool {
	rel, err := r.rel(p)
	if err != nil {
		return false
	}
	info, err := r.stat(rel)
	return err == nil && info.IsDir()
}

func (r *repoFS) ReadDir(p string) ([]string, error) {
	rel, err := r.rel(p)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(r.fsys, rel)
	if err != nil {
		return nil, mapFSError(rel, err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for o := range r.overrides {
		if path.Dir(o) == rel && !slices.Contains(names, path.Base(o)) {
			names = append(names, path.Base(o))
		}
	}
	slices.Sort(names)
	return names, nil
}

// CleanedAbs splits an absolute or relative path into a confirmed directory
// and a file name; the whole path is the directory when it is one.
func (r *repoFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	rel, err := r.rel(p)
	if err != nil {
		return "", "", err
	}
	info, err := r.stat(rel)
	if err != nil {
		return "", "", err
	}
	if info.IsDir() {
		return filesys.ConfirmedDir(abs(rel)), "", nil
	}
	return filesys.ConfirmedDir(abs(path.Dir(rel))), path.Base(rel), nil
}

func (r *repoFS) Glob(pattern string) ([]string, error) {
	rel, err := r.rel(pattern)
	if err != nil {
		return nil, err
	}
	matches, err := fs.Glob(r.fsys, rel)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		if strings.HasPrefix(path.Base(m), ".") && !strings.HasPrefix(path.Base(rel), ".") {
			continue // kustomize's globs skip hidden files unless asked for
		}
		out = append(out, abs(m))
	}
	return out, nil
}

func (r *repoFS) Walk(p string, walkFn filepath.WalkFunc) error {
	rel, err := r.rel(p)
	if err != nil {
		return err
	}
	return fs.WalkDir(r.fsys, rel, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return walkFn(abs(q), nil, mapFSError(q, err))
		}
		info, err := d.Info()
		if err != nil {
			return walkFn(abs(q), nil, err)
		}
		return walkFn(abs(q), info, nil)
	})
}

var errReadOnly = errors.New("ferry renders read-only: nothing is written into the repository")

func (r *repoFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (r *repoFS) Mkdir(string) error                  { return errReadOnly }
func (r *repoFS) MkdirAll(string) error               { return errReadOnly }
func (r *repoFS) RemoveAll(string) error              { return errReadOnly }
func (r *repoFS) WriteFile(string, []byte) error      { return errReadOnly }

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Write([]byte) (int, error)  { return 0, errReadOnly }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (os.FileInfo, error) { return f.info, nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
