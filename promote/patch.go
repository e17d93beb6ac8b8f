package promote

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/yamlnode"
)

// fieldPatch is a one-line strategic-merge patch that sets string fields
// (JSON pointers through maps only) of the object u uses, for the target's
// kustomization. It names the object as data, the shared file that defines
// it on u.Source.Line, writes it — apiVersion, name and namespace before the
// target's own transformers (namespace:, namePrefix:) change them — which is
// how kustomize matches a patch to a resource.
func fieldPatch(data []byte, u Use, fields map[string]string) (string, error) {
	body := map[string]any{}
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		keys := finding.SplitPointer(field)
		if len(keys) == 0 {
			return "", fmt.Errorf("no field to patch on %s", u.Object)
		}
		for _, k := range keys {
			if _, err := strconv.Atoi(k); err == nil {
				return "", fmt.Errorf("%s %s goes through a list, which a strategic-merge patch cannot address without replacing the whole list; pin the version in a file only the target renders (a patch of its own that sets the list, or its own copy of the object)", u.Object, field)
			}
		}
		m := body
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = fields[field]
	}
	_, _, obj, err := objectAtLine(data, u.Source.Line)
	if err != nil {
		return "", fmt.Errorf("find %s to patch it: %w", u.Object, err)
	}
	apiVersion, name := yamlnode.String(obj, "apiVersion"), yamlnode.String(yamlnode.Value(obj, "metadata"), "name")
	if apiVersion == "" || name == "" {
		return "", fmt.Errorf("the object on line %d has no apiVersion or metadata.name to patch it by", u.Source.Line)
	}
	meta := map[string]any{"name": name}
	if ns := yamlnode.String(yamlnode.Value(obj, "metadata"), "namespace"); ns != "" {
		meta["namespace"] = ns
	}
	body["apiVersion"] = apiVersion
	body["kind"] = u.Object.Kind
	body["metadata"] = meta
	raw, err := json.Marshal(body)
	return string(raw), err
}
