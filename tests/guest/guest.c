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
 */

#include <stdint.h>

#define IDT_ENTRIES 256

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

static void idt_set(int vec, void (*handler)(void))
{
    uint32_t addr = (uint32_t)handler;

    guest_idt[vec].offset_lo = addr & 0xffff;
    guest_idt[vec].selector = 0x08;
    guest_idt[vec].zero = 0;
    guest_idt[vec].type_attr = 0x8e;    /* present, DPL 0, 32-bit int gate */
    guest_idt[vec].offset_hi = addr >> 16;
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

void guest_main(void)
{
    struct idt_desc desc;
    int i;

    for (i = 0; i < IDT_ENTRIES; i++) {
        idt_set(i, guest_fault_handler);
    }
    idt_set(3, guest_int3_handler);
    desc.limit = sizeof(guest_idt) - 1;
    desc.base = (uint32_t)guest_idt;
    __asm__ volatile("lidt %0" : : "m"(desc));
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
    }
}
