#!/usr/bin/env bash
# Lints the GitHub workflows of integrations/github with actionlint, as the
# .github/workflows of a copy of the repository: there actionlint also
# checks the inputs the self-test workflow gives the local action against
# integrations/github/action.yml. Needs only Go (actionlint is built from
# the module proxy, not a dependency of ferry).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/.git" "$tmp/.github/workflows"
cp -R integrations "$tmp/"
cp integrations/github/pull-request.yml integrations/github/promote-on-merge.yml \
  integrations/github/testdata/self-test.yml "$tmp/.github/workflows/"
cd "$tmp"
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 -shellcheck= -pyflakes=
