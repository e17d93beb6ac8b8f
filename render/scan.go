package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/yamlerr"
	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/manifest"
)

// kustomizationFileNames are the names kustomize recognises, in its order.
var kustomizationFileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomization is what the scanner learned about one kustomization file.
type kustomization struct {
	dir  string // repository-relative directory
	file string // repository-relative kustomization file
	// fields are the top-level fields the file sets.
	fields map[string]bool
	// subdirs are the resources that are directories, in order.
	subdirs []string
	// components are the components' directories, in order.
	components []string
	// fileResources are the resources that are files, in order.
	fileResources []string
	// usesVars is true when this kustomization or one it includes uses the
	// deprecated vars, which kustomize resolves across the whole build.
	usesVars bool
	// customSchema is true when this kustomization or one it includes sets
	// kustomize's OpenAPI schema (the openapi field).
	customSchema bool
	// renames is true when this kustomization or one it includes sets a
	// name prefix or suffix; affixes are those prefixes and suffixes.
	renames bool
	affixes []string
	// remote is true when this kustomization or one it includes refers
	// to remote bases, components or plugin configurations (allowed by
	// Options.AllowRemoteBases).
	remote bool
	// inputs are the repository files building it reads: its own, and
	// those of the kustomizations it includes.
	inputs map[string]bool
	// asks are the build metadata annotations the file asks for itself.
	asks asked
	// resources counts the resource files building it reads, each as
	// many times as the graph reaches it (saturating past the limit).
	resources int
	// deprecated are the fields it sets that kustomize deprecates, with
	// the line of each key.
	deprecated []deprecation
	// component is true for a kustomize Component (kind: Component).
	component bool
}

// RuleDeprecated is the rule of the warnings about deprecated kustomization
// fields (see Result.Findings).
const RuleDeprecated = "kustomize-deprecated"

// deprecation is a deprecated field a kustomization sets.
type deprecation struct {
	field string
	line  int
}

// deprecatedFields are the kustomization fields kustomize warns about on
// every build (types.Kustomization.CheckDeprecatedFields), each with the
// field to use instead.
var deprecatedFields = map[string]string{
	"bases":                 "resources",
	"commonLabels":          "labels",
	"imageTags":             "images",
	"patchesJson6902":       "patches",
	"patchesStrategicMerge": "patches",
	"vars":                  "replacements",
}

// scanner walks the graph of kustomizations reachable from a directory
// before kustomize builds it. It is the sandbox's gate: it refuses remote
// bases, plugins, paths outside the repository and cycles, and it reports
// missing files, each with the file and line of the offending entry — all
// things kustomize would report late, vaguely, or after touching the network.
type scanner struct {
	fs          *repoFS
	allowRemote bool
	done        map[string]*kustomization
	// inputs are the repository files the kustomizations refer to,
	// themselves included.
	inputs map[string]bool
	stack  []string
}

func newScanner(fsys *repoFS, allowRemote bool) *scanner {
	return &scanner{fs: fsys, allowRemote: allowRemote, done: map[string]*kustomization{}, inputs: map[string]bool{}}
}

// use records that building k reads the repository file p.
func (s *scanner) use(k *kustomization, p string) {
	s.inputs[p] = true
	k.inputs[p] = true
}

// findKustomization returns the kustomization file in dir, "" when there is
// none, or an error when there are several.
func (s *scanner) findKustomization(dir string) (string, error) {
	var found []string
	for _, name := range kustomizationFileNames {
		p := path.Join(dir, name)
		if info, err := s.fs.stat(p); err == nil && !info.IsDir() {
			found = append(found, p)
		}
	}
	if len(found) > 1 {
		return "", errorf(found[0], 0, ErrInvalid, "found several kustomization files in %s (%s): keep one", dir, strings.Join(found, ", "))
	}
	if len(found) == 0 {
		return "", nil
	}
	return found[0], nil
}

// scan checks the kustomization in dir and everything it includes. from and
// line name the entry that led here, for error messages.
func (s *scanner) scan(dir, from string, line int) (*kustomization, error) {
	if k, ok := s.done[dir]; ok {
		return k, nil
	}
	for i, d := range s.stack {
		if d == dir {
			chain := append(append([]string{}, s.stack[i:]...), dir)
			return nil, errorf(from, line, ErrCycle, "kustomizations include each other: %s; remove one of these references", strings.Join(chain, " -> "))
		}
	}
	file, err := s.findKustomization(dir)
	if err != nil {
		return nil, err
	}
	if file == "" {
		return nil, errorf(from, line, ErrNotFound, "directory %s has no kustomization.yaml; kustomize needs one in every directory listed as a resource (add one, or list the files instead)", dir)
	}
	data, err := s.fs.ReadFile(abs(file))
	if err != nil {
		return nil, fileError(file, err)
	}
	k := &kustomization{dir: dir, file: file, fields: map[string]bool{}, inputs: map[string]bool{}}
	if _, err := fs.Stat(s.fs.fsys, file); err == nil {
		s.use(k, file) // not one ferry generated
	}
	root, err := parseKustomization(file, data)
	if err != nil {
		return nil, err
	}
	s.stack = append(s.stack, dir)
	defer func() { s.stack = s.stack[:len(s.stack)-1] }()

	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		// kustomize reads its fields through encoding/json, which
		// matches keys case-insensitively: so does the scanner.
		name := canonicalField(key.Value)
		k.fields[name] = true
		if _, ok := deprecatedFields[name]; ok {
			k.deprecated = append(k.deprecated, deprecation{name, key.Line})
		}
		if key.Value == "kind" && val.Value == "Component" {
			k.component = true
		}
		if err := s.field(k, name, key, yamlnode.Resolve(val)); err != nil {
			return nil, err
		}
	}
	if k.resources > s.fs.limits.MaxResources {
		return nil, errorf(file, 0, ErrLimit, "building it reads more than %d resource files, counting each file as many times as the kustomizations reach it (Options.Limits.MaxResources): kustomizations that include each other several times multiply; include each base once, or raise the limit", s.fs.limits.MaxResources)
	}
	if !s.allowRemote {
		if err := gateKustomization(file, data, root, func(p string) ([]byte, error) { return s.fs.ReadFile(abs(p)) }); err != nil {
			return nil, err
		}
	}
	s.done[dir] = k
	return k, nil
}

func parseKustomization(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, errorf(file, yamlerr.Line(err), ErrInvalid, "invalid YAML: %s", yamlerr.Message(err))
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errorf(file, root.Line, ErrInvalid, "a kustomization must be a mapping")
	}
	return root, nil
}

// field checks one top-level field of a kustomization.
func (s *scanner) field(k *kustomization, name string, key, val *yaml.Node) error {
	switch name {
	case "resources", "bases":
		for _, e := range yamlnode.Scalars(val) {
			if err := s.resource(k, e, false); err != nil {
				return err
			}
		}
	case "components":
		for _, e := range yamlnode.Scalars(val) {
			if err := s.resource(k, e, true); err != nil {
				return err
			}
		}
	case "helmCharts", "helmChartInflationGenerator", "helmGlobals":
		return errorf(k.file, key.Line, ErrPlugin,
			"%s: ferry does not inflate Helm charts while rendering (it would run the helm binary and may download charts); render the chart into the repository with `helm template`, or deploy it with a Flux HelmRelease", key.Value)
	case "generators", "transformers", "validators":
		for _, e := range val.Content {
			if err := s.plugin(k, name, yamlnode.Resolve(e)); err != nil {
				return err
			}
		}
	case "crds", "configurations", "patchesStrategicMerge":
		for _, e := range yamlnode.Scalars(val) {
			if strings.Contains(e.Value, "\n") {
				continue // an inline patch
			}
			if err := s.file(k, e.Value, e.Line); err != nil {
				return err
			}
		}
	case "patches", "patchesJson6902", "replacements":
		for _, e := range val.Content {
			for _, p := range fieldScalars(yamlnode.Resolve(e), "path") {
				if err := s.file(k, p.Value, p.Line); err != nil {
					return err
				}
			}
		}
	case "openapi":
		k.customSchema = true
		for _, p := range fieldScalars(val, "path") {
			if err := s.file(k, p.Value, p.Line); err != nil {
				return err
			}
		}
	case "configMapGenerator", "secretGenerator":
		for _, gen := range val.Content {
			gen = yamlnode.Resolve(gen)
			refs := fieldScalars(gen, "files", "envs", "env")
			for _, r := range refs {
				if err := s.fileSource(k, r.Value, r.Line); err != nil {
					return err
				}
			}
		}
	case "buildMetadata":
		k.asks = asksOf(val)
	case "vars":
		k.usesVars = true
	case "namePrefix", "nameSuffix":
		k.renames = true
		if val.Kind == yaml.ScalarNode && val.Value != "" && !slices.Contains(k.affixes, val.Value) {
			k.affixes = append(k.affixes, val.Value)
		}
	}
	return nil
}

// resource checks an entry of resources, bases or components and scans the
// kustomizations it leads to.
func (s *scanner) resource(k *kustomization, e *yaml.Node, component bool) error {
	ref := e.Value
	if why := remoteReason(ref); why != "" {
		return s.remote(k, ref, why, e.Line)
	}
	p, err := s.local(k, ref, e.Line)
	if err != nil {
		return err
	}
	info, err := s.fs.stat(p)
	if errors.Is(err, fs.ErrNotExist) && looksLikeRemoteHost(ref) {
		return s.remote(k, ref, "no such path exists and it looks like a host name", e.Line)
	}
	if err != nil {
		return s.statError(k, ref, p, e.Line, err)
	}
	if !info.IsDir() {
		if err := checkRegular(p, info); err != nil {
			return errorf(k.file, e.Line, ErrNotRegular, "%q: %v", ref, err)
		}
		if component {
			return errorf(k.file, e.Line, ErrInvalid, "component %q is a file; components are directories holding a kustomization.yaml of kind Component", ref)
		}
		k.fileResources = append(k.fileResources, p)
		k.resources++
		s.use(k, p)
		return nil
	}
	sub, err := s.scan(p, k.file, e.Line)
	if err != nil {
		return err
	}
	k.include(sub)
	k.resources = min(k.resources+sub.resources, s.fs.limits.MaxResources+1)
	if component {
		k.components = append(k.components, p)
	} else {
		k.subdirs = append(k.subdirs, p)
	}
	return nil
}

// include records that building k builds sub too: its files, and what
// makes a build of it special (vars, renames, remote resources, its own
// schema — kustomize sets a directory's openapi schema for the rest of
// the build, plugin configuration directories included).
func (k *kustomization) include(sub *kustomization) {
	for f := range sub.inputs {
		k.inputs[f] = true
	}
	k.usesVars = k.usesVars || sub.usesVars
	k.renames = k.renames || sub.renames
	for _, a := range sub.affixes {
		if !slices.Contains(k.affixes, a) {
			k.affixes = append(k.affixes, a)
		}
	}
	k.remote = k.remote || sub.remote
	k.customSchema = k.customSchema || sub.customSchema
}

// plugin checks an entry of generators, transformers or validators: inline
// configuration, a file of plugin configurations, or a kustomization
// directory producing them.
func (s *scanner) plugin(k *kustomization, field string, e *yaml.Node) error {
	if e.Kind == yaml.MappingNode {
		return s.pluginConfig(k, k.file, e.Line, 0, field, e)
	}
	if e.Kind != yaml.ScalarNode {
		return errorf(k.file, e.Line, ErrInvalid, "%s entries must be paths or inline configurations", field)
	}
	if strings.Contains(e.Value, "\n") {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(e.Value), &doc); err != nil || len(doc.Content) == 0 {
			return errorf(k.file, e.Line, ErrInvalid, "inline %s configuration is not valid YAML", field)
		}
		return s.pluginConfig(k, k.file, e.Line, e.Line, field, doc.Content[0]) // its lines count from the one after "- |"
	}
	if why := remoteReason(e.Value); why != "" {
		return s.remote(k, e.Value, why, e.Line)
	}
	p, err := s.local(k, e.Value, e.Line)
	if err != nil {
		return err
	}
	info, err := s.fs.stat(p)
	if err != nil {
		return s.statError(k, e.Value, p, e.Line, err)
	}
	if info.IsDir() {
		sub, err := s.scan(p, k.file, e.Line)
		if err != nil {
			return err
		}
		k.include(sub)
		// The objects that directory builds are plugin configurations.
		return s.pluginDir(sub, field, map[string]bool{})
	}
	s.use(k, p)
	return s.pluginFile(k, field, p)
}

// pluginDir checks the resource files of a kustomization directory listed
// as generators, transformers or validators, and of the directories it
// includes: each is a plugin configuration.
func (s *scanner) pluginDir(k *kustomization, field string, seen map[string]bool) error {
	if seen[k.dir] {
		return nil
	}
	seen[k.dir] = true
	for _, p := range k.fileResources {
		if err := s.pluginFile(k, field, p); err != nil {
			return err
		}
	}
	for _, d := range append(slices.Clone(k.subdirs), k.components...) {
		if sub := s.done[d]; sub != nil {
			if err := s.pluginDir(sub, field, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// pluginFile checks a file of plugin configurations, read by k's loader.
func (s *scanner) pluginFile(k *kustomization, field, p string) error {
	data, err := s.fs.ReadFile(abs(p))
	if err != nil {
		return fileError(p, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errorf(p, yamlerr.Line(err), ErrInvalid, "invalid YAML: %s", yamlerr.Message(err))
		}
		if len(doc.Content) > 0 {
			if err := s.pluginConfig(k, p, doc.Content[0].Line, 0, field, doc.Content[0]); err != nil {
				return err
			}
		}
	}
}

// pluginConfig refuses plugin configurations that are not kustomize
// built-ins: exec plugins, Go plugins and KRM functions all run code.
//
// Built-in configurations name files kustomize reads through the
// kustomization's loader (which fetches http(s) URLs): path
// (PatchTransformer, PatchJson6902Transformer, ReplacementTransformer),
// targetFilePath (ValueAddTransformer), and a generator's files, envs and
// env. Those go through the same checks as the kustomization's own files.
// file and line locate the configuration, offset shifts the lines of an
// inline one.
func (s *scanner) pluginConfig(k *kustomization, file string, line, offset int, field string, cfg *yaml.Node) error {
	apiVersion := ""
	if v := yamlnode.Scalar(cfg, "apiVersion"); v != nil {
		apiVersion = v.Value
	}
	kind := ""
	if v := yamlnode.Scalar(cfg, "kind"); v != nil {
		kind = v.Value
	}
	fn := false
	if meta := yamlnode.Value(cfg, "metadata"); meta != nil {
		if ann := yamlnode.Value(meta, "annotations"); ann != nil {
			fn = yamlnode.Value(ann, "config.kubernetes.io/function") != nil || yamlnode.Value(ann, "config.k8s.io/function") != nil
		}
	}
	if fn {
		return errorf(file, line, ErrPlugin, "%s: %s %s is a KRM function; ferry does not run functions while rendering (they execute containers or binaries): run them beforehand and commit their output, or use kustomize's built-in transformers", field, apiVersion, kind)
	}
	if apiVersion != "builtin" && apiVersion != "" {
		return errorf(file, line, ErrPlugin, "%s: %s %s is an external plugin; ferry runs only kustomize's built-in plugins (apiVersion: builtin): run it beforehand and commit its output", field, apiVersion, kind)
	}
	// Built-in plugins read their configuration through encoding/json
	// too: keys match case-insensitively.
	refs := fieldScalars(cfg, pluginRefKeys...)
	for _, r := range refs {
		// Paths resolve against the kustomization; errors name the file
		// that holds the configuration.
		at := *k
		at.file = file
		if err := s.fileSource(&at, r.Value, offset+r.Line); err != nil {
			return err
		}
	}
	return nil
}

// file checks a reference to a file read by kustomize.
func (s *scanner) file(k *kustomization, ref string, line int) error {
	if why := remoteReason(ref); why != "" {
		return s.remote(k, ref, why, line)
	}
	p, err := s.local(k, ref, line)
	if err != nil {
		return err
	}
	info, err := s.fs.stat(p)
	if err != nil {
		return s.statError(k, ref, p, line, err)
	}
	if !info.IsDir() {
		if err := checkRegular(p, info); err != nil {
			return errorf(k.file, line, ErrNotRegular, "%q: %v", ref, err)
		}
		s.use(k, p)
	}
	return nil
}

// fileSource checks an entry of a generator's files or envs, which may be
// written key=path: the whole entry and the path must both be local.
func (s *scanner) fileSource(k *kustomization, ref string, line int) error {
	if why := remoteReason(ref); why != "" {
		return s.remote(k, ref, why, line)
	}
	if _, after, found := strings.Cut(ref, "="); found {
		ref = after
	}
	return s.file(k, ref, line)
}

// local resolves a relative reference against the kustomization's directory,
// refusing absolute paths and paths that leave the repository.
func (s *scanner) local(k *kustomization, ref string, line int) (string, error) {
	if path.IsAbs(ref) {
		return "", errorf(k.file, line, ErrOutsideRoot, "%q is an absolute path; use a path relative to the kustomization, inside the repository", ref)
	}
	p := path.Join(k.dir, ref)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", errorf(k.file, line, ErrOutsideRoot, "%q leads outside the repository root; ferry reads only files inside the repository (set the root with --root if the repository is larger)", ref)
	}
	return p, nil
}

func (s *scanner) statError(k *kustomization, ref, p string, line int, err error) error {
	if errors.Is(err, ErrOutsideRoot) {
		return errorf(k.file, line, ErrOutsideRoot, "%q is a symlink leading outside the repository root; ferry does not follow it", ref)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(k.file, line, ErrNotFound, "%q not found (looked for %s); fix the path or add the file", ref, p)
	}
	return &Error{File: k.file, Line: line, Err: err}
}

func (s *scanner) remote(k *kustomization, ref, why string, line int) error {
	if s.allowRemote {
		k.remote = true
		return nil
	}
	return remoteError(k.file, line, ref, why)
}

// remoteError refuses a remote reference.
func remoteError(file string, line int, ref, why string) error {
	return errorf(file, line, ErrRemoteBase, "%q is remote (%s); ferry reads only relative paths inside the repository, renders offline and never runs git: vendor it into the repository, or allow remote bases (Options.AllowRemoteBases, --allow-remote-bases)", ref, why)
}

// diagnose looks for the input behind a failed build that kustomize reports
// without a line: a resource file that is not valid YAML or not a Kubernetes
// object. It returns nil when it finds nothing more precise to say. It runs
// only after a failure, so the happy path parses nothing twice.
func (s *scanner) diagnose() error {
	dirs := make([]string, 0, len(s.done))
	for d := range s.done {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		k := s.done[d]
		seen := map[manifest.ID]manifest.Origin{}
		for _, p := range k.fileResources {
			data, err := s.fs.ReadFile(abs(p))
			if err != nil {
				continue
			}
			objs, err := manifest.Decode(p, data)
			var de *manifest.DecodeError
			if errors.As(err, &de) {
				if _, real := fs.Stat(s.fs.fsys, k.file); real != nil {
					return errorf(de.File, de.Line, ErrInvalid, "%v; %s has no kustomization.yaml, so every YAML file below it must be a Kubernetes object (as in Flux): move the file out or add a kustomization.yaml", de.Err, k.dir)
				}
				return errorf(de.File, de.Line, ErrInvalid, "%v (listed in %s)", de.Err, k.file)
			}
			for _, o := range objs {
				if first, dup := seen[o.ID()]; dup {
					return errorf(o.Origin().File, o.Origin().Line, ErrInvalid,
						"%s is defined twice, here and at %s (both listed in %s); object IDs must be unique: remove one or rename it", o.ID(), first, k.file)
				}
				seen[o.ID()] = o.Origin()
			}
		}
	}
	return nil
}

// fileError ties err to file, unless it names a file already.
func fileError(file string, err error) error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{File: file, Err: err}
}

// deprecations returns one warning for each deprecated field of each
// kustomization file of the repository the scanner read, in file order:
// what kustomize prints to standard error on every build, as findings with
// the file and line to fix.
func (s *scanner) deprecations() []finding.Finding {
	var out []finding.Finding
	for _, k := range s.done {
		if !s.inputs[k.file] {
			continue // one ferry generated
		}
		deprecated := k.deprecated
		if _, served := s.fs.overrides[k.file]; served {
			// Flux merged its Kustomization into what the scanner read:
			// the lines are the file's.
			deprecated = fileDeprecations(s.fs, k.file)
		}
		for _, d := range deprecated {
			out = append(out, finding.Finding{
				Rule: RuleDeprecated, Severity: finding.SeverityWarning,
				Source:  manifest.Origin{File: k.file, Line: d.line},
				Message: fmt.Sprintf("'%s' is deprecated: use '%s' instead (`kustomize edit fix` rewrites it)", d.field, deprecatedFields[d.field]),
			})
		}
	}
	finding.Sort(out)
	return out
}

// fileDeprecations reads the deprecated fields of a kustomization file as
// the repository has it.
func fileDeprecations(fsys *repoFS, file string) []deprecation {
	data, err := fsys.readRepoFile(file)
	if err != nil {
		return nil
	}
	root, err := parseKustomization(file, data)
	if err != nil || root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	var out []deprecation
	for i := 0; i+1 < len(root.Content); i += 2 {
		if name := canonicalField(root.Content[i].Value); deprecatedFields[name] != "" {
			out = append(out, deprecation{name, root.Content[i].Line})
		}
	}
	return out
}
