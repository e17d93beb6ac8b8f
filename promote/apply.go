package promote

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// ErrStale reports a file that changed since the plan was made.
var ErrStale = errors.New("the file changed since the plan was made")

// ApplyError ties an apply failure to a file.
type ApplyError struct {
	File string
	Err  error
}

func (e *ApplyError) Error() string { return fmt.Sprintf("apply %s: %v", e.File, e.Err) }
func (e *ApplyError) Unwrap() error { return e.Err }

// Applied says what Apply did.
type Applied struct {
	// Written are the files Apply changed.
	Written []string
	// Unchanged are the files that already held the planned result.
	Unchanged []string
}

// Apply writes the plan's edits into the repository at root, all files or
// none. It refuses a blocked plan, any path that leaves root or is a
// symlink, and any input of the plan that changed since the plan was made —
// except that a file already holding exactly the planned result is left
// alone, so applying a plan twice is safe. Each file is written to a
// temporary file beside it, with the file's mode, and renamed into place; if
// a rename fails, the files already replaced are restored.
func (p *Plan) Apply(ctx context.Context, root string) (Applied, error) {
	var done Applied
	if p.Verdict.Status == StatusBlocked {
		return done, fmt.Errorf("apply: the plan is blocked: %s", strings.Join(p.Verdict.Reasons, "; "))
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return done, fmt.Errorf("apply: %w", err)
	}
	defer r.Close()

	// Every input the verdict rests on must be as it was, not only the files
	// edited: a base changed since would have been checked by no one.
	edited := map[string]bool{}
	for _, f := range p.Files {
		edited[f.Path] = true
	}
	for _, in := range p.Inputs {
		if edited[in.Path] {
			continue
		}
		data, err := r.ReadFile(in.Path)
		if err != nil {
			return done, &ApplyError{File: in.Path, Err: fmt.Errorf("%w: %w", ErrStale, err)}
		}
		if sha256Hex(data) != in.SHA256 {
			return done, &ApplyError{File: in.Path, Err: fmt.Errorf("%w: the plan was checked against its earlier content; plan again", ErrStale)}
		}
	}

	type staged struct {
		path     string
		old, new []byte
		mode     fs.FileMode
	}
	var writes []staged
	for _, f := range p.Files {
		if err := ctx.Err(); err != nil {
			return done, fmt.Errorf("apply %s: %w", f.Path, err)
		}
		if !fs.ValidPath(f.Path) || path.Clean(f.Path) != f.Path {
			return done, &ApplyError{File: f.Path, Err: errors.New("the path leaves the repository or is not clean; refusing it")}
		}
		data, err := r.ReadFile(f.Path)
		if err != nil {
			return done, &ApplyError{File: f.Path, Err: err}
		}
		info, err := r.Lstat(f.Path)
		if err != nil {
			return done, &ApplyError{File: f.Path, Err: err}
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return done, &ApplyError{File: f.Path, Err: errors.New("the file is a symlink; ferry does not write through links: edit its target instead")}
		}
		switch sha256Hex(data) {
		case f.After:
			done.Unchanged = append(done.Unchanged, f.Path)
			continue
		case f.Before:
		default:
			return done, &ApplyError{File: f.Path, Err: fmt.Errorf("%w: plan again", ErrStale)}
		}
		out, _, err := applyEdits(data, f.Edits)
		if err != nil {
			return done, &ApplyError{File: f.Path, Err: err}
		}
		if sha256Hex(out) != f.After {
			return done, &ApplyError{File: f.Path, Err: errors.New("the edits do not reproduce the planned content; plan again")}
		}
		writes = append(writes, staged{path: f.Path, old: data, new: out, mode: info.Mode().Perm()})
	}
	// Write every file beside its target first, then rename them all.
	tmp := make([]string, len(writes))
	cleanup := func() {
		for _, t := range tmp {
			if t != "" {
				_ = r.Remove(t)
			}
		}
	}
	for i, w := range writes {
		name, err := writeTemp(r, w.path, w.new, w.mode)
		if err != nil {
			cleanup()
			return done, &ApplyError{File: w.path, Err: err}
		}
		tmp[i] = name
	}
	for i, w := range writes {
		if err := r.Rename(tmp[i], w.path); err != nil {
			var failed []error
			for j := 0; j < i; j++ { // restore what was replaced
				if rerr := r.WriteFile(writes[j].path, writes[j].old, writes[j].mode); rerr != nil {
					failed = append(failed, fmt.Errorf("%s is left changed: %w", writes[j].path, rerr))
				}
			}
			tmp = tmp[i:]
			cleanup()
			if len(failed) > 0 {
				return Applied{}, &ApplyError{File: w.path, Err: errors.Join(append([]error{err}, failed...)...)}
			}
			return Applied{}, &ApplyError{File: w.path, Err: fmt.Errorf("%w; the files written before it were restored", err)}
		}
		tmp[i] = ""
		done.Written = append(done.Written, w.path)
	}
	return done, nil
}

// writeTemp writes data to a new temporary file beside file, with mode
// (whatever the umask), and returns its name.
func writeTemp(r *os.Root, file string, data []byte, mode fs.FileMode) (string, error) {
	for i := 0; ; i++ {
		name := path.Join(path.Dir(file), fmt.Sprintf(".%s.ferry-%d.tmp", path.Base(file), i))
		f, err := r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		cerr := f.Close()
		if err := errors.Join(werr, cerr, r.Chmod(name, mode)); err != nil {
			_ = r.Remove(name)
			return "", err
		}
		return name, nil
	}
}
