package github

import (
	"context"
	"fmt"
	"slices"

	gh "github.com/google/go-github/v84/github"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Update replaces the title and body of the pull request (PATCH
// /repos/{owner}/{repo}/pulls/{n}) and adds the labels it lacks (POST
// .../issues/{n}/labels, only when some are missing).
func (p *Provider) Update(ctx context.Context, pr *pullrequest.PullRequest, title, body string, labels []string) (*pullrequest.PullRequest, error) {
	what := fmt.Sprintf("pull request #%d", pr.Number)
	edited, _, err := p.client.PullRequests.Edit(ctx, p.owner, p.repo, pr.Number, &gh.PullRequest{Title: gh.Ptr(title), Body: gh.Ptr(body)})
	if err != nil {
		return nil, p.fail("update "+what, what, err)
	}
	var missing []string
	for _, l := range labels {
		if !slices.ContainsFunc(edited.Labels, func(have *gh.Label) bool { return have.GetName() == l }) && !slices.Contains(missing, l) {
			missing = append(missing, l)
		}
	}
	out := toPR(edited)
	if len(missing) > 0 {
		if _, _, err := p.client.Issues.AddLabelsToIssue(ctx, p.owner, p.repo, pr.Number, missing); err != nil {
			return out, p.fail("label "+what, what, err)
		}
	}
	return out, nil
}

// Comment adds an issue comment to the pull request (POST
// /repos/{owner}/{repo}/issues/{n}/comments).
func (p *Provider) Comment(ctx context.Context, pr *pullrequest.PullRequest, body string) error {
	what := fmt.Sprintf("pull request #%d", pr.Number)
	if _, _, err := p.client.Issues.CreateComment(ctx, p.owner, p.repo, pr.Number, &gh.IssueComment{Body: gh.Ptr(body)}); err != nil {
		return p.fail("comment on "+what, what, err)
	}
	return nil
}

// Close comments on the pull request, unless comment is "", and closes it
// (PATCH /repos/{owner}/{repo}/pulls/{n} with state=closed).
func (p *Provider) Close(ctx context.Context, pr *pullrequest.PullRequest, comment string) error {
	what := fmt.Sprintf("pull request #%d", pr.Number)
	if comment != "" {
		if err := p.Comment(ctx, pr, comment); err != nil {
			return err
		}
	}
	if _, _, err := p.client.PullRequests.Edit(ctx, p.owner, p.repo, pr.Number, &gh.PullRequest{State: gh.Ptr("closed")}); err != nil {
		return p.fail("close "+what, what, err)
	}
	return nil
}
