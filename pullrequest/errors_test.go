package pullrequest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/pullrequest"
)

func TestChoose(t *testing.T) {
	pr := func(n int, body string) *pullrequest.PullRequest {
		return &pullrequest.PullRequest{Number: n, Body: body}
	}
	marker := pullrequest.Marker("staging", "production", promote.Selection{})
	assert.Nil(t, pullrequest.Choose(nil, marker))
	assert.Equal(t, 2, pullrequest.Choose([]*pullrequest.PullRequest{pr(5, "x"), pr(2, "y")}, marker).Number, "none marked: the lowest")
	assert.Equal(t, 7, pullrequest.Choose([]*pullrequest.PullRequest{pr(2, "y"), pr(9, marker), pr(7, marker+"\nplan")}, marker).Number, "the lowest marked")
	assert.Equal(t, 2, pullrequest.Choose([]*pullrequest.PullRequest{pr(9, marker), pr(2, "y")}, "").Number, "no marker: the lowest")
}

func TestHideToken(t *testing.T) {
	base := fmt.Errorf("request with ghp_secret123 failed: %w", pullrequest.ErrAuth)
	err := pullrequest.HideToken(base, "ghp_secret123")
	assert.Equal(t, "request with [token] failed: the token was refused", err.Error())
	assert.True(t, errors.Is(err, pullrequest.ErrAuth))
	assert.Equal(t, base.Error(), pullrequest.HideToken(base, "abc").Error(), "too short to be a token")
	assert.NoError(t, pullrequest.HideToken(nil, "ghp_secret123"))

	api := &pullrequest.APIError{Msg: "GitHub refused the token (401)", Errs: []error{pullrequest.ErrAuth, base}}
	assert.True(t, errors.Is(api, pullrequest.ErrAuth))
	assert.Equal(t, "GitHub refused the token (401)", api.Error())
}
