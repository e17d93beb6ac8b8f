package render_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/render"
)

// hostileCase is an input an attacker could commit, and the refusal
// ferry must give: the sentinel, and the file and line named.
type hostileCase struct {
	name  string
	files map[string]string // repository path -> content
	// setup makes what files cannot: decoy directories, FIFOs.
	setup    func(t *testing.T, root string)
	dir      string // rendered, relative to the root
	opts     render.Options
	sentinel error
	file     string // Error.File
	line     int    // Error.Line; -1 when not checked
	contains string
}

// remoteSpellings are the references kustomize would fetch or clone (or
// that have no business in a path inside a repository), in several cases.
var remoteSpellings = []string{
	"FILE:///x/repo?timeout=5&ref=--upload-pack=touch /x/owned",
	"file:///x/repo?ref=--upload-pack=touch /x/owned",
	"HTTP://host/file.yaml",
	"Https://host/org/repo//dir?ref=v1",
	"git::https://host/org/repo",
	"GIT::file:///x/repo",
	"ssh://git@host/org/repo",
	"git@github.com:org/repo",
	"deploy@host:org/repo.git",
	"github.com/org/repo//dir?ref=v1",
	"GitHub.com/org/repo",
	"file:/x/repo",
	"gh:org/repo",
	"dir?ref=--upload-pack=touch /x/owned",
}

// remotePosition is a place in a kustomization that names a file or a
// directory.
type remotePosition struct {
	name string
	// kustomization is app/kustomization.yaml with %s where the quoted
	// reference goes; other files are added to the repository.
	kustomization string
	other         map[string]string
	value         func(ref string) string // the entry written; default ref
	dirDecoy      bool                    // the decoy is a directory
	file          string                  // file named by the error; default the kustomization
	line          int
}

var remotePositions = []remotePosition{
	{name: "resources", kustomization: "resources:\n- %s\n", dirDecoy: true, line: 2},
	{name: "bases", kustomization: "bases:\n- %s\n", dirDecoy: true, line: 2},
	{name: "components", kustomization: "components:\n- %s\n", dirDecoy: true, line: 2},
	{name: "upper-case key", kustomization: "RESOURCES:\n- %s\n", dirDecoy: true, line: 2},
	{name: "resource file", kustomization: "resources:\n- cm.yaml\n- %s\n", line: 3},
	{name: "patches", kustomization: "resources:\n- cm.yaml\npatches:\n- path: %s\n", line: 4},
	{name: "patches mixed-case path", kustomization: "resources:\n- cm.yaml\npatches:\n- Path: %s\n", line: 4},
	{name: "patchesStrategicMerge", kustomization: "resources:\n- cm.yaml\npatchesStrategicMerge:\n- %s\n", line: 4},
	{name: "patchesJson6902", kustomization: "resources:\n- cm.yaml\npatchesJson6902:\n- target: {kind: ConfigMap, name: cm, version: v1}\n  path: %s\n", line: 5},
	{name: "configMapGenerator files", kustomization: "configMapGenerator:\n- name: g\n  files:\n  - %s\n", line: 4},
	{name: "configMapGenerator key=file", kustomization: "configMapGenerator:\n- name: g\n  files:\n  - %s\n", value: func(r string) string { return "key=" + r }, line: 4},
	{name: "configMapGenerator envs", kustomization: "configMapGenerator:\n- name: g\n  envs:\n  - %s\n", line: 4},
	{name: "configMapGenerator env", kustomization: "configMapGenerator:\n- name: g\n  env: %s\n", line: 3},
	{name: "secretGenerator files", kustomization: "secretGenerator:\n- name: g\n  files:\n  - %s\n", line: 4},
	{name: "replacements", kustomization: "resources:\n- cm.yaml\nreplacements:\n- path: %s\n", line: 4},
	{name: "openapi", kustomization: "resources:\n- cm.yaml\nopenapi:\n  path: %s\n", line: 4},
	{name: "configurations", kustomization: "resources:\n- cm.yaml\nconfigurations:\n- %s\n", line: 4},
	{name: "crds", kustomization: "resources:\n- cm.yaml\ncrds:\n- %s\n", line: 4},
	{name: "generators", kustomization: "generators:\n- %s\n", line: 2},
	{name: "validators", kustomization: "resources:\n- cm.yaml\nvalidators:\n- %s\n", line: 4},
	{name: "inline transformer", kustomization: "resources:\n- cm.yaml\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata:\n    name: p\n  path: %s\n", line: 9},
	{
		name: "transformer configuration file", kustomization: "resources:\n- cm.yaml\ntransformers:\n- t.yaml\n",
		other: map[string]string{"app/t.yaml": "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\nPATH: %s\n"},
		file:  "app/t.yaml", line: 5,
	},
	{
		name: "transformer configuration directory", kustomization: "resources:\n- cm.yaml\ntransformers:\n- t\n",
		other: map[string]string{
			"app/t/kustomization.yaml": "resources:\n- t.yaml\n",
			"app/t/t.yaml":             "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npath: %s\n",
		},
		file: "app/t/t.yaml", line: 5,
	},
}

const hostileConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n"

// remoteCases are every spelling in every position, each next to a decoy:
// a local path spelled the same way, which must not make it acceptable.
func remoteCases() []hostileCase {
	var out []hostileCase
	for _, pos := range remotePositions {
		for _, ref := range remoteSpellings {
			value := ref
			if pos.value != nil {
				value = pos.value(ref)
			}
			quoted := strconv.Quote(value)
			files := map[string]string{"app/cm.yaml": hostileConfigMap}
			kfile := "app/kustomization.yaml"
			files[kfile] = pos.kustomization
			for p, c := range pos.other {
				files[p] = c
			}
			for p, c := range files {
				if strings.Contains(c, "%s") {
					files[p] = fmt.Sprintf(c, quoted)
				}
			}
			file := pos.file
			if file == "" {
				file = kfile
			}
			dirDecoy := pos.dirDecoy
			out = append(out, hostileCase{
				name:  "remote " + pos.name + " " + ref,
				files: files,
				setup: func(t *testing.T, root string) {
					decoy := filepath.Join(root, "app", filepath.FromSlash(ref))
					if dirDecoy {
						writeFile(t, filepath.Join(decoy, "kustomization.yaml"), "resources:\n- cm.yaml\n")
						writeFile(t, filepath.Join(decoy, "cm.yaml"), hostileConfigMap)
						return
					}
					writeFile(t, decoy, hostileConfigMap)
				},
				dir: "app", sentinel: render.ErrRemoteBase, file: file, line: pos.line,
			})
		}
	}
	return out
}

// fluxRemoteCases are remote references in Flux Kustomizations.
func fluxRemoteCases() []hostileCase {
	ks := func(path, extra string) string {
		return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: " +
			strconv.Quote(path) + "\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n" + extra
	}
	var out []hostileCase
	for _, ref := range remoteSpellings {
		out = append(out,
			hostileCase{
				name:  "flux spec.path " + ref,
				files: map[string]string{"clusters/c/app.yaml": ks(ref, "")},
				setup: func(t *testing.T, root string) {
					writeFile(t, filepath.Join(root, filepath.FromSlash(ref), "cm.yaml"), hostileConfigMap)
				},
				dir:      "clusters/c",
				sentinel: render.ErrRemoteBase, file: "clusters/c/app.yaml", line: 1,
			},
			hostileCase{
				name:  "flux component " + ref,
				files: map[string]string{"clusters/c/app.yaml": ks("./app", "  components:\n  - "+strconv.Quote(ref)+"\n"), "app/cm.yaml": hostileConfigMap},
				setup: func(t *testing.T, root string) {
					writeFile(t, filepath.Join(root, "app", filepath.FromSlash(ref), "kustomization.yaml"), "kind: Component\napiVersion: kustomize.config.k8s.io/v1alpha1\n")
				},
				dir:      "clusters/c",
				sentinel: render.ErrRemoteBase, file: "clusters/c/app.yaml", line: 1,
			},
		)
	}
	return out
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

// sandboxGuards makes any process start or HTTP request visible: a fake git
// first (and alone) in PATH that leaves a marker, and an
// http.DefaultTransport that records every request and fails it. It
// returns the marker's path and the count of requests. Tests using it must
// not run in parallel.
func sandboxGuards(t *testing.T) (marker string, requests *atomic.Int64) {
	t.Helper()
	bin := t.TempDir()
	marker = filepath.Join(t.TempDir(), "git-ran")
	script := "#!/bin/sh\necho \"$@\" >> '" + marker + "'\nexit 0\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755))
	t.Setenv("PATH", bin)
	requests = &atomic.Int64{}
	saved := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		requests.Add(1)
		return nil, errors.New("network access from a test")
	})
	t.Cleanup(func() { http.DefaultTransport = saved })
	return marker, requests
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// makeRepo writes a hostile case's repository under a new root.
func makeRepo(t *testing.T, tc hostileCase) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
	writeFile(t, filepath.Join(root, "clusters/c/flux-system/sync.yaml"),
		"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/c\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n")
	for p, c := range tc.files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(p)), c)
	}
	if tc.setup != nil {
		tc.setup(t, root)
	}
	return root
}

// TestHostileHarness shows the guards of the hostile tests work: with
// remote bases allowed, kustomize does run git and does make an HTTP
// request, and the guards see both.
func TestHostileHarness(t *testing.T) {
	marker, requests := sandboxGuards(t)
	for _, ref := range []string{"file:///nonexistent/repo", "HTTP://example.invalid/cm.yaml"} {
		tc := hostileCase{files: map[string]string{"app/kustomization.yaml": "resources:\n- " + strconv.Quote(ref) + "\n"}}
		root := makeRepo(t, tc)
		r, err := render.New(render.Options{Root: root, AllowRemoteBases: true})
		require.NoError(t, err)
		_, err = r.Render(context.Background(), filepath.Join(root, "app"))
		require.Error(t, err)
	}
	_, err := os.Stat(marker)
	assert.NoError(t, err, "the fake git never ran: the guard would not notice")
	assert.Positive(t, requests.Load(), "no HTTP request recorded: the guard would not notice")
}

// TestHostile renders every hostile input ferry handles, with the guards
// on: each must be refused with its sentinel and an error naming the file
// and line, without starting a process or making a request, and quickly.
// It logs the figures: inputs tried, refused, accepted, hangs, crashes.
func TestHostile(t *testing.T) {
	marker, requests := sandboxGuards(t)
	cases := append(remoteCases(), fluxRemoteCases()...)
	cases = append(cases, hostileFileCases()...)
	var refused, accepted, hangs, crashes int
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := makeRepo(t, tc)
			opts := tc.opts
			opts.Root = root
			r, err := render.New(opts)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var res *render.Result
			func() {
				defer func() {
					if p := recover(); p != nil {
						crashes++
						err = fmt.Errorf("panic: %v", p)
					}
				}()
				res, err = r.Render(ctx, filepath.Join(root, filepath.FromSlash(tc.dir)))
			}()
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				hangs++
			case err == nil:
				accepted++
				t.Errorf("accepted, rendering %d objects", len(res.Objects))
				return
			case errors.Is(err, tc.sentinel):
				refused++
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.sentinel)
			re, ok := errors.AsType[*render.Error](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.file, re.File, "%v", err)
			if tc.line >= 0 {
				assert.Equal(t, tc.line, re.Line, "%v", err)
			}
			if tc.contains != "" {
				assert.Contains(t, err.Error(), tc.contains)
			}
			assert.NotContains(t, err.Error(), root, "the error leaks the checkout path")
		})
	}
	_, err := os.Stat(marker)
	assert.ErrorIs(t, err, os.ErrNotExist, "a render ran git")
	assert.Zero(t, requests.Load(), "a render made an HTTP request")
	t.Logf("hostile inputs tried: %d, refused with a clear error: %d, accepted: %d, hangs: %d, crashes: %d, processes started: %d, requests: %d",
		len(cases), refused, accepted, hangs, crashes, boolInt(err == nil), requests.Load())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hostileFileCases are hostile inputs other than remote references.
func hostileFileCases() []hostileCase {
	fifo := func(p string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			full := filepath.Join(root, filepath.FromSlash(p))
			require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
			require.NoError(t, syscall.Mkfifo(full, 0o644))
		}
	}
	symlinkTo := func(link, target string, make func(*testing.T, string)) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			make(t, root)
			require.NoError(t, os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))))
		}
	}
	bomb := "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
	for i, prev := 'b', 'a'; i <= 'j'; i, prev = i+1, i {
		bomb += fmt.Sprintf("%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", i, i, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	bombObject := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n" + strings.ReplaceAll("data:\n"+bomb, "\n", "\n  ")
	diamond := map[string]string{"l20/kustomization.yaml": "resources:\n- cm.yaml\n", "l20/cm.yaml": hostileConfigMap}
	for i := range 20 {
		diamond[fmt.Sprintf("l%d/kustomization.yaml", i)] = fmt.Sprintf("resources:\n- ../l%d\n- ../l%d\n", i+1, i+1)
	}
	ks := "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substitute:\n      a: " + strings.Repeat("x", 64<<10) + "\n"
	return []hostileCase{
		{
			name: "kustomization diamond of 2^20 inclusions", files: diamond,
			dir: "l0", sentinel: render.ErrLimit, file: "l3/kustomization.yaml", line: -1, contains: "MaxResources",
		},
		{
			name:  "substitution expanding to gigabytes",
			files: map[string]string{"clusters/c/app.yaml": ks, "app/cm.yaml": hostileConfigMap + "  big: \"" + strings.Repeat("${a}", 300) + "\"\n"},
			dir:   "clusters/c", sentinel: render.ErrLimit, file: "app/cm.yaml", line: 1, contains: "MaxSubstitutedSize",
		},
		{
			name: "FIFO as a resource", files: map[string]string{"app/kustomization.yaml": "resources:\n- cm.yaml\n- fifo.yaml\n", "app/cm.yaml": hostileConfigMap},
			setup: fifo("app/fifo.yaml"), dir: "app", sentinel: render.ErrNotRegular, file: "app/kustomization.yaml", line: 3, contains: "named pipe",
		},
		{
			name: "symlink to a FIFO as a resource", files: map[string]string{"app/kustomization.yaml": "resources:\n- link.yaml\n"},
			setup: symlinkTo("app/link.yaml", "fifo", fifo("app/fifo")), dir: "app", sentinel: render.ErrNotRegular, file: "app/kustomization.yaml", line: 2,
		},
		{
			name: "FIFO as a patch", files: map[string]string{"app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: fifo.yaml\n", "app/cm.yaml": hostileConfigMap},
			setup: fifo("app/fifo.yaml"), dir: "app", sentinel: render.ErrNotRegular, file: "app/kustomization.yaml", line: 4,
		},
		{
			name: "FIFO in a plain directory", files: map[string]string{"app/cm.yaml": hostileConfigMap},
			setup: fifo("app/sub/fifo.yaml"), dir: "app", sentinel: render.ErrNotRegular, file: "app/sub/fifo.yaml", line: -1,
		},
		{
			name: "FIFO as the kustomization", files: map[string]string{"app/cm.yaml": hostileConfigMap},
			setup: fifo("app/kustomization.yaml"), dir: "app", sentinel: render.ErrNotRegular, file: "app/kustomization.yaml", line: -1,
		},
		{
			name: "alias bomb in a resource file", files: map[string]string{"app/kustomization.yaml": "resources:\n- bomb.yaml\n", "app/bomb.yaml": bombObject},
			dir: "app", sentinel: render.ErrLimit, file: "app/bomb.yaml", line: -1, contains: "MaxYAMLNodes",
		},
		{
			name: "alias bomb in a plain directory", files: map[string]string{"app/bomb.yaml": bombObject},
			dir: "app", sentinel: render.ErrLimit, file: "app/bomb.yaml", line: -1,
		},
		{
			name: "file over the size limit", files: map[string]string{"app/kustomization.yaml": "resources:\n- cm.yaml\n", "app/cm.yaml": hostileConfigMap + "  pad: " + strings.Repeat("x", 2048) + "\n"},
			opts: render.Options{Limits: render.Limits{MaxFileSize: 1024}},
			dir:  "app", sentinel: render.ErrLimit, file: "app/cm.yaml", line: -1, contains: "MaxFileSize",
		},
		{
			name: "too many documents", files: map[string]string{"app/kustomization.yaml": "resources:\n- cm.yaml\n", "app/cm.yaml": strings.Repeat("---\n", 50) + hostileConfigMap},
			opts: render.Options{Limits: render.Limits{MaxDocuments: 10}},
			dir:  "app", sentinel: render.ErrLimit, file: "app/cm.yaml", line: -1, contains: "MaxDocuments",
		},
	}
}

// TestDeadlineStopsABuild: a build kustomize cannot be asked to stop (a
// lattice of 2^20 distinct objects, each level naming its two halves apart,
// with the resource limit raised out of the way) stops at the caller's
// deadline: every read fails once the context is done, and the render
// returns the context's error.
func TestDeadlineStopsABuild(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, h := range []string{"a", "b"} {
		fsys["l20"+h+"/kustomization.yaml"] = &fstest.MapFile{Data: []byte("nameSuffix: -" + h + "\nresources:\n- cm.yaml\n")}
		fsys["l20"+h+"/cm.yaml"] = &fstest.MapFile{Data: []byte(hostileConfigMap)}
		for i := range 20 {
			fsys[fmt.Sprintf("l%d%s/kustomization.yaml", i, h)] = &fstest.MapFile{Data: fmt.Appendf(nil, "nameSuffix: -%s\nresources:\n- ../l%da\n- ../l%db\n", h, i+1, i+1)}
		}
	}
	r, err := render.New(render.Options{FS: fsys, Limits: render.Limits{MaxResources: 1 << 40}})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = r.Render(ctx, "l0a")
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
