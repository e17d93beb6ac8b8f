package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
)

// Cache keeps kustomize builds across renders: a kustomization whose input
// files hold the same bytes as when it was built is not built again. Share
// one between Renderers (Options.Cache) that render the same repository,
// or versions of it, such as a planner rendering a target before and after
// its edits. A Cache is safe for concurrent use. It holds every build it
// has seen: make one per task, not one per process.
type Cache struct {
	mu     sync.Mutex
	builds map[string][]built
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{builds: map[string][]built{}}
}

// cacheKey identifies a build by its directory, the build metadata it was
// made with (traced: kustomize recorded origins), and the content of every
// input file, which it reads (and so records among the files of the
// render).
func cacheKey(fsys *repoFS, k *kustomization, user asked, traced bool) (string, bool) {
	files := make([]string, 0, len(k.inputs))
	for f := range k.inputs {
		files = append(files, f)
	}
	slices.Sort(files)
	var b strings.Builder
	b.WriteString(k.dir)
	if traced {
		b.WriteString("\x00origins")
	}
	if user.origins {
		b.WriteString("\x00user-origins")
	}
	if user.transformers {
		b.WriteString("\x00user-transformers")
	}
	if fsys.flux {
		b.WriteString("\x00flux")
	}
	for _, f := range files {
		sum, ok := fsys.sum(f)
		if !ok {
			return "", false
		}
		b.WriteString("\x00" + f + "=" + sum)
	}
	// What kustomize reads in place of files: the kustomizations ferry
	// generated, annotated or — for Flux — merged a Kustomization's spec
	// into. A generated one has no file among the inputs.
	if !k.inputs[k.file] {
		files = append(files, k.file)
		slices.Sort(files)
	}
	for _, f := range files {
		if data, ok := fsys.overrides[f]; ok {
			sum := sha256.Sum256(data)
			b.WriteString("\x00override:" + f + "=" + hex.EncodeToString(sum[:]))
		}
	}
	return b.String(), true
}

// cachedBuild is build with the renderer's cache in front of it.
func (r *Renderer) cachedBuild(ctx context.Context, fsys *repoFS, k *kustomization, user asked, traced, parallel bool) ([]built, error) {
	c := r.opts.Cache
	if c == nil {
		return build(ctx, fsys, k, user, parallel)
	}
	key, ok := cacheKey(fsys, k, user, traced)
	if ok {
		c.mu.Lock()
		objs, hit := c.builds[key]
		c.mu.Unlock()
		if hit {
			return slices.Clone(objs), nil
		}
	}
	objs, err := build(ctx, fsys, k, user, parallel)
	if err == nil && ok {
		c.mu.Lock()
		c.builds[key] = slices.Clone(objs)
		c.mu.Unlock()
	}
	return objs, err
}
