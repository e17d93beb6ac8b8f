#!/usr/bin/env bash
# Clones on the public corpus: every Flux cluster folder (a folder holding
# flux-system/gotk-sync.yaml) and every kustomize environment (a folder with
# a kustomization under overlays/, envs/, env/ or environments/) of every
# repository is cloned to a sibling folder with `ferry clone`. A ready clone
# is applied to a copy of the repository; the copy must render exactly what
# the source renders once the new folder's name is put back (nothing else
# differs: no per-cluster values are set), and a second clone must be noop.
#
# Usage (from the repository root): hack/conformance/clone.sh DIR
# (DIR as for run.sh). Environment: OUT (evidence), TIMEOUT (seconds per
# command, default 120), ONLY (a regexp of repositories).
set -uo pipefail

corpus_dir=$(cd "${1:?usage: $0 DIR (see hack/conformance/checkout.sh)}" && pwd) || exit 2
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
OUT="${OUT:-$work/out}"
mkdir -p "$OUT"
TIMEOUT="${TIMEOUT:-120}"
go build -o "$work/ferry" ./cmd/ferry || exit 2
FERRY="$work/ferry"

total=0 ready=0 blocked=0 failed=0 same=0 differ=0 noop=0 panics=0
while read -r repo _; do
  [[ -z "$repo" || "$repo" == \#* ]] && continue
  [[ -n "${ONLY:-}" && ! "$repo" =~ $ONLY ]] && continue
  dir="$corpus_dir/${repo/\//+}"
  [[ -d "$dir" ]] || continue
  mapfile -t folders < <(cd "$dir" && {
    find . -name .git -prune -o -path '*/flux-system/gotk-sync.yaml' -printf '%h\n' | xargs -r -n1 dirname
    find . -name .git -prune -o \( -path '*/overlays/*' -o -path '*/envs/*' -o -path '*/env/*' -o -path '*/environments/*' \) -name kustomization.yaml -print | xargs -r -n1 dirname
  } | sed 's#^\./##' | sort -u)
  r_total=0 r_ready=0 r_blocked=0 r_failed=0 r_same=0 r_differ=0 r_noop=0
  for src in "${folders[@]}"; do
    r_total=$((r_total + 1))
    dst="$src-ferry-clone"
    n="${repo//\//_}/${src//\//_}"
    mkdir -p "$OUT/$(dirname "$n")"
    rm -rf "$work/r" && cp -a "$dir" "$work/r"
    (cd "$work/r" && timeout "$TIMEOUT" "$FERRY" clone --root . --from "$src" --to "$dst" --out "$OUT/$n.plan.json" -o text >"$OUT/$n.out" 2>"$OUT/$n.err")
    rc=$?
    if grep -q 'panic:' "$OUT/$n.err"; then panics=$((panics + 1)); fi
    case "$rc" in
      0) ;;
      1) r_blocked=$((r_blocked + 1)); continue ;;
      *) r_failed=$((r_failed + 1)); continue ;;
    esac
    r_ready=$((r_ready + 1))
    (cd "$work/r" && "$FERRY" apply --root . "$OUT/$n.plan.json" >/dev/null 2>>"$OUT/$n.err") || { r_failed=$((r_failed + 1)); continue; }
    (cd "$work/r" && timeout "$TIMEOUT" "$FERRY" render --root . "$src" >"$OUT/$n.src.yaml" 2>>"$OUT/$n.err")
    (cd "$work/r" && timeout "$TIMEOUT" "$FERRY" render --root . "$dst" 2>>"$OUT/$n.err" | sed "s#$dst#$src#g" >"$OUT/$n.clone.yaml")
    if cmp -s "$OUT/$n.src.yaml" "$OUT/$n.clone.yaml"; then
      r_same=$((r_same + 1))
    else
      r_differ=$((r_differ + 1))
    fi
    if (cd "$work/r" && "$FERRY" clone --root . --from "$src" --to "$dst" 2>>"$OUT/$n.err" | head -1 | grep -q ': NOOP$'); then
      r_noop=$((r_noop + 1))
    fi
  done
  printf '%-46s folders %d: ready %d (render same %d, differ %d; noop again %d), blocked %d, error %d\n' \
    "$repo" "$r_total" "$r_ready" "$r_same" "$r_differ" "$r_noop" "$r_blocked" "$r_failed"
  total=$((total + r_total)) ready=$((ready + r_ready)) blocked=$((blocked + r_blocked)) failed=$((failed + r_failed))
  same=$((same + r_same)) differ=$((differ + r_differ)) noop=$((noop + r_noop))
done < hack/conformance/corpus.txt
printf 'TOTAL folders %d: ready %d (render same %d, differ %d; noop again %d), blocked %d, error %d | panics %d\n' \
  "$total" "$ready" "$same" "$differ" "$noop" "$blocked" "$failed" "$panics"
[[ "$panics" == 0 && "$differ" == 0 ]]
