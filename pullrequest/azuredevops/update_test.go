package azuredevops

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
	"github.com/ferrygitops/ferry/pullrequest"
)

func TestUpdate(t *testing.T) {
	patch := call("PATCH", prs+"/3", nil, map[string]any{"title": "new title", "description": "new body"})
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
				patch,
				call("GET", prs+"/3/labels", nil, nil),
				call("POST", prs+"/3/labels", nil, map[string]any{"name": "promotion"}),
			},
		},
		{
			name:       "all labels there",
			have:       []string{"ferry", "promotion"},
			labels:     []string{"promotion"},
			wantLabels: []string{"ferry", "promotion"},
			want:       []fakes.Request{patch, call("GET", prs+"/3/labels", nil, nil)},
		},
		{
			name:       "no labels wanted",
			have:       []string{"ferry"},
			wantLabels: []string{"ferry"},
			want:       []fakes.Request{patch},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{})
			f.AddPullRequest(fakes.AzureDevOpsPullRequest{
				ID: 3, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main",
				Title: "old", Description: "old", Labels: tt.have, IsDraft: true,
			})
			p := newProvider(t, f)

			got, err := p.Update(t.Context(), &pullrequest.PullRequest{Number: 3}, "new title", "new body", tt.labels)
			require.NoError(t, err)
			assert.Equal(t, &pullrequest.PullRequest{
				Number: 3, URL: f.OrgURL + "/web/_git/app/pullrequest/3", Title: "new title", Body: "new body",
				Head: "ferry/a", Base: "main", Draft: true,
			}, got)
			assert.Equal(t, tt.want, api(f.Requests()))
			state, _ := f.PullRequest(3)
			assert.Equal(t, tt.wantLabels, state.Labels)
			assert.Equal(t, "new title", state.Title)
			assert.Equal(t, "new body", state.Description)
		})
	}
}

func TestComment(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	f.AddPullRequest(fakes.AzureDevOpsPullRequest{ID: 3, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t"})
	p := newProvider(t, f)

	require.NoError(t, p.Comment(t.Context(), &pullrequest.PullRequest{Number: 3}, "plan updated"))
	assert.Equal(t, []fakes.Request{call("POST", prs+"/3/threads", nil, map[string]any{
		"comments": []any{map[string]any{"content": "plan updated", "commentType": "text", "parentCommentId": float64(0)}},
		"status":   "closed",
	})}, api(f.Requests()))
	state, _ := f.PullRequest(3)
	assert.Equal(t, []fakes.AzureDevOpsThread{{Status: "closed", Comments: []string{"plan updated"}}}, state.Threads)
	assert.Equal(t, "active", state.Status)
}

func TestClose(t *testing.T) {
	abandon := call("PATCH", prs+"/3", nil, map[string]any{"status": "abandoned"})
	tests := []struct {
		name        string
		comment     string
		want        []fakes.Request
		wantThreads []fakes.AzureDevOpsThread
	}{
		{
			name:    "with a comment",
			comment: "nothing left to promote",
			want: []fakes.Request{
				call("POST", prs+"/3/threads", nil, map[string]any{
					"comments": []any{map[string]any{"content": "nothing left to promote", "commentType": "text", "parentCommentId": float64(0)}},
					"status":   "closed",
				}),
				abandon,
			},
			wantThreads: []fakes.AzureDevOpsThread{{Status: "closed", Comments: []string{"nothing left to promote"}}},
		},
		{name: "without", want: []fakes.Request{abandon}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{})
			f.AddPullRequest(fakes.AzureDevOpsPullRequest{ID: 3, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t"})
			p := newProvider(t, f)

			require.NoError(t, p.Close(t.Context(), &pullrequest.PullRequest{Number: 3}, tt.comment))
			assert.Equal(t, tt.want, api(f.Requests()))
			state, _ := f.PullRequest(3)
			assert.Equal(t, "abandoned", state.Status)
			assert.Equal(t, tt.wantThreads, state.Threads)

			got, err := p.Find(t.Context(), "ferry/a", "main", "")
			require.NoError(t, err)
			assert.Nil(t, got, "an abandoned pull request is not found")
		})
	}
}
