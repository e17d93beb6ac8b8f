package promote

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/memofs"
	"github.com/ferrygitops/ferry/policy"
	"github.com/ferrygitops/ferry/render"
	"github.com/ferrygitops/ferry/validate"
)

//go:embed rules/*.rego
var planRuleFS embed.FS

// Options configure a [Planner]. The zero value plans in the repository that
// holds the working directory, with the environments of its ferry.yaml (or
// the conventional layouts), the built-in rules and no policies of its own.
type Options struct {
	// Root is the repository root on disk. Default: the nearest ancestor of
	// the working directory holding .git or ferry.yaml.
	Root string
	// FS is the repository as a file system, in place of Root (tests use an
	// fstest.MapFS). Plans made on it can still be applied to a directory.
	FS fs.FS
	// Config lists the environments. Default: the ferry.yaml at the root;
	// without one, environments are discovered from overlays/<env>,
	// envs/<env> and clusters/<env>.
	Config *Config
	// Policy configures the policies run on the target as it would be after
	// the edits (policy files, data, namespaces). Its Params are replaced by
	// the target environment's. Policies, when empty, are those the Config
	// names for the target (see [Config.PolicyPaths]), and so are Data;
	// those need a repository on disk (Root).
	Policy policy.Options
	// Validate configures the schema validation of the target as it would
	// be after the edits (CRDs, extra schema locations, kinds to skip). Its
	// KubernetesVersion is replaced by the target environment's, when set;
	// Sources by the repository.
	Validate validate.Options
	// Mode says how environments are rendered. Default render.ModeAuto:
	// Flux Kustomizations in an environment (a clusters/<env> folder) are
	// followed.
	Mode render.Mode
	// Flux configures how Flux Kustomizations are followed; the Config's
	// Sources are added to Flux.Sources.
	Flux render.FluxOptions
	// Now returns the time against which freeze windows and waivers are
	// checked. Default: time.Now.
	Now func() time.Time
	// Logger receives debug records. Default: none.
	Logger *slog.Logger
	// Progress, when set, is told how far a plan (or Status) has come. It
	// is called from several goroutines, and must not block.
	Progress func(Progress)
}

// Progress is how far a plan has come (see Options.Progress).
type Progress struct {
	// Phase is PhaseRender, PhaseVerify or PhaseCheck.
	Phase string
	// Dir and the build counts are those of the render under way.
	render.Progress
}

// The phases of a plan, as Progress reports them.
const (
	// PhaseRender renders the source and the target.
	PhaseRender = "render"
	// PhaseVerify renders the target after the edits.
	PhaseVerify = "verify"
	// PhaseCheck validates the target and runs its policies and rules.
	PhaseCheck = "check"
)

// progress reports a step of phase, when Options.Progress asks for it.
func (p *Planner) progress(phase string, r render.Progress) {
	if p.opts.Progress != nil {
		p.opts.Progress(Progress{Phase: phase, Progress: r})
	}
}

// Request is one promotion to plan.
type Request struct {
	// From and To name the source and target environments, or give their
	// paths relative to the repository root. An empty From is the
	// environment the target's from: in ferry.yaml names.
	From, To string
	// Selection narrows the promotion to some artifacts.
	Selection Selection
	// Rollback allows downgrades; the plan records it.
	Rollback bool
	// AllUses promotes an artifact wherever the target uses it, to the
	// source's one version. Default false: only the target's uses by the
	// workloads and containers the source runs it in are promoted, each to
	// the source's version there; the others are left alone and listed in
	// the change's OnlyInTarget.
	AllUses bool
	// Ranges promotes chart versions and source refs that are ranges
	// (">=1.0.0"): a range is a constraint, which a promotion carries only
	// when asked. Default false: a change of range blocks the plan
	// ([RuleRange]).
	Ranges bool
	// BlockOn adds baseline classes the plan blocks on to the target
	// environment's (Environment.BlockOn): [existing] blocks on errors the
	// target had before the promotion too. New findings always block.
	BlockOn []finding.Baseline
	// Versions, when set, is where the versions come from instead of a
	// source environment (From must be empty): the plan promotes the
	// target to the versions it chooses.
	Versions VersionSource
}

// Planner plans promotions. It is safe for concurrent use.
type Planner struct {
	opts Options
	fsys fs.FS
	cfg  *Config
	// discovered says cfg comes from the layout, not a ferry.yaml.
	discovered bool
	// cfgFile is the ferry.yaml cfg was read from, an input of every plan
	// (nil when the configuration was given or discovered).
	cfgFile *render.File
	log     *slog.Logger

	mu       sync.Mutex
	compiled map[string]*policyEngines // by target environment
}

// NewPlanner returns a Planner for the repository opts describe.
func NewPlanner(opts Options) (*Planner, error) {
	fsys := opts.FS
	if fsys == nil {
		if opts.Root == "" {
			wd, err := os.Getwd()
			if err != nil {
				return nil, fmt.Errorf("new planner: %w", err)
			}
			opts.Root = render.FindRoot(wd)
		}
		root, err := os.OpenRoot(opts.Root)
		if err != nil {
			return nil, fmt.Errorf("new planner: repository root: %w", err)
		}
		fsys = root.FS()
	}
	cfg, discovered := opts.Config, false
	var cfgFile *render.File
	if cfg != nil {
		// Paths are compared as written by ParseConfig: cleaned.
		c := *cfg
		c.Environments = slices.Clone(cfg.Environments)
		for i := range c.Environments {
			c.Environments[i].Path = path.Clean(c.Environments[i].Path)
		}
		cfg = &c
	} else {
		data, err := fs.ReadFile(fsys, ConfigFile)
		switch {
		case err == nil:
			if cfg, err = ParseConfig(ConfigFile, data); err != nil {
				return nil, err
			}
			cfgFile = &render.File{Path: ConfigFile, SHA256: sha256Hex(data)}
		case errors.Is(err, fs.ErrNotExist):
			cfg, discovered = discover(fsys), true
		default:
			return nil, fmt.Errorf("new planner: %w", err)
		}
	}
	if err := cfg.CheckPaths(fsys); err != nil {
		return nil, err
	}
	if len(cfg.Sources) > 0 {
		sources := maps.Clone(opts.Flux.Sources)
		if sources == nil {
			sources = map[string]string{}
		}
		for k, v := range cfg.Sources {
			if _, set := sources[k]; !set {
				sources[k] = v
			}
		}
		opts.Flux.Sources = sources
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Planner{opts: opts, fsys: fsys, cfg: cfg, discovered: discovered, cfgFile: cfgFile, log: log, compiled: map[string]*policyEngines{}}, nil
}

// newRenderer returns a renderer of the repository (or of an edited copy of
// it) with the planner's render options.
func (p *Planner) newRenderer(fsys fs.FS, cache *render.Cache, skipOrigins bool, phase string) (*render.Renderer, error) {
	var progress func(render.Progress)
	if p.opts.Progress != nil {
		progress = func(r render.Progress) { p.progress(phase, r) }
	}
	return render.New(render.Options{FS: fsys, Cache: cache, SkipOrigins: skipOrigins, Mode: p.opts.Mode, Flux: p.opts.Flux, Logger: p.opts.Logger, Progress: progress})
}

// Root returns the repository root on disk ("" for a planner on Options.FS).
func (p *Planner) Root() string { return p.opts.Root }

// Config returns the environments the planner knows.
func (p *Planner) Config() *Config { return p.cfg }

// discover finds environments in the conventional layouts: every directory
// under overlays/, envs/ and clusters/ is an environment named after it
// (prefixed with its parent, as "clusters/<env>", when an earlier layout
// has one of that name), and so is every directory holding a kustomization
// under env/, environments/ and deploy/overlays/ (Kargo's and podinfo's
// layouts) — but for the bases and components such folders also hold — and
// under apps/ and tenants/ (Flux's), where it must also be named like an
// environment (dev, staging, prod-east…: see stageOf), since those folders
// hold applications too.
func discover(fsys fs.FS) *Config {
	cfg := &Config{APIVersion: ConfigAPIVersion, Kind: ConfigKind}
	seen := map[string]bool{}
	for _, parent := range discoveredLayouts {
		entries, err := fs.ReadDir(fsys, parent)
		if err != nil {
			continue
		}
		strict := parent != "overlays" && parent != "envs" && parent != "clusters"
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if strict && (!hasKustomization(fsys, parent+"/"+e.Name()) || notEnvironments[e.Name()]) {
				continue
			}
			if (parent == "apps" || parent == "tenants") && stageOf(e.Name()) < 0 {
				continue // apps/ and tenants/ hold applications too
			}
			name := e.Name()
			if seen[name] {
				name = parent + "/" + name
			}
			seen[name] = true
			cfg.Environments = append(cfg.Environments, Environment{Name: name, Path: parent + "/" + e.Name()})
		}
	}
	return cfg
}

// discoveredLayouts are the folders whose subfolders are environments, in
// the order discover names them.
var discoveredLayouts = []string{"overlays", "envs", "clusters", "env", "environments", "deploy/overlays", "apps", "tenants"}

// notEnvironments are the names of folders beside environments that hold
// what the environments share.
var notEnvironments = map[string]bool{"base": true, "bases": true, "common": true, "components": true, "shared": true}

func hasKustomization(fsys fs.FS, dir string) bool {
	for _, n := range kustomizationNames {
		if _, err := fs.Stat(fsys, path.Join(dir, n)); err == nil {
			return true
		}
	}
	return false
}

// environment resolves a request's From or To: an environment name, or a
// path inside the repository.
func (p *Planner) environment(ref string) (Environment, error) {
	if e, ok := p.configured(ref); ok {
		return e, nil
	}
	clean := path.Clean(filepath.ToSlash(ref))
	if info, err := fs.Stat(p.fsys, clean); err == nil && info.IsDir() && !strings.HasPrefix(clean, "..") {
		return Environment{Name: clean, Path: clean}, nil
	}
	if len(p.cfg.Environments) == 0 {
		return Environment{}, fmt.Errorf("no environment %q: the repository defines none (%s lists none, and there is no overlays/, envs/, clusters/, env/, environments/, deploy/overlays/, apps/ or tenants/ folder); give a directory of the repository", ref, ConfigFile)
	}
	names := make([]string, len(p.cfg.Environments))
	for i, e := range p.cfg.Environments {
		names[i] = e.Name
	}
	return Environment{}, fmt.Errorf("no environment %q: name one of %s, or give a directory of the repository", ref, strings.Join(names, ", "))
}

// configured finds the environment ref names or whose directory it
// gives.
func (p *Planner) configured(ref string) (Environment, bool) {
	if e, ok := p.cfg.Environment(ref); ok {
		return e, true
	}
	clean := path.Clean(filepath.ToSlash(ref))
	for _, e := range p.cfg.Environments {
		if e.Path == clean {
			return e, true
		}
	}
	return Environment{}, false
}

func (p *Planner) now() time.Time {
	if p.opts.Now != nil {
		return p.opts.Now()
	}
	return time.Now()
}

// Plan computes the promotion req asks for: it renders both environments,
// compares their artifacts, plans the edits to the target's own files,
// applies them in memory, renders the target again and runs every check on
// it. Nothing is written; see [Plan.Apply].
func (p *Planner) Plan(ctx context.Context, req Request) (*Plan, error) {
	tgt, err := p.environment(req.To)
	if err != nil {
		return nil, fmt.Errorf("plan: to: %w", err)
	}
	// With a version source, the target is its own source, with the
	// versions the source chooses.
	src := tgt
	if req.Versions != nil {
		if req.From != "" {
			return nil, fmt.Errorf("plan: give a source environment (%s) or a version source (%s), not both", req.From, req.Versions.Name())
		}
	} else {
		from := req.From
		if from == "" {
			// The environment the target is promoted from, as ferry.yaml says.
			if from = tgt.From; from == "" {
				return nil, fmt.Errorf("plan: no source environment: give one (--from), or set from: for %s in %s", tgt.Name, ConfigFile)
			}
		}
		if src, err = p.environment(from); err != nil {
			return nil, fmt.Errorf("plan: from: %w", err)
		}
		if src.Path == tgt.Path {
			return nil, fmt.Errorf("plan: %s and %s are the same environment", req.From, req.To)
		}
	}
	if err := checkBlockOn(req.BlockOn); err != nil {
		return nil, fmt.Errorf("plan: block on: %w", err)
	}
	srcName := src.Name
	if req.Versions != nil {
		srcName = req.Versions.Name()
	}
	op := fmt.Sprintf("plan %s -> %s", srcName, tgt.Name)
	// Every render of the plan reads one snapshot of the repository, each
	// file once. The target is rendered twice, before and after the edits:
	// a cache shared by both renders builds again only what the edits touch.
	// The source needs versions only, not origins.
	fsys := memofs.New(p.fsys)
	versions, err := p.newRenderer(fsys, nil, true, PhaseRender)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	cache := render.NewCache()
	traced, err := p.newRenderer(fsys, cache, false, PhaseRender)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// The target's checks are prepared while source and target render side
	// by side: for the environment as configured, which a cluster folder
	// may still change by inheriting (see inherit).
	edited := overlay{base: fsys, files: fstest.MapFS{}}
	configured := tgt
	var early *checkers
	var earlyErr error
	prepared := make(chan struct{})
	go func() {
		defer close(prepared)
		// The validator keeps edited to read lines from when it
		// validates; its files are filled in before that.
		early, earlyErr = p.checkers(ctx, configured, edited)
	}()
	defer func() { <-prepared }() // Plan leaves nothing running
	// Both run to the end, so that when both fail the error reported is
	// always the source's.
	var srcRes, tgtRes *render.Result
	var srcErr, tgtErr error
	var wg sync.WaitGroup
	if req.Versions == nil {
		wg.Go(func() { srcRes, srcErr = versions.Render(ctx, src.Path) })
	}
	wg.Go(func() { tgtRes, tgtErr = traced.Render(ctx, tgt.Path) })
	wg.Wait()
	if err := cmp.Or(srcErr, tgtErr); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if req.Versions != nil {
		srcRes = tgtRes
	}
	src, tgt = p.inherit(src, srcRes), p.inherit(tgt, tgtRes)
	srcArts, tgtArts := Artifacts(srcRes.Objects), Artifacts(tgtRes.Objects)
	var chosen []finding.Finding
	srcRef := EnvironmentRef{Name: src.Name, Path: src.Path}
	if req.Versions != nil {
		vs, fs, err := req.Versions.Versions(ctx, VersionTarget{Environment: tgt, Objects: tgtRes.Objects, Artifacts: Artifacts(tgtRes.Objects), FS: fsys})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		srcArts, chosen = withVersions(srcArts, vs), fs
		src.Name, srcRef = srcName, EnvironmentRef{Name: srcName}
	}
	var names []string
	for _, a := range append(slices.Clip(srcArts), tgtArts...) {
		names = append(names, a.Name)
	}
	if err := req.Selection.Check(names); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	srcAffixes, tgtAffixes := affixes(fsys, src, srcRes), affixes(fsys, tgt, tgtRes)
	if err := req.Selection.checkObjects(srcArts, srcAffixes, tgtArts, tgtAffixes); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	plan := &Plan{
		APIVersion: PlanAPIVersion, Kind: PlanKind,
		Source:    srcRef,
		Target:    EnvironmentRef{Name: tgt.Name, Path: tgt.Path},
		Rollback:  req.Rollback,
		AllUses:   req.AllUses,
		Ranges:    req.Ranges,
		Selection: req.Selection,
		BlockOn:   blockOn(tgt, req),
		Changes: Diff(srcArts, tgtArts, DiffOptions{
			Selection: req.Selection, AllUses: req.AllUses, Ranges: req.Ranges,
			Source: srcAffixes, Target: tgtAffixes,
		}),
		Inputs: mergeInputs(srcRes.Files, tgtRes.Files, p.configInputs()),
	}
	// What either environment applies but ferry did not render is unknown,
	// and so is which of several versions an artifact should take: the
	// plan says so, and cannot be a noop or ready while it is.
	plan.Findings = append(unrendered(tgt, tgtRes, p.now()), chosen...)
	if req.Versions == nil {
		plan.Findings = append(plan.Findings, unrendered(src, srcRes, p.now())...)
	}
	plan.Findings = append(plan.Findings, ambiguous(plan.Changes)...)
	plan.Findings = append(plan.Findings, attachDeliveries(plan.Changes, tgt,
		deliveries(srcRes.Objects, srcAffixes), deliveries(tgtRes.Objects, tgtAffixes), srcAffixes, tgtAffixes, src.Name)...)
	shared, err := p.sharedFiles(ctx, fsys, traced, tgt, tgtRes, src, srcRes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	applied := map[string]string{}
	for _, k := range tgtRes.Kustomizations {
		if k.Path != "" {
			applied[k.ID.Namespace+"/"+k.ID.Name] = k.Path
		}
	}
	edits, findings, err := planEdits(fsys, tgt, plan.Changes, shared, applied)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	plan.Findings = append(plan.Findings, findings...)
	var contents map[string][2][]byte
	if plan.Files, contents, findings, err = applyInMemory(fsys, edits); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	plan.Findings = append(plan.Findings, findings...)
	plan.Diff = unifiedDiff(plan.Files, contents)

	promoting := 0
	for _, c := range plan.Changes {
		if c.Promotes() {
			promoting++
		}
	}
	if promoting == 0 {
		markNew(plan.Findings)
		finding.Sort(plan.Findings)
		if plan.Verdict = verdict(plan); plan.Verdict.Status == StatusReady {
			reason := fmt.Sprintf("%s already runs %s's versions", tgt.Name, src.Name)
			var onlySource []string
			for _, c := range plan.Changes {
				if c.Relation == RelationOnlyInSource {
					onlySource = append(onlySource, c.Artifact)
				}
			}
			if len(onlySource) > 0 {
				// A promotion carries versions; it does not add workloads.
				reason = fmt.Sprintf("%s already runs %s's versions of the artifacts both use; only %s uses %s", tgt.Name, src.Name, src.Name, strings.Join(onlySource, ", "))
			}
			plan.Verdict = Verdict{Status: StatusNoop, Reasons: []string{reason}}
		}
		return plan, nil
	}
	for path, c := range contents {
		edited.files[path] = &fstest.MapFile{Data: c[1]}
	}
	<-prepared
	checks, err := early, earlyErr
	if !reflect.DeepEqual(configured, tgt) {
		checks, err = p.checkers(ctx, tgt, edited)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// The target before the edits is checked alongside: the plan blocks on
	// what the promotion changes, not on what the target already had.
	var baseline []finding.Finding
	var baselineErr error
	var checking sync.WaitGroup
	checking.Go(func() { baseline, baselineErr = checks.check(ctx, tgtRes.Objects) })
	err = p.verify(ctx, plan, tgt, tgtRes, func() ([]finding.Finding, error) {
		checking.Wait()
		return baseline, baselineErr
	}, edited, checks, cache)
	checking.Wait()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	markNew(plan.Findings)
	finding.Sort(plan.Findings)
	plan.Verdict = verdict(plan)
	return plan, nil
}

// inherit gives an environment named by its path — a Flux cluster folder
// that ferry.yaml does not list — the settings of the one configured
// environment whose directory a Flux Kustomization of that cluster applies:
// promoting into clusters/production is promoting into the production
// overlay it applies, with its Kubernetes version, policy and freezes.
func (p *Planner) inherit(e Environment, res *render.Result) Environment {
	if _, configured := p.cfg.Environment(e.Name); configured {
		return e
	}
	var found []Environment
	for _, k := range res.Kustomizations {
		for _, c := range p.cfg.Environments {
			if k.Path != "" && c.Path == k.Path && !slices.ContainsFunc(found, func(f Environment) bool { return f.Name == c.Name }) {
				found = append(found, c)
			}
		}
	}
	if len(found) != 1 {
		return e
	}
	c := found[0]
	c.Path = e.Path
	return c
}

// sharedFiles maps every file the target reads that another environment
// also reads to those environments. An environment that is part of the
// target — the overlay a Flux Kustomization of the target cluster applies —
// is not another environment.
//
// The other environments are the ones ferry.yaml (or the conventional
// layout) names, the source, the folders beside the source and the target,
// and every other build of the repository (see [render.Renderer.Builds]):
// each kustomization the target does not build on, and each directory a
// Flux Kustomization the target does not hold applies. A kustomization
// that builds on the target itself (an aggregate of environments, or one
// that extends the target) shares only the target's own kustomization: it
// takes whatever the target takes.
//
// The source's files are those of its rendering; the other environments'
// are listed by r, which shares the plan's build cache.
func (p *Planner) sharedFiles(ctx context.Context, fsys fs.FS, r *render.Renderer, tgt Environment, rendered *render.Result, src Environment, srcRes *render.Result) (map[string][]string, error) {
	mine := map[string]bool{}
	for _, f := range rendered.Files {
		mine[f.Path] = true
	}
	part := map[string]bool{tgt.Path: true}
	cluster := false // the target is a Flux cluster
	for _, k := range rendered.Kustomizations {
		if k.Path != "" {
			part[k.Path] = true
			cluster = true
		}
	}
	// The target's root kustomization: what a build that extends the
	// target reads.
	root := ""
	for _, n := range kustomizationNames {
		if f := path.Join(tgt.Path, n); mine[f] {
			root = f
		}
	}
	shared := map[string][]string{}
	// share marks the files of theirs the target reads as shared with
	// name, and returns the files it counted: all of them, or only the
	// target's root kustomization for a build on top of the target.
	share := func(name string, theirs []string) []string {
		if root != "" && slices.Contains(theirs, root) {
			theirs = []string{root}
		}
		for _, f := range theirs {
			if mine[f] && !slices.Contains(shared[f], name) {
				shared[f] = append(shared[f], name)
			}
		}
		return theirs
	}
	named := map[string]bool{}
	covered := map[string]bool{} // files the environments below read
	others := p.others(fsys, tgt, src)
	// The environment a Flux Kustomization's file belongs to, by name.
	owner := func(file string) string {
		for _, e := range others {
			if e.Path != "." && strings.HasPrefix(file, e.Path+"/") {
				return e.Name
			}
		}
		return path.Dir(file)
	}
	for _, e := range others {
		named[e.Path] = true
		if part[e.Path] {
			continue
		}
		var theirs []string
		var err error
		if e.Path == src.Path {
			for _, f := range srcRes.Files {
				theirs = append(theirs, f.Path)
			}
		} else {
			theirs, err = r.Inputs(ctx, e.Path)
		}
		if err != nil && e.sibling {
			continue // a folder beside the environments that is not one
		}
		if err != nil {
			// Without its inputs, ferry cannot tell which files the target
			// shares with it, and could edit one of them.
			return nil, fmt.Errorf("list the files of environment %s, to tell which files %s shares with it: %w", e.Name, tgt.Name, err)
		}
		for _, f := range share(e.Name, theirs) {
			covered[f] = true
		}
	}
	builds, err := r.Builds(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the builds of the repository, to tell which files %s shares with them: %w", tgt.Name, err)
	}
	for _, b := range builds {
		switch {
		case b.Err != nil || b.Component || named[b.Dir]:
			// A directory that does not build, one that builds only as
			// part of another, or an environment shared with above.
		case !part[b.Dir] && slices.ContainsFunc(kustomizationNames, func(n string) bool { return covered[path.Join(b.Dir, n)] }):
			// Part of an environment shared with above, which reads all
			// its files: named by that environment only.
		case b.Dir == tgt.Path:
			// The target itself, and the clusters that apply it.
		case part[b.Dir] || slices.ContainsFunc(kustomizationNames, func(n string) bool { return mine[path.Join(b.Dir, n)] }):
			// Applied by the target cluster, or a base of the target; and
			// another environment's too when a Kustomization the target
			// does not hold applies it — unless the target is no cluster
			// and the Kustomization's folder is named after it
			// (clusters/production applying the production overlay of an
			// app that envs/production aggregates is production; a
			// cluster beside a target cluster is another cluster).
			for _, by := range b.AppliedBy {
				if !mine[by] && (cluster || !namedAfter(by, tgt)) {
					share(owner(by), b.Files)
				}
			}
		default:
			share(b.Dir, b.Files)
		}
	}
	return shared, nil
}

// namedAfter reports whether a folder of file's path is named after the
// environment: its name, or its directory's.
func namedAfter(file string, e Environment) bool {
	for _, dir := range strings.Split(path.Dir(file), "/") {
		if dir == e.Name || dir == path.Base(e.Path) {
			return true
		}
	}
	return false
}

// other is an environment whose files the target's edits must not change
// unannounced.
type other struct {
	Environment
	// sibling says it is not configured, only found: a folder beside the
	// source or the target, or one the conventional layout names. One that
	// does not render is no environment.
	sibling bool
}

// others lists the environments besides the target: those ferry.yaml (or
// the conventional layout) defines, the source, and every folder beside the
// source or the target that holds a kustomization or a Flux cluster — an
// environment named by its directory has siblings that share its bases
// whether ferry.yaml lists them or not. fsys is the plan's snapshot.
func (p *Planner) others(fsys fs.FS, tgt, src Environment) []other {
	var out []other
	seen := map[string]bool{tgt.Path: true}
	add := func(e Environment, sibling bool) {
		if !seen[e.Path] {
			seen[e.Path] = true
			out = append(out, other{e, sibling})
		}
	}
	for _, e := range p.cfg.Environments {
		add(e, p.discovered)
	}
	add(src, false)
	for _, dir := range []string{tgt.Path, src.Path} {
		if dir == "." {
			continue
		}
		parent := path.Dir(dir)
		entries, err := fs.ReadDir(fsys, parent)
		if err != nil {
			continue
		}
		for _, d := range entries {
			sib := path.Join(parent, d.Name())
			if !d.IsDir() || strings.HasPrefix(d.Name(), ".") || seen[sib] {
				continue
			}
			// A kustomization, or a Flux cluster's flux-system folder.
			if _, err := fs.Stat(fsys, path.Join(sib, "flux-system")); err == nil || hasKustomization(fsys, sib) {
				add(Environment{Name: sib, Path: sib}, true)
			}
		}
	}
	return out
}

// configInputs is the ferry.yaml the planner read, as a plan input: a
// plan rests on its settings (checks, policies, versions), so applying it
// after ferry.yaml changed is as stale as after a manifest changed.
func (p *Planner) configInputs() []render.File {
	if p.cfgFile == nil {
		return nil
	}
	return []render.File{*p.cfgFile}
}

func mergeInputs(lists ...[]render.File) []render.File {
	seen := map[string]render.File{}
	for _, l := range lists {
		for _, f := range l {
			seen[f.Path] = f
		}
	}
	out := make([]render.File, 0, len(seen))
	for _, f := range seen {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b render.File) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// planRules are the plan-level Rego rules, by file name.
func planRules() map[string]string {
	out := map[string]string{}
	entries, _ := planRuleFS.ReadDir("rules")
	for _, e := range entries {
		data, err := planRuleFS.ReadFile("rules/" + e.Name())
		if err == nil {
			out["promote:rules/"+e.Name()] = string(data)
		}
	}
	return out
}
