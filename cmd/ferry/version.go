package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/internal/buildinfo"
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

// buildInfo is what the binary says about its build: the module version
// ("(devel)" when built from a checkout without one), the VCS revision,
// time and whether the work tree had changes (when go build recorded
// them), and the versions of the modules it links.
type buildInfo struct {
	version, revision, time string
	modified                bool
	deps                    map[string]string
}

// readBuildInfo reads the build information of the running binary.
func readBuildInfo() buildInfo {
	b := buildInfo{version: "(devel)", deps: map[string]string{}}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := buildinfo.Version(); v != "" { // the version SARIF reports too
		b.version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	for _, d := range info.Deps {
		b.deps[d.Path] = d.Version
	}
	return b
}

// moduleVersion is ferry's module version, as go install records it
// (v1.2.3), "(devel)" for a build from a checkout.
func moduleVersion() string { return readBuildInfo().version }

// versionText reports the module version (set by go install), the commit
// it was built from when recorded, and the versions of the engines whose
// behaviour ferry matches.
func versionText() string { return readBuildInfo().text() }

func (b buildInfo) text() string {
	var out strings.Builder
	fmt.Fprintf(&out, "ferry %s\n", b.version)
	if b.revision != "" {
		commit := b.revision
		if b.time != "" {
			commit += " (" + b.time + ")"
		}
		if b.modified {
			commit += ", with local changes"
		}
		fmt.Fprintf(&out, "  commit %s\n", commit)
	}
	for _, m := range []struct{ name, path string }{
		{"kustomize/api", "sigs.k8s.io/kustomize/api"},
		{"opa", "github.com/open-policy-agent/opa"},
		{"kubeconform", "github.com/yannh/kubeconform"},
	} {
		if v, ok := b.deps[m.path]; ok {
			fmt.Fprintf(&out, "  %s %s\n", m.name, v)
		}
	}
	return out.String()
}
