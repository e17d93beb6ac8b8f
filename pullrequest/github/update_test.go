package github

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
	"github.com/ferrygitops/ferry/pullrequest"
)

func TestUpdate(t *testing.T) {
	tests := []struct {
		name       string
		have       []string
		labels     []string
		wantLabels []string
		want       []fakes.Request
	}{
		{
			name:       "adds the missing labels only",
			have:       []string{"ferry", "hand-added"},
			labels:     []string{"ferry", "promotion", "promotion"},
			wantLabels: []string{"ferry", "hand-added", "promotion"},
			want: []fakes.Request{
				call("PATCH", "/repos/acme/app/pulls/3", nil, map[string]any{"title": "new title", "body": "new body"}),
				call("POST", "/repos/acme/app/issues/3/labels", nil, []any{"promotion"}),
			},
		},
		{
			name:       "all labels there",
			have:       []string{"ferry", "promotion"},
			labels:     []string{"promotion"},
			wantLabels: []string{"ferry", "promotion"},
			want: []fakes.Request{
				call("PATCH", "/repos/acme/app/pulls/3", nil, map[string]any{"title": "new title", "body": "new body"}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.GitHubOptions{})
			f.AddPullRequest(fakes.GitHubPullRequest{Number: 3, Head: "ferry/a", Base: "main", Title: "old", Body: "old", Labels: tt.have, Draft: true})
			p := newProvider(t, f)

			got, err := p.Update(t.Context(), &pullrequest.PullRequest{Number: 3}, "new title", "new body", tt.labels)
			require.NoError(t, err)
			assert.Equal(t, &pullrequest.PullRequest{
				Number: 3, URL: f.URL + "/acme/app/pull/3", Title: "new title", Body: "new body",
				Head: "ferry/a", Base: "main", Draft: true,
			}, got)
			assert.Equal(t, tt.want, f.Requests())
			state, _ := f.PullRequest(3)
			assert.Equal(t, tt.wantLabels, state.Labels)
			assert.Equal(t, "new title", state.Title)
			assert.Equal(t, "new body", state.Body)
		})
	}
}

func TestComment(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	f.AddPullRequest(fakes.GitHubPullRequest{Number: 3, Head: "ferry/a", Base: "main", Title: "t"})
	p := newProvider(t, f)

	require.NoError(t, p.Comment(t.Context(), &pullrequest.PullRequest{Number: 3}, "plan updated"))
	assert.Equal(t, []fakes.Request{
		call("POST", "/repos/acme/app/issues/3/comments", nil, map[string]any{"body": "plan updated"}),
	}, f.Requests())
	state, _ := f.PullRequest(3)
	assert.Equal(t, []string{"plan updated"}, state.Comments)
	assert.Equal(t, "open", state.State)
}

func TestClose(t *testing.T) {
	tests := []struct {
		name         string
		comment      string
		want         []fakes.Request
		wantComments []string
	}{
		{
			name:    "with a comment",
			comment: "nothing left to promote",
			want: []fakes.Request{
				call("POST", "/repos/acme/app/issues/3/comments", nil, map[string]any{"body": "nothing left to promote"}),
				call("PATCH", "/repos/acme/app/pulls/3", nil, map[string]any{"state": "closed"}),
			},
			wantComments: []string{"nothing left to promote"},
		},
		{
			name: "without",
			want: []fakes.Request{
				call("PATCH", "/repos/acme/app/pulls/3", nil, map[string]any{"state": "closed"}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.GitHubOptions{})
			f.AddPullRequest(fakes.GitHubPullRequest{Number: 3, Head: "ferry/a", Base: "main", Title: "t"})
			p := newProvider(t, f)

			require.NoError(t, p.Close(t.Context(), &pullrequest.PullRequest{Number: 3}, tt.comment))
			assert.Equal(t, tt.want, f.Requests())
			state, _ := f.PullRequest(3)
			assert.Equal(t, "closed", state.State)
			assert.Equal(t, tt.wantComments, state.Comments)

			got, err := p.Find(t.Context(), "ferry/a", "main", "")
			require.NoError(t, err)
			assert.Nil(t, got, "a closed pull request is not found")
		})
	}
}
