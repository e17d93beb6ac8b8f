#!/usr/bin/env bash
# Regenerates validate/testdata/parity/kubeconform.json: the verdicts of the
# kubeconform CLI, with -strict, on the parity fixtures
# (validate/testdata/parity/*.yaml), checking against the very schemas ferry
# uses: the embedded schemas of the newest Kubernetes version and the schemas
# ferry derives from the fixture CRDs, exported in kubeconform's layout by
# `go test ./validate -run TestExportSchemas`. validate's TestKubeconformParity
# then checks that ferry reaches the same verdict on every object.
#
# Usage (from the repository root):
#   hack/update-validate-parity.sh
#   KUBECONFORM=/path/to/kubeconform hack/update-validate-parity.sh   # reuse a binary
set -euo pipefail

KUBECONFORM_VERSION=v0.8.0

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
. hack/lib.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

KUBECONFORM="${KUBECONFORM:-$(go_tool "$work" kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}")}"

go test ./validate -run '^TestExportSchemas$' -count=1 -args \
  -export-schemas "$work/schemas" \
  -export-crds testdata/crds/flux,testdata/parity/custom-resources.yaml

cd validate/testdata/parity
set +e
"$KUBECONFORM" -strict -n 1 -verbose -output json \
  -schema-location "$work/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  ./*.yaml > "$work/out.json"
rc=$?
set -e
if (( rc > 1 )); then
  cat "$work/out.json" >&2
  echo "error: kubeconform exited with $rc" >&2
  exit 1
fi
# The schema directory is temporary: name it SCHEMAS in the golden file.
sed "s#${work}/schemas#SCHEMAS#g" "$work/out.json" > kubeconform.json
echo "wrote validate/testdata/parity/kubeconform.json" >&2
