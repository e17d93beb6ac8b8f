package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	kustypes "sigs.k8s.io/kustomize/api/types"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// Mode says how a directory is rendered.
type Mode string

// Rendering modes.
const (
	// ModeAuto renders the directory with kustomize and, when the result
	// holds Flux Kustomizations, follows them as ModeFlux does.
	ModeAuto Mode = ""
	// ModeKustomize renders the directory as `kustomize build` does and
	// never follows Flux Kustomizations.
	ModeKustomize Mode = "kustomize"
	// ModeFlux renders the directory and then every Flux Kustomization it
	// holds, recursively, as kustomize-controller applies them.
	ModeFlux Mode = "flux"
)

// ParseMode parses a mode name: "auto" (or empty), "kustomize" or "flux".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "auto":
		return ModeAuto, nil
	case "kustomize", "flux":
		return Mode(s), nil
	}
	return "", fmt.Errorf("unknown render mode %q: use auto, kustomize or flux", s)
}

// FluxOptions configure how Flux Kustomizations are followed.
type FluxOptions struct {
	// Strict makes a ${var} that has neither a value nor a default an error,
	// as kustomize-controller's strict substitution (the flux CLI's
	// --strict-substitute) does. Default false: it becomes an empty string.
	Strict bool
	// Sources maps Flux sources, written "Kind/namespace/name" as the flux
	// CLI's --local-sources does, to directories of the repository (slash
	// separated, relative to its root). The GitRepository named flux-system
	// in the flux-system namespace is always the repository root.
	// Kustomizations of any other source are listed as findings and not
	// rendered: ferry fetches nothing.
	Sources map[string]string
}

// Flux labels and annotations.
const (
	fluxGroup           = "kustomize.toolkit.fluxcd.io"
	fluxNameLabel       = fluxGroup + "/name"
	fluxNamespaceLabel  = fluxGroup + "/namespace"
	fluxSubstituteKey   = fluxGroup + "/substitute"
	fluxBootstrapSource = "GitRepository/flux-system/flux-system"
)

// Kustomization is a Flux Kustomization a render found.
type Kustomization struct {
	// ID is the Kustomization object.
	ID manifest.ID `json:"id"`
	// Origin is where the repository defines it.
	Origin manifest.Origin `json:"origin"`
	// Path is the repository directory it renders, or empty when it was not
	// followed (its source is not in the repository).
	Path string `json:"path,omitempty"`
	// Objects is the number of objects it applies, those of the
	// Kustomizations it holds not included.
	Objects int `json:"objects"`
	// Unrendered says, when it was not followed, why: its source in words
	// ("from OCIRepository/flux-system/x, which is not this repository").
	Unrendered string `json:"unrendered,omitempty"`
}

// fluxSpec is the part of a Flux Kustomization's spec that says what it
// applies: kustomize-controller's API (v1, and the v1beta2 fields v1 dropped).
type fluxSpec struct {
	Path      string `json:"path"`
	SourceRef struct {
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"sourceRef"`
	TargetNamespace string `json:"targetNamespace"`
	NamePrefix      string `json:"namePrefix"`
	NameSuffix      string `json:"nameSuffix"`
	Patches         []struct {
		Patch  string             `json:"patch"`
		Target *kustypes.Selector `json:"target"`
	} `json:"patches"`
	PatchesStrategicMerge []json.RawMessage `json:"patchesStrategicMerge"`
	PatchesJSON6902       []struct {
		Target *kustypes.Selector `json:"target"`
		Patch  json.RawMessage    `json:"patch"`
	} `json:"patchesJson6902"`
	Images                  []kustypes.Image `json:"images"`
	Components              []string         `json:"components"`
	IgnoreMissingComponents bool             `json:"ignoreMissingComponents"`
	BuildMetadata           []string         `json:"buildMetadata"`
	CommonMetadata          *struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"commonMetadata"`
	PostBuild *struct {
		SubstituteStrategy string            `json:"substituteStrategy"`
		Substitute         map[string]string `json:"substitute"`
		SubstituteFrom     []struct {
			Kind     string `json:"kind"`
			Name     string `json:"name"`
			Optional bool   `json:"optional"`
		} `json:"substituteFrom"`
	} `json:"postBuild"`
	DependsOn []struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"dependsOn"`
}

// fluxKustomization is a Flux Kustomization object with its spec decoded.
type fluxKustomization struct {
	obj  *manifest.Object
	spec fluxSpec
}

// isFluxKustomization reports whether o is a kustomize-controller
// Kustomization (any version of the API).
func isFluxKustomization(o *manifest.Object) bool {
	return o.Kind() == "Kustomization" && o.ID().Group == fluxGroup
}

func hasFluxKustomizations(objs []*manifest.Object) bool {
	return slices.ContainsFunc(objs, isFluxKustomization)
}

func decodeFluxKustomization(o *manifest.Object) (*fluxKustomization, error) {
	raw, err := json.Marshal(o.Content()["spec"])
	if err != nil {
		return nil, err
	}
	k := &fluxKustomization{obj: o}
	if err := json.Unmarshal(raw, &k.spec); err != nil {
		return nil, errorf(o.Origin().File, o.Origin().Line, ErrInvalid, "Flux Kustomization %s: spec: %v", o.ID(), err)
	}
	return k, nil
}

// name is namespace/name, the way Flux names a Kustomization in events.
func (k *fluxKustomization) name() string { return k.obj.Namespace() + "/" + k.obj.Name() }

// sourceKey names the Kustomization's source as "Kind/namespace/name".
func (k *fluxKustomization) sourceKey() string {
	ns := k.spec.SourceRef.Namespace
	if ns == "" {
		ns = k.obj.Namespace()
	}
	return k.spec.SourceRef.Kind + "/" + ns + "/" + k.spec.SourceRef.Name
}

// fluxRun is one Flux-mode render: the Kustomizations followed so far, the
// objects they applied and what was read.
type fluxRun struct {
	r     *Renderer
	fsys  fs.FS
	root  string // the directory rendered
	files map[string]string
	// applied indexes the objects applied so far, for substituteFrom.
	applied map[manifest.ID]*manifest.Object
	// followed are the Kustomizations found, in the order they were.
	followed []Kustomization
	// seen holds the Kustomizations followed, as applied.
	seen     map[manifest.ID]*fluxKustomization
	findings []finding.Finding
	ignore   *ignoreRules
	// docs are the files parsed to find field lines, by path.
	docs map[string][]*yaml.Node
}

// renderFlux follows the Flux Kustomizations among the objects of res, the
// rendering of dir, and returns the whole cluster: the objects of dir, then
// those of each Kustomization, each followed by those of the Kustomizations
// it holds — the order of `flux build kustomization --recursive`. A
// Kustomization whose path is dir itself (the bootstrap one, flux-system) is
// what applies dir: its spec is applied to dir, and it is not a cycle.
func (r *Renderer) renderFlux(ctx context.Context, fsys fs.FS, res *Result) (*Result, error) {
	ignore, err := loadIgnoreRules(fsys)
	if err != nil {
		return nil, err
	}
	run := &fluxRun{
		r: r, fsys: fsys, root: res.Dir, files: map[string]string{}, applied: map[manifest.ID]*manifest.Object{},
		seen: map[manifest.ID]*fluxKustomization{}, ignore: ignore, docs: map[string][]*yaml.Node{},
	}
	run.addFiles(res.Files)
	run.addFiles(ignore.files)
	objs := res.Objects
	var stack []manifest.ID
	var boot *fluxKustomization
	for _, o := range objs {
		if !isFluxKustomization(o) {
			continue
		}
		k, err := decodeFluxKustomization(o)
		if err != nil {
			return nil, err
		}
		if dir, unmapped, err := run.path(k); err == nil && unmapped == "" && dir == res.Dir {
			boot = k
			break
		}
	}
	if boot != nil {
		id := boot.obj.ID()
		stack = append(stack, id)
		objs, err = run.apply(ctx, boot, res.Dir)
		if err != nil {
			return nil, err
		}
		run.seen[id] = boot
		if i := slices.IndexFunc(objs, func(o *manifest.Object) bool { return o.ID() == id }); i >= 0 {
			// As applied: labelled, and traced to the Kustomization.
			if run.seen[id], err = decodeFluxKustomization(objs[i]); err != nil {
				return nil, err
			}
		}
	}
	run.index(objs)
	out, err := run.expand(ctx, objs, stack)
	if err != nil {
		return nil, err
	}
	run.checkDependencies()
	files := make([]File, 0, len(run.files))
	for _, p := range slices.Sorted(maps.Keys(run.files)) {
		files = append(files, File{Path: p, SHA256: run.files[p]})
	}
	// The cluster folder's own findings, then each Kustomization's; a
	// directory two Kustomizations apply reports its findings once.
	findings := append(slices.Clone(res.Findings), run.findings...)
	finding.Sort(findings)
	findings = slices.CompactFunc(findings, func(a, b finding.Finding) bool {
		return a.Rule == b.Rule && a.Source == b.Source && a.Object == b.Object && a.Message == b.Message
	})
	return &Result{Dir: res.Dir, Objects: out, Files: files, Kustomizations: run.followed, Findings: findings}, nil
}

func (run *fluxRun) addFiles(files []File) {
	for _, f := range files {
		run.files[f.Path] = f.SHA256
	}
}

func (run *fluxRun) index(objs []*manifest.Object) {
	for _, o := range objs {
		if _, ok := run.applied[o.ID()]; !ok {
			run.applied[o.ID()] = o
		}
	}
}

// expand returns objs followed by what each Flux Kustomization among them
// applies, recursively. stack holds the Kustomizations being followed, to
// tell a cycle.
func (run *fluxRun) expand(ctx context.Context, objs []*manifest.Object, stack []manifest.ID) ([]*manifest.Object, error) {
	out := slices.Clone(objs)
	for _, o := range objs {
		if !isFluxKustomization(o) {
			continue
		}
		id := o.ID()
		if slices.Contains(stack, id) {
			if len(stack) == 1 && stack[0] == id {
				continue // the bootstrap Kustomization, listed among the objects it applies
			}
			chain := make([]string, 0, len(stack)+1)
			for _, s := range stack[slices.Index(stack, id):] {
				chain = append(chain, s.Namespace+"/"+s.Name)
			}
			chain = append(chain, id.Namespace+"/"+id.Name)
			return nil, errorf(o.Origin().File, o.Origin().Line, ErrCycle, "Flux Kustomizations apply each other: %s; remove one of them from the path of the other", strings.Join(chain, " → "))
		}
		if run.seen[id] != nil {
			run.findings = append(run.findings, fluxFinding(o, finding.SeverityError, "flux-duplicate-kustomization",
				fmt.Sprintf("Flux Kustomization %s/%s is defined twice; the cluster keeps one of them — remove the other", id.Namespace, id.Name)))
			continue
		}
		k, err := decodeFluxKustomization(o)
		if err != nil {
			return nil, err
		}
		run.seen[id] = k
		entry := Kustomization{ID: id, Origin: o.Origin()}
		dir, unmapped, err := run.path(k)
		if err != nil {
			return nil, err
		}
		if unmapped != "" {
			entry.Unrendered = fmt.Sprintf("applies %s from %s, %s", k.spec.Path, k.sourceKey(), unmapped)
			run.followed = append(run.followed, entry)
			run.findings = append(run.findings, fluxFinding(o, finding.SeverityWarning, "flux-source",
				fmt.Sprintf("Flux Kustomization %s applies %s from %s, %s; ferry fetches nothing, so its objects are not rendered (map the source to a directory in ferry.yaml sources, or with --source)", k.name(), k.spec.Path, k.sourceKey(), unmapped)))
			continue
		}
		if dir == run.root {
			return nil, errorf(o.Origin().File, o.Origin().Line, ErrCycle, "Flux Kustomization %s applies %s, the directory being rendered, from inside it; only the bootstrap Kustomization may point back at the cluster folder", k.name(), dir)
		}
		entry.Path = dir
		at := len(run.followed)
		run.followed = append(run.followed, entry)
		sub, err := run.apply(ctx, k, dir)
		if err != nil {
			return nil, err
		}
		run.followed[at].Objects = len(sub)
		if run.r.opts.Progress != nil {
			// How many the cluster holds is known only once all are
			// followed.
			run.r.opts.Progress(Progress{Dir: run.root, Built: len(run.followed)})
		}
		run.index(sub)
		sub, err = run.expand(ctx, sub, append(slices.Clone(stack), id))
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// path resolves a Kustomization's spec.path to a repository directory.
// unmapped, when not empty, says in words why its source is not the
// repository: the Kustomization is then not rendered.
func (run *fluxRun) path(k *fluxKustomization) (dir, unmapped string, err error) {
	key := k.sourceKey()
	base, ok := run.r.opts.Flux.Sources[key]
	switch {
	case ok:
	case key == fluxBootstrapSource:
		base = "."
	case k.spec.SourceRef.Kind == externalArtifactKind:
		ns, name, _ := strings.Cut(strings.TrimPrefix(key, externalArtifactKind+"/"), "/")
		root, dirs, why := run.generatedArtifact(ns, name)
		if why != "" {
			return "", "which ferry cannot map to this repository: " + why, nil
		}
		if !inCopies(strings.TrimPrefix(k.spec.Path, "/"), dirs) {
			return "", fmt.Sprintf("whose generator copies nothing at %s", k.spec.Path), nil
		}
		base = root
	default:
		return "", "which is not this repository", nil
	}
	origin := k.obj.Origin()
	if why := remoteReason(k.spec.Path); why != "" {
		return "", "", errorf(origin.File, origin.Line, ErrRemoteBase, "Flux Kustomization %s: spec.path %q must be a path inside the source (%s)", k.name(), k.spec.Path, why)
	}
	p := path.Join(base, strings.TrimPrefix(k.spec.Path, "/"))
	if path.IsAbs(base) || p == ".." || strings.HasPrefix(p, "../") {
		return "", "", errorf(origin.File, origin.Line, ErrOutsideRoot, "Flux Kustomization %s: spec.path %q leads outside the repository; paths are relative to the root of the source", k.name(), k.spec.Path)
	}
	return p, "", nil
}

// apply renders dir the way kustomize-controller applies a Kustomization:
// the kustomization in dir (or one generated for it) with the spec's
// targetNamespace, name prefix and suffix, patches, images, components and
// build metadata merged in, built with loads allowed anywhere in the
// repository, then post-build substitution, the Kustomization's owner labels
// and its common metadata.
func (run *fluxRun) apply(ctx context.Context, k *fluxKustomization, dir string) ([]*manifest.Object, error) {
	origin := k.obj.Origin()
	rfs := newRepoFS(run.fsys, run.r.opts.Limits)
	rfs.flux = true
	rfs.ctx = ctx
	res, err := run.r.renderDir(ctx, rfs, dir, &tweak{
		kustomization: func(data []byte, generated bool) ([]byte, error) {
			return fluxGenerate(rfs, run.ignore, k, dir, data, generated)
		},
		skip: run.ignore.ignored,
	})
	if err != nil {
		var re *Error
		if errors.As(err, &re) && re.File == dir && errors.Is(err, ErrNotFound) {
			return nil, errorf(origin.File, origin.Line, ErrNotFound, "Flux Kustomization %s: spec.path %q: directory %s not found in the repository", k.name(), k.spec.Path, dir)
		}
		if re != nil && re.File == origin.File {
			return nil, err // already about the Kustomization
		}
		return nil, fmt.Errorf("Flux Kustomization %s (%s): %w", k.name(), origin, err)
	}
	run.addFiles(res.Files)
	run.findings = append(run.findings, res.Findings...)
	objs := res.Objects
	patches := run.patchSources(k)
	images := run.imageOrigins(k)
	vars, locs, err := run.variables(k)
	if err != nil {
		return nil, err
	}
	always := k.spec.PostBuild != nil && k.spec.PostBuild.SubstituteStrategy == "Always"
	out := make([]*manifest.Object, 0, len(objs))
	for _, o := range objs {
		content := o.DeepCopyContent()
		fields := o.FieldOrigins() // a copy
		if fields == nil {
			fields = map[string]manifest.Origin{}
		}
		// The Kustomization's patches apply after those of the
		// kustomization in its path, its images after both.
		for _, p := range patches {
			for _, d := range p.docs {
				// Flux patches apply before the Kustomization's own
				// prefix, suffix and target namespace.
				if !p.applies(d, o, nil, strings.TrimSuffix(strings.TrimPrefix(o.Name(), k.spec.NamePrefix), k.spec.NameSuffix)) {
					continue
				}
				fields = patchFields(d, o, p.patchSource, fields)
				for _, c := range o.Containers() {
					if n := findValue(d, c.Image); n != nil {
						fields[c.Field] = manifest.Origin{File: p.file, Line: p.at(n)}
					}
				}
			}
		}
		for _, c := range o.Containers() {
			name, _, _ := manifest.SplitImage(c.Image)
			if at, ok := images[name]; ok {
				fields[c.Field] = at
			}
		}
		if k.spec.PostBuild != nil && (len(vars) > 0 || always) && !substitutionDisabled(o) {
			substituted, err := substitute(content, vars, run.r.opts.Flux.Strict, rfs.limits.MaxSubstitutedSize)
			if errors.Is(err, ErrLimit) {
				return nil, errorf(o.Origin().File, o.Origin().Line, ErrLimit, "%s, applied by Flux Kustomization %s (%s): %v", o.ID(), k.name(), origin, err)
			}
			if err != nil {
				return nil, errorf(o.Origin().File, o.Origin().Line, ErrInvalid, "%s, applied by Flux Kustomization %s (%s): %v; set the variable in its postBuild.substitute or give a default, ${var:=value}", o.ID(), k.name(), origin, err)
			}
			tracePostBuild(content, substituted, "", locs, fields)
			content = substituted
		}
		setMeta(content, "labels", map[string]string{fluxNameLabel: k.obj.Name(), fluxNamespaceLabel: k.obj.Namespace()})
		maskSOPS(content)
		if m := k.spec.CommonMetadata; m != nil {
			setMeta(content, "labels", m.Labels)
			setMeta(content, "annotations", m.Annotations)
		}
		where := o.Origin()
		where.Kustomization = k.name()
		obj, err := manifest.New(content, where)
		if err != nil {
			return nil, errorf(o.Origin().File, o.Origin().Line, ErrInvalid, "%s after Flux Kustomization %s: %v", o.ID(), k.name(), err)
		}
		if len(fields) > 0 {
			obj = obj.WithFieldOrigins(fields)
		}
		out = append(out, obj)
	}
	return out, nil
}

// fluxGenerate is kustomize-controller's generator: it merges a
// Kustomization's spec into the kustomization of its path (data, which
// generated says ferry made up for a directory without one), as
// github.com/fluxcd/pkg/kustomize's Generator does.
func fluxGenerate(rfs *repoFS, ignore *ignoreRules, k *fluxKustomization, dir string, data []byte, generated bool) ([]byte, error) {
	origin := k.obj.Origin()
	var kus kustypes.Kustomization
	if err := sigsyaml.Unmarshal(data, &kus); err != nil {
		return nil, err
	}
	kus.APIVersion, kus.Kind = kustypes.KustomizationVersion, kustypes.KustomizationKind
	if !generated && len(kus.Resources) == 0 {
		// As Flux does, so that kustomize does not find it empty.
		kus.BuildMetadata = []string{"originAnnotations"}
	}
	kus.Resources = ignore.filter(rfs, dir, kus.Resources, true)
	kus.Components = ignore.filter(rfs, dir, kus.Components, true)
	kus.Crds = ignore.filter(rfs, dir, kus.Crds, false)
	s := k.spec
	if s.TargetNamespace != "" {
		kus.Namespace = s.TargetNamespace
	}
	if s.NamePrefix != "" {
		kus.NamePrefix = s.NamePrefix
	}
	if s.NameSuffix != "" {
		kus.NameSuffix = s.NameSuffix
	}
	for _, p := range s.Patches {
		kus.Patches = append(kus.Patches, kustypes.Patch{Patch: p.Patch, Target: p.Target})
	}
	for _, c := range s.Components {
		if why := remoteReason(c); why != "" || path.IsAbs(c) {
			if why == "" {
				why = "it is an absolute path"
			}
			return nil, errorf(origin.File, origin.Line, ErrRemoteBase, "Flux Kustomization %s: component %q must be a local, relative path inside the repository (%s)", k.name(), c, why)
		}
		if s.IgnoreMissingComponents {
			if _, err := rfs.stat(path.Join(dir, c)); err != nil {
				continue
			}
		}
		kus.Components = append(kus.Components, c)
	}
	for _, p := range s.PatchesStrategicMerge {
		kus.PatchesStrategicMerge = append(kus.PatchesStrategicMerge, kustypes.PatchStrategicMerge(p))
	}
	for _, p := range s.PatchesJSON6902 {
		kus.PatchesJson6902 = append(kus.PatchesJson6902, kustypes.Patch{Patch: string(p.Patch), Target: p.Target})
	}
	for _, img := range s.Images {
		i := slices.IndexFunc(kus.Images, func(e kustypes.Image) bool { return e.Name == img.Name })
		if i < 0 {
			kus.Images = append(kus.Images, kustypes.Image{Name: img.Name, NewName: img.NewName, NewTag: img.NewTag, Digest: img.Digest})
			continue
		}
		// Merged into the overlay's entry; tag and digest change together.
		if img.NewName != "" {
			kus.Images[i].NewName = img.NewName
		}
		if img.NewTag != "" || img.Digest != "" {
			kus.Images[i].NewTag, kus.Images[i].Digest = img.NewTag, img.Digest
		}
	}
	if len(s.BuildMetadata) > 0 {
		kus.BuildMetadata = s.BuildMetadata
	}
	return sigsyaml.Marshal(kus)
}

// substitutionDisabled reports the kustomize.toolkit.fluxcd.io/substitute:
// disabled label or annotation.
func substitutionDisabled(o *manifest.Object) bool {
	for _, field := range []string{"labels", "annotations"} {
		if v, _ := o.Field("metadata", field, fluxSubstituteKey); v == "disabled" {
			return true
		}
	}
	return false
}

func setMeta(content map[string]any, field string, values map[string]string) {
	if len(values) == 0 {
		return
	}
	meta, _ := content["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		content["metadata"] = meta
	}
	m, _ := meta[field].(map[string]any)
	if m == nil {
		m = map[string]any{}
		meta[field] = m
	}
	for k, v := range values {
		m[k] = v
	}
}

func fluxFinding(o *manifest.Object, sev finding.Severity, rule, msg string) finding.Finding {
	return finding.Finding{Rule: rule, Severity: sev, Message: msg, Object: o.ID(), Source: o.Origin()}
}

// checkDependencies reports each dependsOn that names a Kustomization the
// cluster does not define: kustomize-controller would wait for it forever.
func (run *fluxRun) checkDependencies() {
	known := map[string]bool{}
	for id := range run.seen {
		known[id.Namespace+"/"+id.Name] = true
	}
	for _, id := range slices.SortedFunc(maps.Keys(run.seen), manifest.ID.Compare) {
		k := run.seen[id]
		for _, d := range k.spec.DependsOn {
			ns := d.Namespace
			if ns == "" {
				ns = id.Namespace
			}
			if !known[ns+"/"+d.Name] {
				run.findings = append(run.findings, fluxFinding(k.obj, finding.SeverityWarning, "flux-depends-on",
					fmt.Sprintf("Flux Kustomization %s depends on %s/%s, which this cluster does not define; kustomize-controller will wait for it and never apply %s (fix the name, or add the Kustomization)", k.name(), ns, d.Name, k.name())))
			}
		}
	}
}
