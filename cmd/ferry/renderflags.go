package main

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

// renderFlags are the flags that say how directories are rendered, shared by
// every command that renders.
type renderFlags struct {
	mode             string
	strictSubstitute bool
	sources          []string
}

func (f *renderFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.mode, "mode", "auto", "render mode: auto (follow Flux Kustomizations when there are any), kustomize or flux")
	cmd.Flags().BoolVar(&f.strictSubstitute, "strict-substitute", false, "fail on a Flux post-build ${var} that has neither a value nor a default")
	cmd.Flags().StringArrayVar(&f.sources, "source", nil, "map a Flux source to a directory of the repository, as Kind/namespace/name=DIR (repeatable; GitRepository/flux-system/flux-system is the repository root)")
}

// options returns the render mode and Flux options the flags give, with
// the Flux sources of the ferry.yaml at root (if any) under those of
// --source. An empty root reads no ferry.yaml.
func (f *renderFlags) options(root string) (render.Mode, render.FluxOptions, error) {
	mode, err := render.ParseMode(f.mode)
	if err != nil {
		return "", render.FluxOptions{}, err
	}
	flux := render.FluxOptions{Strict: f.strictSubstitute}
	if root != "" {
		cfg, err := promote.LoadConfig(filepath.Join(root, promote.ConfigFile))
		switch {
		case err == nil:
			flux.Sources = maps.Clone(cfg.Sources)
		case !errors.Is(err, fs.ErrNotExist):
			return "", render.FluxOptions{}, err
		}
	}
	for _, s := range f.sources {
		key, dir, ok := strings.Cut(s, "=")
		if !ok || strings.Count(key, "/") != 2 || dir == "" {
			return "", render.FluxOptions{}, fmt.Errorf("--source %q: write Kind/namespace/name=DIR, e.g. GitRepository/flux-system/apps=.", s)
		}
		if flux.Sources == nil {
			flux.Sources = map[string]string{}
		}
		flux.Sources[key] = dir
	}
	return mode, flux, nil
}

// pathFlags are the flags of the commands that render the directories named
// on their command line: render, validate and check.
type pathFlags struct {
	root        string
	allowRemote bool
	render      renderFlags
	// progress, when set, is told how renders come along.
	progress func(render.Progress)
}

func (f *pathFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.root, "root", "", "repository root; nothing outside it is read (default: nearest ancestor of the first path with .git or ferry.yaml)")
	cmd.Flags().BoolVar(&f.allowRemote, "allow-remote-bases", false, "let kustomizations fetch remote bases and files")
	f.render.register(cmd)
}

// renderer returns a renderer for dir, with the Flux sources of its
// repository's ferry.yaml.
func (f *pathFlags) renderer(dir string) (*render.Renderer, error) {
	repo, err := findRoot(f.root, []string{dir})
	if err != nil {
		return nil, err
	}
	mode, flux, err := f.render.options(repo)
	if err != nil {
		return nil, err
	}
	return render.New(render.Options{Root: f.root, AllowRemoteBases: f.allowRemote, Mode: mode, Flux: flux, Progress: f.progress})
}

// findRoot returns root (--root) or, when it is empty, the repository root
// found from the first path argument (the working directory for none, or
// for standard input).
func findRoot(root string, args []string) (string, error) {
	if root != "" {
		return root, nil
	}
	start := "."
	if len(args) > 0 && args[0] != "-" {
		start = args[0]
	}
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		abs = filepath.Dir(abs)
	}
	return render.FindRoot(abs), nil
}
