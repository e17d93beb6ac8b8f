# METADATA
# title: Environment parameters
# description: |
#   The parameters of the environment checked, with their defaults. ferry
#   sets them under data.ferry.params (ferry.yaml's environment policy
#   settings, or --env); unset ones take the defaults below.
package ferry.lib.params

default allow_prerelease := false

allow_prerelease := data.ferry.params.allowPrerelease

default require_digest := false

require_digest := data.ferry.params.requireDigest

default allowed_registries := []

allowed_registries := data.ferry.params.allowedRegistries if data.ferry.params.allowedRegistries != null

default tag_variants := []

tag_variants := data.ferry.params.tagVariants if data.ferry.params.tagVariants != null
