package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print ferry's version and the versions of the engines it links",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(cmd.OutOrStdout(), versionText())
			return nil
		},
	}
}

// versionText reports the module version (set by go install) and those of
// the engines whose behaviour ferry matches.
func versionText() string {
	version, deps := "(devel)", map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, d := range info.Deps {
			deps[d.Path] = d.Version
		}
	}
	out := fmt.Sprintf("ferry %s\n", version)
	for _, m := range []struct{ name, path string }{
		{"kustomize/api", "sigs.k8s.io/kustomize/api"},
		{"opa", "github.com/open-policy-agent/opa"},
		{"kubeconform", "github.com/yannh/kubeconform"},
	} {
		if v, ok := deps[m.path]; ok {
			out += fmt.Sprintf("  %s %s\n", m.name, v)
		}
	}
	return out
}
