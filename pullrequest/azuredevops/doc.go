// Package azuredevops is the pull request provider for Azure DevOps Services
// (dev.azure.com, *.visualstudio.com) and Azure DevOps Server, through the
// Git REST API 7.1 (with the azure-devops-go-api SDK).
//
// A Provider works on one repository. New makes no request; the first call
// asks the server where its Git API lives (the SDK's location and
// resource-area discovery: OPTIONS {org}/_apis, GET
// {org}/_apis/ResourceAreas), and later calls reuse the answer. A Provider
// is safe for concurrent use.
//
// Azure DevOps keeps at most 4000 characters of a pull request's
// description: a longer body is cut after its last whole line that fits,
// with a note saying so (see DescriptionLimit).
//
// Errors name the operation and the repository; a refused token (401, 403,
// or the sign-in page Azure DevOps answers some requests with) wraps
// pullrequest.ErrAuth and says what the token needs. The token never
// appears in an error.
package azuredevops
