package render

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// generateKustomization makes dir, which has no kustomization of its own,
// render the way Flux renders such a directory: a kustomization listing every
// .yaml and .yml file below it, and every subdirectory that holds a
// kustomization in place of its files. Files and directories for which skip
// is true are left out. The kustomization exists only in memory; its path is
// returned.
func generateKustomization(fsys *repoFS, dir string, skip func(p string, isDir bool) bool) (string, error) {
	var resources []string
	err := fs.WalkDir(fsys.fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return mapFSError(p, err)
		}
		if p == dir {
			return nil
		}
		if skip(p, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel := "./" + strings.TrimPrefix(p, dir+"/")
		if dir == "." {
			rel = "./" + p
		}
		if d.IsDir() {
			for _, name := range kustomizationFileNames {
				if info, err := fsys.stat(path.Join(p, name)); err == nil && !info.IsDir() {
					resources = append(resources, rel)
					return fs.SkipDir
				}
			}
			return nil
		}
		if ext := path.Ext(p); ext == ".yaml" || ext == ".yml" {
			if d.Type() != 0 {
				info, err := fsys.stat(p)
				if err != nil {
					return err
				}
				if err := checkRegular(p, info); err != nil {
					return err
				}
			}
			resources = append(resources, rel)
		}
		return nil
	})
	if err != nil {
		if e, ok := errors.AsType[*Error](err); ok {
			return "", e
		}
		return "", &Error{File: dir, Err: err}
	}
	k := map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind":       "Kustomization",
	}
	if len(resources) == 0 {
		// As Flux does: a placeholder namespace keeps kustomize from
		// refusing an empty kustomization; there is nothing to apply it to.
		k["namespace"] = "_placeholder"
	} else {
		k["resources"] = resources
	}
	var buf bytes.Buffer
	if err := yaml.NewEncoder(&buf).Encode(k); err != nil {
		return "", &Error{File: dir, Err: err}
	}
	file := path.Join(dir, "kustomization.yaml")
	fsys.overrides[file] = buf.Bytes()
	return file, nil
}

// hiddenFile is the skip rule of directories rendered without following
// Flux: hidden files and directories are left out.
func hiddenFile(p string, _ bool) bool {
	return strings.HasPrefix(path.Base(p), ".")
}
