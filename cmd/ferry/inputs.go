package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
)

// inputs reads the objects named by args: a directory is rendered (a
// kustomization, or its YAML files as Flux does), a file is decoded as YAML
// or JSON, and "-" reads standard input.
type inputs struct {
	root        string
	allowRemote bool
	stdin       io.Reader
}

func (in inputs) load(ctx context.Context, args []string) ([]*manifest.Object, error) {
	var r *render.Renderer
	var objs []*manifest.Object
	for _, arg := range args {
		if arg == "-" {
			data, err := io.ReadAll(in.stdin)
			if err != nil {
				return nil, fmt.Errorf("read standard input: %w", err)
			}
			decoded, err := manifest.Decode("-", data)
			if err != nil {
				return nil, err
			}
			objs = append(objs, decoded...)
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		if !info.IsDir() {
			data, err := os.ReadFile(arg)
			if err != nil {
				return nil, err
			}
			decoded, err := manifest.Decode(filepath.ToSlash(arg), data)
			if err != nil {
				return nil, err
			}
			objs = append(objs, decoded...)
			continue
		}
		if r == nil {
			if r, err = render.New(render.Options{Root: in.root, AllowRemoteBases: in.allowRemote}); err != nil {
				return nil, err
			}
		}
		res, err := r.Render(ctx, arg)
		if err != nil {
			return nil, err
		}
		objs = append(objs, res.Objects...)
	}
	return objs, nil
}
