#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer + ASan + UBSan) and runs each fuzz target, from seeds
# that the real encoders write, against a corpus kept in build/fuzz/corpus/ between runs.
#   tests/fuzz/run_fuzz.sh --seconds S   each target for S seconds (CI: 18, so under a minute in all)
#   tests/fuzz/run_fuzz.sh --runs N      each target for N executions (before resolving: 1000000)
# Exits non-zero on the first crash, leak, sanitizer report or broken property; libFuzzer leaves
# the input that did it as crash-*/leak-* in build/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=seconds value=18
case "${1:-}" in
  --seconds) mode=seconds value=${2:?} ;;
  --runs) mode=runs value=${2:?} ;;
  "") ;;
  *) echo "usage: $0 [--seconds S | --runs N]" >&2; exit 2 ;;
esac

for tool in clang++-14 cmake; do
  command -v "$tool" >/dev/null || { echo "run_fuzz: $tool not found: ./setup.sh deps installs it" >&2; exit 1; }
done

cmake --preset fuzz >/dev/null
# Only the targets (tandem_wire, which the fuzz tree also defines, is not fuzzed here).
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" --target fuzz-wire-decode fuzz-fragments fuzz-session-config make-fuzz-seeds >/dev/null

seeds=build/fuzz/seeds corpus=build/fuzz/corpus
rm -rf "$seeds"
build/fuzz/tests/fuzz/make-fuzz-seeds "$seeds"

status=0
for target in wire_decode fragments session_config; do
  exe=build/fuzz/tests/fuzz/fuzz-${target//_/-}
  case $target in wire_decode) seed=$seeds/wire ;; fragments) seed=$seeds/fragments ;; *) seed=$seeds/session_config ;; esac
  mkdir -p "$corpus/$target"
  if [ "$mode" = seconds ]; then limit=(-max_total_time="$value"); else limit=(-runs="$value"); fi
  log=build/fuzz/$target.log
  start=$(date +%s%N)
  # -rss_limit_mb: a leak or an unbounded buffer fails the run rather than the machine.
  if (cd build/fuzz && "../../$exe" "${limit[@]}" -rss_limit_mb=2048 -max_len=70000 -print_final_stats=1 \
        "../../$corpus/$target" "../../$seed") >"$log" 2>&1; then
    result=ok
  else
    result=FAILED status=1
  fi
  end=$(date +%s%N)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  ms=$(((end - start) / 1000000))
  printf '%-15s %s: %s executions in %d.%03d s, corpus %s inputs\n' "$target" "$result" "${runs:-?}" \
    $((ms / 1000)) $((ms % 1000)) "$(find "$corpus/$target" -type f | wc -l)"
  [ "$result" = ok ] || tail -n 40 "$log"
done
exit $status
