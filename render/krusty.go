package render

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/openapi"

	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/manifest"
)

// kustomize keeps its OpenAPI schema in package-level state. It parses the
// built-in schema lazily without synchronising every reader, concurrent
// builds that set a schema corrupt it (kubernetes-sigs/kustomize#3659,
// #4824), and a kustomization's openapi field replaces it for the rest of the
// process. ferry quarantines it behind buildMu:
//
//   - builds that use the built-in schema run concurrently under the shared
//     lock, once that schema is parsed, so that every access to it is a
//     read: the parts of an aggregate (see renderAggregate), which parse it
//     first if need be, and any build once it is parsed;
//   - until then, a build on its own runs alone without parsing it: a
//     simple build never needs the schema, and parsing it costs more than
//     building a small overlay. Whether kustomize parsed it lazily is not
//     known, so such builds stay one at a time (a plan's source and target
//     overlays build in turn) until an aggregate has parsed it;
//   - a build whose kustomizations set their own schema (the openapi field)
//     runs alone, resetting the schema before and after it;
//   - after a panic the schema is reset before the next build, which
//     parses it again.
//
// These two variables are the only package-level state in ferry, and exist
// only to contain kustomize's.
var (
	buildMu sync.RWMutex
	// schema is the state of kustomize's schema: schemaUnknown at start
	// (other code in the process may use kustomize too) and after a panic,
	// schemaBuiltin once reset, schemaParsed once the built-in schema is
	// parsed and may be shared.
	schema atomic.Int32
)

const (
	schemaUnknown int32 = iota
	schemaBuiltin
	schemaParsed
)

// enterBuild takes buildMu for one build and returns the function that
// releases it: the shared lock for a build beside others (parallel), or for
// any build once the schema is parsed; the lock alone otherwise, and always
// when customSchema says the build sets its own schema.
func enterBuild(customSchema, parallel bool) (leave func(panicked bool)) {
	if !customSchema && (parallel || schema.Load() == schemaParsed) {
		for {
			buildMu.RLock()
			if schema.Load() == schemaParsed {
				return func(panicked bool) {
					if panicked {
						schema.Store(schemaUnknown)
					}
					buildMu.RUnlock()
				}
			}
			buildMu.RUnlock()
			buildMu.Lock()
			if schema.Load() == schemaUnknown {
				openapi.ResetOpenAPI()
			}
			_ = openapi.Schema() // parse the built-in schema now, alone
			schema.Store(schemaParsed)
			buildMu.Unlock()
		}
	}
	buildMu.Lock()
	if customSchema || schema.Load() == schemaUnknown {
		openapi.ResetOpenAPI()
		schema.Store(schemaBuiltin)
	}
	return func(panicked bool) {
		switch {
		case customSchema:
			openapi.ResetOpenAPI()
			schema.Store(schemaBuiltin)
		case panicked:
			schema.Store(schemaUnknown)
		}
		buildMu.Unlock()
	}
}

// built is an object from a kustomize build with its raw origin.
type built struct {
	obj *manifest.Object
	// origin as kustomize recorded it, paths made repository-relative.
	file, repo string
	// generator is the kind of the generator (ConfigMapGenerator,
	// SecretGenerator) for generated objects.
	generator string
	// imageKustomizations are the kustomization files whose images: entries
	// changed the object, in the order kustomize applied them.
	imageKustomizations []string
	// patchKustomizations are the kustomization files whose patches changed
	// the object, in the order kustomize applied them.
	patchKustomizations []string
}

// asked records which build metadata a kustomization asked for itself: those
// annotations stay in the output, as kustomize would print them. When ferry
// cannot derive origins from the graph (see derive.go), it switches both on
// in the copy kustomize reads, to learn where objects and their fields come
// from.
type asked struct {
	origins, transformers bool
}

// transformation is one entry of kustomize's transformations annotation.
type transformation struct {
	ConfiguredIn string `yaml:"configuredIn"`
	ConfiguredBy struct {
		Kind string `yaml:"kind"`
	} `yaml:"configuredBy"`
}

// kustomize builds the kustomization in dir (repository-relative) with
// kustomize's default options, as `kustomize build` does, and returns the
// objects in kustomize's output order with their origins and the
// kustomizations whose images: entries changed them. customSchema says
// whether the kustomizations built use the openapi field, which makes the
// build run alone; parallel whether other builds run beside it (see buildMu).
func kustomize(fsys *repoFS, dir string, user asked, customSchema, parallel bool) (out []built, err error) {
	leave := enterBuild(customSchema, parallel)
	panicked := true
	defer func() { leave(panicked) }()
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kustomize panicked: %v: %w", r, ErrInvalid)
			return
		}
		panicked = false
	}()

	// The options of `kustomize build` without flags: legacy output order,
	// loads restricted to the kustomization's directory tree, built-in
	// plugins only, Helm disabled.
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionUnspecified
	if fsys.flux {
		// kustomize-controller's options: no load restrictions inside the
		// repository, and a Reorder value that is neither legacy nor
		// unspecified, so kustomize keeps the declared order.
		opts.LoadRestrictions = kustypes.LoadRestrictionsNone
		opts.Reorder = ""
	}
	k := krusty.MakeKustomizer(opts)
	m, err := k.Run(fsys, abs(dir))
	if err != nil {
		return nil, err
	}
	resources := m.Resources()
	out = make([]built, len(resources))
	for i, r := range resources {
		o, err := r.GetOrigin()
		if err != nil {
			return nil, fmt.Errorf("read origin of %s: %w", r.CurId(), err)
		}
		b := &out[i]
		if o != nil {
			switch {
			case o.Repo != "":
				b.repo, b.file = o.Repo, o.Path
				if o.Ref != "" {
					b.repo += "?ref=" + o.Ref
				}
			case o.ConfiguredIn != "":
				b.file = path.Join(dir, o.ConfiguredIn)
				b.generator = o.ConfiguredBy.Kind
			default:
				b.file = path.Join(dir, o.Path)
			}
		}
		if raw := r.GetAnnotations()[transformationsAnnotation]; raw != "" {
			var ts []transformation
			if err := yaml.Unmarshal([]byte(raw), &ts); err != nil {
				return nil, fmt.Errorf("read transformations of %s: %w", r.CurId(), err)
			}
			for _, t := range ts {
				if t.ConfiguredIn == "" {
					continue
				}
				switch t.ConfiguredBy.Kind {
				case "ImageTagTransformer":
					b.imageKustomizations = append(b.imageKustomizations, path.Join(dir, t.ConfiguredIn))
				case "PatchTransformer", "PatchStrategicMergeTransformer", "PatchJson6902Transformer":
					b.patchKustomizations = append(b.patchKustomizations, path.Join(dir, t.ConfiguredIn))
				}
			}
		}
	}
	if !user.origins {
		if err := m.RemoveOriginAnnotations(); err != nil {
			return nil, fmt.Errorf("remove origin annotations: %w", err)
		}
	}
	if !user.transformers {
		if err := m.RemoveTransformerAnnotations(); err != nil {
			return nil, fmt.Errorf("remove transformer annotations: %w", err)
		}
	}
	for i, r := range resources {
		obj, err := objectOf(&r.RNode, manifest.Origin{File: out[i].file, Repo: out[i].repo})
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", r.CurId(), err)
		}
		out[i].obj = obj
	}
	return out, nil
}

// transformationsAnnotation is where kustomize records the transformers that
// changed an object, with buildMetadata: [transformerAnnotations].
const transformationsAnnotation = "alpha.config.kubernetes.io/transformations"

// withBuildMetadata returns the kustomization with buildMetadata:
// [originAnnotations, transformerAnnotations] added, so kustomize records
// where each object comes from and which kustomizations changed it.
func withBuildMetadata(file string, data []byte) ([]byte, error) {
	root, err := parseKustomization(file, data)
	if err != nil {
		return nil, err
	}
	bm := yamlnode.Value(root, "buildMetadata")
	user := asksOf(bm)
	if user.origins && user.transformers {
		return data, nil
	}
	var items []*yaml.Node
	if !user.origins {
		items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Value: "originAnnotations"})
	}
	if !user.transformers {
		items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Value: "transformerAnnotations"})
	}
	if bm != nil && bm.Kind == yaml.SequenceNode {
		bm.Content = append(bm.Content, items...)
	} else {
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: "buildMetadata"},
			&yaml.Node{Kind: yaml.SequenceNode, Content: items})
	}
	var buf bytes.Buffer
	if err := yaml.NewEncoder(&buf).Encode(root); err != nil {
		return nil, errorf(file, 0, ErrInvalid, "annotate kustomization: %v", err)
	}
	return buf.Bytes(), nil
}

// asksOf reads a kustomization's buildMetadata list.
func asksOf(buildMetadata *yaml.Node) asked {
	var user asked
	for _, e := range yamlnode.Scalars(buildMetadata) {
		user.origins = user.origins || e.Value == "originAnnotations"
		user.transformers = user.transformers || e.Value == "transformerAnnotations"
	}
	return user
}

// cleanKustomizeError rewrites kustomize's absolute paths into
// repository-relative ones and trims its noise.
func cleanKustomizeError(err error) string {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, mount+"/", "")
	msg = strings.ReplaceAll(msg, mount, ".")
	return msg
}
