package main

import (
	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/manifest"
)

func newRenderCommand() *cobra.Command {
	var (
		output string
		paths  pathFlags
		quiet  bool
	)
	cmd := &cobra.Command{
		Use:   "render DIR",
		Short: "Render an environment as kustomize build (or Flux) would",
		Long: `Render the environment in DIR and print its objects.

A directory with a kustomization renders byte-for-byte as "kustomize build"
prints it (kustomize v5.8, default options). A directory without one renders
as Flux renders it: every YAML file below it.

When the result holds Flux Kustomizations (kustomize.toolkit.fluxcd.io), as a
clusters/<env> folder does, ferry follows them as kustomize-controller
applies them: each spec.path is rendered with the Kustomization's
targetNamespace, namePrefix/nameSuffix, patches, images, components and
commonMetadata, then post-build substitution (postBuild.substitute and
substituteFrom ConfigMaps and Secrets of the cluster), recursively. The
output is what "flux build kustomization --recursive --dry-run" prints for
the bootstrap Kustomization. Sources other than the flux-system GitRepository
are not fetched; map them to directories with --source. --mode kustomize
turns this off.

Nothing outside the repository root is read. The root is the nearest
ancestor of DIR holding .git or ferry.yaml, unless --root says otherwise.
Remote bases are refused unless --allow-remote-bases is given; Helm charts,
exec plugins and KRM functions are always refused.`,
		Example: `  ferry render examples/shop/overlays/production
  ferry render examples/shop/overlays/staging -o json
  ferry render examples/shop/clusters/production
  ferry render --root . clusters/production --strict-substitute`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(output, []string{"yaml", "json"}); err != nil {
				return err
			}
			progress := newProgress(cmd.ErrOrStderr(), quiet)
			if progress != nil {
				paths.progress = progress.render
			}
			r, err := paths.renderer(args[0])
			if err != nil {
				return err
			}
			if root, err := findRoot(paths.root, args); err == nil {
				limitMemoryFor(root, 1)
			}
			res, err := r.Render(cmd.Context(), args[0])
			progress.done()
			if err != nil {
				return err
			}
			printFindings(cmd.ErrOrStderr(), res.Findings)
			if output == "json" {
				return manifest.EncodeJSON(cmd.OutOrStdout(), res.Objects)
			}
			return res.WriteYAML(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "yaml", "output format: yaml or json (a v1 List)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress line on a terminal for renders over a second")
	paths.register(cmd)
	return cmd
}
