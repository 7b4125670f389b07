/*
 * libvirt-debug test guest: a tiny freestanding program with known symbols
 * for debugger tests.  Tests look every address up in this ELF's symbol
 * table (tests/testutils-guest.h); nothing is hard-coded.
 *
 * Virtual addresses 0 - 4 MiB are identity-mapped (so symbol values are
 * both virtual and physical addresses), and so is 0xfec00000 - 0xff000000
 * (the APICs' MMIO); everything else is unmapped.
 *
 * At boot the syscall entry MSR (LSTAR) is pointed at entry_SYSCALL_64,
 * as a Linux kernel does, so that tests can find a "relocated" guest by
 * it.
 *
 * The main loop, forever, with interrupts off:
 *   - calls guest_tick() (breakpoint target; counts guest_tick_count),
 *   - increments guest_counter (progress),
 *   - every 256 iterations writes guest_counter to guest_write_var,
 *   - every 256 iterations (offset by 128) reads guest_read_var into
 *     guest_read_sink,
 *   - calls guest_reg_probe() (stores %eax into guest_reg_sink),
 *   - every 4096 iterations calls guest_raise_int3(), whose int3 (at
 *     guest_int3_site) its own IDT delivers to guest_int3_handler (counts
 *     guest_int3_count).
 *   - every 64 iterations calls guest_hot() (a tracepoint target; counts
 *     guest_hot_count),
 *   - every 4096 iterations (offset by 1024) calls guest_loop(), whose
 *     one-line loop of GUEST_LOOP_ITERATIONS iterations is what "next"
 *     over a loop steps (range stepping); it counts guest_loop_runs.
 *
 * Tests can point a vCPU at guest_halt_site (a hlt, interrupts off) and at
 * guest_spin_loop (two translated blocks chained to each other, for good;
 * counts guest_spin_count): see boot.S.
 *
 * guest-debug.elf is this program with DWARF line information (for
 * "next"): see meson.build.
 *
 * guest64.elf (and guest64-debug.elf) is this same file built for x86-64
 * long mode and linked like a Linux kernel, in the higher half: see
 * boot64.S and guest64.ld.  It has every symbol above, and:
 *   - every symbol is at 0xffffffff80000000 + its physical address
 *     (__START_KERNEL_map, an absolute symbol): guest_tick at
 *     0xffffffff801xxxxx, loaded at 0x1xxxxx.  QEMU's -kernel boots it
 *     through the PVH entry (an ELF note), not multiboot.
 *   - the map the guest runs on: 0xffffffff80000000 - 0xffffffff80400000
 *     maps physical 0 - 4 MiB, 0xfec00000 - 0xff000000 is identity-mapped
 *     (the APICs' MMIO); everything else is unmapped, including low
 *     memory (0x100000, 0x40000000) and the rest of the higher half
 *     (0xffffffffc0000000).  Symbols are virtual addresses only: a
 *     symbol's physical address is its value - __START_KERNEL_map.
 *   - the BSP's main loop is the one above, plus one call of
 *     guest_percpu_tick(0) every 64 iterations (offset by 32).
 *   - the BSP starts vCPU 1 (APIC ID 1) with INIT-SIPI-SIPI before it
 *     sets guest_ready, without waiting for it (with one vCPU nobody
 *     answers).  The AP goes through a real-mode trampoline copied to
 *     physical 0x8000 to long mode, then runs guest_ap_main in the higher
 *     half: it loads the same IDT, increments guest_cpus_online (1 when
 *     only the BSP runs, 2 once the AP does) and loops forever calling
 *     guest_percpu_tick(1).  guest_percpu_tick(cpu) counts
 *     guest_percpu_count[cpu].
 *   - registers are 64-bit, the IDT has 64-bit gates (the int3 handler
 *     returns with iretq), and LSTAR holds entry_SYSCALL_64's full
 *     address.
 */

#include <stdint.h>

#define IDT_ENTRIES 256

#ifdef __x86_64__
/* a long mode gate: 16 bytes, the handler's address in three pieces */
struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;               /* IST 0: no stack switch */
    uint8_t type_attr;
    uint16_t offset_hi;
    uint32_t offset_top;
    uint32_t reserved;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));
#else
struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_hi;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));
#endif

volatile uint32_t guest_counter;
volatile uint32_t guest_tick_count;
volatile uint32_t guest_write_var;
volatile uint32_t guest_read_var = 0x5eed;
volatile uint32_t guest_read_sink;
volatile uint32_t guest_reg_sink;
volatile uint32_t guest_int3_count;
volatile uint32_t guest_fault_count;
volatile uint32_t guest_spin_count;
volatile uint32_t guest_ready;
volatile uint32_t guest_hot_count;
volatile uint32_t guest_loop_sum;
volatile uint32_t guest_loop_runs;

#define GUEST_LOOP_ITERATIONS 500

#ifdef __x86_64__
#define GUEST_NR_CPUS 2

volatile uint32_t guest_percpu_count[GUEST_NR_CPUS];
volatile uint32_t guest_cpus_online;
#endif

static struct idt_entry guest_idt[IDT_ENTRIES] __attribute__((aligned(8)));

void guest_int3_handler(void);
void guest_raise_int3(void);
void guest_fault_handler(void);
void guest_reg_probe(void);
void guest_main(void);
void guest_tick(void);
void guest_never_called(void);
void guest_hot(void);
void guest_loop(void);
#ifdef __x86_64__
void guest_percpu_tick(uint32_t cpu);
void guest_ap_main(void);
#endif

static void idt_set(int vec, void (*handler)(void))
{
    uintptr_t addr = (uintptr_t)handler;

    guest_idt[vec].offset_lo = addr & 0xffff;
    guest_idt[vec].selector = 0x08;
    guest_idt[vec].zero = 0;
    /* present, DPL 0, interrupt gate (32-bit, or 64-bit in long mode) */
    guest_idt[vec].type_attr = 0x8e;
    guest_idt[vec].offset_hi = (addr >> 16) & 0xffff;
#ifdef __x86_64__
    guest_idt[vec].offset_top = addr >> 32;
    guest_idt[vec].reserved = 0;
#endif
}

__attribute__((noinline)) void guest_tick(void)
{
    guest_tick_count++;
}

/* on a page of its own: see guest.ld */
__attribute__((noinline, section(".text_hot"))) void guest_hot(void)
{
    guest_hot_count++;
}

/*
 * The loop is on one line on purpose: "next" over it must cover all its
 * GUEST_LOOP_ITERATIONS iterations in one line's range.
 */
__attribute__((noinline)) void guest_loop(void)
{
    uint32_t i;

    guest_loop_sum = 0;
    for (i = 0; i < GUEST_LOOP_ITERATIONS; i++) guest_loop_sum += i;
    guest_loop_runs++;
}

/* Never executed: a breakpoint here must never fire. */
__attribute__((noinline)) void guest_never_called(void)
{
    guest_fault_count += 1000;
}

#ifdef __x86_64__
/*
 * Per-CPU work, as a kernel's timer tick does on every CPU: the BSP's
 * main loop and the AP's loop both call it, each with its own number.
 */
__attribute__((noinline)) void guest_percpu_tick(uint32_t cpu)
{
    guest_percpu_count[cpu]++;
}

/* The local APIC, identity-mapped (see boot64.S) */
#define APIC_BASE           0xfee00000UL
#define APIC_ICR_LO         0x300
#define APIC_ICR_HI         0x310
#define APIC_ICR_BUSY       (1u << 12)      /* delivery status: pending */
#define APIC_DM_INIT        0x00000500
#define APIC_DM_STARTUP     0x00000600
#define APIC_LEVEL_ASSERT   0x00004000

/* where the AP's real-mode trampoline runs: see boot64.S */
#define TRAMPOLINE_PHYS     0x8000UL
#define START_KERNEL_MAP    0xffffffff80000000UL

extern const uint8_t guest_trampoline_start[], guest_trampoline_end[];

static void apic_write(uint32_t reg, uint32_t val)
{
    *(volatile uint32_t *)(APIC_BASE + reg) = val;
}

static void apic_send_ipi(uint32_t apic_id, uint32_t icr)
{
    apic_write(APIC_ICR_HI, apic_id << 24);
    apic_write(APIC_ICR_LO, icr);
    /* QEMU delivers at once; a real APIC needs the wait */
    while (*(volatile uint32_t *)(APIC_BASE + APIC_ICR_LO) & APIC_ICR_BUSY) {
        __asm__ volatile("pause");
    }
}

/*
 * Start vCPU 1 the way Linux does (INIT, then two STARTUP IPIs whose
 * vector is the trampoline's page number), without waiting for it: with
 * one vCPU there is nobody at APIC ID 1, and the IPIs go nowhere.  The
 * trampoline must sit below 1 MiB on a page boundary; it is copied there
 * through the higher-half map of low memory (the byte-wise volatile copy
 * keeps GCC from turning it into a call of memcpy, which we do not have).
 */
static __attribute__((noinline)) void guest_start_ap(void)
{
    volatile uint8_t *dst = (volatile uint8_t *)(START_KERNEL_MAP +
                                                 TRAMPOLINE_PHYS);
    const uint8_t *src;

    for (src = guest_trampoline_start; src < guest_trampoline_end; src++) {
        *dst++ = *src;
    }
    guest_cpus_online = 1;
    apic_send_ipi(1, APIC_DM_INIT | APIC_LEVEL_ASSERT);
    apic_send_ipi(1, APIC_DM_STARTUP | (TRAMPOLINE_PHYS >> 12));
    apic_send_ipi(1, APIC_DM_STARTUP | (TRAMPOLINE_PHYS >> 12));
}

/* What vCPU 1 runs, in the higher half, once boot64.S brought it there */
void guest_ap_main(void)
{
    struct idt_desc desc;

    desc.limit = sizeof(guest_idt) - 1;
    desc.base = (uintptr_t)guest_idt;
    __asm__ volatile("lidt %0" : : "m"(desc));
    __atomic_fetch_add(&guest_cpus_online, 1, __ATOMIC_SEQ_CST);

    for (;;) {
        guest_percpu_tick(1);
        __asm__ volatile("pause");
    }
}
#endif

void guest_main(void)
{
    struct idt_desc desc;
    int i;

    for (i = 0; i < IDT_ENTRIES; i++) {
        idt_set(i, guest_fault_handler);
    }
    idt_set(3, guest_int3_handler);
    desc.limit = sizeof(guest_idt) - 1;
    desc.base = (uintptr_t)guest_idt;
    __asm__ volatile("lidt %0" : : "m"(desc));
#ifdef __x86_64__
    guest_start_ap();
#endif
    guest_ready = 1;

    for (;;) {
        uint32_t n;

        guest_tick();
        n = ++guest_counter;
        if ((n & 0xff) == 0) {
            guest_write_var = n;
        }
        if ((n & 0xff) == 0x80) {
            guest_read_sink = guest_read_var;
        }
        guest_reg_probe();
        if ((n & 0xfff) == 0x800) {
            guest_raise_int3();
        }
        if ((n & 0x3f) == 0) {
            guest_hot();
        }
        if ((n & 0xfff) == 0x400) {
            guest_loop();
        }
#ifdef __x86_64__
        if ((n & 0x3f) == 0x20) {
            guest_percpu_tick(0);
        }
#endif
    }
}
