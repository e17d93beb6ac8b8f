package promote

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/manifest"
)

// ArtifactKind is the kind of a versioned thing an environment pins.
type ArtifactKind string

// Artifact kinds.
const (
	// KindImage is a container image: name is the repository, version its
	// tag and digest.
	KindImage ArtifactKind = "image"
	// KindChart is a Helm chart of a Flux HelmRelease: name is
	// <source kind>/<source name>/<chart>, without the namespaces
	// environments often set apart; version spec.chart.spec.version.
	KindChart ArtifactKind = "chart"
	// KindSource is a Flux OCIRepository or GitRepository: name is its URL,
	// version its ref (tag, semver range or commit).
	KindSource ArtifactKind = "source"
)

// Version is what an environment pins an artifact to.
type Version struct {
	// Tag is the image tag, chart version or source ref ("1.8.0", "v2.1.0",
	// ">=1.0.0 <2.0.0" for a semver range, a commit SHA).
	Tag string `json:"tag,omitempty"`
	// Digest is the image digest ("sha256:…"), when pinned.
	Digest string `json:"digest,omitempty"`
}

// String formats the version as tag@digest, tag, or @digest.
func (v Version) String() string {
	switch {
	case v.Digest == "":
		return v.Tag
	case v.Tag == "":
		return "@" + v.Digest
	}
	return v.Tag + "@" + v.Digest
}

// Use is one place a rendered environment uses an artifact.
type Use struct {
	// Object is the object that uses it.
	Object manifest.ID `json:"object"`
	// Field is the JSON pointer of the field that pins it.
	Field string `json:"field"`
	// Version is the version pinned there.
	Version Version `json:"version"`
	// Source is where the repository sets that field.
	Source manifest.Origin `json:"source"`
	// Ref is, for an image, its name as the object spells it
	// ("busybox" for the artifact docker.io/library/busybox): edits keep
	// that spelling.
	Ref string `json:"ref,omitempty"`
	// Container is, for the image of a container, its list and name
	// ("containers/app"): uses are matched across environments by
	// workload and container.
	Container string `json:"container,omitempty"`
	// ValuesKey is, for an image in values a HelmRelease takes from a
	// ConfigMap (spec.valuesFrom), the ConfigMap's key that holds them.
	ValuesKey string `json:"valuesKey,omitempty"`
}

// Artifact is a versioned thing pinned by an environment, with every place
// that uses it.
type Artifact struct {
	Kind ArtifactKind `json:"kind"`
	Name string       `json:"name"`
	Uses []Use        `json:"uses"`
}

// Versions returns the distinct versions the uses pin, sorted.
func (a Artifact) Versions() []Version {
	var vs []Version
	for _, u := range a.Uses {
		if !slices.Contains(vs, u.Version) {
			vs = append(vs, u.Version)
		}
	}
	slices.SortFunc(vs, func(x, y Version) int { return strings.Compare(x.String(), y.String()) })
	return vs
}

// Artifacts finds the artifacts the objects pin: the images of every
// pod-template kind (init and ephemeral containers included), the images
// Flux HelmReleases set in spec.values, their chart versions, and the refs
// of Flux OCIRepositories and GitRepositories. They are sorted by kind and
// name, their uses by object and field.
//
// An image in HelmRelease values is a map with string repository and tag
// keys, at any depth (the bjw-s app-template's
// controllers.<c>.containers.<n>.image), named registry/repository when it
// has a registry key, with a digest key or a tag written 1.2.3@sha256:…;
// or an image: string with a tag or digest (image: ghcr.io/acme/app:1.2.3).
// Its use's field is the tag's, or the string's. It is a [KindImage]
// artifact like a container's, so a promotion compares an image wherever
// either environment sets it.
//
// Images are named by their normalized name (see [ImageName]): busybox and
// docker.io/library/busybox are one artifact, each use keeping its
// spelling in Use.Ref.
func Artifacts(objs []*manifest.Object) []Artifact {
	// The ConfigMaps, for the values HelmReleases take from them.
	configMaps := map[string]*manifest.Object{}
	for _, o := range objs {
		if o.Kind() == "ConfigMap" && o.ID().Group == "" {
			configMaps[o.Namespace()+"/"+o.Name()] = o
		}
	}
	byKey := map[string]*Artifact{}
	add := func(kind ArtifactKind, name string, u Use) {
		key := string(kind) + " " + name
		a, ok := byKey[key]
		if !ok {
			a = &Artifact{Kind: kind, Name: name}
			byKey[key] = a
		}
		a.Uses = append(a.Uses, u)
	}
	for _, o := range objs {
		for _, c := range o.Containers() {
			name, v := ParseImage(c.Image)
			u := use(o, c.Field, v)
			u.Ref, u.Container = name, containerSlot(c.Field, c.Name)
			add(KindImage, ImageName(name), u)
		}
		group := o.ID().Group
		switch {
		case o.Kind() == "HelmRelease" && group == helmGroup:
			chart, _ := o.Field("spec", "chart", "spec", "chart")
			version, _ := o.Field("spec", "chart", "spec", "version")
			if c, ok := chart.(string); ok && c != "" {
				v, _ := version.(string)
				add(KindChart, chartName(o, c), use(o, "/spec/chart/spec/version", Version{Tag: v}))
			}
			for _, img := range valuesImages(o) {
				u := use(o, img.field, img.version)
				u.Ref = img.name
				add(KindImage, ImageName(img.name), u)
			}
			for _, img := range valuesFromImages(o, configMaps) {
				u := img.use
				add(KindImage, ImageName(u.Ref), u)
			}
		case (o.Kind() == "OCIRepository" || o.Kind() == "GitRepository") && group == "source.toolkit.fluxcd.io":
			url, _ := o.Field("spec", "url")
			u, ok := url.(string)
			if !ok || u == "" {
				continue
			}
			for _, key := range []string{"tag", "semver", "commit", "name"} {
				if ref, ok := o.Field("spec", "ref", key); ok {
					if s, ok := ref.(string); ok && s != "" {
						add(KindSource, u, use(o, "/spec/ref/"+key, Version{Tag: s}))
						break
					}
				}
			}
		}
	}
	out := make([]Artifact, 0, len(byKey))
	for _, a := range byKey {
		slices.SortFunc(a.Uses, func(x, y Use) int {
			return cmp.Or(x.Object.Compare(y.Object), strings.Compare(x.Field, y.Field))
		})
		out = append(out, *a)
	}
	slices.SortFunc(out, func(x, y Artifact) int {
		return cmp.Or(strings.Compare(string(x.Kind), string(y.Kind)), strings.Compare(x.Name, y.Name))
	})
	return out
}

func use(o *manifest.Object, field string, v Version) Use {
	source, ok := o.FieldOrigin(field)
	if !ok {
		source = o.Origin()
	}
	// The Flux Kustomization that applies the object, wherever the field
	// is set.
	source.Kustomization = o.Origin().Kustomization
	return Use{Object: o.ID(), Field: field, Version: v, Source: source}
}

// chartName names a HelmRelease's chart by its source's kind and name and
// the chart: not by the source's namespace, which environments often set
// apart, nor by its URL, which an environment that does not render the
// source cannot know — either would make one chart two artifacts, each
// only in one environment, never promoted.
func chartName(o *manifest.Object, chart string) string {
	kind, _ := o.Field("spec", "chart", "spec", "sourceRef", "kind")
	name, _ := o.Field("spec", "chart", "spec", "sourceRef", "name")
	return fmt.Sprintf("%v/%v/%s", kind, name, strings.TrimPrefix(chart, "./"))
}

// ParseImage splits an image reference into its name (registry and
// repository, as written) and its tag and digest.
func ParseImage(ref string) (name string, v Version) {
	name, v.Tag, v.Digest = manifest.SplitImage(ref)
	return name, v
}
