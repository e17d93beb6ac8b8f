package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	gh "github.com/google/go-github/v84/github"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Options configures New.
type Options struct {
	// BaseURL is the REST API's base URL. "" is github.com's
	// (https://api.github.com/). For GitHub Enterprise Server it is
	// "https://HOST/api/v3/"; "https://HOST" gets "/api/v3/" added. The
	// value of GITHUB_API_URL in GitHub Actions fits as it is, with or
	// without a trailing slash.
	BaseURL string
	// Token authenticates every request as "Authorization: Bearer". It
	// needs pull-requests: write (and contents: write to push the branch).
	// "" sends none, which GitHub allows for reading public repositories
	// only.
	Token string
	// Owner and Repo name the repository. Required.
	Owner, Repo string
	// HTTPClient sends the requests; nil is a new http.Client without a
	// timeout (the context bounds each call).
	HTTPClient *http.Client
}

// Provider opens, finds, updates and closes the pull requests of one GitHub
// repository. It implements pullrequest.Provider.
type Provider struct {
	client      *gh.Client
	owner, repo string
	token       string // only to keep it out of errors
}

var _ pullrequest.Provider = (*Provider)(nil)

// New returns a Provider for opts.Owner/opts.Repo. It makes no request.
func New(opts Options) (*Provider, error) {
	if opts.Owner == "" || opts.Repo == "" {
		return nil, errors.New("github: Owner and Repo are required")
	}
	c := gh.NewClient(opts.HTTPClient)
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("github: base URL %q: want https://HOST/api/v3/", pullrequest.Redact(opts.BaseURL))
		}
		if c, err = c.WithEnterpriseURLs(opts.BaseURL, opts.BaseURL); err != nil {
			return nil, fmt.Errorf("github: base URL %q: %w", opts.BaseURL, err)
		}
	}
	if opts.Token != "" {
		c = c.WithAuthToken(opts.Token)
	}
	return &Provider{client: c, owner: opts.Owner, repo: opts.Repo, token: opts.Token}, nil
}

// Name returns "GitHub".
func (p *Provider) Name() string { return "GitHub" }

// BaseURL returns the REST API's base URL the provider sends requests to.
func (p *Provider) BaseURL() string { return p.client.BaseURL.String() }

// toPR converts a pull request from the API.
func toPR(pr *gh.PullRequest) *pullrequest.PullRequest {
	return &pullrequest.PullRequest{
		Number: pr.GetNumber(),
		URL:    pr.GetHTMLURL(),
		Title:  pr.GetTitle(),
		Body:   pr.GetBody(),
		Head:   pr.GetHead().GetRef(),
		Base:   pr.GetBase().GetRef(),
		Draft:  pr.GetDraft(),
	}
}
