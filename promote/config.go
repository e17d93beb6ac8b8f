package promote

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/yamlerr"
	"github.com/ferrygitops/ferry/internal/yamlnode"
	"github.com/ferrygitops/ferry/policy"
)

// ConfigFile is the name of the configuration file at the repository root.
const ConfigFile = "ferry.yaml"

// Config versions.
const (
	ConfigAPIVersion = "ferry.dev/v1alpha1"
	ConfigKind       = "Config"
)

// Config is a ferry.yaml: the environments of a repository.
type Config struct {
	// APIVersion is ferry.dev/v1alpha1.
	APIVersion string `yaml:"apiVersion"`
	// Kind is Config.
	Kind string `yaml:"kind"`
	// Environments are listed in promotion order, by convention.
	Environments []Environment `yaml:"environments"`
	// Sources maps Flux sources that are this repository, written
	// "Kind/namespace/name" (GitRepository/flux-system/apps), to their
	// directory in it ("." for the root). Flux Kustomizations of these
	// sources are rendered; the flux-system GitRepository always is.
	Sources map[string]string `yaml:"sources,omitempty"`
	// Policies are Rego policy files or directories, relative to the
	// repository root (the folder of ferry.yaml), that ferry plan and
	// ferry check run on every environment, besides the built-in rules.
	// An environment's own Policies are added to them (see
	// [Config.PolicyPaths]).
	Policies []string `yaml:"policies,omitempty"`
	// Data are JSON or YAML files or directories, relative to the
	// repository root, loaded under data for the Policies, as conftest's
	// --data loads them. An environment's own Data are added to them.
	Data []string `yaml:"data,omitempty"`

	// file names the configuration in errors; lines holds the line of
	// each policy and data path (see pathKey), when parsed.
	file  string
	lines map[string]int
}

// Environment is one environment of the repository.
type Environment struct {
	// Name identifies the environment ("production").
	Name string `yaml:"name"`
	// Path is the environment's directory, relative to the repository root:
	// a Kustomize overlay or a Flux cluster folder.
	Path string `yaml:"path"`
	// From names the environment promoted into this one.
	From string `yaml:"from,omitempty"`
	// KubernetesVersion is the version of the environment's cluster
	// ("1.33"), against which its manifests are validated.
	KubernetesVersion string `yaml:"kubernetesVersion,omitempty"`
	// Policy holds the environment's policy parameters.
	Policy policy.Params `yaml:"policy,omitempty"`
	// Policies are Rego policy files or directories, relative to the
	// repository root, run on this environment after the top-level ones.
	Policies []string `yaml:"policies,omitempty"`
	// Data are data files or directories for the policies, relative to
	// the repository root, loaded after the top-level ones.
	Data []string `yaml:"data,omitempty"`
	// Freeze lists the windows during which promotion into the environment
	// is blocked.
	Freeze []Window `yaml:"freeze,omitempty"`
	// BlockOn lists the baseline classes of the findings that block a
	// promotion into the environment: [new] (the default) blocks on what
	// the promotion causes only; [new, existing] also on errors the
	// environment already had before it.
	BlockOn []finding.Baseline `yaml:"blockOn,omitempty"`
	// ImagePolicies choose, for plans from the registry (ferry plan
	// --from-registry), the newest allowed tag of images that no Flux
	// ImagePolicy of the environment governs.
	ImagePolicies []ImagePolicy `yaml:"imagePolicies,omitempty"`
	// ProgressiveDelivery "required" makes a change to a workload the
	// source or the target rolls out through a Flagger Canary or an Argo
	// Rollout block unless the target rolls it out through one with
	// analysis (rule progressive-delivery).
	ProgressiveDelivery string `yaml:"progressiveDelivery,omitempty"`
}

// ImagePolicy is an image policy written in ferry.yaml: a Flux
// ImagePolicy's spec, with the image in place of imageRepositoryRef and the
// ImageRepository's exclusionList beside it. See the imagepolicy package.
type ImagePolicy struct {
	Image                  string            `yaml:"image"`
	Policy                 ImagePolicyChoice `yaml:"policy"`
	FilterTags             *TagFilter        `yaml:"filterTags,omitempty"`
	ExclusionList          []string          `yaml:"exclusionList,omitempty"`
	DigestReflectionPolicy string            `yaml:"digestReflectionPolicy,omitempty"`
}

// ImagePolicyChoice is one of a semver range, alphabetical or numerical
// order.
type ImagePolicyChoice struct {
	SemVer       *SemVerPolicy `yaml:"semver,omitempty"`
	Alphabetical *OrderPolicy  `yaml:"alphabetical,omitempty"`
	Numerical    *OrderPolicy  `yaml:"numerical,omitempty"`
}

// SemVerPolicy chooses the highest version in Range.
type SemVerPolicy struct {
	Range string `yaml:"range"`
}

// OrderPolicy orders tags: asc (the default) chooses the last, desc the
// first.
type OrderPolicy struct {
	Order string `yaml:"order,omitempty"`
}

// TagFilter keeps the tags Pattern matches, ordered by what Extract makes
// of them.
type TagFilter struct {
	Pattern string `yaml:"pattern"`
	Extract string `yaml:"extract,omitempty"`
}

// Window is a freeze window: [Start, End).
type Window struct {
	Start  time.Time `yaml:"start"`
	End    time.Time `yaml:"end"`
	Reason string    `yaml:"reason,omitempty"`
}

// UnmarshalYAML reads a freeze window; a start or end that is not an RFC
// 3339 time is an error naming its line.
func (w *Window) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a freeze window is a mapping of start, end and reason", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "start", "end":
			t, err := time.Parse(time.RFC3339, v.Value)
			if err != nil {
				t, err = time.Parse(time.DateOnly, v.Value) // midnight UTC
			}
			if v.Kind != yaml.ScalarNode || err != nil {
				return fmt.Errorf("line %d: freeze window %s %q is not a time: write it as RFC 3339 (2026-12-24T00:00:00Z) or a date (2026-12-24)", v.Line, k.Value, v.Value)
			}
			if k.Value == "start" {
				w.Start = t
			} else {
				w.End = t
			}
		case "reason":
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: freeze window reason is not a string", v.Line)
			}
			w.Reason = v.Value
		default:
			return fmt.Errorf("line %d: field %s not found in a freeze window (start, end, reason)", k.Line, k.Value)
		}
	}
	return nil
}

// ConfigError reports an invalid configuration, at a file and line.
type ConfigError struct {
	File string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadConfig reads and validates a ferry.yaml, and checks that the policy
// and data paths it names exist in its folder. Errors are *ConfigError
// values naming the file and line.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	cfg, err := ParseConfig(filepath.ToSlash(file), data)
	if err != nil {
		return nil, err
	}
	if err := cfg.CheckPaths(os.DirFS(filepath.Dir(file))); err != nil {
		return nil, err
	}
	return cfg, nil
}

// ParseConfig parses and validates the content of a ferry.yaml; file names
// it in errors.
func ParseConfig(file string, data []byte) (*Config, error) {
	lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
	fail := func(line int, format string, args ...any) error {
		// The parser places an empty document after a final "---" on
		// the line after it, which the file does not have.
		return &ConfigError{File: file, Line: min(line, lines), Msg: fmt.Sprintf(format, args...)}
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail(0, "empty configuration: want apiVersion %s, kind %s and environments", ConfigAPIVersion, ConfigKind)
		}
		return nil, fail(yamlerr.Line(err), "invalid YAML: %s", yamlerr.Message(err))
	}
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fail(yamlerr.Line(err), "%s", yamlerr.Message(err))
	}
	root := doc.Content[0]
	if cfg.APIVersion != ConfigAPIVersion || cfg.Kind != ConfigKind {
		return nil, fail(root.Line, "want apiVersion %s and kind %s, got %q and %q", ConfigAPIVersion, ConfigKind, cfg.APIVersion, cfg.Kind)
	}
	envNodes := yamlnode.Items(yamlnode.Value(root, "environments"))
	lineOf := func(i int, key string) int {
		if i >= len(envNodes) {
			return 0
		}
		if v := yamlnode.Value(envNodes[i], key); key != "" && v != nil {
			return v.Line
		}
		return envNodes[i].Line
	}
	cfg.file = file
	cfg.lines = map[string]int{}
	// paths checks and cleans the policy and data paths of the top level
	// (env < 0) or of an environment, recording their lines.
	paths := func(env int, parent *yaml.Node, field string, list []string) error {
		nodes := yamlnode.Items(yamlnode.Value(parent, field))
		where := ""
		if env >= 0 {
			where = "environment " + cfg.Environments[env].Name + ": "
		}
		for j, p := range list {
			line := lineOfItem(nodes, j, parent)
			if p == "" || path.IsAbs(p) || filepath.IsAbs(p) || strings.HasPrefix(path.Clean(filepath.ToSlash(p)), "..") {
				return fail(line, "%s%s: %q must be a path inside the repository, relative to the folder of %s", where, field, p, ConfigFile)
			}
			list[j] = path.Clean(filepath.ToSlash(p))
			cfg.lines[pathKey(env, field, list[j])] = line
		}
		return nil
	}
	if err := paths(-1, root, "policies", cfg.Policies); err != nil {
		return nil, err
	}
	if err := paths(-1, root, "data", cfg.Data); err != nil {
		return nil, err
	}
	names := map[string]int{}
	for i, env := range cfg.Environments {
		switch {
		case env.Name == "":
			return nil, fail(lineOf(i, ""), "environment %d has no name", i+1)
		case env.Path == "":
			return nil, fail(lineOf(i, ""), "environment %s has no path", env.Name)
		case path.IsAbs(env.Path) || strings.HasPrefix(path.Clean(env.Path), ".."):
			return nil, fail(lineOf(i, "path"), "environment %s: path %q must stay inside the repository", env.Name, env.Path)
		}
		if prev, dup := names[env.Name]; dup {
			return nil, fail(lineOf(i, "name"), "environment %s is defined twice (first on line %d)", env.Name, lineOf(prev, "name"))
		}
		names[env.Name] = i
		cfg.Environments[i].Path = path.Clean(env.Path)
		if err := checkBlockOn(env.BlockOn); err != nil {
			return nil, fail(lineOf(i, "blockOn"), "environment %s: blockOn: %v", env.Name, err)
		}
		for j, ip := range env.ImagePolicies {
			set := 0
			for _, on := range []bool{ip.Policy.SemVer != nil, ip.Policy.Alphabetical != nil, ip.Policy.Numerical != nil} {
				if on {
					set++
				}
			}
			if ip.Image == "" || set != 1 {
				return nil, fail(lineOf(i, "imagePolicies"), "environment %s: imagePolicies[%d]: give the image and one policy: semver, alphabetical or numerical", env.Name, j)
			}
		}
		if env.ProgressiveDelivery != "" && env.ProgressiveDelivery != ProgressiveRequired {
			return nil, fail(lineOf(i, "progressiveDelivery"), "environment %s: progressiveDelivery %q: the one value is %q", env.Name, env.ProgressiveDelivery, ProgressiveRequired)
		}
		for j, w := range env.Freeze {
			if !w.End.After(w.Start) {
				return nil, fail(lineOf(i, "freeze"), "environment %s: freeze window %d ends before it starts", env.Name, j+1)
			}
		}
		var envNode *yaml.Node
		if i < len(envNodes) {
			envNode = envNodes[i]
		}
		if err := paths(i, envNode, "policies", env.Policies); err != nil {
			return nil, err
		}
		if err := paths(i, envNode, "data", env.Data); err != nil {
			return nil, err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(cfg.Sources)) {
		dir := cfg.Sources[key]
		line := root.Line
		if n := yamlnode.Value(yamlnode.Value(root, "sources"), key); n != nil {
			line = n.Line
		}
		if strings.Count(key, "/") != 2 || strings.Contains(key, "//") || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") {
			return nil, fail(line, "source %q: write it Kind/namespace/name, e.g. GitRepository/flux-system/apps", key)
		}
		if dir == "" || path.IsAbs(dir) || strings.HasPrefix(path.Clean(dir), "..") {
			return nil, fail(line, "source %s: directory %q must be a path inside the repository (\".\" for its root)", key, dir)
		}
	}
	for i, env := range cfg.Environments {
		if env.From == "" {
			continue
		}
		if _, ok := names[env.From]; !ok {
			return nil, fail(lineOf(i, "from"), "environment %s is promoted from %s, which is not defined", env.Name, env.From)
		}
		seen := map[string]bool{env.Name: true}
		for cur := env.From; cur != ""; cur = cfg.Environments[names[cur]].From {
			if seen[cur] {
				return nil, fail(lineOf(i, "from"), "environment %s: promotions form a cycle through %s", env.Name, cur)
			}
			seen[cur] = true
		}
	}
	return &cfg, nil
}

// lineOfItem returns the line of the i-th of nodes, else that of parent
// (0 without one).
func lineOfItem(nodes []*yaml.Node, i int, parent *yaml.Node) int {
	switch {
	case i < len(nodes):
		return nodes[i].Line
	case parent != nil:
		return parent.Line
	}
	return 0
}

// pathKey keys the line of a policy or data path of the top level (env < 0)
// or of the env-th environment.
func pathKey(env int, field, p string) string {
	return fmt.Sprintf("%d\x00%s\x00%s", env, field, p)
}

// PolicyPaths returns the policy files and directories and the data files
// that apply to env: the top-level ones, then the environment's own, in
// the order ferry.yaml lists them, without repeats. Paths are relative to
// the repository root, slash-separated.
func (c *Config) PolicyPaths(env Environment) (policies, data []string) {
	merge := func(a, b []string) []string {
		var out []string
		for _, p := range append(slices.Clone(a), b...) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	return merge(c.Policies, env.Policies), merge(c.Data, env.Data)
}

// CheckPaths checks that every policy and data path of the configuration
// exists in fsys, the repository. An error is a *ConfigError naming the
// line of the first missing path.
func (c *Config) CheckPaths(fsys fs.FS) error {
	file := c.file
	if file == "" {
		file = ConfigFile
	}
	check := func(env int, field string, list []string) error {
		for _, p := range list {
			clean := path.Clean(filepath.ToSlash(p))
			if !fs.ValidPath(clean) {
				return &ConfigError{File: file, Line: c.lines[pathKey(env, field, clean)], Msg: fmt.Sprintf("%s: %q must be a path inside the repository", field, p)}
			}
			if _, err := fs.Stat(fsys, clean); err != nil {
				what := "policy file or folder"
				if field == "data" {
					what = "data file or folder"
				}
				if errors.Is(err, fs.ErrNotExist) {
					err = errors.New("no such file or folder")
				}
				where := ""
				if env >= 0 {
					where = "environment " + c.Environments[env].Name + ": "
				}
				return &ConfigError{File: file, Line: c.lines[pathKey(env, field, clean)], Msg: fmt.Sprintf("%s%s: %s %s: %v; create it, or fix the path (relative to the folder of %s)", where, field, what, clean, err, ConfigFile)}
			}
		}
		return nil
	}
	if err := check(-1, "policies", c.Policies); err != nil {
		return err
	}
	if err := check(-1, "data", c.Data); err != nil {
		return err
	}
	for i, e := range c.Environments {
		if err := check(i, "policies", e.Policies); err != nil {
			return err
		}
		if err := check(i, "data", e.Data); err != nil {
			return err
		}
	}
	return nil
}

// Environment returns the environment with the name.
func (c *Config) Environment(name string) (Environment, bool) {
	for _, e := range c.Environments {
		if e.Name == name {
			return e, true
		}
	}
	return Environment{}, false
}

// Frozen returns the freeze window of the environment that contains t.
func (e Environment) Frozen(t time.Time) (Window, bool) {
	for _, w := range e.Freeze {
		if !t.Before(w.Start) && t.Before(w.End) {
			return w, true
		}
	}
	return Window{}, false
}

// checkBlockOn accepts the baseline classes a promotion may block on: new
// and existing. Fixed findings are gone after the promotion; they never
// block.
func checkBlockOn(classes []finding.Baseline) error {
	for _, b := range classes {
		if b != finding.BaselineNew && b != finding.BaselineExisting {
			return fmt.Errorf("%q is not a class a promotion can block on: use new and existing (fixed findings never block)", b)
		}
	}
	return nil
}
