package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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

// options returns the render mode and Flux options the flags give.
func (f *renderFlags) options() (render.Mode, render.FluxOptions, error) {
	mode, err := render.ParseMode(f.mode)
	if err != nil {
		return "", render.FluxOptions{}, err
	}
	flux := render.FluxOptions{Strict: f.strictSubstitute}
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
