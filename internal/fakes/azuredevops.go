package fakes

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// AzureDevOpsOptions configures NewAzureDevOps. The zero value serves the
// repository app of project web in organisation contoso to any token.
type AzureDevOpsOptions struct {
	// Collection is the organisation ("contoso", the default) or the
	// collection path of an Azure DevOps Server ("tfs/DefaultCollection").
	Collection string
	// Project and Repo name the one repository served; default "web",
	// "app".
	Project, Repo string
	// Token is the token a request must carry, as Basic with any user or
	// as Bearer; "" accepts any request.
	Token string
	// OnPremises answers the resource-area lookup with an empty list, as
	// Azure DevOps Server does.
	OnPremises bool
	// IgnoreLabelsOnCreate drops the labels of a pull request being
	// created, as a service that takes labels only one by one would.
	IgnoreLabelsOnCreate bool
}

// AzureDevOpsPullRequest is a pull request held by the Azure DevOps fake.
type AzureDevOpsPullRequest struct {
	ID                 int
	Title, Description string
	// SourceRef and TargetRef are full ref names, "refs/heads/main".
	SourceRef, TargetRef string
	// Status is "active" (default), "abandoned" or "completed".
	Status  string
	IsDraft bool
	// Labels are tag names; Reviewers and WorkItems are IDs.
	Labels, Reviewers, WorkItems []string
	// Threads are the comment threads, in order.
	Threads []AzureDevOpsThread
}

// AzureDevOpsThread is a comment thread of a pull request.
type AzureDevOpsThread struct {
	// Status is the thread's status: "active", "closed", ...
	Status string
	// Comments are the comments' contents.
	Comments []string
}

// DescriptionLimit is the longest description, in UTF-16 code units,
// Azure DevOps accepts for a pull request.
const DescriptionLimit = 4000

// AzureDevOps is a fake of the Azure DevOps Git REST API 7.1 for pull
// requests, their threads and labels, with the discovery its Go SDK
// performs first: OPTIONS {org}/_apis for the resource locations and GET
// {org}/_apis/ResourceAreas for the Git area's host.
type AzureDevOps struct {
	recorder
	// URL is the server's root URL, "http://127.0.0.1:PORT".
	URL string
	// OrgURL is URL + "/" + Collection, what a provider is given.
	OrgURL string

	opts AzureDevOpsOptions
	prs  []*AzureDevOpsPullRequest // guarded by recorder.mu
}

// NewAzureDevOps starts an Azure DevOps fake, closed when the test ends.
func NewAzureDevOps(t testing.TB, opts AzureDevOpsOptions) *AzureDevOps {
	t.Helper()
	if opts.Collection == "" {
		opts.Collection = "contoso"
	}
	if opts.Project == "" {
		opts.Project = "web"
	}
	if opts.Repo == "" {
		opts.Repo = "app"
	}
	a := &AzureDevOps{opts: opts}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(srv.Close)
	a.URL = srv.URL
	a.OrgURL = srv.URL + "/" + opts.Collection
	return a
}

// AddPullRequest stores pr as if it had been created, numbering it when
// pr.ID is 0, and returns its ID.
func (a *AzureDevOps) AddPullRequest(pr AzureDevOpsPullRequest) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.add(pr).ID
}

func (a *AzureDevOps) add(pr AzureDevOpsPullRequest) *AzureDevOpsPullRequest {
	if pr.ID == 0 {
		pr.ID = 1
		for _, p := range a.prs {
			pr.ID = max(pr.ID, p.ID+1)
		}
	}
	if pr.Status == "" {
		pr.Status = "active"
	}
	a.prs = append(a.prs, &pr)
	return &pr
}

// PullRequest returns a copy of the pull request with ID id.
func (a *AzureDevOps) PullRequest(id int) (AzureDevOpsPullRequest, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if pr := a.find(id); pr != nil {
		c := *pr
		c.Labels, c.Reviewers, c.WorkItems = slices.Clone(pr.Labels), slices.Clone(pr.Reviewers), slices.Clone(pr.WorkItems)
		c.Threads = nil
		for _, th := range pr.Threads {
			c.Threads = append(c.Threads, AzureDevOpsThread{Status: th.Status, Comments: slices.Clone(th.Comments)})
		}
		return c, true
	}
	return AzureDevOpsPullRequest{}, false
}

func (a *AzureDevOps) find(id int) *AzureDevOpsPullRequest {
	for _, pr := range a.prs {
		if pr.ID == id {
			return pr
		}
	}
	return nil
}

// IsDiscovery tells whether r is one of the SDK's discovery requests
// (OPTIONS .../_apis, GET .../_apis/ResourceAreas), so that tests can
// leave them out.
func IsDiscovery(r Request) bool {
	return r.Method == http.MethodOptions || strings.HasSuffix(strings.ToLower(r.Path), "/_apis/resourceareas")
}

// azError is an error document of the Azure DevOps REST API.
func azError(typeKey, message string) map[string]any {
	return map[string]any{
		"$id": "1", "innerException": nil, "message": message,
		"typeName": "Microsoft.TeamFoundation." + typeKey + ", Microsoft.TeamFoundation.Server.Core",
		"typeKey":  typeKey, "errorCode": 0, "eventId": 3000,
	}
}

func (a *AzureDevOps) authorized(r *http.Request) bool {
	if a.opts.Token == "" {
		return true
	}
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch scheme {
	case "Bearer":
		return cred == a.opts.Token
	case "Basic":
		b, err := base64.StdEncoding.DecodeString(cred)
		_, pass, _ := strings.Cut(string(b), ":")
		return err == nil && pass == a.opts.Token
	}
	return false
}

func (a *AzureDevOps) serve(w http.ResponseWriter, r *http.Request) {
	body := a.record(r)
	if f, ok := a.fault(r); ok {
		b, _ := json.Marshal(azError("VssServiceException", http.StatusText(f.Status)))
		writeFault(w, f, string(b))
		return
	}
	if !a.authorized(r) {
		if r.Header.Get("X-TFS-FedAuthRedirect") != "Suppress" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNonAuthoritativeInfo)
			_, _ = w.Write([]byte("<html><title>Azure DevOps Services | Sign In</title></html>"))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte("Access Denied: The Personal Access Token used has expired."))
		return
	}
	prefix := "/" + strings.ToLower(a.opts.Collection) + "/"
	path := r.URL.Path
	if !strings.HasPrefix(strings.ToLower(path), prefix) {
		writeJSON(w, http.StatusNotFound, azError("VssResourceNotFoundException", "The collection does not exist."))
		return
	}
	segs := strings.Split(strings.Trim(path[len(prefix):], "/"), "/")
	switch {
	case len(segs) == 1 && strings.EqualFold(segs[0], "_apis") && r.Method == http.MethodOptions:
		writeJSON(w, http.StatusOK, map[string]any{"count": len(azLocations), "value": azLocations})
		return
	case len(segs) >= 2 && strings.EqualFold(segs[0], "_apis") && strings.EqualFold(segs[1], "ResourceAreas") && r.Method == http.MethodGet:
		areas := []map[string]any{}
		if !a.opts.OnPremises {
			areas = append(areas, map[string]any{"id": gitAreaID, "name": "git", "locationUrl": a.OrgURL + "/"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": len(areas), "value": areas})
		return
	}
	// {project}/_apis/git/repositories/{repo}/pullRequests[/{id}[/threads|/labels]]
	if len(segs) < 6 || !strings.EqualFold(segs[1], "_apis") || !strings.EqualFold(segs[2], "git") ||
		!strings.EqualFold(segs[3], "repositories") || !strings.EqualFold(segs[5], "pullRequests") {
		writeJSON(w, http.StatusNotFound, azError("VssResourceNotFoundException", "The requested resource does not exist."))
		return
	}
	if !strings.EqualFold(segs[0], a.opts.Project) {
		writeJSON(w, http.StatusNotFound, azError("ProjectDoesNotExistWithNameException", fmt.Sprintf(
			"TF200016: The following project does not exist: %s. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.", segs[0])))
		return
	}
	if !strings.EqualFold(segs[4], a.opts.Repo) {
		writeJSON(w, http.StatusNotFound, azError("GitRepositoryNotFoundException", fmt.Sprintf(
			"TF401019: The Git repository with name or identifier %s does not exist or you do not have permissions for the operation you are attempting.", segs[4])))
		return
	}
	var in map[string]any
	if len(body) > 0 && json.Unmarshal(body, &in) != nil {
		writeJSON(w, http.StatusBadRequest, azError("InvalidArgumentValueException", "The request body could not be read."))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	rest := segs[6:]
	if len(rest) == 0 {
		switch r.Method {
		case http.MethodGet:
			a.list(w, r)
		case http.MethodPost:
			a.create(w, in)
		default:
			writeJSON(w, http.StatusMethodNotAllowed, azError("VssServiceException", "Method not allowed."))
		}
		return
	}
	id, err := strconv.Atoi(rest[0])
	pr := a.find(id)
	if err != nil || pr == nil {
		writeJSON(w, http.StatusNotFound, azError("GitPullRequestNotFoundException",
			"TF401180: The requested pull request was not found."))
		return
	}
	a.edit(w, r.Method, rest[1:], pr, in)
}

// list serves GET pullRequests with searchCriteria, $top and $skip, newest
// first.
func (a *AzureDevOps) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := q.Get("searchCriteria.status")
	if status == "" {
		status = "active"
	}
	var match []*AzureDevOpsPullRequest
	for _, pr := range a.prs {
		if (status == "all" || pr.Status == status) &&
			(q.Get("searchCriteria.sourceRefName") == "" || q.Get("searchCriteria.sourceRefName") == pr.SourceRef) &&
			(q.Get("searchCriteria.targetRefName") == "" || q.Get("searchCriteria.targetRefName") == pr.TargetRef) {
			match = append(match, pr)
		}
	}
	slices.SortFunc(match, func(x, y *AzureDevOpsPullRequest) int { return y.ID - x.ID })
	skip, _ := strconv.Atoi(q.Get("$skip"))
	top, err := strconv.Atoi(q.Get("$top"))
	if err != nil || top <= 0 {
		top = 101
	}
	lo, hi := min(max(skip, 0), len(match)), min(max(skip, 0)+top, len(match))
	out := make([]map[string]any, 0, hi-lo)
	for _, pr := range match[lo:hi] {
		out = append(out, a.json(pr))
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "value": out})
}

func tooLong(desc string) bool { return len(utf16.Encode([]rune(desc))) > DescriptionLimit }

var tooLongError = azError("InvalidArgumentValueException",
	fmt.Sprintf("The value of the description exceeds the maximum length of %d characters.", DescriptionLimit))

// create serves POST pullRequests.
func (a *AzureDevOps) create(w http.ResponseWriter, in map[string]any) {
	pr := AzureDevOpsPullRequest{}
	pr.Title, _ = in["title"].(string)
	pr.Description, _ = in["description"].(string)
	pr.SourceRef, _ = in["sourceRefName"].(string)
	pr.TargetRef, _ = in["targetRefName"].(string)
	pr.IsDraft, _ = in["isDraft"].(bool)
	if pr.Title == "" || !strings.HasPrefix(pr.SourceRef, "refs/") || !strings.HasPrefix(pr.TargetRef, "refs/") {
		writeJSON(w, http.StatusBadRequest, azError("InvalidArgumentValueException", "The source and target refs and the title are required."))
		return
	}
	if tooLong(pr.Description) {
		writeJSON(w, http.StatusBadRequest, tooLongError)
		return
	}
	for _, o := range a.prs {
		if o.Status == "active" && o.SourceRef == pr.SourceRef && o.TargetRef == pr.TargetRef {
			writeJSON(w, http.StatusConflict, azError("GitPullRequestExistsException",
				"TF401179: An active pull request for the source and target branch already exists."))
			return
		}
	}
	pr.Reviewers = field(in["reviewers"], "id")
	pr.WorkItems = field(in["workItemRefs"], "id")
	for _, l := range field(in["labels"], "name") {
		if !a.opts.IgnoreLabelsOnCreate && !slices.Contains(pr.Labels, l) {
			pr.Labels = append(pr.Labels, l)
		}
	}
	writeJSON(w, http.StatusCreated, a.json(a.add(pr)))
}

// edit serves the requests on one pull request.
func (a *AzureDevOps) edit(w http.ResponseWriter, method string, rest []string, pr *AzureDevOpsPullRequest, in map[string]any) {
	route := method
	if len(rest) > 0 {
		route += " " + strings.ToLower(rest[0])
	}
	switch route {
	case "GET":
		writeJSON(w, http.StatusOK, a.json(pr))
	case "PATCH":
		if v, ok := in["description"].(string); ok && tooLong(v) {
			writeJSON(w, http.StatusBadRequest, tooLongError)
			return
		}
		if v, ok := in["title"].(string); ok {
			pr.Title = v
		}
		if v, ok := in["description"].(string); ok {
			pr.Description = v
		}
		if v, ok := in["isDraft"].(bool); ok {
			pr.IsDraft = v
		}
		if v, ok := in["status"].(string); ok {
			pr.Status = v
		}
		writeJSON(w, http.StatusOK, a.json(pr))
	case "POST threads":
		th := AzureDevOpsThread{Comments: field(in["comments"], "content")}
		th.Status, _ = in["status"].(string)
		pr.Threads = append(pr.Threads, th)
		comments := []map[string]any{}
		for i, c := range th.Comments {
			comments = append(comments, map[string]any{"id": i + 1, "parentCommentId": 0, "content": c, "commentType": "text"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": len(pr.Threads), "status": th.Status, "comments": comments})
	case "GET labels":
		out := make([]map[string]any, 0, len(pr.Labels))
		for _, l := range pr.Labels {
			out = append(out, a.label(l))
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "value": out})
	case "POST labels":
		name, _ := in["name"].(string)
		if name == "" {
			writeJSON(w, http.StatusBadRequest, azError("InvalidArgumentValueException", "The label name is required."))
			return
		}
		if !slices.Contains(pr.Labels, name) {
			pr.Labels = append(pr.Labels, name)
		}
		writeJSON(w, http.StatusOK, a.label(name))
	default:
		writeJSON(w, http.StatusNotFound, azError("VssResourceNotFoundException", "The requested resource does not exist."))
	}
}

// field reads one string field from each object of a JSON array.
func field(v any, name string) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				if s, ok := m[name].(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func guid(n int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", n, n) }

func (a *AzureDevOps) label(name string) map[string]any {
	h := 0
	for _, c := range name {
		h = h*31 + int(c)
	}
	return map[string]any{"id": guid(h & 0x7fffffff), "name": name, "active": true,
		"url": a.OrgURL + "/_apis/tagging/" + name}
}

// json is the pull request as the REST API shows it.
func (a *AzureDevOps) json(pr *AzureDevOpsPullRequest) map[string]any {
	repo := map[string]any{
		"id": guid(1), "name": a.opts.Repo,
		"url":     fmt.Sprintf("%s/%s/_apis/git/repositories/%s", a.OrgURL, guid(2), guid(1)),
		"project": map[string]any{"id": guid(2), "name": a.opts.Project},
	}
	reviewers := []map[string]any{}
	for _, r := range pr.Reviewers {
		reviewers = append(reviewers, map[string]any{"id": r, "vote": 0, "hasDeclined": false, "isFlagged": false})
	}
	labels := []map[string]any{}
	for _, l := range pr.Labels {
		labels = append(labels, a.label(l))
	}
	return map[string]any{
		"repository":         repo,
		"pullRequestId":      pr.ID,
		"codeReviewId":       pr.ID,
		"status":             pr.Status,
		"createdBy":          map[string]any{"displayName": "Project Collection Build Service", "id": guid(3)},
		"creationDate":       "2026-01-02T03:04:05.123Z",
		"title":              pr.Title,
		"description":        pr.Description,
		"sourceRefName":      pr.SourceRef,
		"targetRefName":      pr.TargetRef,
		"mergeStatus":        "succeeded",
		"isDraft":            pr.IsDraft,
		"reviewers":          reviewers,
		"labels":             labels,
		"url":                fmt.Sprintf("%s/%s/_apis/git/repositories/%s/pullRequests/%d", a.OrgURL, guid(2), guid(1), pr.ID),
		"supportsIterations": true,
	}
}

// gitAreaID is the Git resource area's ID.
const gitAreaID = "4e080c62-fa21-4fbc-8fef-2a10a2b38049"

// azLocations are the resource locations OPTIONS {org}/_apis lists, those
// the providers use.
var azLocations = []map[string]any{
	azLocation("e81700f7-3be2-46de-8624-2eb35882fcaa", "Location", "ResourceAreas", "_apis/{resource}/{areaId}", "3.2", "0.0"),
	azLocation("9946fd70-0d40-406e-b686-b4744cbbcc37", "git", "pullRequests",
		"{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pullRequestId}", "3.0", "7.1"),
	azLocation("ab6e2e5d-a0b7-4153-b64a-a4efe0d49449", "git", "threads",
		"{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/{resource}/{threadId}", "3.0", "7.1"),
	azLocation("f22387e3-984e-4c52-9c6d-fbb8f14c812d", "git", "labels",
		"{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/{resource}/{labelIdOrName}", "4.0", "7.1"),
}

func azLocation(id, area, resource, route, minVersion, released string) map[string]any {
	return map[string]any{
		"id": id, "area": area, "resourceName": resource, "routeTemplate": route,
		"resourceVersion": 1, "minVersion": minVersion, "maxVersion": "7.2", "releasedVersion": released,
	}
}
