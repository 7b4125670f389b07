#!/bin/sh
# The x86-64 KVM lane: a real Linux KVM (Debian's amd64 kernel, kvm-amd)
# inside a TCG guest, and in it the patched QEMU with -accel kvm.
#
# Usage: tests/kvm/lane-x86.sh [-o OUTER_QEMU] [-q QEMU] [-b BUILDDIR] \
#            [-t SECONDS] [-e NAME=VALUE]... [--] COMMAND [ARG]...
#
#   -o  the outer QEMU, which emulates the AMD SVM that kvm-amd runs on
#       (default: the patched QEMU; it needs qemu/patches/0010 and 0011 for
#       KVM's software and hardware breakpoints to exit)
#   -q  the QEMU that runs on KVM inside the lane (default: qemu/build.sh)
#   -b  the meson build directory (default: ./build): tests/guest/guest.elf
#       and tests/kvm/* programs come from there
#   -t  timeout of the whole run (default 600 s)
#   -e  an environment variable for COMMAND
#
# COMMAND runs inside the lane (L1) as root with /dev/kvm, in an
# environment where LIBVIRT_DEBUG_QEMU (the QEMU given by -q, at the same
# path inside), LIBVIRT_DEBUG_GUEST, LIBVIRT_DEBUG_GUEST64 and
# LIBVIRT_DEBUG_ACCEL=kvm are set.  A COMMAND that names a file of the
# build directory (tests/kvm/probe-x86, build/tests/qmp/test-qmp-debug...)
# runs from the same path inside.  Its output is relayed on stdout and
# this script exits with its status.  Prerequisites that cannot be had
# (no kernel package, no kvm-amd, no /dev/kvm in the lane) are errors,
# never a skip.
#
# How: L1 is Debian's amd64 kernel (linux-image-*-amd64, fetched with
# apt-get download and cached under ~/.cache/libvirt-debug/kvm-lane-x86)
# booted by the outer QEMU with -accel tcg -cpu max (AMD SVM) -smp 2
# -m 2048, with an initramfs holding busybox (busybox-static, same way),
# kvm.ko and kvm-amd.ko with their dependencies, the inner QEMU, its
# firmware (/usr/share/seabios, /usr/share/qemu) and the shared libraries
# of every binary brought in (their ldd closure, at their host paths).
# The console (ttyS0) is the only channel: COMMAND's output is framed by
# markers that this script strips.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
CACHE=${LIBVIRT_DEBUG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libvirt-debug}/kvm-lane-x86

die() {
    echo "lane-x86: error: $*" >&2
    exit 1
}
log() {
    echo "lane-x86: $*" >&2
}

OUTER=
INNER=
BUILDDIR=$SRCDIR/build
TIMEOUT=600
ENVS=
while getopts o:q:b:t:e: opt; do
    case $opt in
    o) OUTER=$OPTARG ;;
    q) INNER=$OPTARG ;;
    b) BUILDDIR=$OPTARG ;;
    t) TIMEOUT=$OPTARG ;;
    e) ENVS="$ENVS
export $(printf '%s' "$OPTARG" | sed "s/=\(.*\)/='\1'/")" ;;
    *) die "usage: $0 [-o OUTER_QEMU] [-q QEMU] [-b BUILDDIR] [-t SECONDS] [-e N=V] COMMAND..." ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "no COMMAND to run in the lane"

if [ -z "$INNER" ]; then
    INNER=$(sh "$SRCDIR/qemu/build.sh" | tail -n 1) || die "qemu/build.sh failed"
fi
[ -n "$OUTER" ] || OUTER=$INNER
INNER=$(readlink -f "$INNER")
OUTER=$(readlink -f "$OUTER")
BUILDDIR=$(cd "$BUILDDIR" && pwd) || die "no build directory $BUILDDIR"
GUEST=$BUILDDIR/tests/guest/guest.elf
GUEST64=$BUILDDIR/tests/guest/guest64.elf
[ -x "$INNER" ] || die "no QEMU at $INNER"
[ -x "$OUTER" ] || die "no outer QEMU at $OUTER"
[ -f "$GUEST" ] || die "no test guest at $GUEST (meson compile -C $BUILDDIR)"
for tool in apt-get apt-cache dpkg-deb cpio gzip ldd timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing"
done

# 1. Debian's kernel and busybox, downloaded once.
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock 9
if [ ! -f "$CACHE/base/.complete" ]; then
    ver=$(apt-cache depends linux-image-amd64 |
          awk '/Depends: linux-image-/{print $2; exit}')
    [ -n "$ver" ] || die "apt-cache knows no linux-image-amd64 (apt-get update?)"
    log "downloading $ver and busybox-static (apt-get download)"
    rm -rf "$CACHE/base" "$CACHE/dl"
    mkdir -p "$CACHE/dl" "$CACHE/base/x"
    (cd "$CACHE/dl" && apt-get download "$ver" busybox-static >&2) ||
        die "apt-get download $ver busybox-static failed"
    for d in "$CACHE"/dl/*.deb; do
        dpkg-deb -x "$d" "$CACHE/base/x"
    done
    cp "$CACHE"/base/x/boot/vmlinuz-* "$CACHE/base/vmlinuz"
    mkdir -p "$CACHE/base/m"
    K=$(ls -d "$CACHE"/base/x/lib/modules/*/kernel)
    for m in virt/lib/irqbypass drivers/crypto/ccp/ccp arch/x86/kvm/kvm \
             arch/x86/kvm/kvm-amd; do
        [ -f "$K/$m.ko" ] || die "the kernel package has no $m.ko"
        cp "$K/$m.ko" "$CACHE/base/m/"
    done
    cp "$CACHE/base/x/bin/busybox" "$CACHE/base/busybox"
    rm -rf "$CACHE/base/x" "$CACHE/dl"
    touch "$CACHE/base/.complete"
fi

# 2. The initramfs: built per run (a few seconds), it holds this run's
# binaries.
IR=$(mktemp -d "$CACHE/ir.XXXXXX")
trap 'rm -rf "$IR" "$IR.cpio.gz"' EXIT
mkdir -p "$IR/bin" "$IR/m" "$IR/proc" "$IR/sys" "$IR/dev" "$IR/tmp" "$IR/root"
cp "$CACHE/base/busybox" "$IR/bin/busybox"
cp "$CACHE"/base/m/*.ko "$IR/m/"

bring() {   # bring FILE: FILE at its own path, with its shared libraries
    mkdir -p "$IR$(dirname "$1")"
    cp -L "$1" "$IR$1"
    ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' |
    while read -r lib; do
        if [ ! -e "$IR$lib" ]; then
            mkdir -p "$IR$(dirname "$lib")"
            cp -L "$lib" "$IR$lib"
        fi
    done
}
bring "$INNER"
bring "$GUEST"
for b in $LANE_BRING; do bring "$(readlink -f "$b")"; done
[ -f "$GUEST64" ] && bring "$GUEST64"
for d in /usr/share/seabios /usr/share/qemu; do
    [ -d "$d" ] || die "no firmware in $d (packages seabios, qemu-system-data)"
done
mkdir -p "$IR/usr/share/seabios" "$IR/usr/share/qemu"
cp /usr/share/seabios/*.bin "$IR/usr/share/seabios/"
cp /usr/share/qemu/*.bin "$IR/usr/share/qemu/" 2>/dev/null || true
[ -f "$IR/usr/share/qemu/multiboot_dma.bin" ] ||
    die "no /usr/share/qemu/multiboot_dma.bin (package qemu-system-data)"
case $1 in
/*) cmd=$1 ;;
*) cmd=$(command -v "$1" 2>/dev/null || true)
   [ -n "$cmd" ] && [ -f "$cmd" ] || cmd=$(readlink -f "$1") ;;
esac
if [ -f "$cmd" ]; then
    cmd=$(readlink -f "$cmd")
    bring "$cmd"
    shift
    set -- "$cmd" "$@"
fi

{
    echo '#!/bin/busybox sh'
    echo 'export PATH=/bin HOME=/root TMPDIR=/tmp'
    echo "export LIBVIRT_DEBUG_QEMU='$INNER' LIBVIRT_DEBUG_GUEST='$GUEST'"
    echo "export LIBVIRT_DEBUG_GUEST64='$GUEST64' LIBVIRT_DEBUG_ACCEL=kvm"
    echo "$ENVS"
    printf 'cd /tmp\nexec'
    for a in "$@"; do
        printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
    done
    echo
} > "$IR/run"
cat > "$IR/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
# / is the initramfs (writable); /tmp stays on it so that brought files under /tmp remain visible
for m in irqbypass ccp kvm kvm-amd; do
    insmod /m/$m.ko || echo "@@LANE-ERROR insmod $m failed"
done
echo "@@LANE-UP $(cut -d' ' -f1 /proc/uptime)"
if [ ! -c /dev/kvm ]; then
    echo "@@LANE-ERROR no /dev/kvm in the lane: kvm-amd did not load (no SVM in the outer CPU?)"
    dmesg | tail -n 20
else
    sh /run 2>&1
    echo "@@LANE-RC $?"
fi
poweroff -f
INIT
chmod +x "$IR/init" "$IR/run"
(cd "$IR" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$IR.cpio.gz"

# 3. Boot it; relay what COMMAND printed.
flock -u 9
log "booting L1 ($OUTER, TCG, -cpu max) with $(du -m "$IR.cpio.gz" | cut -f1) MB of initramfs"
start=$(date +%s)
rc=$(
    timeout --foreground "$TIMEOUT" "$OUTER" -accel tcg -cpu max -smp 2 -m 2048 \
        -nodefaults -display none -serial stdio -no-reboot \
        -kernel "$CACHE/base/vmlinuz" -initrd "$IR.cpio.gz" \
        -append 'console=ttyS0 quiet panic=-1' </dev/null |
    tr -d '\r' |
    awk '
        /^@@LANE-UP/ { printf "lane-x86: L1 up (its uptime: %s s)\n", $2 > "/dev/stderr"; next }
        /^@@LANE-ERROR/ { sub(/^@@LANE-ERROR /, ""); print "lane-x86: error: " $0 > "/dev/stderr"; err = 1; next }
        /^@@LANE-RC/ { rc = $2; next }
        /reboot: Power down$/ { next }
        { print; fflush() }
        END { print (rc == "" ? (err ? 97 : 98) : rc) > "/dev/fd/3" }
    ' 3>&1 >&4
) 4>&1
log "L1 done after $(( $(date +%s) - start )) s"
case $rc in
98) die "the lane ended without COMMAND's status (timeout after $TIMEOUT s, or L1 crashed)" ;;
97) die "the lane could not run COMMAND" ;;
esac
exit "$rc"
