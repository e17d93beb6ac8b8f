package pullrequest

import (
	"context"
	"errors"
)

// Provider opens, finds, updates and closes the pull requests of one
// repository on a hosting service. The implementations are in the github
// and azuredevops packages; a controller may bring its own.
//
// Branch names are short ("ferry/staging-to-production", "main"), never
// refs/heads/...: each provider spells them as its API wants.
type Provider interface {
	// Name is the provider's name in messages: "GitHub", "Azure DevOps".
	Name() string
	// Find returns the open pull request from head into base, or nil when
	// there is none. When several are open, the one whose body holds marker
	// wins (the lowest number among them); marker may be empty.
	Find(ctx context.Context, head, base, marker string) (*PullRequest, error)
	// Create opens a pull request, with its labels, reviewers and work
	// items.
	Create(ctx context.Context, pr NewPullRequest) (*PullRequest, error)
	// Update replaces the title and body of an open pull request and adds
	// labels it lacks.
	Update(ctx context.Context, pr *PullRequest, title, body string, labels []string) (*PullRequest, error)
	// Comment adds a comment to a pull request.
	Comment(ctx context.Context, pr *PullRequest, body string) error
	// Close comments on and closes (GitHub) or abandons (Azure DevOps) a
	// pull request.
	Close(ctx context.Context, pr *PullRequest, comment string) error
}

// PullRequest is an open pull request.
type PullRequest struct {
	// Number is the pull request's number (GitHub) or ID (Azure DevOps).
	Number int `json:"number"`
	// URL is the pull request's web page.
	URL   string `json:"url"`
	Title string `json:"title"`
	Body  string `json:"-"`
	// Head and Base are the branches merged from and into.
	Head  string `json:"head"`
	Base  string `json:"base"`
	Draft bool   `json:"draft,omitempty"`
}

// NewPullRequest is what Create opens.
type NewPullRequest struct {
	Head, Base  string
	Title, Body string
	Draft       bool
	// Labels are added on GitHub and become tags on Azure DevOps.
	Labels []string
	// Reviewers are user logins (GitHub: "octocat", "org/team" for a team)
	// or Azure DevOps identity IDs.
	Reviewers []string
	// WorkItems are Azure DevOps work item IDs to link; GitHub ignores them.
	WorkItems []string
}

// ErrAuth is wrapped by the errors a provider returns when the service
// refused the token (HTTP 401 or 403), so that callers can tell a missing
// permission from a failure.
var ErrAuth = errors.New("the token was refused")
