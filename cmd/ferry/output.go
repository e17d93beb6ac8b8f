package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferrygitops/ferry/report"
)

// output is one --output: a format and the file it goes to, "" for
// standard output.
type output struct {
	format, file string
}

// parseOutputs reads the --output values, FORMAT or FORMAT=FILE, each
// format one of formats: at most one goes to standard output, and no file
// is named twice.
func parseOutputs(values, formats []string) ([]output, error) {
	var outs []output
	stdout := ""
	files := map[string]bool{}
	for _, v := range values {
		format, file, toFile := strings.Cut(v, "=")
		if err := checkFormat(format, formats); err != nil {
			return nil, err
		}
		switch {
		case toFile && file == "":
			return nil, fmt.Errorf("--output %s: name the file after =, or give the format alone for standard output", v)
		case toFile && files[file]:
			return nil, fmt.Errorf("--output: %s is named twice; give each file once", file)
		case toFile:
			files[file] = true
		case stdout != "":
			return nil, fmt.Errorf("--output: %s and %s both go to standard output; write one to a file with FORMAT=FILE", stdout, format)
		default:
			stdout = format
		}
		outs = append(outs, output{format: format, file: file})
	}
	return outs, nil
}

// stdoutFormat is the format written to standard output, "" for none.
func stdoutFormat(outs []output) string {
	for _, o := range outs {
		if o.file == "" {
			return o.format
		}
	}
	return ""
}

// hasFormat reports whether any output is in format.
func hasFormat(outs []output, format string) bool {
	for _, o := range outs {
		if o.format == format {
			return true
		}
	}
	return false
}

// writeOutputs writes every output with write: to stdout, or whole to its
// file (a temporary file beside it, renamed over it once written, so that a
// reader never sees half a report).
func writeOutputs(stdout io.Writer, outs []output, write func(w io.Writer, format string) error) error {
	for _, o := range outs {
		if o.file == "" {
			if err := write(stdout, o.format); err != nil {
				return err
			}
			continue
		}
		var b bytes.Buffer
		if err := write(&b, o.format); err != nil {
			return fmt.Errorf("write %s: %w", o.file, err)
		}
		if err := writeFileAtomic(o.file, b.Bytes()); err != nil {
			return fmt.Errorf("write %s output: %w", o.format, err)
		}
	}
	return nil
}

// writeFileAtomic replaces name with data: written to a temporary file in
// the same directory, then renamed over name.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// displayPaths rebases paths relative to root onto the working directory
// when they lie below it (a CI checkout), else onto the repository root
// (the nearest ancestor of root with .git); "" leaves paths alone.
func displayPaths(root string) report.Paths {
	if root == "" {
		return report.Paths{}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return report.Paths{}
	}
	wd, _ := os.Getwd()
	return report.Paths{Root: abs, Dir: wd, Repo: gitRoot(abs)}
}

// gitRoot returns the nearest ancestor of dir (itself included) holding
// .git, a directory or a worktree's file; "" for none.
func gitRoot(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// reportObjects lists the objects of a group for a report, their files
// rebased as the group's findings are.
func reportObjects(g group) []report.Object {
	paths := displayPaths(g.root)
	out := make([]report.Object, len(g.objs))
	for i, o := range g.objs {
		origin := o.Origin()
		origin.File = paths.Path(origin.File)
		out[i] = report.Object{ID: o.ID(), Source: origin}
	}
	return out
}

// inputName is what a command checked, for a report's Input: the one path
// given, "-" for standard input, else the working directory.
func inputName(args []string) string {
	if len(args) == 1 {
		return filepath.ToSlash(args[0])
	}
	return "."
}
