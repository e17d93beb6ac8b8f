// Command ferry renders, checks and promotes GitOps environments. It is a
// thin layer over the ferry library: each command parses flags, calls the
// library, prints the result and maps the outcome to an exit code.
//
// Exit codes: 0 success, 1 findings (the check ran and something failed), 2
// ferry could not run (bad flags, unreadable repository, invalid input).
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
)

func main() {
	tuneGC()
	stderr := os.Stderr
	done := quietKustomize(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, stderr)
	stop()
	done()
	os.Exit(code)
}

// quietKustomize drops kustomize's deprecation warnings, which it prints
// straight to os.Stderr on every build of a kustomization that uses a
// deprecated field (a thousand lines for a thousand overlays): ferry
// reports each as one kustomize-deprecated finding, with the file and the
// line to fix. Everything else written to os.Stderr passes through to dst.
// It returns a function that restores os.Stderr and flushes what is left,
// to call before the process exits.
func quietKustomize(dst io.Writer) func() {
	orig := os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		return func() {}
	}
	os.Stderr = w
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" && !isKustomizeDeprecation(strings.TrimSuffix(line, "\n")) {
				if !strings.HasSuffix(line, "\n") {
					line += "\n"
				}
				_, _ = io.WriteString(dst, line)
			}
			if err != nil {
				return
			}
		}
	}()
	return func() {
		os.Stderr = orig
		_ = w.Close()
		<-copied
	}
}

// isKustomizeDeprecation reports whether line is one of kustomize's
// deprecation warnings ("# Warning: 'commonLabels' is deprecated. Please
// use 'labels' instead. …").
func isKustomizeDeprecation(line string) bool {
	return strings.HasPrefix(line, "# Warning: '") && strings.Contains(line, "' is deprecated. Please use '")
}

// tuneGC sets the garbage collector for a short command, unless GOGC or
// GOMEMLIMIT say otherwise. kustomize allocates many times the live heap in
// every build; at Go's default (GOGC=100) collection took a fifth of a plan's
// CPU time, and GOGC=400 saves most of it at the cost of a larger heap. A
// soft memory limit bounds that cost (see memoryLimit); the commands that
// render set it again once they know the repository (see limitMemoryFor).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(availableMemory(), 0))
	}
}

// limitMemoryFor sets the soft memory limit for planning (three renders)
// or rendering (one) in the repository at root, unless GOMEMLIMIT is set.
func limitMemoryFor(root string, renders int) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(availableMemory(), inputSize(root)*int64(renders)/3))
	}
}

// memoryLimit is the soft limit for a machine (or container) with total
// bytes of memory (0 when unknown) rendering input bytes of YAML. A plan
// holds about 64 bytes per byte of YAML at its peak (the generated 1,000-app
// fleet: 6.7 MB of YAML, 430 MB live); the limit leaves room for twice
// that, so that the collector, which runs more often as the heap nears the
// limit, does not run all the time: never less than a quarter of the
// machine up to 512 MiB, never more than half of it. On the 1,000-app fleet
// (2 shared cores, noisy) a plan takes 26–29 s and 0.83–1.04 GB with it, 25–32 s
// and 1.8–1.9 GB without, 31 s and 0.79 GB with the fixed 768 MiB limit
// ferry used to set, whose collector runs nearly all the time on larger
// repositories.
func memoryLimit(total, input int64) int64 {
	const floor, ceiling = 256 << 20, 512 << 20
	if total <= 0 {
		total = 8 << 30 // unknown: as for an 8 GiB machine
	}
	base := min(max(total/4, floor), ceiling)
	return min(max(base, 128*input), total/2)
}

// inputSize returns the bytes of YAML and JSON files in the repository at
// root (hidden directories left out), counting at most 200,000 files.
func inputSize(root string) int64 {
	var size int64
	files := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || files > 200_000 {
			return filepath.SkipAll
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		files++
		if ext := filepath.Ext(p); ext == ".yaml" || ext == ".yml" || ext == ".json" {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	return size
}

// availableMemory returns the memory the process may use: the cgroup's
// limit when one is set (cgroup v2, then v1), else the machine's; 0 when
// unknown.
func availableMemory() int64 {
	total := int64(0)
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
					total = kb << 10
				}
			}
		}
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var limit int64
		if _, err := fmt.Sscanf(strings.TrimSpace(string(data)), "%d", &limit); err == nil && limit > 0 && (total == 0 || limit < total) {
			total = limit
		}
		break
	}
	return total
}

// checkFormat refuses an output format that is not one of formats.
func checkFormat(output string, formats []string) error {
	if !slices.Contains(formats, output) {
		return fmt.Errorf("unknown output format %q: use one of %s", output, strings.Join(formats, ", "))
	}
	return nil
}

// regoV0 parses --rego-version: v1 (false) or v0 (true).
func regoV0(version string) (bool, error) {
	switch version {
	case "v1":
		return false, nil
	case "v0":
		return true, nil
	}
	return false, fmt.Errorf("unknown Rego version %q: use v1 or v0", version)
}
