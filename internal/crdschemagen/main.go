// Command crdschemagen generates the offline schema bundle of the GitOps
// toolchain that the validate package embeds: the CustomResourceDefinitions
// of Flux, Flagger, Argo CD and the other projects listed in [projects], read
// from the CRD YAML those projects ship in their Go modules, at the module
// versions given on the command line.
//
// Usage (run by go generate in validate/):
//
//	go run ../internal/crdschemagen -o schemas/toolchain.json.gz github.com/fluxcd/source-controller@v1.9.5 ...
//	go run ../internal/crdschemagen -dir github.com/fluxcd/flagger@v1.0.0=testdata/flagger -o out.json.gz
//
// Each module is fetched with `go mod download -json`, one after the other,
// into the Go module cache (which it never cleans). A project the module
// proxy does not serve is given with -git MODULE@VERSION=URL and cloned at
// the tag VERSION into a temporary directory; -dir gives a checkout instead. The bundle keeps of each
// CRD what validation needs (group, kind, scope and, per version, the served,
// storage and deprecation flags and the OpenAPI schema without its
// documentation); validate converts it exactly as it converts a CRD found in
// a repository. The output is deterministic: the same modules give the same
// bytes. With -table the command also prints the Markdown table of
// validate/schemas/README.md.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "crdschemagen: %v\n", err)
		os.Exit(1)
	}
}

// project is a GitOps project whose CRDs are embedded.
type project struct {
	// Name is how people call it ("Flux helm-controller").
	Name string
	// Globs are the CRD files in the module, as path.Match patterns
	// relative to the module root, in order of preference: a CRD found by
	// an earlier pattern wins over one of the same name found later.
	Globs []string
}

// projects are the modules the generator knows, by module path. A project
// whose module cannot be fetched through the Go module proxy is not listed
// in validate's go:generate line; its entry stays here for when it can.
var projects = map[string]project{
	"github.com/fluxcd/source-controller":                {"Flux source-controller", []string{"config/crd/bases/*.yaml"}},
	"github.com/fluxcd/kustomize-controller":             {"Flux kustomize-controller", []string{"config/crd/bases/*.yaml"}},
	"github.com/fluxcd/helm-controller":                  {"Flux helm-controller", []string{"config/crd/bases/*.yaml"}},
	"github.com/fluxcd/notification-controller":          {"Flux notification-controller", []string{"config/crd/bases/*.yaml"}},
	"github.com/fluxcd/image-reflector-controller":       {"Flux image-reflector-controller", []string{"config/crd/bases/*.yaml"}},
	"github.com/fluxcd/image-automation-controller":      {"Flux image-automation-controller", []string{"config/crd/bases/*.yaml"}},
	"github.com/fluxcd/flagger":                          {"Flagger", []string{"artifacts/flagger/crd.yaml"}},
	"github.com/argoproj/argo-rollouts":                  {"Argo Rollouts", []string{"manifests/crds/*-crd.yaml"}},
	"github.com/argoproj/argo-cd/v3":                     {"Argo CD", []string{"manifests/crds/*-crd.yaml"}},
	"github.com/cert-manager/cert-manager":               {"cert-manager", []string{"deploy/crds/*.yaml"}},
	"github.com/external-secrets/external-secrets":       {"External Secrets Operator", []string{"config/crds/bases/*.yaml"}},
	"github.com/prometheus-operator/prometheus-operator": {"Prometheus Operator", []string{"example/prometheus-operator-crd/*.yaml"}},
	// The standard channel, and the kinds only the experimental channel has.
	"sigs.k8s.io/gateway-api":    {"Gateway API", []string{"config/crd/standard/*.yaml", "config/crd/experimental/gateway.networking.x-k8s.io_*.yaml"}},
	"github.com/kyverno/kyverno": {"Kyverno", []string{"config/crds/*/*.yaml"}},
	// Not served by the Go module proxy: read with -git.
	"github.com/fluxcd/source-watcher": {"Flux source-watcher", []string{"config/crd/bases/*.yaml"}},
	"github.com/akuity/kargo":          {"Kargo", []string{"charts/kargo/resources/crds/*.yaml"}},
}

// dirFlags collects -dir MODULE@VERSION=DIR flags.
type dirFlags []string

func (d *dirFlags) String() string     { return strings.Join(*d, ",") }
func (d *dirFlags) Set(v string) error { *d = append(*d, v); return nil }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crdschemagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file (gzip of the JSON bundle)")
	table := fs.Bool("table", false, "print the Markdown table of the embedded CRDs to standard output")
	var dirs, gits dirFlags
	fs.Var(&dirs, "dir", "MODULE@VERSION=DIR: read MODULE@VERSION from DIR instead of fetching it (repeatable; for tests, and for a -git module already checked out)")
	fs.Var(&gits, "git", "MODULE@VERSION=URL: read MODULE@VERSION from the git repository at URL, tag VERSION, for projects the Go module proxy does not serve (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-o is required")
	}
	type modDir struct{ mod, dir string }
	given := map[string]string{} // -dir: MODULE@VERSION -> DIR
	var givenOrder []string
	for _, d := range dirs {
		mv, dir, ok := strings.Cut(d, "=")
		if !ok {
			return fmt.Errorf("-dir %q: want MODULE@VERSION=DIR", d)
		}
		given[mv] = dir
		givenOrder = append(givenOrder, mv)
	}
	var mods []modDir
	for _, mv := range fs.Args() {
		dir, ok := given[mv]
		if !ok {
			var err error
			if dir, err = download(mv); err != nil {
				return err
			}
		}
		delete(given, mv)
		mods = append(mods, modDir{mv, dir})
	}
	for _, g := range gits {
		mv, url, ok := strings.Cut(g, "=")
		if !ok {
			return fmt.Errorf("-git %q: want MODULE@VERSION=URL", g)
		}
		dir, ok := given[mv]
		if !ok {
			tmp, err := os.MkdirTemp("", "crdschemagen-git")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			if dir, err = clone(mv, url, tmp); err != nil {
				return err
			}
		}
		delete(given, mv)
		mods = append(mods, modDir{mv, dir})
	}
	for _, mv := range givenOrder {
		if dir, ok := given[mv]; ok {
			mods = append(mods, modDir{mv, dir})
		}
	}
	if len(mods) == 0 {
		return errors.New("no modules given")
	}
	b := newBundle()
	for _, m := range mods {
		n, err := b.addModule(m.mod, m.dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "crdschemagen: read %d CRDs from %s\n", n, m.mod)
	}
	data, err := b.encode()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	fmt.Fprintf(stderr, "crdschemagen: wrote %s (%d bytes, %d modules, %d CRDs)\n", *out, len(data), len(b.Sources), len(b.CRDs))
	if *table {
		b.writeTable(stdout)
	}
	return nil
}

// splitModule splits MODULE@VERSION and checks that the generator knows
// the module.
func splitModule(mv string) (string, string, project, error) {
	mod, version, ok := strings.Cut(mv, "@")
	if !ok || mod == "" || !strings.HasPrefix(version, "v") {
		return "", "", project{}, fmt.Errorf("module %q: want MODULE@VERSION, such as github.com/fluxcd/helm-controller@v1.6.4", mv)
	}
	p, ok := projects[mod]
	if !ok {
		return "", "", project{}, fmt.Errorf("module %s: unknown project: add it to the projects table of internal/crdschemagen", mod)
	}
	return mod, version, p, nil
}

// download fetches a module through the Go module proxy and returns its
// directory in the module cache.
// clone checks out the tag VERSION of the repository at url into dir and
// returns it, for a module the Go module proxy does not serve.
func clone(mv, url, dir string) (string, error) {
	_, version, _, err := splitModule(mv)
	if err != nil {
		return "", err
	}
	cmd := exec.Command("git", "clone", "--quiet", "--depth", "1", "--branch", version, "--", url, dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git clone %s at %s: %v %s", url, version, err, stderr.String())
	}
	return dir, nil
}

func download(mv string) (string, error) {
	if _, _, _, err := splitModule(mv); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "crdschemagen")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", mv)
	cmd.Dir = tmp // outside any module, so that no go.mod is touched
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil && runErr == nil {
		return "", fmt.Errorf("go mod download %s: %w", mv, err)
	}
	if info.Error != "" || info.Dir == "" || runErr != nil {
		return "", fmt.Errorf("go mod download %s: %v %s%s", mv, runErr, info.Error, stderr.String())
	}
	return info.Dir, nil
}
