package pullrequest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/pullrequest"
)

func TestMain(m *testing.M) {
	// Local remotes are served by git-receive-pack when Git is installed,
	// else in process, so the tests need no git binary.
	if _, err := exec.LookPath("git-receive-pack"); err != nil {
		client.InstallProtocol("file", server.NewServer(server.DefaultLoader))
	}
	os.Exit(m.Run())
}

var sig = object.Signature{Name: "Dev", Email: "dev@example.com", When: time.Unix(1700000000, 0).UTC()}

// fixture is a clone of ferry's example under deploy/shop, committed on
// main and pushed to a bare remote.
type fixture struct {
	t    *testing.T
	work string // work tree
	root string // ferry.yaml's folder
	repo *git.Repository
	bare string // the remote
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, work: filepath.Join(dir, "work"), root: filepath.Join(dir, "work", "deploy", "shop")}
	require.NoError(t, os.CopyFS(f.root, os.DirFS("../examples/shop")))
	var err error
	f.repo, err = git.PlainInitWithOptions(f.work, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	require.NoError(t, err)
	f.commit("initial")
	bare := filepath.Join(dir, "remote.git")
	f.bare = bare
	_, err = git.PlainInitWithOptions(bare, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	require.NoError(t, err)
	_, err = f.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bare}})
	require.NoError(t, err)
	f.pushMain()
	return f
}

func (f *fixture) commit(msg string) plumbing.Hash {
	wt, err := f.repo.Worktree()
	require.NoError(f.t, err)
	require.NoError(f.t, wt.AddWithOptions(&git.AddOptions{All: true}))
	h, err := wt.Commit(msg, &git.CommitOptions{Author: &sig, AllowEmptyCommits: true})
	require.NoError(f.t, err)
	return h
}

func (f *fixture) pushMain() {
	err := f.repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}})
	if err != git.NoErrAlreadyUpToDate {
		require.NoError(f.t, err)
	}
}

// edit rewrites a file under ferry's root, replacing old by new.
func (f *fixture) edit(file, old, new string) {
	p := filepath.Join(f.root, file)
	data, err := os.ReadFile(p)
	require.NoError(f.t, err)
	require.Contains(f.t, string(data), old, file)
	require.NoError(f.t, os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// remoteFile returns a file of the remote branch's tip, by work-tree path.
func (f *fixture) remoteFile(branch, file string) (string, *object.Commit) {
	remote := f.openRemote()
	ref, err := remote.Reference(plumbing.NewBranchReferenceName(branch), true)
	require.NoError(f.t, err)
	c, err := remote.CommitObject(ref.Hash())
	require.NoError(f.t, err)
	fl, err := c.File(file)
	require.NoError(f.t, err)
	s, err := fl.Contents()
	require.NoError(f.t, err)
	return s, c
}

// openRemote opens the remote afresh: a push adds packs an open
// repository does not see.
func (f *fixture) openRemote() *git.Repository {
	r, err := git.PlainOpen(f.bare)
	require.NoError(f.t, err)
	return r
}

func (f *fixture) remoteHas(branch string) bool {
	_, err := f.openRemote().Reference(plumbing.NewBranchReferenceName(branch), true)
	return err == nil
}

func (f *fixture) opts(p pullrequest.Provider) pullrequest.Options {
	planner, err := promote.NewPlanner(promote.Options{Root: f.root})
	require.NoError(f.t, err)
	return pullrequest.Options{
		Planner:  planner,
		Request:  promote.Request{From: "staging", To: "production"},
		Provider: p,
		Labels:   []string{"promotion"},
		Author:   pullrequest.Signature{Name: "ferry-bot", Email: "bot@example.com"},
		Now:      func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) },
	}
}

// provider is an in-memory Provider that records the calls that write.
type provider struct {
	mu     sync.Mutex
	prs    []*pullrequest.PullRequest
	closed map[int]bool
	calls  []string
}

func (p *provider) Name() string { return "Fake" }

func (p *provider) Find(_ context.Context, head, base, marker string) (*pullrequest.PullRequest, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.prs {
		if !p.closed[pr.Number] && pr.Head == head && pr.Base == base && strings.Contains(pr.Body, marker) {
			c := *pr
			return &c, nil
		}
	}
	return nil, nil
}

func (p *provider) Create(_ context.Context, n pullrequest.NewPullRequest) (*pullrequest.PullRequest, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr := &pullrequest.PullRequest{Number: len(p.prs) + 1, Head: n.Head, Base: n.Base, Title: n.Title, Body: n.Body, Draft: n.Draft}
	p.prs = append(p.prs, pr)
	p.calls = append(p.calls, fmt.Sprintf("create #%d %s->%s labels=%v", pr.Number, n.Head, n.Base, n.Labels))
	c := *pr
	return &c, nil
}

func (p *provider) Update(_ context.Context, pr *pullrequest.PullRequest, title, body string, labels []string) (*pullrequest.PullRequest, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	stored := p.prs[pr.Number-1]
	stored.Title, stored.Body = title, body
	p.calls = append(p.calls, fmt.Sprintf("update #%d labels=%v", pr.Number, labels))
	c := *stored
	return &c, nil
}

func (p *provider) Comment(_ context.Context, pr *pullrequest.PullRequest, body string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, fmt.Sprintf("comment #%d %s", pr.Number, firstLine(body, 1)))
	return nil
}

func (p *provider) Close(_ context.Context, pr *pullrequest.PullRequest, comment string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed == nil {
		p.closed = map[int]bool{}
	}
	p.closed[pr.Number] = true
	p.calls = append(p.calls, fmt.Sprintf("close #%d %s", pr.Number, comment))
	return nil
}

func firstLine(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+2)
	if len(lines) > n {
		return lines[n]
	}
	return ""
}

const kust = "overlays/production/kustomization.yaml"

func TestPromoteLifecycle(t *testing.T) {
	f := newFixture(t)
	p := &provider{}
	ctx := context.Background()
	headBefore, err := f.repo.Head()
	require.NoError(t, err)

	// First run: one commit on ferry's branch, pushed, one pull request.
	res, err := pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionOpened, res.Action)
	assert.Equal(t, "ferry/staging-to-production", res.Branch)
	assert.Equal(t, "main", res.Base)
	assert.True(t, res.Pushed)
	assert.Equal(t, []string{kust}, res.Files)
	require.NotNil(t, res.PullRequest)
	assert.Equal(t, 1, res.PullRequest.Number)
	assert.Equal(t, "Promote staging to production: orders-api 1.8.0, storefront 2.4.1", res.PullRequest.Title)
	assert.True(t, strings.HasPrefix(res.PullRequest.Body, pullrequest.Marker("staging", "production", promote.Selection{})+"\n"), res.PullRequest.Body)
	assert.Contains(t, res.PullRequest.Body, "**ready**")
	assert.Equal(t, []string{"create #1 ferry/staging-to-production->main labels=[promotion]"}, p.calls)

	content, tip := f.remoteFile(res.Branch, "deploy/shop/"+kust)
	assert.Contains(t, content, "newTag: 2.4.1")
	assert.Contains(t, content, "newTag: 1.8.0")
	assert.Equal(t, res.Commit, tip.Hash.String())
	assert.Equal(t, []plumbing.Hash{headBefore.Hash()}, tip.ParentHashes)
	assert.Equal(t, "ferry-bot", tip.Author.Name)
	assert.Contains(t, tip.Message, "- image ghcr.io/acme-shop/orders-api: 1.7.2 -> 1.8.0\n")
	assert.Contains(t, tip.Message, "\nFerry-Promotion: staging -> production\n")
	assert.Contains(t, tip.Message, "\nFerry-Tree: "+tip.TreeHash.String()+"\n")
	// Only the one file differs from the parent.
	parent, err := tip.Parents().Next()
	require.NoError(t, err)
	patch, err := parent.Patch(tip)
	require.NoError(t, err)
	require.Len(t, patch.FilePatches(), 1)
	_, to := patch.FilePatches()[0].Files()
	assert.Equal(t, "deploy/shop/"+kust, to.Path())

	// The work tree, the index and HEAD are untouched.
	headAfter, err := f.repo.Head()
	require.NoError(t, err)
	assert.Equal(t, headBefore.Hash(), headAfter.Hash())
	assert.Equal(t, plumbing.NewBranchReferenceName("main"), headAfter.Name())
	wt, err := f.repo.Worktree()
	require.NoError(t, err)
	status, err := wt.Status()
	require.NoError(t, err)
	assert.True(t, status.IsClean(), status.String())

	// Second run, nothing new: nothing pushed, nothing written.
	res, err = pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionUnchanged, res.Action)
	assert.False(t, res.Pushed)
	assert.Len(t, p.calls, 1)

	// Staging moves on: the same branch and pull request are updated.
	f.edit("overlays/staging/kustomization.yaml", "newTag: 1.8.0", "newTag: 1.8.1")
	f.commit("staging runs orders-api 1.8.1")
	f.pushMain()
	res, err = pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionUpdated, res.Action)
	assert.True(t, res.Pushed)
	assert.Equal(t, 1, res.PullRequest.Number)
	assert.Contains(t, res.PullRequest.Title, "orders-api 1.8.1")
	assert.Equal(t, "update #1 labels=[promotion]", p.calls[len(p.calls)-1])
	content, _ = f.remoteFile(res.Branch, "deploy/shop/"+kust)
	assert.Contains(t, content, "newTag: 1.8.1")
	assert.Len(t, p.prs, 1, "a re-run updates the pull request, never opens a second")

	// The promotion is merged by hand: the open pull request is closed.
	f.edit(kust, "newTag: 2.3.0", "newTag: 2.4.1")
	f.edit(kust, "newTag: 1.7.2", "newTag: 1.8.1")
	f.commit("promote by hand")
	f.pushMain()
	res, err = pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionClosed, res.Action)
	assert.Equal(t, "close #1 production already runs the versions staging runs: nothing is left to promote, so ferry closes this pull request.", p.calls[len(p.calls)-1])

	// And again: nothing to do, nothing open.
	n := len(p.calls)
	res, err = pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionNothing, res.Action)
	assert.Len(t, p.calls, n)
}

// A promotion narrowed to some artifacts has a branch and pull request of
// its own: it neither overwrites nor closes the whole promotion's.
func TestPromoteSelectionHasItsOwnBranch(t *testing.T) {
	f := newFixture(t)
	p := &provider{}
	ctx := context.Background()
	whole, err := pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	require.Equal(t, pullrequest.ActionOpened, whole.Action)
	assert.Equal(t, "ferry/staging-to-production", whole.Branch)

	sel := promote.Selection{Only: []string{"orders-api"}}
	key := pullrequest.SelectionKey(sel)
	require.Regexp(t, `^[0-9a-f]{8}$`, key)
	assert.Equal(t, key, pullrequest.SelectionKey(promote.Selection{Only: []string{"orders-api", "orders-api"}}), "the key ignores repeats")
	assert.NotEqual(t, key, pullrequest.SelectionKey(promote.Selection{Exclude: []string{"orders-api"}}))
	narrow := f.opts(p)
	narrow.Request.Selection = sel
	res, err := pullrequest.Promote(ctx, narrow)
	require.NoError(t, err)
	require.Equal(t, pullrequest.ActionOpened, res.Action)
	assert.Equal(t, "ferry/staging-to-production-"+key, res.Branch)
	assert.Equal(t, 2, res.PullRequest.Number)
	assert.True(t, strings.HasPrefix(res.PullRequest.Body, pullrequest.Marker("staging", "production", sel)+"\n"))
	assert.Equal(t, []string{kust}, res.Files)
	content, _ := f.remoteFile(res.Branch, "deploy/shop/"+kust)
	assert.Contains(t, content, "newTag: 1.8.0", "orders-api is promoted")
	assert.Contains(t, content, "newTag: 2.3.0", "storefront is not")
	content, _ = f.remoteFile(whole.Branch, "deploy/shop/"+kust)
	assert.Contains(t, content, "newTag: 2.4.1", "the whole promotion's branch is left as it was")

	// orders-api is promoted by hand: the narrowed pull request closes, the
	// whole promotion's is updated.
	f.edit(kust, "newTag: 1.7.2", "newTag: 1.8.0")
	f.commit("promote orders-api by hand")
	f.pushMain()
	res, err = pullrequest.Promote(ctx, narrow)
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionClosed, res.Action)
	assert.True(t, strings.HasPrefix(p.calls[len(p.calls)-1], "close #2 "), p.calls)
	res, err = pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionUpdated, res.Action)
	assert.Equal(t, 1, res.PullRequest.Number)
}

func TestPromoteBlockedPushesNothing(t *testing.T) {
	f := newFixture(t)
	p := &provider{}
	ctx := context.Background()
	res, err := pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	require.Equal(t, pullrequest.ActionOpened, res.Action)
	_, before := f.remoteFile(res.Branch, "deploy/shop/"+kust)

	// Staging now runs a tag production's policies refuse.
	f.edit("overlays/staging/kustomization.yaml", "newTag: 1.8.0", "newTag: latest")
	f.commit("staging runs latest")
	f.pushMain()
	opts := f.opts(p)
	opts.CommentBlocked = true
	res, err = pullrequest.Promote(ctx, opts)
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionBlocked, res.Action)
	assert.Equal(t, promote.StatusBlocked, res.Plan.Verdict.Status)
	assert.Empty(t, res.Commit)
	assert.False(t, res.Pushed)
	assert.True(t, res.Commented)
	last := p.calls[len(p.calls)-1]
	assert.True(t, strings.HasPrefix(last, "comment #1 "), last)
	assert.Contains(t, last, "**blocked**")
	_, after := f.remoteFile(res.Branch, "deploy/shop/"+kust)
	assert.Equal(t, before.Hash, after.Hash, "a blocked plan pushes nothing")

	// Without --comment-blocked, no comment.
	n := len(p.calls)
	res, err = pullrequest.Promote(ctx, f.opts(p))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionBlocked, res.Action)
	assert.Len(t, p.calls, n)
}

func TestPromoteDryRun(t *testing.T) {
	f := newFixture(t)
	p := &provider{}
	opts := f.opts(p)
	opts.DryRun = true
	res, err := pullrequest.Promote(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionOpened, res.Action)
	assert.True(t, res.DryRun)
	assert.False(t, res.Pushed)
	assert.NotEmpty(t, res.Commit)
	assert.Empty(t, p.calls)
	assert.False(t, f.remoteHas(res.Branch))
}

func TestPromoteWithoutProvider(t *testing.T) {
	f := newFixture(t)
	res, err := pullrequest.Promote(context.Background(), f.opts(nil))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionUpdated, res.Action)
	assert.True(t, res.Pushed)
	assert.True(t, f.remoteHas(res.Branch))
	res, err = pullrequest.Promote(context.Background(), f.opts(nil))
	require.NoError(t, err)
	assert.Equal(t, pullrequest.ActionUnchanged, res.Action)
}

func TestPromoteRefuses(t *testing.T) {
	ctx := context.Background()

	// The plan is made on the work tree and committed on HEAD: any change
	// below ferry's root that HEAD does not hold refuses the run, a file
	// the plan reads or not (a deleted file is read by no render, yet a
	// folder listed whole renders without it).
	for name, change := range map[string]func(f *fixture){
		"modified": func(f *fixture) { f.edit(kust, "images:", "# edited, not committed\nimages:") },
		"deleted": func(f *fixture) {
			require.NoError(t, os.Remove(filepath.Join(f.root, "policies", "deployment_test.rego")))
		},
		"untracked": func(f *fixture) {
			require.NoError(t, os.WriteFile(filepath.Join(f.root, "policies", "extra.rego"), []byte("package main\n"), 0o644))
		},
		"staged": func(f *fixture) {
			f.edit("ferry.yaml", "environments:", "# staged\nenvironments:")
			wt, err := f.repo.Worktree()
			require.NoError(t, err)
			_, err = wt.Add("deploy/shop/ferry.yaml")
			require.NoError(t, err)
		},
	} {
		t.Run("uncommitted change: "+name, func(t *testing.T) {
			f := newFixture(t)
			change(f)
			p := &provider{}
			_, err := pullrequest.Promote(ctx, f.opts(p))
			require.ErrorContains(t, err, "the work tree has changes HEAD does not hold")
			assert.ErrorContains(t, err, "commit or stash")
			assert.Empty(t, p.calls)
			assert.False(t, f.remoteHas("ferry/staging-to-production"))
		})
	}
	t.Run("changes outside ferry's root and ignored files do not count", func(t *testing.T) {
		f := newFixture(t)
		require.NoError(t, os.WriteFile(filepath.Join(f.work, "README.md"), []byte("elsewhere\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(f.work, ".gitignore"), []byte("*.out\n"), 0o644))
		f.commit("ignore *.out")
		f.pushMain()
		require.NoError(t, os.WriteFile(filepath.Join(f.work, "README.md"), []byte("changed\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(f.root, "plan.out"), []byte("ignored\n"), 0o644))
		res, err := pullrequest.Promote(ctx, f.opts(&provider{}))
		require.NoError(t, err)
		assert.Equal(t, pullrequest.ActionOpened, res.Action)
	})
	t.Run("HEAD ahead of the remote base", func(t *testing.T) {
		f := newFixture(t)
		require.NoError(t, os.WriteFile(filepath.Join(f.work, "NOTES"), []byte("not pushed\n"), 0o644))
		f.commit("a commit not pushed")
		p := &provider{}
		_, err := pullrequest.Promote(ctx, f.opts(p))
		require.ErrorContains(t, err, "has commits that are not on main on remote origin")
		assert.ErrorContains(t, err, "would ride along in the pull request")
		assert.Empty(t, p.calls)
		assert.False(t, f.remoteHas("ferry/staging-to-production"))
	})
	t.Run("HEAD behind the remote base is on it", func(t *testing.T) {
		f := newFixture(t)
		first, err := f.repo.Head()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(f.work, "NOTES"), []byte("pushed\n"), 0o644))
		f.commit("a later commit")
		f.pushMain()
		wt, err := f.repo.Worktree()
		require.NoError(t, err)
		require.NoError(t, wt.Reset(&git.ResetOptions{Commit: first.Hash(), Mode: git.HardReset}))
		res, err := pullrequest.Promote(ctx, f.opts(&provider{}))
		require.NoError(t, err)
		assert.Equal(t, pullrequest.ActionOpened, res.Action)
		_, tip := f.remoteFile(res.Branch, "deploy/shop/"+kust)
		assert.Equal(t, []plumbing.Hash{first.Hash()}, tip.ParentHashes)
	})
	t.Run("a ferry commit amended since", func(t *testing.T) {
		f := newFixture(t)
		p := &provider{}
		res, err := pullrequest.Promote(ctx, f.opts(p))
		require.NoError(t, err)
		_, tip := f.remoteFile(res.Branch, "deploy/shop/"+kust)
		// The same message (both trailers) over another tree: HEAD's.
		head, err := f.repo.Head()
		require.NoError(t, err)
		headCommit, err := f.repo.CommitObject(head.Hash())
		require.NoError(t, err)
		amended := *tip
		amended.TreeHash = headCommit.TreeHash
		obj := f.repo.Storer.NewEncodedObject()
		require.NoError(t, amended.Encode(obj))
		h, err := f.repo.Storer.SetEncodedObject(obj)
		require.NoError(t, err)
		require.NoError(t, f.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/amended", h)))
		require.NoError(t, f.repo.Push(&git.PushOptions{RemoteName: "origin", Force: true, RefSpecs: []config.RefSpec{"refs/heads/amended:refs/heads/" + config.RefSpec(res.Branch)}}))

		n := len(p.calls)
		_, err = pullrequest.Promote(ctx, f.opts(p))
		require.ErrorContains(t, err, "or one changed since ferry made it")
		assert.Len(t, p.calls, n)
		_, after := f.remoteFile(res.Branch, "deploy/shop/"+kust)
		assert.Equal(t, h, after.Hash, "the amended commit is left alone")
	})
	t.Run("a local branch ferry did not make", func(t *testing.T) {
		f := newFixture(t)
		head, err := f.repo.Head()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(f.work, "WIP"), []byte("work\n"), 0o644))
		mine := f.commit("my work on ferry's branch name")
		require.NoError(t, f.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/ferry/staging-to-production", mine)))
		wt, err := f.repo.Worktree()
		require.NoError(t, err)
		require.NoError(t, wt.Reset(&git.ResetOptions{Commit: head.Hash(), Mode: git.HardReset}))
		_, err = pullrequest.Promote(ctx, f.opts(&provider{}))
		require.ErrorContains(t, err, "the local branch ferry/staging-to-production has a commit ferry did not make")
		ref, err := f.repo.Reference("refs/heads/ferry/staging-to-production", false)
		require.NoError(t, err)
		assert.Equal(t, mine, ref.Hash(), "the local branch is left alone")
	})
	t.Run("a branch ferry did not make", func(t *testing.T) {
		f := newFixture(t)
		err := f.repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/ferry/staging-to-production"}})
		require.NoError(t, err)
		p := &provider{}
		_, err = pullrequest.Promote(ctx, f.opts(p))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "has a commit ferry did not make")
		assert.Empty(t, p.calls)
	})
	t.Run("detached HEAD without a base", func(t *testing.T) {
		f := newFixture(t)
		head, err := f.repo.Head()
		require.NoError(t, err)
		wt, err := f.repo.Worktree()
		require.NoError(t, err)
		require.NoError(t, wt.Checkout(&git.CheckoutOptions{Hash: head.Hash()}))
		_, err = pullrequest.Promote(ctx, f.opts(&provider{}))
		require.ErrorContains(t, err, "HEAD is detached")
		opts := f.opts(&provider{})
		opts.Base = "main"
		res, err := pullrequest.Promote(ctx, opts)
		require.NoError(t, err)
		assert.Equal(t, pullrequest.ActionOpened, res.Action)
	})
	t.Run("a base the remote lacks", func(t *testing.T) {
		f := newFixture(t)
		opts := f.opts(&provider{})
		opts.Base = "release"
		_, err := pullrequest.Promote(ctx, opts)
		require.ErrorContains(t, err, `remote origin has no branch "release"`)
	})
	t.Run("the branch checked out", func(t *testing.T) {
		f := newFixture(t)
		opts := f.opts(&provider{})
		opts.Branch = "main"
		_, err := pullrequest.Promote(ctx, opts)
		require.ErrorContains(t, err, "ferry commits the promotion on a branch of its own")
	})
	t.Run("an unknown remote", func(t *testing.T) {
		f := newFixture(t)
		opts := f.opts(&provider{})
		opts.Remote = "upstream"
		_, err := pullrequest.Promote(ctx, opts)
		require.ErrorContains(t, err, `remote "upstream"`)
	})
	t.Run("not a repository", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.CopyFS(dir, os.DirFS("../examples/shop")))
		planner, err := promote.NewPlanner(promote.Options{Root: dir})
		require.NoError(t, err)
		_, err = pullrequest.Promote(ctx, pullrequest.Options{Planner: planner, Request: promote.Request{From: "staging", To: "production"}})
		require.ErrorContains(t, err, "is not in a Git repository")
	})
}

func TestBranchName(t *testing.T) {
	assert.Equal(t, "ferry/staging-to-production", pullrequest.BranchName("staging", "production", promote.Selection{}))
	assert.Equal(t, "ferry/clusters-staging-to-clusters-production", pullrequest.BranchName("clusters/staging", "clusters/production/", promote.Selection{}))
	assert.Equal(t, "ferry/a-b-to-c", pullrequest.BranchName("a b", "c", promote.Selection{}))
	assert.Equal(t, "ferry/x.y-to-z-1", pullrequest.BranchName("x..y", "z~1", promote.Selection{}))
	assert.Equal(t, "ferry/root-to-prod", pullrequest.BranchName(".", "prod.lock", promote.Selection{}))
	for _, b := range []string{pullrequest.BranchName("x..y", "z~1", promote.Selection{}), pullrequest.BranchName("a:b", "c?", promote.Selection{})} {
		assert.NoError(t, plumbing.NewBranchReferenceName(b).Validate(), b)
	}
}

func TestPromoteAuthorFromGitConfig(t *testing.T) {
	f := newFixture(t)
	cfg, err := f.repo.Config()
	require.NoError(t, err)
	cfg.User.Name, cfg.User.Email = "Release Bot", "release@example.com"
	require.NoError(t, f.repo.SetConfig(cfg))
	opts := f.opts(nil)
	opts.Author = pullrequest.Signature{}
	res, err := pullrequest.Promote(context.Background(), opts)
	require.NoError(t, err)
	_, tip := f.remoteFile(res.Branch, "deploy/shop/"+kust)
	assert.Equal(t, "Release Bot", tip.Author.Name)
	assert.Equal(t, "release@example.com", tip.Committer.Email)
	assert.Equal(t, time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), tip.Author.When.UTC())
}
