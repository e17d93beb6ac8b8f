package promote

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/distribution/reference"

	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/render"
)

// ImageName returns the normalized name of an image repository, as the
// container runtime resolves it: busybox, library/busybox and
// docker.io/library/busybox are all docker.io/library/busybox. A name that
// is not a valid reference (one with an unsubstituted ${VAR}, say) is
// returned as written.
func ImageName(name string) string {
	n, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return n.Name()
}

// familiarImageName is the short form of a normalized image name:
// busybox for docker.io/library/busybox, acme/app for docker.io/acme/app.
func familiarImageName(name string) string {
	n, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return reference.FamiliarName(n)
}

// sameImage reports whether two spellings name the same image repository.
func sameImage(a, b string) bool {
	return a == b || (a != "" && b != "" && ImageName(a) == ImageName(b))
}

// containerSlot names a container of a pod template by its list and name
// ("containers/app", "initContainers/migrate"), from the field of its image
// (/spec/template/spec/containers/0/image): containers are matched by name
// across environments, not by position.
func containerSlot(field, name string) string {
	segments := strings.Split(field, "/")
	if len(segments) < 3 {
		return name
	}
	return segments[len(segments)-3] + "/" + name
}

// affixes reads the name prefixes and suffixes an environment adds to its
// objects: the namePrefix and nameSuffix of its own kustomization, of those
// of the directories its Flux Kustomizations apply, and of every
// kustomization its build reads (an app's overlay that an aggregate
// environment lists may add its own, production-).
func affixes(fsys fs.FS, e Environment, res *render.Result) Affixes {
	dirs := []string{e.Path}
	for _, k := range res.Kustomizations {
		if k.Path != "" {
			dirs = append(dirs, k.Path)
		}
	}
	listed := map[string]bool{}
	for _, d := range dirs {
		listed[d] = true
	}
	for _, f := range res.Files {
		if d := path.Dir(f.Path); isKustomization(f.Path) && !listed[d] {
			listed[d] = true
			dirs = append(dirs, d)
		}
	}
	var a Affixes
	// Those a Flux Kustomization of a cluster adds to what it applies.
	for _, o := range res.Objects {
		if o.Kind() != "Kustomization" || o.ID().Group != "kustomize.toolkit.fluxcd.io" {
			continue
		}
		if p, _ := o.Field("spec", "namePrefix"); p != nil {
			if p, ok := p.(string); ok && p != "" && !slices.Contains(a.Prefixes, p) {
				a.Prefixes = append(a.Prefixes, p)
			}
		}
		if sfx, _ := o.Field("spec", "nameSuffix"); sfx != nil {
			if sfx, ok := sfx.(string); ok && sfx != "" && !slices.Contains(a.Suffixes, sfx) {
				a.Suffixes = append(a.Suffixes, sfx)
			}
		}
	}
	for _, dir := range dirs {
		for _, n := range kustomizationNames {
			data, err := fs.ReadFile(fsys, path.Join(dir, n))
			if err != nil {
				continue
			}
			if doc, err := firstDocument(data); err == nil {
				if p := yamlnode.String(doc, "namePrefix"); p != "" && !slices.Contains(a.Prefixes, p) {
					a.Prefixes = append(a.Prefixes, p)
				}
				if s := yamlnode.String(doc, "nameSuffix"); s != "" && !slices.Contains(a.Suffixes, s) {
					a.Suffixes = append(a.Suffixes, s)
				}
			}
			break
		}
	}
	return a
}
