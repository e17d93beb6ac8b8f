package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// GitHubOptions configures NewGitHub. The zero value serves acme/app to
// any token.
type GitHubOptions struct {
	// Owner and Repo name the one repository served; default "acme", "app".
	Owner, Repo string
	// Token is the token a request must carry as "Bearer" or "token";
	// "" accepts any request, with or without one.
	Token string
	// MaxPerPage caps the page size of the pull request list below
	// GitHub's own cap of 100, to test pagination; 0 keeps 100.
	MaxPerPage int
	// NoDrafts refuses draft pull requests with 422, as GitHub does for a
	// private repository on a plan without them.
	NoDrafts bool
}

// GitHubPullRequest is a pull request held by the GitHub fake.
type GitHubPullRequest struct {
	Number      int
	Title, Body string
	// Head and Base are branch names; HeadOwner is the owner of the head
	// repository (default: the repository's owner).
	Head, Base, HeadOwner string
	// State is "open" (default) or "closed".
	State string
	Draft bool
	// Labels, Reviewers (logins) and TeamReviewers (slugs) in the order
	// they were added.
	Labels, Reviewers, TeamReviewers []string
	// Comments are the bodies of the issue comments, in order.
	Comments []string
}

// GitHub is a fake of the GitHub REST API's pull request, label, review
// request and issue comment endpoints. It serves the API both at the root
// (as api.github.com does) and under /api/v3/ (as a GitHub Enterprise
// Server does).
type GitHub struct {
	recorder
	// URL is the server's root URL, "http://127.0.0.1:PORT".
	URL string

	opts GitHubOptions
	prs  []*GitHubPullRequest // guarded by recorder.mu
}

// NewGitHub starts a GitHub fake, closed when the test ends.
func NewGitHub(t testing.TB, opts GitHubOptions) *GitHub {
	t.Helper()
	if opts.Owner == "" {
		opts.Owner = "acme"
	}
	if opts.Repo == "" {
		opts.Repo = "app"
	}
	if opts.MaxPerPage <= 0 || opts.MaxPerPage > 100 {
		opts.MaxPerPage = 100
	}
	g := &GitHub{opts: opts}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// EnterpriseURL is the API base URL of the fake as a GitHub Enterprise
// Server: URL + "/api/v3/".
func (g *GitHub) EnterpriseURL() string { return g.URL + "/api/v3/" }

// AddPullRequest stores pr as if it had been opened, numbering it when
// pr.Number is 0, and returns its number.
func (g *GitHub) AddPullRequest(pr GitHubPullRequest) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.add(pr).Number
}

func (g *GitHub) add(pr GitHubPullRequest) *GitHubPullRequest {
	if pr.Number == 0 {
		pr.Number = 1
		for _, p := range g.prs {
			pr.Number = max(pr.Number, p.Number+1)
		}
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.HeadOwner == "" {
		pr.HeadOwner = g.opts.Owner
	}
	g.prs = append(g.prs, &pr)
	return &pr
}

// PullRequest returns a copy of the pull request numbered n.
func (g *GitHub) PullRequest(n int) (GitHubPullRequest, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if pr := g.find(n); pr != nil {
		return clonePR(*pr), true
	}
	return GitHubPullRequest{}, false
}

// PullRequests returns copies of all pull requests, by number.
func (g *GitHub) PullRequests() []GitHubPullRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]GitHubPullRequest, 0, len(g.prs))
	for _, pr := range g.prs {
		out = append(out, clonePR(*pr))
	}
	slices.SortFunc(out, func(a, b GitHubPullRequest) int { return a.Number - b.Number })
	return out
}

func clonePR(pr GitHubPullRequest) GitHubPullRequest {
	pr.Labels = slices.Clone(pr.Labels)
	pr.Reviewers = slices.Clone(pr.Reviewers)
	pr.TeamReviewers = slices.Clone(pr.TeamReviewers)
	pr.Comments = slices.Clone(pr.Comments)
	return pr
}

func (g *GitHub) find(n int) *GitHubPullRequest {
	for _, pr := range g.prs {
		if pr.Number == n {
			return pr
		}
	}
	return nil
}

func ghError(status int, message string) string {
	b, _ := json.Marshal(map[string]string{
		"message":           message,
		"documentation_url": "https://docs.github.com/rest",
		"status":            strconv.Itoa(status),
	})
	return string(b)
}

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request) {
	body := g.record(r)
	if f, ok := g.fault(r); ok {
		writeFault(w, f, ghError(f.Status, http.StatusText(f.Status)))
		return
	}
	if g.opts.Token != "" {
		scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if (scheme != "Bearer" && scheme != "token") || cred != g.opts.Token {
			writeJSON(w, http.StatusUnauthorized, json.RawMessage(ghError(401, "Bad credentials")))
			return
		}
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 4 || segs[0] != "repos" {
		writeJSON(w, http.StatusNotFound, json.RawMessage(ghError(404, "Not Found")))
		return
	}
	if !strings.EqualFold(segs[1], g.opts.Owner) || !strings.EqualFold(segs[2], g.opts.Repo) {
		writeJSON(w, http.StatusNotFound, json.RawMessage(ghError(404, "Not Found")))
		return
	}
	var raw any
	if len(body) > 0 && json.Unmarshal(body, &raw) != nil {
		writeJSON(w, http.StatusBadRequest, json.RawMessage(ghError(400, "Problems parsing JSON")))
		return
	}
	in, _ := raw.(map[string]any)
	g.mu.Lock()
	defer g.mu.Unlock()
	rest := segs[3:]
	route := r.Method + " " + rest[0]
	if len(rest) > 1 {
		route += "/{n}"
	}
	if len(rest) > 2 {
		route += "/" + strings.Join(rest[2:], "/")
	}
	var n int
	if len(rest) > 1 {
		var err error
		if n, err = strconv.Atoi(rest[1]); err != nil {
			writeJSON(w, http.StatusNotFound, json.RawMessage(ghError(404, "Not Found")))
			return
		}
	}
	switch route {
	case "GET pulls":
		g.list(w, r)
	case "POST pulls":
		g.create(w, in)
	case "GET pulls/{n}", "PATCH pulls/{n}", "POST pulls/{n}/requested_reviewers",
		"POST issues/{n}/labels", "POST issues/{n}/comments":
		pr := g.find(n)
		if pr == nil {
			writeJSON(w, http.StatusNotFound, json.RawMessage(ghError(404, "Not Found")))
			return
		}
		g.edit(w, route, pr, raw)
	default:
		writeJSON(w, http.StatusNotFound, json.RawMessage(ghError(404, "Not Found")))
	}
}

// list serves GET /repos/{o}/{r}/pulls, newest first as GitHub's default
// sort (created, descending) has it, with page/per_page and a Link header.
func (g *GitHub) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var match []*GitHubPullRequest
	for _, pr := range g.prs {
		if state != "all" && pr.State != state {
			continue
		}
		if h := q.Get("head"); h != "" {
			owner, branch, ok := strings.Cut(h, ":")
			if !ok || !strings.EqualFold(owner, pr.HeadOwner) || branch != pr.Head {
				continue
			}
		}
		if b := q.Get("base"); b != "" && b != pr.Base {
			continue
		}
		match = append(match, pr)
	}
	slices.SortFunc(match, func(a, b *GitHubPullRequest) int { return b.Number - a.Number })
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, g.opts.MaxPerPage)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	lo, hi := min((page-1)*per, len(match)), min(page*per, len(match))
	if hi < len(match) {
		next := *r.URL
		nq := next.Query()
		nq.Set("page", strconv.Itoa(page+1))
		next.RawQuery = nq.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, g.URL, next.RequestURI()))
	}
	out := make([]map[string]any, 0, hi-lo)
	for _, pr := range match[lo:hi] {
		out = append(out, g.json(pr))
	}
	writeJSON(w, http.StatusOK, out)
}

// create serves POST /repos/{o}/{r}/pulls.
func (g *GitHub) create(w http.ResponseWriter, in map[string]any) {
	title, _ := in["title"].(string)
	head, _ := in["head"].(string)
	base, _ := in["base"].(string)
	body, _ := in["body"].(string)
	draft, _ := in["draft"].(bool)
	if title == "" || head == "" || base == "" {
		writeJSON(w, http.StatusUnprocessableEntity, json.RawMessage(ghError(422, "Validation Failed")))
		return
	}
	if draft && g.opts.NoDrafts {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"message": "Validation Failed",
			"errors": []map[string]string{{
				"resource": "PullRequest", "code": "custom",
				"message": "Draft pull requests are not supported in this repository.",
			}},
			"documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
			"status":            "422",
		})
		return
	}
	owner := g.opts.Owner
	if o, b, ok := strings.Cut(head, ":"); ok {
		owner, head = o, b
	}
	for _, pr := range g.prs {
		if pr.State == "open" && pr.Head == head && pr.Base == base && strings.EqualFold(pr.HeadOwner, owner) {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
				"message": "Validation Failed",
				"errors": []map[string]string{{
					"resource": "PullRequest", "code": "custom",
					"message": fmt.Sprintf("A pull request already exists for %s:%s.", owner, head),
				}},
				"documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
				"status":            "422",
			})
			return
		}
	}
	pr := g.add(GitHubPullRequest{Title: title, Body: body, Head: head, Base: base, HeadOwner: owner, Draft: draft})
	writeJSON(w, http.StatusCreated, g.json(pr))
}

// edit serves the requests on one pull request.
func (g *GitHub) edit(w http.ResponseWriter, route string, pr *GitHubPullRequest, raw any) {
	in, _ := raw.(map[string]any)
	switch route {
	case "GET pulls/{n}":
		writeJSON(w, http.StatusOK, g.json(pr))
	case "PATCH pulls/{n}":
		if v, ok := in["title"].(string); ok {
			pr.Title = v
		}
		if v, ok := in["body"].(string); ok {
			pr.Body = v
		}
		if v, ok := in["base"].(string); ok {
			pr.Base = v
		}
		if v, ok := in["state"].(string); ok {
			if v != "open" && v != "closed" {
				writeJSON(w, http.StatusUnprocessableEntity, json.RawMessage(ghError(422, "Validation Failed")))
				return
			}
			pr.State = v
		}
		writeJSON(w, http.StatusOK, g.json(pr))
	case "POST pulls/{n}/requested_reviewers":
		for _, v := range stringList(in["reviewers"]) {
			if !slices.Contains(pr.Reviewers, v) {
				pr.Reviewers = append(pr.Reviewers, v)
			}
		}
		for _, v := range stringList(in["team_reviewers"]) {
			if !slices.Contains(pr.TeamReviewers, v) {
				pr.TeamReviewers = append(pr.TeamReviewers, v)
			}
		}
		writeJSON(w, http.StatusCreated, g.json(pr))
	case "POST issues/{n}/labels":
		// The body is {"labels": [...]} or, as go-github sends it, the bare
		// array; a label may be a name or {"name": ...}.
		list := raw
		if in != nil {
			list = in["labels"]
		}
		for _, v := range stringList(list) {
			if !slices.Contains(pr.Labels, v) {
				pr.Labels = append(pr.Labels, v)
			}
		}
		writeJSON(w, http.StatusOK, labelsJSON(pr.Labels))
	case "POST issues/{n}/comments":
		text, _ := in["body"].(string)
		if text == "" {
			writeJSON(w, http.StatusUnprocessableEntity, json.RawMessage(ghError(422, "Validation Failed")))
			return
		}
		pr.Comments = append(pr.Comments, text)
		writeJSON(w, http.StatusCreated, map[string]any{
			"id":       len(pr.Comments),
			"body":     text,
			"html_url": fmt.Sprintf("%s#issuecomment-%d", g.htmlURL(pr), len(pr.Comments)),
			"user":     map[string]any{"login": "ferry-bot"},
		})
	}
}

// stringList reads a JSON array of strings.
func stringList(v any) []string {
	var out []string
	if a, ok := v.([]any); ok {
		for _, s := range a {
			if m, ok := s.(map[string]any); ok {
				s = m["name"]
			}
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func labelsJSON(names []string) []map[string]any {
	out := make([]map[string]any, 0, len(names))
	for i, l := range names {
		out = append(out, map[string]any{"id": i + 1, "name": l, "color": "ededed"})
	}
	return out
}

func (g *GitHub) htmlURL(pr *GitHubPullRequest) string {
	return fmt.Sprintf("%s/%s/%s/pull/%d", g.URL, g.opts.Owner, g.opts.Repo, pr.Number)
}

// json is the pull request as the REST API shows it.
func (g *GitHub) json(pr *GitHubPullRequest) map[string]any {
	repo := map[string]any{"name": g.opts.Repo, "full_name": g.opts.Owner + "/" + g.opts.Repo}
	var reviewers, teams []map[string]any
	for _, r := range pr.Reviewers {
		reviewers = append(reviewers, map[string]any{"login": r})
	}
	for _, t := range pr.TeamReviewers {
		teams = append(teams, map[string]any{"slug": t})
	}
	return map[string]any{
		"id":                  1000 + pr.Number,
		"number":              pr.Number,
		"state":               pr.State,
		"title":               pr.Title,
		"body":                pr.Body,
		"draft":               pr.Draft,
		"url":                 fmt.Sprintf("%s/repos/%s/%s/pulls/%d", g.URL, g.opts.Owner, g.opts.Repo, pr.Number),
		"html_url":            g.htmlURL(pr),
		"head":                map[string]any{"ref": pr.Head, "label": pr.HeadOwner + ":" + pr.Head, "repo": repo},
		"base":                map[string]any{"ref": pr.Base, "label": g.opts.Owner + ":" + pr.Base, "repo": repo},
		"labels":              labelsJSON(pr.Labels),
		"requested_reviewers": reviewers,
		"requested_teams":     teams,
		"user":                map[string]any{"login": "ferry-bot"},
	}
}
