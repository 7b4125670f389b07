#!/bin/sh
# Build the patched qemu-system-x86_64 with the QMP debug API.
#
# Usage: qemu/build.sh
#
# Gets Debian's qemu source package (apt-get source; scripts/setup.sh adds
# the deb-src entries and the build dependencies), checks that it is QEMU
# 7.2.x, lets dpkg-source apply Debian's own patch series, adds our files
# (qemu/qapi/debug.json -> qapi/debug.json, qemu/debug/qmp-debug.c ->
# softmmu/qmp-debug.c and its companions: see FILE_MAP) and our patches
# (qemu/patches/*.patch, in order), and builds only qemu-system-x86_64
# (TCG and KVM, no docs, no blobs; firmware from the seabios and
# qemu-system-data packages).
#
# The result is cached, keyed by a hash of everything under qemu/:
#   ${LIBVIRT_DEBUG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libvirt-debug}/qemu-<hash>/qemu-system-x86_64
# A cache hit returns at once.  The downloaded source and one work tree
# with its build directory are kept too, so a changed patch rebuilds
# incrementally: only the files our patches touch are ever rewritten.
#
# Progress goes to stderr; the last line of stdout is the absolute path of
# the binary.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${LIBVIRT_DEBUG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libvirt-debug}

log() {
    echo "qemu/build.sh: $*" >&2
}

die() {
    echo "qemu/build.sh: error: $*" >&2
    exit 1
}

# Where our files go in the QEMU tree: "<ours> <theirs>" per line.
FILE_MAP="qapi/debug.json qapi/debug.json
debug/qmp-debug.c softmmu/qmp-debug.c
debug/qmp-debug-internal.h softmmu/qmp-debug-internal.h
debug/debug-lease.c softmmu/qmp-debug-lease.c
debug/debug-channel.c softmmu/qmp-debug-channel.c
debug/debug-agent-expr.c softmmu/qmp-debug-agent-expr.c
debug/debug-trace.c softmmu/qmp-debug-trace.c"

CONFIGURE_ARGS="--target-list=x86_64-softmmu --without-default-features
    --enable-tcg --enable-kvm --disable-docs --disable-install-blobs
    --firmwarepath=/usr/share/seabios:/usr/share/qemu"

content_hash() {
    (
        cd "$HERE"
        find . -type f | LC_ALL=C sort | while IFS= read -r f; do
            printf '%s\n' "$f"
            sha256sum < "$f"
        done
        # the configuration is part of the result too
        echo "$CONFIGURE_ARGS"
    ) | sha256sum | cut -c1-16
}

HASH=$(content_hash)
OUT_DIR=$CACHE/qemu-$HASH
OUT=$OUT_DIR/qemu-system-x86_64

if [ -x "$OUT" ]; then
    echo "$OUT"
    exit 0
fi

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
OUT_DIR=$CACHE/qemu-$HASH
OUT=$OUT_DIR/qemu-system-x86_64

# One build at a time per cache directory.
exec 9>"$CACHE/build.lock"
if ! flock -n 9; then
    log "waiting for another build in $CACHE"
    flock 9
fi
if [ -x "$OUT" ]; then
    echo "$OUT"
    exit 0
fi

for tool in apt-get dpkg-source patch ninja cc; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' is missing; run scripts/setup.sh first"
done

# 1. The source package, downloaded and extracted once.
SRC=$CACHE/source
if [ ! -f "$SRC/.complete" ]; then
    log "fetching Debian's qemu source package (apt-get source qemu)"
    rm -rf "$SRC"
    mkdir -p "$SRC/dl"
    if ! (cd "$SRC/dl" && apt-get source --download-only qemu >&2); then
        die "apt-get source qemu failed: are deb-src entries configured? (scripts/setup.sh adds them, then apt-get update)"
    fi
    dsc=$(ls "$SRC"/dl/qemu_*.dsc 2>/dev/null | head -n 1)
    [ -n "$dsc" ] || die "apt-get source qemu downloaded no .dsc file"
    version=$(sed -n 's/^Version: //p' "$dsc" | head -n 1)
    case "$version" in
    7.2*|[0-9]:7.2*) ;;
    *) die "Debian's qemu source package is version '$version', but the QMP debug patch is for QEMU 7.2.x (Debian bookworm); point deb-src at bookworm" ;;
    esac
    log "extracting $version and applying Debian's patch series"
    dpkg-source --no-check -x "$dsc" "$SRC/tree" >&2 ||
        die "dpkg-source -x $dsc failed"
    echo "$version" > "$SRC/version"
    touch "$SRC/.complete"
fi
upstream=$(cat "$SRC/tree/VERSION" 2>/dev/null || true)
case "$upstream" in
7.2.*|7.2) ;;
*) die "the QEMU source in $SRC/tree is version '$upstream', not 7.2.x; delete $SRC to fetch it again" ;;
esac
SOURCE_ID=$(cat "$SRC/version")

# 2. The work tree: a copy of the source in which only the files that our
# patches and files touch differ, so that unchanged files keep their
# timestamps and the build stays incremental.
WORK=$CACHE/work
WSRC=$WORK/src
BUILD=$WORK/build
if [ ! -f "$WORK/.complete" ] || [ "$(cat "$WORK/source-id" 2>/dev/null)" != "$SOURCE_ID" ]; then
    log "creating the work tree $WORK"
    rm -rf "$WORK"
    mkdir -p "$WORK"
    cp -a "$SRC/tree" "$WSRC"
    echo "$SOURCE_ID" > "$WORK/source-id"
    : > "$WORK/touched"
    touch "$WORK/.complete"
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

# Files the patches touch, from their "+++ b/<path>" lines.
: > "$STAGE/.touched"
for p in "$HERE"/patches/*.patch; do
    [ -e "$p" ] || continue
    sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p" >> "$STAGE/.touched"
done
echo "$FILE_MAP" | while read -r ours theirs; do
    echo "$theirs" >> "$STAGE/.touched"
done

# Stage: pristine copies of the patched files, then our patches on top.
mkdir -p "$STAGE/tree"
sort -u "$STAGE/.touched" | while IFS= read -r f; do
    if [ -f "$SRC/tree/$f" ]; then
        mkdir -p "$STAGE/tree/$(dirname "$f")"
        cp "$SRC/tree/$f" "$STAGE/tree/$f"
    fi
done
for p in "$HERE"/patches/*.patch; do
    [ -e "$p" ] || continue
    log "applying $(basename "$p")"
    patch -s -p1 --no-backup-if-mismatch -d "$STAGE/tree" < "$p" >&2 ||
        die "$(basename "$p") does not apply to QEMU $SOURCE_ID"
done
echo "$FILE_MAP" | while read -r ours theirs; do
    [ -f "$HERE/$ours" ] || die "qemu/$ours is missing"
    mkdir -p "$STAGE/tree/$(dirname "$theirs")"
    cp "$HERE/$ours" "$STAGE/tree/$theirs"
done

# Sync the work tree: files touched now get the staged content, files
# touched only by an earlier build go back to pristine.
sort -u "$STAGE/.touched" "$WORK/touched" > "$STAGE/.union"
cp "$STAGE/.union" "$WORK/touched"     # a superset, in case we are killed
while IFS= read -r f; do
    if [ -f "$STAGE/tree/$f" ]; then
        want=$STAGE/tree/$f
    elif [ -f "$SRC/tree/$f" ]; then
        want=$SRC/tree/$f
    else
        rm -f "$WSRC/$f"
        continue
    fi
    if ! cmp -s "$want" "$WSRC/$f"; then
        log "updating $f"
        mkdir -p "$WSRC/$(dirname "$f")"
        cp "$want" "$WSRC/$f"
    fi
done < "$STAGE/.union"
sort -u "$STAGE/.touched" > "$WORK/touched"

# 3. Configure once, then let ninja do incremental builds.
if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring QEMU in $BUILD"
    rm -rf "$BUILD"
    mkdir -p "$BUILD"
    # shellcheck disable=SC2086
    if ! (cd "$BUILD" && "$WSRC/configure" $CONFIGURE_ARGS >&2); then
        rm -rf "$BUILD"
        die "QEMU's configure failed (missing build dependencies? run scripts/setup.sh)"
    fi
fi
log "building qemu-system-x86_64 (a clean build takes about 5-10 minutes on 2 cores)"
ninja -C "$BUILD" qemu-system-x86_64 >&2 || die "the QEMU build failed"

# 4. Publish atomically.
rm -rf "$OUT_DIR.tmp"
mkdir -p "$OUT_DIR.tmp"
cp "$BUILD/qemu-system-x86_64" "$OUT_DIR.tmp/qemu-system-x86_64"
echo "$SOURCE_ID" > "$OUT_DIR.tmp/source-version"
rm -rf "$OUT_DIR"
mv "$OUT_DIR.tmp" "$OUT_DIR"
log "done"
echo "$OUT"
