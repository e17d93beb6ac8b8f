package promote

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// Refusals of Apply. Each is returned inside an [ApplyError] naming the
// file (or "plan" for the plan as a whole) and saying why; test with
// errors.Is.
var (
	// ErrStale reports a file that changed since the plan was made.
	ErrStale = errors.New("the file changed since the plan was made")
	// ErrMalformedPlan reports a plan whose inputs, files or edits are
	// missing, null, duplicated or not what ferry plan writes: a plan edited
	// by hand or truncated.
	ErrMalformedPlan = errors.New("the plan is malformed")
	// ErrForbiddenPath reports a file a plan may not write: outside the
	// repository, under .git, reached through a symlink, not a regular
	// file, or not a file the target environment renders.
	ErrForbiddenPath = errors.New("apply does not write this path")
	// ErrReadOnly reports a target file without write permission.
	ErrReadOnly = errors.New("the file is read-only")
	// ErrLocked reports that another apply holds the repository's lock.
	ErrLocked = errors.New("another ferry apply is running on this repository")
)

// planFile is the name [ApplyError] gives the plan itself.
const planFile = "plan"

// ApplyError ties an apply failure to a file, or to the plan as a whole
// (File "plan").
type ApplyError struct {
	File string
	Err  error
}

func (e *ApplyError) Error() string { return fmt.Sprintf("apply %s: %v", e.File, e.Err) }
func (e *ApplyError) Unwrap() error { return e.Err }

func refuse(file string, kind error, format string, args ...any) error {
	return &ApplyError{File: file, Err: fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))}
}

// checkPlan refuses, before the repository is looked at, a plan that ferry
// plan could not have written, and any file it may not write: not one the
// plan read (recorded in its inputs, with the hash the file had before),
// one under .git, one outside the repository, or one of the source
// environment's own directory.
func (p *Plan) checkPlan() error {
	if p.APIVersion != PlanAPIVersion || p.Kind != PlanKind {
		return refuse(planFile, ErrMalformedPlan, "want apiVersion %s and kind %s, got %q and %q", PlanAPIVersion, PlanKind, p.APIVersion, p.Kind)
	}
	switch p.Verdict.Status {
	case StatusReady, StatusNoop:
	case StatusBlocked:
		return &ApplyError{File: planFile, Err: fmt.Errorf("the plan is blocked: %s", strings.Join(p.Verdict.Reasons, "; "))}
	default:
		return refuse(planFile, ErrMalformedPlan, "unknown verdict %q", p.Verdict.Status)
	}
	if err := checkDir("target.path", p.Target.Path, false); err != nil {
		return err
	}
	if err := checkDir("source.path", p.Source.Path, true); err != nil {
		return err
	}
	if len(p.Inputs) == 0 {
		return refuse(planFile, ErrMalformedPlan, "inputs is missing, null or empty: a plan records every file it read; plan again")
	}
	if p.Files == nil {
		return refuse(planFile, ErrMalformedPlan, "files is missing or null: plan again")
	}
	inputs := make(map[string]string, len(p.Inputs))
	for _, in := range p.Inputs {
		if err := checkPath(in.Path); err != nil {
			return err
		}
		if !isSHA256(in.SHA256) {
			return refuse(in.Path, ErrMalformedPlan, "input hash %q is not a SHA-256", in.SHA256)
		}
		if _, dup := inputs[in.Path]; dup {
			return refuse(in.Path, ErrMalformedPlan, "the file is listed twice in inputs")
		}
		inputs[in.Path] = in.SHA256
	}
	seen := make(map[string]bool, len(p.Files))
	for _, f := range p.Files {
		if err := checkPath(f.Path); err != nil {
			return err
		}
		if seen[f.Path] {
			return refuse(f.Path, ErrMalformedPlan, "the file is listed twice in files")
		}
		seen[f.Path] = true
		if (!isSHA256(f.Before) && !f.creates()) || !isSHA256(f.After) {
			return refuse(f.Path, ErrMalformedPlan, "before and after must be SHA-256 hashes")
		}
		if err := checkEdits(f); err != nil {
			return err
		}
		if f.creates() {
			// A file the plan creates did not exist: the plan never read
			// it, and it lies in the environment the plan makes.
			if _, ok := inputs[f.Path]; ok {
				return refuse(f.Path, ErrMalformedPlan, "the plan read this file, so it cannot create it")
			}
			if p.Target.Path == "." || !within(f.Path, p.Target.Path) {
				return refuse(f.Path, ErrForbiddenPath, "a plan creates files only in the new environment's own directory (target %s)", p.Target.Path)
			}
			continue
		}
		switch h, ok := inputs[f.Path]; {
		case !ok:
			return refuse(f.Path, ErrForbiddenPath, "the plan never read this file (it is not in inputs), so it cannot edit it")
		case h != f.Before:
			return refuse(f.Path, ErrMalformedPlan, "inputs records another hash for the file than files.before")
		}
		if within(f.Path, p.Source.Path) && !within(f.Path, p.Target.Path) {
			return refuse(f.Path, ErrForbiddenPath, "the file is in the source environment's directory %s; a plan edits only the target %s", p.Source.Path, p.Target.Path)
		}
	}
	return nil
}

// checkPath refuses a path that is not clean, relative and inside the
// repository, or that names .git (in any case).
func checkPath(p string) error {
	if !fs.ValidPath(p) || p == "." || path.Clean(p) != p || strings.Contains(p, `\`) {
		return refuse(p, ErrForbiddenPath, "the path is not a clean relative path inside the repository")
	}
	if slices.ContainsFunc(strings.Split(p, "/"), func(c string) bool { return strings.EqualFold(c, ".git") }) {
		return refuse(p, ErrForbiddenPath, "the path is inside .git")
	}
	return nil
}

// checkDir checks an environment's directory; the source may be empty in
// plans made by hand for a single file.
func checkDir(field, dir string, empty bool) error {
	if dir == "" && empty {
		return nil
	}
	if dir == "" {
		return refuse(planFile, ErrMalformedPlan, "%s is missing", field)
	}
	if err := checkPath(dir); err != nil {
		return refuse(planFile, ErrMalformedPlan, "%s: %v", field, err)
	}
	return nil
}

// checkEdits refuses a file without edits, an unknown operation, an edit
// without keys and one edit listed twice.
func checkEdits(f FileEdit) error {
	if len(f.Edits) == 0 {
		return refuse(f.Path, ErrMalformedPlan, "edits is missing, null or empty")
	}
	if f.creates() {
		if len(f.Edits) != 1 || f.Edits[0].Op != OpCreate || len(f.Edits[0].Keys) != 0 {
			return refuse(f.Path, ErrMalformedPlan, "a file with an empty before is created: its one edit is a create, without keys")
		}
		if _, err := f.Edits[0].content(); err != nil {
			return refuse(f.Path, ErrMalformedPlan, "edit 0: %v", err)
		}
		return nil
	}
	for i, e := range f.Edits {
		switch e.Op {
		case OpSet, OpAppend, OpInsert, OpDelete:
		case OpSetLine:
			if e.Line <= 0 || e.Old == "" || e.New == "" {
				return refuse(f.Path, ErrMalformedPlan, "edit %d: set-line needs a line, old and new", i)
			}
		default:
			return refuse(f.Path, ErrMalformedPlan, "edit %d: unknown op %q", i, e.Op)
		}
		if len(e.Keys) == 0 || e.Doc < 0 {
			return refuse(f.Path, ErrMalformedPlan, "edit %d: keys is missing or doc is negative", i)
		}
		for _, prev := range f.Edits[:i] {
			if prev.Op == e.Op && prev.Doc == e.Doc && slices.Equal(prev.Keys, e.Keys) && (e.Op != OpAppend || slices.Equal(prev.Item, e.Item)) && (e.Op != OpSetLine || prev.Line == e.Line) {
				return refuse(f.Path, ErrMalformedPlan, "edit %d: %s %s is listed twice", i, e.Op, strings.Join(e.Keys, "."))
			}
		}
	}
	return nil
}

// creates says the plan creates the file.
func (f FileEdit) creates() bool { return f.Before == "" }

// content is the content a create edit writes.
func (e Edit) content() ([]byte, error) {
	switch e.Encoding {
	case "":
		return []byte(e.New), nil
	case "base64":
		data, err := base64.StdEncoding.DecodeString(e.New)
		if err != nil {
			return nil, fmt.Errorf("the base64 content does not decode: %w", err)
		}
		return data, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", e.Encoding)
}

// createEdit is the edit that creates a file with data: its text, or
// base64 when data is not UTF-8 (JSON would not keep it).
func createEdit(data []byte, reason string) Edit {
	if utf8.Valid(data) {
		return Edit{Op: OpCreate, New: string(data), Reason: reason}
	}
	return Edit{Op: OpCreate, New: base64.StdEncoding.EncodeToString(data), Encoding: "base64", Reason: reason}
}

func isSHA256(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

// within says whether file is dir or below it.
func within(file, dir string) bool {
	return dir != "" && (file == dir || strings.HasPrefix(file, dir+"/"))
}
