package azuredevops

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
	"github.com/ferrygitops/ferry/pullrequest"
)

func TestCreate(t *testing.T) {
	in := pullrequest.NewPullRequest{
		Head: "ferry/staging-to-production", Base: "main",
		Title: "Promote staging to production", Body: "<!-- m -->\nplan",
		Draft:     true,
		Labels:    []string{"ferry", "promotion"},
		Reviewers: []string{"8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d", "3b5f0c34-4aec-4bf4-8708-1d36f0dbc468"},
		WorkItems: []string{"42", "43"},
	}
	createBody := map[string]any{
		"sourceRefName": "refs/heads/ferry/staging-to-production",
		"targetRefName": "refs/heads/main",
		"title":         "Promote staging to production",
		"description":   "<!-- m -->\nplan",
		"isDraft":       true,
		"reviewers":     []any{map[string]any{"id": "8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d"}, map[string]any{"id": "3b5f0c34-4aec-4bf4-8708-1d36f0dbc468"}},
		"workItemRefs":  []any{map[string]any{"id": "42"}, map[string]any{"id": "43"}},
		"labels":        []any{map[string]any{"name": "ferry"}, map[string]any{"name": "promotion"}},
	}
	tests := []struct {
		name string
		opts fakes.AzureDevOpsOptions
		want []fakes.Request
	}{
		{
			name: "labels taken with the pull request",
			want: []fakes.Request{call("POST", prs, nil, createBody)},
		},
		{
			name: "labels added one by one when the answer lacks them",
			opts: fakes.AzureDevOpsOptions{IgnoreLabelsOnCreate: true},
			want: []fakes.Request{
				call("POST", prs, nil, createBody),
				call("POST", prs+"/1/labels", nil, map[string]any{"name": "ferry"}),
				call("POST", prs+"/1/labels", nil, map[string]any{"name": "promotion"}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.opts)
			p := newProvider(t, f)

			got, err := p.Create(t.Context(), in)
			require.NoError(t, err)
			assert.Equal(t, &pullrequest.PullRequest{
				Number: 1, URL: f.OrgURL + "/web/_git/app/pullrequest/1",
				Title: in.Title, Body: in.Body, Head: in.Head, Base: in.Base, Draft: true,
			}, got)
			assert.Equal(t, tt.want, api(f.Requests()))
			state, ok := f.PullRequest(1)
			require.True(t, ok)
			assert.Equal(t, fakes.AzureDevOpsPullRequest{
				ID: 1, Title: in.Title, Description: in.Body,
				SourceRef: "refs/heads/ferry/staging-to-production", TargetRef: "refs/heads/main",
				Status: "active", IsDraft: true,
				Labels: in.Labels, Reviewers: in.Reviewers, WorkItems: in.WorkItems,
			}, state)
		})
	}
}

func TestCreateMinimal(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	p := newProvider(t, f)

	got, err := p.Create(t.Context(), pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t", Body: "b"})
	require.NoError(t, err)
	assert.False(t, got.Draft)
	assert.Equal(t, []fakes.Request{call("POST", prs, nil, map[string]any{
		"sourceRefName": "refs/heads/ferry/a", "targetRefName": "refs/heads/main",
		"title": "t", "description": "b", "isDraft": false,
	})}, api(f.Requests()))
}

func TestCreateAlreadyActive(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	f.AddPullRequest(fakes.AzureDevOpsPullRequest{SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t"})
	p := newProvider(t, f)

	got, err := p.Create(t.Context(), pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t"})
	require.Error(t, err)
	assert.Nil(t, got)
	assert.Equal(t, "create pull request from ferry/a into main in "+f.OrgURL+"/web/_git/app: Azure DevOps refused the request (409 Conflict) "+
		"(Azure DevOps said: TF401179: An active pull request for the source and target branch already exists.)", err.Error())
}

func TestCreateLongDescription(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	p := newProvider(t, f)
	body := "<!-- m -->\n"
	for len(body) < 6000 {
		body += "| app | production | 1.2.3 → 1.2.4 |\n"
	}

	got, err := p.Create(t.Context(), pullrequest.NewPullRequest{Head: "ferry/a", Base: "main", Title: "t", Body: body})
	require.NoError(t, err, "the fake refuses descriptions over the limit")
	state, _ := f.PullRequest(got.Number)
	assert.LessOrEqual(t, units(state.Description), DescriptionLimit)
	assert.Equal(t, state.Description, got.Body)
	assert.Contains(t, state.Description, "This description was cut")
}
