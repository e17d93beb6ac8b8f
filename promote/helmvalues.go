package promote

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/manifest"
)

// helmGroup is the API group of Flux HelmReleases.
const helmGroup = "helm.toolkit.fluxcd.io"

// valuesImage is an image a HelmRelease sets in spec.values.
type valuesImage struct {
	name    string // registry/repository, as written
	field   string // JSON pointer of the tag (map form) or image string
	version Version
}

// valuesImages finds the images of a Flux HelmRelease's spec.values, at any
// depth: maps with string repository and tag keys (optional registry and
// digest), and image: strings with a tag or digest. An empty tag without a
// digest leaves the tag to the chart's appVersion: no image. The built-in
// policy library (policy/rules/lib/images.rego, values_images) finds the
// same ones.
func valuesImages(o *manifest.Object) []valuesImage {
	if o.Kind() != "HelmRelease" || o.ID().Group != helmGroup {
		return nil
	}
	values, ok := o.Field("spec", "values")
	if !ok {
		return nil
	}
	var out []valuesImage
	walkValues(values, []string{"spec", "values"}, &out)
	return out
}

func walkValues(v any, at []string, out *[]valuesImage) {
	switch v := v.(type) {
	case map[string]any:
		if img, ok := imageMap(v, at); ok {
			*out = append(*out, img)
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			child := append(slices.Clip(at), k)
			if s, ok := v[k].(string); ok && k == "image" {
				if name, tag, digest := manifest.SplitImage(s); name != "" && (tag != "" || digest != "") {
					*out = append(*out, valuesImage{name: name, field: manifest.Pointer(child...), version: Version{Tag: tag, Digest: digest}})
				}
				continue
			}
			walkValues(v[k], child, out)
		}
	case []any:
		for i, e := range v {
			walkValues(e, append(slices.Clip(at), strconv.Itoa(i)), out)
		}
	}
}

// imageMap reads an image map: {registry, repository, tag, digest}. A tag
// written 1.2.3@sha256:… carries the digest.
func imageMap(m map[string]any, at []string) (valuesImage, bool) {
	repo, _ := m["repository"].(string)
	tag, isString := m["tag"].(string)
	if repo == "" || !isString {
		return valuesImage{}, false
	}
	v := Version{Tag: tag}
	if i := strings.Index(tag, "@"); i >= 0 {
		v = Version{Tag: tag[:i], Digest: tag[i+1:]}
	} else if d, ok := m["digest"].(string); ok {
		v.Digest = d
	}
	if v == (Version{}) {
		return valuesImage{}, false
	}
	name := repo
	if reg, _ := m["registry"].(string); reg != "" {
		name = strings.TrimSuffix(reg, "/") + "/" + repo
	}
	return valuesImage{name: name, field: manifest.Pointer(append(slices.Clip(at), "tag")...), version: v}, true
}

// isValuesImage reports whether a use is an image in a HelmRelease's
// spec.values.
func isValuesImage(u Use) bool {
	return u.Object.Kind == "HelmRelease" && u.Object.Group == helmGroup && strings.HasPrefix(u.Field, "/spec/values/")
}

// valuesFromImage is an image a HelmRelease takes from a ConfigMap of its
// environment (spec.valuesFrom), as a use by the HelmRelease.
type valuesFromImage struct {
	use Use
}

// valuesFromImages finds the images in the values a Flux HelmRelease takes
// from ConfigMaps the environment renders (spec.valuesFrom, kind
// ConfigMap, the valuesKey or values.yaml, without a targetPath), as the
// values images of spec.values are found. Each is a use by the HelmRelease,
// its field /spec/valuesFrom/<i>/<path in the values>, its source the
// ConfigMap: a promotion compares them, and one that changes is edited
// where ferry can (else the plan is blocked, naming the ConfigMap) — never
// a noop while they differ. Secrets are left out: their values are not
// versions to promote.
func valuesFromImages(o *manifest.Object, configMaps map[string]*manifest.Object) []valuesFromImage {
	var out []valuesFromImage
	for _, ref := range valuesFromRefs(o) {
		cm := configMaps[o.Namespace()+"/"+ref.name]
		if cm == nil {
			continue
		}
		text, _ := cm.Field("data", ref.key)
		data, _ := text.(string)
		var values map[string]any
		if data == "" || yaml.Unmarshal([]byte(data), &values) != nil {
			continue
		}
		var imgs []valuesImage
		walkValues(values, []string{"spec", "valuesFrom", strconv.Itoa(ref.index)}, &imgs)
		for _, img := range imgs {
			source, ok := cm.FieldOrigin(manifest.Pointer("data", ref.key))
			if !ok {
				source = cm.Origin()
			}
			source.Kustomization = o.Origin().Kustomization
			out = append(out, valuesFromImage{Use{Object: o.ID(), Field: img.field, Version: img.version, Source: source, Ref: img.name, ValuesKey: ref.key}})
		}
	}
	return out
}

// valuesFromRef is an entry of a HelmRelease's spec.valuesFrom that takes
// the values of a ConfigMap's key as a whole.
type valuesFromRef struct {
	index     int    // in spec.valuesFrom
	name, key string // the ConfigMap's, and its key (values.yaml unless valuesKey says)
}

// valuesFromRefs lists the entries of o's spec.valuesFrom of kind
// ConfigMap without a targetPath.
func valuesFromRefs(o *manifest.Object) []valuesFromRef {
	refs, _ := o.Field("spec", "valuesFrom")
	list, _ := refs.([]any)
	var out []valuesFromRef
	for i, r := range list {
		ref, _ := r.(map[string]any)
		kind, _ := ref["kind"].(string)
		name, _ := ref["name"].(string)
		if kind != "ConfigMap" || name == "" || ref["targetPath"] != nil {
			continue
		}
		key, _ := ref["valuesKey"].(string)
		if key == "" {
			key = "values.yaml"
		}
		out = append(out, valuesFromRef{index: i, name: name, key: key})
	}
	return out
}

// isImageMap reports whether a values image is the tag of an image map
// (otherwise it is an image: string).
func isImageMap(u Use) bool {
	return strings.HasSuffix(u.Field, "/tag")
}

// useFields are the fields a promotion may change for a use: its own, and
// for an image map, the digest beside the tag.
func useFields(u Use) []string {
	if isValuesImage(u) && isImageMap(u) {
		return []string{u.Field, strings.TrimSuffix(u.Field, "tag") + "digest"}
	}
	return []string{u.Field}
}

// valueSet is one scalar of a values image to set: where it is in the file
// and in the object, and its new value.
type valueSet struct {
	field string // JSON pointer in the object
	doc   int
	keys  []string
	node  *yaml.Node
	value string
}

// valuesImageSets finds, in a file's bytes, the scalars that pin a values
// image for use u, and what to set them to for version to: the image string,
// or an image map's tag — with its digest key when the map has one, or as
// tag@digest in the tag when the source pins a digest and the map has no
// digest key (any chart that writes repository:tag then pulls by digest).
//
// When exact, the file is the one edited and must hold the target's version
// at the field. Otherwise it is a shared file that a patch overrides: it
// only tells the map's layout, and may hold another version there, or none
// (when a patch of the target sets the field).
func valuesImageSets(data []byte, c Change, u Use, to Version, exact bool) ([]valueSet, error) {
	doc, keys, node, err := locateValuesImage(data, c, u)
	if err != nil && exact {
		return nil, err
	}
	set := valueSet{field: u.Field, doc: doc, keys: keys, node: node, value: imageRef(spelling(c, u), to)}
	if !isImageMap(u) {
		return []valueSet{set}, nil
	}
	if to.Tag == "" {
		return nil, fmt.Errorf("%s sets the tag of %s, but %s pins it by digest only, which a tag cannot hold; set the tag (and digest) by hand", u.Field, c.Artifact, to)
	}
	set.value = to.String()
	if node == nil || strings.Contains(node.Value, "@") {
		return []valueSet{set}, nil
	}
	digestKeys := append(slices.Clone(keys[:len(keys)-1]), "digest")
	digest, _ := nodeAt(data, doc, digestKeys)
	if digest == nil || digest.Kind != yaml.ScalarNode || digest.ShortTag() != "!!str" {
		return []valueSet{set}, nil
	}
	set.value = to.Tag
	sets := []valueSet{set}
	if digest.Value != to.Digest || !exact {
		// An empty digest is how charts say "none".
		sets = append(sets, valueSet{field: strings.TrimSuffix(u.Field, "tag") + "digest", doc: doc, keys: digestKeys, node: digest, value: to.Digest})
	}
	return sets, nil
}

// locateValuesImage finds the scalar of a values image in a file: on the
// use's line when that is the field's, else at its pointer inside the
// object that starts there. A scalar that holds another version than the
// use's is returned with an error.
func locateValuesImage(data []byte, c Change, u Use) (int, []string, *yaml.Node, error) {
	from := u.Version
	want := []string{imageRef(spelling(c, u), from)}
	if isImageMap(u) {
		want = slices.Compact([]string{from.Tag, from.String()})
	}
	doc, keys, node, err := scalarAtLine(data, u.Source.Line, want)
	if err != nil {
		if doc, keys, node, err = scalarAtPointer(data, u.Source.Line, u.Field); err != nil {
			return 0, nil, nil, err
		}
	}
	if !slices.Contains(want, node.Value) {
		return doc, keys, node, fmt.Errorf("line %d holds %q, but the target renders %s: something else sets it (a patch?), which ferry does not trace in HelmRelease values; edit it by hand", node.Line, node.Value, strings.Join(want, " or "))
	}
	return doc, keys, node, nil
}

// valuesImageEdits sets the scalars that pin a values image in a file only
// the target renders.
func valuesImageEdits(data []byte, c Change, u Use, to Version) ([]Edit, error) {
	sets, err := valuesImageSets(data, c, u, to, true)
	if err != nil {
		// A line of a patch written as a block scalar: the tag, or the
		// image: string.
		want := []string{imageRef(spelling(c, u), u.Version), u.Version.Tag}
		repl := []string{imageRef(spelling(c, u), to), to.Tag}
		if e, ok := blockLineEdit(data, u.Source.Line, want, repl); ok {
			e.Reason = fmt.Sprintf("%s is pinned here, in a patch of the HelmRelease's values (%s → %s)", c.Artifact, u.Version, to)
			return []Edit{e}, nil
		}
		return nil, err
	}
	edits := make([]Edit, 0, len(sets))
	for _, s := range sets {
		edits = append(edits, Edit{
			Op: OpSet, Doc: s.doc, Keys: s.keys, Line: s.node.Line, Old: s.node.Value, New: s.value,
			Reason: fmt.Sprintf("%s is pinned here, in the HelmRelease's values (%s → %s)", c.Artifact, u.Version, to),
		})
	}
	return edits, nil
}

// valuesImagePatch is a one-line strategic-merge patch that sets a values
// image, pinned in the shared file data, on the HelmRelease that uses it.
// A kustomize images: entry does not reach HelmRelease values, hence the
// patch.
func valuesImagePatch(data []byte, c Change, u Use, to Version) (string, error) {
	sets, err := valuesImageSets(data, c, u, to, false)
	if err != nil {
		return "", err
	}
	fields := make(map[string]string, len(sets))
	for _, s := range sets {
		fields[s.field] = s.value
	}
	return fieldPatch(data, u, fields)
}
