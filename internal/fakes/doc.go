// Package fakes serves in-memory stand-ins for the GitHub and Azure DevOps
// REST APIs that the pull request providers call, for tests: each fake is an
// httptest.Server on the loopback interface that keeps its pull requests,
// labels, reviewers and comments in memory and records every request it
// receives (method, path, query, decoded JSON body, and which kind of
// Authorization header came, never its value).
//
// The responses follow the shapes of the services' published REST
// references (GitHub REST v3; Azure DevOps Git REST 7.1, with the location
// and resource-area discovery its SDK performs), reduced to the fields the
// providers read. A fake is safe for concurrent use; it is closed by the
// test's Cleanup.
package fakes
