package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
)

// gitExample is a copy of the example committed on main in a work tree,
// with main pushed to a bare remote, origin.
type gitExample struct {
	t          *testing.T
	root, bare string
	repo       *git.Repository
}

func newGitExample(t *testing.T) *gitExample {
	t.Helper()
	dir := t.TempDir()
	g := &gitExample{t: t, root: filepath.Join(dir, "work"), bare: filepath.Join(dir, "remote.git")}
	require.NoError(t, os.CopyFS(g.root, os.DirFS(example)))
	main := git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}
	var err error
	g.repo, err = git.PlainInitWithOptions(g.root, &git.PlainInitOptions{InitOptions: main})
	require.NoError(t, err)
	_, err = git.PlainInitWithOptions(g.bare, &git.PlainInitOptions{Bare: true, InitOptions: main})
	require.NoError(t, err)
	_, err = g.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{g.bare}})
	require.NoError(t, err)
	g.commit("initial")
	return g
}

// commit commits the work tree on main and pushes it.
func (g *gitExample) commit(msg string) {
	wt, err := g.repo.Worktree()
	require.NoError(g.t, err)
	require.NoError(g.t, wt.AddWithOptions(&git.AddOptions{All: true}))
	_, err = wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "dev", Email: "dev@example.com", When: time.Unix(1.7e9, 0)}})
	require.NoError(g.t, err)
	err = g.repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}})
	if err != git.NoErrAlreadyUpToDate {
		require.NoError(g.t, err)
	}
}

// remoteBranch returns the tip of a branch of the remote, or "".
func (g *gitExample) remoteBranch(name string) string {
	r, err := git.PlainOpen(g.bare)
	require.NoError(g.t, err)
	ref, err := r.Reference(plumbing.NewBranchReferenceName(name), true)
	if err != nil {
		return ""
	}
	return ref.Hash().String()
}

// The promotion flow against each provider: one pull request opened, then
// updated with the branch when staging moves on, a blocked plan pushing
// nothing, and the pull request closed once production runs staging's
// versions.
func TestPromoteCommand(t *testing.T) {
	type provider struct {
		flags []string
		prs   func() []string // "state title" of every pull request
	}
	providers := map[string]func(t *testing.T) provider{
		"github": func(t *testing.T) provider {
			gh := fakes.NewGitHub(t, fakes.GitHubOptions{Owner: "acme", Repo: "shop", Token: "gh-secret"})
			t.Setenv("GITHUB_TOKEN", "gh-secret")
			t.Setenv("GITHUB_API_URL", gh.URL)
			return provider{
				flags: []string{"--provider", "github", "--github-repo", "acme/shop", "--label", "promotion"},
				prs: func() []string {
					var out []string
					for _, pr := range gh.PullRequests() {
						out = append(out, pr.State+" "+pr.Head+" "+strings.Join(pr.Labels, ",")+" "+pr.Title)
					}
					return out
				},
			}
		},
		"azuredevops": func(t *testing.T) provider {
			az := fakes.NewAzureDevOps(t, fakes.AzureDevOpsOptions{Project: "shop", Repo: "fleet", Token: "az-secret"})
			t.Setenv("SYSTEM_ACCESSTOKEN", "az-secret")
			return provider{
				flags: []string{"--provider", "azuredevops", "--azure-org-url", az.OrgURL, "--azure-project", "shop", "--azure-repo", "fleet", "--label", "promotion"},
				prs: func() []string {
					var out []string
					for id := 1; ; id++ {
						pr, ok := az.PullRequest(id)
						if !ok {
							return out
						}
						out = append(out, pr.Status+" "+strings.TrimPrefix(pr.SourceRef, "refs/heads/")+" "+strings.Join(pr.Labels, ",")+" "+pr.Title)
					}
				},
			}
		},
	}
	for name, setup := range providers {
		t.Run(name, func(t *testing.T) {
			g := newGitExample(t)
			p := setup(t)
			open := "open"
			if name == "azuredevops" {
				open = "active"
			}
			args := append([]string{"promote", "--root", g.root, "--from", "staging", "--to", "production"}, p.flags...)

			code, stdout, stderr := runCLI(t, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stdout, "opened")
			assert.NotContains(t, stdout+stderr, "secret", "the token is never printed")
			first := g.remoteBranch("ferry/staging-to-production")
			require.NotEmpty(t, first)
			assert.Equal(t, []string{open + " ferry/staging-to-production promotion Promote staging to production: orders-api 1.8.0, storefront 2.4.1"}, p.prs())

			// Nothing new: nothing pushed, nothing changed.
			code, stdout, stderr = runCLI(t, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stdout, "already carries this promotion")
			assert.Equal(t, first, g.remoteBranch("ferry/staging-to-production"))

			// Staging moves on: the same branch and pull request are updated.
			replaceIn(t, filepath.Join(g.root, "overlays/staging/kustomization.yaml"), "newTag: 1.8.0", "newTag: 1.8.1")
			g.commit("staging runs orders-api 1.8.1")
			code, stdout, stderr = runCLI(t, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stdout, "updated")
			second := g.remoteBranch("ferry/staging-to-production")
			assert.NotEqual(t, first, second)
			assert.Equal(t, []string{open + " ferry/staging-to-production promotion Promote staging to production: orders-api 1.8.1, storefront 2.4.1"}, p.prs())

			// A blocked plan pushes nothing and exits 1.
			replaceIn(t, filepath.Join(g.root, "overlays/staging/kustomization.yaml"), "newTag: 1.8.1", "newTag: latest")
			g.commit("staging runs latest")
			code, stdout, _ = runCLI(t, args...)
			assert.Equal(t, exitFindings, code)
			assert.Contains(t, stdout, "blocked: nothing committed or pushed")
			assert.Equal(t, second, g.remoteBranch("ferry/staging-to-production"))

			// Production runs what staging runs: the pull request is closed.
			replaceIn(t, filepath.Join(g.root, "overlays/staging/kustomization.yaml"), "newTag: latest", "newTag: 1.8.1")
			replaceIn(t, filepath.Join(g.root, "overlays/production/kustomization.yaml"), "newTag: 2.3.0", "newTag: 2.4.1")
			replaceIn(t, filepath.Join(g.root, "overlays/production/kustomization.yaml"), "newTag: 1.7.2", "newTag: 1.8.1")
			g.commit("promoted by hand")
			code, stdout, stderr = runCLI(t, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stdout, "closed: nothing left to promote")
			prs := p.prs()
			require.Len(t, prs, 1, "one pull request for the promotion, ever")
			assert.False(t, strings.HasPrefix(prs[0], open+" "), prs[0])
		})
	}
}

func TestPromoteCommandErrors(t *testing.T) {
	g := newGitExample(t)
	base := []string{"promote", "--root", g.root, "--from", "staging", "--to", "production"}
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("SYSTEM_ACCESSTOKEN", "")
	t.Setenv("AZURE_DEVOPS_EXT_PAT", "")
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"a local remote needs a provider": {nil, "is on neither github.com nor Azure DevOps"},
		"no GitHub token":                 {[]string{"--provider", "github", "--github-repo", "acme/shop"}, "no GitHub token: set GITHUB_TOKEN"},
		"no Azure DevOps token":           {[]string{"--provider", "azuredevops", "--azure-org-url", "https://dev.azure.com/acme", "--azure-project", "shop", "--azure-repo", "fleet"}, "no Azure DevOps token"},
		"no Azure DevOps repository":      {[]string{"--provider", "azuredevops"}, "cannot tell the Azure DevOps organisation, project and repository"},
		"bad --github-repo":               {[]string{"--provider", "github", "--github-repo", "shop"}, `--github-repo "shop": write OWNER/NAME`},
		"unknown provider":                {[]string{"--provider", "gitlab"}, `--provider "gitlab"`},
		"bad author":                      {[]string{"--provider", "none", "--author", "nobody"}, `--author "nobody"`},
		"unknown remote":                  {[]string{"--provider", "none", "--remote", "upstream"}, `remote "upstream"`},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append(base, c.args...)...)
			assert.Equal(t, exitError, code)
			assert.Contains(t, stderr, c.want)
		})
	}

	// --provider none pushes the branch only; --dry-run pushes nothing.
	code, stdout, stderr := runCLI(t, append(base, "--provider", "none", "--dry-run")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "would be pushed")
	assert.Empty(t, g.remoteBranch("ferry/staging-to-production"))
	code, _, stderr = runCLI(t, append(base, "--provider", "none")...)
	require.Equal(t, exitOK, code, stderr)
	assert.NotEmpty(t, g.remoteBranch("ferry/staging-to-production"))
}

func TestPromoteCommandAll(t *testing.T) {
	g := newGitExample(t)
	code, stdout, stderr := runCLI(t, "promote", "--root", g.root, "--all", "--provider", "none", "-o", "json")
	// dev -> staging is blocked in the example (a prerelease), staging ->
	// production is pushed: one branch per promotion.
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, `"promotions": [`)
	assert.Empty(t, g.remoteBranch("ferry/dev-to-staging"))
	assert.NotEmpty(t, g.remoteBranch("ferry/staging-to-production"))

	// One promotion failing does not stop the others: each is reported,
	// and the run exits 2.
	g = newGitExample(t)
	head, err := g.repo.Head()
	require.NoError(t, err)
	require.NoError(t, g.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/ferry/staging-to-production", head.Hash())))
	code, stdout, stderr = runCLI(t, "promote", "--root", g.root, "--all", "--provider", "none")
	assert.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "promotion staging -> production: the local branch ferry/staging-to-production has a commit ferry did not make")
	assert.Contains(t, stdout, "Promotion dev (overlays/dev) -> staging (overlays/staging): BLOCKED", "the other promotion is reported")

	code, _, stderr = runCLI(t, "promote", "--root", g.root, "--all", "--to", "production", "--provider", "none")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--all promotes every promotion of ferry.yaml")
}
