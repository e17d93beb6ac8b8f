#!/usr/bin/env bash
# Times `ferry check` against `conftest test` on the same policies and the
# same objects, side by side, and prints the ratio.
#
# Policies: ferry's built-in rules (copied as plain Rego) and the shop
# example's team rule, evaluated in every namespace by both tools. Objects:
# 1,000 and 10,000 Deployments in one multi-document file (internal/testrepo).
# Both tools must agree on the number of failures.
#
# Usage (from the repository root):
#   hack/bench-check.sh
#   CONFTEST=/path/to/conftest SIZES="1000 10000" RUNS=3 hack/bench-check.sh
set -euo pipefail

CONFTEST_VERSION=v0.71.1
RUNS="${RUNS:-3}"
SIZES="${SIZES:-1000 10000}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
. hack/lib.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

CONFTEST="${CONFTEST:-$(go_tool "$work" conftest "github.com/open-policy-agent/conftest@${CONFTEST_VERSION}")}"
go build -o "$work/ferry" ./cmd/ferry

# The same Rego for both: the built-in rules as files, plus the team rule.
copy_builtin_rules "$work/policy"
cp examples/shop/policies/deployment.rego "$work/policy/"


printf '%-16s %12s %12s %8s %10s\n' "objects" "conftest s" "ferry s" "ratio" "failures"
for n in $SIZES; do
  go run ./hack/genrepo -manifests "$n" -out "$work/objects-$n.yaml"
  ferry=("$work/ferry" check --no-builtins --all-namespaces -p "$work/policy" -o json "$work/objects-$n.yaml")
  conftest=("$CONFTEST" test --all-namespaces -p "$work/policy" -o json "$work/objects-$n.yaml")
  fc=$("${ferry[@]}" 2>/dev/null | grep -c '"msg"' || true)
  cc=$("${conftest[@]}" 2>/dev/null | grep -c '"msg"' || true)
  if [[ "$fc" != "$cc" ]]; then
    echo "error: ferry reports $fc messages, conftest $cc" >&2
    exit 1
  fi
  c=$(best_of "$RUNS" "${conftest[@]}")
  f=$(best_of "$RUNS" "${ferry[@]}")
  printf '%-16s %12s %12s %7.1fx %10s\n' "$n" "$c" "$f" "$(echo "$c / $f" | bc -l)" "$fc"
done
