#!/bin/sh
# README command 2: set everything up, build, and run every test (unit
# tests, the QMP tests against the patched QEMU, and the end-to-end tests
# through real libvirt).  Extra arguments go to `meson test`, e.g.
# `scripts/test.sh --suite conf`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh scripts/build.sh
exec meson test -C build --print-errorlogs --num-processes 2 "$@"
