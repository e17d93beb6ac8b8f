#!/usr/bin/env bash
# Kills `ferry apply` with SIGKILL at random points, over and over, and checks
# after each kill that every file the plan edits is entirely old or entirely
# new (its SHA-256 is the plan's before or after hash), with its mode kept;
# that applying again finishes the job and leaves no temporary file and no
# lock behind; and that two applies started at once never both write.
#
# The repository is internal/testrepo with APPS applications (default 100),
# planned from staging to production: one edited file per application.
# ROUNDS (default 50) kills; each waits a random time up to the length of
# one uninterrupted apply (measured first) before killing.
#
# Usage (from the repository root; needs jq and sha256sum):
#   hack/stress-apply.sh
#   APPS=300 ROUNDS=200 hack/stress-apply.sh
set -euo pipefail

APPS="${APPS:-100}"
ROUNDS="${ROUNDS:-50}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

go build -o "$work/ferry" ./cmd/ferry
go run ./hack/genrepo -apps "$APPS" -out "$work/pristine"
chmod 0640 "$work"/pristine/overlays/production/*.yaml 2>/dev/null || true
"$work/ferry" plan --root "$work/pristine" --from staging --to production --out "$work/plan.json" -o json > /dev/null
jq -r '.files[] | "\(.path) \(.before) \(.after)"' "$work/plan.json" > "$work/files"
echo "plan edits $(wc -l < "$work/files") files"

fresh() { rm -rf "$work/repo"; cp -a "$work/pristine" "$work/repo"; }

# check: every planned file is old or new, with its mode; prints how many
# are new. Any other state is data lost: the script fails.
check() {
  local new=0 path before after sum
  while read -r path before after; do
    sum=$(sha256sum "$work/repo/$path" | cut -d' ' -f1)
    if [[ "$sum" == "$after" ]]; then
      new=$((new + 1))
    elif [[ "$sum" != "$before" ]]; then
      echo "DATA LOST: $path is neither old nor new" >&2
      exit 1
    fi
    if [[ "$(stat -c %a "$work/repo/$path")" != "$(stat -c %a "$work/pristine/$path")" ]]; then
      echo "MODE LOST: $path" >&2
      exit 1
    fi
  done < "$work/files"
  echo "$new"
}

total=$(wc -l < "$work/files")
fresh
t0=$(date +%s%N)
"$work/ferry" apply --root "$work/repo" "$work/plan.json" > /dev/null
span_us=$((($(date +%s%N) - t0) / 1000))
[[ "$(check)" == "$total" ]] || { echo "an uninterrupted apply did not write every file" >&2; exit 1; }
echo "one apply: ${span_us}us"

before_any=0 mixed=0 after_all=0
for ((i = 0; i < ROUNDS; i++)); do
  fresh
  "$work/ferry" apply --root "$work/repo" "$work/plan.json" > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '0.%06d' $((RANDOM * 32768 % (span_us + 1) % 1000000)))"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  n=$(check)
  if ((n == 0)); then before_any=$((before_any + 1)); elif ((n == total)); then after_all=$((after_all + 1)); else mixed=$((mixed + 1)); fi
  "$work/ferry" apply --root "$work/repo" "$work/plan.json" > /dev/null
  [[ "$(check)" == "$total" ]] || { echo "round $i: applying again did not finish" >&2; exit 1; }
  if compgen -G "$work/repo/overlays/production/.*.ferry-*.tmp" > /dev/null || [[ -e "$work/repo/.ferry-apply.lock" ]]; then
    echo "round $i: a temporary file or the lock was left behind" >&2
    exit 1
  fi
done
echo "kill -9: $ROUNDS rounds: $before_any before any rename, $mixed between renames, $after_all after all; files lost: 0"

locked=0
for ((i = 0; i < 10; i++)); do
  fresh
  "$work/ferry" apply --root "$work/repo" "$work/plan.json" > "$work/a.out" 2>&1 & a=$!
  "$work/ferry" apply --root "$work/repo" "$work/plan.json" > "$work/b.out" 2>&1 & b=$!
  wait "$a" || true
  wait "$b" || true
  wrote=$(cat "$work/a.out" "$work/b.out" | grep -c '^wrote ' || true)
  [[ "$wrote" == "$total" ]] || { echo "concurrent round $i: $wrote files written in all, want $total" >&2; cat "$work/a.out" "$work/b.out" >&2; exit 1; }
  if grep -q 'another ferry apply is running' "$work/a.out" "$work/b.out"; then locked=$((locked + 1)); fi
  [[ "$(check)" == "$total" ]] || exit 1
done
echo "concurrent applies: 10 rounds, $locked refused by the lock, the others found every file up to date; files lost: 0"
