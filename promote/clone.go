package promote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/memofs"
	"github.com/ferrygitops/ferry/internal/yamledit"
	"github.com/ferrygitops/ferry/render"
)

// CloneRequest asks for a new environment made from an existing one: a new
// cluster folder (clusters/prod-eu-2) from clusters/prod-eu-1.
type CloneRequest struct {
	// From is the environment copied: a name in ferry.yaml or a directory.
	From string
	// To is the new environment's directory, or its name in ferry.yaml
	// (whose directory must not exist yet).
	To string
	// Set gives the per-cluster values: each key is a Flux post-build
	// substitution variable, set in the copy wherever the source sets it
	// (a Kustomization's spec.postBuild.substitute, or a ConfigMap of the
	// folder that substituteFrom reads). A key the source sets nowhere is
	// an error.
	Set map[string]string
	// KubernetesVersion is the new cluster's; default the version
	// ferry.yaml gives the new environment, else the source's.
	KubernetesVersion string
	// BlockOn adds baseline classes to block on, as Request.BlockOn.
	BlockOn []finding.Baseline
}

// Clone plans the creation of a new environment's folder as a copy of the
// source's own files — never the bases and shared folders they refer to,
// which the copy refers to as the source does — with the source's
// directory replaced by the new one wherever a file names it (a Flux
// Kustomization's spec.path) and the per-cluster values of req.Set. The
// copy is verified like any plan: rendered, validated against the new
// cluster's Kubernetes version (an API it removes is an error naming its
// replacement) and checked by the environment's policies; every finding is
// new. The plan's files are all created (see OpCreate); it is noop when
// the folder already holds exactly the copy, and a folder that exists
// with anything else is an error.
func (p *Planner) Clone(ctx context.Context, req CloneRequest) (*Plan, error) {
	src, err := p.environment(req.From)
	if err != nil {
		return nil, fmt.Errorf("clone: from: %w", err)
	}
	dst, err := p.newEnvironment(req.To)
	if err != nil {
		return nil, fmt.Errorf("clone: to: %w", err)
	}
	if src.Path == "." || dst.Path == src.Path || within(dst.Path, src.Path) || within(src.Path, dst.Path) {
		return nil, fmt.Errorf("clone: %s and %s must be separate folders, neither inside the other", src.Path, dst.Path)
	}
	op := fmt.Sprintf("clone %s -> %s", src.Name, dst.Path)
	fsys := memofs.New(p.fsys)

	// The source's own files, and the copies.
	var names []string
	err = fs.WalkDir(fsys, src.Path, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symlink: ferry does not copy links; replace it with the file it points at, or copy by hand", name)
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && name != src.Path:
			return fs.SkipDir
		case d.Type().IsRegular():
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: %s has no files to copy", op, src.Path)
	}
	files := fstest.MapFS{}
	var inputs []render.File
	setAt := map[string][]string{}
	var varMaps map[string]bool
	if len(req.Set) > 0 {
		varMaps = substituteFrom(fsys, names)
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		inputs = append(inputs, render.File{Path: name, SHA256: sha256Hex(data)})
		out := data
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			// A binary file is copied as it is.
			files[path.Join(dst.Path, strings.TrimPrefix(name, src.Path+"/"))] = &fstest.MapFile{Data: out, Mode: 0o644}
			continue
		}
		out = renamePath(data, src.Path, dst.Path)
		if isYAML(name) && len(req.Set) > 0 {
			if out, err = setValues(out, req.Set, name, varMaps, setAt); err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
		}
		rel := strings.TrimPrefix(name, src.Path+"/")
		files[path.Join(dst.Path, rel)] = &fstest.MapFile{Data: out, Mode: 0o644}
	}
	for _, key := range slices.Sorted(maps.Keys(req.Set)) {
		if len(setAt[key]) == 0 {
			return nil, fmt.Errorf("%s: no file of %s sets %s (as a Flux Kustomization's spec.postBuild.substitute, or the data of a ConfigMap one substitutes from): per-cluster values are set where the source sets them", op, src.Path, key)
		}
	}

	plan := &Plan{
		APIVersion: PlanAPIVersion, Kind: PlanKind,
		Source:  EnvironmentRef{Name: src.Name, Path: src.Path},
		Target:  EnvironmentRef{Name: dst.Name, Path: dst.Path},
		Changes: []Change{},
		Files:   []FileEdit{},
	}
	// An existing folder is either the copy already (noop) or something
	// else, which a clone never overwrites.
	if info, err := fs.Stat(fsys, dst.Path); err == nil {
		if !info.IsDir() {
			return nil, fmt.Errorf("%s: %s exists and is not a folder", op, dst.Path)
		}
		same, err := holdsExactly(fsys, dst.Path, files)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		if !same {
			return nil, fmt.Errorf("%s: %s exists and is not a copy of %s: a clone creates new folders only; plan promotions into it instead (ferry plan --to %s)", op, dst.Path, src.Path, dst.Path)
		}
		for _, name := range slices.Sorted(maps.Keys(files)) {
			inputs = append(inputs, render.File{Path: name, SHA256: sha256Hex(files[name].Data)})
		}
		plan.Inputs = mergeInputs(inputs, p.configInputs())
		plan.Verdict = Verdict{Status: StatusNoop, Reasons: []string{fmt.Sprintf("%s already holds the copy of %s", dst.Path, src.Path)}}
		return plan, nil
	}

	// Render and check the copy as the new cluster would run it.
	edited := overlay{base: fsys, files: files}
	r, err := p.newRenderer(edited, nil, false, PhaseRender)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	res, err := r.Render(ctx, dst.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: render the copy: %w", op, err)
	}
	// A cluster folder takes the settings of the environment it applies,
	// but keeps its own name.
	version, name := dst.KubernetesVersion, dst.Name
	dst = p.inherit(dst, res)
	dst.Name = name
	switch {
	case req.KubernetesVersion != "":
		dst.KubernetesVersion = req.KubernetesVersion
	case version != "":
		dst.KubernetesVersion = version
	case dst.KubernetesVersion == "":
		dst.KubernetesVersion = p.inherit(src, res).KubernetesVersion
	}
	checks, err := p.checkers(ctx, dst, edited)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	findings, err := checks.check(ctx, res.Objects)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// The source, checked as it runs, is the baseline: what it already
	// has is existing in the copy; what the new cluster's version or
	// settings add is new.
	before, err := p.checkSource(ctx, fsys, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	plan.Findings = classify(before, append(findings, unrendered(dst, res, p.now())...), nil)
	markNew(plan.Findings)
	finding.Sort(plan.Findings)
	plan.BlockOn = blockOn(dst, Request{BlockOn: req.BlockOn})

	contents := map[string][2][]byte{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name].Data
		plan.Files = append(plan.Files, FileEdit{
			Path: name, After: sha256Hex(data),
			Edits: []Edit{createEdit(data, "copy of "+src.Path+"/"+strings.TrimPrefix(name, dst.Path+"/"))},
		})
		if utf8.Valid(data) {
			contents[name] = [2][]byte{nil, data}
		}
	}
	plan.Diff = unifiedDiff(plan.Files, contents)
	// The verdict rests on the source's files and everything the copy
	// reads besides itself: the bases it shares with the source.
	for _, f := range res.Files {
		if _, created := files[f.Path]; !created {
			inputs = append(inputs, f)
		}
	}
	plan.Inputs = mergeInputs(inputs, p.configInputs())
	plan.Verdict = verdict(plan)
	return plan, nil
}

// checkSource renders the source environment and checks it as it runs:
// its own Kubernetes version and policies.
func (p *Planner) checkSource(ctx context.Context, fsys fs.FS, src Environment) ([]finding.Finding, error) {
	r, err := p.newRenderer(fsys, nil, false, PhaseRender)
	if err != nil {
		return nil, err
	}
	res, err := r.Render(ctx, src.Path)
	if err != nil {
		return nil, fmt.Errorf("render the source: %w", err)
	}
	checks, err := p.checkers(ctx, p.inherit(src, res), fsys)
	if err != nil {
		return nil, err
	}
	fs, err := checks.check(ctx, res.Objects)
	return append(fs, unrendered(src, res, p.now())...), err
}

// newEnvironment resolves a clone's To: a name in ferry.yaml, or a
// directory, which must be a clean path inside the repository.
func (p *Planner) newEnvironment(ref string) (Environment, error) {
	if e, ok := p.configured(ref); ok {
		return e, nil
	}
	clean := path.Clean(filepath.ToSlash(ref))
	if ref == "" || clean == "." || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || checkPath(clean) != nil {
		return Environment{}, fmt.Errorf("%q: give the new folder as a path inside the repository (clusters/prod-eu-2)", ref)
	}
	return Environment{Name: clean, Path: clean}, nil
}

// renamePath replaces every occurrence of the path from in data by to,
// where it stands as a whole path: clusters/prod, ./clusters/prod and
// clusters/prod/apps, but not clusters/production or x/clusters/prod.
func renamePath(data []byte, from, to string) []byte {
	isName := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-", c) >= 0
	}
	var out bytes.Buffer
	last := 0
	for i := 0; i <= len(data); {
		j := bytes.Index(data[i:], []byte(from))
		if j < 0 {
			break
		}
		at, end := i+j, i+j+len(from)
		before := at
		if before >= 2 && data[before-2] == '.' && data[before-1] == '/' {
			before -= 2 // ./clusters/prod
		}
		if (before == 0 || !isName(data[before-1]) && data[before-1] != '/') && (end == len(data) || !isName(data[end])) {
			out.Write(data[last:at])
			out.WriteString(to)
			last, i = end, end
			continue
		}
		i = at + 1
	}
	out.Write(data[last:])
	return out.Bytes()
}

func isYAML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// setValues sets the substitution variables of set wherever the file sets
// them, recording where in setAt.
func setValues(data []byte, set map[string]string, name string, varMaps map[string]bool, setAt map[string][]string) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var changes []yamledit.Change
	for doc := 0; ; doc++ {
		var obj map[string]any
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		api, _ := obj["apiVersion"].(string)
		kind, _ := obj["kind"].(string)
		var keys []string
		var values map[string]any
		switch {
		case kind == "Kustomization" && strings.HasPrefix(api, "kustomize.toolkit.fluxcd.io/"):
			spec, _ := obj["spec"].(map[string]any)
			pb, _ := spec["postBuild"].(map[string]any)
			values, _ = pb["substitute"].(map[string]any)
			keys = []string{"spec", "postBuild", "substitute"}
		case kind == "ConfigMap" && api == "v1":
			meta, _ := obj["metadata"].(map[string]any)
			if n, _ := meta["name"].(string); !varMaps[n] {
				continue // not a ConfigMap of substitution variables
			}
			values, _ = obj["data"].(map[string]any)
			keys = []string{"data"}
		default:
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if _, ok := values[k]; ok {
				changes = append(changes, yamledit.Change{Path: yamledit.Path{Doc: doc, Keys: append(slices.Clone(keys), k)}, Value: set[k]})
				setAt[k] = append(setAt[k], name)
			}
		}
	}
	if len(changes) == 0 {
		return data, nil
	}
	out, _, err := yamledit.SetScalars(data, changes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// substituteFrom returns the names of the ConfigMaps the Flux
// Kustomizations among the files take substitution variables from
// (spec.postBuild.substituteFrom): only those hold per-cluster values. A
// file that does not parse is skipped here; setValues reports it.
func substituteFrom(fsys fs.FS, names []string) map[string]bool {
	out := map[string]bool{}
	for _, name := range names {
		if !isYAML(name) {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var obj struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
				Spec       struct {
					PostBuild struct {
						SubstituteFrom []struct {
							Kind string `yaml:"kind"`
							Name string `yaml:"name"`
						} `yaml:"substituteFrom"`
					} `yaml:"postBuild"`
				} `yaml:"spec"`
			}
			if err := dec.Decode(&obj); err != nil {
				break
			}
			if obj.Kind != "Kustomization" || !strings.HasPrefix(obj.APIVersion, "kustomize.toolkit.fluxcd.io/") {
				continue
			}
			for _, ref := range obj.Spec.PostBuild.SubstituteFrom {
				if ref.Kind == "ConfigMap" {
					out[ref.Name] = true
				}
			}
		}
	}
	return out
}

// holdsExactly says dir holds the files and nothing else.
func holdsExactly(fsys fs.FS, dir string, files fstest.MapFS) (bool, error) {
	count := 0
	same := true
	err := fs.WalkDir(fsys, dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		count++
		want, ok := files[name]
		if !ok {
			same = false
			return fs.SkipAll
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if !bytes.Equal(data, want.Data) {
			same = false
			return fs.SkipAll
		}
		return nil
	})
	return same && count == len(files), err
}
