#!/usr/bin/env bash
# Times `ferry validate` against `kubeconform -strict` on the same rendered
# objects, with the same schemas (ferry's embedded Kubernetes 1.37 schemas,
# exported in kubeconform's layout to a local directory: no network), and
# prints the ratio. Both must find the objects valid.
#
# Inputs: the shop example's production overlay, and the apps/production
# aggregate of generated repositories (internal/testrepo) of 100 and 1,000
# apps, each rendered once with `ferry render` into a YAML file. Override
# the sizes with APPS="100 1000 5000".
#
# Usage (from the repository root):
#   hack/bench-validate.sh
#   KUBECONFORM=/path/to/kubeconform RUNS=5 hack/bench-validate.sh
set -euo pipefail

KUBECONFORM_VERSION=v0.8.0
RUNS="${RUNS:-3}"
APPS="${APPS:-100 1000}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
. hack/lib.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

KUBECONFORM="${KUBECONFORM:-$(go_tool "$work" kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}")}"
go build -o "$work/ferry" ./cmd/ferry
go test ./validate -run '^TestExportSchemas$' -count=1 -args -export-schemas "$work/schemas" > /dev/null
location="$work/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"


printf '%-24s %8s %14s %10s %10s\n' "input" "objects" "kubeconform s" "ferry s" "ratio"
bench() {
  local name=$1 file=$2 objects
  objects=$(grep -c '^kind:' "$file")
  if ! "$KUBECONFORM" -strict -schema-location "$location" "$file" > "$work/kubeconform.out"; then
    cat "$work/kubeconform.out" >&2
    echo "error: kubeconform finds $name invalid" >&2
    exit 1
  fi
  if ! "$work/ferry" validate "$file" > "$work/ferry.out"; then
    cat "$work/ferry.out" >&2
    echo "error: ferry finds $name invalid" >&2
    exit 1
  fi
  local k f
  k=$(best_of "$RUNS" "$KUBECONFORM" -strict -schema-location "$location" "$file")
  f=$(best_of "$RUNS" "$work/ferry" validate "$file")
  printf '%-24s %8d %14s %10s %9.1fx\n' "$name" "$objects" "$k" "$f" "$(echo "$k / $f" | bc -l)"
}

"$work/ferry" render examples/shop/overlays/production > "$work/shop.yaml"
bench "example production" "$work/shop.yaml"
for apps in $APPS; do
  go run ./hack/genrepo -apps "$apps" -out "$work/repo-$apps"
  "$work/ferry" render "$work/repo-$apps/apps/production" > "$work/apps-$apps.yaml"
  bench "aggregate, $apps apps" "$work/apps-$apps.yaml"
done
