package promote

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ferrygitops/ferry/render"
	"github.com/ferrygitops/ferry/validate"
)

// stages rank the names environments conventionally have, in promotion
// order: a name's first part that is one of them gives its stage.
var stages = []map[string]bool{
	{"dev": true, "develop": true, "development": true, "sandbox": true, "local": true},
	{"test": true, "testing": true, "qa": true, "int": true, "integration": true, "sit": true},
	{"staging": true, "stage": true, "stg": true, "uat": true, "preprod": true, "pre-prod": true, "preproduction": true, "acceptance": true, "acc": true},
	{"prod": true, "production": true, "prd": true, "live": true},
}

// stageOf returns the stage of an environment named name (its directory's
// base name is what counts), or -1 when the name says nothing.
func stageOf(name string) int {
	base := strings.ToLower(path.Base(name))
	if strings.HasPrefix(base, "non") && strings.Contains(base, "prod") {
		return -1 // nonprod, non-prod: anything but production
	}
	for i, s := range stages {
		if s[base] {
			return i
		}
	}
	for _, part := range strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		for i, s := range stages {
			// "test" only as the whole name: ab-test-a is an A/B test, no
			// test stage.
			if s[part] && part != "test" {
				return i
			}
		}
	}
	return -1
}

// InitConfig returns the configuration ferry init writes for the repository
// fsys: the environments ferry discovers in the conventional layouts (see
// [NewPlanner]), in promotion order as far as their names tell it (dev, qa,
// staging, production and their usual spellings; prod-east is production),
// each promoted from the first environment of the stage before, among those
// of its own folder (overlays from overlays, clusters from clusters).
// Environments whose names say nothing come last, without a from:. A Flux
// cluster folder that applies another environment's folder is left out: it
// takes that environment's settings. It fails when ferry finds no
// environment.
func InitConfig(ctx context.Context, fsys fs.FS) (*Config, error) {
	cfg := discover(fsys)
	if len(cfg.Environments) == 0 {
		return nil, fmt.Errorf("init: found no environments: no folder holds one under %s; write %s by hand (see docs/plan.md)", strings.Join(discoveredLayouts, "/, ")+"/", ConfigFile)
	}
	// A cluster folder whose Flux Kustomizations apply an environment's
	// folder takes that environment's settings (see Planner.Plan): listing
	// it would give it settings of its own.
	r, err := render.New(render.Options{FS: fsys})
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	builds, err := r.Builds(ctx)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	applies := map[string]bool{} // environment directories that hold a Kustomization applying another's
	for _, b := range builds {
		if !slices.ContainsFunc(cfg.Environments, func(e Environment) bool { return e.Path == b.Dir }) {
			continue
		}
		for _, by := range b.AppliedBy {
			for _, e := range cfg.Environments {
				if e.Path != b.Dir && strings.HasPrefix(by, e.Path+"/") {
					applies[e.Path] = true
				}
			}
		}
	}
	var envs []Environment
	bases := map[string]int{}
	for _, e := range cfg.Environments {
		if !applies[e.Path] {
			envs = append(envs, e)
			bases[path.Base(e.Path)]++
		}
	}
	// Named by their folder, now that what named it too is left out.
	for i, e := range envs {
		if bases[path.Base(e.Path)] == 1 {
			envs[i].Name = path.Base(e.Path)
		}
	}
	// Promotion order within each layout folder, the folders in the order
	// discover found them; an unknown stage last.
	folder := map[string]int{}
	for _, e := range envs {
		if _, ok := folder[path.Dir(e.Path)]; !ok {
			folder[path.Dir(e.Path)] = len(folder)
		}
	}
	rank := func(e Environment) int {
		if s := stageOf(e.Path); s >= 0 {
			return s
		}
		return len(stages)
	}
	slices.SortStableFunc(envs, func(a, b Environment) int {
		if fa, fb := folder[path.Dir(a.Path)], folder[path.Dir(b.Path)]; fa != fb {
			return fa - fb
		}
		return rank(a) - rank(b)
	})
	for i, e := range envs {
		s := stageOf(e.Path)
		if s <= 0 {
			continue
		}
		// The first environment of the nearest earlier stage, in the same
		// folder.
		for prev := s - 1; prev >= 0 && envs[i].From == ""; prev-- {
			for _, p := range envs {
				if path.Dir(p.Path) == path.Dir(e.Path) && stageOf(p.Path) == prev {
					envs[i].From = p.Name
					break
				}
			}
		}
	}
	cfg.Environments = envs
	return cfg, nil
}

// EncodeConfig writes cfg as ferry init does: the environments with their
// names, paths and from:, and, commented out for the reader to fill in, a
// Kubernetes version for each and a from: for those whose source ferry
// could not tell. Only those fields are written, under a comment that
// points editors at the schema (see [ConfigSchemaURL]).
func EncodeConfig(cfg *Config) []byte {
	var b bytes.Buffer
	versions := validate.SupportedVersions()
	newest := "1.33"
	if len(versions) > 0 {
		newest = versions[len(versions)-1]
	}
	fmt.Fprintf(&b, "# yaml-language-server: $schema=%s\n", ConfigSchemaURL)
	fmt.Fprintf(&b, "# %s: the repository's environments, in promotion order. Written by\n", ConfigFile)
	b.WriteString("# ferry init from the folders it found and the order their names suggest:\n")
	b.WriteString("# check each from:, and set each cluster's Kubernetes version.\n")
	fmt.Fprintf(&b, "apiVersion: %s\nkind: %s\nenvironments:\n", ConfigAPIVersion, ConfigKind)
	for _, e := range cfg.Environments {
		fmt.Fprintf(&b, "  - name: %s\n    path: %s\n", quote(e.Name), quote(e.Path))
		if e.From != "" {
			fmt.Fprintf(&b, "    from: %s\n", quote(e.From))
		} else if stageOf(e.Path) < 0 {
			fmt.Fprintf(&b, "    # from: ENV  # ferry could not tell which environment %s is promoted from\n", e.Name)
		}
		if e.KubernetesVersion != "" {
			fmt.Fprintf(&b, "    kubernetesVersion: %s\n", quote(e.KubernetesVersion))
		} else {
			fmt.Fprintf(&b, "    # kubernetesVersion: %q  # the cluster's; schemas embedded for %s\n", newest, versionRange(versions))
		}
	}
	return b.Bytes()
}

// quote writes s as a YAML scalar, quoted when plain style would read it
// as something else.
func quote(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n\t") && s == strings.TrimSpace(s) && !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "?")
	if plain {
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
			plain = false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			plain = false
		}
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

func versionRange(versions []string) string {
	if len(versions) == 0 {
		return "none"
	}
	return versions[0] + "–" + versions[len(versions)-1]
}
