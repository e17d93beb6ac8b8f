package manifest

import (
	"cmp"
	"strings"
)

// ID identifies an object within a rendered environment: its API group, kind,
// namespace and name. The API version is deliberately not part of it, so the
// same object served under two versions has one ID.
type ID struct {
	Group     string `json:"group,omitempty"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String formats the ID as group/Kind/namespace/name, leaving out the group of
// core objects and the namespace of cluster-scoped ones: apps/Deployment/prod/api,
// Service/prod/api, rbac.authorization.k8s.io/ClusterRole/view.
func (id ID) String() string {
	parts := make([]string, 0, 4)
	if id.Group != "" {
		parts = append(parts, id.Group)
	}
	parts = append(parts, id.Kind)
	if id.Namespace != "" {
		parts = append(parts, id.Namespace)
	}
	parts = append(parts, id.Name)
	return strings.Join(parts, "/")
}

// Compare orders IDs by group, kind, namespace and name. It returns a negative
// number when id sorts before other, zero when they are equal and a positive
// number otherwise.
func (id ID) Compare(other ID) int {
	return cmp.Or(
		cmp.Compare(id.Group, other.Group),
		cmp.Compare(id.Kind, other.Kind),
		cmp.Compare(id.Namespace, other.Namespace),
		cmp.Compare(id.Name, other.Name),
	)
}

// GroupFromAPIVersion returns the API group of an apiVersion such as
// "apps/v1" ("apps") or "v1" ("").
func GroupFromAPIVersion(apiVersion string) string {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return ""
	}
	return group
}
