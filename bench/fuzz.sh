#!/bin/sh
# Long runs of the libFuzzer harnesses of tests/fuzz/, one after the other,
# and a table of what they did:
#
#   bench/fuzz.sh [BUILD_DIR] [SECONDS_PER_HARNESS] [HARNESS...]
#
# FUZZ_RUNS=N (environment) also stops each harness after N executions,
# whichever comes first: FUZZ_RUNS=10000000 bench/fuzz.sh build 7200 is
# the 10^7 run, with a two-hour bound per harness.
#
# BUILD_DIR defaults to ./build, SECONDS_PER_HARNESS to 600, the harnesses
# to all of them (debugxml, qmp-event, qmp-reply, rsp-packet, rsp-session:
# those with a seed corpus in tests/fuzz/corpus/).  Each runs from its seed corpus in libFuzzer's fork mode
# with one child at a time (-fork=1 -ignore_crashes=1): a crash is counted
# and fuzzing goes on from the corpus gathered so far, so a harness that
# keeps finding one known defect still fuzzes for its whole budget.
#
# Per harness it prints: executions, crashes (inputs that crashed, timed
# out, ran out of memory or leaked; kept under $FUZZ_OUT, default
# BUILD_DIR/fuzz-bench/), the distinct reasons behind them (each input is
# replayed and its first invariant or sanitizer line taken), and coverage:
# libFuzzer's cov (edges) and ft (features) at the end.  Nothing is
# asserted: it is a benchmark; the short runs of the `fuzz` suite fail on
# a crash.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
seconds=${2:-600}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-$build/fuzz-bench}
runs=${FUZZ_RUNS:--1}
case $runs in
    -1|[1-9]*) ;;
    *) echo "fuzz.sh: FUZZ_RUNS must be a number of executions, not '$runs'" >&2
       exit 1 ;;
esac

if [ $# -gt 0 ]; then
    harnesses="$*"
else
    # every harness has a seed corpus
    harnesses=$(ls "$top/tests/fuzz/corpus")
fi
for name in $harnesses; do
    if [ ! -x "$build/tests/fuzz/fuzz-$name" ]; then
        echo "fuzz.sh: no $build/tests/fuzz/fuzz-$name (is clang installed" \
             "and the build dir configured after it?)" >&2
        exit 1
    fi
done

table=""
for name in $harnesses; do
    exe=$build/tests/fuzz/fuzz-$name
    dir=$out/$name
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    echo "fuzz.sh: $name for $seconds s" >&2
    # nice: the machine stays usable; one child process at a time
    # (libFuzzer's fork mode counts -runs over all its children)
    nice "$exe" -fork=1 -ignore_crashes=1 -max_total_time="$seconds" \
        -runs="$runs" \
        -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" "$top/tests/fuzz/corpus/$name" >"$dir/log" 2>&1 || true

    last=$(grep -E '^#[0-9]+: cov: ' "$dir/log" | tail -n 1)
    execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    secs=$(echo "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
    # every crash, timeout, oom or leak leaves its input; a "slow-unit"
    # is an input that ran long once, which on a loaded machine is the
    # machine: not counted (replaying one says whether it is slow)
    crashes=$(ls "$dir/artifacts" | grep -cv '^slow-unit-' || true)

    # the distinct reasons behind the crashes
    reasons=""
    for f in "$dir"/artifacts/*; do
        [ -f "$f" ] || continue
        case ${f##*/} in slow-unit-*) continue ;; esac
        r=$("$exe" "$f" 2>&1 | grep -m 1 -E "invariant|ERROR: (Address|Leak|Undefined)|runtime error|SUMMARY" |
            sed 's/^.*\(tests\/fuzz\/\)/\1/; s/error message .*/(message)/' || true)
        reasons=$(printf '%s\n%s' "$reasons" "$r")
    done
    distinct=$(printf '%s' "$reasons" | grep -v '^$' | sort | uniq -c || true)

    table="$table$(printf '%-12s %12s %8s %6s %6s %6s %6s' "$name" \
        "${execs:-?}" "$crashes" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$secs")
"
    if [ -n "$distinct" ]; then
        table="$table$(printf '%s\n' "$distinct" | sed 's/^ */             /')
"
    fi
done

printf '%-12s %12s %8s %6s %6s %6s %6s\n' harness executions crashes cov ft corpus secs
printf '%s' "$table"
