#!/usr/bin/env bash
# Times `ferry plan` against the chain of peer tools a CI runs today for the
# same promotion, on the same generated repositories, and prints the ratio.
#
# The chain: `kustomize build` of the source and of the target, `kubeconform
# -strict` on the rendered target (with ferry's embedded Kubernetes schemas
# exported in kubeconform's layout: no network), and `conftest test` with
# ferry's built-in rules as plain Rego. It does less than ferry plan (no
# edits, no re-render after them, no plan-level rules), so the ratio is
# conservative. Repositories: testrepo.Fleet (LAYOUT=simple for the older,
# smaller testrepo.Files), staging -> production, with 10, 100 and 1,000
# apps (override with APPS="10 100"), best of 3 runs on both sides (RUNS=1
# for a quick look). Peak memory of both sides is printed from
# /usr/bin/time when it is installed, with the machine's core count.
#
# Usage (from the repository root):
#   hack/bench-plan.sh
#   KUSTOMIZE=… KUBECONFORM=… CONFTEST=… APPS="10 100" RUNS=1 hack/bench-plan.sh
set -euo pipefail

APPS="${APPS:-10 100 1000}"
LAYOUT="${LAYOUT:-fleet}"
case "$LAYOUT" in
  fleet) envs=envs ;;
  simple) envs=apps ;;
  *) echo "LAYOUT is fleet or simple" >&2; exit 2 ;;
esac
# Each side's time is the best of RUNS runs: a small machine is noisy (on 2
# shared cores single runs of either side varied by a third). At 1,000 apps
# the chain takes a minute or more per run.
RUNS="${RUNS:-3}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
. hack/lib.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

KUSTOMIZE="${KUSTOMIZE:-$(go_tool "$work" kustomize sigs.k8s.io/kustomize/kustomize/v5@v5.8.2)}"
KUBECONFORM="${KUBECONFORM:-$(go_tool "$work" kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0)}"
CONFTEST="${CONFTEST:-$(go_tool "$work" conftest github.com/open-policy-agent/conftest@v0.71.1)}"
go build -o "$work/ferry" ./cmd/ferry
go test ./validate -run '^TestExportSchemas$' -count=1 -args -export-schemas "$work/schemas" > /dev/null
location="$work/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"
copy_builtin_rules "$work/policy"

chain() { # chain REPO
  "$KUSTOMIZE" build "$1/$envs/staging" > "$work/source.yaml"
  "$KUSTOMIZE" build "$1/$envs/production" > "$work/target.yaml"
  "$KUBECONFORM" -strict -schema-location "$location" "$work/target.yaml" > /dev/null
  "$CONFTEST" test --all-namespaces -p "$work/policy" "$work/target.yaml" > /dev/null || true
}


peak() { # peak CMD...: the command's peak resident memory in MiB, or -
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$work/peak" "$@" > /dev/null 2>&1 || true
    echo $(($(tail -1 "$work/peak") / 1024))
  else
    echo -
  fi
}

echo "layout $LAYOUT, $(nproc) cores, best of $RUNS"
printf '%-8s %10s %10s %8s %12s %12s\n' "apps" "chain s" "ferry s" "ratio" "ferry MiB" "kustomize MiB"
for apps in $APPS; do
  go run ./hack/genrepo -layout "$LAYOUT" -apps "$apps" -out "$work/repo-$apps"
  c=$(best_of "$RUNS" chain "$work/repo-$apps")
  f=$(best_of "$RUNS" "$work/ferry" plan --root "$work/repo-$apps" --from staging --to production)
  fm=$(peak "$work/ferry" plan --root "$work/repo-$apps" --from staging --to production)
  km=$(peak "$KUSTOMIZE" build "$work/repo-$apps/$envs/production")
  printf '%-8s %10.3f %10.3f %7.1fx %12s %12s\n' "$apps" "$c" "$f" "$(echo "$c / $f" | bc -l)" "$fm" "$km"
done
