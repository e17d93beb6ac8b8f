package imagepolicy

import (
	"fmt"
	"strings"

	"github.com/ferrygitops/ferry/manifest"
)

// group is the API group of Flux's image objects.
const group = "image.toolkit.fluxcd.io"

// defaultExclusions is ImageRepository's exclusionList when it is unset:
// cosign signatures are not versions.
var defaultExclusions = []string{`^.*\.sig$`}

// FromObjects returns the policies of the Flux ImagePolicy objects among
// objects, each with the image, the exclusion list and the origin of the
// ImageRepository it refers to, sorted as the objects are. An ImagePolicy
// whose ImageRepository is not among the objects, or whose spec ferry
// cannot read, is an error naming its file and line: a policy left out
// would be a silent "no newer tag".
func FromObjects(objs []*manifest.Object) ([]Policy, error) {
	repos := map[string]*manifest.Object{}
	for _, o := range objs {
		if o.Kind() == "ImageRepository" && isImageAPI(o) {
			repos[o.Namespace()+"/"+o.Name()] = o
		}
	}
	var out []Policy
	for _, o := range objs {
		if o.Kind() != "ImagePolicy" || !isImageAPI(o) {
			continue
		}
		origin := o.Origin()
		p := Policy{Name: o.Namespace() + "/" + o.Name(), File: origin.File, Line: origin.Line}
		if p.Name[0] == '/' {
			p.Name = p.Name[1:]
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%simage policy %s: %s", p.where(), p.Name, fmt.Sprintf(format, args...))
		}
		refName := str(o, "spec", "imageRepositoryRef", "name")
		refNS := str(o, "spec", "imageRepositoryRef", "namespace")
		if refNS == "" {
			refNS = o.Namespace()
		}
		if refName == "" {
			return nil, fail("spec.imageRepositoryRef.name is not set")
		}
		repo, ok := repos[refNS+"/"+refName]
		if !ok {
			return nil, fail("its ImageRepository %s/%s is not in the environment: render the folder that defines it, or give the image in ferry.yaml", refNS, refName)
		}
		if p.Image = str(repo, "spec", "image"); p.Image == "" {
			return nil, fail("ImageRepository %s/%s has no spec.image", refNS, refName)
		}
		p.Exclude = defaultExclusions
		if list, ok := repo.Field("spec", "exclusionList"); ok {
			items, _ := list.([]any)
			p.Exclude = nil
			for _, it := range items {
				s, ok := it.(string)
				if !ok {
					return nil, fail("ImageRepository %s/%s: exclusionList holds %v, not a pattern", refNS, refName, it)
				}
				p.Exclude = append(p.Exclude, s)
			}
		}
		p.SemVer = str(o, "spec", "policy", "semver", "range")
		if _, ok := o.Field("spec", "policy", "alphabetical"); ok {
			p.Alphabetical = Order(strings.ToUpper(orDefault(str(o, "spec", "policy", "alphabetical", "order"), "asc")))
		}
		if _, ok := o.Field("spec", "policy", "numerical"); ok {
			p.Numerical = Order(strings.ToUpper(orDefault(str(o, "spec", "policy", "numerical", "order"), "asc")))
		}
		p.FilterPattern = str(o, "spec", "filterTags", "pattern")
		p.FilterExtract = str(o, "spec", "filterTags", "extract")
		p.DigestReflection = str(o, "spec", "digestReflectionPolicy")
		if err := p.Check(); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func isImageAPI(o *manifest.Object) bool {
	return strings.HasPrefix(o.APIVersion(), group+"/")
}

func str(o *manifest.Object, path ...string) string {
	v, _ := o.Field(path...)
	s, _ := v.(string)
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
