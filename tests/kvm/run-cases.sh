#!/bin/sh
# Run a GLib test program one case at a time, as one TAP stream: in the
# KVM lane (tests/kvm/lane-x86.sh), where a failed assertion must not end
# the run, and the QEMU log of a failed case is shown.
#
# Usage: run-cases.sh PROGRAM [SKIPFILE]
#   SKIPFILE: lines "TESTPATH REASON": cases that cannot run on this
#   accelerator, reported as "ok N TESTPATH # SKIP REASON".
prog=$1
skips=${2:-/dev/null}
cases=$("$prog" -l 2>/dev/null | grep '^/')
n=0
for c in $cases; do
    n=$((n + 1))
done
echo "1..$n"
i=0
for c in $cases; do
    i=$((i + 1))
    reason=$(awk -v c="$c" '$1 == c { $1 = ""; sub(/^ /, ""); print; exit }' "$skips")
    if [ -n "$reason" ]; then
        echo "ok $i $c # SKIP $reason"
        continue
    fi
    rm -rf /tmp/ld-qemu-*
    t0=$(cut -d' ' -f1 /proc/uptime)
    # a hung case (a stop that never comes and no test timeout) must not
    # stall the whole run
    out=$(timeout "${CASE_TIMEOUT:-120}" "$prog" --tap -p "$c" 2>&1)
    rc=$?
    [ $rc -eq 143 ] && out="$out
timed out after ${CASE_TIMEOUT:-120} s"
    t1=$(cut -d' ' -f1 /proc/uptime)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    if [ $rc -eq 0 ] && echo "$out" | grep -q '^ok '; then
        echo "ok $i $c # ${secs} s"
    else
        echo "not ok $i $c # ${secs} s"
        echo "$out" | grep -v '^# \(Start\|End\) of' | sed 's/^/#   /'
        for f in /tmp/ld-qemu-*/qemu.log; do
            [ -s "$f" ] && sed 's/^/#   qemu: /' "$f"
        done
    fi
done
