#!/bin/sh
# The QMP soak of tests/qmp/test-qmp-soak.c for longer than its 20 s in
# the qmp suite:
#
#   bench/qmp-soak.sh [BUILD_DIR] [SECONDS] [SEED]
#
# BUILD_DIR defaults to ./build, SECONDS to 600; SEED replays a run (the
# seed is printed at the start, and again with each client's last
# commands when an invariant breaks).  It prints the test's own report:
# the seed, each client's command count, and the failure if any.  Exit
# status: the test's.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
seconds=${2:-600}
seed=${3:-}

# what meson's test_env gives the test
qemu=$(meson introspect "$build" --buildoptions |
       python3 -c 'import json, sys
print([o["value"] for o in json.load(sys.stdin) if o["name"] == "qemu_binary"][0])')

LIBVIRT_DEBUG_QEMU=$qemu \
LIBVIRT_DEBUG_GUEST=$build/tests/guest/guest.elf \
LIBVIRT_DEBUG_SOAK_SECONDS=$seconds \
LIBVIRT_DEBUG_SOAK_SEED=$seed \
G_DEBUG=fatal-criticals \
    exec "$build/tests/qmp/test-qmp-soak" --tap
