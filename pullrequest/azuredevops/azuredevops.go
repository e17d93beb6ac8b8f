package azuredevops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	ado "github.com/microsoft/azure-devops-go-api/azuredevops/v7"
	"github.com/microsoft/azure-devops-go-api/azuredevops/v7/git"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Options configures New.
type Options struct {
	// OrgURL is the organisation, "https://dev.azure.com/org" (or
	// "https://org.visualstudio.com"), or the collection of an Azure DevOps
	// Server, "https://tfs.example.com/tfs/Collection". Required.
	OrgURL string
	// Project and Repo name the repository (names or IDs). Required.
	Project, Repo string
	// Token authenticates every request: a personal access token, sent as
	// Basic with an empty user name as the SDK's NewPatConnection does, or,
	// with Bearer, an OAuth token such as a pipeline's System.AccessToken.
	// "" sends none.
	Token string
	// Bearer sends Token as "Authorization: Bearer" instead of Basic.
	Bearer bool
	// HTTPClient sends the requests; nil is a new http.Client without a
	// timeout (the context bounds each call). Its Transport is wrapped, not
	// changed.
	HTTPClient *http.Client
}

// Provider opens, finds, updates and abandons the pull requests of one
// Azure DevOps repository. It implements pullrequest.Provider.
type Provider struct {
	orgURL, project, repo string
	conn                  *ado.Connection
	http                  *http.Client
	token                 string // only to keep it out of errors
	bearer                bool

	mu     sync.Mutex
	client git.Client // set by the first call
}

var _ pullrequest.Provider = (*Provider)(nil)

// New returns a Provider for opts.Repo in opts.Project. It makes no
// request.
func New(opts Options) (*Provider, error) {
	if opts.OrgURL == "" || opts.Project == "" || opts.Repo == "" {
		return nil, errors.New("azuredevops: OrgURL, Project and Repo are required")
	}
	u, err := url.Parse(opts.OrgURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return nil, fmt.Errorf("azuredevops: organisation URL %q: want https://dev.azure.com/ORG or https://HOST/COLLECTION", pullrequest.Redact(opts.OrgURL))
	}
	orgURL := strings.TrimRight(opts.OrgURL, "/")
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		c := *opts.HTTPClient
		hc = &c
	}
	hc.Transport = guard{base: hc.Transport}
	conn := &ado.Connection{BaseUrl: orgURL, SuppressFedAuthRedirect: true}
	switch {
	case opts.Token == "":
	case opts.Bearer:
		conn.AuthorizationString = "Bearer " + opts.Token
	default:
		conn.AuthorizationString = ado.CreateBasicAuthHeaderValue("", opts.Token)
	}
	return &Provider{
		orgURL: orgURL, project: opts.Project, repo: opts.Repo,
		conn: conn, http: hc, token: opts.Token, bearer: opts.Bearer,
	}, nil
}

// Name returns "Azure DevOps".
func (p *Provider) Name() string { return "Azure DevOps" }

// git returns the Git API client, asking the server on the first call which
// host serves the Git area (Azure DevOps Server has no resource areas: its
// collection URL serves all).
func (p *Provider) git(ctx context.Context) (git.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client != nil {
		return p.client, nil
	}
	base := ado.NewClientWithOptions(p.conn, p.orgURL, ado.WithHTTPClient(p.http))
	areas, err := base.GetResourceAreas(ctx)
	var unregistered *ado.LocationIdNotRegisteredError
	if err != nil && !errors.As(err, &unregistered) {
		return nil, err
	}
	loc := p.orgURL
	if areas != nil {
		for _, a := range *areas {
			if a.Id != nil && *a.Id == git.ResourceAreaId && a.LocationUrl != nil && *a.LocationUrl != "" {
				loc = strings.TrimRight(*a.LocationUrl, "/")
			}
		}
	}
	p.client = &git.ClientImpl{Client: *ado.NewClientWithOptions(p.conn, loc, ado.WithHTTPClient(p.http))}
	return p.client, nil
}

// ref is a branch's full ref name.
func ref(branch string) string {
	if strings.HasPrefix(branch, "refs/") {
		return branch
	}
	return "refs/heads/" + branch
}

// webURL is the pull request's page.
func (p *Provider) webURL(id int) string {
	return p.orgURL + "/" + url.PathEscape(p.project) + "/_git/" + url.PathEscape(p.repo) + "/pullrequest/" + strconv.Itoa(id)
}

// toPR converts a pull request from the API.
func (p *Provider) toPR(pr *git.GitPullRequest) *pullrequest.PullRequest {
	out := &pullrequest.PullRequest{}
	if pr.PullRequestId != nil {
		out.Number = *pr.PullRequestId
		out.URL = p.webURL(out.Number)
	}
	if pr.Title != nil {
		out.Title = *pr.Title
	}
	if pr.Description != nil {
		out.Body = *pr.Description
	}
	if pr.SourceRefName != nil {
		out.Head = strings.TrimPrefix(*pr.SourceRefName, "refs/heads/")
	}
	if pr.TargetRefName != nil {
		out.Base = strings.TrimPrefix(*pr.TargetRefName, "refs/heads/")
	}
	if pr.IsDraft != nil {
		out.Draft = *pr.IsDraft
	}
	return out
}
