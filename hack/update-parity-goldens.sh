#!/usr/bin/env bash
# Regenerates the kustomize parity goldens:
#   render/testdata/parity/<case>/want.yaml  = kustomize build repo/<path in case.txt>
#   render/testdata/golden/shop/overlays-<env>.yaml = kustomize build examples/shop/overlays/<env>
# with the kustomize CLI v5.8.2 (the CLI release built on sigs.k8s.io/kustomize/api
# v0.21.2, the version ferry links), default options, no flags.
#
# Usage (from the repository root):
#   hack/update-parity-goldens.sh
#   KUSTOMIZE=/path/to/kustomize hack/update-parity-goldens.sh   # reuse a binary
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${KUSTOMIZE:-}" ]]; then
  gobin="$(mktemp -d)"
  trap 'rm -rf "$gobin"' EXIT
  echo "installing kustomize ${KUSTOMIZE_VERSION}" >&2
  GOBIN="$gobin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"
  KUSTOMIZE="$gobin/kustomize"
fi

got_version="$("$KUSTOMIZE" version)"
if [[ "$got_version" != "$KUSTOMIZE_VERSION" ]]; then
  echo "error: $KUSTOMIZE reports version '$got_version', want $KUSTOMIZE_VERSION" >&2
  exit 1
fi

# Parity cases: build from inside the case directory so that paths recorded in
# the output (e.g. origin annotations) do not depend on where the repo lives.
shopt -s nullglob
cases=(render/testdata/parity/*/case.txt)
if (( ${#cases[@]} == 0 )); then
  echo "error: no render/testdata/parity/*/case.txt found" >&2
  exit 1
fi
for case_file in "${cases[@]}"; do
  dir="$(dirname "$case_file")"
  read -r path < "$case_file"
  echo "parity: $(basename "$dir") (repo/$path)" >&2
  (cd "$dir" && "$KUSTOMIZE" build "repo/$path" > want.yaml.tmp && mv want.yaml.tmp want.yaml)
done

# Example goldens.
mkdir -p render/testdata/golden/shop
for env in dev staging production; do
  echo "golden: shop overlays/$env" >&2
  out="render/testdata/golden/shop/overlays-$env.yaml"
  "$KUSTOMIZE" build "examples/shop/overlays/$env" > "$out.tmp"
  mv "$out.tmp" "$out"
done
