#!/bin/sh
#
# install-test.sh: what a user gets from `meson install`, used as a user
# would.  The build tree is installed into a scratch directory (DESTDIR);
# then
#  - examples/break-on-symbol.c is compiled against the installed tree
#    with nothing but pkg-config (PKG_CONFIG_PATH and
#    PKG_CONFIG_SYSROOT_DIR pointing into DESTDIR), linked with an rpath to
#    pkg-config's libdir and run without LD_LIBRARY_PATH: with no
#    arguments it prints its usage and exits 1, which proves it loaded the
#    installed libvirt-debug.so.0 and every symbol it uses resolved;
#  - `man -M DESTDIR/.../man virsh-debug` finds the installed page.
#
#   install-test.sh MESON BUILDDIR SRCDIR CC SCRATCH MANDIR WITH-MAN
#
# MANDIR is meson's mandir under the prefix (e.g. /usr/local/share/man);
# WITH-MAN is "yes" when rst2man built the page.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -u

meson=$1 builddir=$2 srcdir=$3 cc=$4 scratch=$5 mandir=$6 with_man=$7
dest=$scratch/destdir

fail() {
    echo "FAIL: $*"
    exit 1
}

unset LD_LIBRARY_PATH LD_PRELOAD PKG_CONFIG_LIBDIR
command -v pkg-config >/dev/null 2>&1 || { echo "SKIP: no pkg-config"; exit 77; }
rm -rf "$scratch"
mkdir -p "$scratch" || fail "cannot create $scratch"

"$meson" install -C "$builddir" --destdir "$dest" --no-rebuild --quiet \
    >"$scratch/install.log" 2>&1 ||
    { cat "$scratch/install.log"; fail "meson install --destdir $dest"; }

pc=$(find "$dest" -name libvirt-debug.pc | head -n 1)
[ -n "$pc" ] || fail "no libvirt-debug.pc installed under $dest"
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

flags=$(pkg-config --cflags --libs libvirt-debug) ||
    fail "pkg-config --cflags --libs libvirt-debug"
libdir=$(pkg-config --variable=libdir libvirt-debug) ||
    fail "pkg-config --variable=libdir libvirt-debug"
# pkgconf puts the sysroot in front of variables, pkg-config does not
case $libdir in
    "$dest"/*) ;;
    *) libdir=$dest$libdir ;;
esac
[ -e "$libdir/libvirt-debug.so.0" ] ||
    fail "pkg-config's libdir $libdir has no libvirt-debug.so.0"
echo "# pkg-config: $flags"

exe=$scratch/break-on-symbol
# shellcheck disable=SC2086  # the compiler and flags are words
$cc -std=gnu11 -Wall -Wextra -Werror -pthread \
    -o "$exe" "$srcdir/examples/break-on-symbol.c" \
    $flags -Wl,-rpath,"$libdir" ||
    fail "examples/break-on-symbol.c does not build against the installed tree"

# the installed library, not the build tree's, is the one it loads
resolved=$(ldd "$exe" | awk '$1 == "libvirt-debug.so.0" { print $3 }')
[ "$resolved" = "$libdir/libvirt-debug.so.0" ] ||
    fail "break-on-symbol loads libvirt-debug.so.0 from '$resolved', not $libdir"

# every symbol it uses resolved at load time, not when first called
LD_BIND_NOW=1 "$exe" >"$scratch/run.out" 2>&1
rc=$?
cat "$scratch/run.out" | sed 's/^/# /'
[ $rc -eq 1 ] ||
    fail "break-on-symbol with no arguments exited $rc, not 1 (127: not loaded)"
grep -q '^usage: ' "$scratch/run.out" ||
    fail "break-on-symbol with no arguments printed no usage"
echo "ok: break-on-symbol built with pkg-config alone and ran"

if [ "$with_man" != yes ]; then
    echo "# no rst2man: no man page was built, none checked"
    exit 0
fi
page=$dest$mandir/man1/virsh-debug.1
[ -f "$page" ] || fail "$page is not installed"
if command -v man >/dev/null 2>&1; then
    found=$(MANPATH= man -M "$dest$mandir" -w virsh-debug 2>&1) ||
        fail "man -M $dest$mandir virsh-debug: $found"
    [ "$found" = "$page" ] ||
        fail "man -M $dest$mandir virsh-debug finds '$found', not $page"
    MANPAGER=cat MANWIDTH=80 man -M "$dest$mandir" virsh-debug \
        >"$scratch/man.out" 2>&1 ||
        fail "man -M $dest$mandir virsh-debug does not render"
    grep -q 'virsh-debug' "$scratch/man.out" ||
        fail "man -M $dest$mandir virsh-debug renders no virsh-debug"
    echo "ok: man -M $dest$mandir virsh-debug finds $page"
else
    echo "# man(1) is not installed: $page is there, unread"
fi
exit 0
