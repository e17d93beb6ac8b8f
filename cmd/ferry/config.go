package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/ferrygitops/ferry/promote"
)

// repoConfig is the ferry.yaml of the repository a command works in, and
// the environment its --env names.
type repoConfig struct {
	// root is the repository root on disk.
	root string
	// cfg is nil when the repository has no ferry.yaml.
	cfg *promote.Config
	// env is the environment --env names; zero without --env.
	env promote.Environment
}

// loadRepoConfig reads the ferry.yaml at the repository root (root, that is
// --root, or the root found from the first path argument) and looks up the
// environment env names ("" for none). Without a ferry.yaml only env is an
// error.
func loadRepoConfig(root string, args []string, env string) (repoConfig, error) {
	root, err := findRoot(root, args)
	if err != nil {
		return repoConfig{}, err
	}
	rc := repoConfig{root: root}
	file := filepath.Join(root, promote.ConfigFile)
	rc.cfg, err = promote.LoadConfig(file)
	switch {
	case errors.Is(err, fs.ErrNotExist) && env == "":
		return rc, nil
	case errors.Is(err, fs.ErrNotExist):
		return rc, fmt.Errorf("--env %s: no %s in %s, the repository root: environments are named in it (ferry init writes one); give --root if the repository is elsewhere", env, promote.ConfigFile, root)
	case err != nil && env != "":
		return rc, fmt.Errorf("--env %s: %w", env, err)
	case err != nil:
		return rc, err
	}
	if env == "" {
		return rc, nil
	}
	e, ok := rc.cfg.Environment(env)
	if !ok {
		names := make([]string, len(rc.cfg.Environments))
		for i, e := range rc.cfg.Environments {
			names[i] = e.Name
		}
		return rc, fmt.Errorf("--env %s: no such environment in %s (have %s)", env, promote.ConfigFile, strings.Join(names, ", "))
	}
	rc.env = e
	return rc, nil
}

// envDir is the directory of the --env environment on disk.
func (rc repoConfig) envDir() string {
	return filepath.Join(rc.root, filepath.FromSlash(rc.env.Path))
}

// policyPaths returns the policy and data paths ferry.yaml names for the
// --env environment (the top-level ones without --env), on disk.
func (rc repoConfig) policyPaths() (policies, data []string) {
	if rc.cfg == nil {
		return nil, nil
	}
	p, d := rc.cfg.PolicyPaths(rc.env)
	onDisk := func(paths []string) []string {
		for i, p := range paths {
			paths[i] = filepath.Join(rc.root, filepath.FromSlash(p))
		}
		return paths
	}
	return onDisk(p), onDisk(d)
}
