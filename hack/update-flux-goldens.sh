#!/usr/bin/env bash
# Regenerates the expected Flux renderings in render/testdata/flux with the
# real flux CLI: `flux build kustomization flux-system --recursive --dry-run`
# of each cluster folder, the flux-system GitRepository mapped to the fixture
# repository. The goldens were made with flux v2.9.5. The flux CLI cannot be
# installed with `go install` (its go.mod has replace directives): build it
# from its module (`go mod download github.com/fluxcd/flux2/v2@v2.9.5`, copy
# it, add a placeholder cmd/flux/manifests/x.yaml, `go build ./cmd/flux`) and
# put it on PATH, or set FLUX.
set -euo pipefail
cd "$(dirname "$0")/.."
flux=${FLUX:-flux}
command -v "$flux" >/dev/null || { echo "flux CLI not found; see the comment at the top of $0" >&2; exit 2; }

build() { # repo cluster golden
	(cd "render/testdata/flux/$1" && "$flux" build kustomization flux-system \
		--path "./clusters/$2" --kustomization-file "./clusters/$2/flux-system/gotk-sync.yaml" \
		--dry-run --recursive --local-sources GitRepository/flux-system/flux-system=.) >"render/testdata/flux/$3"
}
build fleet prod fleet.flux-build.yaml
for env in dev staging production; do
	(cd examples/shop && "$flux" build kustomization flux-system \
		--path "./clusters/$env" --kustomization-file "./clusters/$env/flux-system/gotk-sync.yaml" \
		--dry-run --recursive --local-sources GitRepository/flux-system/flux-system=.) >"render/testdata/flux/shop-$env.flux-build.yaml"
done
