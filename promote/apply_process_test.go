//go:build unix

package promote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/render"
)

// The test binary doubles as a ferry apply process: with these variables
// set, it applies the plan file to the root and exits (see applyHelper).
const (
	helperPlanEnv = "FERRY_TEST_APPLY_PLAN"
	helperRootEnv = "FERRY_TEST_APPLY_ROOT"
	exitLocked    = 3
	exitRefused   = 4
)

func TestMain(m *testing.M) {
	if plan := os.Getenv(helperPlanEnv); plan != "" {
		os.Exit(applyHelper(plan, os.Getenv(helperRootEnv)))
	}
	os.Exit(m.Run())
}

// applyHelper is what ferry apply does: read the plan, apply it.
func applyHelper(planFile, root string) int {
	data, err := os.ReadFile(planFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitRefused
	}
	p, err := ReadPlan(bytes.NewReader(data))
	if err == nil {
		fmt.Println("ready") // the test kills from here on
		var done Applied
		done, err = p.Apply(context.Background(), root)
		if err == nil {
			fmt.Printf("written=%d unchanged=%d\n", len(done.Written), len(done.Unchanged))
			return 0
		}
	}
	fmt.Fprintln(os.Stderr, err)
	if errors.Is(err, ErrLocked) {
		return exitLocked
	}
	return exitRefused
}

// helper returns a command that applies planFile to root in a new process.
func helper(t *testing.T, planFile, root string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperPlanEnv+"="+planFile, helperRootEnv+"="+root)
	return cmd
}

// stressRepo is a repository whose target environment has n files of
// about size bytes, each pinning app:1.0.0, and a plan that moves them all
// to app:2.0.0. It returns the root, the plan file and each file's content
// before and after.
type stressRepo struct {
	root, plan string
	old, new   map[string][]byte
}

func newStressRepo(t *testing.T, n, size int) *stressRepo {
	t.Helper()
	s := &stressRepo{root: t.TempDir(), old: map[string][]byte{}, new: map[string][]byte{}}
	plan := &Plan{
		APIVersion: PlanAPIVersion, Kind: PlanKind,
		Source:  EnvironmentRef{Name: "staging", Path: "env/staging"},
		Target:  EnvironmentRef{Name: "production", Path: "env/production"},
		Verdict: Verdict{Status: StatusReady},
		Files:   []FileEdit{},
	}
	base := "env/base.yaml"
	s.old[base] = []byte("kind: Base\n")
	for i := range n {
		name := fmt.Sprintf("env/production/app-%03d.yaml", i)
		s.old[name] = fmt.Appendf(nil, "# app %d\nimage: app:1.0.0 # pinned\npad: %s\n", i, strings.Repeat("x", size))
		edits := []Edit{{Op: OpSet, Keys: []string{"image"}, Old: "app:1.0.0", New: "app:2.0.0", Reason: "promote"}}
		after, done, err := applyEdits(s.old[name], edits)
		require.NoError(t, err)
		s.new[name] = after
		plan.Files = append(plan.Files, FileEdit{Path: name, Before: sha256Hex(s.old[name]), After: sha256Hex(after), Edits: done})
	}
	var inputs []render.File
	for name, data := range s.old {
		inputs = append(inputs, render.File{Path: name, SHA256: sha256Hex(data)})
	}
	plan.Inputs = mergeInputs(inputs)
	s.reset(t)
	data, err := json.Marshal(plan)
	require.NoError(t, err)
	s.plan = filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(s.plan, data, 0o644))
	return s
}

// reset writes every file's old content, with mode 0640.
func (s *stressRepo) reset(t *testing.T) {
	t.Helper()
	for name, data := range s.old {
		file := filepath.Join(s.root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, data, 0o640))
		require.NoError(t, os.Chmod(file, 0o640))
	}
}

// check asserts that every file is entirely old or entirely new, with its
// mode kept, and returns how many are new.
func (s *stressRepo) check(t *testing.T) (changed int) {
	t.Helper()
	for name, old := range s.old {
		file := filepath.Join(s.root, filepath.FromSlash(name))
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		info, err := os.Stat(file)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), name)
		switch {
		case bytes.Equal(data, old):
		case s.new[name] != nil && bytes.Equal(data, s.new[name]):
			changed++
		default:
			t.Fatalf("%s is neither its old nor its new content:\n%s", name, data)
		}
	}
	return changed
}

// TestApplyLockRefusesASecondApply: while one apply holds the repository,
// another process's apply refuses, saying who holds it, and writes nothing.
func TestApplyLockRefusesASecondApply(t *testing.T) {
	for _, git := range []bool{false, true} {
		s := newStressRepo(t, 3, 10)
		if git {
			require.NoError(t, os.Mkdir(filepath.Join(s.root, ".git"), 0o755))
		}
		r, err := os.OpenRoot(s.root)
		require.NoError(t, err)
		release, err := lockRepo(r)
		require.NoError(t, err)

		var stderr bytes.Buffer
		cmd := helper(t, s.plan, s.root)
		cmd.Stderr = &stderr
		err = cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, stderr.String())
		assert.Equal(t, exitLocked, exit.ExitCode(), stderr.String())
		assert.Contains(t, stderr.String(), "another ferry apply is running on this repository (lock held by process "+strconv.Itoa(os.Getpid())+")")
		lock := ".ferry-apply.lock"
		if git {
			lock = ".git/ferry-apply.lock"
		}
		assert.Contains(t, stderr.String(), "apply "+lock+": ")
		assert.Zero(t, s.check(t), "nothing written")

		release()
		require.NoError(t, r.Close())
		out, err := helper(t, s.plan, s.root).CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Equal(t, 3, s.check(t))
	}
}

// TestConcurrentApplies: two applies started at once on one repository —
// one writes, the other refuses (the lock is held) or finds every file up
// to date (it ran after); never a mix.
func TestConcurrentApplies(t *testing.T) {
	s := newStressRepo(t, 40, 2000)
	locked := 0
	for round := range 8 {
		s.reset(t)
		var outs [2]bytes.Buffer
		var cmds [2]*exec.Cmd
		for i := range cmds {
			cmds[i] = helper(t, s.plan, s.root)
			cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
			require.NoError(t, cmds[i].Start())
		}
		wrote := 0
		for i, cmd := range cmds {
			err := cmd.Wait()
			out := outs[i].String()
			switch {
			case err == nil && out == "ready\nwritten=40 unchanged=0\n":
				wrote++
			case err == nil:
				assert.Equal(t, "ready\nwritten=0 unchanged=40\n", out, "round %d", round)
			default:
				var exit *exec.ExitError
				require.ErrorAs(t, err, &exit)
				require.Equal(t, exitLocked, exit.ExitCode(), "round %d: %s", round, out)
				assert.Contains(t, out, "another ferry apply is running")
				locked++
			}
		}
		assert.Equal(t, 1, wrote, "round %d: exactly one apply writes", round)
		assert.Equal(t, 40, s.check(t), "round %d", round)
	}
	t.Logf("%d of 8 rounds refused the second apply with the lock held", locked)
}

// TestKillDuringApply kills an apply with SIGKILL at random points: every
// file is then entirely old or entirely new, with its mode, and applying
// again finishes the job and leaves no temporary file or lock behind.
func TestKillDuringApply(t *testing.T) {
	s := newStressRepo(t, 30, 4000)
	// How long the writing takes: kills land across it.
	p, err := ReadPlan(bytes.NewReader(mustRead(t, s.plan)))
	require.NoError(t, err)
	start := time.Now()
	_, err = p.Apply(context.Background(), s.root)
	require.NoError(t, err)
	span := time.Since(start) * 5 / 4
	rng := rand.New(rand.NewPCG(13, 6))
	mixed := 0
	const rounds = 20
	for round := range rounds {
		s.reset(t)
		cmd := helper(t, s.plan, s.root)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		ready := make([]byte, len("ready\n"))
		_, err = io.ReadFull(stdout, ready)
		require.NoError(t, err)
		time.Sleep(time.Duration(rng.Int64N(int64(span) + 1)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		if n := s.check(t); n > 0 && n < 30 {
			mixed++
		}
		_, err = p.Apply(context.Background(), s.root)
		require.NoError(t, err, "round %d: applying again after the kill", round)
		assert.Equal(t, 30, s.check(t), "round %d", round)
		leftovers, err := filepath.Glob(filepath.Join(s.root, "env", "production", ".*"))
		require.NoError(t, err)
		assert.Empty(t, leftovers, "round %d", round)
		assert.NoFileExists(t, filepath.Join(s.root, ".ferry-apply.lock"))
	}
	t.Logf("%d rounds, %d killed between the first and the last rename (apply takes about %v)", rounds, mixed, span*4/5)
}

// TestApplyRefusesFIFOs: a FIFO where the plan expects a file is refused
// at once, never waited on.
func TestApplyRefusesFIFOs(t *testing.T) {
	for _, name := range []string{"env/base.yaml", "env/production/app-001.yaml"} {
		t.Run(name, func(t *testing.T) {
			s := newStressRepo(t, 3, 10)
			file := filepath.Join(s.root, filepath.FromSlash(name))
			require.NoError(t, os.Remove(file))
			require.NoError(t, syscall.Mkfifo(file, 0o644))
			p, err := ReadPlan(bytes.NewReader(mustRead(t, s.plan)))
			require.NoError(t, err)
			_, err = p.Apply(context.Background(), s.root)
			require.ErrorIs(t, err, ErrForbiddenPath)
			assert.ErrorContains(t, err, "apply "+name+": ")
			assert.ErrorContains(t, err, "not a regular file")
		})
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	return data
}
