package fakes

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Request is one request a fake received.
type Request struct {
	// Method is the HTTP method: "GET", "POST", "PATCH", "OPTIONS".
	Method string
	// Path is the unescaped URL path, "/repos/acme/app/pulls".
	Path string
	// Query is the decoded query string; empty, not nil, when there is none.
	Query url.Values
	// Body is the decoded JSON body (a map[string]any, []any, ...), or nil.
	Body any
	// Auth is the scheme of the Authorization header ("Bearer", "Basic"),
	// or "" when none was sent. The credentials themselves are not kept.
	Auth string
	// APIVersion is the api-version the request asked for in its Accept
	// header or query (Azure DevOps), or "".
	APIVersion string
}

// Fault makes a fake answer the requests it matches with an error instead
// of serving them. The request is still recorded.
type Fault struct {
	// Method matches the request's method; "" matches any.
	Method string
	// PathSuffix matches the end of the request's path; "" matches any.
	PathSuffix string
	// Status is the HTTP status to answer with.
	Status int
	// Header is added to the response.
	Header map[string]string
	// Body is the response body, sent as JSON unless Header sets a
	// Content-Type; "" sends the service's usual error document.
	Body string
}

func (f Fault) matches(r *http.Request) bool {
	return (f.Method == "" || f.Method == r.Method) && strings.HasSuffix(r.URL.Path, f.PathSuffix)
}

// recorder keeps the requests and faults of a fake.
type recorder struct {
	mu     sync.Mutex
	reqs   []Request
	faults []Fault
}

// record reads and records r, and returns its body.
func (rec *recorder) record(r *http.Request) []byte {
	body, _ := io.ReadAll(r.Body)
	q := r.URL.Query()
	req := Request{Method: r.Method, Path: r.URL.Path, Query: q}
	if len(body) > 0 {
		var v any
		if json.Unmarshal(body, &v) == nil {
			req.Body = v
		} else {
			req.Body = string(body)
		}
	}
	if scheme, _, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		req.Auth = scheme
	}
	req.APIVersion = q.Get("api-version")
	for _, part := range strings.Split(r.Header.Get("Accept"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "api-version="); ok {
			req.APIVersion = v
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, req)
	return body
}

// fault returns the first fault matching r.
func (rec *recorder) fault(r *http.Request) (Fault, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, f := range rec.faults {
		if f.matches(r) {
			return f, true
		}
	}
	return Fault{}, false
}

// Requests returns a copy of the requests received so far, in order.
func (rec *recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.reqs...)
}

// ResetRequests forgets the requests received so far.
func (rec *recorder) ResetRequests() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = nil
}

// Fail makes the fake answer the requests f matches with f's error, until
// ClearFaults. The first matching fault wins.
func (rec *recorder) Fail(f Fault) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.faults = append(rec.faults, f)
}

// ClearFaults removes the faults set by Fail.
func (rec *recorder) ClearFaults() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.faults = nil
}

// writeFault answers with f; fallback is the service's error document for
// f.Status.
func writeFault(w http.ResponseWriter, f Fault, fallback string) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	body := f.Body
	if body == "" {
		body = fallback
	}
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, body)
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
