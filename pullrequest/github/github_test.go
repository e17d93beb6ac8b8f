package github

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
)

const token = "ghp_test0123456789secret"

// newFake starts a GitHub fake for acme/app that wants token.
func newFake(t *testing.T, opts fakes.GitHubOptions) *fakes.GitHub {
	t.Helper()
	opts.Token = token
	return fakes.NewGitHub(t, opts)
}

// newProvider returns a provider for acme/app on f as a GitHub Enterprise
// Server.
func newProvider(t *testing.T, f *fakes.GitHub) *Provider {
	t.Helper()
	p, err := New(Options{BaseURL: f.EnterpriseURL(), Token: token, Owner: "acme", Repo: "app"})
	require.NoError(t, err)
	return p
}

// call is a request the fake must have received, authenticated, under the
// Enterprise prefix /api/v3.
func call(method, path string, query url.Values, body any) fakes.Request {
	if query == nil {
		query = url.Values{}
	}
	return fakes.Request{Method: method, Path: "/api/v3" + path, Query: query, Body: body, Auth: "Bearer"}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		want    string
		wantErr string
	}{
		{name: "github.com", opts: Options{Owner: "acme", Repo: "app"}, want: "https://api.github.com/"},
		{name: "api.github.com given", opts: Options{BaseURL: "https://api.github.com", Owner: "acme", Repo: "app"}, want: "https://api.github.com/"},
		{name: "GITHUB_API_URL", opts: Options{BaseURL: "https://ghe.example.com/api/v3", Owner: "acme", Repo: "app"}, want: "https://ghe.example.com/api/v3/"},
		{name: "trailing slash", opts: Options{BaseURL: "https://ghe.example.com/api/v3/", Owner: "acme", Repo: "app"}, want: "https://ghe.example.com/api/v3/"},
		{name: "host only", opts: Options{BaseURL: "https://ghe.example.com", Owner: "acme", Repo: "app"}, want: "https://ghe.example.com/api/v3/"},
		{name: "ghe.com", opts: Options{BaseURL: "https://api.octo.ghe.com", Owner: "acme", Repo: "app"}, want: "https://api.octo.ghe.com/"},
		{name: "no owner", opts: Options{Repo: "app"}, wantErr: "github: Owner and Repo are required"},
		{name: "no repo", opts: Options{Owner: "acme"}, wantErr: "github: Owner and Repo are required"},
		{name: "not http", opts: Options{BaseURL: "ftp://ghe.example.com", Owner: "acme", Repo: "app"}, wantErr: `github: base URL "ftp://ghe.example.com": want https://HOST/api/v3/`},
		{name: "no host", opts: Options{BaseURL: "ghe.example.com/api/v3", Owner: "acme", Repo: "app"}, wantErr: "want https://HOST/api/v3/"},
		{name: "credentials in URL", opts: Options{BaseURL: "https://u:" + token + "@ghe.example.com", Owner: "acme", Repo: "app"}, wantErr: `base URL "https://ghe.example.com"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.opts)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), token)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.BaseURL())
			assert.Equal(t, "GitHub", p.Name())
		})
	}
}

// toFake sends every request to the fake instead of its host.
type toFake struct{ target *url.URL }

func (tf toFake) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = tf.target.Scheme, tf.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// TestGitHubDotCom runs a provider with the default base URL against the
// fake, which serves the API at its root as api.github.com does.
func TestGitHubDotCom(t *testing.T) {
	f := newFake(t, fakes.GitHubOptions{})
	f.AddPullRequest(fakes.GitHubPullRequest{Head: "ferry/a", Base: "main", Title: "t"})
	target, err := url.Parse(f.URL)
	require.NoError(t, err)
	p, err := New(Options{Token: token, Owner: "acme", Repo: "app", HTTPClient: &http.Client{Transport: toFake{target}}})
	require.NoError(t, err)

	got, err := p.Find(t.Context(), "ferry/a", "main", "")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, 1, got.Number)
	assert.Equal(t, []fakes.Request{{
		Method: "GET", Path: "/repos/acme/app/pulls", Auth: "Bearer",
		Query: url.Values{"state": {"open"}, "head": {"acme:ferry/a"}, "base": {"main"}, "per_page": {"100"}},
	}}, f.Requests())
}
