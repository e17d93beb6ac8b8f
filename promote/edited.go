package promote

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// Edited returns the content each file the plan edits would have after the
// edits, applied to the files of fsys (the repository root, such as a
// commit's tree), without writing anything. It refuses what Apply refuses
// and, unlike Apply, requires every input to hold exactly the content the
// plan was checked against: a file already holding the planned result is
// a stale input, not a finished edit, because the caller commits the
// result on top of fsys. Files the edits leave byte-identical are left out. (checkPlan makes
// sure every edited file is an input.)
// Errors are [*ApplyError]s naming the file.
func (p *Plan) Edited(ctx context.Context, fsys fs.FS) (map[string][]byte, error) {
	if err := p.checkPlan(); err != nil {
		return nil, err
	}
	edits := map[string]FileEdit{}
	for _, f := range p.Files {
		edits[f.Path] = f
	}
	out := map[string][]byte{}
	for _, in := range p.Inputs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("edit %s: %w", in.Path, err)
		}
		data, err := fs.ReadFile(fsys, in.Path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, &ApplyError{File: in.Path, Err: fmt.Errorf("%w: the file is not there", ErrStale)}
			}
			return nil, &ApplyError{File: in.Path, Err: err}
		}
		if sha256Hex(data) != in.SHA256 {
			return nil, &ApplyError{File: in.Path, Err: fmt.Errorf("%w: the plan was checked against other content; plan again", ErrStale)}
		}
		f, ok := edits[in.Path]
		if !ok {
			continue
		}
		if sha256Hex(data) != f.Before {
			return nil, &ApplyError{File: f.Path, Err: fmt.Errorf("%w: plan again", ErrStale)}
		}
		next, _, err := applyEdits(data, f.Edits)
		if err != nil {
			return nil, &ApplyError{File: f.Path, Err: err}
		}
		if sha256Hex(next) != f.After {
			return nil, &ApplyError{File: f.Path, Err: errors.New("the edits do not reproduce the planned content; plan again")}
		}
		if string(next) != string(data) {
			out[f.Path] = next
		}
	}
	if err := p.checkNewFolder(fsys); err != nil {
		return nil, err
	}
	for _, f := range p.Files {
		if !f.creates() {
			continue
		}
		switch _, err := fs.Stat(fsys, f.Path); {
		case err == nil:
			return nil, &ApplyError{File: f.Path, Err: fmt.Errorf("%w: the file the plan creates exists; plan again", ErrStale)}
		case !errors.Is(err, fs.ErrNotExist):
			return nil, &ApplyError{File: f.Path, Err: err}
		}
		data, err := f.Edits[0].content()
		if err != nil {
			return nil, &ApplyError{File: f.Path, Err: err}
		}
		if sha256Hex(data) != f.After {
			return nil, &ApplyError{File: f.Path, Err: errors.New("the edits do not reproduce the planned content; plan again")}
		}
		out[f.Path] = data
	}
	return out, nil
}
