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

// apiError is an error of the GitHub API told in words. It unwraps to
// go-github's error and, for a refused token, to pullrequest.ErrAuth.
type apiError struct {
	msg  string
	errs []error
}

func (e *apiError) Error() string   { return e.msg }
func (e *apiError) Unwrap() []error { return e.errs }

// redacted replaces the token in the message of the error it wraps.
type redacted struct {
	err   error
	token string
}

func (e *redacted) Error() string {
	msg := e.err.Error()
	if len(e.token) >= 6 {
		msg = strings.ReplaceAll(msg, e.token, "[token]")
	}
	return msg
}

func (e *redacted) Unwrap() error { return e.err }

// fail wraps err from the operation op on what ("repository acme/app",
// "pull request #3 in acme/app") into the error the provider returns.
func (p *Provider) fail(op, what string, err error) error {
	return &redacted{err: fmt.Errorf("%s in %s/%s: %w", op, p.owner, p.repo, explain(what, err)), token: p.token}
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
		return &apiError{errs: []error{err}, msg: fmt.Sprintf(
			"GitHub's rate limit is used up (%d requests an hour); it resets at %s",
			rate.Rate.Limit, rate.Rate.Reset.UTC().Format(time.RFC3339))}
	case errors.As(err, &abuse):
		retry := "in a few minutes"
		if abuse.RetryAfter != nil {
			retry = "after " + abuse.RetryAfter.String()
		}
		return &apiError{errs: []error{err}, msg: "GitHub's secondary rate limit stopped the request; try again " + retry}
	case errors.As(err, &twoFA):
		return &apiError{errs: []error{pullrequest.ErrAuth, err}, msg: fmt.Sprintf(
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
	e := &apiError{errs: []error{resp}}
	switch {
	case code == http.StatusUnauthorized:
		e.errs = append(e.errs, pullrequest.ErrAuth)
		e.msg = fmt.Sprintf("GitHub refused the token (401): it is missing, expired or revoked; ferry needs a token with %s%s", permissions, paren)
	case code == http.StatusForbidden:
		e.errs = append(e.errs, pullrequest.ErrAuth)
		e.msg = fmt.Sprintf("GitHub refused the token (403): the token needs %s%s", permissions, paren)
	case code == http.StatusNotFound:
		e.msg = fmt.Sprintf("GitHub has no %s, or the token cannot see it (404)", what)
	case code == http.StatusUnprocessableEntity:
		e.msg = "GitHub rejected the request (422)" + colon
	case code >= 500:
		e.msg = fmt.Sprintf("GitHub failed (%d %s), try again later%s", code, http.StatusText(code), paren)
	default:
		e.msg = fmt.Sprintf("GitHub answered %d %s%s", code, http.StatusText(code), colon)
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
