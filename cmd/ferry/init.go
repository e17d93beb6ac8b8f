package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

func newInitCommand() *cobra.Command {
	var (
		root   string
		stdout bool
		force  bool
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a ferry.yaml from the environments ferry finds in the repository",
		Long: `Write ferry.yaml at the repository root from the environments ferry discovers
(folders under overlays/, envs/, clusters/, and those holding a kustomization
under env/, environments/, deploy/overlays/, apps/ and tenants/), in the
promotion order their names suggest (dev, qa, staging, production and their
usual spellings; prod-east is production), each with from: set to the first
environment of the stage before in the same folder. A Kubernetes version for
each environment, and a from: ferry could not infer, are left as comments to
fill in. A Flux cluster folder whose Kustomizations apply another
environment's folder is left out: it takes that environment's settings.

An existing ferry.yaml is left alone unless --force; --stdout prints instead.`,
		Example: `  ferry init
  ferry init --root path/to/repo --stdout`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if root == "" {
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				root = render.FindRoot(wd)
			}
			cfg, err := promote.InitConfig(cmd.Context(), os.DirFS(root))
			if err != nil {
				return err
			}
			data := promote.EncodeConfig(cfg)
			if _, err := promote.ParseConfig(promote.ConfigFile, data); err != nil {
				return fmt.Errorf("init: the configuration written would not load (please report it): %w", err)
			}
			if stdout {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			file := filepath.Join(root, promote.ConfigFile)
			if _, err := os.Lstat(file); err == nil && !force {
				return fmt.Errorf("%s exists: ferry init leaves it alone (--force replaces it, --stdout prints what it would write)", file)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := os.WriteFile(file, data, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d environments\n", file, len(cfg.Environments))
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", "", "repository root (default: nearest ancestor of the working directory with .git or ferry.yaml)")
	cmd.Flags().BoolVar(&stdout, "stdout", false, "print the configuration instead of writing ferry.yaml")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing ferry.yaml")
	return cmd
}
