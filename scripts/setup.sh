#!/bin/sh
# Install everything libvirt-debug needs on Debian 12 (bookworm): the build
# toolchain, libvirt and its QEMU driver, the stock QEMU (for the "no debug
# API" tests and the gdbstub benchmarks), gdb, and QEMU's build
# dependencies.  It also adds deb-src entries because the patched QEMU is
# built from Debian's own source package (apt-get source qemu).
#
# Idempotent: a second run only checks that everything is there.
set -eu

if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

SRC_LIST=/etc/apt/sources.list.d/libvirt-debug-src.sources

PACKAGES="
    build-essential gcc-multilib pkg-config meson ninja-build git
    libglib2.0-dev libjson-glib-dev libxml2-dev libxml2-utils
    libvirt-dev libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu
    qemu-system-x86 qemu-system-data seabios qemu-utils
    gdb python3 python3-docutils bash-completion dpkg-dev libreadline-dev
    libpixman-1-dev zlib1g-dev python3-venv flex bison libfdt-dev
    libelf-dev libdw-dev
    clang libclang-rt-14-dev
    openssh-client openssh-server cpio
"

need_update=0
if [ ! -f "$SRC_LIST" ]; then
    echo "setup: adding deb-src entries ($SRC_LIST) for apt-get source"
    $SUDO tee "$SRC_LIST" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    need_update=1
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ] || [ "$need_update" = 1 ] || \
   [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -i source || true)" ]; then
    echo "setup: apt-get update"
    $SUDO apt-get update -qq
fi

if [ -n "$missing" ]; then
    echo "setup: installing:$missing"
    # No package may start a system service here (libvirt, QEMU, sshd):
    # tests run private instances (an sshd on 127.0.0.1 only, for the
    # GDB-over-ssh test).  Debian's policy-rc.d tells the maintainer
    # scripts so.
    policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
        $SUDO chmod 755 "$policy"
    fi
    status=0
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends $missing >/dev/null || status=$?
    if [ -n "$policy" ]; then
        $SUDO rm -f "$policy"
    fi
    if [ "$status" != 0 ]; then
        exit "$status"
    fi
fi
# libvirt's QEMU driver resolves its compiled-in default user
# (libvirt-qemu) before it reads qemu.conf, even for the embedded driver
# whose qemu.conf says user = "root".  Debian creates that user in
# libvirt-daemon-system, which would also install and start the system
# daemons we do not want here, so create the system user alone.
if ! getent passwd libvirt-qemu >/dev/null; then
    echo "setup: creating the libvirt-qemu system user libvirt's QEMU driver expects"
    $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin libvirt-qemu
fi
echo "setup: all packages present"
