package report

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/promote"
)

// Paths rebases the paths of findings and plans for display. ferry's results
// name files relative to the root they were rendered from (--root, the
// folder of ferry.yaml); a CI system wants them relative to its checkout,
// which may be a parent of that root. Paths names a file relative to Dir
// when it lies below Dir, else relative to Repo when it lies below Repo,
// else leaves it as it is.
//
// The zero Paths leaves every path alone. Paths does no I/O: the caller
// finds the directories.
type Paths struct {
	// Root is the absolute directory the paths to rebase are relative to;
	// empty leaves them alone.
	Root string
	// Dir is the absolute directory to show paths relative to, usually the
	// working directory (a CI checkout); empty for none.
	Dir string
	// Repo is the absolute directory to show paths relative to when they
	// are not below Dir: the repository root, the nearest ancestor of Root
	// with a .git directory; empty for none.
	Repo string
}

// Path rebases one slash-separated path relative to Root. Absolute paths,
// "-" (standard input) and the empty path are left alone.
func (p Paths) Path(name string) string {
	if p.Root == "" || name == "" || name == "-" || path.IsAbs(name) || filepath.IsAbs(name) {
		return name
	}
	abs := filepath.Join(p.Root, filepath.FromSlash(name))
	for _, base := range []string{p.Dir, p.Repo} {
		if base == "" {
			continue
		}
		if rel, err := filepath.Rel(base, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return name
}

// Findings returns a copy of fs with their source files, and their
// waivers' source files, rebased.
func (p Paths) Findings(fs []finding.Finding) []finding.Finding {
	if fs == nil {
		return nil
	}
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		f.Source.File = p.Path(f.Source.File)
		if f.Waiver != nil {
			w := *f.Waiver
			w.Source.File = p.Path(w.Source.File)
			f.Waiver = &w
		}
		out[i] = f
	}
	return out
}

// Objects returns a copy of objs with their source files rebased.
func (p Paths) Objects(objs []Object) []Object {
	if objs == nil {
		return nil
	}
	out := make([]Object, len(objs))
	for i, o := range objs {
		o.Source.File = p.Path(o.Source.File)
		out[i] = o
	}
	return out
}

// Report returns a copy of r with its paths rebased.
func (p Paths) Report(r Report) Report {
	r.Findings = p.Findings(r.Findings)
	r.Objects = p.Objects(r.Objects)
	r.Input = p.Path(r.Input)
	return r
}

// Plan returns a copy of plan to display, with the paths of its
// environments, edited files, diff headers and findings rebased. The plan
// itself, which promote.Plan.Apply reads, keeps its paths relative to the
// root: write that one as JSON for ferry apply.
func (p Paths) Plan(plan *promote.Plan) *promote.Plan {
	if p.Root == "" {
		return plan
	}
	c := *plan
	c.Source.Path = p.Path(c.Source.Path)
	c.Target.Path = p.Path(c.Target.Path)
	c.Files = make([]promote.FileEdit, len(plan.Files))
	for i, f := range plan.Files {
		f.Path = p.Path(f.Path)
		c.Files[i] = f
	}
	c.Findings = p.Findings(plan.Findings)
	c.Diff = p.diff(plan.Diff)
	return &c
}

// diff rebases the file names of a unified diff's headers: a line
// "--- a/NAME" followed by "+++ b/NAME".
func (p Paths) diff(d string) string {
	if d == "" {
		return d
	}
	lines := strings.SplitAfter(d, "\n")
	for i := 0; i+1 < len(lines); i++ {
		name, ok := strings.CutPrefix(strings.TrimSuffix(lines[i], "\n"), "--- a/")
		if !ok || strings.TrimSuffix(lines[i+1], "\n") != "+++ b/"+name {
			continue
		}
		rebased := p.Path(name)
		lines[i] = "--- a/" + rebased + "\n"
		lines[i+1] = "+++ b/" + rebased + lines[i+1][len("+++ b/"+name):]
		i++
	}
	return strings.Join(lines, "")
}
