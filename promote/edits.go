package promote

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/yamledit"
	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/manifest"
)

// kustomizationNames are the file names kustomize reads, in its order.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

func isKustomization(file string) bool {
	return slices.Contains(kustomizationNames, path.Base(file))
}

// fileEdits are the edits planned for one file, in order.
type fileEdits struct {
	path  string
	edits []Edit
}

// editPlan collects edits by file, refusing two different values for one
// node.
type editPlan struct {
	files map[string]*fileEdits
	order []string
}

func (p *editPlan) add(file string, e Edit) error {
	fe, ok := p.files[file]
	if !ok {
		fe = &fileEdits{path: file}
		p.files[file] = fe
		p.order = append(p.order, file)
	}
	for _, prev := range fe.edits {
		if prev.Op == e.Op && prev.Doc == e.Doc && slices.Equal(prev.Keys, e.Keys) {
			if prev.Op == OpSetLine && prev.Line != e.Line {
				continue // another line of the same block
			}
			if (prev.Op == OpSet || prev.Op == OpSetLine) && prev.New != e.New {
				return fmt.Errorf("%s: conflicting edits of %s: %q (%s) and %q (%s)", file, strings.Join(e.Keys, "."), prev.New, prev.Reason, e.New, e.Reason)
			}
			if prev.Op == OpAppend && !slices.Equal(prev.Item, e.Item) {
				continue // another item for the same list: append both
			}
			if prev.Op == OpInsert && !slices.Equal(prev.Item, e.Item) {
				return fmt.Errorf("%s: conflicting additions to %s", file, strings.Join(e.Keys, "."))
			}
			return nil // the same edit, reached through another use
		}
	}
	fe.edits = append(fe.edits, e)
	return nil
}

// planEdits plans, for each change that promotes, the smallest edits to
// files the target owns: the images: entry that pins an image, the literal
// that pins it in a target file, or — when it is pinned only in a file that
// other environments also render — a new images: entry (or patch) in the
// target's kustomization. Changes that cannot be carried over become
// blocking findings; an edit of a kustomization of the target that other
// environments also render is made, with a warning naming them.
//
// applied maps the Flux Kustomizations of a target cluster (namespace/name)
// to the directories they apply: a version pinned only in shared files is
// overridden in the kustomization of the directory that applies it.
func planEdits(fsys fs.FS, tgt Environment, changes []Change, shared map[string][]string, applied map[string]string) ([]fileEdits, []finding.Finding, error) {
	plan := &editPlan{files: map[string]*fileEdits{}}
	var findings []finding.Finding
	block := func(c Change, format string, args ...any) {
		f := finding.Finding{Rule: "edit", Severity: finding.SeverityError, Message: fmt.Sprintf(format, args...)}
		if len(c.Target) > 0 {
			f.Object, f.Field, f.Source = c.Target[0].Object, c.Target[0].Field, c.Target[0].Source
		}
		findings = append(findings, f)
	}
	// The target's own kustomizations — its directory's, and those of the
	// directories its Flux Kustomizations apply — are edited in place even
	// when another environment builds on them; the plan says so.
	own := map[string]bool{}
	for _, dir := range append(slices.Collect(maps.Values(applied)), tgt.Path) {
		for _, n := range kustomizationNames {
			own[path.Join(dir, n)] = true
		}
	}
	for _, c := range changes {
		if !c.Promotes() {
			continue
		}
		to := *c.To
		for _, u := range c.Target {
			file := u.Source.File
			if u.Source.Repo != "" {
				block(c, "%s is pinned in a remote base (%s); ferry edits only files of the repository", c.Artifact, u.Source)
				continue
			}
			if strings.HasPrefix(u.Field, "/spec/valuesFrom/") {
				vfile, edits, err := valuesFromEdits(fsys, c, u, to)
				if err == nil {
					if others, ok := shared[vfile]; ok {
						err = fmt.Errorf("%s is set in %s, the values %s takes from a ConfigMap, which %s also render: give %s a values file of its own", c.Artifact, vfile, u.Object, namesOf(others), tgt.Name)
					}
				}
				if err != nil {
					block(c, "%v", err)
					continue
				}
				for _, e := range edits {
					if err := plan.add(vfile, e); err != nil {
						return nil, nil, err
					}
				}
				continue
			}
			if others, ok := shared[file]; ok && !own[file] {
				edits, kfile, err := overrideEdits(fsys, tgt, c, u, others, shared, applied)
				if err != nil {
					block(c, "%v", err)
					continue
				}
				for _, e := range edits {
					if err := plan.add(kfile, e); err != nil {
						return nil, nil, err
					}
				}
				continue
			}
			data, err := fs.ReadFile(fsys, file)
			if err != nil {
				return nil, nil, fmt.Errorf("read %s: %w", file, err)
			}
			if isKustomization(file) {
				edits, ok, err := inlinePatchEdits(data, c, u, to)
				if err != nil {
					block(c, "%s: %v", file, err)
					continue
				}
				if ok {
					for _, e := range edits {
						if err := plan.add(file, e); err != nil {
							return nil, nil, err
						}
					}
					continue
				}
			}
			var edits []Edit
			switch at, flux := fluxImagesAt(data, u.Source.Line); {
			case blockScalarLine(data, u.Source.Line):
				// A line of a patch written as a literal block.
				edits, err = literalEdits(data, c, u, to)
			case c.Kind == KindImage && isKustomization(file):
				edits, err = imageEntryEdits(data, kustomizationImages, c, to, fmt.Sprintf("%s's images: entry pins %s", tgt.Name, c.Artifact))
			case c.Kind == KindImage && flux:
				edits, err = imageEntryEdits(data, at, c, to, fmt.Sprintf("the spec.images entry of %s's Flux Kustomization pins %s", tgt.Name, c.Artifact))
			default:
				edits, err = literalEdits(data, c, u, to)
			}
			if err != nil {
				block(c, "%s: %v", file, err)
				continue
			}
			for _, e := range edits {
				if err := plan.add(file, e); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	out := make([]fileEdits, 0, len(plan.order))
	for _, f := range plan.order {
		if others, ok := shared[f]; ok {
			findings = append(findings, finding.Finding{
				Rule: "shared-edit", Severity: finding.SeverityWarning, Source: manifest.Origin{File: f},
				Message: fmt.Sprintf("%s is %s's own kustomization, but %s also render it: the edits promote them too", f, tgt.Name, namesOf(others)),
			})
		}
		fe := *plan.files[f]
		slices.SortStableFunc(fe.edits, func(a, b Edit) int { return a.Line - b.Line })
		out = append(out, fe)
	}
	slices.SortFunc(out, func(a, b fileEdits) int { return strings.Compare(a.path, b.path) })
	return out, findings, nil
}

// imageList is where a file lists kustomize image entries: the images: of
// a kustomization, or the spec.images of a Flux Kustomization in a document.
type imageList struct {
	doc  int
	keys []string
}

var kustomizationImages = imageList{keys: []string{"images"}}

// fluxImagesAt finds the Flux Kustomization of a file whose spec.images
// holds the given line.
func fluxImagesAt(data []byte, line int) (imageList, bool) {
	docs, err := documents(data)
	if err != nil {
		return imageList{}, false
	}
	for d, root := range docs {
		if !strings.HasPrefix(yamlnode.String(root, "apiVersion"), "kustomize.toolkit.fluxcd.io/") || yamlnode.String(root, "kind") != "Kustomization" {
			continue
		}
		for _, entry := range yamlnode.Items(yamlnode.Path(root, "spec", "images")) {
			for _, n := range entry.Content {
				if n.Line == line {
					return imageList{doc: d, keys: []string{"spec", "images"}}, true
				}
			}
		}
	}
	return imageList{}, false
}

// imageEntryEdits sets an image entry (see imageList) to the source's tag
// and digest: newTag is set, digest set, added or removed, newName kept.
func imageEntryEdits(data []byte, at imageList, c Change, to Version, why string) ([]Edit, error) {
	docs, err := documents(data)
	if err != nil {
		return nil, err
	}
	if at.doc >= len(docs) {
		return nil, fmt.Errorf("no document %d", at.doc+1)
	}
	images := yamlnode.Path(docs[at.doc], at.keys...)
	key := func(more ...string) []string { return append(slices.Clone(at.keys), more...) }
	for i, entry := range yamlnode.Items(images) {
		name, newName := yamlnode.String(entry, "name"), yamlnode.String(entry, "newName")
		if !sameImage(newName, c.Artifact) && (newName != "" || !sameImage(name, c.Artifact)) {
			continue
		}
		idx := strconv.Itoa(i)
		reason := fmt.Sprintf("%s (%s → %s)", why, c.From, to)
		var edits []Edit
		var insert []KV // keys the entry lacks, added in one edit
		tag, digest := yamlnode.Value(entry, "newTag"), yamlnode.Value(entry, "digest")
		switch {
		case tag != nil:
			edits = append(edits, Edit{Op: OpSet, Doc: at.doc, Keys: key(idx, "newTag"), Line: tag.Line, Old: tag.Value, New: to.Tag, Reason: reason})
		case to.Tag != "":
			insert = append(insert, KV{Key: "newTag", Value: to.Tag})
		}
		switch {
		case digest != nil && to.Digest != "":
			edits = append(edits, Edit{Op: OpSet, Doc: at.doc, Keys: key(idx, "digest"), Line: digest.Line, Old: digest.Value, New: to.Digest, Reason: reason})
		case digest != nil:
			edits = append(edits, Edit{Op: OpDelete, Doc: at.doc, Keys: key(idx, "digest"), Line: digest.Line, Old: digest.Value, Reason: reason + "; the source pins no digest"})
		case to.Digest != "":
			insert = append(insert, KV{Key: "digest", Value: to.Digest})
		}
		if len(insert) > 0 {
			edits = append(edits, Edit{Op: OpInsert, Doc: at.doc, Keys: key(idx), Line: entry.Line, Item: insert, Reason: reason})
		}
		return edits, nil
	}
	return nil, fmt.Errorf("no %s entry names %s", strings.Join(at.keys, "."), c.Artifact)
}

// literalEdits sets the scalar that pins the artifact in a file the target
// owns: an image reference (or, behind a Flux setter, its tag alone), an
// image in HelmRelease values, a HelmRelease chart version, a source ref.
func literalEdits(data []byte, c Change, u Use, to Version) ([]Edit, error) {
	if c.Kind == KindImage && isValuesImage(u) {
		return valuesImageEdits(data, c, u, to)
	}
	var want []string // the scalar values that pin the old version, and their replacements
	var repl []string
	from := u.Version
	switch c.Kind {
	case KindImage:
		want = []string{imageRef(spelling(c, u), from), from.Tag}
		repl = []string{imageRef(spelling(c, u), to), to.Tag}
	default:
		want = []string{from.Tag}
		repl = []string{to.Tag}
	}
	doc, keys, node, err := scalarAtLine(data, u.Source.Line, want)
	if err != nil && c.Kind != KindImage {
		doc, keys, node, err = scalarAtPointer(data, u.Source.Line, u.Field)
	}
	if err != nil {
		// A line of a patch written as a block scalar.
		if e, ok := blockLineEdit(data, u.Source.Line, want, repl); ok {
			e.Reason = fmt.Sprintf("%s is pinned here, in a patch (%s → %s)", c.Artifact, from, to)
			return []Edit{e}, nil
		}
		return nil, err
	}
	i := slices.Index(want, node.Value)
	if i < 0 {
		return nil, fmt.Errorf("line %d holds %q, not %s", node.Line, node.Value, strings.Join(want, " or "))
	}
	if repl[i] == "" {
		return nil, fmt.Errorf("line %d pins the tag of %s alone, but %s pins it by digest only", node.Line, c.Artifact, to)
	}
	return []Edit{{
		Op: OpSet, Doc: doc, Keys: keys, Line: node.Line, Old: node.Value, New: repl[i],
		Reason: fmt.Sprintf("%s is pinned here (%s → %s)", c.Artifact, from, to),
	}}, nil
}

// overrideEdits carries a version pinned only in shared files into the
// target's own kustomization: an images: entry, or a patch for images in
// HelmRelease values, charts and sources.
func overrideEdits(fsys fs.FS, tgt Environment, c Change, u Use, others []string, shared map[string][]string, applied map[string]string) ([]Edit, string, error) {
	dir := tgt.Path
	if d, ok := applied[u.Source.Kustomization]; ok {
		// In a Flux cluster, the directory its Kustomization applies.
		dir = d
	}
	kfile, sharedToo := "", false
	for _, n := range kustomizationNames {
		if _, err := fs.Stat(fsys, path.Join(dir, n)); err == nil {
			// The target's own kustomization is where overrides go; the
			// one a Flux Kustomization applies only if no other
			// environment reads it.
			_, sharedToo = shared[path.Join(dir, n)]
			if dir == tgt.Path || !sharedToo {
				kfile = path.Join(dir, n)
			}
			break
		}
	}
	why := fmt.Sprintf("%s pins %s only in %s, which %s also render; override it in %s's kustomization", tgt.Name, c.Artifact, u.Source.File, namesOf(others), tgt.Name)
	switch {
	case kfile == "" && sharedToo:
		return nil, "", fmt.Errorf("%s is pinned in %s, which %s also render; %s applies %s, which is shared too, so %s has no file of its own to override it in: give %s an overlay of its own for %s to apply", c.Artifact, u.Source.File, namesOf(others), tgt.Name, dir, tgt.Name, tgt.Name, u.Source.Kustomization)
	case kfile == "":
		return nil, "", fmt.Errorf("%s is pinned in %s, which %s also render, and %s has no kustomization of its own to override it in", c.Artifact, u.Source.File, namesOf(others), dir)
	}
	data, err := fs.ReadFile(fsys, kfile)
	if err != nil {
		return nil, "", err
	}
	if c.Kind == KindImage && !isValuesImage(u) {
		if edits, err := imageEntryEdits(data, kustomizationImages, c, *c.To, why); err == nil {
			return edits, kfile, nil
		}
		// kustomize matches an images: entry by the name as the base
		// spells it.
		item := []KV{{Key: "name", Value: spelling(c, u)}}
		if c.To.Tag != "" {
			item = append(item, KV{Key: "newTag", Value: c.To.Tag})
		}
		if c.To.Digest != "" {
			item = append(item, KV{Key: "digest", Value: c.To.Digest})
		}
		return []Edit{{Op: OpAppend, Keys: []string{"images"}, Item: item, Reason: fmt.Sprintf("%s (%s → %s)", why, c.From, c.To)}}, kfile, nil
	}
	// A patch, written for the object as the shared file defines it: an
	// images: entry does not reach HelmRelease values.
	base, err := fs.ReadFile(fsys, u.Source.File)
	if err != nil {
		return nil, "", err
	}
	var patch string
	if c.Kind == KindImage {
		patch, err = valuesImagePatch(base, c, u, *c.To)
		why += " with a patch of the HelmRelease's values"
	} else {
		patch, err = fieldPatch(base, u, map[string]string{u.Field: c.To.Tag})
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", u.Source.File, err)
	}
	return []Edit{{Op: OpAppend, Keys: []string{"patches"}, Item: []KV{{Key: "patch", Value: patch}}, Reason: fmt.Sprintf("%s (%s → %s)", why, c.From, c.To)}}, kfile, nil
}

// spelling is the image name as the use spells it: edits keep it.
func spelling(c Change, u Use) string {
	if u.Ref != "" {
		return u.Ref
	}
	return c.Artifact
}

func imageRef(name string, v Version) string {
	ref := name
	if v.Tag != "" {
		ref += ":" + v.Tag
	}
	if v.Digest != "" {
		ref += "@" + v.Digest
	}
	return ref
}

// scalarAtLine finds the scalar on a line whose value is one of values.
func scalarAtLine(data []byte, line int, values []string) (int, []string, *yaml.Node, error) {
	docs, err := documents(data)
	if err != nil {
		return 0, nil, nil, err
	}
	for d, doc := range docs {
		if keys, n := findScalar(doc, nil, func(n *yaml.Node) bool {
			return n.Line == line && slices.Contains(values, n.Value)
		}); n != nil {
			return d, keys, n, nil
		}
	}
	return 0, nil, nil, fmt.Errorf("line %d does not hold %s", line, strings.Join(values, " or "))
}

// blockLineEdit finds the literal block scalar (|) of data whose content
// holds line — a patch written inline — and the one of want that line holds
// as a word, and returns the edit that replaces it with the matching repl.
func blockLineEdit(data []byte, line int, want, repl []string) (Edit, bool) {
	d, keys, n := blockScalarAt(data, line)
	if n == nil {
		return Edit{}, false
	}
	text := strings.Split(n.Value, "\n")[line-n.Line-1]
	for i, w := range want {
		if w != "" && repl[i] != "" && yamledit.HasWord(text, w) {
			return Edit{Op: OpSetLine, Doc: d, Keys: keys, Line: line, Old: w, New: repl[i]}, true
		}
	}
	return Edit{}, false
}

// blockScalarAt finds the literal block scalar (|) of data one of whose
// content lines is line: its document, keys and node; a nil node when
// there is none.
func blockScalarAt(data []byte, line int) (int, []string, *yaml.Node) {
	docs, err := documents(data)
	if err != nil {
		return 0, nil, nil
	}
	for d, doc := range docs {
		if keys, n := findScalar(doc, nil, func(n *yaml.Node) bool {
			return n.Style&yaml.LiteralStyle != 0 && line > n.Line && line <= n.Line+strings.Count(strings.TrimSuffix(n.Value, "\n"), "\n")+1
		}); n != nil {
			return d, keys, n
		}
	}
	return 0, nil, nil
}

// valuesFromEdits edits an image a HelmRelease takes from a ConfigMap
// (spec.valuesFrom) in the values file the ConfigMap is generated from: the
// configMapGenerator entry of the kustomization at u.Source, its files:
// entry for the values key. It returns that file and the edit; an image in
// a ConfigMap written by hand, or in a generator's literals, is an error
// naming it.
func valuesFromEdits(fsys fs.FS, c Change, u Use, to Version) (string, []Edit, error) {
	where := fmt.Sprintf("the values %s takes from a ConfigMap (%s)", u.Object, u.Source)
	rest := strings.SplitN(strings.TrimPrefix(u.Field, "/spec/valuesFrom/"), "/", 2)
	if len(rest) != 2 || !isKustomization(u.Source.File) {
		return "", nil, fmt.Errorf("%s is set in %s, written by hand: ferry edits the values files of configMapGenerator entries only; edit it there", c.Artifact, where)
	}
	data, err := fs.ReadFile(fsys, u.Source.File)
	if err != nil {
		return "", nil, err
	}
	doc, err := firstDocument(data)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", u.Source.File, err)
	}
	var files []string
	for _, g := range yamlnode.Items(yamlnode.Value(doc, "configMapGenerator")) {
		if g.Line == u.Source.Line || yamlnode.Scalar(g, "name") != nil && yamlnode.Scalar(g, "name").Line == u.Source.Line {
			for _, f := range yamlnode.Scalars(yamlnode.Value(g, "files")) {
				files = append(files, f.Value)
			}
		}
	}
	keys := finding.SplitPointer("/" + rest[1])
	for _, f := range files {
		key, p, found := strings.Cut(f, "=") // key=path, or the path
		if !found {
			key, p = path.Base(f), f
		}
		if key != u.ValuesKey {
			continue // the file of another key
		}
		vfile := path.Join(path.Dir(u.Source.File), p)
		vdata, err := fs.ReadFile(fsys, vfile)
		if err != nil {
			return "", nil, fmt.Errorf("read %s: %w", vfile, err)
		}
		node, err := nodeAt(vdata, 0, keys)
		if err != nil || node.Kind != yaml.ScalarNode {
			break
		}
		value := to.Tag
		if !isImageMap(u) {
			value = imageRef(spelling(c, u), to)
		} else if to.Digest != "" {
			return "", nil, fmt.Errorf("%s is set in %s by tag alone, but %s pins it by digest: add a digest key there", c.Artifact, vfile, to)
		}
		return vfile, []Edit{{
			Op: OpSet, Keys: keys, Line: node.Line, Old: node.Value, New: value,
			Reason: fmt.Sprintf("%s is pinned here, in %s (%s → %s)", c.Artifact, where, u.Version, to),
		}}, nil
	}
	return "", nil, fmt.Errorf("%s is set in %s, which ferry cannot trace to a values file of the generator: edit it there", c.Artifact, where)
}

// blockScalarLine reports whether line is a content line of a literal
// block scalar (|) of data.
func blockScalarLine(data []byte, line int) bool {
	_, _, n := blockScalarAt(data, line)
	return n != nil
}

// scalarAtPointer finds the scalar at a JSON pointer inside the document
// (or list item) that starts on line.
func scalarAtPointer(data []byte, line int, pointer string) (int, []string, *yaml.Node, error) {
	d, root, cur, err := objectAtLine(data, line)
	if err != nil {
		return 0, nil, nil, err
	}
	segments := finding.SplitPointer(pointer) // map keys unescaped, as the YAML has them
	if cur = yamlnode.Path(cur, segments...); cur == nil {
		return 0, nil, nil, fmt.Errorf("the object on line %d has no %s", line, pointer)
	}
	if cur.Kind != yaml.ScalarNode {
		return 0, nil, nil, fmt.Errorf("%s on line %d is not a scalar", pointer, cur.Line)
	}
	return d, append(root, segments...), cur, nil
}

// objectAtLine finds the object that starts on line: a document, or an item
// of a List document. It returns the document's index, the keys leading to
// the object in it, and the object's node.
func objectAtLine(data []byte, line int) (int, []string, *yaml.Node, error) {
	docs, err := documents(data)
	if err != nil {
		return 0, nil, nil, err
	}
	for d, doc := range docs {
		if doc.Line == line {
			return d, nil, doc, nil
		}
		if items := yamlnode.Value(doc, "items"); items != nil {
			for i, it := range yamlnode.Items(items) {
				if it.Line == line {
					return d, []string{"items", strconv.Itoa(i)}, it, nil
				}
			}
		}
	}
	return 0, nil, nil, fmt.Errorf("no object starts on line %d", line)
}

// findScalar walks n depth-first and returns the path to the first scalar
// match accepts.
func findScalar(n *yaml.Node, at []string, match func(*yaml.Node) bool) ([]string, *yaml.Node) {
	switch n.Kind {
	case yaml.ScalarNode:
		if match(n) {
			return at, n
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if keys, found := findScalar(n.Content[i+1], append(slices.Clone(at), n.Content[i].Value), match); found != nil {
				return keys, found
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if keys, found := findScalar(c, append(slices.Clone(at), strconv.Itoa(i)), match); found != nil {
				return keys, found
			}
		}
	}
	return nil, nil
}

// documents parses the documents of a file (see yamlnode.Documents).
func documents(data []byte) ([]*yaml.Node, error) {
	docs, err := yamlnode.Documents(data)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	return docs, nil
}

// firstDocument is the first document of a file, or an empty mapping.
func firstDocument(data []byte) (*yaml.Node, error) {
	docs, err := documents(data)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	return docs[0], nil
}

// applyInMemory applies each file's edits to its content and records the
// result: the edited files and their content before and after. A file
// whose edits cannot be made (the YAML there has a shape ferry does not
// edit) is left out, with a blocking finding that says why.
func applyInMemory(fsys fs.FS, plans []fileEdits) ([]FileEdit, map[string][2][]byte, []finding.Finding, error) {
	out := make([]FileEdit, 0, len(plans))
	contents := make(map[string][2][]byte, len(plans))
	var blocked []finding.Finding
	for _, p := range plans {
		data, err := fs.ReadFile(fsys, p.path)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read %s: %w", p.path, err)
		}
		after, edits, err := applyEdits(data, p.edits)
		if err != nil {
			f := finding.Finding{Rule: "edit", Severity: finding.SeverityError, Source: manifest.Origin{File: p.path},
				Message: fmt.Sprintf("ferry cannot make the planned edit of %s: %v; make it by hand", p.path, err)}
			if len(p.edits) > 0 {
				f.Source.Line = p.edits[0].Line
			}
			blocked = append(blocked, f)
			continue
		}
		out = append(out, FileEdit{Path: p.path, Before: sha256Hex(data), After: sha256Hex(after), Edits: edits})
		contents[p.path] = [2][]byte{data, after}
	}
	return out, contents, blocked, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// applyEdits applies edits to a file's bytes, in order, changing nothing
// outside the nodes edited: comments, key order, quoting, indentation and
// line endings stay. Every edit is internal/yamledit's, which parses the
// result back and refuses one that would change anything else. It returns
// the edits with the lines they landed on.
func applyEdits(data []byte, edits []Edit) ([]byte, []Edit, error) {
	out := make([]Edit, len(edits))
	// Edits of a line of a block scalar name the line as the file has it
	// before any edit: they go first, before inserts and appends above
	// them move it. The others find their nodes by path.
	order := make([]int, 0, len(edits))
	for i, e := range edits {
		if e.Op == OpSetLine {
			order = append(order, i)
		}
	}
	for i, e := range edits {
		if e.Op != OpSetLine {
			order = append(order, i)
		}
	}
	for _, i := range order {
		e := edits[i]
		var err error
		path := yamledit.Path{Doc: e.Doc, Keys: e.Keys}
		switch e.Op {
		case OpSet:
			var done yamledit.Edit
			data, done, err = yamledit.SetScalar(data, path, e.New)
			e.Line = done.Line
		case OpAppend:
			data, e.Line, err = yamledit.AppendListItem(data, path, kvs(e.Item))
		case OpInsert:
			data, e.Line, err = yamledit.InsertKeys(data, path, kvs(e.Item))
		case OpDelete:
			data, e.Line, err = yamledit.DeleteKey(data, path)
		case OpSetLine:
			data, err = yamledit.SetBlockLine(data, path, e.Line, e.Old, e.New)
		case OpCreate:
			if len(data) > 0 || len(edits) != 1 {
				err = errors.New("a file is created whole, by its one edit")
				break
			}
			data, err = e.content()
		default:
			err = fmt.Errorf("unknown edit %q", e.Op)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", e.Op, strings.Join(e.Keys, "."), err)
		}
		out[i] = e
	}
	return data, out, nil
}

func kvs(item []KV) []yamledit.KV {
	out := make([]yamledit.KV, len(item))
	for i, kv := range item {
		out[i] = yamledit.KV{Key: kv.Key, Value: kv.Value}
	}
	return out
}

// nodeAt resolves keys (map keys and list indexes) in document doc.
func nodeAt(data []byte, doc int, keys []string) (*yaml.Node, error) {
	docs, err := documents(data)
	if err != nil {
		return nil, err
	}
	if doc >= len(docs) {
		return nil, fmt.Errorf("the file has %d documents, not %d", len(docs), doc+1)
	}
	n := docs[doc]
	for i, k := range keys {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			next := yamlnode.Value(n, k)
			if next == nil {
				return nil, fmt.Errorf("no key %q under %s (line %d)", k, pathString(keys[:i]), n.Line)
			}
			n = next
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(k)
			if err != nil || idx < 0 || idx >= len(n.Content) {
				return nil, fmt.Errorf("no item %s in the list %s (line %d)", k, pathString(keys[:i]), n.Line)
			}
			n = n.Content[idx]
		default:
			return nil, fmt.Errorf("%s (line %d) is not a mapping or list", pathString(keys[:i]), n.Line)
		}
	}
	return n, nil
}

func pathString(keys []string) string {
	if len(keys) == 0 {
		return "the document"
	}
	return strings.Join(keys, ".")
}

// namesOf lists the environments sharing a file for a message: all of them
// up to four, else the first three and how many more.
func namesOf(names []string) string {
	if len(names) <= 4 {
		return strings.Join(names, " and ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}
