package azuredevops

import (
	"context"
	"fmt"

	"github.com/microsoft/azure-devops-go-api/azuredevops/v7/git"

	"github.com/ferrygitops/ferry/pullrequest"
)

// pageSize is how many pull requests Find asks for at once.
const pageSize = 100

// Find returns the active pull request from head into base, or nil when
// there is none. It lists them all (GetPullRequests with
// searchCriteria.sourceRefName, targetRefName and status=active, $top and
// $skip); when several are active, the one whose description holds marker
// wins, the lowest ID among them, and without any such one the lowest ID.
func (p *Provider) Find(ctx context.Context, head, base, marker string) (*pullrequest.PullRequest, error) {
	op := fmt.Sprintf("find pull request from %s into %s", head, base)
	c, err := p.git(ctx)
	if err != nil {
		return nil, p.fail(op, "organisation or collection "+p.orgURL, err)
	}
	criteria := &git.GitPullRequestSearchCriteria{
		SourceRefName: ptr(ref(head)),
		TargetRefName: ptr(ref(base)),
		Status:        &git.PullRequestStatusValues.Active,
	}
	var open []*pullrequest.PullRequest
	for skip := 0; ; {
		prs, err := c.GetPullRequests(ctx, git.GetPullRequestsArgs{
			Project: &p.project, RepositoryId: &p.repo, SearchCriteria: criteria,
			Top: ptr(pageSize), Skip: ptr(skip),
		})
		if err != nil {
			return nil, p.fail(op, p.repoName(), err)
		}
		for i := range *prs {
			open = append(open, p.toPR(&(*prs)[i]))
		}
		if len(*prs) < pageSize {
			break
		}
		skip += len(*prs)
	}
	return pullrequest.Choose(open, marker), nil
}

// repoName names the repository in errors.
func (p *Provider) repoName() string {
	return fmt.Sprintf("repository %s in project %s", p.repo, p.project)
}

func ptr[T any](v T) *T { return &v }
