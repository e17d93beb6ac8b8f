package azuredevops

import (
	"context"
	"fmt"

	"github.com/microsoft/azure-devops-go-api/azuredevops/v7/git"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Update replaces the title and description of the pull request
// (UpdatePullRequest; a body longer than DescriptionLimit is cut) and adds
// the labels it lacks (GetPullRequestLabels, then CreatePullRequestLabel
// for each missing one).
func (p *Provider) Update(ctx context.Context, pr *pullrequest.PullRequest, title, body string, labels []string) (*pullrequest.PullRequest, error) {
	what := fmt.Sprintf("pull request %d", pr.Number)
	c, err := p.git(ctx)
	if err != nil {
		return nil, p.fail("update "+what, "organisation or collection "+p.orgURL, err)
	}
	updated, err := c.UpdatePullRequest(ctx, git.UpdatePullRequestArgs{
		GitPullRequestToUpdate: &git.GitPullRequest{Title: ptr(title), Description: ptr(cut(body))},
		Project:                &p.project, RepositoryId: &p.repo, PullRequestId: ptr(pr.Number),
	})
	if err != nil {
		return nil, p.fail("update "+what, what, err)
	}
	out := p.toPR(updated)
	if len(labels) == 0 {
		return out, nil
	}
	have, err := c.GetPullRequestLabels(ctx, git.GetPullRequestLabelsArgs{
		Project: &p.project, RepositoryId: &p.repo, PullRequestId: ptr(pr.Number),
	})
	if err != nil {
		return out, p.fail("label "+what, what, err)
	}
	if err := p.addLabels(ctx, c, pr.Number, have, labels); err != nil {
		return out, err
	}
	return out, nil
}

// Comment adds a thread with one comment to the pull request
// (CreateThread). The thread is created closed, so that it does not hold up
// a policy that wants every comment resolved.
func (p *Provider) Comment(ctx context.Context, pr *pullrequest.PullRequest, body string) error {
	what := fmt.Sprintf("pull request %d", pr.Number)
	c, err := p.git(ctx)
	if err != nil {
		return p.fail("comment on "+what, "organisation or collection "+p.orgURL, err)
	}
	_, err = c.CreateThread(ctx, git.CreateThreadArgs{
		CommentThread: &git.GitPullRequestCommentThread{
			Comments: &[]git.Comment{{Content: ptr(body), CommentType: &git.CommentTypeValues.Text, ParentCommentId: ptr(0)}},
			Status:   &git.CommentThreadStatusValues.Closed,
		},
		Project: &p.project, RepositoryId: &p.repo, PullRequestId: ptr(pr.Number),
	})
	if err != nil {
		return p.fail("comment on "+what, what, err)
	}
	return nil
}

// Close comments on the pull request, unless comment is "", and abandons it
// (UpdatePullRequest with status abandoned).
func (p *Provider) Close(ctx context.Context, pr *pullrequest.PullRequest, comment string) error {
	what := fmt.Sprintf("pull request %d", pr.Number)
	if comment != "" {
		if err := p.Comment(ctx, pr, comment); err != nil {
			return err
		}
	}
	c, err := p.git(ctx)
	if err != nil {
		return p.fail("abandon "+what, "organisation or collection "+p.orgURL, err)
	}
	_, err = c.UpdatePullRequest(ctx, git.UpdatePullRequestArgs{
		GitPullRequestToUpdate: &git.GitPullRequest{Status: &git.PullRequestStatusValues.Abandoned},
		Project:                &p.project, RepositoryId: &p.repo, PullRequestId: ptr(pr.Number),
	})
	if err != nil {
		return p.fail("abandon "+what, what, err)
	}
	return nil
}
