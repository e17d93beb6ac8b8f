package azuredevops

import (
	"context"
	"fmt"

	"github.com/microsoft/azure-devops-go-api/azuredevops/v7/core"
	"github.com/microsoft/azure-devops-go-api/azuredevops/v7/git"
	"github.com/microsoft/azure-devops-go-api/azuredevops/v7/webapi"

	"github.com/ferrygitops/ferry/pullrequest"
)

// Create opens a pull request (CreatePullRequest) with isDraft, its
// reviewers (identity IDs), work items (IDs) and labels (tag names); a
// label the answer lacks is then added with CreatePullRequestLabel. A body
// longer than DescriptionLimit is cut.
//
// When the pull request was opened but a label could not be added, Create
// returns it together with the error.
func (p *Provider) Create(ctx context.Context, pr pullrequest.NewPullRequest) (*pullrequest.PullRequest, error) {
	op := fmt.Sprintf("create pull request from %s into %s", pr.Head, pr.Base)
	c, err := p.git(ctx)
	if err != nil {
		return nil, p.fail(op, "organisation or collection "+p.orgURL, err)
	}
	req := &git.GitPullRequest{
		SourceRefName: ptr(ref(pr.Head)),
		TargetRefName: ptr(ref(pr.Base)),
		Title:         ptr(pr.Title),
		Description:   ptr(cut(pr.Body)),
		IsDraft:       ptr(pr.Draft),
	}
	if len(pr.Reviewers) > 0 {
		rs := make([]git.IdentityRefWithVote, len(pr.Reviewers))
		for i, id := range pr.Reviewers {
			rs[i] = git.IdentityRefWithVote{Id: ptr(id)}
		}
		req.Reviewers = &rs
	}
	if len(pr.WorkItems) > 0 {
		ws := make([]webapi.ResourceRef, len(pr.WorkItems))
		for i, id := range pr.WorkItems {
			ws[i] = webapi.ResourceRef{Id: ptr(id)}
		}
		req.WorkItemRefs = &ws
	}
	if len(pr.Labels) > 0 {
		ls := make([]core.WebApiTagDefinition, len(pr.Labels))
		for i, name := range pr.Labels {
			ls[i] = core.WebApiTagDefinition{Name: ptr(name)}
		}
		req.Labels = &ls
	}
	created, err := c.CreatePullRequest(ctx, git.CreatePullRequestArgs{
		GitPullRequestToCreate: req, Project: &p.project, RepositoryId: &p.repo,
	})
	if err != nil {
		return nil, p.fail(op, p.repoName(), err)
	}
	out := p.toPR(created)
	if err := p.addLabels(ctx, c, out.Number, created.Labels, pr.Labels); err != nil {
		return out, err
	}
	return out, nil
}

// addLabels adds to pull request id the labels of want not in have.
func (p *Provider) addLabels(ctx context.Context, c git.Client, id int, have *[]core.WebApiTagDefinition, want []string) error {
	present := map[string]bool{}
	if have != nil {
		for _, l := range *have {
			if l.Name != nil && (l.Active == nil || *l.Active) {
				present[*l.Name] = true
			}
		}
	}
	what := fmt.Sprintf("pull request %d", id)
	for _, name := range want {
		if present[name] {
			continue
		}
		present[name] = true
		_, err := c.CreatePullRequestLabel(ctx, git.CreatePullRequestLabelArgs{
			Label:   &core.WebApiCreateTagRequestData{Name: ptr(name)},
			Project: &p.project, RepositoryId: &p.repo, PullRequestId: ptr(id),
		})
		if err != nil {
			return p.fail("label "+what, what, err)
		}
	}
	return nil
}
