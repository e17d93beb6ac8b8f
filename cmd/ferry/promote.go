package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/pullrequest"
	"github.com/ferrygitops/ferry/report"
)

func newPromoteCommand() *cobra.Command {
	var (
		pf     planFlags
		prov   providerFlags
		opts   pullrequest.Options
		author string
		output string
		all    bool
	)
	cmd := &cobra.Command{
		Use:   "promote [--from ENV] --to ENV | --all",
		Short: "Plan a promotion and open or update its pull request",
		Long: `Plan the promotion as ferry plan does and carry it into a pull request:

  ready     the plan's edits are committed on ferry's branch
            (ferry/<from>-to-<to>, --branch) on top of HEAD, the branch is
            pushed, and the promotion's pull request is opened, or its title
            and body (the Markdown plan) updated. A re-run that would commit
            the same change pushes nothing and leaves the pull request alone.
  noop      the target already runs the source's versions: the promotion's
            open pull request is closed with a comment.
  blocked   nothing is committed or pushed; --comment-blocked posts the
            findings on the open pull request. Exit code 1.

The commit is made in memory with go-git: the work tree, the index and HEAD
are not changed, and no git binary is needed. Every file the plan read must
be as HEAD has it (commit or stash changes first). ferry's branch is pushed
with a lease: a new branch only if the remote has none, an existing one only
over the commit fetched, and only if that commit is ferry's own (it carries a
Ferry-Promotion trailer), so nobody's work is overwritten.

The hosting service is found from the remote's URL (github.com,
dev.azure.com, *.visualstudio.com), or named with --provider (GitHub
Enterprise, Azure DevOps Server):

  GitHub        token from $GITHUB_TOKEN; API from --github-api-url or
                $GITHUB_API_URL (as in GitHub Actions); repository from the
                remote URL or --github-repo OWNER/NAME.
  Azure DevOps  token from $SYSTEM_ACCESSTOKEN (as in Azure Pipelines) or
                $AZURE_DEVOPS_EXT_PAT (a personal access token); organisation
                URL, project and repository from the remote URL or the flags.

The token authenticates both the push (HTTPS remotes) and the API calls, and
is never printed; URLs are printed without credentials. --provider none
pushes the branch without opening a pull request.

--all promotes every promotion of ferry.yaml's from: graph, each planned on
the repository as it is, on its own branch and pull request; a promotion
that fails does not stop the others, and the run exits 2.

Exit codes: 0 opened, updated, unchanged, closed or nothing to do; 1 blocked
(any, with --all);
2 could not promote.`,
		Example: `  ferry promote --from staging --to production
  ferry promote --to production --base main --label promotion --reviewer platform-team
  ferry promote --from staging --to production --dry-run
  ferry promote --to production --provider azuredevops --comment-blocked`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(output, []string{"text", "json"}); err != nil {
				return err
			}
			switch {
			case all && (pf.req.To != "" || pf.req.From != "" || opts.Branch != ""):
				return fmt.Errorf("--all promotes every promotion of ferry.yaml, each on its own branch: leave out --from, --to and --branch")
			case !all && pf.req.To == "":
				return fmt.Errorf("--to: give the target environment, or --all")
			}
			if author != "" {
				a, err := mail.ParseAddress(author)
				if err != nil {
					return fmt.Errorf("--author %q: write \"Name <email>\": %w", author, err)
				}
				opts.Author = pullrequest.Signature{Name: a.Name, Email: a.Address}
			}
			planner, prog, err := pf.planner(cmd, 3)
			if err != nil {
				return err
			}
			opts.Planner = planner
			if opts.Provider, opts.Auth, err = prov.provider(cmd.Context(), planner.Root(), opts.Remote); err != nil {
				return err
			}
			requests := []promote.Request{pf.req}
			if all {
				// One pull request per promotion of ferry.yaml, each
				// planned on the repository as it is.
				edges := planner.Config().Edges()
				if len(edges) == 0 {
					return promote.ErrNoPromotions
				}
				requests = nil
				for _, e := range edges {
					r := pf.req
					r.From, r.To = e.From, e.To
					requests = append(requests, r)
				}
			}
			var results []*pullrequest.Result
			var blocked []string
			var failed []error
			for _, r := range requests {
				opts.Request = r
				res, err := pullrequest.Promote(cmd.Context(), opts)
				prog.done()
				if err != nil {
					if !all {
						return err
					}
					// The other promotions go on: one failing says nothing
					// about theirs, and what was pushed is reported.
					failed = append(failed, fmt.Errorf("promotion %s -> %s: %w", r.From, r.To, err))
					continue
				}
				results = append(results, res)
				if res.Action == pullrequest.ActionBlocked {
					blocked = append(blocked, res.Plan.Verdict.Reasons...)
				}
			}
			if err := writePromotions(cmd.OutOrStdout(), output, results, all); err != nil {
				return err
			}
			if len(failed) > 0 {
				return errors.Join(failed...)
			}
			if len(blocked) > 0 {
				return &findingsError{summary: "the promotion is blocked: " + strings.Join(blocked, "; ")}
			}
			return nil
		},
	}
	pf.register(cmd)
	prov.register(cmd)
	f := cmd.Flags()
	f.StringVar(&pf.req.From, "from", "", "source environment (name in ferry.yaml, or directory; default: the target's from: in ferry.yaml)")
	f.StringVar(&pf.req.To, "to", "", "target environment (name in ferry.yaml, or directory)")
	f.BoolVar(&all, "all", false, "every promotion of ferry.yaml: one branch and pull request each")
	f.StringVar(&opts.Remote, "remote", "origin", "Git remote to push ferry's branch to")
	f.StringVar(&opts.Branch, "branch", "", "ferry's branch (default ferry/<from>-to-<to>)")
	f.StringVar(&opts.Base, "base", "", "branch the pull request merges into (default: the branch checked out; required when HEAD is detached)")
	f.StringVar(&author, "author", "", `commit author, "Name <email>" (default: user.name and user.email of the Git config, else ferry)`)
	f.StringSliceVar(&opts.Labels, "label", nil, "labels of the pull request (tags on Azure DevOps)")
	f.StringSliceVar(&opts.Reviewers, "reviewer", nil, "reviewers of a new pull request (GitHub logins or org/team; Azure DevOps identity IDs)")
	f.StringSliceVar(&opts.WorkItems, "work-item", nil, "Azure DevOps work item IDs to link to a new pull request")
	f.BoolVar(&opts.Draft, "draft", false, "open the pull request as a draft")
	f.BoolVar(&opts.CommentBlocked, "comment-blocked", false, "post a blocked plan's findings on the promotion's open pull request")
	f.BoolVar(&opts.DryRun, "dry-run", false, "plan, commit in memory and read the remote and the pull requests, but push and write nothing")
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// writePromotions writes what promote did, one promotion after the
// other; in JSON, one object, or with --all a list of them.
func writePromotions(w io.Writer, format string, results []*pullrequest.Result, all bool) error {
	if format == "json" && all {
		type promotion struct {
			*pullrequest.Result
			Plan *promote.Plan `json:"plan"`
		}
		list := make([]promotion, len(results))
		for i, r := range results {
			list[i] = promotion{r, r.Plan}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Promotions []promotion `json:"promotions"`
		}{list})
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := writePromotion(w, format, r); err != nil {
			return err
		}
	}
	return nil
}

// writePromotion writes what promote did: the plan and the outcome as
// text, or both as JSON.
func writePromotion(w io.Writer, format string, res *pullrequest.Result) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			*pullrequest.Result
			Plan *promote.Plan `json:"plan"`
		}{res, res.Plan})
	}
	if err := report.WritePlan(w, "text", res.Plan); err != nil {
		return err
	}
	would := ""
	if res.DryRun {
		would = "would be "
	}
	fmt.Fprintln(w)
	if res.Commit != "" {
		state := "already on the remote"
		switch {
		case res.DryRun && res.Action != pullrequest.ActionUnchanged:
			state = "would be pushed"
		case res.Pushed:
			state = "pushed"
		}
		fmt.Fprintf(w, "branch %s: commit %s %s (%d %s)\n", res.Branch, res.Commit[:12], state, len(res.Files), plural(len(res.Files), "file", "files"))
	}
	pr := "the pull request"
	if res.PullRequest != nil {
		pr = fmt.Sprintf("pull request #%d", res.PullRequest.Number)
		if res.PullRequest.URL != "" {
			pr += " " + res.PullRequest.URL
		}
	}
	switch res.Action {
	case pullrequest.ActionOpened:
		fmt.Fprintf(w, "%s %sopened: %s into %s\n", pr, would, res.Branch, res.Base)
	case pullrequest.ActionUpdated:
		if res.PullRequest != nil {
			fmt.Fprintf(w, "%s %supdated\n", pr, would)
		}
	case pullrequest.ActionUnchanged:
		if res.PullRequest == nil {
			pr = "branch " + res.Branch
		}
		fmt.Fprintf(w, "%s already carries this promotion: nothing to do\n", pr)
	case pullrequest.ActionClosed:
		fmt.Fprintf(w, "%s %sclosed: nothing left to promote\n", pr, would)
	case pullrequest.ActionNothing:
		fmt.Fprintln(w, "nothing to promote, and no pull request open")
	case pullrequest.ActionBlocked:
		fmt.Fprintln(w, "blocked: nothing committed or pushed")
		if res.Commented {
			fmt.Fprintf(w, "the findings were posted on %s\n", pr)
		}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
