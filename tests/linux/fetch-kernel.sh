#!/bin/sh
# Debian's own kernel for the real-kernel tests (tests/e2e/linux-test.c):
# the current Debian 12 kernel (the ABI linux-image-amd64 depends on), its
# vmlinux with DWARF from the -dbg package, and a tiny initramfs of
# busybox-static whose /init makes syscalls forever.  Everything comes
# from Debian's archive with `apt-get download`; nothing is installed.
#
# The result is cached under ~/.cache/libvirt-debug/linux-ABI_VERSION/
# (XDG_CACHE_HOME is honoured), keyed by the kernel package's version:
#   vmlinuz        the kernel to boot
#   vmlinux        its unstripped ELF with DWARF (from -dbg, ~600 MB)
#   initramfs.gz   cpio newc, gzip: busybox + /init
#   version        the kernel package and busybox versions
# A second run finds the cache complete and does nothing.  The -dbg
# package is about 860 MB: the first run downloads that and reads its
# archive up to the vmlinux (a few minutes at most), then deletes the .debs.
#
# Prints the cache directory on its last line.
set -eu

cache=${XDG_CACHE_HOME:-$HOME/.cache}/libvirt-debug
meta=linux-image-amd64

say() {
    echo "fetch-kernel: $*" >&2
}

# linux-image-amd64 depends on linux-image-6.1.0-NN-amd64
abi=$(apt-cache depends "$meta" 2>/dev/null |
      sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
if [ -z "$abi" ]; then
    say "apt-cache does not know $meta (run apt-get update?)"
    exit 1
fi
image=linux-image-$abi
version=$(apt-cache show --no-all-versions "$image" 2>/dev/null |
          sed -n 's/^Version: //p' | head -n 1)
if [ -z "$version" ]; then
    say "apt-cache has no version of $image"
    exit 1
fi

dir=$cache/linux-${abi}_$version
if [ -f "$dir/complete" ]; then
    echo "$dir"
    exit 0
fi

# one run at a time (the test suites run it in parallel): the others
# wait, then find the cache complete
mkdir -p "$cache"
exec 9>"$cache/.linux-fetch.lock"
flock 9
if [ -f "$dir/complete" ]; then
    echo "$dir"
    exit 0
fi
work=$(mktemp -d "$cache/.linux-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
# as root, apt would download as its sandbox user (_apt), who cannot
# reach a directory under root's home: it downloads as root then, with a
# warning that this says beforehand
sandbox=
if [ "$(id -u)" = 0 ]; then
    sandbox="-o APT::Sandbox::User=root"
fi

cd "$work"
say "downloading $image $version, its -dbg package (~860 MB) and busybox-static"
apt-get download -q=2 $sandbox "$image=$version" "$image-dbg=$version" busybox-static
mkdir out

# vmlinuz from the image (its System.map is a stub: the symbols are in
# the vmlinux)
dpkg-deb --fsys-tarfile "${image}_"*.deb | tar -x -C out "./boot/vmlinuz-$abi"
mv "out/boot/vmlinuz-$abi" out/vmlinuz

# the vmlinux from -dbg: only that file, and tar stops reading the
# archive once it has it (dpkg-deb then dies of SIGPIPE, which is fine)
say "extracting vmlinux from $image-dbg"
for path in "./usr/lib/debug/boot/vmlinux-$abi" \
            "./usr/lib/debug/lib/modules/$abi/vmlinux"; do
    dpkg-deb --fsys-tarfile "${image}-dbg_"*.deb 2>/dev/null |
        tar -x --occurrence=1 -C out "$path" 2>/dev/null || true
    if [ -f "out/$path" ] && [ ! -L "out/$path" ]; then
        mv "out/$path" out/vmlinux
        break
    fi
done
if [ ! -f out/vmlinux ]; then
    say "no vmlinux in $image-dbg"
    exit 1
fi
rm -rf out/usr out/boot

# the initramfs: busybox-static, and an /init that keeps making syscalls
# (open, read, close of /proc/version), so that do_sys_openat2 runs all
# the time
say "building the initramfs"
mkdir -p root/bin root/dev root/proc root/sys
dpkg-deb --fsys-tarfile busybox-static_*.deb | tar -x -C root ./bin/busybox
cat >root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo "linux-test: init is running"
while :; do
    cat /proc/version >/dev/null
done
INIT
chmod 755 root/init
(cd root && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -9 >out/initramfs.gz

{
    echo "$image $version"
    echo "busybox-static $(dpkg-deb -f busybox-static_*.deb Version)"
} >out/version
rm -f ./*.deb
touch out/complete

rm -rf "$dir"
mv out "$dir"
say "cached in $dir"
echo "$dir"
