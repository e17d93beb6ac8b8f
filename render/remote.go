package render

import (
	"strings"
)

// remoteReason says why kustomize could treat ref as something to fetch or
// clone rather than a path in the repository, or returns "" for a plain
// relative path.
//
// It refuses a superset of what kustomize v0.21 treats as remote, whether
// or not a local path of that spelling exists (kustomize does not look):
//
//   - its loader's Load fetches any reference that url.Parse gives the
//     scheme http or https, in any case (url.Parse lowercases schemes);
//   - its loader's New clones any reference git.NewRepoSpecFromURL
//     accepts: a git:: prefix (any case, stripped), the schemes ssh://,
//     https://, http:// and file:// in any case, a leading user@ (scp-like
//     user@host:path), or a github.com/ or github.com: prefix in any case;
//     the query (?ref=, ?version=, ?timeout=, ?submodules=) is cut off first
//     and is passed to git, which is how --upload-pack gets in.
//
// ferry refuses any reference with a URL scheme (letters, digits, +, - and
// . before a colon in the first path segment, so file:, git:: and HTTP:
// too), any "://", a leading user@, a github.com prefix, and any query
// (?): none of these belong in a path inside a repository. Surrounding
// spaces are ignored when classifying.
func remoteReason(ref string) string {
	r := strings.TrimSpace(ref)
	lower := strings.ToLower(r)
	switch {
	case strings.Contains(r, "://"):
		return "it is a URL"
	case hasScheme(r):
		return "it starts with a URL scheme (" + r[:strings.IndexByte(r, ':')+1] + ")"
	case hasUser(r):
		return "it is an scp-like git address (user@host:path)"
	case strings.HasPrefix(lower, "github.com/") || strings.HasPrefix(lower, "github.com:"):
		return "it is a GitHub repository"
	case strings.Contains(r, "?"):
		return "it has a query (?…), which kustomize passes to git"
	}
	return ""
}

// hasScheme reports a URL scheme as url.Parse reads one: a letter, then
// letters, digits, '+', '-' or '.', then ':', all in the first path
// segment.
func hasScheme(r string) bool {
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		case c == ':':
			return i > 0
		default:
			return false
		}
	}
	return false
}

// hasUser reports a leading user name and '@', as kustomize's git URL
// parser reads one (it then accepts scp-like user@host:path).
func hasUser(r string) bool {
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '-':
			if i == 0 {
				return false
			}
		case c == '@':
			return i > 0
		default:
			return false
		}
	}
	return false
}

// looksLikeRemoteHost reports references such as example.com/org/repo/path:
// kustomize treats them as local paths, but when no such path exists the
// author most likely meant a remote base, and the error says so.
func looksLikeRemoteHost(ref string) bool {
	first, _, found := strings.Cut(ref, "/")
	return found && strings.Contains(first, ".") && first != "." && first != ".." && !strings.HasPrefix(first, ".")
}
