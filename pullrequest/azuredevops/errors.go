package azuredevops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ferrygitops/ferry/pullrequest"
)

// guard turns the answers that are not a success into a statusError before
// the SDK reads them: the SDK takes a 203 sign-in page for a success and
// loses the status of an error whose body is not JSON. It also drops the
// X-TFS-Session header, which the SDK would store in a package variable
// without a lock.
type guard struct{ base http.RoundTripper }

func (g guard) RoundTrip(r *http.Request) (*http.Response, error) {
	base := g.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Header.Del("X-TFS-Session")
	code := resp.StatusCode
	signIn := code == http.StatusNonAuthoritativeInfo ||
		(code >= 300 && code < 400 && strings.Contains(strings.ToLower(resp.Header.Get("Location")), "signin"))
	if !signIn && code < 400 {
		return resp, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return nil, &statusError{Code: code, SignIn: signIn, Message: message(resp.Header.Get("Content-Type"), body)}
}

// message is the service's message in an error body: the "message" of a
// JSON error document, or a short plain text.
func message(contentType string, body []byte) string {
	body = []byte(strings.TrimPrefix(string(body), "\ufeff"))
	var doc struct {
		Message string `json:"message"`
		Value   struct {
			Message string `json:"message"`
		} `json:"value"`
	}
	switch {
	case strings.Contains(contentType, "json") && json.Unmarshal(body, &doc) == nil:
		if doc.Message != "" {
			return doc.Message
		}
		return doc.Value.Message
	case strings.HasPrefix(contentType, "text/plain"):
		s := strings.TrimSpace(string(body))
		if len(s) > 300 {
			s = s[:300] + "…"
		}
		return s
	}
	return ""
}

// statusError is an answer of the service that is not a success.
type statusError struct {
	Code    int
	SignIn  bool
	Message string
}

func (e *statusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("status %d %s", e.Code, http.StatusText(e.Code))
	}
	return fmt.Sprintf("status %d %s: %s", e.Code, http.StatusText(e.Code), e.Message)
}

// fail wraps err from the operation op on what ("repository app",
// "pull request 3") into the error the provider returns.
func (p *Provider) fail(op, what string, err error) error {
	return pullrequest.HideToken(fmt.Errorf("%s in %s/%s: %w", op, p.orgURL, p.project+"/_git/"+p.repo, p.explain(what, err)), p.token)
}

// needs says what the token needs.
func (p *Provider) needs() string {
	if p.bearer {
		return "the pipeline's build service identity needs Contribute and Contribute to pull requests on the repository"
	}
	return "a personal access token needs the Code (Read & Write) scope, and Work Items (Read) to link work items"
}

// explain tells err from the API in words.
func (p *Provider) explain(what string, err error) error {
	var se *statusError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &se) {
		return err
	}
	said := ""
	if se.Message != "" {
		said = " (Azure DevOps said: " + se.Message + ")"
	}
	e := &pullrequest.APIError{Errs: []error{se}}
	switch {
	case se.SignIn:
		e.Errs = append(e.Errs, pullrequest.ErrAuth)
		e.Msg = fmt.Sprintf("Azure DevOps answered with its sign-in page (%d): the token is not valid for %s; %s", se.Code, p.orgURL, p.needs())
	case se.Code == http.StatusUnauthorized:
		e.Errs = append(e.Errs, pullrequest.ErrAuth)
		e.Msg = fmt.Sprintf("Azure DevOps refused the token (401): it is missing, expired or revoked, or not valid for %s; %s%s", p.orgURL, p.needs(), said)
	case se.Code == http.StatusForbidden:
		e.Errs = append(e.Errs, pullrequest.ErrAuth)
		e.Msg = fmt.Sprintf("Azure DevOps refused the token (403): %s%s", p.needs(), said)
	case se.Code == http.StatusNotFound:
		e.Msg = fmt.Sprintf("Azure DevOps has no %s, or the token cannot see it (404)%s", what, said)
	case se.Code >= 500:
		e.Msg = fmt.Sprintf("Azure DevOps failed (%d %s), try again later%s", se.Code, http.StatusText(se.Code), said)
	default:
		e.Msg = fmt.Sprintf("Azure DevOps refused the request (%d %s)%s", se.Code, http.StatusText(se.Code), said)
	}
	return e
}
