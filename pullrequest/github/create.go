package github

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v84/github"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Create opens a pull request (POST /repos/{owner}/{repo}/pulls), then adds
// its labels (POST .../issues/{n}/labels) and requests its reviewers (POST
// .../pulls/{n}/requested_reviewers): a reviewer "org/team" is the team
// with that slug. Work items are ignored.
//
// A repository whose plan has no draft pull requests gets a ready one. When
// the pull request was opened but its labels or reviewers could not be
// added, Create returns it together with the error.
func (p *Provider) Create(ctx context.Context, pr pullrequest.NewPullRequest) (*pullrequest.PullRequest, error) {
	op := fmt.Sprintf("create pull request from %s into %s", pr.Head, pr.Base)
	req := &gh.NewPullRequest{
		Title: gh.Ptr(pr.Title),
		Head:  gh.Ptr(pr.Head),
		Base:  gh.Ptr(pr.Base),
		Body:  gh.Ptr(pr.Body),
		Draft: gh.Ptr(pr.Draft),
	}
	created, _, err := p.client.PullRequests.Create(ctx, p.owner, p.repo, req)
	if err != nil && pr.Draft && draftUnsupported(err) {
		req.Draft = gh.Ptr(false)
		created, _, err = p.client.PullRequests.Create(ctx, p.owner, p.repo, req)
	}
	if err != nil {
		return nil, p.fail(op, "repository "+p.owner+"/"+p.repo, err)
	}
	out := toPR(created)
	what := fmt.Sprintf("pull request #%d", out.Number)
	if len(pr.Labels) > 0 {
		if _, _, err := p.client.Issues.AddLabelsToIssue(ctx, p.owner, p.repo, out.Number, pr.Labels); err != nil {
			return out, p.fail("label "+what, what, err)
		}
	}
	if rr := reviewers(pr.Reviewers); len(rr.Reviewers)+len(rr.TeamReviewers) > 0 {
		if _, _, err := p.client.PullRequests.RequestReviewers(ctx, p.owner, p.repo, out.Number, rr); err != nil {
			return out, p.fail("request reviewers of "+what, what, err)
		}
	}
	return out, nil
}

// reviewers splits logins from "org/team" names, of which it keeps the
// team's slug.
func reviewers(names []string) gh.ReviewersRequest {
	var rr gh.ReviewersRequest
	for _, n := range names {
		if _, team, ok := strings.Cut(n, "/"); ok {
			rr.TeamReviewers = append(rr.TeamReviewers, team)
		} else if n != "" {
			rr.Reviewers = append(rr.Reviewers, n)
		}
	}
	return rr
}
