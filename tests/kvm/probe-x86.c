/*
 * probe-x86.c: KVM's x86 guest-debug uAPI, driven directly, as TAP
 *
 * Runs inside the x86-64 KVM lane (tests/kvm/lane-x86.sh), i.e. on a real
 * Linux KVM (kvm-amd) whose "hardware" is QEMU's TCG emulation of AMD SVM.
 * Each case must end in KVM_EXIT_DEBUG:
 *   1 single step (KVM_GUESTDBG_SINGLESTEP): #DB, DR6.BS
 *   2 an int3 under KVM_GUESTDBG_USE_SW_BP: #BP at the int3; this needs the
 *     outer QEMU to intercept INT3 as the #BP exception (qemu/patches/0010)
 *   3 a DR0 execute breakpoint under KVM_GUESTDBG_USE_HW_BP: #DB, DR6.B0;
 *     this needs the outer QEMU to arm the DR7 that VMRUN loads
 *     (qemu/patches/0011)
 * A case that never exits is cut by an alarm after 5 s and fails.
 * Built static (no library in the lane's initramfs is needed).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CODE 0x1000

static int failures;

static void
onAlarm(int sig)
{
    (void) sig;
}

/* Run from CODE until an exit; check it is KVM_EXIT_DEBUG with @exception
 * at @pc.  @dr6bits must all be set in the exit's DR6. */
static void
runCase(int n, int vcpu, struct kvm_run *run, struct kvm_guest_debug *d,
        const char *what, unsigned exception, unsigned long long pc,
        unsigned long long dr6bits)
{
    struct kvm_regs r;
    int rc, ok;

    ioctl(vcpu, KVM_GET_REGS, &r);
    r.rip = CODE;
    r.rflags = 2;
    ioctl(vcpu, KVM_SET_REGS, &r);
    /* after the rip: KVM sets TF for KVM_GUESTDBG_SINGLESTEP only while
     * the vCPU is at the rip it had when single step was enabled */
    if (ioctl(vcpu, KVM_SET_GUEST_DEBUG, d) < 0)
        perror("KVM_SET_GUEST_DEBUG");

    alarm(5);
    rc = ioctl(vcpu, KVM_RUN, 0);
    alarm(0);
    ioctl(vcpu, KVM_GET_REGS, &r);
    printf("# %s: KVM_RUN=%d exit_reason=%u rip=0x%llx", what, rc,
           run->exit_reason, (unsigned long long) r.rip);
    if (run->exit_reason == KVM_EXIT_DEBUG)
        printf(" exception=%u dr6=0x%llx dr7=0x%llx pc=0x%llx",
               run->debug.arch.exception,
               (unsigned long long) run->debug.arch.dr6,
               (unsigned long long) run->debug.arch.dr7,
               (unsigned long long) run->debug.arch.pc);
    if (rc < 0)
        printf(" (interrupted: no exit within 5 s)");
    printf("\n");
    ok = rc == 0 && run->exit_reason == KVM_EXIT_DEBUG &&
         run->debug.arch.exception == exception &&
         run->debug.arch.pc == pc &&
         (run->debug.arch.dr6 & dr6bits) == dr6bits;
    printf("%sok %d - %s\n", ok ? "" : "not ", n, what);
    if (!ok)
        failures++;
}

int
main(void)
{
    /* 0x1000: inc ax; inc ax; inc ax; int3 (0x1003); inc ax; jmp 0x1000 */
    static const unsigned char code[] = { 0x40, 0x40, 0x40, 0xcc, 0x40,
                                          0xeb, 0xf9 };
    struct sigaction sa = { .sa_handler = onAlarm };
    struct kvm_userspace_memory_region reg = { 0 };
    struct kvm_guest_debug d = { 0 };
    struct kvm_sregs s;
    struct kvm_run *run;
    unsigned char *mem;
    int kvm, vm, vcpu;

    sigaction(SIGALRM, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("1..3\n");
    kvm = open("/dev/kvm", O_RDWR);
    if (kvm < 0) {
        perror("Bail out! /dev/kvm");
        return 1;
    }
    printf("# KVM api %d, KVM_CAP_SET_GUEST_DEBUG %d\n",
           ioctl(kvm, KVM_GET_API_VERSION, 0),
           ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG));
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memcpy(mem + CODE, code, sizeof(code));
    reg.memory_size = 0x10000;
    reg.userspace_addr = (unsigned long) mem;
    if (vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0) {
        perror("Bail out! KVM_CREATE_VM/KVM_SET_USER_MEMORY_REGION");
        return 1;
    }
    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
               PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    ioctl(vcpu, KVM_GET_SREGS, &s);
    s.cs.base = 0;
    s.cs.selector = 0;
    ioctl(vcpu, KVM_SET_SREGS, &s);

    d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
    runCase(1, vcpu, run, &d, "single step", 1, CODE + 1, 0x4000 /* BS */);

    d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
    runCase(2, vcpu, run, &d, "int3 under KVM_GUESTDBG_USE_SW_BP", 3, CODE + 3, 0);

    d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
    d.arch.debugreg[0] = CODE + 1;
    d.arch.debugreg[7] = 0x1;       /* L0, execute, length 1 */
    runCase(3, vcpu, run, &d, "DR0 breakpoint under KVM_GUESTDBG_USE_HW_BP", 1,
            CODE + 1, 0x1 /* B0 */);
    return failures ? 1 : 0;
}
