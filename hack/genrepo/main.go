// Command genrepo writes a generated GitOps repository (see
// internal/testrepo) for the benchmark scripts.
//
//	go run ./hack/genrepo -apps 100 -out /tmp/repo-100
//	go run ./hack/genrepo -layout simple -apps 100 -out /tmp/simple-100
//	go run ./hack/genrepo -manifests 10000 -out /tmp/objects.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ferrygitops/ferry/internal/testrepo"
)

func main() {
	apps := flag.Int("apps", 100, "number of applications")
	layout := flag.String("layout", "fleet", "fleet (testrepo.Fleet: the shape of real fleets) or simple (testrepo.Files)")
	manifests := flag.Int("manifests", 0, "write this many workload objects to the file -out instead of a repository")
	out := flag.String("out", "", "directory to write the repository into (created), or file with -manifests")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genrepo: -out is required")
		os.Exit(2)
	}
	if *manifests > 0 {
		if err := os.WriteFile(*out, testrepo.Manifests(*manifests), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "genrepo:", err)
			os.Exit(1)
		}
		return
	}
	write := testrepo.WriteFleet
	switch *layout {
	case "fleet":
	case "simple":
		write = testrepo.Write
	default:
		fmt.Fprintf(os.Stderr, "genrepo: unknown layout %q: use fleet or simple\n", *layout)
		os.Exit(2)
	}
	if err := write(*out, *apps); err != nil {
		fmt.Fprintln(os.Stderr, "genrepo:", err)
		os.Exit(1)
	}
}
