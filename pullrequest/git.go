package pullrequest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// trailer marks the commits ferry makes; a branch whose tip lacks it is not
// ferry's to overwrite.
const trailer = "Ferry-Promotion:"

// treeTrailer records the tree of the commit ferry made: a commit amended
// since (same message, other files) no longer matches it.
const treeTrailer = "Ferry-Tree:"

// ferryMade reports whether c is a commit ferry made and nobody changed: its
// message has both trailers, and the tree is the one recorded.
func ferryMade(c *object.Commit) bool {
	return strings.Contains(c.Message, "\n"+trailer+" ") &&
		strings.Contains(c.Message, "\n"+treeTrailer+" "+c.TreeHash.String()+"\n")
}

// repository is the Git repository a promotion is committed in.
type repository struct {
	repo *git.Repository
	// prefix is the planner's root relative to the work tree's root ("" or
	// "examples/shop"), in slash form.
	prefix string
}

// openRepository opens the repository whose work tree holds dir.
func openRepository(dir string) (*repository, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("%s is not in a Git repository: ferry promote commits on a branch of the repository that holds ferry.yaml", dir)
		}
		return nil, fmt.Errorf("open the Git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("%s: a bare repository has no files to plan: %w", dir, err)
	}
	top, err := filepath.EvalSymlinks(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside the work tree %s", dir, top)
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		rel = ""
	}
	return &repository{repo: repo, prefix: rel}, nil
}

// head returns the commit HEAD points at and the branch it is on ("" when
// detached).
func (r *repository) head() (*object.Commit, string, error) {
	ref, err := r.repo.Head()
	if err != nil {
		return nil, "", fmt.Errorf("the repository has no commit to promote on: %w", err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, "", err
	}
	branch := ""
	if ref.Name().IsBranch() {
		branch = ref.Name().Short()
	}
	return c, branch, nil
}

// dirty returns the files below the planner's root (relative to it) that
// the index or the work tree change from HEAD: modified, added, deleted,
// and untracked unless ignored. A plan made on them would not be the plan
// of the commit ferry makes on HEAD.
func (r *repository) dirty() ([]string, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return nil, err
	}
	status, err := wt.Status()
	if err != nil {
		return nil, fmt.Errorf("read the status of the work tree: %w", err)
	}
	var out []string
	for name, s := range status {
		if s.Staging == git.Unmodified && s.Worktree == git.Unmodified {
			continue
		}
		if r.prefix != "" {
			rel, ok := strings.CutPrefix(name, r.prefix+"/")
			if !ok {
				continue
			}
			name = rel
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out, nil
}

// user is the author the repository's Git configuration names, else
// ferry.
func (r *repository) user() object.Signature {
	if cfg, err := r.repo.ConfigScoped(config.SystemScope); err == nil && cfg.User.Name != "" && cfg.User.Email != "" {
		return object.Signature{Name: cfg.User.Name, Email: cfg.User.Email}
	}
	return object.Signature{Name: "ferry", Email: "ferry@localhost"}
}

// files returns the files of commit c below the planner's root, for
// promote.Plan.Edited.
func (r *repository) files(c *object.Commit) (fs.FS, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	var fsys fs.FS = treeFS{tree}
	if r.prefix != "" {
		return fs.Sub(fsys, r.prefix)
	}
	return fsys, nil
}

// commit writes a commit whose tree is parent's with files (paths relative
// to the planner's root) replaced, and returns its hash. Nothing else
// changes: no ref, no index, no work tree.
func (r *repository) commit(parent *object.Commit, files map[string][]byte, msg string, author, committer object.Signature) (plumbing.Hash, error) {
	st := r.repo.Storer
	changes := make(map[string][]byte, len(files))
	for p, data := range files {
		changes[path.Join(r.prefix, p)] = data
	}
	tree, err := parent.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	treeHash, err := writeTree(st, tree, changes)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	c := &object.Commit{
		Author:       author,
		Committer:    committer,
		Message:      msg + treeTrailer + " " + treeHash.String() + "\n",
		TreeHash:     treeHash,
		ParentHashes: []plumbing.Hash{parent.Hash},
	}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// writeTree writes tree (nil for a new directory) with changes (paths
// relative to it) applied, and returns the new tree's hash.
func writeTree(st storer.EncodedObjectStorer, tree *object.Tree, changes map[string][]byte) (plumbing.Hash, error) {
	files := map[string][]byte{}
	dirs := map[string]map[string][]byte{}
	for p, data := range changes {
		name, rest, ok := strings.Cut(p, "/")
		if !ok {
			files[name] = data
			continue
		}
		if dirs[name] == nil {
			dirs[name] = map[string][]byte{}
		}
		dirs[name][rest] = data
	}
	var entries []object.TreeEntry
	seen := map[string]bool{}
	if tree != nil {
		for _, e := range tree.Entries {
			seen[e.Name] = true
			switch {
			case files[e.Name] != nil:
				if e.Mode != filemode.Regular && e.Mode != filemode.Executable {
					return plumbing.ZeroHash, fmt.Errorf("%s is not a regular file in the commit (a symbolic link, a submodule or a directory): ferry edits files only", e.Name)
				}
				h, err := writeBlob(st, files[e.Name])
				if err != nil {
					return plumbing.ZeroHash, err
				}
				e.Hash = h
			case dirs[e.Name] != nil:
				if e.Mode != filemode.Dir {
					return plumbing.ZeroHash, fmt.Errorf("%s is not a directory in the commit", e.Name)
				}
				sub, err := object.GetTree(st, e.Hash)
				if err != nil {
					return plumbing.ZeroHash, err
				}
				if e.Hash, err = writeTree(st, sub, dirs[e.Name]); err != nil {
					return plumbing.ZeroHash, err
				}
			}
			entries = append(entries, e)
		}
	}
	for name, data := range files {
		if seen[name] {
			continue
		}
		h, err := writeBlob(st, data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	for name, sub := range dirs {
		if seen[name] {
			continue
		}
		h, err := writeTree(st, nil, sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// Git orders entries by name, a directory's name as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	obj := st.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

func writeBlob(st storer.EncodedObjectStorer, data []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// remoteBranch is what the remote holds of ferry's branch.
type remoteBranch struct {
	// Hash is the branch's tip; zero when the remote has no such branch.
	Hash plumbing.Hash
	// Tip is that commit, fetched; nil when absent.
	Tip *object.Commit
}

// remoteState lists the remote's refs, checks that base exists there and
// holds head (else head's own commits would ride along in the pull
// request, or the plan was made on a base the remote no longer has), and
// fetches ferry's branch when the remote has it.
func (r *repository) remoteState(ctx context.Context, remote, branch, base string, head *object.Commit, auth transport.AuthMethod) (remoteBranch, error) {
	var rb remoteBranch
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return rb, fmt.Errorf("remote %q: %w (name it with --remote)", remote, err)
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return rb, fmt.Errorf("list the branches of remote %s (%s): %w", remote, Redact(rem.Config().URLs[0]), err)
	}
	var baseTip plumbing.Hash
	for _, ref := range refs {
		switch ref.Name() {
		case plumbing.NewBranchReferenceName(base):
			baseTip = ref.Hash()
		case plumbing.NewBranchReferenceName(branch):
			rb.Hash = ref.Hash()
		}
	}
	if baseTip.IsZero() {
		return rb, fmt.Errorf("remote %s has no branch %q to open the pull request against: push it first, or name another with --base", remote, base)
	}
	if err := r.onBase(head, baseTip, remote, base); err != nil {
		return rb, err
	}
	if rb.Hash.IsZero() {
		return rb, nil
	}
	spec := config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, remote, branch))
	err = r.repo.FetchContext(ctx, &git.FetchOptions{RemoteName: remote, RefSpecs: []config.RefSpec{spec}, Auth: auth, Tags: git.NoTags})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return rb, fmt.Errorf("fetch %s from remote %s: %w", branch, remote, err)
	}
	if rb.Tip, err = r.repo.CommitObject(rb.Hash); err != nil {
		return rb, fmt.Errorf("fetch %s from remote %s: %w", branch, remote, err)
	}
	return rb, nil
}

// onBase checks that head is the remote base's tip, or a commit the tip
// descends from: ferry's branch is head plus the promotion, so a head ahead
// of the remote would carry unpushed commits into the pull request.
func (r *repository) onBase(head *object.Commit, baseTip plumbing.Hash, remote, base string) error {
	if head.Hash == baseTip {
		return nil
	}
	short := func(h plumbing.Hash) string { return h.String()[:12] }
	tip, err := r.repo.CommitObject(baseTip)
	if err != nil {
		return fmt.Errorf("HEAD (%s) is not %s on remote %s (%s), which this repository has not fetched: check out the tip of %s (git pull), then run again", short(head.Hash), base, remote, short(baseTip), base)
	}
	ok, err := head.IsAncestor(tip)
	if err != nil {
		return fmt.Errorf("tell whether HEAD is on %s of remote %s: %w", base, remote, err)
	}
	if !ok {
		return fmt.Errorf("HEAD (%s) has commits that are not on %s on remote %s (%s): ferry's branch is HEAD plus the promotion, so they would ride along in the pull request; push them, or check out the tip of %s, then run again", short(head.Hash), base, remote, short(baseTip), base)
	}
	return nil
}

// push points ferry's local branch at commit and pushes it: a new branch
// only if the remote still has none, an existing one only if the remote's
// tip is still the one fetched (a lease), so a push never overwrites a
// commit ferry has not seen.
func (r *repository) push(ctx context.Context, remote, branch string, commit plumbing.Hash, seen plumbing.Hash, auth transport.AuthMethod) error {
	name := plumbing.NewBranchReferenceName(branch)
	if local, err := r.repo.Reference(name, false); err == nil {
		// The local branch is about to move: only over a commit of ferry's.
		if local.Type() != plumbing.HashReference {
			return fmt.Errorf("the local branch %s is a symbolic reference: name another with --branch", branch)
		}
		if h := local.Hash(); h != commit && h != seen {
			if c, err := r.repo.CommitObject(h); err != nil || !ferryMade(c) {
				return fmt.Errorf("the local branch %s has a commit ferry did not make (%s): ferry points it at the promotion before pushing; rename or delete that branch, or name another with --branch", branch, h.String()[:12])
			}
		}
	}
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(name, commit)); err != nil {
		return err
	}
	opts := &git.PushOptions{
		RemoteName: remote,
		RefSpecs:   []config.RefSpec{config.RefSpec(fmt.Sprintf("%s:%s", name, name))},
		Auth:       auth,
	}
	if !seen.IsZero() {
		opts.ForceWithLease = &git.ForceWithLease{RefName: name, Hash: seen}
	}
	err := r.repo.PushContext(ctx, opts)
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("push %s to remote %s: %w (someone else may have pushed to it; run ferry promote again)", branch, remote, err)
	}
	return nil
}

// method is the go-git auth of a; nil for none.
func (a *BasicAuth) method() transport.AuthMethod {
	if a == nil {
		return nil
	}
	return &githttp.BasicAuth{Username: a.Username, Password: a.Password}
}

// treeFS reads the files of a Git tree as an fs.FS.
type treeFS struct{ tree *object.Tree }

func (t treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &treeFile{name: ".", dir: true, fsys: t, path: "."}, nil
	}
	f, err := t.tree.File(name)
	if err != nil {
		if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
			if _, terr := t.tree.Tree(name); terr == nil {
				return &treeFile{name: path.Base(name), dir: true, fsys: t, path: name}, nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if !f.Mode.IsFile() || f.Mode == filemode.Symlink {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("not a regular file in the commit")}
	}
	s, err := f.Contents()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &treeFile{name: path.Base(name), r: bytes.NewReader([]byte(s)), size: int64(len(s))}, nil
}

// ReadDir lists a directory of the tree, sorted by name.
func (t treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	tree := t.tree
	if name != "." {
		sub, err := t.tree.Tree(name)
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
		}
		tree = sub
	}
	out := make([]fs.DirEntry, 0, len(tree.Entries))
	for _, e := range tree.Entries {
		f := &treeFile{name: e.Name, dir: e.Mode == filemode.Dir}
		if !f.dir {
			tf, err := tree.TreeEntryFile(&e)
			if err != nil {
				return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
			}
			f.size = tf.Size
		}
		out = append(out, fs.FileInfoToDirEntry(f))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

type treeFile struct {
	name string
	dir  bool
	r    *bytes.Reader
	size int64
	// A directory opened lists its entries from fsys at path.
	fsys    treeFS
	path    string
	entries []fs.DirEntry
	listed  bool
}

// ReadDir reads a directory's entries, as fs.ReadDirFile says.
func (f *treeFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if !f.dir {
		return nil, &fs.PathError{Op: "readdir", Path: f.name, Err: errors.New("not a directory")}
	}
	if !f.listed {
		entries, err := f.fsys.ReadDir(f.path)
		if err != nil {
			return nil, err
		}
		f.entries, f.listed = entries, true
	}
	if n <= 0 {
		out := f.entries
		f.entries = nil
		return out, nil
	}
	if len(f.entries) == 0 {
		return nil, io.EOF
	}
	out := f.entries[:min(n, len(f.entries))]
	f.entries = f.entries[len(out):]
	return out, nil
}

func (f *treeFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *treeFile) Read(b []byte) (int, error) {
	if f.dir {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: errors.New("is a directory")}
	}
	return f.r.Read(b)
}
func (f *treeFile) Close() error { return nil }

func (f *treeFile) Name() string { return f.name }
func (f *treeFile) Size() int64  { return f.size }
func (f *treeFile) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (f *treeFile) ModTime() time.Time { return time.Time{} }
func (f *treeFile) IsDir() bool        { return f.dir }
func (f *treeFile) Sys() any           { return nil }

var _ fs.ReadDirFile = (*treeFile)(nil)

// RemoteURL returns the URL of the named remote of the Git repository
// whose work tree holds dir (as configured: it may hold credentials, so
// print it through Redact).
func RemoteURL(dir, remote string) (string, error) {
	repo, err := openRepository(dir)
	if err != nil {
		return "", err
	}
	rem, err := repo.repo.Remote(remote)
	if err != nil {
		return "", fmt.Errorf("remote %q: %w (name it with --remote)", remote, err)
	}
	urls := rem.Config().URLs
	if len(urls) == 0 {
		return "", fmt.Errorf("remote %q has no URL", remote)
	}
	return urls[0], nil
}
