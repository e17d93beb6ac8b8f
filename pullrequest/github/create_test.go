package github

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
	"github.com/ferrygitops/ferry/pullrequest"
)

func TestCreate(t *testing.T) {
	tests := []struct {
		name  string
		opts  fakes.GitHubOptions
		in    pullrequest.NewPullRequest
		want  []fakes.Request
		state fakes.GitHubPullRequest
	}{
		{
			name: "draft with labels, users and a team",
			in: pullrequest.NewPullRequest{
				Head: "ferry/staging-to-production", Base: "main",
				Title: "Promote staging to production", Body: "<!-- m -->\nplan",
				Draft:     true,
				Labels:    []string{"ferry", "promotion"},
				Reviewers: []string{"octocat", "acme/platform", "hubot"},
				WorkItems: []string{"42"},
			},
			want: []fakes.Request{
				call("POST", "/repos/acme/app/pulls", nil, map[string]any{
					"title": "Promote staging to production", "head": "ferry/staging-to-production",
					"base": "main", "body": "<!-- m -->\nplan", "draft": true,
				}),
				call("POST", "/repos/acme/app/issues/1/labels", nil, []any{"ferry", "promotion"}),
				call("POST", "/repos/acme/app/pulls/1/requested_reviewers", nil, map[string]any{
					"reviewers": []any{"octocat", "hubot"}, "team_reviewers": []any{"platform"},
				}),
			},
			state: fakes.GitHubPullRequest{
				Number: 1, Title: "Promote staging to production", Body: "<!-- m -->\nplan",
				Head: "ferry/staging-to-production", Base: "main", HeadOwner: "acme", State: "open", Draft: true,
				Labels: []string{"ferry", "promotion"}, Reviewers: []string{"octocat", "hubot"}, TeamReviewers: []string{"platform"},
			},
		},
		{
			name: "ready, nothing else",
			in:   pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t", Body: "b"},
			want: []fakes.Request{
				call("POST", "/repos/acme/app/pulls", nil, map[string]any{
					"title": "t", "head": "ferry/a", "base": "main", "body": "b", "draft": false,
				}),
			},
			state: fakes.GitHubPullRequest{Number: 1, Title: "t", Body: "b", Head: "ferry/a", Base: "main", HeadOwner: "acme", State: "open"},
		},
		{
			name: "draft refused by the plan",
			opts: fakes.GitHubOptions{NoDrafts: true},
			in:   pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t", Body: "b", Draft: true},
			want: []fakes.Request{
				call("POST", "/repos/acme/app/pulls", nil, map[string]any{
					"title": "t", "head": "ferry/a", "base": "main", "body": "b", "draft": true,
				}),
				call("POST", "/repos/acme/app/pulls", nil, map[string]any{
					"title": "t", "head": "ferry/a", "base": "main", "body": "b", "draft": false,
				}),
			},
			state: fakes.GitHubPullRequest{Number: 1, Title: "t", Body: "b", Head: "ferry/a", Base: "main", HeadOwner: "acme", State: "open"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.opts)
			p := newProvider(t, f)

			got, err := p.Create(t.Context(), tt.in)
			require.NoError(t, err)
			assert.Equal(t, &pullrequest.PullRequest{
				Number: 1, URL: f.URL + "/acme/app/pull/1",
				Title: tt.in.Title, Body: tt.in.Body, Head: tt.in.Head, Base: tt.in.Base,
				Draft: tt.state.Draft,
			}, got)
			assert.Equal(t, tt.want, f.Requests())
			state, ok := f.PullRequest(1)
			require.True(t, ok)
			assert.Equal(t, tt.state, state)
		})
	}
}

func TestCreateAlreadyOpen(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	f.AddPullRequest(fakes.GitHubPullRequest{Head: "ferry/a", Base: "main", Title: "t"})
	p := newProvider(t, f)

	got, err := p.Create(t.Context(), pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t", Labels: []string{"x"}})
	require.Error(t, err)
	assert.Nil(t, got)
	assert.Equal(t, "create pull request from ferry/a into main in acme/app: GitHub rejected the request (422): Validation Failed: A pull request already exists for acme:ferry/a.", err.Error())
	assert.Len(t, f.Requests(), 1, "no labels for a pull request that was not opened")
}

func TestCreateLabelsFail(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	f.Fail(fakes.Fault{Method: "POST", PathSuffix: "/labels", Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
	p := newProvider(t, f)

	got, err := p.Create(t.Context(), pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t", Labels: []string{"x"}, Reviewers: []string{"octocat"}})
	require.Error(t, err)
	require.NotNil(t, got, "the opened pull request comes back with the error")
	assert.Equal(t, 1, got.Number)
	require.ErrorIs(t, err, pullrequest.ErrAuth)
	assert.Equal(t, "label pull request #1 in acme/app: GitHub refused the token (403): the token needs pull-requests: write and contents: write (GitHub said: Resource not accessible by integration)", err.Error())
	assert.Len(t, f.Requests(), 2, "no reviewers after the labels failed")
}
