// Package buildinfo reads the version ferry was built as, from the build
// information the Go toolchain embeds in every binary. It does no I/O and is
// safe for concurrent use.
package buildinfo

import "runtime/debug"

// Version returns the version of the main module the running binary was
// built from: "v1.4.0" for `go install …@v1.4.0`, a pseudo-version for a
// build of a commit that the toolchain stamps. It returns "" when there is
// no version to tell: a development build ("(devel)"), a test binary, or a
// binary without build information.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return versionOf(info.Main.Version)
}

// versionOf is the version to show for a module version as the build
// information records it.
func versionOf(v string) string {
	if v == "(devel)" {
		return ""
	}
	return v
}
