# Shared helpers of the bench scripts, sourced from the repository root: . hack/lib.sh

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
