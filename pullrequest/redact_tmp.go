package pullrequest

import "net/url"

// Redact (placeholder until remote.go lands).
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
