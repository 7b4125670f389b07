#!/bin/sh
# README command 1: set everything up, then run a short debug session on a
# domain of libvirt's embedded driver (no daemon): capabilities, a hardware
# breakpoint hit and its event, registers, a step, a watchpoint hit,
# memory, and a detach that leaves the guest running.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh scripts/build.sh

qemu=$(sh qemu/build.sh 2>/dev/null | tail -n 1)
guest=$top/build/tests/guest/guest.elf
vd=$top/build/tools/virsh-debug
root=$top/build/demo
uri="qemu:///embed?root=$root"

# The embedded driver keeps its whole state under $root.  QEMU runs as
# root with no security driver and no relabelling (a demo guest under the
# build directory), and its output goes to a file: there is no virtlogd
# here.
rm -rf "$root"
mkdir -p "$root/etc"
cat > "$root/etc/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
namespaces = []
security_driver = "none"
stdio_handler = "file"
CONF

sym() {
    # a symbol of the test guest, as 0x... (the guest runs unpaged, so it
    # is both the virtual and the physical address)
    nm "$guest" | awk -v s="$1" '$3 == s { print "0x" $1 }'
}
tick=$(sym guest_tick)
wvar=$(sym guest_write_var)

cat > "$root/demo.xml" <<XML
<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest</kernel>
  </os>
  <metadata>
    <debug:debug xmlns:debug="http://libvirt-debug.org/schemas/domain/debug/1.0"
                 allowed="yes" writable="yes">
      <debug:step mask-irq="yes" mask-timers="yes"/>
      <debug:symbols file="$guest"/>
    </debug:debug>
  </metadata>
  <devices>
    <emulator>$qemu</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML

if [ -t 1 ]; then bold='\033[1m'; plain='\033[0m'; else bold=; plain=; fi
step() {
    printf "\n${bold}\$ virsh-debug %s${plain}\n" "$*"
    "$vd" -c "$uri" "$@"
}

cleanup() {
    "$vd" -c "$uri" destroy demo >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo
echo "== libvirt-debug demo: domain 'demo' on $uri"
step define "$root/demo.xml"
step start demo
step debug-config demo
step debug-caps demo
step debug-break demo "$tick" --hw
step debug-wait demo --timeout 30
step debug-regs demo rip rsp eflags
step debug-step demo
step debug-list demo
step debug-delete demo --all
step debug-watch demo "$wvar" --len 4
step debug-continue demo
step debug-wait demo --timeout 30
step debug-mem demo "$wvar" 16
step debug-delete demo --all
# work QEMU does without a round trip: a condition, a traced step, a
# tracepoint that collects while the guest runs
step debug-break demo guest_tick --if 'u32[guest_tick_count] % 1000 == 999'
step debug-continue demo
step debug-wait demo --timeout 30
step debug-mem demo guest_tick_count 4
step debug-step demo --trace --count 4
step debug-delete demo --all
printf "\n${bold}\$ virsh-debug %s${plain}\n" \
    "debug-trace demo guest_hot --collect rip --mem guest_hot_count:4 --capacity 8"
trace=$("$vd" -c "$uri" debug-trace demo guest_hot --collect rip \
        --mem guest_hot_count:4 --capacity 8)
echo "$trace"
id=$(echo "$trace" | sed -n 's/^Debug point \([0-9]*\) .*/\1/p')
step debug-continue demo
sleep 1
step debug-trace-records demo "$id" --max 3
step debug-detach demo
step domstate demo
echo
echo "== the guest is running again with no debug point left;"
echo "== the demo now destroys it (its state stays in $root)."
