package manifest

import (
	"strconv"
	"strings"
)

// podSpecPaths are the paths to the pod spec of every kind that runs
// containers (Argo Rollouts included).
var podSpecPaths = map[string][]string{
	"Pod":                   {"spec"},
	"PodTemplate":           {"template", "spec"},
	"Deployment":            {"spec", "template", "spec"},
	"StatefulSet":           {"spec", "template", "spec"},
	"DaemonSet":             {"spec", "template", "spec"},
	"ReplicaSet":            {"spec", "template", "spec"},
	"ReplicationController": {"spec", "template", "spec"},
	"Job":                   {"spec", "template", "spec"},
	"Rollout":               {"spec", "template", "spec"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template", "spec"},
}

// containerFields are the container lists of a pod spec, in the order the
// kubelet starts them.
var containerFields = []string{"initContainers", "containers", "ephemeralContainers"}

// Container is a container of a workload object.
type Container struct {
	// Name is the container's name.
	Name string
	// Image is the image reference as written.
	Image string
	// Field is the JSON pointer of the image field in the object.
	Field string
}

// Containers returns the containers (init, regular and ephemeral) of an
// object of a pod-template kind — Pod, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, Argo
// Rollout — and nil for other kinds.
func (o *Object) Containers() []Container {
	path, ok := podSpecPaths[o.Kind()]
	if !ok {
		return nil
	}
	spec, ok := o.Field(path...)
	if !ok {
		return nil
	}
	specMap, _ := spec.(map[string]any)
	var out []Container
	for _, field := range containerFields {
		list, _ := specMap[field].([]any)
		for i, c := range list {
			cm, _ := c.(map[string]any)
			name, _ := cm["name"].(string)
			image, _ := cm["image"].(string)
			segments := append(append([]string{}, path...), field, strconv.Itoa(i), "image")
			out = append(out, Container{Name: name, Image: image, Field: Pointer(segments...)})
		}
	}
	return out
}

// Pointer joins path segments into a JSON pointer (RFC 6901), escaping "~"
// and "/": Pointer("metadata", "annotations", "a/b") is
// "/metadata/annotations/a~1b".
func Pointer(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(s))
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// SplitPointer returns the segments of a JSON pointer, unescaped. Segments
// are strings: whether one is a list index depends on the document.
func SplitPointer(pointer string) []string {
	if pointer == "" || pointer == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, p := range parts {
		parts[i] = pointerUnescaper.Replace(p)
	}
	return parts
}

var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// SplitImage splits an image reference into its name (registry and
// repository, as written), tag and digest: "ghcr.io/a/b:1.0@sha256:…" is
// ("ghcr.io/a/b", "1.0", "sha256:…"). A port in the registry is not a tag.
func SplitImage(ref string) (name, tag, digest string) {
	name = ref
	if i := strings.Index(name, "@"); i >= 0 {
		name, digest = name[:i], name[i+1:]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}
