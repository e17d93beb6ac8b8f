package pullrequest

import "strings"

// APIError is an error of a hosting service told in words: Msg says what
// happened and what to do. It unwraps to Errs: the service client's error
// and, for a refused token, ErrAuth.
type APIError struct {
	Msg  string
	Errs []error
}

func (e *APIError) Error() string   { return e.Msg }
func (e *APIError) Unwrap() []error { return e.Errs }

// HideToken returns err with every occurrence of token in its message
// replaced by "[token]", for a service that echoes what it was sent. A
// token shorter than six characters is not a real one and is left, lest
// ordinary words be hidden. The result unwraps to err; nil stays nil.
func HideToken(err error, token string) error {
	if err == nil {
		return nil
	}
	return &hidden{err: err, token: token}
}

type hidden struct {
	err   error
	token string
}

func (e *hidden) Error() string {
	msg := e.err.Error()
	if len(e.token) >= 6 {
		msg = strings.ReplaceAll(msg, e.token, "[token]")
	}
	return msg
}

func (e *hidden) Unwrap() error { return e.err }

// Choose picks, among open pull requests, the one whose body holds marker
// (the lowest number among them), or the lowest number when none does:
// how a provider's Find breaks ties. It returns nil for none.
func Choose(prs []*PullRequest, marker string) *PullRequest {
	var best *PullRequest
	bestMarked := false
	for _, pr := range prs {
		marked := marker != "" && strings.Contains(pr.Body, marker)
		switch {
		case best == nil, marked && !bestMarked, marked == bestMarked && pr.Number < best.Number:
			best, bestMarked = pr, marked
		}
	}
	return best
}
