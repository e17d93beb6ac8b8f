// Package pullrequest carries a promotion into a pull request: it plans the
// promotion, commits the plan's edits on ferry's own branch (with go-git,
// in memory, without touching the working tree), pushes the branch with a
// lease, and opens or updates the one pull request of that promotion, or
// closes it when there is nothing left to promote.
//
// The hosting services are behind [Provider]; the github and azuredevops
// packages implement it for GitHub (github.com and Enterprise) and Azure
// DevOps (Services and Server).
package pullrequest
