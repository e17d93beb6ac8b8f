// Command k8sschemagen generates the offline Kubernetes schema bundle that
// the validate package embeds: JSON schemas for the built-in kinds of several
// Kubernetes minor versions, read from api/openapi-spec/swagger.json of the
// k8s.io/kubernetes Go module at the given patch releases.
//
// Usage (run by go generate in validate/):
//
//	go run ../internal/k8sschemagen -o schemas/kubernetes.json.gz v1.24.17 v1.25.16 ...
//	go run ../internal/k8sschemagen -swagger 1.99=path/to/swagger.json -o out.json.gz
//
// Each version's module is fetched with `go mod download -json`, one after
// the other, into the Go module cache (which it never cleans). The output is
// deterministic: the same specs give the same bytes.
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
	"path/filepath"
	"regexp"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "k8sschemagen: %v\n", err)
		os.Exit(1)
	}
}

// swaggerFlags collects -swagger MINOR=FILE flags.
type swaggerFlags []string

func (s *swaggerFlags) String() string     { return strings.Join(*s, ",") }
func (s *swaggerFlags) Set(v string) error { *s = append(*s, v); return nil }

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("k8sschemagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file (gzip of the JSON bundle)")
	var swaggers swaggerFlags
	fs.Var(&swaggers, "swagger", "MINOR=FILE: read the spec of MINOR from FILE instead of the module (repeatable; for tests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-o is required")
	}
	var specs []spec
	for _, v := range fs.Args() {
		s, err := download(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "k8sschemagen: read %s\n", s.source)
		specs = append(specs, s)
	}
	for _, sw := range swaggers {
		minor, file, ok := strings.Cut(sw, "=")
		if !ok {
			return fmt.Errorf("-swagger %q: want MINOR=FILE", sw)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("read spec: %w", err)
		}
		specs = append(specs, spec{minor: minor, source: filepath.Base(file), data: data})
	}
	if len(specs) == 0 {
		return errors.New("no versions given")
	}
	b := newBundle()
	for _, s := range specs {
		if err := b.add(s); err != nil {
			return err
		}
	}
	data, err := b.encode()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	fmt.Fprintf(stderr, "k8sschemagen: wrote %s (%d bytes, %d versions, %d distinct schemas)\n", *out, len(data), len(b.Versions), len(b.Blobs))
	return nil
}

// spec is one version's OpenAPI v2 document.
type spec struct {
	minor  string // "1.33"
	source string // "k8s.io/kubernetes@v1.33.13"
	data   []byte
}

var patchVersion = regexp.MustCompile(`^v(1\.[0-9]+)\.[0-9]+$`)

// download fetches k8s.io/kubernetes at version through the Go module proxy
// and reads its swagger.json.
func download(version string) (spec, error) {
	m := patchVersion.FindStringSubmatch(version)
	if m == nil {
		return spec{}, fmt.Errorf("version %q: want a release such as v1.33.13", version)
	}
	mod := "k8s.io/kubernetes@" + version
	tmp, err := os.MkdirTemp("", "k8sschemagen")
	if err != nil {
		return spec{}, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Dir = tmp // outside any module, so that no go.mod is touched
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return spec{}, fmt.Errorf("go mod download %s: %w: %s%s", mod, err, stderr.String(), stdout.String())
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return spec{}, fmt.Errorf("go mod download %s: %w", mod, err)
	}
	if info.Error != "" || info.Dir == "" {
		return spec{}, fmt.Errorf("go mod download %s: %s", mod, info.Error)
	}
	data, err := os.ReadFile(filepath.Join(info.Dir, "api", "openapi-spec", "swagger.json"))
	if err != nil {
		return spec{}, fmt.Errorf("read spec of %s: %w", mod, err)
	}
	return spec{minor: m[1], source: mod, data: data}, nil
}
