#!/usr/bin/env bash
# The conformance harness: runs ferry and the tools it replaces on every
# repository of corpus.txt and compares them.
#
#   render    every kustomize root: `ferry render --mode kustomize` against
#             `kustomize build`, byte for byte. A root kustomize cannot build
#             offline must fail in ferry too, with an error naming a file.
#   flux      every Flux cluster folder (a folder holding
#             flux-system/gotk-sync.yaml): `ferry render --mode flux` against
#             `flux build kustomization flux-system --recursive --dry-run`,
#             with the sources flux-sources.txt maps by hand (ferry maps
#             ArtifactGenerators' artifacts by itself).
#   validate  every root kustomize builds: the per-object verdict of
#             `ferry validate` (valid, invalid, no schema) against
#             `kubeconform -strict` on the same output and the same schemas
#             (ferry's, exported in kubeconform's layout).
#   check     every root kustomize builds: `ferry check` with the built-in
#             image rules against `conftest test` of the same Rego.
#   plan      every pair of sibling environments (children of a folder named
#             overlays, envs, env, environments, stages or clusters), in name
#             order: `ferry plan`; a ready plan is applied to a copy of the
#             repository, the target must still build with kustomize, and a
#             second plan must be noop. A build of another environment that
#             the apply changed is counted as `collateral` (it fails the run
#             with STRICT_OWNERSHIP=1).
#   bump      every pair of sibling kustomize environments: a promotion the
#             project did not write (see bump below), planned, applied and
#             checked with kustomize.
#
# It prints one line per repository and a total, keeps every mismatch's
# evidence under OUT, and exits 1 on any mismatch, panic or hang.
#
# Usage (from the repository root):
#   hack/conformance/checkout.sh DIR    # once, needs GitHub
#   hack/conformance/run.sh DIR
# Environment: KUSTOMIZE, KUBECONFORM, CONFTEST, FLUX (binaries to use; the
# first three are installed with go install when unset; flux is built from
# its module when unset), OUT (evidence, default a temporary folder),
# TIMEOUT (seconds per command, default 120), ONLY (a regexp of
# repositories to run), STRICT_OWNERSHIP.
set -uo pipefail

KUSTOMIZE_VERSION=v5.8.2
KUBECONFORM_VERSION=v0.8.0
CONFTEST_VERSION=v0.71.1
FLUX_VERSION=v2.9.5

corpus_dir=$(cd "${1:?usage: $0 DIR (see hack/conformance/checkout.sh)}" && pwd) || exit 2
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=$PWD
# shellcheck source=hack/lib.sh
. hack/lib.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
OUT="${OUT:-$work/out}"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TIMEOUT="${TIMEOUT:-120}"

KUSTOMIZE="${KUSTOMIZE:-$(go_tool "$work" kustomize "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}")}"
KUBECONFORM="${KUBECONFORM:-$(go_tool "$work" kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}")}"
CONFTEST="${CONFTEST:-$(go_tool "$work" conftest "github.com/open-policy-agent/conftest@${CONFTEST_VERSION}")}"
if [[ -z "${FLUX:-}" ]]; then
  # The flux CLI cannot be installed with go install (its go.mod has replace
  # directives): build it from its module, with a placeholder for the
  # manifests it embeds.
  src=$(go mod download -json "github.com/fluxcd/flux2/v2@${FLUX_VERSION}" | jq -r .Dir)
  cp -r "$src" "$work/flux-src" && chmod -R u+w "$work/flux-src"
  mkdir -p "$work/flux-src/cmd/flux/manifests" && echo "# placeholder" > "$work/flux-src/cmd/flux/manifests/x.yaml"
  echo "building flux ${FLUX_VERSION}" >&2
  (cd "$work/flux-src" && go build -o "$work/bin/flux" ./cmd/flux) || exit 2
  FLUX="$work/bin/flux"
fi
go build -o "$work/ferry" ./cmd/ferry || exit 2
go test -c -o "$work/validate.test" ./validate || exit 2
FERRY="$work/ferry"
copy_builtin_rules "$work/rules"
"$work/validate.test" -test.run '^TestExportSchemas$' -export-schemas "$work/schemas" > /dev/null || exit 2

# run NAME CMD...: runs CMD with the timeout, output in $OUT/NAME.{out,err},
# and prints its exit code (124: timed out).
run() {
  local name=$1
  shift
  mkdir -p "$(dirname "$OUT/$name")"
  timeout "$TIMEOUT" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" < /dev/null
  echo $?
}

# problem KIND REPO WHAT: records a mismatch.
problem() {
  echo "$1 $2: $3" >> "$OUT/problems.txt"
  echo "  $1: $3" >&2
}

# ferry_trouble NAME: a panic or a hang of a ferry command.
ferry_trouble() { # name rc repo
  if grep -q '^panic:\|goroutine [0-9]* \[running\]' "$OUT/$1.err"; then
    problem panic "$3" "$1"; panics=$((panics + 1))
  fi
  if [[ "$2" == 124 ]]; then
    problem hang "$3" "$1"; hangs=$((hangs + 1))
  fi
}

# bump FROM TO SIBLINGS...: a promotion ferry did not shape. In a copy,
# `kustomize edit set image` moves the first semver-tagged image of FROM's
# build one patch version up; `ferry plan --only` that image must then be
# ready or blocked with a reason, and a ready plan, applied, must give TO
# the new tag, leave the build of every other sibling as the bump left it,
# and plan noop again.
bump() {
  local from=$1 to=$2
  shift 2
  local ref name tag newtag status n="$key/bump/${from//\//_}--${to//\//_}" copy="$work/bump"
  ref=$(grep -oE 'image: "?[a-z0-9][a-z0-9./_-]*(:[0-9]+)?/?[a-z0-9./_-]*:v?[0-9]+(\.[0-9]+)+"?$' "${built[$from]}" | sed 's/^image: //; s/"//g' | sort -u | head -1)
  [[ -n "$ref" ]] || { bumpskipped=$((bumpskipped + 1)); return; }
  name=${ref%:*} tag=${ref##*:}
  if ! grep -qF "image: $name:" "${built[$to]}" && ! grep -qF "image: \"$name:" "${built[$to]}"; then
    bumpskipped=$((bumpskipped + 1)) # the target does not run it: nothing to promote
    return
  fi
  newtag=$(echo "$tag" | awk -F. '{ $NF = $NF + 1; print }' OFS=.)
  rm -rf "$copy" && cp -a "$dir" "$copy"
  if ! (cd "$copy/$from" && "$KUSTOMIZE" edit set image "$name:$newtag" > /dev/null 2>&1) \
    || ! (cd "$copy" && "$KUSTOMIZE" build "$from" 2>/dev/null | grep -qF "$name:$newtag"); then
    bumpskipped=$((bumpskipped + 1)) # the source pins it where an images: entry does not reach
    return
  fi
  bumps=$((bumps + 1))
  if (cd "$copy" && "$KUSTOMIZE" build "$to" 2>/dev/null | grep -qF "$name:$newtag"); then
    # The target builds on the source: it runs the new tag already, and
    # the plan must say there is nothing to do.
    status=$(cd "$copy" && "$FERRY" plan --root . --from "$from" --to "$to" --only "$name" -o json 2>/dev/null | jq -r '.verdict.status // empty')
    if [[ "$status" == noop ]]; then
      bumpok=$((bumpok + 1))
    else
      mism=$((mism + 1)); problem bump "$repo" "$from -> $to ($name $tag -> $newtag): $to builds on $from and runs $newtag already, but the plan is '$status'"
    fi
    return
  fi
  declare -A before=()
  local o
  for o in "$@"; do
    [[ "$o" == "$to" ]] && continue
    before[$o]="$work/bump-before-${o//\//_}"
    (cd "$copy" && "$KUSTOMIZE" build "$o" > "${before[$o]}" 2>/dev/null)
  done
  local prc arc again
  prc=$(cd "$copy" && run "$n.plan" "$FERRY" plan --root . --from "$from" --to "$to" --only "$name" -o json --out "$OUT/$n.json")
  ferry_trouble "$n.plan" "$prc" "$repo"
  status=$(jq -r '.verdict.status // empty' "$OUT/$n.plan.out" 2>/dev/null)
  case "$prc/$status" in
    1/blocked)
      bumpblocked=$((bumpblocked + 1))
      echo "bump-blocked $repo: $from -> $to ($name $tag -> $newtag): $(jq -r '.verdict.reasons | join("; ")' "$OUT/$n.plan.out" | head -c 300)" >> "$OUT/bump-blocked.txt"
      return ;;
    0/ready) ;;
    *)
      mism=$((mism + 1)); problem bump "$repo" "$from -> $to ($name $tag -> $newtag): plan rc=$prc '$status' ($n.*)"
      return ;;
  esac
  arc=$(cd "$copy" && run "$n.apply" "$FERRY" apply --root . "$OUT/$n.json")
  ferry_trouble "$n.apply" "$arc" "$repo"
  again=$(cd "$copy" && "$FERRY" plan --root . --from "$from" --to "$to" --only "$name" -o json 2>/dev/null | jq -r '.verdict.status // empty')
  if [[ "$arc" != 0 || "$again" != noop ]] || ! (cd "$copy" && "$KUSTOMIZE" build "$to" 2>/dev/null | grep -qF "$name:$newtag"); then
    mism=$((mism + 1)); problem bump "$repo" "$from -> $to ($name $tag -> $newtag): apply rc=$arc, re-plan '$again', or $to does not run $newtag ($n.*)"
    return
  fi
  for o in "${!before[@]}"; do
    if ! (cd "$copy" && "$KUSTOMIZE" build "$o" 2>/dev/null | cmp -s - "${before[$o]}"); then
      mism=$((mism + 1)); problem bump "$repo" "$from -> $to ($name $tag -> $newtag) changed the build of $o ($n.*)"
      return
    fi
  done
  bumpok=$((bumpok + 1))
}

# stage_rank NAME: where an environment named NAME usually stands in a
# promotion order (dev before test before staging before production).
stage_rank() {
  case "$1" in
    *dev*|*sandbox*) echo 1 ;;
    *int*|*test*|*qa*) echo 2 ;;
    *uat*|*stag*|*preprod*|*pre-prod*|*canary*) echo 3 ;;
    *prod*|*live*) echo 4 ;;
    *) echo 5 ;;
  esac
}

names_a_file() { grep -qE '[A-Za-z0-9_.-]+\.(ya?ml|json)|[Kk]ustomization' "$1"; }

: > "$OUT/problems.txt"

fmt='%-46s %s\n'
grep -v '^#' hack/conformance/corpus.txt | while read -r repo commit _; do
  [[ -n "$repo" ]] || continue
  [[ -z "${ONLY:-}" || "$repo" =~ $ONLY ]] || continue
  dir="$corpus_dir/${repo/\//+}"
  key=${repo/\//+}
  if [[ ! -d "$dir" ]]; then
    problem missing "$repo" "no checkout at $dir (run hack/conformance/checkout.sh)"
    continue
  fi
  roots=0 parity=0 bothfail=0 mism=0 panics=0 hangs=0
  fluxn=0 fluxok=0 fluxunmapped=0 vobjs=0 vagree=0 cmsgs=0 cagree=0 croots=0
  plans=0 ready=0 noopafter=0 blocked=0 planerr=0 already=0 collateral=0
  bumps=0 bumpok=0 bumpblocked=0 bumpskipped=0
  declare -A built=()
  mapfile -t rootlist < <(cd "$dir" && find . -name .git -prune -o -type f \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) -printf '%h\n' | sed 's#^\./##; s#^\.$#.#' | sort -u)
  for r in "${rootlist[@]}"; do
    roots=$((roots + 1))
    n="$key/render/${r//\//_}"
    krc=$(cd "$dir" && run "$n.kustomize" "$KUSTOMIZE" build "$r")
    frc=$(cd "$dir" && run "$n.ferry" "$FERRY" render "$r" --root . --mode kustomize)
    ferry_trouble "$n.ferry" "$frc" "$repo"
    if [[ "$krc" == 0 && "$frc" == 0 ]]; then
      if cmp -s "$OUT/$n.kustomize.out" "$OUT/$n.ferry.out"; then
        parity=$((parity + 1)); built[$r]="$OUT/$n.kustomize.out"
      else
        mism=$((mism + 1)); problem render "$repo" "$r: ferry render differs from kustomize build ($n.*.out)"
      fi
    elif [[ "$krc" != 0 && "$frc" != 0 && "$frc" != 124 ]]; then
      if names_a_file "$OUT/$n.ferry.err"; then
        bothfail=$((bothfail + 1))
      else
        mism=$((mism + 1)); problem render "$repo" "$r: both fail, but ferry's error names no file ($n.ferry.err)"
      fi
    elif [[ "$krc" == 0 ]]; then
      mism=$((mism + 1)); problem render "$repo" "$r: kustomize builds it, ferry fails: $(head -c 300 "$OUT/$n.ferry.err")"
    else
      mism=$((mism + 1)); problem render "$repo" "$r: kustomize fails ($(head -c 200 "$OUT/$n.kustomize.err")), ferry renders it"
    fi
  done

  # Flux cluster folders.
  mapfile -t clusters < <(cd "$dir" && find . -name .git -prune -o -path '*/flux-system/gotk-sync.yaml' -printf '%h\n' | xargs -r -n1 dirname | sed 's#^\./##' | sort -u)
  # The ArtifactGenerators' ExternalArtifacts, as a person maps them.
  extra=$(awk -v r="$repo" '$1 == r { print $2 }' hack/conformance/flux-sources.txt)
  for c in "${clusters[@]}"; do
    fluxn=$((fluxn + 1))
    n="$key/flux/${c//\//_}"
    fdir=$dir
    if ! grep -q '^kind: Kustomization' "$dir/$c/flux-system/gotk-sync.yaml"; then
      # A placeholder that flux bootstrap fills in: both tools render a copy
      # holding the Kustomization bootstrap writes, which applies the folder.
      fdir="$work/flux-copy"
      rm -rf "$fdir" && cp -a "$dir" "$fdir"
      printf 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./%s\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n' "$c" > "$fdir/$c/flux-system/gotk-sync.yaml"
    fi
    xrc=$(cd "$fdir" && run "$n.flux" "$FLUX" build kustomization flux-system --path "./$c" \
      --kustomization-file "./$c/flux-system/gotk-sync.yaml" --dry-run --recursive \
      --local-sources "GitRepository/flux-system/flux-system=.${extra:+,$extra}")
    frc=$(cd "$fdir" && run "$n.ferry" "$FERRY" render "$c" --root . --mode flux)
    ferry_trouble "$n.ferry" "$frc" "$repo"
    # flux build ends its output with a document separator.
    if [[ "$xrc" == 0 && "$frc" == 0 ]] && (cat "$OUT/$n.ferry.out"; echo ---) | cmp -s "$OUT/$n.flux.out" -; then
      fluxok=$((fluxok + 1))
    elif [[ "$xrc" != 0 && "$frc" != 0 && "$frc" != 124 ]] && names_a_file "$OUT/$n.ferry.err"; then
      fluxok=$((fluxok + 1))
    elif grep -q 'cannot get local path for' "$OUT/$n.flux.err" && grep -q '\[flux-source\]' "$OUT/$n.ferry.err"; then
      # A source outside the repository (OCIRepository, ExternalArtifact,
      # another GitRepository): flux build cannot build the folder offline;
      # ferry renders the rest and names each such Kustomization's file.
      fluxunmapped=$((fluxunmapped + 1))
    else
      mism=$((mism + 1)); problem flux "$repo" "$c: flux build rc=$xrc, ferry rc=$frc, outputs differ ($n.*)"
    fi
  done

  # Validate and check, on what kustomize built.
  for r in "${!built[@]}"; do
    f="$work/input.yaml" # kubeconform reads only files named .yaml, .yml or .json
    cp "${built[$r]}" "$f"
    n="$key/validate/${r//\//_}"
    schemas="$work/schemas"
    if grep -q '^kind: CustomResourceDefinition' "$f"; then
      schemas="$work/schemas-crds"
      rm -rf "$schemas"
      "$work/validate.test" -test.run '^TestExportSchemas$' -export-schemas "$schemas" -export-crds "$f" > /dev/null 2>&1 \
        || cp -r "$work/schemas" "$schemas" # CRDs ferry cannot derive: both tools see the built-in schemas only
    fi
    (run "$n.kubeconform" "$KUBECONFORM" -strict -verbose -output json \
      -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$f") > /dev/null
    frc=$(run "$n.ferry" "$FERRY" validate -o json --toolchain-schemas=false "$f")
    ferry_trouble "$n.ferry" "$frc" "$repo"
    # Per object: valid, invalid or noschema, keyed kind/name.
    jq -r '.resources[]? | select(.kind != "") | "\(.version | if test("/") then sub("/.*"; "") else "" end)/\(.kind)/\(.name) " + (if .status == "statusValid" then "valid"
      elif .status == "statusInvalid" then "invalid"
      elif (.msg // "" | test("could not find schema")) then "noschema"
      elif .status == "statusSkipped" then "skipped" else "invalid" end)' \
      "$OUT/$n.kubeconform.out" 2>/dev/null | sort > "$OUT/$n.kubeconform.verdicts"
    jq -r --slurpfile k <(jq -c '[.resources[]? | select(.kind != "") | "\(.version | if test("/") then sub("/.*"; "") else "" end)/\(.kind)/\(.name)"]' "$OUT/$n.kubeconform.out" 2>/dev/null || echo '[]') '
      ([.findings[]? | select(.rule == "schema" or .rule == "missing-schema")
        | {key: "\(.object.group // "")/\(.object.kind)/\(.object.name)", value: (if .rule == "schema" then "invalid" else "noschema" end)}]
        | group_by(.key) | map({key: .[0].key, value: (if any(.[]; .value == "invalid") then "invalid" else "noschema" end)}) | from_entries) as $v
      | $k[0][] | "\(.) \($v[.] // "valid")"' "$OUT/$n.ferry.out" 2>/dev/null | sort > "$OUT/$n.ferry.verdicts"
    k=$(wc -l < "$OUT/$n.kubeconform.verdicts")
    a=$(comm -12 "$OUT/$n.kubeconform.verdicts" "$OUT/$n.ferry.verdicts" | wc -l)
    vobjs=$((vobjs + k)); vagree=$((vagree + a))
    if [[ "$k" != "$a" ]]; then
      mism=$((mism + 1)); problem validate "$repo" "$r: $((k - a)) of $k verdicts differ ($n.*.verdicts)"
    fi

    n="$key/check/${r//\//_}"
    run "$n.conftest" "$CONFTEST" test --all-namespaces -p "$work/rules" -o json "$f" > /dev/null
    frc=$(run "$n.ferry" "$FERRY" check --no-builtins --all-namespaces -p "$work/rules" -o json "$f")
    ferry_trouble "$n.ferry" "$frc" "$repo"
    jq -r '.. | objects | .msg? // empty' "$OUT/$n.conftest.out" 2>/dev/null | sort > "$OUT/$n.conftest.msgs"
    jq -r '.. | objects | .msg? // empty' "$OUT/$n.ferry.out" 2>/dev/null | sort > "$OUT/$n.ferry.msgs"
    croots=$((croots + 1)); cmsgs=$((cmsgs + $(wc -l < "$OUT/$n.conftest.msgs")))
    if cmp -s "$OUT/$n.conftest.msgs" "$OUT/$n.ferry.msgs"; then
      cagree=$((cagree + 1))
    else
      mism=$((mism + 1)); problem check "$repo" "$r: ferry check and conftest report different messages ($n.*.msgs)"
    fi
  done

  # Plans between sibling environments.
  mapfile -t parents < <(cd "$dir" && find . -name .git -prune -o -type d \( -name overlays -o -name envs -o -name env -o -name environments -o -name stages -o -name clusters \) -print | sed 's#^\./##' | sort)
  for p in "${parents[@]}"; do
    envs=()
    while read -r _ e; do
      if [[ -n "${built[$e]:-}" || -f "$dir/$e/flux-system/gotk-sync.yaml" ]]; then envs+=("$e"); fi
    done < <(for e in "$dir/$p"/*/; do e=${e%/}; e=${e#"$dir/"}; echo "$(stage_rank "${e##*/}") $e"; done | sort)
    for ((i = 0; i + 1 < ${#envs[@]}; i++)); do
      from=${envs[$i]} to=${envs[$((i + 1))]}
      plans=$((plans + 1))
      n="$key/plan/${from//\//_}--${to//\//_}"
      copy="$work/copy"
      rm -rf "$copy" && cp -a "$dir" "$copy"
      prc=$(cd "$copy" && run "$n.plan" "$FERRY" plan --root . --from "$from" --to "$to" -o json --out "$OUT/$n.json")
      ferry_trouble "$n.plan" "$prc" "$repo"
      status=$(jq -r '.verdict.status // empty' "$OUT/$n.plan.out" 2>/dev/null)
      case "$prc/$status" in
        0/noop) already=$((already + 1)) ;;
        1/*) blocked=$((blocked + 1)) ;;
        0/ready)
          ready=$((ready + 1))
          arc=$(cd "$copy" && run "$n.apply" "$FERRY" apply --root . "$OUT/$n.json")
          ferry_trouble "$n.apply" "$arc" "$repo"
          trc=$(cd "$copy" && run "$n.target" "$KUSTOMIZE" build "$to")
          rrc=$(cd "$copy" && run "$n.replan" "$FERRY" plan --root . --from "$from" --to "$to" -o json)
          ferry_trouble "$n.replan" "$rrc" "$repo"
          again=$(jq -r '.verdict.status // empty' "$OUT/$n.replan.out" 2>/dev/null)
          if [[ "$arc" == 0 && "$again" == noop ]] && [[ "$trc" == 0 || ! -n "${built[$to]:-}" ]]; then
            noopafter=$((noopafter + 1))
          else
            mism=$((mism + 1)); problem plan "$repo" "$from -> $to: apply rc=$arc, target build rc=$trc, re-plan '$again' ($n.*)"
          fi
          for o in "${!built[@]}"; do
            [[ "$o" == "$to" || "$o" == "$to"/* || "$o" == "." ]] && continue
            (cd "$copy" && timeout "$TIMEOUT" "$KUSTOMIZE" build "$o" 2>/dev/null | cmp -s - "${built[$o]}") && continue
            collateral=$((collateral + 1))
            echo "collateral $repo: $from -> $to changed the build of $o" >> "$OUT/collateral.txt"
            if [[ -n "${STRICT_OWNERSHIP:-}" ]]; then mism=$((mism + 1)); problem plan "$repo" "$from -> $to changed the build of $o"; fi
          done
          ;;
        *) planerr=$((planerr + 1)); echo "plan-error $repo: $from -> $to: $(head -c 300 "$OUT/$n.plan.err")" >> "$OUT/plan-errors.txt" ;;
      esac
      [[ -n "${built[$from]:-}" && -n "${built[$to]:-}" ]] && bump "$from" "$to" "${envs[@]}"
    done
  done

  printf "$fmt" "$repo" "roots $roots: parity $parity, both fail $bothfail | flux $fluxok/$fluxn (unmapped sources $fluxunmapped) | validate $vagree/$vobjs objects | check $cagree/$croots roots, $cmsgs msgs | plans $plans: ready $ready (noop after apply $noopafter, collateral $collateral), noop $already, blocked $blocked, error $planerr | bumps $bumps: promoted $bumpok, blocked $bumpblocked (skipped $bumpskipped) | mismatches $mism, panics $panics, hangs $hangs"
  echo "$roots $parity $bothfail $fluxn $fluxok $vobjs $vagree $croots $cagree $cmsgs $plans $ready $noopafter $collateral $already $blocked $planerr $mism $panics $hangs $fluxunmapped $bumps $bumpok $bumpblocked $bumpskipped" >> "$OUT/totals.txt"
done

awk '{for (i = 1; i <= NF; i++) s[i] += $i} END {
  printf "%-46s roots %d: parity %d, both fail %d | flux %d/%d (unmapped sources %d) | validate %d/%d objects | check %d/%d roots, %d msgs | plans %d: ready %d (noop after apply %d, collateral %d), noop %d, blocked %d, error %d | bumps %d: promoted %d, blocked %d (skipped %d) | mismatches %d, panics %d, hangs %d\n",
    "TOTAL", s[1], s[2], s[3], s[5], s[4], s[21], s[7], s[6], s[9], s[8], s[10], s[11], s[12], s[13], s[14], s[15], s[16], s[17], s[22], s[23], s[24], s[25], s[18], s[19], s[20]
}' "$OUT/totals.txt" 2>/dev/null || echo "TOTAL: nothing ran"
if [[ -s "$OUT/problems.txt" ]]; then
  echo "$(wc -l < "$OUT/problems.txt") problems; evidence in $OUT (set OUT to keep it)" >&2
  [[ -n "${KEEP_OUT:-}" ]] || true
  exit 1
fi
