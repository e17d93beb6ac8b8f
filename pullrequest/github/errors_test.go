package github

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
	"github.com/ferrygitops/ferry/pullrequest"
)

// operations calls each method of the provider on pull request #1.
var operations = []struct {
	name   string
	prefix string
	call   func(ctx context.Context, p *Provider) error
}{
	{name: "find", prefix: "find pull request from ferry/a into main in acme/app: ", call: func(ctx context.Context, p *Provider) error {
		_, err := p.Find(ctx, "ferry/a", "main", "")
		return err
	}},
	{name: "create", prefix: "create pull request from ferry/b into main in acme/app: ", call: func(ctx context.Context, p *Provider) error {
		_, err := p.Create(ctx, pullrequest.NewPullRequest{Head: "ferry/b", Base: "main", Title: "t"})
		return err
	}},
	{name: "update", prefix: "update pull request #1 in acme/app: ", call: func(ctx context.Context, p *Provider) error {
		_, err := p.Update(ctx, &pullrequest.PullRequest{Number: 1}, "t", "b", nil)
		return err
	}},
	{name: "comment", prefix: "comment on pull request #1 in acme/app: ", call: func(ctx context.Context, p *Provider) error {
		return p.Comment(ctx, &pullrequest.PullRequest{Number: 1}, "c")
	}},
	{name: "close", prefix: "close pull request #1 in acme/app: ", call: func(ctx context.Context, p *Provider) error {
		return p.Close(ctx, &pullrequest.PullRequest{Number: 1}, "")
	}},
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		fault    fakes.Fault
		wantAuth bool
		want     string // after the operation's prefix
	}{
		{
			name:     "bad token",
			fault:    fakes.Fault{Status: 401, Body: `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`},
			wantAuth: true,
			want:     "GitHub refused the token (401): it is missing, expired or revoked; ferry needs a token with pull-requests: write and contents: write (GitHub said: Bad credentials)",
		},
		{
			name:     "missing permission",
			fault:    fakes.Fault{Status: 403, Body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/pulls/pulls","status":"403"}`},
			wantAuth: true,
			want:     "GitHub refused the token (403): the token needs pull-requests: write and contents: write (GitHub said: Resource not accessible by integration)",
		},
		{
			name:     "server echoes the token",
			fault:    fakes.Fault{Status: 403, Body: `{"message":"token ` + token + ` is not allowed"}`},
			wantAuth: true,
			want:     "GitHub refused the token (403): the token needs pull-requests: write and contents: write (GitHub said: token [token] is not allowed)",
		},
		{
			name: "secondary rate limit",
			fault: fakes.Fault{Status: 403, Header: map[string]string{"Retry-After": "60"}, Body: `{"message":"You have exceeded a secondary rate limit.",` +
				`"documentation_url":"https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`},
			want: "GitHub's secondary rate limit stopped the request; try again after 1m0s",
		},
		{
			name: "rate limit",
			fault: fakes.Fault{Status: 403, Header: map[string]string{
				"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1893456000",
			}, Body: `{"message":"API rate limit exceeded"}`},
			want: "GitHub's rate limit is used up (5000 requests an hour); it resets at 2030-01-01T00:00:00Z",
		},
		{
			name:  "server error",
			fault: fakes.Fault{Status: 502, Body: `{"message":"Server Error"}`},
			want:  "GitHub failed (502 Bad Gateway), try again later (GitHub said: Server Error)",
		},
		{
			name:  "not JSON",
			fault: fakes.Fault{Status: 500, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html>unicorn</html>"},
			want:  "GitHub failed (500 Internal Server Error), try again later",
		},
	}
	for _, tt := range tests {
		for _, op := range operations {
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				f := newFake(t, fakes.GitHubOptions{})
				f.AddPullRequest(fakes.GitHubPullRequest{Head: "ferry/a", Base: "main", Title: "t"})
				f.Fail(tt.fault)
				p := newProvider(t, f)

				err := op.call(t.Context(), p)
				require.Error(t, err)
				assert.Equal(t, op.prefix+tt.want, err.Error())
				assert.Equal(t, tt.wantAuth, errors.Is(err, pullrequest.ErrAuth))
				assert.NotContains(t, err.Error(), token)
				assert.Len(t, f.Requests(), 1, "no request after a failure")
			})
		}
	}
}

func TestWrongToken(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	p, err := New(Options{BaseURL: f.EnterpriseURL(), Token: "ghp_wrong0123456789", Owner: "acme", Repo: "app"})
	require.NoError(t, err)

	_, err = p.Find(t.Context(), "ferry/a", "main", "")
	require.ErrorIs(t, err, pullrequest.ErrAuth)
	assert.NotContains(t, err.Error(), "ghp_wrong0123456789")
	assert.Contains(t, err.Error(), "GitHub refused the token (401)")
}

func TestNotFound(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	tests := []struct {
		name string
		repo string
		call func(p *Provider) error
		want string
	}{
		{
			name: "repository",
			repo: "nope",
			call: func(p *Provider) error {
				_, err := p.Find(t.Context(), "ferry/a", "main", "")
				return err
			},
			want: "find pull request from ferry/a into main in acme/nope: GitHub has no repository acme/nope, or the token cannot see it (404)",
		},
		{
			name: "pull request",
			repo: "app",
			call: func(p *Provider) error { return p.Comment(t.Context(), &pullrequest.PullRequest{Number: 99}, "c") },
			want: "comment on pull request #99 in acme/app: GitHub has no pull request #99, or the token cannot see it (404)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(Options{BaseURL: f.EnterpriseURL(), Token: token, Owner: "acme", Repo: tt.repo})
			require.NoError(t, err)
			err = tt.call(p)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.NotErrorIs(t, err, pullrequest.ErrAuth)
		})
	}
}

func TestCanceled(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	p := newProvider(t, f)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := p.Find(ctx, "ferry/a", "main", "")
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, f.Requests())
}
