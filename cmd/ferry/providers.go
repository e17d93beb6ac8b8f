package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/pullrequest"
	"github.com/ferrygitops/ferry/pullrequest/azuredevops"
	"github.com/ferrygitops/ferry/pullrequest/github"
)

// providerFlags say which hosting service opens the pull request.
type providerFlags struct {
	kind         string
	githubAPI    string
	githubRepo   string
	azureOrg     string
	azureProject string
	azureRepo    string
	// httpClient is used by the tests; nil is http.DefaultClient.
	httpClient *http.Client
}

func (p *providerFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.kind, "provider", "auto", "hosting service: auto (from the remote URL), github, azuredevops, or none (push the branch only)")
	f.StringVar(&p.githubAPI, "github-api-url", "", "GitHub API URL (default $GITHUB_API_URL, else the remote's host: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise)")
	f.StringVar(&p.githubRepo, "github-repo", "", "GitHub repository OWNER/NAME (default: from the remote URL)")
	f.StringVar(&p.azureOrg, "azure-org-url", "", "Azure DevOps organisation or collection URL (default: from the remote URL)")
	f.StringVar(&p.azureProject, "azure-project", "", "Azure DevOps project (default: from the remote URL)")
	f.StringVar(&p.azureRepo, "azure-repo", "", "Azure DevOps repository (default: from the remote URL)")
}

// provider returns the provider the flags and the remote's URL name, and
// the auth for pushing to that remote over HTTPS.
func (p *providerFlags) provider(_ context.Context, root, remote string) (pullrequest.Provider, *pullrequest.BasicAuth, error) {
	if remote == "" {
		remote = "origin"
	}
	raw, err := pullrequest.RemoteURL(root, remote)
	if err != nil {
		return nil, nil, err
	}
	kind := pullrequest.Kind(p.kind)
	var rem pullrequest.Remote
	switch kind {
	case "auto":
		if rem, err = pullrequest.ParseRemote(raw); err != nil {
			return nil, nil, fmt.Errorf("remote %s (%s) is on neither github.com nor Azure DevOps (%v): name the service with --provider github|azuredevops (or none to push the branch only)", remote, pullrequest.Redact(raw), err)
		}
		kind = rem.Kind
		if kind == pullrequest.KindUnknown {
			return nil, nil, fmt.Errorf("remote %s (%s) is on neither github.com nor Azure DevOps: name the service with --provider github|azuredevops (or none to push the branch only)", remote, pullrequest.Redact(raw))
		}
	case pullrequest.KindGitHub, pullrequest.KindAzureDevOps:
		if rem, err = pullrequest.ParseRemoteAs(kind, raw); err != nil {
			// The flags may still name what the URL does not say.
			rem = pullrequest.Remote{Kind: kind}
		}
	case "none":
		return nil, nil, nil
	default:
		return nil, nil, fmt.Errorf("--provider %q: use auto, github, azuredevops or none", p.kind)
	}
	// The token goes with a push only over TLS: never in clear text over
	// http://, and SSH remotes use the agent's keys.
	https := strings.HasPrefix(raw, "https://")
	switch kind {
	case pullrequest.KindGitHub:
		owner, name := rem.Owner, rem.Repo
		if p.githubRepo != "" {
			var ok bool
			if owner, name, ok = strings.Cut(p.githubRepo, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
				return nil, nil, fmt.Errorf("--github-repo %q: write OWNER/NAME", p.githubRepo)
			}
		}
		if owner == "" || name == "" {
			return nil, nil, fmt.Errorf("remote %s (%s): cannot tell the GitHub repository; name it with --github-repo OWNER/NAME", remote, pullrequest.Redact(raw))
		}
		token := os.Getenv("GITHUB_TOKEN")
		if token == "" {
			return nil, nil, fmt.Errorf("no GitHub token: set GITHUB_TOKEN (in GitHub Actions, env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}, with permissions contents: write and pull-requests: write)")
		}
		api := p.githubAPI
		if api == "" {
			api = os.Getenv("GITHUB_API_URL")
		}
		if api == "" {
			// The token goes to the remote's own API: a GitHub Enterprise
			// Server's, not github.com's.
			api = rem.APIURL()
		}
		prov, err := github.New(github.Options{BaseURL: api, Token: token, Owner: owner, Repo: name, HTTPClient: p.httpClient})
		if err != nil {
			return nil, nil, err
		}
		var auth *pullrequest.BasicAuth
		if https {
			auth = &pullrequest.BasicAuth{Username: "x-access-token", Password: token}
		}
		return prov, auth, nil
	default: // azuredevops
		org, project, name := rem.OrgURL, rem.Project, rem.Repo
		if p.azureOrg != "" {
			org = p.azureOrg
		}
		if p.azureProject != "" {
			project = p.azureProject
		}
		if p.azureRepo != "" {
			name = p.azureRepo
		}
		if org == "" || project == "" || name == "" {
			return nil, nil, fmt.Errorf("remote %s (%s): cannot tell the Azure DevOps organisation, project and repository; name them with --azure-org-url, --azure-project and --azure-repo", remote, pullrequest.Redact(raw))
		}
		token, bearer := os.Getenv("SYSTEM_ACCESSTOKEN"), true
		if token == "" {
			token, bearer = os.Getenv("AZURE_DEVOPS_EXT_PAT"), false
		}
		if token == "" {
			return nil, nil, fmt.Errorf("no Azure DevOps token: set SYSTEM_ACCESSTOKEN (in Azure Pipelines, env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) or AZURE_DEVOPS_EXT_PAT (a personal access token with Code read & write)")
		}
		prov, err := azuredevops.New(azuredevops.Options{OrgURL: org, Project: project, Repo: name, Token: token, Bearer: bearer, HTTPClient: p.httpClient})
		if err != nil {
			return nil, nil, err
		}
		var auth *pullrequest.BasicAuth
		if https {
			auth = &pullrequest.BasicAuth{Username: "ferry", Password: token}
		}
		return prov, auth, nil
	}
}
