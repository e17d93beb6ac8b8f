#!/usr/bin/env bash
# Times `ferry render` against `kustomize build` on the same inputs, side by
# side, checks that both print the same bytes, and prints the ratio.
#
# Inputs: the shop example's production overlay, and the apps/production
# aggregate of generated repositories (internal/testrepo: the usual Flux
# apps/<env> layout, one kustomization per app listed by an aggregate) of 10,
# 100 and 1,000 apps. Override the sizes with APPS="100 1000".
#
# Usage (from the repository root):
#   hack/bench-render.sh
#   KUSTOMIZE=/path/to/kustomize RUNS=5 hack/bench-render.sh
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2
RUNS="${RUNS:-3}"
APPS="${APPS:-10 100 1000}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
. hack/lib.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

KUSTOMIZE="${KUSTOMIZE:-$(go_tool "$work" kustomize "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}")}"
go build -o "$work/ferry" ./cmd/ferry


printf '%-28s %12s %12s %8s\n' "input" "kustomize s" "ferry s" "ratio"
bench() {
  local name=$1 dir=$2 runs=$3
  "$KUSTOMIZE" build "$dir" > "$work/want.yaml"
  "$work/ferry" render "$dir" > "$work/got.yaml"
  if ! cmp -s "$work/want.yaml" "$work/got.yaml"; then
    echo "error: ferry render $dir differs from kustomize build" >&2
    exit 1
  fi
  local k f
  k=$(best_of "$runs" "$KUSTOMIZE" build "$dir")
  f=$(best_of "$runs" "$work/ferry" render "$dir")
  printf '%-28s %12s %12s %7.1fx\n' "$name" "$k" "$f" "$(echo "$k / $f" | bc -l)"
}

bench "example production" examples/shop/overlays/production "$RUNS"
for apps in $APPS; do
  go run ./hack/genrepo -apps "$apps" -out "$work/repo-$apps"
  runs=$RUNS
  if (( apps >= 1000 )); then runs=1; fi # kustomize takes minutes there
  bench "aggregate, $apps apps" "$work/repo-$apps/apps/production" "$runs"
done
