package main

import (
	"context"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/pullrequest/github"
)

// TestProviderSendsTheTokenToTheRemotesHost: with no API URL given, the
// token goes to the API of the remote's host, and with a push only over
// TLS.
func TestProviderSendsTheTokenToTheRemotesHost(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_test")
	t.Setenv("GITHUB_API_URL", "")
	for _, c := range []struct {
		remote, api string
		auth        bool
	}{
		{"https://ghe.example.com/acme/shop.git", "https://ghe.example.com/api/v3/", true},
		{"https://github.com/acme/shop.git", "https://api.github.com/", true},
		{"http://ghe.example.com/acme/shop.git", "https://ghe.example.com/api/v3/", false},
		{"git@ghe.example.com:acme/shop.git", "https://ghe.example.com/api/v3/", false},
	} {
		t.Run(c.remote, func(t *testing.T) {
			dir := t.TempDir()
			repo, err := git.PlainInit(dir, false)
			require.NoError(t, err)
			_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{c.remote}})
			require.NoError(t, err)
			pf := &providerFlags{kind: "github"}
			prov, auth, err := pf.provider(context.Background(), dir, "origin")
			require.NoError(t, err)
			gp, ok := prov.(*github.Provider)
			require.True(t, ok, "%T", prov)
			assert.Equal(t, c.api, gp.BaseURL())
			assert.Equal(t, c.auth, auth != nil, "push auth")
		})
	}
}
