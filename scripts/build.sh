#!/bin/sh
# Build everything: the patched QEMU (cached by patch content, see
# qemu/build.sh) and the project itself, in ./build.  Prints nothing but
# progress; the patched QEMU's path is recorded in the meson option
# qemu_binary, so `meson test -C build` finds it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh scripts/setup.sh

qemu_binary=$(sh qemu/build.sh | tail -n 1)
if [ ! -x "$qemu_binary" ]; then
    echo "build: qemu/build.sh did not produce a QEMU binary" >&2
    exit 1
fi
echo "build: patched QEMU is $qemu_binary"

if [ -f build/build.ninja ]; then
    meson configure build -Dqemu_binary="$qemu_binary" >/dev/null
else
    meson setup build -Dqemu_binary="$qemu_binary" >/dev/null
fi
meson compile -C build >/dev/null || meson compile -C build
echo "build: project built in $top/build"
