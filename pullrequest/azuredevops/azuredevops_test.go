package azuredevops

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/fakes"
)

const token = "azpat0123456789secret"

const prs = "/contoso/web/_apis/git/repositories/app/pullRequests"

// newFake starts an Azure DevOps fake for contoso/web/app that wants token.
func newFake(t *testing.T, opts fakes.AzureDevOpsOptions) *fakes.AzureDevOps {
	t.Helper()
	opts.Token = token
	return fakes.NewAzureDevOps(t, opts)
}

// newProvider returns a provider for web/app on f with a PAT.
func newProvider(t *testing.T, f *fakes.AzureDevOps) *Provider {
	t.Helper()
	p, err := New(Options{OrgURL: f.OrgURL, Project: "web", Repo: "app", Token: token})
	require.NoError(t, err)
	return p
}

// api is the requests without the SDK's discovery.
func api(reqs []fakes.Request) []fakes.Request {
	var out []fakes.Request
	for _, r := range reqs {
		if !fakes.IsDiscovery(r) {
			out = append(out, r)
		}
	}
	return out
}

// call is a request the fake must have received, with a PAT, at the
// api-version the SDK asks for.
func call(method, path string, query url.Values, body any) fakes.Request {
	if query == nil {
		query = url.Values{}
	}
	return fakes.Request{Method: method, Path: path, Query: query, Body: body, Auth: "Basic", APIVersion: "7.1-preview.1"}
}

func findQuery(skip string) url.Values {
	return url.Values{
		"searchCriteria.sourceRefName": {"refs/heads/ferry/a"},
		"searchCriteria.targetRefName": {"refs/heads/main"},
		"searchCriteria.status":        {"active"},
		"$top":                         {"100"},
		"$skip":                        {skip},
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "services", opts: Options{OrgURL: "https://dev.azure.com/contoso", Project: "web", Repo: "app"}},
		{name: "server", opts: Options{OrgURL: "https://tfs.example.com/tfs/Collection/", Project: "My Project", Repo: "app"}},
		{name: "no org", opts: Options{Project: "web", Repo: "app"}, wantErr: "azuredevops: OrgURL, Project and Repo are required"},
		{name: "no project", opts: Options{OrgURL: "https://dev.azure.com/contoso", Repo: "app"}, wantErr: "azuredevops: OrgURL, Project and Repo are required"},
		{name: "no repo", opts: Options{OrgURL: "https://dev.azure.com/contoso", Project: "web"}, wantErr: "azuredevops: OrgURL, Project and Repo are required"},
		{name: "not a URL", opts: Options{OrgURL: "dev.azure.com/contoso", Project: "web", Repo: "app"}, wantErr: `azuredevops: organisation URL "dev.azure.com/contoso": want https://dev.azure.com/ORG or https://HOST/COLLECTION`},
		{name: "credentials in URL", opts: Options{OrgURL: "https://contoso:" + token + "@dev.azure.com/contoso", Project: "web", Repo: "app"}, wantErr: `organisation URL "https://dev.azure.com/contoso"`},
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
			assert.Equal(t, "Azure DevOps", p.Name())
		})
	}
}

// TestDiscovery checks the SDK's discovery: asked once, on the first call.
func TestDiscovery(t *testing.T) {
	tests := []struct {
		name       string
		onPremises bool
		collection string
	}{
		{name: "services", collection: "contoso"},
		{name: "server", collection: "tfs/DefaultCollection", onPremises: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{Collection: tt.collection, OnPremises: tt.onPremises})
			p := newProvider(t, f)
			for range 2 {
				got, err := p.Find(t.Context(), "ferry/a", "main", "")
				require.NoError(t, err)
				assert.Nil(t, got)
			}
			c := "/" + tt.collection
			assert.Equal(t, []fakes.Request{
				{Method: "OPTIONS", Path: c + "/_apis", Query: url.Values{}, Auth: "Basic"},
				{Method: "GET", Path: c + "/_apis/ResourceAreas", Query: url.Values{}, Auth: "Basic", APIVersion: "5.1-preview.1"},
				call("GET", c+"/web/_apis/git/repositories/app/pullRequests", findQuery("0"), nil),
				call("GET", c+"/web/_apis/git/repositories/app/pullRequests", findQuery("0"), nil),
			}, f.Requests())
		})
	}
}

func TestAuthSchemes(t *testing.T) {
	tests := []struct {
		name   string
		bearer bool
		want   string
	}{
		{name: "personal access token", want: "Basic"},
		{name: "System.AccessToken", bearer: true, want: "Bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakes.AzureDevOpsOptions{})
			p, err := New(Options{OrgURL: f.OrgURL, Project: "web", Repo: "app", Token: token, Bearer: tt.bearer})
			require.NoError(t, err)

			_, err = p.Find(t.Context(), "ferry/a", "main", "")
			require.NoError(t, err, "the fake checks the token in either scheme")
			for _, r := range f.Requests() {
				assert.Equal(t, tt.want, r.Auth, r.Path)
			}
		})
	}
}

// TestHTTPClient checks that the caller's client carries the requests and
// is not changed.
func TestHTTPClient(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	var seen int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen++
		return http.DefaultTransport.RoundTrip(r)
	})}
	p, err := New(Options{OrgURL: f.OrgURL, Project: "web", Repo: "app", Token: token, HTTPClient: hc})
	require.NoError(t, err)

	_, err = p.Find(t.Context(), "ferry/a", "main", "")
	require.NoError(t, err)
	assert.Equal(t, 3, seen)
	_, isGuard := hc.Transport.(guard)
	assert.False(t, isGuard)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestConcurrentUse shares one provider, before its discovery is done,
// between goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	f := newFake(t, fakes.AzureDevOpsOptions{})
	f.AddPullRequest(fakes.AzureDevOpsPullRequest{SourceRef: "refs/heads/ferry/a", TargetRef: "refs/heads/main", Title: "t"})
	p := newProvider(t, f)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := p.Find(t.Context(), "ferry/a", "main", "")
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	assert.Len(t, api(f.Requests()), 8)
	var discovery int
	for _, r := range f.Requests() {
		if fakes.IsDiscovery(r) {
			discovery++
		}
	}
	assert.Equal(t, 2, discovery, "discovery once")
}
