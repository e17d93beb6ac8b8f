// Command genrepo writes a generated GitOps repository (see
// internal/testrepo) for the benchmark scripts.
//
//	go run ./hack/genrepo -apps 100 -out /tmp/repo-100
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ferrygitops/ferry/internal/testrepo"
)

func main() {
	apps := flag.Int("apps", 100, "number of applications")
	out := flag.String("out", "", "directory to write the repository into (created)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genrepo: -out is required")
		os.Exit(2)
	}
	if err := testrepo.Write(*out, *apps); err != nil {
		fmt.Fprintln(os.Stderr, "genrepo:", err)
		os.Exit(1)
	}
}
