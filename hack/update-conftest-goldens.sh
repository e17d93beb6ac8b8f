#!/usr/bin/env bash
# Regenerates the conftest parity goldens in cmd/ferry/testdata/conftest/want:
# for each case in cases.txt, the JSON output and exit code of
#   conftest test -p policy -d data -o json <arguments>
# run from cmd/ferry/testdata/conftest with conftest v0.71.1 (OPA 1.21).
#
# Usage (from the repository root):
#   hack/update-conftest-goldens.sh
#   CONFTEST=/path/to/conftest hack/update-conftest-goldens.sh   # reuse a binary
set -euo pipefail

CONFTEST_VERSION=v0.71.1

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${CONFTEST:-}" ]]; then
  gobin="$(mktemp -d)"
  trap 'rm -rf "$gobin"' EXIT
  echo "installing conftest ${CONFTEST_VERSION}" >&2
  GOBIN="$gobin" go install "github.com/open-policy-agent/conftest@${CONFTEST_VERSION}"
  CONFTEST="$gobin/conftest"
fi
CONFTEST="$(cd "$(dirname "$CONFTEST")" && pwd)/$(basename "$CONFTEST")"

cd cmd/ferry/testdata/conftest
mkdir -p want
while IFS='|' read -r name args; do
  name="$(echo "$name" | xargs)"
  [[ -z "$name" || "$name" == \#* ]] && continue
  set +e
  # shellcheck disable=SC2086 # the arguments are meant to split
  "$CONFTEST" test -p policy -d data -o json $args > "want/$name.json"
  echo $? > "want/$name.code"
  set -e
done < cases.txt
echo "wrote $(ls want/*.json | wc -l) cases" >&2
