package azuredevops

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
)

func TestFind(t *testing.T) {
	const marker = `<!-- ferry:promotion from="staging" to="production" -->`
	active := func(id int, desc string) fakes.AzureDevOpsPullRequest {
		return fakes.AzureDevOpsPullRequest{ID: id, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "pr " + strconv.Itoa(id), Description: desc}
	}
	tests := []struct {
		name   string
		prs    []fakes.AzureDevOpsPullRequest
		marker string
		want   int // 0: none
	}{
		{name: "none active", want: 0},
		{
			name: "only others",
			prs: []fakes.AzureDevOpsPullRequest{
				{ID: 1, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/release", Title: "other target"},
				{ID: 2, SourceRef: "refs/heads/feature", TargetRef: "refs/heads/main", Title: "other source"},
				{ID: 3, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "abandoned", Status: "abandoned"},
				{ID: 4, SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "completed", Status: "completed"},
			},
			marker: marker,
			want:   0,
		},
		{name: "one", prs: []fakes.AzureDevOpsPullRequest{active(7, "no marker")}, marker: marker, want: 7},
		{
			name:   "the marker decides",
			prs:    []fakes.AzureDevOpsPullRequest{active(3, "hand-made"), active(5, marker+"\nplan"), active(9, marker+"\nolder plan")},
			marker: marker,
			want:   5,
		},
		{
			name:   "without a marked one the lowest",
			prs:    []fakes.AzureDevOpsPullRequest{active(8, "a"), active(4, "b"), active(6, "c")},
			marker: marker,
			want:   4,
		},
		{name: "empty marker: the lowest", prs: []fakes.AzureDevOpsPullRequest{active(8, marker), active(4, "b")}, want: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{})
			for _, pr := range tt.prs {
				f.AddPullRequest(pr)
			}
			p := newProvider(t, f)

			got, err := p.Find(t.Context(), "ferry/a", "main", tt.marker)
			require.NoError(t, err)
			assert.Equal(t, []fakes.Request{call("GET", prs, findQuery("0"), nil)}, api(f.Requests()))
			if tt.want == 0 {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.want, got.Number)
			assert.Equal(t, "ferry/a", got.Head)
			assert.Equal(t, "main", got.Base)
			assert.Equal(t, f.OrgURL+"/web/_git/app/pullrequest/"+strconv.Itoa(tt.want), got.URL)
		})
	}
}

func TestFindPages(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	for id := 1; id <= 101; id++ {
		desc := "plain"
		if id == 1 {
			desc = "<!-- m -->" // the oldest, on the second page
		}
		f.AddPullRequest(fakes.AzureDevOpsPullRequest{SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t", Description: desc})
	}
	p := newProvider(t, f)

	got, err := p.Find(t.Context(), "ferry/a", "main", "<!-- m -->")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, 1, got.Number)
	assert.Equal(t, []fakes.Request{
		call("GET", prs, findQuery("0"), nil),
		call("GET", prs, findQuery("100"), nil),
	}, api(f.Requests()))
}

func TestFindEscapedNames(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{Project: "My Project", Repo: "My Repo"})
	f.AddPullRequest(fakes.AzureDevOpsPullRequest{SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t"})
	p, err := New(Options{OrgURL: f.OrgURL, Project: "My Project", Repo: "My Repo", Token: token})
	require.NoError(t, err)

	got, err := p.Find(t.Context(), "ferry/a", "main", "")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, f.OrgURL+"/My%20Project/_git/My%20Repo/pullrequest/1", got.URL)
	assert.Equal(t, "/contoso/My Project/_apis/git/repositories/My Repo/pullRequests", api(f.Requests())[0].Path)
}
