# METADATA
# title: No prerelease versions
# description: |
#   Images are not prereleases (1.2.3-rc.1, 1.2.3-beta.2) in environments
#   that do not allow them. Set the environment parameter allowPrerelease to
#   true to allow them. A version followed by a variant of the release is not
#   a prerelease (nginx:1.27.0-alpine, rabbitmq:3.13.7-management,
#   redis:7.4.1-bookworm, 1.25.3-debian-12-r0): each hyphen-separated word of
#   the suffix is a variant name, optionally with a version (alpine3.20,
#   ubi9), and the words after the first may be plain numbers. The variant
#   names are alpine, slim, debian, ubuntu, ubi, distroless, scratch,
#   busybox, bookworm, bullseye, buster, stretch, trixie, jammy, noble,
#   focal, bionic, xenial, musl, glibc, windowsservercore, nanoserver, ltsc,
#   amd64, arm64, arm64v8, arm, armhf, ppc64le, s390x, management,
#   community, enterprise, oss, minimal, full, fpm, apache, cli, zts, jdk,
#   jre, temurin, nonroot, rootless, debug, fips and r (a revision); the
#   environment parameter tagVariants adds names.
# custom:
#   id: no-prerelease
#   severity: error
#   parameters:
#     allowPrerelease: false
#     tagVariants: ["gpu"]
package ferry.rules.no_prerelease

import data.ferry.lib.images
import data.ferry.lib.params

deny contains result if {
	not params.allow_prerelease
	some ref in images.references
	image := images.parse(ref.image)
	images.is_semver(image.tag)
	pre := images.prerelease(image.tag)
	pre != ""
	not images.is_variant(pre)
	result := {
		"msg": sprintf("%s uses prerelease image %q (%s), which this environment does not allow", [ref.subject, ref.image, pre]),
		"_field": ref.field,
	}
}
