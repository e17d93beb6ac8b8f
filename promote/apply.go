package promote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// maxApplyFileSize bounds each file Apply reads: a plan's inputs are
// source files, never this large.
const maxApplyFileSize = 64 << 20

// Applied says what Apply did.
type Applied struct {
	// Written are the files Apply changed.
	Written []string
	// Unchanged are the files that already held the planned result.
	Unchanged []string
}

// Apply writes the plan's edits into the repository at root, all files or
// none, and refuses, before it writes anything:
//
//   - a blocked plan, and a plan whose inputs, files or edits are missing,
//     null, empty or listed twice ([ErrMalformedPlan]);
//   - a file the plan never read, one under .git (any case), one outside
//     root, one reached through a symlink, one that is not a regular file,
//     and one in the source environment's own directory
//     ([ErrForbiddenPath]);
//   - a file created in a target folder that holds files the plan does not
//     create: only a new environment's folder is created
//     ([ErrForbiddenPath]);
//   - any input of the plan that changed since the plan was made
//     ([ErrStale]) — except that a file already holding exactly the planned
//     result is left alone, so applying a plan twice is safe;
//   - a file without write permission ([ErrReadOnly]);
//   - a repository another Apply is writing ([ErrLocked]).
//
// Each file is written to a temporary file beside it, with the file's mode,
// synced, and renamed into place, so that a file is always entirely old or
// entirely new, even if the process is killed; if a rename fails, the files
// already replaced are restored. Temporary files a killed apply left behind
// are removed by the next. Every refusal is an [*ApplyError] naming the file.
func (p *Plan) Apply(ctx context.Context, root string) (Applied, error) {
	var done Applied
	if err := p.checkPlan(); err != nil {
		return done, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return done, fmt.Errorf("apply: %w", err)
	}
	defer r.Close()
	release, err := lockRepo(r)
	if err != nil {
		return done, err
	}
	defer release()

	// Every input the verdict rests on must be as it was, not only the files
	// edited: a base changed since would have been checked by no one.
	edited := map[string]bool{}
	for _, f := range p.Files {
		edited[f.Path] = true
	}
	for _, in := range p.Inputs {
		if err := ctx.Err(); err != nil {
			return done, fmt.Errorf("apply %s: %w", in.Path, err)
		}
		if edited[in.Path] {
			continue
		}
		data, _, err := readRegular(r, in.Path, false)
		if err != nil {
			return done, err
		}
		if sha256Hex(data) != in.SHA256 {
			return done, &ApplyError{File: in.Path, Err: fmt.Errorf("%w: the plan was checked against its earlier content; plan again", ErrStale)}
		}
	}

	if err := p.checkNewFolder(r.FS()); err != nil {
		return done, err
	}

	type staged struct {
		path     string
		old, new []byte
		mode     fs.FileMode
		created  bool
	}
	var writes []staged
	for _, f := range p.Files {
		if err := ctx.Err(); err != nil {
			return done, fmt.Errorf("apply %s: %w", f.Path, err)
		}
		if f.creates() {
			if link := symlinkOn(r, f.Path); link != "" {
				return done, refuse(f.Path, ErrForbiddenPath, "%s is a symlink; ferry does not write through links", link)
			}
			switch data, _, err := readRegular(r, f.Path, true); {
			case err == nil && sha256Hex(data) == f.After:
				done.Unchanged = append(done.Unchanged, f.Path)
				continue
			case err == nil:
				return done, &ApplyError{File: f.Path, Err: fmt.Errorf("%w: the file the plan creates exists now; plan again", ErrStale)}
			case !errors.Is(err, fs.ErrNotExist):
				return done, err
			}
			out, err := f.Edits[0].content()
			if err != nil {
				return done, &ApplyError{File: f.Path, Err: err}
			}
			if sha256Hex(out) != f.After {
				return done, &ApplyError{File: f.Path, Err: errors.New("the edits do not reproduce the planned content; plan again")}
			}
			writes = append(writes, staged{path: f.Path, new: out, mode: 0o644, created: true})
			continue
		}
		data, mode, err := readRegular(r, f.Path, true)
		if err != nil {
			return done, err
		}
		switch sha256Hex(data) {
		case f.After:
			done.Unchanged = append(done.Unchanged, f.Path)
			continue
		case f.Before:
		default:
			return done, &ApplyError{File: f.Path, Err: fmt.Errorf("%w: plan again", ErrStale)}
		}
		if mode&0o200 == 0 {
			return done, refuse(f.Path, ErrReadOnly, "mode %v; make it writable (chmod u+w) or leave it out, then apply again", mode)
		}
		out, _, err := applyEdits(data, f.Edits)
		if err != nil {
			return done, &ApplyError{File: f.Path, Err: err}
		}
		if sha256Hex(out) != f.After {
			return done, &ApplyError{File: f.Path, Err: errors.New("the edits do not reproduce the planned content; plan again")}
		}
		writes = append(writes, staged{path: f.Path, old: data, new: out, mode: mode})
	}
	if len(writes) == 0 {
		return done, nil
	}
	for _, w := range writes {
		if w.created {
			if err := r.MkdirAll(path.Dir(w.path), 0o755); err != nil {
				return done, &ApplyError{File: w.path, Err: err}
			}
		}
		removeLeftovers(r, w.path)
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
	if err := ctx.Err(); err != nil {
		cleanup()
		return done, fmt.Errorf("apply: %w", err)
	}
	for i, w := range writes {
		if err := r.Rename(tmp[i], w.path); err != nil {
			var failed []error
			for j := range i { // restore what was replaced, remove what was created
				if writes[j].created {
					if rerr := r.Remove(writes[j].path); rerr != nil {
						failed = append(failed, fmt.Errorf("%s is left created: %w", writes[j].path, rerr))
					}
					continue
				}
				if rerr := replace(r, writes[j].path, writes[j].old, writes[j].mode); rerr != nil {
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
	syncDirs(r, done.Written)
	return done, nil
}

// readRegular reads a repository file that must be a regular file reached
// without leaving the root; for a file Apply writes (target), no component
// of the path may be a symlink either, so that a write lands where the plan
// says. FIFOs and devices are refused, never waited on.
func readRegular(r *os.Root, name string, target bool) ([]byte, fs.FileMode, error) {
	if target {
		if _, err := r.Lstat(name); err != nil {
			return nil, 0, &ApplyError{File: name, Err: fmt.Errorf("%w: %w", ErrStale, err)}
		}
		switch link := symlinkOn(r, name); link {
		case "":
		case name:
			return nil, 0, refuse(name, ErrForbiddenPath, "the file is a symlink; ferry does not write through links: edit its target instead")
		default:
			return nil, 0, refuse(name, ErrForbiddenPath, "%s is a symlink; ferry does not write through links", link)
		}
	}
	f, err := r.OpenFile(name, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, &ApplyError{File: name, Err: fmt.Errorf("%w: %w", ErrStale, err)}
		}
		if link := symlinkOn(r, name); link != "" {
			return nil, 0, refuse(name, ErrForbiddenPath, "%s is a symlink that leads out of the repository: %v", link, err)
		}
		return nil, 0, &ApplyError{File: name, Err: err}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, &ApplyError{File: name, Err: err}
	}
	if !info.Mode().IsRegular() {
		return nil, 0, refuse(name, ErrForbiddenPath, "not a regular file (%v)", info.Mode().Type())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxApplyFileSize+1))
	if err != nil {
		return nil, 0, &ApplyError{File: name, Err: err}
	}
	if len(data) > maxApplyFileSize {
		return nil, 0, &ApplyError{File: name, Err: fmt.Errorf("the file is larger than %d MiB; ferry does not edit files this large", maxApplyFileSize>>20)}
	}
	return data, info.Mode().Perm(), nil
}

// checkNewFolder refuses a plan that creates files in a target folder that
// holds files it does not create: only a new environment's folder is
// created (ferry clone), and a file added to an existing folder — which
// Flux renders whole — would change an environment no check ran on. The
// files of an earlier apply of the same plan are the plan's own.
func (p *Plan) checkNewFolder(fsys fs.FS) error {
	created := map[string]bool{}
	for _, f := range p.Files {
		if f.creates() {
			created[f.Path] = true
		}
	}
	if len(created) == 0 {
		return nil
	}
	err := fs.WalkDir(fsys, p.Target.Path, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || created[name] {
			return nil
		}
		return refuse(name, ErrForbiddenPath, "the plan creates files in %s, which holds this file the plan does not create: a plan creates only a new environment's folder; plan again", p.Target.Path)
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// symlinkOn returns the first component of name that is a symlink, or "".
func symlinkOn(r *os.Root, name string) string {
	parts := strings.Split(name, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		if info, err := r.Lstat(p); err != nil || info.Mode()&fs.ModeSymlink != 0 {
			if err != nil {
				return ""
			}
			return p
		}
	}
	return ""
}

// tempPrefix is how the temporary files of file begin.
func tempPrefix(file string) string { return "." + path.Base(file) + ".ferry-" }

// writeTemp writes data to a new temporary file beside file, with mode
// (whatever the umask), syncs it and returns its name.
func writeTemp(r *os.Root, file string, data []byte, mode fs.FileMode) (string, error) {
	for i := 0; ; i++ {
		name := path.Join(path.Dir(file), fmt.Sprintf("%s%d.tmp", tempPrefix(file), i))
		f, err := r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		serr := f.Sync()
		cerr := f.Close()
		if err := errors.Join(werr, serr, cerr, r.Chmod(name, mode)); err != nil {
			_ = r.Remove(name)
			return "", err
		}
		return name, nil
	}
}

// replace writes data over file atomically (temporary file and rename).
func replace(r *os.Root, file string, data []byte, mode fs.FileMode) error {
	name, err := writeTemp(r, file, data, mode)
	if err != nil {
		return err
	}
	if err := r.Rename(name, file); err != nil {
		_ = r.Remove(name)
		return err
	}
	return nil
}

// removeLeftovers removes the temporary files of file that an apply killed
// before its renames left behind. Only the holder of the lock calls it.
func removeLeftovers(r *os.Root, file string) {
	dir, err := r.Open(path.Dir(file))
	if err != nil {
		return
	}
	defer dir.Close()
	names, _ := dir.Readdirnames(-1)
	for _, n := range names {
		if strings.HasPrefix(n, tempPrefix(file)) && strings.HasSuffix(n, ".tmp") {
			_ = r.Remove(path.Join(path.Dir(file), n))
		}
	}
}

// syncDirs syncs the directories of the files written, so that the renames
// survive a crash of the machine. Where directories cannot be synced, the
// renames are as durable as the file system makes them.
func syncDirs(r *os.Root, files []string) {
	seen := map[string]bool{}
	for _, f := range files {
		d := path.Dir(f)
		if seen[d] {
			continue
		}
		seen[d] = true
		if dir, err := r.Open(d); err == nil {
			_ = dir.Sync()
			_ = dir.Close()
		}
	}
}
