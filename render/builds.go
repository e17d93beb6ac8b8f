package render

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Build is a directory of the repository that kustomize, or a Flux
// Kustomization of the repository, builds: what another environment may
// render besides the one a plan edits.
type Build struct {
	// Dir is the directory, relative to the repository root.
	Dir string
	// Files are the repository files building it reads, sorted: its
	// kustomization and every file that refers to, transitively.
	Files []string
	// Component is true for a kustomize Component, which builds only as
	// part of the kustomizations that list it.
	Component bool
	// AppliedBy are the files holding the Flux Kustomizations of the
	// repository that apply Dir, sorted.
	AppliedBy []string
	// Err says why the files of Dir could not be listed (a malformed
	// kustomization, a missing resource); Files is then empty. Such a
	// directory does not build. A remote base is no error here: the
	// directory's local files are listed.
	Err error
}

// Builds lists every directory of the repository that holds a kustomization,
// and every directory a Flux Kustomization of the repository applies, with
// the files building each reads. It reads no more than scanning the
// kustomization graph needs, plus the YAML files that mention Flux's
// Kustomization API; hidden directories are skipped. The result is sorted by
// directory.
//
// A plan uses it to tell which files the target environment shares with the
// rest of the repository, whether or not ferry.yaml names the environments
// that share them.
func (r *Renderer) Builds(ctx context.Context) ([]Build, error) {
	dir := "."
	if r.opts.FS == nil && r.opts.Root != "" {
		dir = r.opts.Root
	}
	fsys, root, err := r.open(dir)
	if err != nil {
		return nil, err
	}
	rfs := newRepoFS(fsys, r.opts.Limits)
	rfs.ctx = ctx
	dirs := map[string]*Build{}
	var fluxFiles []string
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return mapFSError(p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
		case slices.Contains(kustomizationFileNames, d.Name()):
			dirs[path.Dir(p)] = &Build{Dir: path.Dir(p)}
		case d.Type().IsRegular() && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml"):
			fluxFiles = append(fluxFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range fluxFiles {
		for _, dir := range r.fluxPaths(rfs, f) {
			b, ok := dirs[dir]
			if !ok {
				if info, err := fs.Stat(fsys, dir); err != nil || !info.IsDir() {
					continue
				}
				b = &Build{Dir: dir}
				dirs[dir] = b
			}
			if !slices.Contains(b.AppliedBy, f) {
				b.AppliedBy = append(b.AppliedBy, f) // fluxFiles are sorted
			}
		}
	}
	// One scanner for the whole graph: each kustomization is read and
	// scanned once, whichever directory reaches it first. Remote bases are
	// let through (the scanner never fetches them): a kustomization that
	// lists one still reads its local files, which count.
	sc := newScanner(rfs, true)
	out := make([]Build, 0, len(dirs))
	for _, dir := range slices.Sorted(maps.Keys(dirs)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b := dirs[dir]
		s, file := sc, ""
		if file, err = sc.findKustomization(dir); err == nil && file == "" {
			// A plain directory a Flux Kustomization applies: Flux
			// generates its kustomization. Its own file system keeps the
			// generated file from the other directories' scans.
			own := newRepoFS(fsys, r.opts.Limits)
			own.ctx = ctx
			s = newScanner(own, true)
			file, err = generateKustomization(own, dir, hiddenFile)
		}
		var k *kustomization
		if err == nil {
			k, err = s.scan(dir, file, 0)
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			b.Err = err
			out = append(out, *b)
			continue
		}
		b.Component = k.component
		b.Files = slices.Sorted(maps.Keys(k.inputs))
		out = append(out, *b)
	}
	return out, nil
}

// fluxPaths returns the directories the Flux Kustomizations in file apply,
// relative to the repository root: those whose source is this repository
// (Options.Flux.Sources, or the bootstrap GitRepository) or any other
// source, whose path exists here — for telling which files are shared, a
// directory counted once too often is safe, one missed is not.
func (r *Renderer) fluxPaths(rfs *repoFS, file string) []string {
	data, err := rfs.readChecked(file)
	if err != nil || !bytes.Contains(data, []byte(fluxGroup+"/")) {
		return nil
	}
	var out []string
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for range rfs.limits.MaxDocuments {
		var doc struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Metadata   struct {
				Namespace string `yaml:"namespace"`
			} `yaml:"metadata"`
			Spec struct {
				Path      string `yaml:"path"`
				SourceRef struct {
					Kind      string `yaml:"kind"`
					Name      string `yaml:"name"`
					Namespace string `yaml:"namespace"`
				} `yaml:"sourceRef"`
			} `yaml:"spec"`
		}
		if err := dec.Decode(&doc); err != nil {
			if _, ok := errors.AsType[*yaml.TypeError](err); ok {
				continue // a document of another shape; the next may be one
			}
			// The end, or a syntax error, which its render reports.
			break
		}
		if doc.Kind != "Kustomization" || !strings.HasPrefix(doc.APIVersion, fluxGroup+"/") {
			continue
		}
		ns := cmp.Or(doc.Spec.SourceRef.Namespace, doc.Metadata.Namespace)
		base := "."
		if mapped, ok := r.opts.Flux.Sources[doc.Spec.SourceRef.Kind+"/"+ns+"/"+doc.Spec.SourceRef.Name]; ok {
			base = mapped
		}
		if remoteReason(doc.Spec.Path) != "" {
			continue
		}
		p := path.Join(base, strings.TrimPrefix(doc.Spec.Path, "/"))
		if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
			continue
		}
		out = append(out, p)
	}
	return out
}
