package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/fluxcd/pkg/sourceignore"
	"github.com/fluxcd/pkg/sourceignore/gitignore"
)

// ignoreRules are the files Flux leaves out of a source: source-controller's
// defaults (VCS metadata, CI configuration, images and archives, SOPS and
// goreleaser configuration) and the patterns of every .sourceignore file in
// the repository, each scoped to its directory.
type ignoreRules struct {
	matcher gitignore.Matcher
	files   []File // the .sourceignore files read
}

// loadIgnoreRules reads the .sourceignore files of the repository.
func loadIgnoreRules(fsys fs.FS) (*ignoreRules, error) {
	rules := &ignoreRules{}
	rfs := newRepoFS(fsys, Limits{}) // records the files read
	var patterns []gitignore.Pattern
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return mapFSError(p, err)
		}
		if d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		if d.IsDir() || d.Name() != sourceignore.IgnoreFile {
			return nil
		}
		data, err := rfs.readRepoFile(p)
		if err != nil {
			return err
		}
		var domain []string
		if dir := path.Dir(p); dir != "." {
			domain = strings.Split(dir, "/")
		}
		patterns = append(patterns, sourceignore.ReadPatterns(bytes.NewReader(data), domain)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the .sourceignore files: %w", err)
	}
	rules.files = rfs.files()
	rules.matcher = sourceignore.NewDefaultMatcher(patterns, nil)
	return rules, nil
}

// ignored reports whether Flux leaves the repository path p out.
func (r *ignoreRules) ignored(p string, isDir bool) bool {
	if r == nil || p == "." {
		return false
	}
	return r.matcher.Match(strings.Split(p, "/"), isDir)
}

// filter drops the entries of a kustomization list (resources, components,
// crds) that name ignored files or directories, as Flux's generator does.
// URLs are kept, unless urls is false.
func (r *ignoreRules) filter(rfs *repoFS, dir string, entries []string, urls bool) []string {
	out := entries[:0:0]
	for _, e := range entries {
		if urls && remoteReason(e) != "" {
			out = append(out, e)
			continue
		}
		p := path.Join(dir, e)
		info, err := rfs.stat(p)
		if err == nil && r.ignored(p, info.IsDir()) {
			continue
		}
		out = append(out, e)
	}
	return out
}
