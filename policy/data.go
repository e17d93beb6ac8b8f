package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// loadData reads JSON and YAML data files (directories: every .json, .yaml
// and .yml file below them) and merges their top-level keys, as conftest's
// --data does. A key set by two files is an error naming both.
func loadData(paths []string) (map[string]any, error) {
	data := map[string]any{}
	owner := map[string]string{}
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("load data: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(f string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(f)) {
			case ".json", ".yaml", ".yml":
				if !d.IsDir() {
					files = append(files, f)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load data: %w", err)
		}
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("load data: %w", err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("load data %s: %w", filepath.ToSlash(f), err)
		}
		for k, v := range doc {
			if prev, dup := owner[k]; dup {
				return nil, fmt.Errorf("load data %s: key %q is also set by %s: data files must not share top-level keys", filepath.ToSlash(f), k, prev)
			}
			owner[k] = filepath.ToSlash(f)
			data[k] = v
		}
	}
	return data, nil
}

// toJSONValue converts v to the JSON-compatible value OPA stores.
func toJSONValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(raw, &out)
}
