package promote_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrygitops/ferry/promote"
)

// FuzzApplyPlan reads fuzzed plan JSON and applies it to a copy of the shop
// example (with a .git directory, and a file outside the root beside it).
// A plan is either refused, writing nothing, or applied, writing only the
// files it lists — never under .git, never outside the root; nothing
// panics. Seeds: the example's staging → production plan and tampered
// versions of it (testdata/fuzz/FuzzApplyPlan holds more).
func FuzzApplyPlan(f *testing.F) {
	plan := shopPlanJSON(f)
	f.Add(plan)
	f.Add(bytes.Replace(plan, []byte(`"path": "overlays/production/kustomization.yaml"`), []byte(`"path": ".git/HEAD"`), 1))
	f.Add(bytes.Replace(plan, []byte(`"path": "overlays/production/kustomization.yaml"`), []byte(`"path": "../outside.yaml"`), 1))
	f.Add(bytes.Replace(plan, []byte(`"inputs": [`), []byte(`"inputs": null, "x": [`), 1))

	dir := f.TempDir()
	root := filepath.Join(dir, "repo")
	if err := os.CopyFS(root, os.DirFS(filepath.Join("..", "examples", "shop"))); err != nil {
		f.Fatal(err)
	}
	for file, data := range map[string]string{".git/HEAD": head, "../outside.yaml": "ref: refs/heads/main\n"} {
		p := filepath.Join(root, filepath.FromSlash(file))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	before := snapshot(f, dir)

	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := promote.ReadPlan(bytes.NewReader(data))
		var applied promote.Applied
		if err == nil {
			applied, err = p.Apply(context.Background(), root)
		}
		after := snapshot(t, dir)
		allowed := map[string]bool{}
		if err == nil {
			for _, w := range applied.Written {
				allowed["repo/"+w] = true
			}
		}
		for name, content := range after {
			if before[name] == content {
				continue
			}
			switch {
			case err != nil:
				t.Errorf("refused (%v) but %s changed", err, name)
			case !allowed[name]:
				t.Errorf("wrote %s, which it did not report", name)
			case !strings.HasPrefix(name, "repo/"):
				t.Errorf("wrote %s, outside the root", name)
			case strings.Contains(strings.ToLower(name), ".git/"):
				t.Errorf("wrote %s, under .git", name)
			}
			// Restore for the next input.
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(before[name]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name := range before {
			if _, ok := after[name]; !ok {
				t.Errorf("%s was removed", name)
				_ = os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(before[name]), 0o644)
			}
		}
		if len(after) != len(before) {
			for name := range after {
				if _, ok := before[name]; !ok {
					t.Errorf("%s was created", name)
					_ = os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
				}
			}
		}
	})
}
