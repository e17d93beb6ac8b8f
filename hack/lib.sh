# Shared helpers of the hack/ scripts, sourced from the repository root: . hack/lib.sh

# best_of RUNS CMD...: runs CMD RUNS times and prints the fastest wall time in
# seconds. The command's output is discarded; its failure is not fatal (a
# check that finds problems exits non-zero).
best_of() {
  local runs=$1 best="" t0 t1 d
  shift
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true
    t1=$(date +%s.%N)
    d=$(echo "$t1 - $t0" | bc -l)
    if [[ -z "$best" ]] || (( $(echo "$d < $best" | bc -l) )); then best=$d; fi
  done
  printf '%.3f' "$best"
}

# go_tool DIR NAME MODULE@VERSION: installs a peer tool with `go install`
# into DIR/bin and prints its path.
go_tool() {
  local dir=$1 name=$2 module=$3
  echo "installing $module" >&2
  GOBIN="$dir/bin" go install "$module"
  echo "$dir/bin/$name"
}

# copy_builtin_rules DIR: writes ferry's built-in rules as Rego files into
# DIR (and DIR/lib), for the peer tools to run the same policy.
copy_builtin_rules() {
  local dir=$1
  mkdir -p "$dir/lib"
  cp policy/rules/*.rego "$dir/"
  cp policy/rules/lib/*.rego "$dir/lib/"
  rm -f "$dir"/*_test.rego "$dir"/lib/*_test.rego
}
