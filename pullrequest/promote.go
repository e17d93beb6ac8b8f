package pullrequest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/report"
)

// Options say how Promote carries a promotion into a pull request.
type Options struct {
	// Planner plans the promotion. Its root must lie in the work tree of a
	// Git repository; the plan is made on the work tree, and committed on
	// HEAD, so the work tree below the root must not differ from HEAD, and
	// HEAD must be on the remote base.
	Planner *promote.Planner
	// Request is the promotion.
	Request promote.Request
	// Remote is the Git remote pushed to; default "origin".
	Remote string
	// Branch is ferry's branch for the promotion; default BranchName.
	Branch string
	// Base is the branch the pull request merges into; default the branch
	// HEAD is on (required when HEAD is detached, as in CI checkouts).
	Base string
	// Author and Committer sign the commit; the committer defaults to the
	// author, and the author to user.name and user.email of the
	// repository's Git configuration (local, then global and system), else
	// "ferry <ferry@localhost>". The commit's time is Now.
	Author, Committer Signature
	// Auth authenticates fetch and push over HTTPS; nil for none (a local
	// remote, or SSH with the agent's keys).
	Auth *BasicAuth
	// Provider opens the pull request; nil pushes the branch only.
	Provider Provider
	// Labels, Reviewers, WorkItems and Draft are given to a new pull
	// request; Labels are added to an existing one too.
	Labels, Reviewers, WorkItems []string
	Draft                        bool
	// CommentBlocked posts a blocked plan's findings on the promotion's
	// open pull request, if there is one.
	CommentBlocked bool
	// DryRun plans, commits in memory and reads the remote and the
	// provider, but pushes nothing and writes nothing to the provider.
	DryRun bool
	// Now is the commit time; default time.Now.
	Now func() time.Time
}

// Signature names the author or committer of a commit.
type Signature struct {
	Name, Email string
}

// BasicAuth is the user and password (a token) of an HTTPS remote:
// GitHub takes "x-access-token" and the token, Azure DevOps any user name
// and the token.
type BasicAuth struct {
	Username, Password string
}

// Action is what Promote did.
type Action string

// Actions.
const (
	// ActionOpened: the branch was pushed and a pull request opened.
	ActionOpened Action = "opened"
	// ActionUpdated: the branch was pushed and the open pull request's
	// title and body updated.
	ActionUpdated Action = "updated"
	// ActionUnchanged: the branch and pull request already carry exactly
	// this promotion.
	ActionUnchanged Action = "unchanged"
	// ActionClosed: the target already runs the source's versions, and the
	// promotion's open pull request was closed with a comment.
	ActionClosed Action = "closed"
	// ActionNothing: the target already runs the source's versions and no
	// pull request was open.
	ActionNothing Action = "nothing"
	// ActionBlocked: the plan is blocked; nothing was committed or pushed.
	ActionBlocked Action = "blocked"
)

// Result says what Promote did, or with DryRun would do.
type Result struct {
	Plan   *promote.Plan `json:"-"`
	Action Action        `json:"action"`
	DryRun bool          `json:"dryRun,omitempty"`
	// Branch and Base are the pull request's branches.
	Branch string `json:"branch"`
	Base   string `json:"base"`
	// Commit is the promotion's commit ("" when none was made).
	Commit string `json:"commit,omitempty"`
	// Pushed says the branch was pushed (false when the remote already had
	// the same content, and in a dry run).
	Pushed bool `json:"pushed"`
	// Files are the files the commit changes, relative to the planner's
	// root.
	Files []string `json:"files,omitempty"`
	// PullRequest is the promotion's pull request, when there is one.
	PullRequest *PullRequest `json:"pullRequest,omitempty"`
	// Commented says the findings of a blocked plan were posted.
	Commented bool `json:"commented,omitempty"`
}

// BranchName is ferry's branch for the promotion from one environment to
// another: "ferry/staging-to-production"; path separators become "-". A
// promotion narrowed by a selection (--only, --exclude, --object) has a
// branch of its own, suffixed with SelectionKey
// ("ferry/staging-to-production-3f9a1c2e"), so that it neither overwrites
// nor closes the whole promotion's pull request, nor the whole promotion
// its.
func BranchName(from, to string, sel promote.Selection) string {
	clean := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f || strings.ContainsRune("/~^:?*[\\@{}", r) {
				return '-'
			}
			return r
		}, s)
		for strings.Contains(s, "..") {
			s = strings.ReplaceAll(s, "..", ".")
		}
		s = strings.Trim(strings.TrimSuffix(s, ".lock"), "-.")
		if s == "" {
			s = "root"
		}
		return s
	}
	name := "ferry/" + clean(from) + "-to-" + clean(to)
	if key := SelectionKey(sel); key != "" {
		name += "-" + key
	}
	return name
}

// Marker is the hidden line a promotion's pull request body starts with,
// by which a later run finds the pull request again; a selection's key
// (SelectionKey) is part of it.
func Marker(from, to string, sel promote.Selection) string {
	if key := SelectionKey(sel); key != "" {
		return fmt.Sprintf("<!-- ferry:promotion from=%q to=%q selection=%s -->", from, to, key)
	}
	return fmt.Sprintf("<!-- ferry:promotion from=%q to=%q -->", from, to)
}

// SelectionKey is "" for an empty selection, else eight hex digits of a
// hash of its globs, in whatever order they were given.
func SelectionKey(sel promote.Selection) string {
	norm := func(globs []string) string {
		return strings.Join(slices.Compact(slices.Sorted(slices.Values(globs))), "\x00")
	}
	if len(sel.Only) == 0 && len(sel.Exclude) == 0 && len(sel.Objects) == 0 {
		return ""
	}
	sum := sha256.Sum256([]byte("only\x01" + norm(sel.Only) + "\x01exclude\x01" + norm(sel.Exclude) + "\x01objects\x01" + norm(sel.Objects)))
	return hex.EncodeToString(sum[:4])
}

// Promote plans the promotion and carries it into a pull request:
//
//   - ready: the plan's edits are committed on ferry's branch, whose parent
//     is HEAD; the branch is pushed (a new branch only if the remote has
//     none, an existing one only over a tip ferry made and fetched), and
//     the promotion's pull request is opened, or its title and body are
//     updated. A re-run that would commit the same files on the same
//     parent pushes nothing.
//   - noop: the promotion's open pull request is closed with a comment.
//   - blocked: nothing is committed or pushed; with CommentBlocked the
//     findings are posted on the open pull request. The Result's Action
//     is ActionBlocked and the error is nil: the plan says why.
//
// Before it plans, Promote refuses a work tree that differs from HEAD below
// the planner's root (untracked files included, ignored ones not), and a
// HEAD that is not the remote base's tip or an ancestor of it. A Selection
// gives the promotion a branch and marker of its own (SelectionKey).
//
// The work tree, the index and HEAD are never changed: the commit's
// objects are written to the repository, ferry's local branch ref is set
// before the push, and its remote-tracking ref by the fetch.
func Promote(ctx context.Context, opts Options) (*Result, error) {
	if opts.Planner == nil {
		return nil, errors.New("pullrequest: Options.Planner is nil")
	}
	if opts.Planner.Root() == "" {
		return nil, errors.New("pullrequest: the planner reads a file system (Options.FS), not a directory: Promote commits in the Git repository of a directory on disk")
	}
	if opts.Remote == "" {
		opts.Remote = "origin"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	repo, err := openRepository(opts.Planner.Root())
	if err != nil {
		return nil, err
	}
	head, headBranch, err := repo.head()
	if err != nil {
		return nil, err
	}
	// The plan is made on the work tree and committed on HEAD: they must
	// hold the same files, or the verdict would be another commit's.
	dirty, err := repo.dirty()
	if err != nil {
		return nil, err
	}
	if len(dirty) > 0 {
		list := dirty[:min(len(dirty), 5)]
		more := ""
		if len(dirty) > len(list) {
			more = fmt.Sprintf(" and %d more", len(dirty)-len(list))
		}
		return nil, fmt.Errorf("the work tree has changes HEAD does not hold: %s%s: ferry plans the work tree and commits the promotion on HEAD, so commit or stash them (git stash -u), then run again", strings.Join(list, ", "), more)
	}
	plan, err := opts.Planner.Plan(ctx, opts.Request)
	if err != nil {
		return nil, err
	}
	res := &Result{Plan: plan, DryRun: opts.DryRun, Base: opts.Base}
	if res.Base == "" {
		if headBranch == "" {
			return nil, errors.New("HEAD is detached (as in most CI checkouts): name the branch the pull request merges into with --base")
		}
		res.Base = headBranch
	}
	res.Branch = opts.Branch
	if res.Branch == "" {
		res.Branch = BranchName(plan.Source.Name, plan.Target.Name, plan.Selection)
	}
	if err := plumbing.NewBranchReferenceName(res.Branch).Validate(); err != nil {
		return nil, fmt.Errorf("branch %q: %w", res.Branch, err)
	}
	if res.Branch == res.Base || res.Branch == headBranch {
		return nil, fmt.Errorf("branch %q is the branch checked out or merged into: ferry commits the promotion on a branch of its own (--branch)", res.Branch)
	}
	marker := Marker(plan.Source.Name, plan.Target.Name, plan.Selection)

	auth := opts.Auth.method()
	remote, err := repo.remoteState(ctx, opts.Remote, res.Branch, res.Base, head, auth)
	if err != nil {
		return nil, err
	}

	var open *PullRequest
	if opts.Provider != nil {
		if open, err = opts.Provider.Find(ctx, res.Branch, res.Base, marker); err != nil {
			return nil, fmt.Errorf("%s: find the open pull request from %s: %w", opts.Provider.Name(), res.Branch, err)
		}
	}
	res.PullRequest = open

	switch plan.Verdict.Status {
	case promote.StatusBlocked:
		res.Action = ActionBlocked
		if opts.CommentBlocked && open != nil && !opts.DryRun {
			comment, err := body(plan, marker)
			if err != nil {
				return nil, err
			}
			if err := opts.Provider.Comment(ctx, open, comment); err != nil {
				return nil, fmt.Errorf("%s: comment on pull request %d: %w", opts.Provider.Name(), open.Number, err)
			}
			res.Commented = true
		}
		return res, nil
	case promote.StatusNoop:
		res.Action = ActionNothing
		if open != nil {
			res.Action = ActionClosed
			if !opts.DryRun {
				msg := fmt.Sprintf("%s already runs the versions %s runs: nothing is left to promote, so ferry closes this pull request.", plan.Target.Name, plan.Source.Name)
				if err := opts.Provider.Close(ctx, open, msg); err != nil {
					return nil, fmt.Errorf("%s: close pull request %d: %w", opts.Provider.Name(), open.Number, err)
				}
			}
		}
		return res, nil
	case promote.StatusReady:
	default:
		return nil, fmt.Errorf("the plan's verdict %q is unknown", plan.Verdict.Status)
	}

	fsys, err := repo.files(head)
	if err != nil {
		return nil, err
	}
	files, err := plan.Edited(ctx, fsys)
	if err != nil {
		var ae *promote.ApplyError
		if errors.As(err, &ae) && errors.Is(err, promote.ErrStale) {
			return nil, fmt.Errorf("%s differs from the commit HEAD points at: ferry commits on HEAD, so commit or stash the change and run again: %w", ae.File, err)
		}
		return nil, err
	}
	res.Files = slices.Sorted(maps.Keys(files))
	now := opts.Now()
	author := object.Signature{Name: opts.Author.Name, Email: opts.Author.Email, When: now}
	if author.Name == "" {
		author = repo.user()
		author.When = now
	}
	committer := object.Signature{Name: opts.Committer.Name, Email: opts.Committer.Email, When: now}
	if committer.Name == "" {
		committer = author
	}
	commit, err := repo.commit(head, files, commitMessage(plan), author, committer)
	if err != nil {
		return nil, fmt.Errorf("commit the promotion: %w", err)
	}
	res.Commit = commit.String()

	same := false
	if remote.Tip != nil {
		if !ferryMade(remote.Tip) {
			return nil, fmt.Errorf("branch %s on remote %s has a commit ferry did not make, or one changed since ferry made it (%s): ferry only overwrites its own commits as it made them; merge or delete that branch, or name another with --branch", res.Branch, opts.Remote, remote.Hash.String()[:12])
		}
		newTree, err := repo.repo.CommitObject(commit)
		if err != nil {
			return nil, err
		}
		same = remote.Tip.TreeHash == newTree.TreeHash && slices.Equal(remote.Tip.ParentHashes, newTree.ParentHashes)
		if same {
			res.Commit = remote.Hash.String()
		}
	}
	if !same && !opts.DryRun {
		if err := repo.push(ctx, opts.Remote, res.Branch, commit, remote.Hash, auth); err != nil {
			return nil, err
		}
		res.Pushed = true
	}

	if opts.Provider == nil {
		res.Action = ActionUpdated
		if same {
			res.Action = ActionUnchanged
		}
		return res, nil
	}
	text, err := body(plan, marker)
	if err != nil {
		return nil, err
	}
	title := Title(plan)
	switch {
	case open == nil:
		res.Action = ActionOpened
		if !opts.DryRun {
			pr, err := opts.Provider.Create(ctx, NewPullRequest{
				Head: res.Branch, Base: res.Base, Title: title, Body: text, Draft: opts.Draft,
				Labels: opts.Labels, Reviewers: opts.Reviewers, WorkItems: opts.WorkItems,
			})
			if err != nil && pr != nil {
				// Opened, but its labels or reviewers were refused.
				return nil, fmt.Errorf("%s: pull request %d (%s) is open, but: %w", opts.Provider.Name(), pr.Number, pr.URL, err)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: open the pull request from %s into %s: %w", opts.Provider.Name(), res.Branch, res.Base, err)
			}
			res.PullRequest = pr
		}
	case same && open.Title == title && open.Body == text:
		res.Action = ActionUnchanged
	default:
		res.Action = ActionUpdated
		if !opts.DryRun {
			pr, err := opts.Provider.Update(ctx, open, title, text, opts.Labels)
			if err != nil {
				return nil, fmt.Errorf("%s: update pull request %d: %w", opts.Provider.Name(), open.Number, err)
			}
			res.PullRequest = pr
		}
	}
	return res, nil
}

// body is the marker line, then the Markdown plan: together at most
// report.MarkdownLimit bytes, GitHub's limit for a body. (Azure DevOps cuts
// it to its own, keeping the marker.)
func body(p *promote.Plan, marker string) (string, error) {
	var b strings.Builder
	b.WriteString(marker + "\n")
	if err := report.WritePlanMarkdown(&b, p, report.MarkdownLimit-b.Len()); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Title is the pull request's title: "Promote staging to production:
// orders-api 1.5.0, checkout 2.1.0" (at most three artifacts named).
func Title(p *promote.Plan) string {
	var names []string
	n := 0
	for _, c := range p.Changes {
		if !c.Promotes() || c.To == nil {
			continue
		}
		n++
		if len(names) < 3 {
			names = append(names, shortName(c.Artifact)+" "+c.To.String())
		}
	}
	t := fmt.Sprintf("Promote %s to %s", p.Source.Name, p.Target.Name)
	if len(names) > 0 {
		t += ": " + strings.Join(names, ", ")
		if n > len(names) {
			t += fmt.Sprintf(" and %d more", n-len(names))
		}
	}
	return t
}

// commitMessage lists the changes and ends with ferry's trailer.
func commitMessage(p *promote.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Promote %s to %s\n\n", p.Source.Name, p.Target.Name)
	for _, c := range p.Changes {
		if !c.Promotes() || c.To == nil {
			continue
		}
		from := "(new)"
		if c.From != nil {
			from = c.From.String()
		}
		fmt.Fprintf(&b, "- %s %s: %s -> %s\n", c.Kind, c.Artifact, from, c.To.String())
	}
	fmt.Fprintf(&b, "\n%s %s -> %s\n", trailer, p.Source.Name, p.Target.Name)
	return b.String()
}

// shortName is an artifact's last path segment: ghcr.io/acme/orders-api
// is orders-api.
func shortName(artifact string) string {
	if i := strings.LastIndexAny(artifact, "/"); i >= 0 && i < len(artifact)-1 {
		return artifact[i+1:]
	}
	return artifact
}
