#!/usr/bin/env bash
# Fuzzing (tests/fuzz/README.md): builds the libFuzzer targets with clang-15 (ASan + UBSan) into
# build-fuzz/ — installing clang-15 and libfuzzer-15-dev with apt-get when missing — then fuzzes
# every target (or the named ones) for SECONDS each, one after another on one core (nice 10),
# starting from the seed corpora in tests/fuzz/corpus/. New inputs are kept in
# build-fuzz/fuzz-corpus/<target>/; a crash is written to build-fuzz/fuzz-artifacts/ and makes the
# script fail. Ends with a table: executions, executions/s, coverage (edges), features, corpus.
#
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]         default 60 s per target, every target
#        tools/fuzz.sh --build-only                    build build-fuzz/; then `ctest --test-dir
#                                                      build-fuzz -L fuzz` runs each target 60 s
#        tools/fuzz.sh --run SECONDS BUILD_DIR TARGET  one built target (what those tests call)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TARGETS_ALL=(scenario call matrix trace reference gate live audio rtp_jitter opus_packet pesq windows)

max_len() {
  case "$1" in
    audio) echo 65536 ;; pesq) echo 200000 ;; opus_packet) echo 1500 ;; trace) echo 16384 ;;
    *) echo 16384 ;;
  esac
}

# Seconds one input may take before libFuzzer calls it a hang: the call target runs a call with
# P.862 (about 0.1 s in a release build, some seconds with ASan on a busy machine).
unit_timeout() {
  case "$1" in call) echo 120 ;; *) echo 30 ;; esac
}

# fuzz_one SECONDS BUILD_DIR TARGET: runs one target; prints its summary line to stdout.
fuzz_one() {
  local seconds="$1" build="$2" t="$3"
  local corpus="$build/fuzz-corpus/$t" artifacts="$build/fuzz-artifacts" log="$build/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$artifacts" "$build/fuzz-logs"
  local dict=()
  case "$t" in scenario | call | matrix | gate) dict=(-dict=tests/fuzz/json.dict) ;; esac
  local rc=0
  [ -x /usr/lib/llvm-15/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-15/bin/llvm-symbolizer
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    nice -n 10 "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="$(unit_timeout "$t")" -report_slow_units=60 -rss_limit_mb=3072 \
      -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "${dict[@]}" \
      "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  local runs execs cov ft corp
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  execs=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2 || echo 0)
  printf '%-12s %6ss %12s %8s/s  cov %6s  ft %7s  corpus %-10s %s\n' "$t" "$seconds" "$runs" "$execs" \
    "$cov" "$ft" "$corp" "$([ $rc -eq 0 ] && echo ok || echo "FAILED (rc $rc, see $log)")"
  return $rc
}

if [ "${1:-}" = "--run" ]; then
  cd "$ROOT"
  fuzz_one "$2" "$3" "$4"
  exit $?
fi

BUILD_ONLY=0
if [ "${1:-}" = "--build-only" ]; then
  BUILD_ONLY=1
  shift
fi
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${TARGETS_ALL[@]}")

missing=()
for p in clang-15 libfuzzer-15-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "fuzz: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD=build-fuzz
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
CC=clang-15 CXX=clang++-15 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCALLSIM_FUZZ=ON \
  "${LAUNCHER[@]}" >/dev/null
targets_to_build=()
for t in "${TARGETS[@]}"; do targets_to_build+=("fuzz_$t"); done
nice -n 10 cmake --build "$BUILD" -j"${FUZZ_BUILD_JOBS:-1}" --target "${targets_to_build[@]}"
[ $BUILD_ONLY -eq 1 ] && exit 0

status=0
for t in "${TARGETS[@]}"; do fuzz_one "$SECONDS_PER_TARGET" "$BUILD" "$t" || status=1; done
[ $status -eq 0 ] || echo "fuzz: a target failed; inputs that crash are in $BUILD/fuzz-artifacts/" >&2
exit $status
