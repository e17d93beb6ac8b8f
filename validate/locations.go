package validate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/yannh/kubeconform/pkg/loader"
	"github.com/yannh/kubeconform/pkg/registry"
)

// ErrNetworkRefused reports a remote schema location used without
// [Options].AllowNetwork.
var ErrNetworkRefused = errors.New("remote schema locations need AllowNetwork")

// newRegistry checks a schema location and returns kubeconform's registry
// for it.
func newRegistry(loc string, opts Options) (registry.Registry, error) {
	if loc == "" || loc == "default" {
		return nil, fmt.Errorf("validate: schema location %q: give a directory or a path template (kubeconform's default location is remote)", loc)
	}
	lower := strings.ToLower(loc)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		if !opts.AllowNetwork {
			return nil, fmt.Errorf("validate: schema location %s: %w", loc, ErrNetworkRefused)
		}
	} else if err := checkLocalLocation(loc); err != nil {
		return nil, fmt.Errorf("validate: schema location %s: %w", loc, err)
	}
	reg, err := registry.New(loc, "", !opts.Lax, false, false)
	if err != nil {
		return nil, fmt.Errorf("validate: schema location %s: %w", loc, err)
	}
	return reg, nil
}

// checkLocalLocation checks that the fixed part of a local location (the
// directory before the first template action) is a readable directory.
func checkLocalLocation(loc string) error {
	dir := loc
	if i := strings.Index(loc, "{{"); i >= 0 {
		dir = filepath.Dir(loc[:i] + "x")
	} else if strings.HasSuffix(loc, "json") {
		dir = filepath.Dir(loc)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if _, err := os.ReadDir(dir); err != nil {
		return err
	}
	return nil
}

// locatedSchema returns the schema of apiVersion/kind from the first schema
// location that has one, and whether one has. Results, absent ones
// included, are cached.
func (v *Validator) locatedSchema(apiVersion, kind string) (*jsonschema.Schema, bool, error) {
	if len(v.registries) == 0 {
		return nil, false, nil
	}
	key := apiVersion + "/" + kind
	if s, ok := v.located.Load(key); ok {
		return s.(*jsonschema.Schema), s.(*jsonschema.Schema) != nil, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.located.Load(key); ok {
		return s.(*jsonschema.Schema), s.(*jsonschema.Schema) != nil, nil
	}
	for _, reg := range v.registries {
		path, doc, err := reg.DownloadSchema(kind, apiVersion, v.locVersion)
		var notFound *loader.NotFoundError
		var nonJSON *loader.NonJSONResponseError
		switch {
		case errors.As(err, &notFound), errors.As(err, &nonJSON):
			continue
		case err != nil:
			return nil, false, fmt.Errorf("schema location %s: %w", path, err)
		case doc == nil:
			continue
		}
		// As kubeconform does, a document that does not compile is skipped
		// in favour of the next location.
		c := newCompiler(v.locationLoader())
		if err := c.AddResource(path, doc); err != nil {
			continue
		}
		s, err := c.Compile(path)
		if err != nil {
			continue
		}
		v.located.Store(key, s)
		return s, true, nil
	}
	v.located.Store(key, (*jsonschema.Schema)(nil))
	return nil, false, nil
}

// locationLoader loads the documents a location's schemas refer to: local
// files, and http(s) URLs when the network is allowed.
func (v *Validator) locationLoader() jsonschema.URLLoader {
	l := jsonschema.SchemeURLLoader{"file": jsonschema.FileLoader{}}
	if v.opts.AllowNetwork {
		if h, err := loader.NewHTTPURLLoader(false, nil); err == nil {
			l["http"], l["https"] = h, h
		}
	}
	return l
}
