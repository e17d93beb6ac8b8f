# METADATA
# title: Digests where required
# description: |
#   An environment with the parameter requireDigest receives images pinned by
#   digest; a source that pins only a tag cannot be promoted there.
# custom:
#   id: digest-required
#   severity: error
package ferry.plan.digest_required

default required := false

required := input.params.requireDigest

deny contains {"msg": msg, "artifact": c.artifact} if {
	required
	some c in input.changes
	c.kind == "image"
	c.promotes
	object.get(c.to, "digest", "") == ""
	msg := sprintf("%s requires image digests, but %s pins %s:%s without one; pin the digest in %s first", [input.target.name, input.source.name, c.artifact, c.to.tag, input.source.name])
}
