package azuredevops

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
	"github.com/ferrygitops/ferry/pullrequest"
)

// operations calls each method of the provider on pull request 1.
var operations = []struct {
	name   string
	prefix string // after "in ORG/web/_git/app: "
	call   func(ctx context.Context, p *Provider) error
}{
	{name: "find", prefix: "find pull request from ferry/a into main", call: func(ctx context.Context, p *Provider) error {
		_, err := p.Find(ctx, "ferry/a", "main", "")
		return err
	}},
	{name: "create", prefix: "create pull request from ferry/b into main", call: func(ctx context.Context, p *Provider) error {
		_, err := p.Create(ctx, pullrequest.NewPullRequest{Head: "ferry/b", Base: "main", Title: "t"})
		return err
	}},
	{name: "update", prefix: "update pull request 1", call: func(ctx context.Context, p *Provider) error {
		_, err := p.Update(ctx, &pullrequest.PullRequest{Number: 1}, "t", "b", nil)
		return err
	}},
	{name: "comment", prefix: "comment on pull request 1", call: func(ctx context.Context, p *Provider) error {
		return p.Comment(ctx, &pullrequest.PullRequest{Number: 1}, "c")
	}},
	{name: "abandon", prefix: "abandon pull request 1", call: func(ctx context.Context, p *Provider) error {
		return p.Close(ctx, &pullrequest.PullRequest{Number: 1}, "")
	}},
}

const needsPAT = "a personal access token needs the Code (Read & Write) scope, and Work Items (Read) to link work items"

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		fault    fakes.Fault
		wantAuth bool
		want     string // after the operation's prefix; ORG is the organisation URL
	}{
		{
			name:     "expired token",
			fault:    fakes.Fault{Status: 401, Header: map[string]string{"Content-Type": "text/plain"}, Body: "Access Denied: The Personal Access Token used has expired."},
			wantAuth: true,
			want:     "Azure DevOps refused the token (401): it is missing, expired or revoked, or not valid for ORG; " + needsPAT + " (Azure DevOps said: Access Denied: The Personal Access Token used has expired.)",
		},
		{
			name:     "sign-in page",
			fault:    fakes.Fault{Status: 203, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html>Sign In</html>"},
			wantAuth: true,
			want:     "Azure DevOps answered with its sign-in page (203): the token is not valid for ORG; " + needsPAT,
		},
		{
			name:     "redirect to sign-in",
			fault:    fakes.Fault{Status: 302, Header: map[string]string{"Location": "https://spsprodweu5.vssps.visualstudio.com/_signin?realm=dev.azure.com"}},
			wantAuth: true,
			want:     "Azure DevOps answered with its sign-in page (302): the token is not valid for ORG; " + needsPAT,
		},
		{
			name: "missing permission",
			fault: fakes.Fault{Status: 403, Body: `{"$id":"1","message":"TF401027: You need the Git 'PullRequestContribute' permission to perform this action.",` +
				`"typeKey":"GitNeedsPermissionException"}`},
			wantAuth: true,
			want:     "Azure DevOps refused the token (403): " + needsPAT + " (Azure DevOps said: TF401027: You need the Git 'PullRequestContribute' permission to perform this action.)",
		},
		{
			name:     "server echoes the token",
			fault:    fakes.Fault{Status: 403, Body: `{"message":"token ` + token + ` is not allowed"}`},
			wantAuth: true,
			want:     "Azure DevOps refused the token (403): " + needsPAT + " (Azure DevOps said: token [token] is not allowed)",
		},
		{
			name:  "server error",
			fault: fakes.Fault{Status: 503, Body: `{"message":"The service is unavailable."}`},
			want:  "Azure DevOps failed (503 Service Unavailable), try again later (Azure DevOps said: The service is unavailable.)",
		},
		{
			name:  "not JSON",
			fault: fakes.Fault{Status: 500, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html>oops</html>"},
			want:  "Azure DevOps failed (500 Internal Server Error), try again later",
		},
	}
	for _, tt := range tests {
		for _, op := range operations {
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				f := newFake(t, fakes.AzureDevOpsOptions{})
				f.AddPullRequest(fakes.AzureDevOpsPullRequest{SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t"})
				p := newProvider(t, f)
				_, err := p.Find(t.Context(), "ferry/a", "main", "") // discovery done
				require.NoError(t, err)
				f.ResetRequests()
				f.Fail(tt.fault)

				err = op.call(t.Context(), p)
				require.Error(t, err)
				want := op.prefix + " in " + f.OrgURL + "/web/_git/app: " + tt.want
				assert.Equal(t, strings.ReplaceAll(want, "ORG", f.OrgURL), err.Error())
				assert.Equal(t, tt.wantAuth, errors.Is(err, pullrequest.ErrAuth))
				assert.NotContains(t, err.Error(), token)
				assert.Len(t, f.Requests(), 1, "no request after a failure")
			})
		}
	}
}

// TestWrongToken runs the real exchange: the fake refuses the token from
// the first discovery request on.
func TestWrongToken(t *testing.T) {
	tests := []struct {
		name   string
		bearer bool
		needs  string
	}{
		{name: "personal access token", needs: needsPAT},
		{name: "System.AccessToken", bearer: true, needs: "the pipeline's build service identity needs Contribute and Contribute to pull requests on the repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{})
			const wrong = "azpat_wrong_0123456789"
			p, err := New(Options{OrgURL: f.OrgURL, Project: "web", Repo: "app", Token: wrong, Bearer: tt.bearer})
			require.NoError(t, err)

			_, err = p.Find(t.Context(), "ferry/a", "main", "")
			require.ErrorIs(t, err, pullrequest.ErrAuth)
			assert.NotContains(t, err.Error(), wrong)
			assert.Equal(t, "find pull request from ferry/a into main in "+f.OrgURL+"/web/_git/app: Azure DevOps refused the token (401): "+
				"it is missing, expired or revoked, or not valid for "+f.OrgURL+"; "+tt.needs+
				" (Azure DevOps said: Access Denied: The Personal Access Token used has expired.)", err.Error())
			require.Len(t, f.Requests(), 1)
			assert.Equal(t, "OPTIONS", f.Requests()[0].Method)
		})
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		name    string
		project string
		repo    string
		call    func(ctx context.Context, p *Provider) error
		want    string
	}{
		{
			name: "repository", project: "web", repo: "nope",
			call: func(ctx context.Context, p *Provider) error {
				_, err := p.Find(ctx, "ferry/a", "main", "")
				return err
			},
			want: "find pull request from ferry/a into main in ORG/web/_git/nope: Azure DevOps has no repository nope in project web, or the token cannot see it (404) " +
				"(Azure DevOps said: TF401019: The Git repository with name or identifier nope does not exist or you do not have permissions for the operation you are attempting.)",
		},
		{
			name: "project", project: "nope", repo: "app",
			call: func(ctx context.Context, p *Provider) error {
				_, err := p.Create(ctx, pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t"})
				return err
			},
			want: "create pull request from ferry/a into main in ORG/nope/_git/app: Azure DevOps has no repository app in project nope, or the token cannot see it (404) " +
				"(Azure DevOps said: TF200016: The following project does not exist: nope. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.)",
		},
		{
			name: "pull request", project: "web", repo: "app",
			call: func(ctx context.Context, p *Provider) error {
				return p.Comment(ctx, &pullrequest.PullRequest{Number: 99}, "c")
			},
			want: "comment on pull request 99 in ORG/web/_git/app: Azure DevOps has no pull request 99, or the token cannot see it (404) " +
				"(Azure DevOps said: TF401180: The requested pull request was not found.)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{})
			p, err := New(Options{OrgURL: f.OrgURL, Project: tt.project, Repo: tt.repo, Token: token})
			require.NoError(t, err)
			err = tt.call(t.Context(), p)
			require.Error(t, err)
			assert.Equal(t, strings.ReplaceAll(tt.want, "ORG", f.OrgURL), err.Error())
			assert.NotErrorIs(t, err, pullrequest.ErrAuth)
		})
	}
}

func TestNoOrganisation(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	p, err := New(Options{OrgURL: f.URL + "/other", Project: "web", Repo: "app", Token: token})
	require.NoError(t, err)

	_, err = p.Find(t.Context(), "ferry/a", "main", "")
	require.Error(t, err)
	assert.Equal(t, "find pull request from ferry/a into main in "+f.URL+"/other/web/_git/app: Azure DevOps has no organisation or collection "+f.URL+
		"/other, or the token cannot see it (404) (Azure DevOps said: The collection does not exist.)", err.Error())
}

func TestCanceled(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	p := newProvider(t, f)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := p.Find(ctx, "ferry/a", "main", "")
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, f.Requests())
}
