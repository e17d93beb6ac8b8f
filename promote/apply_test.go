package promote_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
)

var shopPlanOnce struct {
	sync.Once
	data []byte
	err  error
}

// shopPlanJSON is the plan of the shop example from staging to production,
// as ferry plan --out writes it; it applies to any copy of the example.
func shopPlanJSON(t testing.TB) []byte {
	t.Helper()
	shopPlanOnce.Do(func() {
		p, err := promote.NewPlanner(promote.Options{Root: filepath.Join("..", "examples", "shop"), Now: func() time.Time { return ordinaryDay }})
		if err != nil {
			shopPlanOnce.err = err
			return
		}
		plan, err := p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
		if err != nil {
			shopPlanOnce.err = err
			return
		}
		shopPlanOnce.data, shopPlanOnce.err = json.MarshalIndent(plan, "", "  ")
	})
	require.NoError(t, shopPlanOnce.err)
	return shopPlanOnce.data
}

func hashOf(data string) string {
	sum := sha256.Sum256([]byte(data))
	return hex.EncodeToString(sum[:])
}

// applyJSON reads a plan from JSON and applies it to root.
func applyJSON(root string, data []byte) (promote.Applied, error) {
	plan, err := promote.ReadPlan(bytes.NewReader(data))
	if err != nil {
		return promote.Applied{}, err
	}
	return plan.Apply(context.Background(), root)
}

// tamper decodes the plan as generic JSON, lets edit change it and encodes
// it again.
func tamper(t *testing.T, data []byte, edit func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	require.NoError(t, json.Unmarshal(data, &p))
	edit(p)
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return out
}

func files(p map[string]any) []any          { return p["files"].([]any) }
func file0(p map[string]any) map[string]any { return files(p)[0].(map[string]any) }

// addFile makes the plan edit file (holding before) into after by setting
// keys, with the hashes right and the file recorded in its inputs: only the
// rules on paths can refuse it.
func addFile(path, before, after string, keys ...string) func(p map[string]any) {
	return func(p map[string]any) {
		p["files"] = append(files(p), map[string]any{
			"path": path, "before": hashOf(before), "after": hashOf(after),
			"edits": []any{map[string]any{"op": "set", "keys": keys, "new": "refs/heads/evil", "reason": "x"}},
		})
		p["inputs"] = append(p["inputs"].([]any), map[string]any{"path": path, "sha256": hashOf(before)})
	}
}

const (
	head     = "ref: refs/heads/main\n"
	evilHead = "ref: refs/heads/evil\n"
)

// TestApplyRefusesTamperedPlans: a plan edited by hand is refused, with an
// error naming the file and why, and nothing in the repository changes.
func TestApplyRefusesTamperedPlans(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, root string)
		edit  func(p map[string]any)
		want  error
		file  string
		msg   string
	}{
		{name: ".git/HEAD", edit: addFile(".git/HEAD", head, evilHead, "ref"), want: promote.ErrForbiddenPath, file: ".git/HEAD", msg: "inside .git"},
		{name: ".GIT in another case", setup: func(t *testing.T, root string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "apps", ".Git"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, "apps", ".Git", "HEAD"), []byte(head), 0o644))
		}, edit: addFile("apps/.Git/HEAD", head, evilHead, "ref"), want: promote.ErrForbiddenPath, file: "apps/.Git/HEAD", msg: "inside .git"},
		{name: "a file the plan never read", setup: func(t *testing.T, root string) {
			require.NoError(t, os.WriteFile(filepath.Join(root, "other.yaml"), []byte(head), 0o644))
		}, edit: func(p map[string]any) {
			addFile("other.yaml", head, evilHead, "ref")(p)
			p["inputs"] = p["inputs"].([]any)[:len(p["inputs"].([]any))-1]
		}, want: promote.ErrForbiddenPath, file: "other.yaml", msg: "not in inputs"},
		{name: "the source's own file", edit: func(p map[string]any) {
			f := file0(p)
			f["path"] = "overlays/staging/kustomization.yaml"
			for _, in := range p["inputs"].([]any) {
				if in.(map[string]any)["path"] == f["path"] {
					f["before"] = in.(map[string]any)["sha256"]
				}
			}
		}, want: promote.ErrForbiddenPath, file: "overlays/staging/kustomization.yaml", msg: "source environment"},
		{name: "outside the root", edit: addFile("../outside.yaml", head, evilHead, "ref"), want: promote.ErrForbiddenPath, file: "../outside.yaml", msg: "inside the repository"},
		{name: "absolute", edit: addFile("/etc/hostname", head, evilHead, "ref"), want: promote.ErrForbiddenPath, file: "/etc/hostname", msg: "inside the repository"},
		{name: "not clean", edit: addFile("overlays/production/../production/kustomization.yaml", head, evilHead, "ref"), want: promote.ErrForbiddenPath, msg: "clean relative path"},
		{name: "inputs emptied", edit: func(p map[string]any) { p["inputs"] = []any{} }, want: promote.ErrMalformedPlan, file: "plan", msg: "inputs is missing, null or empty"},
		{name: "inputs null", edit: func(p map[string]any) { p["inputs"] = nil }, want: promote.ErrMalformedPlan, file: "plan", msg: "inputs is missing"},
		{name: "inputs missing", edit: func(p map[string]any) { delete(p, "inputs") }, want: promote.ErrMalformedPlan, file: "plan", msg: "inputs is missing"},
		{name: "files null", edit: func(p map[string]any) { p["files"] = nil }, want: promote.ErrMalformedPlan, file: "plan", msg: "files is missing or null"},
		{name: "files missing", edit: func(p map[string]any) { delete(p, "files") }, want: promote.ErrMalformedPlan, file: "plan", msg: "files is missing or null"},
		{name: "one file twice", edit: func(p map[string]any) { p["files"] = append(files(p), file0(p)) }, want: promote.ErrMalformedPlan, file: "overlays/production/kustomization.yaml", msg: "listed twice in files"},
		{name: "one input twice", edit: func(p map[string]any) { p["inputs"] = append(p["inputs"].([]any), p["inputs"].([]any)[0]) }, want: promote.ErrMalformedPlan, msg: "listed twice in inputs"},
		{name: "edits null", edit: func(p map[string]any) { file0(p)["edits"] = nil }, want: promote.ErrMalformedPlan, file: "overlays/production/kustomization.yaml", msg: "edits is missing"},
		{name: "edits missing", edit: func(p map[string]any) { delete(file0(p), "edits") }, want: promote.ErrMalformedPlan, msg: "edits is missing"},
		{name: "one edit twice", edit: func(p map[string]any) {
			f := file0(p)
			f["edits"] = append(f["edits"].([]any), f["edits"].([]any)[0])
		}, want: promote.ErrMalformedPlan, file: "overlays/production/kustomization.yaml", msg: "listed twice"},
		{name: "unknown op", edit: func(p map[string]any) { file0(p)["edits"].([]any)[0].(map[string]any)["op"] = "exec" }, want: promote.ErrMalformedPlan, msg: `unknown op "exec"`},
		{name: "no keys", edit: func(p map[string]any) { delete(file0(p)["edits"].([]any)[0].(map[string]any), "keys") }, want: promote.ErrMalformedPlan, msg: "keys is missing"},
		{name: "before is not the recorded input", edit: func(p map[string]any) { file0(p)["before"] = hashOf("x") }, want: promote.ErrMalformedPlan, msg: "another hash"},
		{name: "a bad hash", edit: func(p map[string]any) { file0(p)["after"] = "zz" }, want: promote.ErrMalformedPlan, msg: "SHA-256"},
		{name: "blocked", edit: func(p map[string]any) { p["verdict"] = map[string]any{"status": "blocked", "reasons": []any{"no"}} }, msg: "the plan is blocked"},
		{name: "unknown verdict", edit: func(p map[string]any) { p["verdict"] = map[string]any{"status": "yes"} }, want: promote.ErrMalformedPlan, msg: "unknown verdict"},
		{name: "unknown field", edit: func(p map[string]any) { p["exec"] = "rm -rf /" }, want: promote.ErrMalformedPlan, msg: `unknown field "exec"`},
		{name: "target is .git", edit: func(p map[string]any) { p["target"] = map[string]any{"name": "x", "path": ".git"} }, want: promote.ErrMalformedPlan, msg: "target.path"},
	}
	plan := shopPlanJSON(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyShop(t)
			require.NoError(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, ".git", "HEAD"), []byte(head), 0o644))
			if tt.setup != nil {
				tt.setup(t, root)
			}
			before := snapshot(t, root)
			_, err := applyJSON(root, tamper(t, plan, tt.edit))
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			if tt.file != "" {
				assert.ErrorContains(t, err, "apply "+tt.file+":")
			}
			assert.ErrorContains(t, err, tt.msg)
			assert.Equal(t, before, snapshot(t, root), "nothing is written")
		})
	}
	// The untampered plan applies: the refusals above are the edits'.
	root := copyShop(t)
	applied, err := applyJSON(root, plan)
	require.NoError(t, err)
	assert.Equal(t, []string{"overlays/production/kustomization.yaml"}, applied.Written)
}

// TestApplyRefusesSymlinks: a target file, or a directory on its path,
// replaced by a symlink between plan and apply is refused, whether the link
// stays inside the repository or leads out of it.
func TestApplyRefusesSymlinks(t *testing.T) {
	plan := shopPlanJSON(t)
	kust := filepath.Join("overlays", "production", "kustomization.yaml")
	tests := []struct {
		name  string
		setup func(t *testing.T, root, outside string)
		msg   string
	}{
		{name: "file to a file outside", setup: func(t *testing.T, root, outside string) {
			moveAndLink(t, filepath.Join(root, kust), filepath.Join(outside, "kustomization.yaml"))
		}, msg: "the file is a symlink"},
		{name: "file to a file inside", setup: func(t *testing.T, root, _ string) {
			moveAndLink(t, filepath.Join(root, kust), filepath.Join(root, "real.yaml"))
		}, msg: "the file is a symlink"},
		{name: "directory to a directory outside", setup: func(t *testing.T, root, outside string) {
			moveAndLink(t, filepath.Join(root, "overlays", "production"), filepath.Join(outside, "production"))
		}, msg: "overlays/production is a symlink"},
		{name: "directory to a directory inside", setup: func(t *testing.T, root, _ string) {
			require.NoError(t, os.Rename(filepath.Join(root, "overlays", "production"), filepath.Join(root, "overlays", "elsewhere")))
			require.NoError(t, os.Symlink("elsewhere", filepath.Join(root, "overlays", "production")))
		}, msg: "overlays/production is a symlink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, outside := copyShop(t), t.TempDir()
			tt.setup(t, root, outside)
			before, beforeOut := snapshot(t, root), snapshot(t, outside)
			_, err := applyJSON(root, plan)
			require.ErrorIs(t, err, promote.ErrForbiddenPath)
			assert.ErrorContains(t, err, "apply overlays/production/")
			assert.ErrorContains(t, err, tt.msg)
			assert.Equal(t, before, snapshot(t, root))
			assert.Equal(t, beforeOut, snapshot(t, outside))
		})
	}
}

// moveAndLink moves from to to and leaves a symlink to it at from.
func moveAndLink(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.Rename(from, to))
	require.NoError(t, os.Symlink(to, from))
}

// TestApplyRefusesReadOnlyFile: a target without write permission stops
// the apply before anything is written, whoever runs it (root included).
func TestApplyRefusesReadOnlyFile(t *testing.T) {
	root := copyShop(t)
	kust := filepath.Join(root, "overlays", "production", "kustomization.yaml")
	require.NoError(t, os.Chmod(kust, 0o444))
	before := snapshot(t, root)
	_, err := applyJSON(root, shopPlanJSON(t))
	require.ErrorIs(t, err, promote.ErrReadOnly)
	assert.ErrorContains(t, err, "apply overlays/production/kustomization.yaml: the file is read-only")
	assert.ErrorContains(t, err, "chmod u+w")
	assert.Equal(t, before, snapshot(t, root))

	require.NoError(t, os.Chmod(kust, 0o644))
	_, err = applyJSON(root, shopPlanJSON(t))
	require.NoError(t, err)
}

// TestApplyRemovesItsLock: the lock file is gone after an apply, applied or
// refused, with or without a .git directory.
func TestApplyRemovesItsLock(t *testing.T) {
	for _, git := range []bool{false, true} {
		root := copyShop(t)
		if git {
			require.NoError(t, os.Mkdir(filepath.Join(root, ".git"), 0o755))
		}
		_, err := applyJSON(root, shopPlanJSON(t))
		require.NoError(t, err)
		_, err = applyJSON(root, tamper(t, shopPlanJSON(t), func(p map[string]any) { file0(p)["after"] = hashOf("x") }))
		require.Error(t, err)
		for _, f := range []string{".ferry-apply.lock", filepath.Join(".git", "ferry-apply.lock")} {
			assert.NoFileExists(t, filepath.Join(root, f))
		}
	}
}

// TestReadPlan: what ReadPlan refuses before Apply looks at the plan.
func TestReadPlan(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{name: "not JSON", in: "apiVersion: x", msg: "not a plan"},
		{name: "trailing data", in: string(shopPlanJSON(t)) + "{}", msg: "trailing data"},
		{name: "another kind", in: `{"apiVersion": "v1", "kind": "ConfigMap"}`, msg: `want apiVersion ferry.dev/v1alpha1 and kind Plan, got "v1" and "ConfigMap"`},
		{name: "too large", in: `{"diff": "` + strings.Repeat("x", promote.MaxPlanSize) + `"}`, msg: "larger than 64 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := promote.ReadPlan(strings.NewReader(tt.in))
			require.ErrorIs(t, err, promote.ErrMalformedPlan)
			assert.ErrorContains(t, err, "read plan: ")
			assert.ErrorContains(t, err, tt.msg)
		})
	}
	p, err := promote.ReadPlan(bytes.NewReader(shopPlanJSON(t)))
	require.NoError(t, err)
	assert.Equal(t, promote.StatusReady, p.Verdict.Status)
}
