package pullrequest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Kind is the hosting service a remote belongs to.
type Kind string

// The kinds of hosting service ParseRemote tells apart.
const (
	// KindUnknown is a host ParseRemote cannot place: a GitHub Enterprise
	// Server looks like any other Git host. See ParseRemoteAs.
	KindUnknown Kind = ""
	// KindGitHub is github.com or a GitHub Enterprise Server.
	KindGitHub Kind = "github"
	// KindAzureDevOps is Azure DevOps Services or Azure DevOps Server.
	KindAzureDevOps Kind = "azuredevops"
)

// Remote is a Git remote URL read as the repository of a hosting service.
type Remote struct {
	// Kind is the hosting service; KindUnknown for a host that could be
	// a GitHub Enterprise Server.
	Kind Kind `json:"kind"`
	// Host is the web host, without user or port: "github.com",
	// "dev.azure.com", "ghe.example.com".
	Host string `json:"host"`
	// Owner is the GitHub user or organisation (GitHub and KindUnknown).
	Owner string `json:"owner,omitempty"`
	// Repo is the repository's name, without ".git" on GitHub.
	Repo string `json:"repo"`
	// OrgURL is the Azure DevOps organisation ("https://dev.azure.com/org")
	// or Azure DevOps Server collection
	// ("https://tfs.example.com/tfs/Collection"), path-escaped.
	OrgURL string `json:"orgURL,omitempty"`
	// Project is the Azure DevOps project, unescaped ("My Project").
	Project string `json:"project,omitempty"`
}

// APIURL is the base URL of the service's REST API: "https://api.github.com/"
// for github.com, "https://HOST/api/v3/" for a GitHub Enterprise Server,
// OrgURL for Azure DevOps, and "" for KindUnknown.
func (r Remote) APIURL() string {
	switch {
	case r.Kind == KindGitHub && strings.EqualFold(r.Host, "github.com"):
		return "https://api.github.com/"
	case r.Kind == KindGitHub:
		return "https://" + r.Host + "/api/v3/"
	case r.Kind == KindAzureDevOps:
		return r.OrgURL
	}
	return ""
}

// String names the repository: "github.com/owner/repo", or the Azure
// DevOps web address "https://dev.azure.com/org/project/_git/repo".
func (r Remote) String() string {
	if r.Kind == KindAzureDevOps {
		return r.OrgURL + "/" + url.PathEscape(r.Project) + "/_git/" + url.PathEscape(r.Repo)
	}
	return r.Host + "/" + r.Owner + "/" + r.Repo
}

// scpLike is Git's short SSH form: [user@]host:path.
var scpLike = regexp.MustCompile(`^(?:[^@/]+@)?([^:/]+):(.*)$`)

// ParseRemote reads a Git remote URL, in HTTPS, ssh:// or scp-like
// (git@host:path) form, as a GitHub or Azure DevOps repository.
//
// github.com and the Azure DevOps hosts (dev.azure.com, ssh.dev.azure.com,
// *.visualstudio.com) are known by name, and Azure DevOps Server by its
// ".../{project}/_git/{repo}" path. Any other "host/owner/repo" URL is
// returned with KindUnknown: use ParseRemoteAs(KindGitHub, ...) for a
// GitHub Enterprise Server.
func ParseRemote(rawURL string) (Remote, error) {
	host, segs, scheme, err := splitRemote(rawURL)
	if err != nil {
		return Remote{}, fmt.Errorf("parse remote %q: %w", Redact(rawURL), err)
	}
	r, err := classify(host, segs, scheme)
	if err != nil {
		return Remote{}, fmt.Errorf("parse remote %q: %w", Redact(rawURL), err)
	}
	return r, nil
}

// ParseRemoteAs is ParseRemote for a caller who knows the hosting service:
// with KindGitHub, a "host/owner/repo" URL on any host is a GitHub
// Enterprise Server repository. It fails when the URL is of another kind.
func ParseRemoteAs(kind Kind, rawURL string) (Remote, error) {
	switch kind {
	case KindUnknown, KindGitHub, KindAzureDevOps:
	default:
		return Remote{}, fmt.Errorf("parse remote %q: unknown kind %q (want %q or %q)", Redact(rawURL), kind, KindGitHub, KindAzureDevOps)
	}
	r, err := ParseRemote(rawURL)
	if err != nil || kind == KindUnknown {
		return r, err
	}
	if r.Kind == KindUnknown && kind == KindGitHub {
		r.Kind = KindGitHub
	}
	if r.Kind != kind {
		return Remote{}, fmt.Errorf("parse remote %q: not %s repository URL", Redact(rawURL), kindName(kind))
	}
	return r, nil
}

func kindName(k Kind) string {
	if k == KindAzureDevOps {
		return "an Azure DevOps"
	}
	return "a GitHub"
}

// splitRemote returns the remote's host (lower case, without port), its
// path segments (unescaped) and its scheme ("ssh" for the scp-like form).
func splitRemote(raw string) (host string, segs []string, scheme string, err error) {
	raw = strings.TrimSpace(raw)
	var path string
	switch {
	case raw == "":
		return "", nil, "", errors.New("empty URL")
	case strings.Contains(raw, "://"):
		u, err := url.Parse(raw)
		if err != nil {
			return "", nil, "", errors.New("not a valid URL")
		}
		switch u.Scheme {
		case "https", "http", "ssh", "git":
		default:
			return "", nil, "", fmt.Errorf("scheme %q is not a hosting service's (want https or ssh)", u.Scheme)
		}
		host, path, scheme = u.Hostname(), u.EscapedPath(), u.Scheme
		if scheme == "http" || scheme == "https" {
			host = u.Host // an Azure DevOps Server may listen on a port
		}
	default:
		m := scpLike.FindStringSubmatch(raw)
		if m == nil || len(m[1]) < 2 { // "C:\repo" is a Windows path
			return "", nil, "", errors.New("not a URL (a local path?)")
		}
		host, path, scheme = m[1], m[2], "ssh"
	}
	if host == "" {
		return "", nil, "", errors.New("no host")
	}
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if s == "" {
			continue
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", nil, "", fmt.Errorf("path segment %q is badly escaped", s)
		}
		segs = append(segs, u)
	}
	return strings.ToLower(host), segs, scheme, nil
}

func classify(host string, segs []string, scheme string) (Remote, error) {
	name := host
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		name = host[:i]
	}
	switch {
	case name == "ssh.dev.azure.com" || name == "vs-ssh.visualstudio.com":
		if len(segs) != 4 || segs[0] != "v3" {
			return Remote{}, errors.New("want an Azure DevOps SSH path v3/{org}/{project}/{repo}")
		}
		r := Remote{Kind: KindAzureDevOps, Host: "dev.azure.com", OrgURL: "https://dev.azure.com/" + url.PathEscape(segs[1]), Project: segs[2], Repo: segs[3]}
		if name == "vs-ssh.visualstudio.com" {
			r.Host = strings.ToLower(segs[1]) + ".visualstudio.com"
			r.OrgURL = "https://" + r.Host
		}
		return r, nil
	case indexOf(segs, "_git") >= 0:
		return classifyAzure(host, name, segs, scheme)
	case name == "dev.azure.com" || strings.HasSuffix(name, ".visualstudio.com"):
		return Remote{}, errors.New("want an Azure DevOps repository path {project}/_git/{repo}")
	}
	if len(segs) != 2 {
		return Remote{}, errors.New("want a repository path {owner}/{repo}")
	}
	r := Remote{Host: name, Owner: segs[0], Repo: strings.TrimSuffix(segs[1], ".git")}
	if r.Repo == "" {
		return Remote{}, errors.New("no repository name")
	}
	if name == "github.com" || name == "www.github.com" {
		r.Kind, r.Host = KindGitHub, "github.com"
	}
	return r, nil
}

// classifyAzure reads ".../{project}/_git/{repo}". The short form
// ".../_git/{repo}" names the project after the repository.
func classifyAzure(host, name string, segs []string, scheme string) (Remote, error) {
	i := indexOf(segs, "_git")
	if i != len(segs)-2 {
		return Remote{}, errors.New("want one repository name after _git")
	}
	repo, before := segs[i+1], segs[:i]
	r := Remote{Kind: KindAzureDevOps, Host: name, Repo: repo}
	switch {
	case name == "dev.azure.com":
		if len(before) < 1 || len(before) > 2 {
			return Remote{}, errors.New("want https://dev.azure.com/{org}/{project}/_git/{repo}")
		}
		r.OrgURL = "https://dev.azure.com/" + url.PathEscape(before[0])
		before = before[1:]
	case strings.HasSuffix(name, ".visualstudio.com"):
		r.OrgURL = "https://" + name
		if len(before) == 2 && strings.EqualFold(before[0], "DefaultCollection") {
			before = before[1:]
		}
		if len(before) > 1 {
			return Remote{}, errors.New("want https://{org}.visualstudio.com/{project}/_git/{repo}")
		}
	default: // Azure DevOps Server: {collection path}/{project}/_git/{repo}
		if len(before) < 2 {
			return Remote{}, errors.New("want an Azure DevOps Server path {collection}/{project}/_git/{repo}")
		}
		web := "https" // for ssh://, whose host has no port here
		if scheme == "http" {
			web = scheme
		}
		escaped := make([]string, len(before)-1)
		for j, s := range before[:len(before)-1] {
			escaped[j] = url.PathEscape(s)
		}
		r.OrgURL = web + "://" + host + "/" + strings.Join(escaped, "/")
		before = before[len(before)-1:]
	}
	r.Project = repo
	if len(before) == 1 {
		r.Project = before[0]
	}
	return r, nil
}

func indexOf(segs []string, s string) int {
	for i, v := range segs {
		if v == s {
			return i
		}
	}
	return -1
}

// Redact returns rawURL without its userinfo ("user:token@"), so that it
// can be printed. A string that is not a URL loses everything up to its
// last "@" before the path, which may take more than the userinfo but
// never leaves a secret behind.
func Redact(rawURL string) string {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok { // scp-like: [user@]host:path
		head := rawURL
		if i := strings.IndexByte(rawURL, '/'); i >= 0 {
			head = rawURL[:i]
		}
		if i := strings.LastIndexByte(head, '@'); i >= 0 {
			return rawURL[i+1:]
		}
		return rawURL
	}
	if u, err := url.Parse(rawURL); err == nil {
		if u.User == nil {
			return rawURL
		}
		u.User = nil
		return u.String()
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		return scheme + "://" + rest[i+1:]
	}
	return rawURL
}
