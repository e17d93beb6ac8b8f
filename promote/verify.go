package promote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/policy"
	"github.com/ferrygitops/ferry/render"
	"github.com/ferrygitops/ferry/validate"
)

// verify renders the target again from edited — the repository with the
// plan's edits applied in memory — and checks it: every promoted artifact
// now has the source's version, nothing else changed, the target's schemas
// and policies pass (checks), and so do the plan-level rules. Its findings
// go into the plan, classified against baseline: the findings of the same
// checks on the target before the edits (see classify).
func (p *Planner) verify(ctx context.Context, plan *Plan, tgt Environment, before *render.Result, baseline func() ([]finding.Finding, error), edited overlay, checks *checkers, cache *render.Cache) error {
	r, err := p.newRenderer(edited, cache, false, PhaseVerify) // traces origins: findings point at lines
	if err != nil {
		return err
	}
	after, err := r.Render(ctx, tgt.Path)
	if err != nil {
		return fmt.Errorf("render %s after the edits: %w", tgt.Name, err)
	}
	p.progress(PhaseCheck, render.Progress{Dir: tgt.Path})
	// What rendering found about the cluster (a dangling dependsOn, a
	// source outside the repository) is checked like the rest; not
	// kustomize's deprecated fields, which are about how the repository is
	// written, not about this promotion (ferry render and check report
	// them).
	isDeprecation := func(f finding.Finding) bool { return f.Rule == render.RuleDeprecated }
	checked := slices.DeleteFunc(slices.Clone(after.Findings), isDeprecation)

	// (a) every promoted artifact now has the source's version.
	now := map[string]Artifact{}
	for _, a := range Artifacts(after.Objects) {
		now[string(a.Kind)+" "+a.Name] = a
	}
	allowed := map[string]bool{} // object + field the promotion may change
	for _, c := range plan.Changes {
		if !c.Promotes() {
			continue
		}
		for _, u := range c.Target {
			for _, f := range useFields(u) {
				allowed[u.Object.String()+" "+f] = true
			}
		}
		// The uses the plan promotes, not those it leaves alone.
		a := now[string(c.Kind)+" "+c.Artifact]
		a.Uses = slices.DeleteFunc(slices.Clone(a.Uses), func(n Use) bool {
			return !slices.ContainsFunc(c.Target, func(u Use) bool { return u.Object == n.Object && u.Field == n.Field })
		})
		vs := a.Versions()
		if len(a.Uses) == len(c.Target) && len(vs) == 1 && c.To != nil && vs[0] == *c.To {
			continue
		}
		plan.Findings = append(plan.Findings, finding.Finding{
			Rule: "promotion-incomplete", Severity: finding.SeverityError,
			Message: fmt.Sprintf("after the edits %s still renders %s at %s, not %s: the version is set somewhere ferry did not edit (a patch?)", plan.Target.Name, c.Artifact, versionsString(vs), c.To),
		})
	}

	// An edit of a file that itself defines a rendered object (a Flux
	// Kustomization's postBuild variable or spec.images entry) changes that
	// object at the edited field: it is the promotion, not an extra change.
	for _, fe := range plan.Files {
		for _, o := range after.Objects {
			if o.Origin().File != fe.Path {
				continue
			}
			for _, e := range fe.Edits {
				allowed[o.ID().String()+" "+manifest.Pointer(e.Keys...)] = true
				for _, kv := range e.Item { // keys an insert adds
					allowed[o.ID().String()+" "+manifest.Pointer(append(slices.Clip(e.Keys), kv.Key)...)] = true
				}
			}
		}
	}

	// (b) nothing else changed.
	plan.Rendered = renderedChanges(before.Objects, after.Objects)
	allowValuesFrom(plan, before.Objects, after.Objects, allowed)
	var extra []string
	for _, oc := range plan.Rendered {
		if oc.Change != "changed" {
			if !allowed[fmt.Sprintf("%s (%s)", oc.Object, oc.Change)] {
				extra = append(extra, fmt.Sprintf("%s (%s)", oc.Object, oc.Change))
			}
			continue
		}
		for _, f := range oc.Fields {
			if !allowed[oc.Object.String()+" "+f] {
				extra = append(extra, oc.Object.String()+" "+f)
			}
		}
	}

	// The target's own checks, on the target as it would be: schemas for
	// its cluster's Kubernetes version, then its policies.
	fs, err := checks.check(ctx, after.Objects)
	if err != nil {
		return err
	}
	checked = append(checked, fs...)
	base, err := baseline()
	if err != nil {
		return fmt.Errorf("check %s before the edits: %w", tgt.Name, err)
	}
	changed := map[string]bool{}
	for _, oc := range plan.Rendered {
		for _, f := range oc.Fields {
			changed[oc.Object.String()+" "+f] = true
		}
	}
	plan.Findings = append(plan.Findings, classify(append(slices.DeleteFunc(slices.Clone(before.Findings), isDeprecation), base...), checked, changed)...)

	// The plan-level rules, on the plan.
	input, err := planInput(plan, tgt, extra, p.now())
	if err != nil {
		return err
	}
	pfs, err := checks.engines.plan.Eval(ctx, input)
	if err != nil {
		return err
	}
	for i := range pfs {
		locatePlanFinding(&pfs[i], plan)
	}
	plan.Findings = append(plan.Findings, pfs...)
	finding.Sort(plan.Findings)
	return nil
}

func versionsString(vs []Version) string {
	if len(vs) == 0 {
		return "no version"
	}
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.String()
	}
	return strings.Join(s, ", ")
}

// prerelease returns the prerelease identifiers of a version, or of the
// first version in a range that has them: a chart version or source semver
// range such as ">=1.0.0-alpha" admits prereleases.
func prerelease(tag string) string {
	words := []string{tag}
	if _, ok := ParseSemver(tag); !ok {
		words = strings.FieldsFunc(tag, func(r rune) bool { return r == ' ' || r == ',' || r == '|' })
	}
	for _, w := range words {
		w = strings.TrimLeft(w, "<>=!~^")
		if v, ok := ParseSemver(w); ok && len(v.Pre) > 0 {
			pre := make([]string, len(v.Pre))
			for i, p := range v.Pre {
				pre[i] = p.String()
			}
			return strings.Join(pre, ".")
		}
	}
	return ""
}

// planInput is the document the plan-level rules see.
func planInput(plan *Plan, tgt Environment, extra []string, now time.Time) (any, error) {
	type change struct {
		Change
		Promotes   bool   `json:"promotes"`
		Prerelease string `json:"prerelease"`
	}
	changes := make([]change, 0, len(plan.Changes))
	for _, c := range plan.Changes {
		ch := change{Change: c, Promotes: c.Promotes()}
		ch.Target = nil
		if c.To != nil {
			ch.Prerelease = prerelease(c.To.Tag)
		}
		if ch.Promotes || c.Relation == RelationSame {
			changes = append(changes, ch)
		}
	}
	target := map[string]any{"name": tgt.Name, "path": tgt.Path, "frozen": nil}
	if w, frozen := tgt.Frozen(now); frozen {
		target["frozen"] = map[string]any{"start": w.Start.Format(time.RFC3339), "end": w.End.Format(time.RFC3339), "reason": w.Reason}
	}
	doc := map[string]any{
		"source":           plan.Source,
		"target":           target,
		"rollback":         plan.Rollback,
		"params":           tgt.Policy,
		"changes":          changes,
		"extraDifferences": extra,
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(raw, &out)
}

// locatePlanFinding points a plan-level finding about an artifact at the
// edit that promotes it.
func locatePlanFinding(f *finding.Finding, plan *Plan) {
	artifact, _ := f.Metadata["artifact"].(string)
	for _, c := range plan.Changes {
		if c.Artifact != artifact || len(c.Target) == 0 {
			continue
		}
		f.Object = c.Target[0].Object
		f.Field = c.Target[0].Field
		f.Source = c.Target[0].Source
		return
	}
}

// renderedChanges compares the target's objects before and after.
func renderedChanges(before, after []*manifest.Object) []ObjectChange {
	old := manifest.Index(before)
	cur := manifest.Index(after)
	var out []ObjectChange
	for _, id := range manifest.SortedIDs(old) {
		n, ok := cur[id]
		if !ok {
			out = append(out, ObjectChange{Object: id, Change: "removed"})
			continue
		}
		var fields []string
		diffValues(old[id].Content(), n.Content(), "", &fields)
		if len(fields) > 0 {
			slices.Sort(fields)
			out = append(out, ObjectChange{Object: id, Change: "changed", Fields: fields})
		}
	}
	for _, id := range manifest.SortedIDs(cur) {
		if _, ok := old[id]; !ok {
			out = append(out, ObjectChange{Object: id, Change: "added"})
		}
	}
	return out
}

// diffValues lists the JSON pointers where a and b differ.
func diffValues(a, b any, at string, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, at)
			return
		}
		for k, x := range av {
			diffValues(x, bv[k], at+manifest.Pointer(k), out)
		}
		for k, y := range bv {
			if _, seen := av[k]; !seen {
				diffValues(nil, y, at+manifest.Pointer(k), out)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			*out = append(*out, at)
			return
		}
		for i := range av {
			diffValues(av[i], bv[i], at+"/"+strconv.Itoa(i), out)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, at)
		}
	}
}

// overlay is a repository with some files replaced or added in memory.
type overlay struct {
	base  fs.FS
	files fstest.MapFS
}

// Open, ReadFile and Stat answer from the files in memory first, then
// from the base (its own, cheaper way), then from the folders the files in
// memory make (a new environment's); ReadDir lists both.

func (o overlay) Open(name string) (fs.File, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	f, err := o.base.Open(name)
	if errors.Is(err, fs.ErrNotExist) && o.adds(name) {
		return o.files.Open(name)
	}
	return f, err
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if _, ok := o.files[name]; ok {
		return o.files.ReadFile(name)
	}
	return fs.ReadFile(o.base, name)
}

func (o overlay) Stat(name string) (fs.FileInfo, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Stat(name)
	}
	info, err := fs.Stat(o.base, name)
	if errors.Is(err, fs.ErrNotExist) && o.adds(name) {
		return o.files.Stat(name)
	}
	return info, err
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if !o.adds(name) {
		return entries, err
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	added, err := o.files.ReadDir(name)
	if err != nil {
		return nil, err
	}
	byName := map[string]fs.DirEntry{}
	for _, e := range append(entries, added...) {
		if _, ok := byName[e.Name()]; !ok {
			byName[e.Name()] = e
		}
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[n])
	}
	return out, nil
}

// adds says some file in memory lies below the directory name.
func (o overlay) adds(name string) bool {
	prefix := name + "/"
	if name == "." {
		prefix = ""
	}
	for f := range o.files {
		if strings.HasPrefix(f, prefix) {
			return true
		}
	}
	return false
}

// checkers are what a target is checked with: the schema validator of its
// Kubernetes version, reading lines from the edited repository, and its
// compiled policies.
type checkers struct {
	validator *validate.Validator
	engines   *policyEngines
}

// check runs the schemas, then the policies, on objs.
func (c *checkers) check(ctx context.Context, objs []*manifest.Object) ([]finding.Finding, error) {
	vfs, err := c.validator.Validate(ctx, objs)
	if err != nil {
		return nil, err
	}
	pfs, err := c.engines.checks.Check(ctx, objs)
	if err != nil {
		return nil, err
	}
	return append(vfs, pfs...), nil
}

// checkers prepares the checks of tgt, whose files are read from sources.
func (p *Planner) checkers(ctx context.Context, tgt Environment, sources fs.FS) (*checkers, error) {
	vopts := p.opts.Validate
	if tgt.KubernetesVersion != "" {
		vopts.KubernetesVersion = tgt.KubernetesVersion
	}
	vopts.Sources = sources
	validator, err := validate.New(vopts)
	if err != nil {
		return nil, fmt.Errorf("validate %s: %w", tgt.Name, err)
	}
	engines, err := p.engines(ctx, tgt)
	if err != nil {
		return nil, err
	}
	return &checkers{validator: validator, engines: engines}, nil
}

// policyEngines are the compiled policies a target is checked with: its
// policies on the rendered objects, the plan-level rules on the plan.
type policyEngines struct {
	checks, plan *policy.Engine
}

// engines compiles a target environment's policies once per planner.
func (p *Planner) engines(ctx context.Context, tgt Environment) (*policyEngines, error) {
	key := tgt.Name + "\x00" + tgt.Path
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.compiled[key]; ok {
		return e, nil
	}
	opts := p.opts.Policy
	opts.Params = tgt.Policy
	opts.Now = p.opts.Now
	policies, data := p.cfg.PolicyPaths(tgt)
	var err error
	if len(opts.Policies) == 0 && len(policies) > 0 {
		if opts.Policies, err = p.onDisk(policies); err != nil {
			return nil, err
		}
	}
	if len(opts.Data) == 0 && len(data) > 0 {
		if opts.Data, err = p.onDisk(data); err != nil {
			return nil, err
		}
	}
	checks, err := policy.Load(ctx, opts)
	if err != nil {
		return nil, err
	}
	plan, err := policy.Load(ctx, policy.Options{
		Modules: planRules(), Namespaces: []string{"ferry.plan.*"},
		Params: tgt.Policy, Now: p.opts.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("plan rules: %w", err)
	}
	e := &policyEngines{checks: checks, plan: plan}
	p.compiled[key] = e
	return e, nil
}

// onDisk returns the repository paths of ferry.yaml's policies or data as
// paths on disk: policy files are read from disk.
func (p *Planner) onDisk(paths []string) ([]string, error) {
	if p.opts.Root == "" {
		return nil, fmt.Errorf("%s names policies and data, which are read from disk: plan in a repository on disk (Options.Root), or give Options.Policy.Policies and Data", ConfigFile)
	}
	out := make([]string, len(paths))
	for i, f := range paths {
		out[i] = filepath.Join(p.opts.Root, filepath.FromSlash(f))
	}
	return out, nil
}

// allowValuesFrom allows the change of a ConfigMap's data key that a
// promoted HelmRelease takes its values from (spec.valuesFrom) when, read as
// YAML, the values differ only at the promoted images' paths. A generated
// ConfigMap whose hash suffix changes with its content shows as one removed
// and one added: they are paired by name without the hash, and the
// HelmRelease's reference to the new name is allowed with them.
func allowValuesFrom(plan *Plan, before, after []*manifest.Object, allowed map[string]bool) {
	promoted := map[manifest.ID][]string{} // HelmRelease -> promoted valuesFrom fields
	for _, c := range plan.Changes {
		if c.Promotes() {
			for _, u := range c.Target {
				if strings.HasPrefix(u.Field, "/spec/valuesFrom/") {
					promoted[u.Object] = append(promoted[u.Object], u.Field)
				}
			}
		}
	}
	if len(promoted) == 0 {
		return
	}
	byID := func(objs []*manifest.Object) map[manifest.ID]*manifest.Object {
		m := make(map[manifest.ID]*manifest.Object, len(objs))
		for _, o := range objs {
			m[o.ID()] = o
		}
		return m
	}
	was, is := byID(before), byID(after)
	// paths returns the value paths the promoted HelmReleases that take
	// key of ConfigMap name in ns may change, and the valuesFrom name
	// fields that name it.
	paths := func(ns, name, key string) (map[string]bool, []string) {
		out := map[string]bool{}
		var refs []string
		for hr, fields := range promoted {
			o := is[hr]
			if o == nil || o.Namespace() != ns {
				continue
			}
			for _, ref := range valuesFromRefs(o) {
				if ref.name != name || ref.key != key {
					continue
				}
				prefix := fmt.Sprintf("/spec/valuesFrom/%d", ref.index)
				refs = append(refs, hr.String()+" "+prefix+"/name")
				for _, field := range fields {
					if rest, ok := strings.CutPrefix(field, prefix+"/"); ok {
						out["/"+rest] = true
					}
				}
			}
		}
		return out, refs
	}
	// onlyPromoted reports whether the values under key differ between the
	// two ConfigMaps at promoted paths only (and do differ).
	onlyPromoted := func(old, now *manifest.Object, key string, allowedPaths map[string]bool) bool {
		a, _ := old.Field("data", key)
		b, _ := now.Field("data", key)
		as, _ := a.(string)
		bs, _ := b.(string)
		var av, bv any
		if len(allowedPaths) == 0 || yaml.Unmarshal([]byte(as), &av) != nil || yaml.Unmarshal([]byte(bs), &bv) != nil {
			return false
		}
		diffs := valueDiffs(av, bv, "")
		return !slices.ContainsFunc(diffs, func(d string) bool { return !allowedPaths[d] })
	}
	var removed, added []manifest.ID
	for _, oc := range plan.Rendered {
		if oc.Object.Kind != "ConfigMap" || oc.Object.Group != "" {
			continue
		}
		switch oc.Change {
		case "removed":
			removed = append(removed, oc.Object)
		case "added":
			added = append(added, oc.Object)
		case "changed":
			for _, f := range oc.Fields {
				keys := manifest.SplitPointer(f)
				if len(keys) != 2 || keys[0] != "data" {
					continue
				}
				ps, _ := paths(oc.Object.Namespace, oc.Object.Name, keys[1])
				if onlyPromoted(was[oc.Object], is[oc.Object], keys[1], ps) {
					allowed[oc.Object.String()+" "+f] = true
				}
			}
		}
	}
	for _, r := range removed {
		base, ok := manifest.GeneratedBase(r.Name)
		if !ok {
			continue
		}
		for _, a := range added {
			if b, ok := manifest.GeneratedBase(a.Name); !ok || b != base || a.Namespace != r.Namespace {
				continue
			}
			old, now := was[r], is[a]
			oldData, _ := old.Field("data")
			nowData, _ := now.Field("data")
			om, _ := oldData.(map[string]any)
			nm, _ := nowData.(map[string]any)
			if len(om) != len(nm) {
				continue
			}
			same, refs := true, []string(nil)
			for key := range nm {
				if _, ok := om[key]; !ok {
					same = false
					break
				}
				if om[key] == nm[key] {
					continue
				}
				ps, rs := paths(a.Namespace, a.Name, key)
				if !onlyPromoted(old, now, key, ps) {
					same = false
					break
				}
				refs = append(refs, rs...)
			}
			if !same || len(refs) == 0 {
				continue
			}
			allowed[r.String()+" (removed)"] = true
			allowed[a.String()+" (added)"] = true
			for _, ref := range refs {
				allowed[ref] = true
			}
		}
	}
}

// valueDiffs returns the JSON pointers, below at, where two decoded YAML
// values differ: the scalars that differ, or the node whose shape does.
func valueDiffs(a, b any, at string) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return []string{at}
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			v, ok := y[k]
			if !ok {
				return []string{at}
			}
			out = append(out, valueDiffs(x[k], v, at+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return []string{at}
		}
		var out []string
		for i := range x {
			out = append(out, valueDiffs(x[i], y[i], fmt.Sprintf("%s/%d", at, i))...)
		}
		return out
	}
	if fmt.Sprint(a) != fmt.Sprint(b) || fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
		return []string{at}
	}
	return nil
}
