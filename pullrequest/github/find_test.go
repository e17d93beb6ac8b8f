package github

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
)

func TestFind(t *testing.T) {
	const marker = "<!-- ferry:promotion from=\"staging\" to=\"production\" -->"
	open := func(n int, body string) fakes.GitHubPullRequest {
		return fakes.GitHubPullRequest{Number: n, Head: "ferry/s-to-p", Base: "main", Title: "pr " + strconv.Itoa(n), Body: body}
	}
	tests := []struct {
		name   string
		prs    []fakes.GitHubPullRequest
		marker string
		want   int // 0: none
	}{
		{name: "none open", want: 0},
		{
			name: "only others",
			prs: []fakes.GitHubPullRequest{
				{Number: 1, Head: "ferry/s-to-p", Base: "release", Title: "other base"},
				{Number: 2, Head: "feature", Base: "main", Title: "other head"},
				{Number: 3, Head: "ferry/s-to-p", Base: "main", Title: "closed", State: "closed"},
				{Number: 4, Head: "ferry/s-to-p", Base: "main", Title: "fork", HeadOwner: "someone"},
			},
			marker: marker,
			want:   0,
		},
		{name: "one", prs: []fakes.GitHubPullRequest{open(7, "no marker")}, marker: marker, want: 7},
		{
			name:   "the marker decides",
			prs:    []fakes.GitHubPullRequest{open(3, "hand-made"), open(5, marker+"\nplan"), open(9, marker+"\nolder plan")},
			marker: marker,
			want:   5,
		},
		{
			name:   "without a marked one the lowest",
			prs:    []fakes.GitHubPullRequest{open(8, "a"), open(4, "b"), open(6, "c")},
			marker: marker,
			want:   4,
		},
		{
			name: "empty marker: the lowest",
			prs:  []fakes.GitHubPullRequest{open(8, marker), open(4, "b")},
			want: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.GitHubOptions{})
			for _, pr := range tt.prs {
				f.AddPullRequest(pr)
			}
			p := newProvider(t, f)

			got, err := p.Find(t.Context(), "ferry/s-to-p", "main", tt.marker)
			require.NoError(t, err)
			assert.Equal(t, []fakes.Request{call("GET", "/repos/acme/app/pulls", url.Values{
				"state": {"open"}, "head": {"acme:ferry/s-to-p"}, "base": {"main"}, "per_page": {"100"},
			}, nil)}, f.Requests())
			if tt.want == 0 {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.want, got.Number)
			assert.Equal(t, "ferry/s-to-p", got.Head)
			assert.Equal(t, "main", got.Base)
			assert.Equal(t, f.URL+"/acme/app/pull/"+strconv.Itoa(tt.want), got.URL)
		})
	}
}

func TestFindPages(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{MaxPerPage: 2})
	for n := 1; n <= 5; n++ {
		body := "plain"
		if n == 2 {
			body = "<!-- m -->" // on the last page: newest come first
		}
		f.AddPullRequest(fakes.GitHubPullRequest{Head: "ferry/a", Base: "main", Title: "t", Body: body})
	}
	p := newProvider(t, f)

	got, err := p.Find(t.Context(), "ferry/a", "main", "<!-- m -->")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, 2, got.Number)
	q := func(page string) url.Values {
		v := url.Values{"state": {"open"}, "head": {"acme:ferry/a"}, "base": {"main"}, "per_page": {"100"}}
		if page != "" {
			v.Set("page", page)
		}
		return v
	}
	assert.Equal(t, []fakes.Request{
		call("GET", "/repos/acme/app/pulls", q(""), nil),
		call("GET", "/repos/acme/app/pulls", q("2"), nil),
		call("GET", "/repos/acme/app/pulls", q("3"), nil),
	}, f.Requests())
}
