package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
)

// inputs reads the objects that commands take as arguments: a directory is
// rendered (a kustomization, or its YAML files as Flux does), a file is
// decoded as YAML or JSON, and "-" reads standard input.
type inputs struct {
	paths pathFlags
	stdin io.Reader
	// decodeFinding, when set, turns input that does not decode into a
	// finding instead of an error (ferry validate reports malformed YAML
	// as kubeconform does).
	decodeFinding func(error) (finding.Finding, bool)
}

// printFindings writes findings one per line, for commands whose output
// format has no place for them.
func printFindings(w io.Writer, findings []finding.Finding) {
	for _, f := range findings {
		fmt.Fprintln(w, f)
	}
}

// renderErrorRule is the rule of the finding for a directory that cannot
// render (see render.ErrorFinding).
const renderErrorRule = "render-error"

// group is a set of objects validated together, with the repository root
// their origins are relative to ("" when there is none to read) or, for
// files named on the command line, those files. Findings are shown with
// their paths rebased by displayPaths(root).
type group struct {
	root  string
	files argFiles
	objs  []*manifest.Object
}

// argFiles lets the validator read back the files named on the command
// line, and nothing else, to find the lines of offending fields.
type argFiles map[string]bool

func (a argFiles) Open(name string) (fs.File, error) {
	if !a[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(filepath.FromSlash(name))
}

// groups reads the arguments: each directory is rendered into a group of
// its own (one environment); files and standard input form one group whose
// origins are relative to the working directory. The findings of rendering
// are returned with their paths rebased for display (see displayPaths). Input that does not decode
// is an error, or a finding when decodeFinding turns it into one. A
// directory that cannot render is one "render-error" finding, and the other
// arguments are still read. Input that holds no object at all, and
// standard input that is a terminal, are a findingsError (exit 1), as
// kubeconform refuses a terminal: checking nothing proves nothing.
func (in inputs) groups(ctx context.Context, args []string) ([]group, []finding.Finding, error) {
	groups, findings, err := in.read(ctx, args)
	if err != nil {
		return nil, nil, err
	}
	n := 0
	for _, g := range groups {
		n += len(g.objs)
	}
	if n == 0 && len(findings) == 0 {
		return nil, nil, &findingsError{summary: fmt.Sprintf("no objects found in %s: nothing to check", strings.Join(args, ", ")), code: exitFindings}
	}
	return groups, findings, nil
}

// read is groups without the check for empty input.
func (in inputs) read(ctx context.Context, args []string) ([]group, []finding.Finding, error) {
	var (
		groups   []group
		files    = group{files: argFiles{}}
		findings []finding.Finding
		r        *render.Renderer
	)
	decode := func(name string, data []byte) error {
		objs, err := manifest.Decode(name, data)
		if in.decodeFinding != nil {
			if f, ok := in.decodeFinding(err); ok {
				findings = append(findings, f)
				return nil
			}
		}
		if err != nil {
			return err
		}
		files.objs = append(files.objs, objs...)
		return nil
	}
	for _, arg := range args {
		if arg == "-" {
			if isTerminal(in.stdin) {
				return nil, nil, &findingsError{summary: "standard input is a terminal: pipe manifests in (kustomize build dir | ferry ...), or name files or directories", code: exitFindings}
			}
			data, err := io.ReadAll(in.stdin)
			if err != nil {
				return nil, nil, fmt.Errorf("read standard input: %w", err)
			}
			if err := decode("-", data); err != nil {
				return nil, nil, err
			}
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			return nil, nil, err // "stat ARG: …" names the argument
		}
		if !info.IsDir() {
			data, err := os.ReadFile(arg)
			if err != nil {
				return nil, nil, err
			}
			name := filepath.ToSlash(arg)
			files.files[name] = true
			if err := decode(name, data); err != nil {
				return nil, nil, err
			}
			continue
		}
		if r == nil {
			if r, err = in.paths.renderer(arg); err != nil {
				return nil, nil, err
			}
		}
		res, err := r.Render(ctx, arg)
		if f, ok := render.ErrorFinding(arg, err); ok {
			root, _ := findRoot(in.paths.root, []string{arg})
			findings = append(findings, displayPaths(root).Findings([]finding.Finding{f})...)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		root := repoRoot(arg, in.paths.root, res.Dir)
		findings = append(findings, displayPaths(root).Findings(res.Findings)...)
		groups = append(groups, group{root: root, objs: res.Objects})
	}
	if len(files.objs) > 0 {
		groups = append(groups, files)
	}
	return groups, findings, nil
}

// isTerminal reports whether r is a terminal (a character device), where
// reading would wait for someone to type manifests.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// repoRoot returns the directory the origins of a rendered directory are
// relative to: --root, or the root render found from dir. res.Dir, the
// rendered directory relative to that root, confirms it; "" when it does
// not (findings then keep the objects' lines).
func repoRoot(dir, root, rel string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	if root == "" {
		root = render.FindRoot(abs)
	}
	if r, err := filepath.Abs(root); err != nil || filepath.Join(r, filepath.FromSlash(rel)) != abs {
		return ""
	}
	return root
}
