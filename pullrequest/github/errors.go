package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v84/github"

	"github.com/ferrygitops/ferry/pullrequest"
)

// permissions is what a token needs for ferry's pull requests.
const permissions = "pull-requests: write and contents: write"

// fail wraps err from the operation op on what ("repository acme/app",
// "pull request #3 in acme/app") into the error the provider returns.
func (p *Provider) fail(op, what string, err error) error {
	return pullrequest.HideToken(fmt.Errorf("%s in %s/%s: %w", op, p.owner, p.repo, explain(what, err)), p.token)
}

// explain tells err from the API in words.
func explain(what string, err error) error {
	var (
		rate  *gh.RateLimitError
		abuse *gh.AbuseRateLimitError
		twoFA *gh.TwoFactorAuthError
		resp  *gh.ErrorResponse
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &rate):
		return &pullrequest.APIError{Errs: []error{err}, Msg: fmt.Sprintf(
			"GitHub's rate limit is used up (%d requests an hour); it resets at %s",
			rate.Rate.Limit, rate.Rate.Reset.UTC().Format(time.RFC3339))}
	case errors.As(err, &abuse):
		retry := "in a few minutes"
		if abuse.RetryAfter != nil {
			retry = "after " + abuse.RetryAfter.String()
		}
		return &pullrequest.APIError{Errs: []error{err}, Msg: "GitHub's secondary rate limit stopped the request; try again " + retry}
	case errors.As(err, &twoFA):
		return &pullrequest.APIError{Errs: []error{pullrequest.ErrAuth, err}, Msg: fmt.Sprintf(
			"GitHub refused the credentials (401): they need a second factor; use a token with %s", permissions)}
	case errors.As(err, &resp) && resp.Response != nil:
		return explainStatus(what, resp)
	}
	return err
}

func explainStatus(what string, resp *gh.ErrorResponse) error {
	code := resp.Response.StatusCode
	said := resp.Message
	for _, e := range resp.Errors {
		if e.Message != "" {
			said += ": " + e.Message
		} else if e.Code != "" {
			said += fmt.Sprintf(": %s %s %s", e.Resource, e.Field, e.Code)
		}
	}
	paren, colon := "", ""
	if said != "" {
		paren, colon = " (GitHub said: "+said+")", ": "+said
	}
	e := &pullrequest.APIError{Errs: []error{resp}}
	switch {
	case code == http.StatusUnauthorized:
		e.Errs = append(e.Errs, pullrequest.ErrAuth)
		e.Msg = fmt.Sprintf("GitHub refused the token (401): it is missing, expired or revoked; ferry needs a token with %s%s", permissions, paren)
	case code == http.StatusForbidden:
		e.Errs = append(e.Errs, pullrequest.ErrAuth)
		e.Msg = fmt.Sprintf("GitHub refused the token (403): the token needs %s%s", permissions, paren)
	case code == http.StatusNotFound:
		e.Msg = fmt.Sprintf("GitHub has no %s, or the token cannot see it (404)", what)
	case code == http.StatusUnprocessableEntity:
		e.Msg = "GitHub rejected the request (422)" + colon
	case code >= 500:
		e.Msg = fmt.Sprintf("GitHub failed (%d %s), try again later%s", code, http.StatusText(code), paren)
	default:
		e.Msg = fmt.Sprintf("GitHub answered %d %s%s", code, http.StatusText(code), colon)
	}
	return e
}

// draftUnsupported tells whether err is GitHub refusing a draft pull request
// in a repository whose plan has none.
func draftUnsupported(err error) bool {
	var resp *gh.ErrorResponse
	if !errors.As(err, &resp) || resp.Response == nil || resp.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	if strings.Contains(strings.ToLower(resp.Message), "draft") {
		return true
	}
	for _, e := range resp.Errors {
		if strings.Contains(strings.ToLower(e.Message), "draft") {
			return true
		}
	}
	return false
}
