package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v84/github"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Find returns the open pull request from head into base, or nil when there
// is none. It lists them all (GET /repos/{owner}/{repo}/pulls with
// state=open, head={owner}:{head}, base={base}, page by page); when several
// are open, the one whose body holds marker wins, the lowest number among
// them, and without any such one the lowest number.
func (p *Provider) Find(ctx context.Context, head, base, marker string) (*pullrequest.PullRequest, error) {
	opts := &gh.PullRequestListOptions{
		State:       "open",
		Head:        p.owner + ":" + head,
		Base:        base,
		ListOptions: gh.ListOptions{PerPage: 100},
	}
	var open []*pullrequest.PullRequest
	for {
		prs, resp, err := p.client.PullRequests.List(ctx, p.owner, p.repo, opts)
		if err != nil {
			return nil, p.fail(fmt.Sprintf("find pull request from %s into %s", head, base), "repository "+p.owner+"/"+p.repo, err)
		}
		for _, pr := range prs {
			open = append(open, toPR(pr))
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return pullrequest.Choose(open, marker), nil
}
