// Package github is the pull request provider for GitHub: github.com, GitHub
// Enterprise Cloud and GitHub Enterprise Server, through the REST API (with
// go-github).
//
// A Provider works on one repository. It makes HTTP requests only when its
// methods are called, never in New, and keeps no state between calls: it is
// safe for concurrent use. Errors name the operation and the repository; a
// refused token wraps pullrequest.ErrAuth and says which permissions the
// token needs. The token never appears in an error.
package github
