package pullrequest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRemote(t *testing.T) {
	gh := func(host, owner, repo string) Remote {
		return Remote{Kind: KindGitHub, Host: host, Owner: owner, Repo: repo}
	}
	az := func(host, org, project, repo string) Remote {
		return Remote{Kind: KindAzureDevOps, Host: host, OrgURL: org, Project: project, Repo: repo}
	}
	tests := []struct {
		name string
		url  string
		want Remote
	}{
		{name: "github https", url: "https://github.com/acme/app", want: gh("github.com", "acme", "app")},
		{name: "github https .git", url: "https://github.com/acme/app.git", want: gh("github.com", "acme", "app")},
		{name: "github https trailing slash", url: "https://github.com/acme/app/", want: gh("github.com", "acme", "app")},
		{name: "github https with token", url: "https://x-access-token:ghs_secret@github.com/acme/app.git", want: gh("github.com", "acme", "app")},
		{name: "github scp", url: "git@github.com:acme/app.git", want: gh("github.com", "acme", "app")},
		{name: "github ssh", url: "ssh://git@github.com/acme/app.git", want: gh("github.com", "acme", "app")},
		{name: "github ssh port", url: "ssh://git@github.com:22/acme/app.git", want: gh("github.com", "acme", "app")},
		{name: "github upper case host", url: "https://GitHub.com/Acme/App", want: gh("github.com", "Acme", "App")},
		{name: "ghe unknown", url: "https://ghe.example.com/acme/app.git", want: Remote{Host: "ghe.example.com", Owner: "acme", Repo: "app"}},
		{name: "ghe scp unknown", url: "git@ghe.example.com:acme/app.git", want: Remote{Host: "ghe.example.com", Owner: "acme", Repo: "app"}},
		{
			name: "azure https",
			url:  "https://dev.azure.com/contoso/web/_git/app",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "web", "app"),
		},
		{
			name: "azure https with user",
			url:  "https://contoso@dev.azure.com/contoso/web/_git/app",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "web", "app"),
		},
		{
			name: "azure https short form",
			url:  "https://dev.azure.com/contoso/_git/app",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "app", "app"),
		},
		{
			name: "azure escaped names",
			url:  "https://dev.azure.com/contoso/My%20Project/_git/My%20Repo",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "My Project", "My Repo"),
		},
		{
			name: "azure ssh",
			url:  "git@ssh.dev.azure.com:v3/contoso/web/app",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "web", "app"),
		},
		{
			name: "azure ssh escaped",
			url:  "git@ssh.dev.azure.com:v3/contoso/My%20Project/app",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "My Project", "app"),
		},
		{
			name: "azure ssh url",
			url:  "ssh://git@ssh.dev.azure.com/v3/contoso/web/app",
			want: az("dev.azure.com", "https://dev.azure.com/contoso", "web", "app"),
		},
		{
			name: "visualstudio",
			url:  "https://contoso.visualstudio.com/web/_git/app",
			want: az("contoso.visualstudio.com", "https://contoso.visualstudio.com", "web", "app"),
		},
		{
			name: "visualstudio DefaultCollection",
			url:  "https://contoso.visualstudio.com/DefaultCollection/web/_git/app",
			want: az("contoso.visualstudio.com", "https://contoso.visualstudio.com", "web", "app"),
		},
		{
			name: "visualstudio ssh",
			url:  "contoso@vs-ssh.visualstudio.com:v3/contoso/web/app",
			want: az("contoso.visualstudio.com", "https://contoso.visualstudio.com", "web", "app"),
		},
		{
			name: "server",
			url:  "https://tfs.example.com/tfs/Collection/web/_git/app",
			want: az("tfs.example.com", "https://tfs.example.com/tfs/Collection", "web", "app"),
		},
		{
			name: "server port and spaces",
			url:  "http://tfs.example.com:8080/tfs/Default%20Collection/My%20Project/_git/app",
			want: az("tfs.example.com", "http://tfs.example.com:8080/tfs/Default%20Collection", "My Project", "app"),
		},
		{
			name: "server ssh",
			url:  "ssh://tfs.example.com:22/tfs/Collection/web/_git/app",
			want: az("tfs.example.com", "https://tfs.example.com/tfs/Collection", "web", "app"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRemote(tt.url)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseRemoteErrors(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		wantErr string
	}{
		{name: "empty", url: "", wantErr: `parse remote "": empty URL`},
		{name: "spaces", url: "   ", wantErr: "empty URL"},
		{name: "words", url: "not a url", wantErr: "not a URL"},
		{name: "local path", url: "/srv/git/app.git", wantErr: "not a URL"},
		{name: "windows path", url: `C:\src\app`, wantErr: "not a URL"},
		{name: "file scheme", url: "file:///srv/git/app.git", wantErr: `scheme "file"`},
		{name: "bad URL", url: "https://github.com/%zz/app", wantErr: "not a valid URL"},
		{name: "github owner only", url: "https://github.com/acme", wantErr: "want a repository path {owner}/{repo}"},
		{name: "github too deep", url: "https://github.com/acme/app/tree/main", wantErr: "want a repository path {owner}/{repo}"},
		{name: "azure no _git", url: "https://dev.azure.com/contoso/web", wantErr: "{project}/_git/{repo}"},
		{name: "azure nothing after _git", url: "https://dev.azure.com/contoso/web/_git", wantErr: "one repository name after _git"},
		{name: "azure ssh short", url: "git@ssh.dev.azure.com:v3/contoso/app", wantErr: "v3/{org}/{project}/{repo}"},
		{name: "server without collection", url: "https://tfs.example.com/web/_git/app", wantErr: "{collection}/{project}/_git/{repo}"},
		{name: "token never in error", url: "https://user:s3cret@github.com/acme", wantErr: `parse remote "https://github.com/acme"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRemote(tt.url)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "s3cret")
		})
	}
}

func TestParseRemoteAs(t *testing.T) {
	tests := []struct {
		name    string
		kind    Kind
		url     string
		want    Remote
		wantErr string
	}{
		{
			name: "ghe as github",
			kind: KindGitHub,
			url:  "https://ghe.example.com/acme/app.git",
			want: Remote{Kind: KindGitHub, Host: "ghe.example.com", Owner: "acme", Repo: "app"},
		},
		{
			name: "github.com as github",
			kind: KindGitHub,
			url:  "git@github.com:acme/app.git",
			want: Remote{Kind: KindGitHub, Host: "github.com", Owner: "acme", Repo: "app"},
		},
		{
			name: "unknown stays unknown",
			kind: KindUnknown,
			url:  "https://ghe.example.com/acme/app",
			want: Remote{Host: "ghe.example.com", Owner: "acme", Repo: "app"},
		},
		{
			name: "azure as azure",
			kind: KindAzureDevOps,
			url:  "https://dev.azure.com/contoso/web/_git/app",
			want: Remote{Kind: KindAzureDevOps, Host: "dev.azure.com", OrgURL: "https://dev.azure.com/contoso", Project: "web", Repo: "app"},
		},
		{name: "azure as github", kind: KindGitHub, url: "https://dev.azure.com/contoso/web/_git/app", wantErr: "not a GitHub repository URL"},
		{name: "github as azure", kind: KindAzureDevOps, url: "https://github.com/acme/app", wantErr: "not an Azure DevOps repository URL"},
		{name: "unknown kind", kind: "gitlab", url: "https://gitlab.com/acme/app", wantErr: `unknown kind "gitlab"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRemoteAs(tt.kind, tt.url)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRemoteAPIURLAndString(t *testing.T) {
	tests := []struct {
		name       string
		remote     Remote
		wantAPI    string
		wantString string
	}{
		{
			name:       "github.com",
			remote:     Remote{Kind: KindGitHub, Host: "github.com", Owner: "acme", Repo: "app"},
			wantAPI:    "https://api.github.com/",
			wantString: "github.com/acme/app",
		},
		{
			name:       "enterprise",
			remote:     Remote{Kind: KindGitHub, Host: "ghe.example.com", Owner: "acme", Repo: "app"},
			wantAPI:    "https://ghe.example.com/api/v3/",
			wantString: "ghe.example.com/acme/app",
		},
		{
			name:       "azure",
			remote:     Remote{Kind: KindAzureDevOps, Host: "dev.azure.com", OrgURL: "https://dev.azure.com/contoso", Project: "My Project", Repo: "app"},
			wantAPI:    "https://dev.azure.com/contoso",
			wantString: "https://dev.azure.com/contoso/My%20Project/_git/app",
		},
		{
			name:       "unknown",
			remote:     Remote{Host: "git.example.com", Owner: "acme", Repo: "app"},
			wantAPI:    "",
			wantString: "git.example.com/acme/app",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantAPI, tt.remote.APIURL())
			assert.Equal(t, tt.wantString, tt.remote.String())
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want string
	}{
		{name: "no userinfo", url: "https://github.com/acme/app.git", want: "https://github.com/acme/app.git"},
		{name: "user and token", url: "https://x-access-token:ghs_secret@github.com/acme/app.git", want: "https://github.com/acme/app.git"},
		{name: "token as user", url: "https://ghp_secret@github.com/acme/app.git", want: "https://github.com/acme/app.git"},
		{name: "azure pat", url: "https://contoso:pat_secret@dev.azure.com/contoso/web/_git/app", want: "https://dev.azure.com/contoso/web/_git/app"},
		{name: "escaped path kept", url: "https://u:p_secret@dev.azure.com/c/My%20Project/_git/app", want: "https://dev.azure.com/c/My%20Project/_git/app"},
		{name: "scp-like", url: "git@github.com:acme/app.git", want: "github.com:acme/app.git"},
		{name: "scp-like with password", url: "user:p_secret@host:acme/app.git", want: "host:acme/app.git"},
		{name: "unparsable", url: "https://user:p_secret%zz@github.com/acme/app", want: "https://github.com/acme/app"},
		{name: "local path", url: "/srv/git/app.git", want: "/srv/git/app.git"},
		{name: "empty", url: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.url)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "_secret")
		})
	}
}
