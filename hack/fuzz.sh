#!/usr/bin/env bash
# Runs every fuzz target of the module (every Fuzz* function that
# `go test -list` finds) for FUZZTIME each, one after another, and fails if
# any of them finds a failing input. A failing input is written to the
# package's testdata/fuzz/<FuzzTarget>/ directory: add it to the commit that
# fixes the bug, so that `go test` replays it from then on.
#
# Usage (from anywhere in the repository):
#   hack/fuzz.sh                          # 10s per target
#   FUZZTIME=10m hack/fuzz.sh             # a long run
#   FUZZTIME=30s hack/fuzz.sh ./manifest/ # the targets of some packages
#   LIST=1 hack/fuzz.sh                   # print the targets, run none
#
# FUZZTIME takes what `go test -fuzztime` does: a duration (10s) or a count
# of executions (5000x). FUZZPARALLEL is the number of fuzzing workers per
# target (default 1: the targets run one at a time, each on one core).
set -euo pipefail

FUZZTIME="${FUZZTIME:-10s}"
FUZZPARALLEL="${FUZZPARALLEL:-1}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ $# -eq 0 ]]; then
  set -- ./...
fi

# `go test -list` prints a package's matching tests, then "ok <package>".
listing=$(go test -vet=off -list '^Fuzz' "$@")
targets=()
names=()
while IFS= read -r line; do
  case "$line" in
    Fuzz*) names+=("$line") ;;
    ok*)
      pkg=$(awk '{print $2}' <<<"$line")
      for name in "${names[@]}"; do
        targets+=("$pkg $name")
      done
      names=()
      ;;
  esac
done <<<"$listing"

if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: no Fuzz targets found in $*" >&2
  exit 1
fi

if [[ -n "${LIST:-}" ]]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi

failed=()
for target in "${targets[@]}"; do
  read -r pkg name <<<"$target"
  echo "fuzz: $pkg $name for $FUZZTIME"
  log=$(mktemp)
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -parallel "$FUZZPARALLEL" "$pkg" 2>&1 | tee "$log"; then
    if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
      # The fuzzing engine ran out of time while minimizing an input it
      # found interesting, not failing (a known quirk of short runs).
      echo "fuzz: $pkg $name: the time ran out while minimizing; no failing input"
    else
      failed+=("$pkg $name")
    fi
  fi
  rm -f "$log"
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: failing targets (inputs under each package's testdata/fuzz/):" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran clean for $FUZZTIME each"
