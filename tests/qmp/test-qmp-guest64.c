/*
 * test-qmp-guest64.c: the debug API on the 64-bit higher-half guest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The other QMP tests debug the 32-bit multiboot guest, whose addresses
 * all fit in 32 bits.  This one boots guest64.elf ($LIBVIRT_DEBUG_GUEST64,
 * tests/guest/boot64.S): x86-64 long mode, every symbol at
 * 0xffffffff80000000 + its physical address as in a Linux kernel, and a
 * second vCPU that the guest starts itself and that runs its own loop in
 * the higher half.  Addresses at or above 2^63 go through every command
 * and event here: breakpoints, watchpoints, stops, registers, memory.
 *
 * The shared helpers look symbols up in $LIBVIRT_DEBUG_GUEST and boot it:
 * main() points that at the 64-bit guest for this program.
 */

#include <string.h>

#include "testutils-guest.h"
#include "testutils-qmp-assert.h"

#define START_KERNEL_MAP 0xffffffff80000000ULL

static const char *const smp2[] = { "-smp", "2", NULL };

static guint64
readMem(testQemu *qemu, guint64 addr, gboolean physical)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-memory",
                                        "{\"addr\": %" G_GUINT64_FORMAT
                                        ", \"size\": 4, \"physical\": %s}",
                                        addr, physical ? "true" : "false");
    const char *b64 = json_object_get_string_member(json_node_get_object(ret),
                                                    "data");
    g_autofree guchar *p = NULL;
    gsize len;

    p = g_base64_decode(b64, &len);
    g_assert_cmpuint(len, ==, 4);
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static guint32
readU32(testQemu *qemu, const char *sym)
{
    return readMem(qemu, testGuestSymbol(sym), FALSE);
}

/* guest_percpu_count[cpu] */
static guint32
readPercpu(testQemu *qemu, guint cpu)
{
    return readMem(qemu, testGuestSymbol("guest_percpu_count") + 4 * cpu,
                   FALSE);
}

/* rip of vCPU @cpu, from its 8 bytes in target (little-endian) order */
static guint64
readRip(testQemu *qemu, guint cpu)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-registers",
                                        "{\"cpu-index\": %u, "
                                        "\"names\": [\"rip\"]}", cpu);
    JsonObject *reg = json_array_get_object_element(json_node_get_array(ret),
                                                    0);
    const char *hex = json_object_get_string_member(reg, "value");
    guint64 v = 0;
    int i;

    g_assert_cmpint(json_object_get_int_member(reg, "size"), ==, 8);
    g_assert_cmpuint(strlen(hex), ==, 16);
    for (i = 7; i >= 0; i--)
        v = v << 8 | (g_ascii_xdigit_value(hex[2 * i]) << 4 |
                      g_ascii_xdigit_value(hex[2 * i + 1]));
    return v;
}

static void
assertInText(guint64 pc)
{
    g_assert_cmphex(pc, >=, START_KERNEL_MAP);
    g_assert_cmphex(pc, >=, testGuestSymbol("_text"));
    g_assert_cmphex(pc, <, testGuestSymbol("_etext"));
}

/* Is @pc inside function @sym (its ELF symbol size)? */
static gboolean
pcInFunction(guint64 pc, const char *sym)
{
    guint64 addr, size;
    g_autoptr(GError) err = NULL;

    g_assert_true(testGuestLookupSymbol(testGuestPath(), sym, &addr, &size,
                                        &err));
    g_assert_no_error(err);
    g_assert_cmpuint(size, >, 0);
    return pc >= addr && pc < addr + size;
}

/*
 * Wait until the guest runs on its page tables, then until it is ready.
 * Until boot64.S turns paging on (the firmware, then the PVH entry, run
 * without it), a higher-half address is no address at all and reading
 * it fails, which testQemuWaitGuestReady() does not expect: the 32-bit
 * guest's symbols are valid physical addresses from the start.
 */
static void
waitGuest64Ready(testQemu *qemu)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    for (;;) {
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) ret = testQmpExecutef(qemu->qmp, &err,
                                                  "debug-read-memory",
                                                  "{\"addr\": %" G_GUINT64_FORMAT
                                                  ", \"size\": 4}",
                                                  testGuestSymbol("guest_ready"));

        if (ret)
            break;
        g_assert_error(err, TEST_QMP_ERROR, TEST_QMP_ERROR_COMMAND);
        if (g_get_monotonic_time() > deadline)
            g_error("the 64-bit guest never turned paging on: %s",
                    err->message);
        g_usleep(10 * 1000);
    }
    testQemuWaitGuestReady(qemu);
}

/* The guest on 2 vCPUs, with its AP up and counting */
static testQemu *
startGuest64Smp(void)
{
    testQemu *qemu = testQemuStartTcg("pc", smp2);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    waitGuest64Ready(qemu);
    while (readU32(qemu, "guest_cpus_online") != 2 || readPercpu(qemu, 1) == 0) {
        if (g_get_monotonic_time() > deadline)
            g_error("vCPU 1 never came up in the 64-bit guest");
        g_usleep(10 * 1000);
    }
    return qemu;
}

/* Every symbol is in the higher half, as in a Linux kernel. */
static void
testSymbols(void)
{
    const char *const syms[] = {
        "guest_tick", "guest_write_var", "guest_counter", "guest_main",
        "guest_hot", "guest_halt_site", "guest_spin_loop", "guest_int3_site",
        "guest_reg_store", "entry_SYSCALL_64", "guest_percpu_tick",
        "guest_ap_main", "guest_percpu_count", "guest_cpus_online",
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(syms); i++)
        g_assert_cmphex(testGuestSymbol(syms[i]), >=, START_KERNEL_MAP);
    g_assert_cmphex(testGuestSymbol("__START_KERNEL_map"), ==,
                    START_KERNEL_MAP);
}

/*
 * Both vCPUs run their loops in the higher half: stopped, each one's rip
 * is in the guest's text, vCPU 1's in its own loop; and both per-CPU
 * counters advance.
 */
static void
testBothCpus(void)
{
    g_autoptr(testQemu) qemu = startGuest64Smp();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) stops = NULL;
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    guint32 before[2] = { readPercpu(qemu, 0), readPercpu(qemu, 1) };
    guint64 rip0, rip1;
    JsonObject *s;

    while (readPercpu(qemu, 0) == before[0] || readPercpu(qemu, 1) == before[1]) {
        if (g_get_monotonic_time() > deadline)
            g_error("the per-CPU counters did not both advance");
        g_usleep(10 * 1000);
    }

    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "interrupt");
    testQmpAssertRunState(qemu->qmp, "debug");

    rip0 = readRip(qemu, 0);
    rip1 = readRip(qemu, 1);
    assertInText(rip0);
    assertInText(rip1);
    g_assert_true(pcInFunction(rip1, "guest_ap_main") ||
                  pcInFunction(rip1, "guest_percpu_tick"));

    /* the stop reports the stopping vCPU's full 64-bit pc */
    stops = testQmpOk(qemu->qmp, "query-debug-stop", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(stops)), ==, 2);
    s = json_array_get_object_element(json_node_get_array(stops),
        json_object_get_int_member(ev, "cpu-index"));
    g_assert_true(json_object_get_boolean_member(s, "stopped"));
    g_assert_cmphex((guint64) json_object_get_int_member(s, "pc"), ==,
                    testQmpStopPc(ev));
    g_assert_cmphex(testQmpStopPc(ev), ==,
                    json_object_get_int_member(ev, "cpu-index") ? rip1 : rip0);

    /* stopped, nothing moves; continued, both count again */
    before[0] = readPercpu(qemu, 0);
    before[1] = readPercpu(qemu, 1);
    g_usleep(50 * 1000);
    g_assert_cmpuint(readPercpu(qemu, 0), ==, before[0]);
    g_assert_cmpuint(readPercpu(qemu, 1), ==, before[1]);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (readPercpu(qemu, 0) == before[0] || readPercpu(qemu, 1) == before[1]) {
        if (g_get_monotonic_time() > deadline)
            g_error("the per-CPU counters did not both advance after continue");
        g_usleep(10 * 1000);
    }
    g_assert_cmpuint(readU32(qemu, "guest_fault_count"), ==, 0);
}

/* A hardware breakpoint at an address >= 2^63 stops vCPU 0 there. */
static void
testHwBreakpoint(void)
{
    g_autoptr(testQemu) qemu = startGuest64Smp();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(JsonNode) points = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    JsonObject *p;
    gint64 id;

    g_assert_cmphex(tick, >=, G_GUINT64_CONSTANT(1) << 63);
    ret = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"hw-breakpoint\", \"addr\": %"
                    G_GUINT64_FORMAT "}", tick);
    id = json_object_get_int_member(json_node_get_object(ret), "id");

    points = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    p = json_array_get_object_element(json_node_get_array(points), 0);
    g_assert_cmphex((guint64) json_object_get_int_member(p, "addr"), ==, tick);

    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "hw-breakpoint");
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmphex(readRip(qemu, 0), ==, tick);
    assertInText(readRip(qemu, 1));

    /* and again after a continue, one call later */
    json_object_unref(g_steal_pointer(&ev));
    {
        guint32 calls = readU32(qemu, "guest_tick_count");

        testQmpDo(qemu->qmp, "debug-continue", NULL);
        ev = testQmpWaitStop(qemu->qmp);
        g_assert_cmphex(testQmpStopPc(ev), ==, tick);
        g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, calls + 1);
    }
}

/* A breakpoint for vCPU 1 in the function both vCPUs run stops vCPU 1. */
static void
testApBreakpoint(void)
{
    g_autoptr(testQemu) qemu = startGuest64Smp();
    g_autoptr(JsonObject) ev = NULL;
    guint64 fn = testGuestSymbol("guest_percpu_tick");

    testQmpDo(qemu->qmp, "debug-insert",
              "{\"type\": \"hw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
              ", \"cpu-index\": 1}", fn);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 1);
    g_assert_cmphex(testQmpStopPc(ev), ==, fn);
    g_assert_cmphex(readRip(qemu, 1), ==, fn);
}

/* A write watchpoint on guest_write_var: the guest's store hits it. */
static void
testWatchWrite(void)
{
    g_autoptr(testQemu) qemu = startGuest64Smp();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) ret = NULL;
    guint64 addr = testGuestSymbol("guest_write_var");
    guint64 pc;
    gint64 id;

    ret = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"watchpoint-write\", \"addr\": %"
                    G_GUINT64_FORMAT ", \"len\": 4}", addr);
    id = json_object_get_int_member(json_node_get_object(ret), "id");
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "watchpoint-write");
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex((guint64) json_object_get_int_member(ev, "watch-addr"),
                    ==, addr);
    g_assert_cmphex((guint64) json_object_get_int_member(ev, "hit-addr"),
                    ==, addr);
    pc = testQmpStopPc(ev);
    g_assert_true(pcInFunction(pc, "guest_main"));
    g_assert_cmphex(readRip(qemu, 0), ==, pc);
    /* the store happened: the variable holds the counter's multiple of 256 */
    g_assert_cmpuint(readU32(qemu, "guest_write_var") & 0xff, ==, 0);
    g_assert_cmpuint(readU32(qemu, "guest_write_var"), !=, 0);
}

/*
 * Memory by virtual address in the higher half; the same bytes by
 * physical address (symbol - __START_KERNEL_map); low memory and the rest
 * of the higher half are not mapped.
 */
static void
testMemory(void)
{
    g_autoptr(testQemu) qemu = startGuest64Smp();
    guint64 counter = testGuestSymbol("guest_counter");
    guint64 phys = counter - testGuestSymbol("__START_KERNEL_map");
    guint32 a, b;
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    a = readMem(qemu, counter, FALSE);
    do {
        if (g_get_monotonic_time() > deadline)
            g_error("guest_counter does not advance");
        g_usleep(10 * 1000);
        b = readMem(qemu, counter, FALSE);
    } while (b == a);
    g_assert_cmpuint(readMem(qemu, phys, TRUE), >=, b);

    /* a read through vCPU 1's MMU sees the same variable */
    {
        g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-memory",
                                            "{\"addr\": %" G_GUINT64_FORMAT
                                            ", \"size\": 4, \"cpu-index\": 1}",
                                            counter);
        gsize len;
        g_autofree guchar *p = g_base64_decode(json_object_get_string_member(
            json_node_get_object(ret), "data"), &len);

        g_assert_cmpuint(len, ==, 4);
        g_assert_cmpuint(p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24,
                         >=, b);
    }

    /* the image's physical address is no virtual one */
    testQmpErr(qemu->qmp, "is not mapped", "debug-read-memory",
               "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 4}", phys);
    testQmpErr(qemu->qmp, "is not mapped", "debug-read-memory",
               "{\"addr\": 1073741824, \"size\": 4}");
    testQmpErr(qemu->qmp, "is not mapped", "debug-read-memory",
               "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 4}",
               G_GUINT64_CONSTANT(0xffffffffc0000000));
}

/* With one vCPU the guest runs as well: nobody answers its IPIs. */
static void
testOneCpu(void)
{
    g_autoptr(testQemu) qemu = testQemuStartTcg("pc", NULL);
    guint32 before;

    waitGuest64Ready(qemu);
    before = readPercpu(qemu, 0);
    g_usleep(200 * 1000);
    g_assert_cmpuint(readPercpu(qemu, 0), >, before);
    g_assert_cmpuint(readPercpu(qemu, 1), ==, 0);
    g_assert_cmpuint(readU32(qemu, "guest_cpus_online"), ==, 1);
    g_assert_cmpuint(readU32(qemu, "guest_fault_count"), ==, 0);
}

int
main(int argc, char **argv)
{
    const char *qemu = g_getenv("LIBVIRT_DEBUG_QEMU");
    const char *guest64 = g_getenv("LIBVIRT_DEBUG_GUEST64");

    g_test_init(&argc, &argv, NULL);

    if (!qemu || !*qemu) {
        g_printerr("FAIL: LIBVIRT_DEBUG_QEMU is empty: the QMP debug tests "
                   "need the patched QEMU; configure with\n"
                   "  meson setup BUILDDIR -Dqemu_binary=$(qemu/build.sh)\n");
        return 1;
    }
    if (!guest64 || !*guest64) {
        g_printerr("FAIL: LIBVIRT_DEBUG_GUEST64 is not set: run the tests "
                   "through 'meson test', which builds "
                   "tests/guest/guest64.elf\n");
        return 1;
    }
    /* what testGuestPath() and testQemuStartTcg() boot and read */
    g_setenv("LIBVIRT_DEBUG_GUEST", guest64, TRUE);

    g_test_add_func("/qmp-guest64/symbols", testSymbols);
    g_test_add_func("/qmp-guest64/both-cpus", testBothCpus);
    g_test_add_func("/qmp-guest64/hw-breakpoint", testHwBreakpoint);
    g_test_add_func("/qmp-guest64/ap-breakpoint", testApBreakpoint);
    g_test_add_func("/qmp-guest64/watch-write", testWatchWrite);
    g_test_add_func("/qmp-guest64/memory", testMemory);
    g_test_add_func("/qmp-guest64/one-cpu", testOneCpu);

    return g_test_run();
}
