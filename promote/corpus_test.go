package promote_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

// corpusCase is testdata/plans/<name>/case.yaml: a small repository (repo/)
// shaped like a public GitOps layout where ferry once planned wrong, and the
// plans it must now give.
type corpusCase struct {
	Description string `yaml:"description"`
	// Others are the directories of the other environments: no step may
	// change what they render.
	Others []string `yaml:"others"`
	Steps  []struct {
		Request struct {
			From    string   `yaml:"from"`
			To      string   `yaml:"to"`
			Objects []string `yaml:"objects"`
			Ranges  bool     `yaml:"ranges"`
		} `yaml:"request"`
		Verdict promote.Status `yaml:"verdict"`
		// Reasons are texts the verdict's reasons must contain.
		Reasons []string `yaml:"reasons"`
		// Files are exactly the files a ready plan edits.
		Files []string `yaml:"files"`
	} `yaml:"steps"`
}

// TestPlanCorpus plans every case of testdata/plans. A blocked step must give
// its reasons; a ready step edits exactly the files it names and, applied,
// leaves every other environment's render byte-identical, gives the target
// the source's versions (of the selected objects), and plans noop again.
func TestPlanCorpus(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "plans", "*", "case.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, file := range dirs {
		dir := filepath.Dir(file)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			var c corpusCase
			dec := yaml.NewDecoder(strings.NewReader(string(data)))
			dec.KnownFields(true)
			require.NoError(t, dec.Decode(&c))
			require.NotEmpty(t, c.Steps)
			require.NotEmpty(t, c.Others)
			root := t.TempDir()
			require.NoError(t, os.CopyFS(root, os.DirFS(filepath.Join(dir, "repo"))))
			before := renderDirs(t, root, c.Others)
			p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
			require.NoError(t, err)
			for i, step := range c.Steps {
				req := promote.Request{From: step.Request.From, To: step.Request.To, Ranges: step.Request.Ranges,
					Selection: promote.Selection{Objects: step.Request.Objects}}
				plan, err := p.Plan(context.Background(), req)
				require.NoError(t, err, "step %d", i)
				require.Equal(t, step.Verdict, plan.Verdict.Status, "step %d: %v\n%s", i, plan.Verdict.Reasons, plan.Diff)
				reasons := strings.Join(plan.Verdict.Reasons, "\n")
				for _, want := range step.Reasons {
					assert.Contains(t, reasons, want, "step %d", i)
				}
				if plan.Verdict.Status != promote.StatusReady {
					assert.Empty(t, step.Files, "step %d: only a ready plan edits files", i)
					continue
				}
				var edited []string
				for _, f := range plan.Files {
					edited = append(edited, f.Path)
				}
				assert.Equal(t, step.Files, edited, "step %d: the files edited\n%s", i, plan.Diff)
				_, err = plan.Apply(context.Background(), root)
				require.NoError(t, err, "step %d", i)
				assert.Equal(t, before, renderDirs(t, root, c.Others), "step %d: another environment's render changed\n%s", i, plan.Diff)
				if len(req.Selection.Objects) == 0 {
					assert.Equal(t, versionsOf(t, root, plan.Source.Path), versionsOf(t, root, plan.Target.Path), "step %d: the target runs the source's versions\n%s", i, plan.Diff)
				}
				again, err := p.Plan(context.Background(), req)
				require.NoError(t, err, "step %d", i)
				assert.Equal(t, promote.StatusNoop, again.Verdict.Status, "step %d: planned again: %v\n%s", i, again.Verdict.Reasons, again.Diff)
			}
		})
	}
}

// renderDirs renders each directory of the repository at root, as bytes.
func renderDirs(t *testing.T, root string, dirs []string) map[string]string {
	t.Helper()
	r, err := render.New(render.Options{Root: root})
	require.NoError(t, err)
	out := map[string]string{}
	for _, d := range dirs {
		res, err := r.Render(context.Background(), filepath.Join(root, filepath.FromSlash(path.Clean(d))))
		require.NoError(t, err, d)
		var b strings.Builder
		require.NoError(t, res.WriteYAML(&b))
		out[d] = b.String()
	}
	return out
}

// TestPlanFleet plans staging -> production on a generated fleet (see
// testrepo.Fleet: per-app overlays under an aggregate, Flux clusters that
// apply the overlays, name prefixes, components, generators, HelmRelease
// values patched by inline JSON patches): ready, edited in place in the
// production overlays, dev and staging (and the staging cluster) render the
// same after apply, production runs staging's versions, and a second plan
// is a noop.
func TestPlanFleet(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, testrepo.WriteFleet(root, 12))
	others := []string{"envs/dev", "envs/staging", "clusters/staging"}
	before := renderDirs(t, root, others)
	p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	req := promote.Request{From: "staging", To: "production"}
	plan, err := p.Plan(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	for _, f := range plan.Files {
		assert.True(t, strings.HasPrefix(f.Path, "apps/") && strings.Contains(f.Path, "/overlays/production/"), "edits production's overlays only: %s", f.Path)
	}
	assert.Len(t, plan.Files, 12)
	_, err = plan.Apply(context.Background(), root)
	require.NoError(t, err)
	assert.Equal(t, before, renderDirs(t, root, others))
	assert.Equal(t, versionsOf(t, root, "envs/staging"), versionsOf(t, root, "envs/production"))
	again, err := p.Plan(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, promote.StatusNoop, again.Verdict.Status, again.Verdict.Reasons)
}

// TestPlanProgress: a plan reports its phases — the renders of source and
// target, the render after the edits, the checks — in that order.
func TestPlanProgress(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, testrepo.WriteFleet(root, 3))
	var mu sync.Mutex
	var phases []string
	p, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }, Progress: func(pr promote.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if len(phases) == 0 || phases[len(phases)-1] != pr.Phase {
			phases = append(phases, pr.Phase)
		}
	}})
	require.NoError(t, err)
	_, err = p.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	assert.Equal(t, []string{promote.PhaseRender, promote.PhaseVerify, promote.PhaseCheck}, phases)
}
