package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ferrygitops/ferry/validate"
)

// listSchemas prints what validate embeds: as text (the default), or as
// JSON with -o json.
func listSchemas(w io.Writer, output string) error {
	emb, err := validate.Embedded()
	if err != nil {
		return err
	}
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(emb)
	case "text", "":
	default:
		return fmt.Errorf("--list-schemas: output format %q is not supported: use text or json", output)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Kubernetes versions (built-in kinds):")
	for _, k := range emb.Kubernetes {
		fmt.Fprintf(tw, "  %s\t%s\n", k.Version, k.Source)
	}
	fmt.Fprintln(tw, "\nGitOps toolchain (custom resources without a CRD in the input or --crd):")
	fmt.Fprintln(tw, "  GROUP\tKIND\tVERSIONS\tPROJECT\tMODULE")
	for _, k := range emb.Toolchain {
		versions := make([]string, len(k.Versions))
		for i, v := range k.Versions {
			versions[i] = v
			for _, d := range k.Deprecated {
				if d == v {
					versions[i] += " (deprecated)"
				}
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s@%s\n", k.Group, k.Kind, strings.Join(versions, ", "), k.Project, k.Module, k.ModuleVersion)
	}
	return tw.Flush()
}
