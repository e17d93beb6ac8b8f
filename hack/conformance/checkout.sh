#!/usr/bin/env bash
# Clones every repository of corpus.txt at its pinned commit into
# DIR/<owner>+<name>, for run.sh. Needs network access to GitHub; an
# existing checkout is left as it is.
#
# Usage (from anywhere): hack/conformance/checkout.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
grep -v '^#' "$here/corpus.txt" | while read -r repo commit _; do
  [[ -n "$repo" ]] || continue
  dest="$dir/${repo/\//+}"
  if [[ -d "$dest" ]]; then
    echo "have $repo" >&2
    continue
  fi
  echo "cloning $repo at $commit" >&2
  git init -q "$dest"
  git -C "$dest" fetch -q --depth 1 "https://github.com/$repo" "$commit"
  git -C "$dest" checkout -q FETCH_HEAD
  rm -rf "$dest/.git" # the harness reads files only; a .git of its own would make it the root anyway
done
