#!/bin/sh
# Runs the end-to-end suites again and again, to find the next flaky test
# before CI does, and prints how often each test case failed:
#
#   bench/e2e-stress.sh [-n ROUNDS] [-l] [-s] [-b BUILD_DIR] [TEST...]
#
#   -n ROUNDS  rounds (default 20); each round runs every TEST once
#   -l         load: one busy loop per core for the whole run, so that
#              timing windows the idle machine hides open up
#   -s         shuffle: each round runs the tests in a new random order
#              (one `meson test` per test), so no test relies on the one
#              before it
#   TEST       meson test names (default: every test of the e2e suite)
#
# Every round's meson log is kept under BUILD_DIR/meson-logs/stress/, so
# that each failure can be read in full: a failure needs a cause, never a
# retry.  The table counts TAP cases ("/e2e/cli/session-pty-ctrl-c") and
# whole tests that crashed or timed out.  Exit status: 1 if anything
# failed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
rounds=20
load=0
shuffle=0
build=$top/build
while getopts n:lsb: opt; do
    case $opt in
    n) rounds=$OPTARG ;;
    l) load=1 ;;
    s) shuffle=1 ;;
    b) build=$OPTARG ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

if [ $# -gt 0 ]; then
    tests="$*"
else
    # only the "project:suite / name" lines: ninja may print its own
    tests=$(meson test -C "$build" --no-rebuild --list --suite e2e 2>/dev/null |
            sed -n 's/^.* \/ *//p' | tr '\n' ' ')
fi
if [ -z "$tests" ]; then
    echo "e2e-stress: no e2e test in $build (run scripts/build.sh first)" >&2
    exit 2
fi

logs=$build/meson-logs/stress
rm -rf "$logs"
mkdir -p "$logs"

hogs=
stop_hogs() {
    for p in $hogs; do
        kill "$p" 2>/dev/null || true
    done
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM
if [ "$load" = 1 ]; then
    for _ in $(seq "$(nproc)"); do
        sh -c 'while :; do :; done' &
        hogs="$hogs $!"
    done
fi

echo "e2e-stress: $rounds rounds of: $tests"
echo "e2e-stress: load=$load shuffle=$shuffle; logs in $logs"
start=$(date +%s)
r=1
while [ "$r" -le "$rounds" ]; do
    if [ "$shuffle" = 1 ]; then
        order=$(printf '%s\n' $tests | shuf | tr '\n' ' ')
        n=0
        for t in $order; do
            n=$((n + 1))
            meson test -C "$build" --no-rebuild "$t" \
                >"$logs/round-$r-$n.out" 2>&1 || true
            cp "$build/meson-logs/testlog.json" "$logs/round-$r-$n.json"
        done
    else
        meson test -C "$build" --no-rebuild --num-processes 2 $tests \
            >"$logs/round-$r.out" 2>&1 || true
        cp "$build/meson-logs/testlog.json" "$logs/round-$r.json"
    fi
    echo "e2e-stress: round $r done after $(( $(date +%s) - start )) s"
    r=$((r + 1))
done

python3 - "$logs" "$rounds" <<'PY'
import glob, json, os, re, sys

logs, rounds = sys.argv[1], int(sys.argv[2])
runs = {}      # case -> number of runs
fails = {}     # case -> number of failures
where = {}     # case -> the first log that shows it failing
for path in sorted(glob.glob(os.path.join(logs, "round-*.json"))):
    for line in open(path):
        t = json.loads(line)
        name, result = t["name"], t["result"]
        cases = [l for l in t.get("stdout", "").splitlines()
                 if re.match(r"(not )?ok\b", l)]
        seen_fail = False
        for l in cases:
            m = re.match(r"(not )?ok \d+ (\S+)", l)
            case = f"{name} {m.group(2) if m else l}"
            runs[case] = runs.get(case, 0) + 1
            if l.startswith("not ok"):
                seen_fail = True
                fails[case] = fails.get(case, 0) + 1
                where.setdefault(case, path)
        whole = f"{name} (whole test: {result})"
        if result not in ("OK", "SKIP") and not seen_fail:
            fails[whole] = fails.get(whole, 0) + 1
            runs[whole] = runs.get(whole, 0) + 1
            where.setdefault(whole, path)

total_runs = sum(runs.values())
total_fails = sum(fails.values())
print(f"\n{len(runs)} test cases, {total_runs} runs, {total_fails} failures "
      f"in {rounds} rounds")
if fails:
    print(f"\n{'failures':>8}  {'runs':>5}  case (first failing log)")
    for case in sorted(fails, key=lambda c: -fails[c]):
        print(f"{fails[case]:>8}  {runs[case]:>5}  {case} "
              f"({os.path.basename(where[case])})")
sys.exit(1 if total_fails else 0)
PY
