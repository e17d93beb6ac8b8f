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

// inlinePatchEdits edits a patch written inline, on one line, in a
// kustomization (the override a plan adds for a version pinned in a shared
// base): when the use's version is set by the patches: entry whose patch:
// is on the use's line, the patch is rewritten with the new version in
// place, so that the next promotion edits the override instead of adding
// another. ok is false when the line holds no such patch.
func inlinePatchEdits(data []byte, c Change, u Use, to Version) (edits []Edit, ok bool, err error) {
	root, err := firstDocument(data)
	if err != nil {
		return nil, false, nil
	}
	for i, item := range yamlnode.Items(yamlnode.Value(root, "patches")) {
		p := yamlnode.Scalar(item, "patch")
		if p == nil || p.Line != u.Source.Line {
			continue
		}
		var body any
		if err := json.Unmarshal([]byte(p.Value), &body); err != nil {
			return nil, true, fmt.Errorf("line %d: the inline patch that sets %s is not JSON on one line, which ferry does not edit; edit it by hand", p.Line, c.Artifact)
		}
		if err := setPatchedVersion(body, c, u, to); err != nil {
			return nil, true, fmt.Errorf("line %d: %w", p.Line, err)
		}
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, true, err
		}
		return []Edit{{
			Op: OpSet, Keys: []string{"patches", strconv.Itoa(i), "patch"}, Line: p.Line, Old: p.Value, New: string(raw),
			Reason: fmt.Sprintf("%s is pinned here, by the target's own patch (%s → %s)", c.Artifact, u.Version, to),
		}}, true, nil
	}
	return nil, false, nil
}

// setPatchedVersion sets the use's field, in a strategic-merge patch (an
// object) or a JSON patch (a list of operations), to the version to: the
// tag (and a digest beside it, in a values image map), or an image
// reference.
func setPatchedVersion(body any, c Change, u Use, to Version) error {
	keys := finding.SplitPointer(u.Field)
	if len(keys) == 0 {
		return fmt.Errorf("no field to set on %s", u.Object)
	}
	value := to.Tag
	if c.Kind == KindImage && !(isValuesImage(u) && isImageMap(u)) {
		value = imageRef(spelling(c, u), to)
	}
	if value == "" {
		return fmt.Errorf("%s pins %s by digest only, which a tag cannot hold; edit the patch by hand", c.Artifact, to)
	}
	var parent map[string]any
	switch b := body.(type) {
	case map[string]any:
		m := b
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				return fmt.Errorf("the patch does not set %s", u.Field)
			}
			m = next
		}
		parent = m
	case []any:
		for _, op := range b {
			o, ok := op.(map[string]any)
			if ok && o["path"] == u.Field && (o["op"] == "replace" || o["op"] == "add") {
				if _, isString := o["value"].(string); isString {
					o["value"] = value
					return nil
				}
			}
		}
		return fmt.Errorf("the patch does not set %s", u.Field)
	default:
		return fmt.Errorf("the patch is neither an object nor a list of operations")
	}
	last := keys[len(keys)-1]
	if _, isString := parent[last].(string); !isString {
		return fmt.Errorf("the patch does not set %s", u.Field)
	}
	parent[last] = value
	if c.Kind == KindImage && isValuesImage(u) && isImageMap(u) {
		if _, has := parent["digest"]; has || to.Digest != "" {
			parent["digest"] = to.Digest
		}
	}
	return nil
}
