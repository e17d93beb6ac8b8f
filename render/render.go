package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// Options configure a [Renderer]. The zero value renders on-disk repositories
// offline, with the repository root found from the directory rendered.
type Options struct {
	// FS is the repository as a file system; directories passed to
	// [Renderer.Render] are then slash-separated paths inside it and Root is
	// ignored. Tests use an in-memory fstest.MapFS. Default: the directory
	// tree at Root on disk, opened with [os.OpenRoot] so that symlinks cannot
	// lead outside it.
	FS fs.FS
	// Root is the repository root on disk; nothing outside it is read.
	// Default: the nearest ancestor of the rendered directory (itself
	// included) holding .git or ferry.yaml, else the directory itself.
	Root string
	// AllowRemoteBases lets kustomizations use remote bases (git URLs) and
	// remote files (http and https URLs), which kustomize then fetches.
	// Default false: they are refused with an error naming the entry.
	AllowRemoteBases bool
	// SkipOrigins renders without tracing objects to their files: objects
	// then carry no origin and no field origins, for callers that need only
	// the content (a planner comparing versions). It saves reading the
	// origin files, and, where kustomize must trace origins itself (see
	// the package doc), a third of each build. Default false: origins are
	// traced.
	SkipOrigins bool
	// Cache, when set, keeps builds across renders (see [Cache]). Default:
	// none, every render builds.
	Cache *Cache
	// Mode says whether Flux Kustomizations found in the rendered directory
	// are followed. Default ModeAuto: they are, when there are any.
	Mode Mode
	// Flux configures how Flux Kustomizations are followed.
	Flux FluxOptions
	// Limits bound the files a render reads (size, YAML documents, alias
	// expansion). Default: the zero Limits, see its fields' defaults.
	Limits Limits
	// Logger receives debug records about rendering decisions. Default: none.
	Logger *slog.Logger
	// Progress, when set, is called as builds finish: the directory
	// rendered, and how many of its kustomize builds (the parts of an
	// aggregate, or the Kustomizations of a Flux cluster) are done. It is
	// called from several goroutines, and must not block.
	Progress func(Progress)
}

// Progress is how far a render has come (see Options.Progress).
type Progress struct {
	// Dir is the directory being rendered, relative to the repository root.
	Dir string
	// Built of Total kustomize builds are done; Total is 0 while it is
	// not known (the Kustomizations of a Flux cluster, followed one by
	// one).
	Built, Total int
}

// Renderer renders environments. It is safe for concurrent use (see the
// package doc for how kustomize builds share the process).
type Renderer struct {
	opts Options
	log  *slog.Logger
	// traceAll makes kustomize trace every build's origins, never deriving
	// them: the reference the derivation is tested against.
	traceAll bool
}

// New returns a Renderer configured by opts.
func New(opts Options) (*Renderer, error) {
	if opts.Root != "" && opts.FS == nil {
		info, err := os.Stat(opts.Root)
		if err != nil {
			return nil, fmt.Errorf("render: repository root: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("render: repository root %s is not a directory", opts.Root)
		}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Renderer{opts: opts, log: log}, nil
}

// Result is a rendered environment.
type Result struct {
	// Dir is the rendered directory, relative to the repository root.
	Dir string
	// Objects are the rendered objects in `kustomize build` order, each with
	// the repository file and line that defines it.
	Objects []*manifest.Object
	// Files are the repository files read to render, sorted by path, with
	// the SHA-256 of their content.
	Files []File
	// Kustomizations are the Flux Kustomizations followed, in the order
	// they were found; empty unless Flux Kustomizations were followed.
	Kustomizations []Kustomization
	// Findings are problems of the rendered cluster that do not stop
	// rendering: a dependsOn naming a Kustomization that does not exist, a
	// source outside the repository, a substituteFrom object the repository
	// does not hold.
	Findings []finding.Finding
}

// File is an input file of a rendering.
type File struct {
	// Path is relative to the repository root, slash-separated.
	Path string `json:"path"`
	// SHA256 is the hex-encoded SHA-256 of the file's content.
	SHA256 string `json:"sha256"`
}

// WriteYAML writes the objects byte-for-byte as `kustomize build` prints them.
func (r *Result) WriteYAML(w io.Writer) error {
	return manifest.EncodeYAML(w, r.Objects)
}

// Render renders the environment in dir: the kustomization it holds, or, for
// a directory without one, every YAML file below it, as Flux does. When the
// result holds Flux Kustomizations (and Options.Mode allows), they are
// followed as kustomize-controller applies them and the result is the whole
// cluster (see [ModeFlux]). With Options.FS set, dir is a path inside it;
// otherwise dir is a path on disk.
func (r *Renderer) Render(ctx context.Context, dir string) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fsys, rel, err := r.open(dir)
	if err != nil {
		return nil, err
	}
	rfs := newRepoFS(fsys, r.opts.Limits)
	rfs.ctx = ctx
	// Forced into Flux mode, the folder itself is built as
	// kustomize-controller builds (see repoFS.flux); detected, it is first
	// built as kustomize does, then again by its bootstrap Kustomization.
	rfs.flux = r.opts.Mode == ModeFlux
	res, err := r.renderDir(ctx, rfs, rel, nil)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", rel, err)
	}
	if r.opts.Mode == ModeKustomize || (r.opts.Mode == ModeAuto && !hasFluxKustomizations(res.Objects)) {
		return res, nil
	}
	r.log.Debug("following Flux Kustomizations", "dir", rel)
	res, err = r.renderFlux(ctx, fsys, res)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", rel, err)
	}
	return res, nil
}

// open resolves dir to a repository file system and a path inside it.
func (r *Renderer) open(dir string) (fs.FS, string, error) {
	if r.opts.FS != nil {
		rel := path.Clean(filepath.ToSlash(dir))
		if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, "", fmt.Errorf("render %s: %w: directories are paths inside Options.FS", dir, ErrOutsideRoot)
		}
		return r.opts.FS, rel, nil
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", fmt.Errorf("render %s: %w", dir, err)
	}
	info, err := os.Stat(absDir)
	if err != nil {
		return nil, "", errorf(dir, 0, ErrNotFound, "directory not found")
	}
	if !info.IsDir() {
		return nil, "", errorf(dir, 0, ErrInvalid, "not a directory; render takes an environment directory")
	}
	root := r.opts.Root
	if root == "" {
		root = FindRoot(absDir)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return nil, "", fmt.Errorf("render %s: %w", dir, err)
	}
	rel, err := filepath.Rel(root, absDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, "", errorf(dir, 0, ErrOutsideRoot, "directory is outside the repository root %s (set the root with --root)", root)
	}
	osRoot, err := os.OpenRoot(root)
	if err != nil {
		return nil, "", fmt.Errorf("render %s: open repository root: %w", dir, err)
	}
	// The os.Root stays open for the life of the returned FS; it holds one
	// file descriptor, released when it is garbage collected.
	return osRoot.FS(), filepath.ToSlash(rel), nil
}

// Inputs lists the repository files that rendering dir reads — its
// kustomizations and every file they refer to — without building it: a
// cheap way to learn which files environments share. With Options.FS set,
// dir is a path inside it.
func (r *Renderer) Inputs(ctx context.Context, dir string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fsys, rel, err := r.open(dir)
	if err != nil {
		return nil, err
	}
	rfs := newRepoFS(fsys, r.opts.Limits)
	sc := newScanner(rfs, r.opts.AllowRemoteBases)
	file, err := sc.findKustomization(rel)
	if err != nil {
		return nil, fmt.Errorf("inputs of %s: %w", rel, err)
	}
	if file == "" {
		if file, err = generateKustomization(rfs, rel, hiddenFile); err != nil {
			return nil, fmt.Errorf("inputs of %s: %w", rel, err)
		}
	}
	if _, err := sc.scan(rel, file, 0); err != nil {
		return nil, fmt.Errorf("inputs of %s: %w", rel, err)
	}
	out := make([]string, 0, len(sc.inputs))
	flux := false
	for p := range sc.inputs {
		out = append(out, p)
		if r.opts.Mode != ModeKustomize && !flux && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
			data, err := rfs.readRepoFile(p)
			flux = err == nil && bytes.Contains(data, []byte(fluxGroup+"/"))
		}
	}
	if flux {
		// What a cluster folder reads depends on the paths of the Flux
		// Kustomizations it holds: render it to know.
		res, err := r.Render(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("inputs of %s: %w", rel, err)
		}
		out = out[:0]
		for _, f := range res.Files {
			out = append(out, f.Path)
		}
	}
	slices.Sort(out)
	return out, nil
}

// FindRoot returns the repository root for dir: the nearest ancestor (dir
// included) holding .git or ferry.yaml, else dir itself.
func FindRoot(dir string) string {
	for d := dir; ; {
		for _, marker := range []string{".git", "ferry.yaml"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// tweak changes how one directory is rendered, for Flux.
type tweak struct {
	// kustomization rewrites the top kustomization before it is scanned;
	// generated says ferry made it up for a directory without one.
	kustomization func(data []byte, generated bool) ([]byte, error)
	// skip leaves files and directories out of a generated kustomization.
	skip func(p string, isDir bool) bool
}

// renderDir renders one directory with kustomize, tweaked by t if not nil.
func (r *Renderer) renderDir(ctx context.Context, fsys *repoFS, dir string, t *tweak) (*Result, error) {
	info, err := fsys.stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errorf(dir, 0, ErrNotFound, "directory not found")
		}
		return nil, &Error{File: dir, Err: err}
	}
	if !info.IsDir() {
		return nil, errorf(dir, 0, ErrInvalid, "not a directory; render takes an environment directory")
	}
	sc := newScanner(fsys, r.opts.AllowRemoteBases)
	file, err := sc.findKustomization(dir)
	if err != nil {
		return nil, err
	}
	generated := file == ""
	if generated {
		skip := hiddenFile
		if t != nil && t.skip != nil {
			skip = t.skip
		}
		if file, err = generateKustomization(fsys, dir, skip); err != nil {
			return nil, err
		}
	}
	if t != nil && t.kustomization != nil {
		data, err := fsys.ReadFile(abs(file))
		if err != nil {
			return nil, &Error{File: file, Err: err}
		}
		if data, err = t.kustomization(data, generated); err != nil {
			if _, ok := errors.AsType[*Error](err); ok {
				return nil, err
			}
			return nil, &Error{File: file, Err: err}
		}
		fsys.overrides[file] = data
	}
	// Scan the kustomizations as written, then — unless origins can be
	// derived from the graph — switch origin annotations on in the copy
	// kustomize reads.
	k, err := sc.scan(dir, file, 0)
	if err != nil {
		return nil, err
	}
	top, err := r.prepare(fsys, sc, k)
	if err != nil {
		return nil, err
	}
	lines := newLineFinder(fsys)
	var objs []built
	if subs, ok := aggregateOf(k, sc); ok && top.user == (asked{}) {
		r.log.Debug("rendering aggregate kustomization one sub-kustomization at a time", "dir", dir, "subs", len(subs))
		objs, err = r.renderAggregate(ctx, fsys, sc, lines, top, subs)
	} else {
		err = r.buildTops(ctx, fsys, lines, []*buildTop{top}, func(_ int, b []built) { objs = b }, nil)
	}
	if err != nil {
		if errors.Is(err, ErrInvalid) {
			if precise := sc.diagnose(); precise != nil {
				return nil, precise
			}
		}
		return nil, err
	}
	res := &Result{Dir: dir, Objects: make([]*manifest.Object, len(objs))}
	for i, b := range objs {
		if r.opts.SkipOrigins {
			res.Objects[i] = b.obj
			continue
		}
		res.Objects[i] = lines.locate(b)
	}
	res.Files = fsys.files()
	res.Findings = sc.deprecations()
	return res, nil
}

// buildTop is a kustomization about to be built as the top of a build — an
// environment, or a part of an aggregate — and how its objects get their
// origins.
type buildTop struct {
	k    *kustomization
	user asked // the build metadata the kustomization asks for itself
	// traced says kustomize records origins (the renderer asked for them
	// and they cannot be derived); derived, when not nil, derives them
	// from the graph after a plain build.
	traced  bool
	derived *derivation
}

// prepare decides how k's objects get their origins and, when kustomize
// must trace them, serves k with origin annotations switched on. It changes
// fsys's overrides: call it while no build runs.
func (r *Renderer) prepare(fsys *repoFS, sc *scanner, k *kustomization) (*buildTop, error) {
	t := &buildTop{k: k, user: k.asks}
	if r.opts.SkipOrigins {
		return t, nil
	}
	// A kustomization that asks for build metadata itself is traced by
	// kustomize anyway.
	if d, ok := derive(k, sc); ok && t.user == (asked{}) && !r.traceAll {
		r.log.Debug("deriving origins from the kustomization graph", "kustomization", k.file)
		t.derived = d
		return t, nil
	}
	r.log.Debug("tracing origins with kustomize", "kustomization", k.file)
	return t, t.trace(fsys)
}

// trace switches kustomize's origin annotations on for t.
func (t *buildTop) trace(fsys *repoFS) error {
	t.traced, t.derived = true, nil
	return annotate(fsys, t.k.file)
}

// buildTops builds tops, concurrently, and gives their objects origins:
// derived from the graph where it can; where it cannot after all (an
// object matching no file, or several), the top is built again, traced.
// done receives each top's objects.
func (r *Renderer) buildTops(ctx context.Context, fsys *repoFS, lines *lineFinder, tops []*buildTop, done func(int, []built), progress func(built, total int)) error {
	retry := make([]bool, len(tops))
	var finished atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, t := range tops {
		g.Go(func() error {
			objs, err := r.cachedBuild(gctx, fsys, t.k, t.user, t.traced, len(tops) > 1)
			if err != nil {
				return err
			}
			if t.derived != nil && !t.derived.apply(lines, objs) {
				retry[i] = true
				return nil
			}
			done(i, objs)
			if progress != nil {
				progress(int(finished.Add(1)), len(tops))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var again []*buildTop
	var at []int
	for i, t := range tops {
		if retry[i] {
			r.log.Debug("origins cannot be derived from the graph; tracing them", "kustomization", t.k.file)
			if err := t.trace(fsys); err != nil {
				return err
			}
			again = append(again, t)
			at = append(at, i)
		}
	}
	if len(again) == 0 {
		return nil
	}
	return r.buildTops(ctx, fsys, lines, again, func(i int, objs []built) { done(at[i], objs) }, nil)
}

// annotate serves the kustomization file with origin and transformer
// annotations switched on (see withBuildMetadata).
func annotate(fsys *repoFS, file string) error {
	data, err := fsys.ReadFile(abs(file))
	if err != nil {
		return &Error{File: file, Err: err}
	}
	annotated, err := withBuildMetadata(file, data)
	if err != nil {
		return err
	}
	fsys.overrides[file] = annotated
	return nil
}

// build runs kustomize on one kustomization and ties its errors to the file.
// parallel says other builds run beside it (see enterBuild).
func build(ctx context.Context, fsys *repoFS, k *kustomization, user asked, parallel bool) ([]built, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	file := k.file
	objs, err := kustomize(fsys, k.dir, user, k.customSchema, parallel)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("%s: %w", file, cerr)
		}
		if le, ok := limitError(err); ok {
			return nil, le
		}
		if le := fsys.refusal(); le != nil {
			return nil, le
		}
		if errors.Is(err, ErrOutsideRoot) {
			return nil, &Error{File: file, Err: fmt.Errorf("%s: %w", cleanKustomizeError(err), ErrOutsideRoot)}
		}
		return nil, &Error{File: file, Err: &kindError{msg: cleanKustomizeError(err), kind: ErrInvalid}}
	}
	return objs, ctx.Err()
}
