/*
 * test-qmp-debug.c: the QMP debug API of the patched QEMU, driven directly
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test starts its own patched QEMU ($LIBVIRT_DEBUG_QEMU) under TCG
 * with the test guest (tests/guest), talks QMP on a unix socket, and looks
 * guest addresses up in the guest's ELF symbols.
 */

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testutils-guest.h"
#include "testutils-qmp-assert.h"

static gint64
qmpInsert(testQemu *qemu, const char *type, guint64 addr, guint64 len)
{
    g_autoptr(JsonNode) ret = NULL;

    if (len)
        ret = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"len\": %" G_GUINT64_FORMAT "}", type, addr, len);
    else
        ret = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT "}",
                    type, addr);
    return json_object_get_int_member(json_node_get_object(ret), "id");
}

static GBytes *
readMem(testQemu *qemu, guint64 addr, gsize size)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-memory",
                                    "{\"addr\": %" G_GUINT64_FORMAT
                                    ", \"size\": %zu}", addr, size);
    const char *b64 = json_object_get_string_member(json_node_get_object(ret),
                                                    "data");
    gsize len;
    guchar *data = g_base64_decode(b64, &len);

    g_assert_cmpuint(len, ==, size);
    return g_bytes_new_take(data, len);
}

static guint32
readU32(testQemu *qemu, const char *sym)
{
    g_autoptr(GBytes) b = readMem(qemu, testGuestSymbol(sym), 4);
    const guint8 *p = g_bytes_get_data(b, NULL);

    return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static void
writeU32(testQemu *qemu, const char *sym, guint32 v)
{
    guint8 p[4] = { v, v >> 8, v >> 16, v >> 24 };
    g_autofree char *b64 = g_base64_encode(p, 4);

    testQmpDo(qemu->qmp, "debug-write-memory",
          "{\"addr\": %" G_GUINT64_FORMAT ", \"data\": \"%s\"}",
          testGuestSymbol(sym), b64);
}

static guint64
regValue(testQemu *qemu, const char *name, gint64 *size)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-registers",
                                    "{\"cpu-index\": 0, \"names\": [\"%s\"]}",
                                    name);
    JsonArray *regs = json_node_get_array(ret);
    JsonObject *reg;
    const char *hex;
    guint64 v = 0;
    gsize i, n;

    g_assert_cmpuint(json_array_get_length(regs), ==, 1);
    reg = json_array_get_object_element(regs, 0);
    g_assert_cmpstr(json_object_get_string_member(reg, "name"), ==, name);
    hex = json_object_get_string_member(reg, "value");
    n = strlen(hex) / 2;
    g_assert_cmpuint(n, ==, json_object_get_int_member(reg, "size"));
    if (size)
        *size = n;
    /* target byte order: little endian */
    for (i = MIN(n, 8); i > 0; i--)
        v = v << 8 | (g_ascii_xdigit_value(hex[2 * i - 2]) << 4 |
                      g_ascii_xdigit_value(hex[2 * i - 1]));
    return v;
}

/* Break at guest_tick with a breakpoint of @type. */
static void
checkBreakpoint(const char *type)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) stops = NULL;
    g_autoptr(JsonNode) points = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    gint64 id = qmpInsert(qemu, type, tick, 0);
    JsonObject *s, *p;

    g_assert_cmpint(id, >, 0);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, type);
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 0);
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_false(json_object_has_member(ev, "watch-addr"));
    testQmpAssertRunState(qemu->qmp, "debug");

    /* the register view agrees */
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, tick);

    stops = testQmpOk(qemu->qmp, "query-debug-stop", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(stops)), ==, 1);
    s = json_array_get_object_element(json_node_get_array(stops), 0);
    g_assert_true(json_object_get_boolean_member(s, "stopped"));
    g_assert_cmpstr(json_object_get_string_member(s, "reason"), ==, type);
    g_assert_cmphex((guint64) json_object_get_int_member(s, "pc"), ==, tick);
    g_assert_cmpint(json_object_get_int_member(s, "point-id"), ==, id);

    points = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(points)), ==, 1);
    p = json_array_get_object_element(json_node_get_array(points), 0);
    g_assert_cmpint(json_object_get_int_member(p, "id"), ==, id);
    g_assert_cmpstr(json_object_get_string_member(p, "type"), ==, type);
    g_assert_cmphex((guint64) json_object_get_int_member(p, "addr"), ==, tick);
    g_assert_cmpint(json_object_get_int_member(p, "len"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(p, "hits"), ==, 1);
    g_assert_false(json_object_has_member(p, "cpu-index"));
}

static void
testSwBreakpoint(void)
{
    checkBreakpoint("sw-breakpoint");
}

static void
testHwBreakpoint(void)
{
    checkBreakpoint("hw-breakpoint");
}

/* Continuing from a breakpoint steps over it: the next stop is the next
 * call, one guest_tick() later; "cont" does the same. */
static void
testContinueAdvances(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    guint64 tick = testGuestSymbol("guest_tick");
    guint32 calls[4];
    int i;

    qmpInsert(qemu, "sw-breakpoint", tick, 0);
    for (i = 0; i < 4; i++) {
        g_autoptr(JsonObject) ev = testQmpWaitStop(qemu->qmp);

        g_assert_cmphex(testQmpStopPc(ev), ==, tick);
        calls[i] = readU32(qemu, "guest_tick_count");
        if (i > 0)
            g_assert_cmpuint(calls[i], ==, calls[i - 1] + 1);
        testQmpDo(qemu->qmp, i % 2 ? "cont" : "debug-continue", NULL);
    }
}

static void
checkWatchpoint(const char *type, const char *sym)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 addr = testGuestSymbol(sym);
    gint64 id = qmpInsert(qemu, type, addr, 4);

    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, type);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex((guint64) json_object_get_int_member(ev, "watch-addr"),
                    ==, addr);
    g_assert_cmphex((guint64) json_object_get_int_member(ev, "hit-addr"),
                    ==, addr);
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, testQmpStopPc(ev));
    testQmpAssertRunState(qemu->qmp, "debug");

    /* it fires again after continuing */
    json_object_unref(g_steal_pointer(&ev));
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, type);
}

static void
testWatchWrite(void)
{
    checkWatchpoint("watchpoint-write", "guest_write_var");
}

static void
testWatchRead(void)
{
    checkWatchpoint("watchpoint-read", "guest_read_var");
}

static void
testWatchAccess(void)
{
    checkWatchpoint("watchpoint-access", "guest_write_var");
}

static void
testInterrupt(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;

    /* what needs a stopped VM says so */
    testQmpErr(qemu->qmp, "the VM is running", "debug-step", "{\"cpu-index\": 0}");
    testQmpErr(qemu->qmp, "the VM is running", "debug-write-register",
           "{\"cpu-index\": 0, \"name\": \"rax\", \"value\": \"0000000000000000\"}");
    /* continuing a running VM is harmless */
    testQmpDo(qemu->qmp, "debug-continue", NULL);

    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "interrupt");
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 0);
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, testQmpStopPc(ev));
    testQmpAssertRunState(qemu->qmp, "debug");
    testQmpErr(qemu->qmp, "not running", "debug-interrupt", NULL);
    testQmpClearEvents(qemu->qmp);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    testQmpAssertRunState(qemu->qmp, "running");
    /* a continue is a run the management layer hears about */
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "RESUME"), ==, 1);
}

static void
checkStep(gint64 count)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint32 before, after;
    guint64 pc0;

    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    pc0 = testQmpStopPc(ev);
    before = readU32(qemu, "guest_counter");
    testQmpClearEvents(qemu->qmp);

    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"count\": %" G_GINT64_FORMAT
          "}", count);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 0);
    g_assert_false(json_object_has_member(ev, "point-id"));
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, testQmpStopPc(ev));
    testQmpAssertRunState(qemu->qmp, "debug");
    /* exactly one stop */
    testQmpAssertNoStop(qemu->qmp);
    /* and it was no run for the management layer: the VM was stopped for
     * the debugger before and after (libvirt would otherwise update its
     * state twice per step) */
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "RESUME"), ==, 0);
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "STOP"), ==, 0);

    after = readU32(qemu, "guest_counter");
    if (count == 1) {
        g_assert_cmphex(testQmpStopPc(ev), !=, pc0);
        g_assert_cmpuint(after - before, <=, 1);
    } else {
        /* a main-loop iteration is a few dozen instructions, but one in
         * 4096 calls guest_loop, ~3000: @count covers that too, wherever
         * the interrupt stopped */
        g_assert_cmpuint(after - before, >=, 1);
        g_assert_cmpuint(after - before, <, (guint32) count);
    }
}

static void
testStep1(void)
{
    checkStep(1);
}

static void
testStepMany(void)
{
    checkStep(4000);
}

/* Stops the guest at @symbol with a hardware breakpoint, then removes
 * every point; returns the symbol's address. */
static guint64
stopAtHwBreakpoint(testQemu *qemu, const char *symbol)
{
    g_autoptr(JsonObject) ev = NULL;
    guint64 addr = testGuestSymbol(symbol);

    qmpInsert(qemu, "hw-breakpoint", addr, 0);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmphex(testQmpStopPc(ev), ==, addr);
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    return addr;
}

/* Step @count instructions of vCPU 0 and return the one stop it ends in. */
static JsonObject *
stepAndWait(testQemu *qemu, gint64 count)
{
    JsonObject *ev;

    testQmpClearEvents(qemu->qmp);
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"count\": %" G_GINT64_FORMAT
          "}", count);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, testQmpStopPc(ev));
    testQmpAssertRunState(qemu->qmp, "debug");
    testQmpAssertNoStop(qemu->qmp);
    return ev;
}

/*
 * A step across the guest's own int3 (raised by guest_raise_int3 and
 * delivered through the guest's IDT): stepping the int3 lands on the
 * handler's first instruction, the handler runs, and a long step that
 * crosses the int3 still ends in exactly one stop.
 */
static void
testStepGuestInt3(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 site = stopAtHwBreakpoint(qemu, "guest_int3_site");
    guint32 before;

    before = readU32(qemu, "guest_int3_count");

    ev = stepAndWait(qemu, 1);
    g_assert_cmphex(testQmpStopPc(ev), ==, testGuestSymbol("guest_int3_handler"));
    /* lock incl, iret: back after the int3 */
    json_object_unref(g_steal_pointer(&ev));
    ev = stepAndWait(qemu, 2);
    g_assert_cmphex(testQmpStopPc(ev), ==, site + 1);
    g_assert_cmpuint(readU32(qemu, "guest_int3_count"), ==, before + 1);

    /* and once more, crossing the int3 within one long step */
    qmpInsert(qemu, "hw-breakpoint", site, 0);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmphex(testQmpStopPc(ev), ==, site);
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = stepAndWait(qemu, 100);
    g_assert_cmpuint(readU32(qemu, "guest_int3_count"), ==, before + 2);
    g_assert_cmpuint(readU32(qemu, "guest_fault_count"), ==, 0);
}

/* Point vCPU 0 (stopped) at @addr. */
static void
setRip(testQemu *qemu, guint64 addr)
{
    testQmpDo(qemu->qmp, "debug-write-register",
          "{\"cpu-index\": 0, \"name\": \"rip\", \"value\": "
          "\"%02x%02x%02x%02x00000000\"}",
          (unsigned) (addr & 0xff), (unsigned) (addr >> 8 & 0xff),
          (unsigned) (addr >> 16 & 0xff), (unsigned) (addr >> 24 & 0xff));
}

/*
 * A step that executes hlt ends there (no debug exception follows an
 * instruction that halts): one stop, at the next instruction, and the
 * halted vCPU is then refused a step that could only wait for an
 * interrupt.
 */
static void
testStepHalt(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 hlt = testGuestSymbol("guest_halt_site");

    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    /* cli; hlt: a step of 1000 stops after the 2 */
    setRip(qemu, hlt - 1);
    json_object_unref(g_steal_pointer(&ev));
    ev = stepAndWait(qemu, 1000);
    g_assert_cmphex(testQmpStopPc(ev), ==, hlt + 1);
    testQmpErr(qemu->qmp, "halted", "debug-step", "{\"cpu-index\": 0}");
}

/*
 * Points removed while the vCPU runs into them: the VM never ends up
 * stopped for the debugger without a DEBUG_STOP saying why.  The point is
 * on the guest's int3, passed every few milliseconds, so that some of the
 * removals meet a vCPU that has just hit it and waits for the BQL.
 */
static void
testRemoveWhileHit(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    guint64 tick = testGuestSymbol("guest_int3_site");
    int i;

    for (i = 0; i < 500; i++) {
        g_autofree char *state = NULL;
        gint64 id = qmpInsert(qemu, i % 2 ? "hw-breakpoint" : "sw-breakpoint",
                              tick, 0);

        testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
        state = testQmpRunState(qemu->qmp);
        if (g_str_equal(state, "debug")) {
            g_autoptr(JsonObject) ev = testQmpWaitStop(qemu->qmp);

            g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                            i % 2 ? "hw-breakpoint" : "sw-breakpoint");
            testQmpDo(qemu->qmp, "debug-continue", NULL);
        }
        testQmpClearEvents(qemu->qmp);
    }
    g_usleep(TEST_QMP_QUIET_MS * 1000);
    testQmpAssertRunState(qemu->qmp, "running");
}

/*
 * Step @count instructions from the first guest_tick() of a freshly
 * booted guest (so every run starts from the same state), with the vCPU
 * kicked out of its execution loop all the while if @kick (run_on_cpu
 * work: debug-insert and debug-remove of a point never reached).  Returns
 * the stop's pc; guest_counter goes to @counter, the kicks to @kicks.
 */
static guint64
stepFromFirstTick(gint64 count, gboolean kick, guint32 *counter, guint *kicks)
{
    const char *const paused[] = { "-S", NULL };
    g_autoptr(testQemu) qemu = testQemuStartTcg("pc", paused);
    g_autoptr(JsonObject) ev = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    guint64 never = testGuestSymbol("guest_never_called");
    gint64 id = qmpInsert(qemu, "sw-breakpoint", tick, 0);

    testQmpDo(qemu->qmp, "cont", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmpuint(readU32(qemu, "guest_counter"), ==, 0);
    testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);

    testQmpClearEvents(qemu->qmp);
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"count\": %" G_GINT64_FORMAT
          "}", count);
    *kicks = 0;
    while (kick && testQmpCountEvents(qemu->qmp, "DEBUG_STOP") == 0) {
        id = qmpInsert(qemu, "hw-breakpoint", never, 0);
        testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
        (*kicks)++;
    }
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    *counter = readU32(qemu, "guest_counter");
    return testQmpStopPc(ev);
}

/*
 * A step counts instructions, not trips through the vCPU loop: a vCPU
 * kicked while it steps (interrupt lines, run_on_cpu work, another
 * thread) ends a step of N instructions exactly where an undisturbed one
 * does.  (QEMU 7.2 counted a kick that came between its interrupt check
 * and the next instruction as a step that executed nothing.)
 */
static void
testStepKicked(void)
{
    const gint64 count = 1000000;
    guint32 quietCounter, kickedCounter;
    guint quietKicks, kicks;
    guint64 quiet = stepFromFirstTick(count, FALSE, &quietCounter, &quietKicks);
    guint64 kicked = stepFromFirstTick(count, TRUE, &kickedCounter, &kicks);

    g_test_message("%u kicks during a step of %" G_GINT64_FORMAT, kicks, count);
    g_assert_cmpuint(kicks, >=, 20);
    g_assert_cmphex(kicked, ==, quiet);
    g_assert_cmpuint(kickedCounter, ==, quietCounter);
}

static guint64
readMsr(testQemu *qemu, guint32 msr)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-msr",
                                    "{\"cpu-index\": 0, \"msr\": %u}", msr);

    return json_object_get_int_member(json_node_get_object(ret), "value");
}

/* The MSRs that locate a kernel: the guest pointed LSTAR (0xc0000082) at
 * its entry_SYSCALL_64, as Linux does; others are refused. */
static void
testReadMsr(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();

    g_assert_cmphex(readMsr(qemu, 0xc0000082), ==,
                    testGuestSymbol("entry_SYSCALL_64"));
    /* EFER: no long mode in this 32-bit guest */
    g_assert_cmphex(readMsr(qemu, 0xc0000080) & 0x400, ==, 0);
    testQmpErr(qemu->qmp, "MSR 0x10 cannot be read", "debug-read-msr",
           "{\"cpu-index\": 0, \"msr\": 16}");
    testQmpErr(qemu->qmp, "cpu-index", "debug-read-msr",
           "{\"cpu-index\": 7, \"msr\": 3221225602}");
    testQmpAssertRunState(qemu->qmp, "running");
}

/* Stepping from a breakpoint leaves it; a long step stops early at it. */
static void
testStepBreakpoint(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    gint64 id = qmpInsert(qemu, "sw-breakpoint", tick, 0);

    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    json_object_unref(g_steal_pointer(&ev));

    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0}");
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmphex(testQmpStopPc(ev), !=, tick);
    json_object_unref(g_steal_pointer(&ev));

    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"count\": 100000}");
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "sw-breakpoint");
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    testQmpAssertNoStop(qemu->qmp);
}

/* Register writes reach the guest: rax is stored by guest_reg_store. */
static void
testRegisterWrite(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 store = stopAtHwBreakpoint(qemu, "guest_reg_store");
    gint64 size;

    regValue(qemu, "rax", &size);
    g_assert_cmpint(size, ==, 8);
    testQmpDo(qemu->qmp, "debug-write-register",
          "{\"cpu-index\": 0, \"name\": \"rax\", \"value\": \"efbeadde00000000\"}");
    g_assert_cmphex(regValue(qemu, "rax", NULL), ==, 0xdeadbeef);

    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0}");
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmphex(readU32(qemu, "guest_reg_sink"), ==, 0xdeadbeef);

    /* and rip writes move the vCPU */
    testQmpDo(qemu->qmp, "debug-write-register",
          "{\"cpu-index\": 0, \"name\": \"rip\", \"value\": \"%02x%02x%02x%02x00000000\"}",
          (unsigned) (store & 0xff), (unsigned) (store >> 8 & 0xff),
          (unsigned) (store >> 16 & 0xff), (unsigned) (store >> 24 & 0xff));
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, store);
}

/* Memory writes reach the guest: it copies guest_read_var into
 * guest_read_sink every 256 iterations. */
static void
testMemoryWrite(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    g_assert_cmphex(readU32(qemu, "guest_read_var"), ==, 0x5eed);
    writeU32(qemu, "guest_read_var", 0x12345678);
    g_assert_cmphex(readU32(qemu, "guest_read_var"), ==, 0x12345678);
    while (readU32(qemu, "guest_read_sink") != 0x12345678) {
        if (g_get_monotonic_time() > deadline)
            g_error("the guest never saw the written value");
        g_usleep(10 * 1000);
    }

    /* physical addresses: the guest runs without paging, so they agree */
    {
        g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-memory",
                                        "{\"addr\": %" G_GUINT64_FORMAT
                                        ", \"size\": 4, \"physical\": true}",
                                        testGuestSymbol("guest_read_var"));
        g_assert_cmpstr(json_object_get_string_member(json_node_get_object(ret),
                                                      "data"), ==, "eFY0Eg==");
    }
    /* the maximum size is accepted */
    {
        g_autoptr(GBytes) b = readMem(qemu, 0x100000, 65536);
        g_assert_cmpuint(g_bytes_get_size(b), ==, 65536);
    }
}

/* The guest's own int3 still reaches its IDT while points are set. */
static void
testGuestInt3(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    guint32 before;

    qmpInsert(qemu, "sw-breakpoint", testGuestSymbol("guest_never_called"), 0);
    qmpInsert(qemu, "hw-breakpoint", testGuestSymbol("guest_never_called"), 0);
    qmpInsert(qemu, "watchpoint-access", testGuestSymbol("guest_fault_count"), 4);
    before = readU32(qemu, "guest_int3_count");
    while (readU32(qemu, "guest_int3_count") < before + 3) {
        if (g_get_monotonic_time() > deadline)
            g_error("the guest's int3 stopped reaching its IDT");
        g_usleep(20 * 1000);
    }
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "DEBUG_STOP"), ==, 0);
    g_assert_cmpuint(readU32(qemu, "guest_fault_count"), ==, 0);
    testQmpAssertRunState(qemu->qmp, "running");
}

/* After debug-remove-all and a continue the guest runs undisturbed. */
static void
testRemoveAllResumes(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) points = NULL;
    guint32 c1, c2, i1;

    qmpInsert(qemu, "sw-breakpoint", testGuestSymbol("guest_tick"), 0);
    qmpInsert(qemu, "hw-breakpoint", testGuestSymbol("guest_reg_probe"), 0);
    qmpInsert(qemu, "watchpoint-write", testGuestSymbol("guest_write_var"), 4);
    qmpInsert(qemu, "watchpoint-read", testGuestSymbol("guest_read_var"), 4);
    ev = testQmpWaitStop(qemu->qmp);
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    points = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(points)), ==, 0);
    testQmpClearEvents(qemu->qmp);
    c1 = readU32(qemu, "guest_counter");
    i1 = readU32(qemu, "guest_int3_count");
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    testQmpAssertNoStop(qemu->qmp);
    testQmpAssertRunState(qemu->qmp, "running");
    c2 = readU32(qemu, "guest_counter");
    g_assert_cmpuint(c2 - c1, >, 4096);
    g_assert_cmpuint(readU32(qemu, "guest_int3_count"), >, i1);
    g_assert_cmpuint(readU32(qemu, "guest_fault_count"), ==, 0);
}

static void
testCapabilitiesTcg(void)
{
    g_autoptr(testQemu) qemu = testQemuStartTcg("pc", NULL);
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "query-debug-capabilities", NULL);
    JsonObject *caps = json_node_get_object(ret);
    JsonArray *types = json_object_get_array_member(caps, "point-types");
    JsonArray *flags = json_object_get_array_member(caps, "step-flags");

    g_assert_cmpstr(json_object_get_string_member(caps, "accelerator"), ==, "tcg");
    g_assert_true(json_object_get_boolean_member(caps, "supported"));
    g_assert_cmpuint(json_array_get_length(types), ==, 5);
    g_assert_cmpstr(json_array_get_string_element(types, 0), ==, "sw-breakpoint");
    g_assert_cmpstr(json_array_get_string_element(types, 4), ==, "watchpoint-access");
    g_assert_false(json_object_has_member(caps, "hw-breakpoints"));
    g_assert_false(json_object_has_member(caps, "hw-watchpoints"));
    g_assert_false(json_object_get_boolean_member(caps, "hw-slots-shared"));
    g_assert_true(json_object_get_boolean_member(caps, "single-step"));
    g_assert_cmpuint(json_array_get_length(flags), ==, 2);
    g_assert_cmpstr(json_array_get_string_element(flags, 0), ==, "noirq");
    g_assert_cmpstr(json_array_get_string_element(flags, 1), ==, "notimer");
    g_assert_cmpint(json_object_get_int_member(caps, "max-memory-size"), ==, 65536);
    g_assert_true(json_object_get_boolean_member(caps, "range-step"));
    g_assert_true(json_object_get_boolean_member(caps, "conditions"));
    g_assert_true(json_object_get_boolean_member(caps, "ignore-count"));
    g_assert_true(json_object_get_boolean_member(caps, "tracepoints"));
    g_assert_true(json_object_get_boolean_member(caps, "step-trace"));
}

static void
testCapabilitiesNone(void)
{
    g_autoptr(testQemu) qemu = testQemuStartTcg("none", NULL);
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "query-debug-capabilities", NULL);
    JsonObject *caps = json_node_get_object(ret);

    g_assert_false(json_object_get_boolean_member(caps, "supported"));
    g_assert_false(json_object_get_boolean_member(caps, "single-step"));
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(caps, "point-types")), ==, 0);
    g_assert_cmpint(json_object_get_int_member(caps, "max-memory-size"), ==, 65536);
    testQmpErr(qemu->qmp, "not supported", "debug-insert",
           "{\"type\": \"sw-breakpoint\", \"addr\": 4096}");
    testQmpErr(qemu->qmp, "not supported", "query-debug-stop", NULL);
}

/* Record/replay owns the execution: the commands refuse there. */
static gint64
qmpInsertOwned(testQemu *qemu, const char *client, const char *type,
               guint64 addr, guint64 len)
{
    g_autoptr(JsonNode) ret = NULL;

    if (len)
        ret = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"len\": %" G_GUINT64_FORMAT ", \"client\": \"%s\"}",
                    type, addr, len, client);
    else
        ret = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"client\": \"%s\"}", type, addr, client);
    return json_object_get_int_member(json_node_get_object(ret), "id");
}

/*
 * A lease that is not renewed expires: its points go, and the VM its
 * point stopped resumes; points without a lease stay.
 */
static void
testLeaseExpires(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *owners = NULL;
    gint64 deadline;

    qmpInsert(qemu, "watchpoint-write", testGuestSymbol("guest_never_called"), 4);
    testQmpDo(qemu->qmp, "debug-lease", "{\"client\": \"gdb-1\", \"timeout\": 2}");
    qmpInsertOwned(qemu, "gdb-1", "hw-breakpoint", testGuestSymbol("guest_tick"), 0);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "hw-breakpoint");
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:- 2:gdb-1");

    /* the client vanishes: nobody renews */
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    for (;;) {
        g_autofree char *state = testQmpRunState(qemu->qmp);

        if (g_str_equal(state, "running"))
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("the VM is still '%s' 10 s after its lease of 2 s", state);
        g_usleep(100 * 1000);
    }
    g_clear_pointer(&owners, g_free);
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:-");
    testQmpErr(qemu->qmp, "no lease named 'gdb-1'", "debug-lease-release",
           "{\"client\": \"gdb-1\"}");
    testQmpAssertNoStop(qemu->qmp);
}

/*
 * Two clients with leases: releasing one removes only its points and
 * leaves the VM stopped for the other; releasing the last resumes it.
 * debug-remove-all with a client removes that client's points only.
 */
static void
testLeaseTwoClients(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *owners = NULL;

    testQmpDo(qemu->qmp, "debug-lease", "{\"client\": \"a\", \"timeout\": 60}");
    testQmpDo(qemu->qmp, "debug-lease", "{\"client\": \"b\", \"timeout\": 60}");
    qmpInsertOwned(qemu, "b", "watchpoint-write", testGuestSymbol("guest_never_called"), 4);
    qmpInsertOwned(qemu, "b", "sw-breakpoint", testGuestSymbol("guest_never_called"), 0);
    qmpInsertOwned(qemu, "a", "hw-breakpoint", testGuestSymbol("guest_tick"), 0);
    ev = testQmpWaitStop(qemu->qmp);

    testQmpDo(qemu->qmp, "debug-lease-release", "{\"client\": \"a\"}");
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:b 2:b");
    testQmpAssertRunState(qemu->qmp, "debug");

    testQmpDo(qemu->qmp, "debug-remove-all", "{\"client\": \"b\"}");
    g_clear_pointer(&owners, g_free);
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "");
    testQmpAssertRunState(qemu->qmp, "debug");

    testQmpDo(qemu->qmp, "debug-lease-release", "{\"client\": \"b\"}");
    testQmpAssertRunState(qemu->qmp, "running");
}

/* Bad lease requests are refused and change nothing. */
static void
testLeaseBadInput(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autofree char *longName = g_strnfill(65, 'x');
    g_autofree char *owners = NULL;

    testQmpErr(qemu->qmp, "no lease named 'nobody'", "debug-insert",
           "{\"type\": \"hw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
           ", \"client\": \"nobody\"}", testGuestSymbol("guest_tick"));
    testQmpErr(qemu->qmp, "1 to 64 characters", "debug-lease",
           "{\"client\": \"\", \"timeout\": 5}");
    testQmpErr(qemu->qmp, "1 to 64 characters", "debug-lease",
           "{\"client\": \"%s\", \"timeout\": 5}", longName);
    testQmpErr(qemu->qmp, "printable ASCII", "debug-lease",
           "{\"client\": \"a b\", \"timeout\": 5}");
    testQmpErr(qemu->qmp, "out of range", "debug-lease",
           "{\"client\": \"a\", \"timeout\": 0}");
    testQmpErr(qemu->qmp, "out of range", "debug-lease",
           "{\"client\": \"a\", \"timeout\": 3601}");
    testQmpErr(qemu->qmp, "no lease named 'a'", "debug-lease-release",
           "{\"client\": \"a\"}");
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "");
    testQmpAssertRunState(qemu->qmp, "running");
    testQmpAssertNoStop(qemu->qmp);
}

/*
 * A VM with debug points, or stopped in the debugger, cannot be migrated
 * or saved (it would not load: the destination cannot enter runstate
 * "debug", and the points are not in the stream): "migrate" is refused
 * with a message that says how to lift the block, and nothing changes.
 * Once the debugger is gone, migration works.
 */
static void
testMigrationBlocked(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) points = NULL;
    const char *to = "{\"uri\": \"exec:cat > /dev/null\"}";
    gint64 deadline;

    /* points set, guest running */
    qmpInsert(qemu, "watchpoint-write", testGuestSymbol("guest_never_called"), 4);
    testQmpErr(qemu->qmp, "debug-detach", "migrate", "%s", to);
    testQmpAssertRunState(qemu->qmp, "running");
    points = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(points)), ==, 1);

    /* no point, stopped in the debugger */
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    testQmpErr(qemu->qmp, "being debugged", "migrate", "%s", to);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* the debugger gone: it migrates */
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    testQmpDo(qemu->qmp, "migrate", "%s", to);
    deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    for (;;) {
        g_autoptr(JsonNode) info = testQmpOk(qemu->qmp, "query-migrate", NULL);
        const char *status = json_object_get_string_member(
            json_node_get_object(info), "status");

        if (g_str_equal(status, "completed"))
            break;
        if (g_str_equal(status, "failed"))
            g_error("migration failed once the debugger was gone");
        if (g_get_monotonic_time() > deadline)
            g_error("migration still '%s' after 30 s", status);
        g_usleep(50 * 1000);
    }
}

/* The test guest in a QEMU that also serves a gdbstub on a new unix
 * socket, whose path goes to @gdbsock. */
static testQemu *
startGuestWithGdbStub(char **gdbsock)
{
    g_autofree char *gdbarg = NULL;
    const char *args[3] = { "-gdb", NULL, NULL };
    testQemu *qemu;
    int fd;

    *gdbsock = g_build_filename(g_get_tmp_dir(), "ld-gdb-XXXXXX", NULL);
    fd = g_mkstemp(*gdbsock);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    unlink(*gdbsock);
    gdbarg = g_strdup_printf("unix:%s,server=on,wait=off", *gdbsock);
    args[1] = gdbarg;
    qemu = testQemuStartTcg("pc", args);
    testQemuWaitGuestReady(qemu);
    return qemu;
}

/* A gdb client's connection to the gdbstub at @path. */
static int
gdbConnect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    g_assert_cmpint(connect(fd, (struct sockaddr *) &addr, sizeof(addr)), ==, 0);
    return fd;
}

/* Waits until @cmd, refused while a gdb client is attached, works again
 * (QEMU notices a closed client a moment later). */
static void
waitGdbClientGone(testQemu *qemu, const char *cmd)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    for (;;) {
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) ret = testQmpExecute(qemu->qmp, cmd, NULL, &err);

        if (ret)
            return;
        if (g_get_monotonic_time() > deadline)
            g_error("still refused after the gdb client left: %s", err->message);
        g_usleep(20 * 1000);
    }
}

/*
 * A gdb client of the -gdb stub that detaches removes its own points
 * only: the QMP debug points stay listed and armed (watchpoints too) and
 * keep stopping the guest.
 */
static void
testGdbDetachKeepsPoints(void)
{
    g_autofree char *gdbsock = NULL;
    g_autoptr(testQemu) qemu = NULL;
    g_autoptr(JsonNode) points = NULL;
    g_autoptr(GError) err = NULL;
    gboolean sawWatch = FALSE, sawBreak = FALSE;
    int fd;
    int i;

    qemu = startGuestWithGdbStub(&gdbsock);

    qmpInsert(qemu, "watchpoint-write", testGuestSymbol("guest_write_var"), 4);
    qmpInsert(qemu, "hw-breakpoint", testGuestSymbol("guest_reg_store"), 0);
    json_object_unref(testQmpWaitStop(qemu->qmp));

    /* a gdb client attaches, detaches ("D") and leaves */
    testQmpClearEvents(qemu->qmp);
    fd = gdbConnect(gdbsock);
    g_assert_cmpint(write(fd, "$?#3f", 5), ==, 5);
    g_assert_cmpint(write(fd, "+$D#44", 6), ==, 6);
    g_usleep(TEST_QMP_QUIET_MS * 1000);
    close(fd);
    waitGdbClientGone(qemu, "query-debug-points");

    points = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(points)), ==, 2);
    testQmpClearEvents(qemu->qmp);
    for (i = 0; i < 50 && !(sawWatch && sawBreak); i++) {
        g_autoptr(JsonObject) ev = NULL;
        const char *reason;

        testQmpDo(qemu->qmp, "debug-continue", NULL);
        ev = testQmpWaitStop(qemu->qmp);
        reason = json_object_get_string_member(ev, "reason");
        if (g_str_equal(reason, "watchpoint-write")) {
            sawWatch = TRUE;
        } else if (g_str_equal(reason, "hw-breakpoint") && !sawBreak) {
            /* hit every loop iteration: out of the watchpoint's way */
            sawBreak = TRUE;
            testQmpDo(qemu->qmp, "debug-remove", "{\"id\": 2}");
        }
    }
    g_assert_true(sawBreak);
    g_assert_true(sawWatch);
    unlink(gdbsock);
}

static void
testRecordReplay(void)
{
    g_autofree char *dir = g_dir_make_tmp("ld-rr-XXXXXX", NULL);
    g_autofree char *rrfile = g_build_filename(dir, "replay.bin", NULL);
    g_autofree char *icount = g_strdup_printf("shift=auto,rr=record,rrfile=%s",
                                              rrfile);
    const char *const args[] = { "-icount", icount, NULL };
    testQemu *qemu = testQemuStartTcg("pc", args);
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "query-debug-capabilities", NULL);

    g_assert_false(json_object_get_boolean_member(json_node_get_object(ret),
                                                  "supported"));
    testQmpErr(qemu->qmp, "record/replay", "debug-insert",
           "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT "}",
           testGuestSymbol("guest_tick"));
    testQmpErr(qemu->qmp, "record/replay", "debug-interrupt", NULL);
    testQemuFree(qemu);
    g_unlink(rrfile);
    g_rmdir(dir);
}

/* A snapshot of everything bad input must not change. */
static char *
guestSnapshot(testQemu *qemu)
{
    g_autoptr(JsonNode) regs = testQmpOk(qemu->qmp, "debug-read-registers",
                                     "{\"cpu-index\": 0}");
    g_autoptr(JsonNode) points = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    g_autoptr(GBytes) image = readMem(qemu, 0x100000, 0x5000);
    g_autofree char *r = json_to_string(regs, FALSE);
    g_autofree char *p = json_to_string(points, FALSE);
    g_autofree char *m = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, image);

    return g_strdup_printf("%s\n%s\n%s", r, p, m);
}

static void
testBadInput(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *big = NULL;
    guint64 wvar = testGuestSymbol("guest_write_var");
    guint64 tick = testGuestSymbol("guest_tick");
    gint64 id;
    guint8 *zeros;

    id = qmpInsert(qemu, "watchpoint-write", testGuestSymbol("guest_fault_count"), 4);
    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    before = guestSnapshot(qemu);

    /* points */
    testQmpErr(qemu->qmp, "debug point 999 does not exist", "debug-remove", "{\"id\": 999}");
    testQmpErr(qemu->qmp, "does not exist", "debug-remove", "{\"id\": -1}");
    testQmpErr(qemu->qmp, "bogus", "debug-insert", "{\"type\": \"bogus\", \"addr\": %"
           G_GUINT64_FORMAT "}", tick);
    testQmpErr(qemu->qmp, "length 0", "debug-insert", "{\"type\": \"watchpoint-write\", "
           "\"addr\": %" G_GUINT64_FORMAT ", \"len\": 0}", wvar);
    testQmpErr(qemu->qmp, "length 3", "debug-insert", "{\"type\": \"watchpoint-read\", "
           "\"addr\": %" G_GUINT64_FORMAT ", \"len\": 3}", wvar);
    testQmpErr(qemu->qmp, "length 16", "debug-insert", "{\"type\": \"watchpoint-access\", "
           "\"addr\": %" G_GUINT64_FORMAT ", \"len\": 16}", wvar);
    testQmpErr(qemu->qmp, "not aligned", "debug-insert", "{\"type\": \"watchpoint-write\", "
           "\"addr\": %" G_GUINT64_FORMAT ", \"len\": 4}", wvar + 1);
    testQmpErr(qemu->qmp, "needs 'len'", "debug-insert", "{\"type\": \"watchpoint-write\", "
           "\"addr\": %" G_GUINT64_FORMAT "}", wvar);
    testQmpErr(qemu->qmp, "only valid for watchpoints", "debug-insert",
           "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
           ", \"len\": 1}", tick);
    testQmpErr(qemu->qmp, "vCPU 5 does not exist", "debug-insert",
           "{\"type\": \"hw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
           ", \"cpu-index\": 5}", tick);
    testQmpErr(qemu->qmp, "is not mapped", "debug-insert",
           "{\"type\": \"sw-breakpoint\", \"addr\": 1073741824}");
    testQmpErr(qemu->qmp, "not guest RAM", "debug-insert",
           "{\"type\": \"sw-breakpoint\", \"addr\": 4276092928}");

    /* stepping */
    testQmpErr(qemu->qmp, "vCPU 1 does not exist", "debug-step", "{\"cpu-index\": 1}");
    testQmpErr(qemu->qmp, "vCPU -1 does not exist", "debug-step", "{\"cpu-index\": -1}");
    testQmpErr(qemu->qmp, "out of range", "debug-step", "{\"cpu-index\": 0, \"count\": 0}");
    testQmpErr(qemu->qmp, "out of range", "debug-step",
           "{\"cpu-index\": 0, \"count\": 1000001}");

    /* registers */
    testQmpErr(qemu->qmp, "no register named 'nosuch'", "debug-read-registers",
           "{\"cpu-index\": 0, \"names\": [\"rip\", \"nosuch\"]}");
    testQmpErr(qemu->qmp, "vCPU 3 does not exist", "debug-read-registers",
           "{\"cpu-index\": 3}");
    testQmpErr(qemu->qmp, "no register named 'nosuch'", "debug-write-register",
           "{\"cpu-index\": 0, \"name\": \"nosuch\", \"value\": \"00\"}");
    testQmpErr(qemu->qmp, "exactly 16 hex digits", "debug-write-register",
           "{\"cpu-index\": 0, \"name\": \"rax\", \"value\": \"1234\"}");
    testQmpErr(qemu->qmp, "exactly 16 hex digits", "debug-write-register",
           "{\"cpu-index\": 0, \"name\": \"rax\", \"value\": \"001122334455667788\"}");
    testQmpErr(qemu->qmp, "not a hex digit", "debug-write-register",
           "{\"cpu-index\": 0, \"name\": \"rax\", \"value\": \"zz00000000000000\"}");
    testQmpErr(qemu->qmp, "hex digits", "debug-write-register",
           "{\"cpu-index\": 0, \"name\": \"rax\", \"value\": \"\"}");
    testQmpErr(qemu->qmp, "no GDB target description document", "query-debug-gdb-xml",
           "{\"annex\": \"nosuch.xml\"}");

    /* memory */
    testQmpErr(qemu->qmp, "out of range", "debug-read-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 0}", wvar);
    testQmpErr(qemu->qmp, "out of range", "debug-read-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 65537}", wvar);
    testQmpErr(qemu->qmp, "out of range", "debug-read-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": -4}", wvar);
    testQmpErr(qemu->qmp, "is not mapped", "debug-read-memory",
           "{\"addr\": 1073741824, \"size\": 4}");
    /* the range starts mapped and runs into the unmapped part */
    testQmpErr(qemu->qmp, "is not mapped", "debug-write-memory",
           "{\"addr\": 4194300, \"data\": \"AAAAAAAAAAA=\"}");
    /* mapped, but the local APIC is not RAM */
    testQmpErr(qemu->qmp, "not guest RAM", "debug-read-memory",
           "{\"addr\": 4276092928, \"size\": 4}");
    testQmpErr(qemu->qmp, "not guest RAM", "debug-read-memory",
           "{\"addr\": 17179869184, \"size\": 4, \"physical\": true}");
    testQmpErr(qemu->qmp, "not guest RAM", "debug-read-memory",
           "{\"addr\": 4276092928, \"size\": 4, \"physical\": true}");
    testQmpErr(qemu->qmp, "wraps around", "debug-read-memory",
           "{\"addr\": 18446744073709551614, \"size\": 4}");
    /* the 32-bit guest's vCPU addresses 4 GiB: beyond, nothing is read
     * (its page walk would wrap 0x100000000 to 0) */
    testQmpErr(qemu->qmp, "not in long mode", "debug-read-memory",
           "{\"addr\": 4294967296, \"size\": 16}");
    testQmpErr(qemu->qmp, "0x100000000 is beyond the 4 GiB", "debug-read-memory",
           "{\"addr\": 4294967292, \"size\": 8}");
    testQmpErr(qemu->qmp, "not in long mode", "debug-write-memory",
           "{\"addr\": 4294967296, \"data\": \"AAAAAA==\"}");
    testQmpErr(qemu->qmp, "vCPU 2 does not exist", "debug-read-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 4, \"cpu-index\": 2}", wvar);
    /* a range that starts in RAM and runs out of it writes nothing */
    testQmpErr(qemu->qmp, "not guest RAM", "debug-write-memory",
           "{\"addr\": 134217724, \"data\": \"AAAAAAAAAAA=\", \"physical\": true}");
    testQmpErr(qemu->qmp, "read-only", "debug-write-memory",
           "{\"addr\": 4294963200, \"data\": \"AAAAAA==\", \"physical\": true}");
    testQmpErr(qemu->qmp, "not valid base64", "debug-write-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"data\": \"!!!!\"}", wvar);
    testQmpErr(qemu->qmp, "not valid base64", "debug-write-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"data\": \"\"}", wvar);
    zeros = g_malloc0(65537);
    big = g_base64_encode(zeros, 65537);
    g_free(zeros);
    testQmpErr(qemu->qmp, "65537 bytes", "debug-write-memory",
           "{\"addr\": %" G_GUINT64_FORMAT ", \"data\": \"%s\"}", wvar, big);

    /* execution control */
    testQmpErr(qemu->qmp, "not running", "debug-interrupt", NULL);

    after = guestSnapshot(qemu);
    g_assert_cmpstr(before, ==, after);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* and the one good point still works */
    testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
    testQmpErr(qemu->qmp, "does not exist", "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
    g_assert_cmpint(qmpInsert(qemu, "sw-breakpoint", tick, 0), >, id);
}

/* x-debug-set-hw-limits: TCG with the debug registers of a KVM host.
 * Hardware points go where the guest never executes or accesses (an
 * unmapped range), so none of them stops the VM. */
#define HW_UNUSED_BP 0x40001000ULL
#define HW_UNUSED_WP 0x40000000ULL

static void
setHwLimits(testQemu *qemu, int bps, int wps, gboolean shared)
{
    testQmpDo(qemu->qmp, "x-debug-set-hw-limits",
          "{\"hw-breakpoints\": %d, \"hw-watchpoints\": %d, "
          "\"hw-slots-shared\": %s}", bps, wps, shared ? "true" : "false");
}

/* The limits query-debug-capabilities reports; FALSE if it has none. */
static gboolean
capsHwLimits(testQemu *qemu, gint64 *bps, gint64 *wps, gboolean *shared)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "query-debug-capabilities", NULL);
    JsonObject *caps = json_node_get_object(ret);
    gboolean has = json_object_has_member(caps, "hw-breakpoints");

    g_assert_cmpint(has, ==, json_object_has_member(caps, "hw-watchpoints"));
    *shared = json_object_get_boolean_member(caps, "hw-slots-shared");
    *bps = has ? json_object_get_int_member(caps, "hw-breakpoints") : -1;
    *wps = has ? json_object_get_int_member(caps, "hw-watchpoints") : -1;
    return has;
}

static void
assertCapsHwLimits(testQemu *qemu, gint64 bps, gint64 wps, gboolean shared)
{
    gint64 b, w;
    gboolean sh;

    g_assert_true(capsHwLimits(qemu, &b, &w, &sh));
    g_assert_cmpint(b, ==, bps);
    g_assert_cmpint(w, ==, wps);
    g_assert_cmpint(sh, ==, shared);
}

static char *
pointList(testQemu *qemu)
{
    g_autoptr(JsonNode) points = testQmpOk(qemu->qmp, "query-debug-points", NULL);

    return json_to_string(points, FALSE);
}

/* 4 shared slots, as KVM on x86 (DR0-DR3). */
static void
testHwLimitsShared(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    guint64 never = testGuestSymbol("guest_never_called");
    gint64 b, w, id;
    gboolean sh;

    /* TCG alone is unlimited */
    g_assert_false(capsHwLimits(qemu, &b, &w, &sh));
    g_assert_false(sh);

    setHwLimits(qemu, 4, 4, TRUE);
    assertCapsHwLimits(qemu, 4, 4, TRUE);

    id = qmpInsert(qemu, "hw-breakpoint", HW_UNUSED_BP, 0);
    qmpInsert(qemu, "hw-breakpoint", HW_UNUSED_BP + 1, 0);
    qmpInsert(qemu, "hw-breakpoint", HW_UNUSED_BP + 2, 0);
    qmpInsert(qemu, "watchpoint-write", HW_UNUSED_WP, 4);
    /* a point identical to one already set shares its slot, as on KVM */
    qmpInsert(qemu, "hw-breakpoint", HW_UNUSED_BP, 0);

    /* the fifth slot is refused, for either kind, and nothing changes */
    before = pointList(qemu);
    testQmpErr(qemu->qmp, "hardware debug register slots exhausted: 4 of 4 in use "
           "(3 breakpoints, 1 watchpoints share them); remove a hardware "
           "breakpoint or watchpoint, or use a sw-breakpoint",
           "debug-insert", "{\"type\": \"hw-breakpoint\", \"addr\": %llu}",
           HW_UNUSED_BP + 3);
    testQmpErr(qemu->qmp, "hardware debug register slots exhausted: 4 of 4 in use",
           "debug-insert", "{\"type\": \"watchpoint-access\", \"addr\": %llu, "
           "\"len\": 8}", HW_UNUSED_WP + 8);
    after = pointList(qemu);
    g_assert_cmpstr(before, ==, after);

    /* software breakpoints do not use the slots */
    qmpInsert(qemu, "sw-breakpoint", never, 0);
    qmpInsert(qemu, "sw-breakpoint", never + 1, 0);

    /* removing one of the two identical points frees nothing ... */
    testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
    testQmpErr(qemu->qmp, "4 of 4 in use", "debug-insert",
           "{\"type\": \"hw-breakpoint\", \"addr\": %llu}", HW_UNUSED_BP + 3);
    /* ... removing a distinct one does */
    testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id + 1);
    qmpInsert(qemu, "watchpoint-read", HW_UNUSED_WP + 8, 8);

    /* limits below what is inserted are refused and change nothing */
    testQmpErr(qemu->qmp, "2 hardware breakpoints and 2 watchpoints are inserted, "
           "more than 3 shared slots; remove some first",
           "x-debug-set-hw-limits", "{\"hw-breakpoints\": 3, "
           "\"hw-watchpoints\": 3, \"hw-slots-shared\": true}");
    testQmpErr(qemu->qmp, "more than 2 breakpoint and 1 watchpoint slots",
           "x-debug-set-hw-limits", "{\"hw-breakpoints\": 2, "
           "\"hw-watchpoints\": 1, \"hw-slots-shared\": false}");
    assertCapsHwLimits(qemu, 4, 4, TRUE);
    /* limits that hold them are fine */
    setHwLimits(qemu, 2, 2, FALSE);
    assertCapsHwLimits(qemu, 2, 2, FALSE);
    testQmpErr(qemu->qmp, "hardware breakpoint slots exhausted: 2 of 2 in use",
           "debug-insert", "{\"type\": \"hw-breakpoint\", \"addr\": %llu}",
           HW_UNUSED_BP + 3);

    /* the guest never stopped, and runs on */
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "DEBUG_STOP"), ==, 0);
    testQmpAssertRunState(qemu->qmp, "running");
}

/* Separate pools, as KVM on arm64: 2 breakpoints, 1 watchpoint. */
static void
testHwLimitsSeparate(void)
{
    const char *const smp[] = { "-smp", "2", NULL };
    g_autoptr(testQemu) qemu = testQemuStartTcg("pc", smp);
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    guint64 never = testGuestSymbol("guest_never_called");

    testQemuWaitGuestReady(qemu);
    setHwLimits(qemu, 2, 1, FALSE);
    assertCapsHwLimits(qemu, 2, 1, FALSE);

    /* a point for one vCPU takes a slot like any other */
    qmpInsert(qemu, "hw-breakpoint", HW_UNUSED_BP, 0);
    ret = testQmpOk(qemu->qmp, "debug-insert", "{\"type\": \"hw-breakpoint\", "
                "\"addr\": %llu, \"cpu-index\": 1}", HW_UNUSED_BP + 1);
    qmpInsert(qemu, "watchpoint-write", HW_UNUSED_WP, 4);

    before = pointList(qemu);
    testQmpErr(qemu->qmp, "hardware breakpoint slots exhausted: 2 of 2 in use; "
           "remove one or use a sw-breakpoint", "debug-insert",
           "{\"type\": \"hw-breakpoint\", \"addr\": %llu}", HW_UNUSED_BP + 2);
    testQmpErr(qemu->qmp, "hardware breakpoint slots exhausted: 2 of 2 in use",
           "debug-insert", "{\"type\": \"hw-breakpoint\", \"addr\": %llu, "
           "\"cpu-index\": 0}", HW_UNUSED_BP + 2);
    testQmpErr(qemu->qmp, "hardware watchpoint slots exhausted: 1 of 1 in use; "
           "remove a watchpoint first", "debug-insert",
           "{\"type\": \"watchpoint-read\", \"addr\": %llu, \"len\": 4}",
           HW_UNUSED_WP + 8);
    after = pointList(qemu);
    g_assert_cmpstr(before, ==, after);

    /* software breakpoints are unaffected */
    qmpInsert(qemu, "sw-breakpoint", never, 0);

    /* shrinking below what is inserted is refused; growing is not */
    testQmpErr(qemu->qmp, "2 hardware breakpoints and 1 watchpoints are inserted",
           "x-debug-set-hw-limits", "{\"hw-breakpoints\": 1, "
           "\"hw-watchpoints\": 1, \"hw-slots-shared\": false}");
    testQmpErr(qemu->qmp, "more than 0 breakpoint and 0 watchpoint slots",
           "x-debug-set-hw-limits", "{\"hw-breakpoints\": 0, "
           "\"hw-watchpoints\": 0, \"hw-slots-shared\": false}");
    assertCapsHwLimits(qemu, 2, 1, FALSE);
    setHwLimits(qemu, 3, 1, FALSE);
    qmpInsert(qemu, "hw-breakpoint", HW_UNUSED_BP + 2, 0);

    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "DEBUG_STOP"), ==, 0);
}

static void
testHwLimitsBad(void)
{
    g_autoptr(testQemu) qemu = testQemuStartTcg("pc", NULL);
    g_autoptr(testQemu) none = testQemuStartTcg("none", NULL);
    gint64 b, w;
    gboolean sh;

    testQmpErr(qemu->qmp, "must both be 0 to 64", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": -1, \"hw-watchpoints\": 4, "
           "\"hw-slots-shared\": false}");
    testQmpErr(qemu->qmp, "must both be 0 to 64", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": 4, \"hw-watchpoints\": -4, "
           "\"hw-slots-shared\": false}");
    testQmpErr(qemu->qmp, "must both be 0 to 64", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": 65, \"hw-watchpoints\": 1, "
           "\"hw-slots-shared\": false}");
    testQmpErr(qemu->qmp, "must both be its size", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": 4, \"hw-watchpoints\": 2, "
           "\"hw-slots-shared\": true}");
    testQmpErr(qemu->qmp, "hw-slots-shared", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": 4, \"hw-watchpoints\": 4}");
    testQmpErr(qemu->qmp, "hw-breakpoints", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": \"4\", \"hw-watchpoints\": 4, "
           "\"hw-slots-shared\": true}");
    /* nothing was set */
    g_assert_false(capsHwLimits(qemu, &b, &w, &sh));

    /* no slots at all: every hardware point is refused, not software ones */
    setHwLimits(qemu, 0, 0, FALSE);
    assertCapsHwLimits(qemu, 0, 0, FALSE);
    testQmpErr(qemu->qmp, "hardware breakpoint slots exhausted: 0 of 0 in use",
           "debug-insert", "{\"type\": \"hw-breakpoint\", \"addr\": %llu}",
           HW_UNUSED_BP);
    testQmpErr(qemu->qmp, "hardware watchpoint slots exhausted: 0 of 0 in use",
           "debug-insert", "{\"type\": \"watchpoint-write\", \"addr\": %llu, "
           "\"len\": 1}", HW_UNUSED_WP);
    qmpInsert(qemu, "sw-breakpoint", testGuestSymbol("guest_never_called"), 0);

    /* like the other debug commands, not without vCPUs */
    testQmpErr(none->qmp, "not supported", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": 4, \"hw-watchpoints\": 4, "
           "\"hw-slots-shared\": true}");
}

/* Per-vCPU points: the APs of a multiboot guest never leave wait-for-SIPI,
 * so a breakpoint for vCPU 1 never fires while one for vCPU 0 does. */
static void
testPerCpu(void)
{
    const char *const smp[] = { "-smp", "2", NULL };
    g_autoptr(testQemu) qemu = testQemuStartTcg("pc", smp);
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) stops = NULL;
    g_autoptr(JsonNode) ret = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    gint64 id1, id0;

    testQemuWaitGuestReady(qemu);
    ret = testQmpOk(qemu->qmp, "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
                G_GUINT64_FORMAT ", \"cpu-index\": 1}", tick);
    id1 = json_object_get_int_member(json_node_get_object(ret), "id");
    testQmpAssertNoStop(qemu->qmp);
    json_node_unref(g_steal_pointer(&ret));
    ret = testQmpOk(qemu->qmp, "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
                G_GUINT64_FORMAT ", \"cpu-index\": 0}", tick);
    id0 = json_object_get_int_member(json_node_get_object(ret), "id");
    g_assert_cmpint(id0, ==, id1 + 1);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "cpu-index"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id0);

    stops = testQmpOk(qemu->qmp, "query-debug-stop", NULL);
    g_assert_cmpuint(json_array_get_length(json_node_get_array(stops)), ==, 2);
    g_assert_false(json_object_has_member(
        json_array_get_object_element(json_node_get_array(stops), 1), "reason"));
    testQmpErr(qemu->qmp, "halted", "debug-step", "{\"cpu-index\": 1}");
}

/*
 * A breakpoint inserted while the vCPU spins in a loop of two translated
 * blocks chained to each other fires, although the vCPU looks no block
 * up any more: what a hung kernel spinning in a loop needs, and why an
 * insert retranslates nothing (QEMU finds no old block again once a page
 * has a breakpoint).
 */
static void
testBreakpointInSpinningLoop(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    const char *const types[] = { "sw-breakpoint", "hw-breakpoint" };
    guint64 body = testGuestSymbol("guest_spin_body");
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autoptr(JsonObject) ev = NULL;
        gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
        guint32 start;
        gint64 id;

        testQmpDo(qemu->qmp, "debug-interrupt", NULL);
        ev = testQmpWaitStop(qemu->qmp);
        json_object_unref(g_steal_pointer(&ev));
        setRip(qemu, testGuestSymbol("guest_spin_loop"));
        testQmpDo(qemu->qmp, "debug-continue", NULL);
        /* spinning: long enough for the blocks to be chained */
        start = readU32(qemu, "guest_spin_count");
        while (readU32(qemu, "guest_spin_count") - start < 100000) {
            if (g_get_monotonic_time() > deadline)
                g_error("the guest does not spin in guest_spin_loop");
            g_usleep(10 * 1000);
        }

        id = qmpInsert(qemu, types[i], body, 0);
        ev = testQmpWaitStop(qemu->qmp);
        g_assert_cmphex(testQmpStopPc(ev), ==, body);
        g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                        types[i]);
        g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
        testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}",
                  id);
        testQmpDo(qemu->qmp, "debug-continue", NULL);
    }
}

/*
 * Breakpoints for vCPU 1 inserted all through a 2-vCPU boot are each
 * answered.  The firmware's kvmvapic option ROM makes vCPU 0, inside the
 * TB that writes to its port, wait for vCPU 1 (run_on_cpu()); an insert
 * that flushed translated code, exclusive work of vCPU 1, at that moment
 * waited for vCPU 0 in turn, and neither vCPU nor the command ever went
 * on.  Batches of inserts keep vCPU 1 busy with them through the window,
 * which the flush then hit in more than half of the boots.
 */
#define BOOT_ROUNDS 16
#define BOOT_BATCH 20

static void
testPerCpuDuringBoot(void)
{
    const char *const smp[] = { "-smp", "2", "-S", NULL };
    g_autofree char *line = g_strdup_printf(
        "{\"execute\": \"debug-insert\", \"arguments\": "
        "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
        ", \"cpu-index\": 1}}\n", testGuestSymbol("guest_tick"));
    g_autoptr(GString) batch = g_string_new(NULL);
    int round, i;

    for (i = 0; i < BOOT_BATCH; i++)
        g_string_append(batch, line);

    for (round = 0; round < BOOT_ROUNDS; round++) {
        g_autoptr(testQemu) qemu = testQemuStartTcg("pc", smp);
        g_autoptr(JsonNode) cont = testQmpOk(qemu->qmp, "cont", NULL);
        guint inserts = 0;

        while (readU32(qemu, "guest_ready") != 1) {
            g_autoptr(GError) err = NULL;
            g_autoptr(JsonNode) none = NULL;

            g_assert_true(testQmpSendRaw(qemu->qmp, batch->str, batch->len,
                                         &err));
            for (i = 0; i < BOOT_BATCH; i++) {
                g_autoptr(JsonObject) reply =
                    testQmpNextMessage(qemu->qmp, 10000, &err);

                if (!reply)
                    g_error("boot %d: insert %u for vCPU 1 got no answer: %s",
                            round, inserts, err->message);
                g_assert_true(json_object_has_member(reply, "return"));
                inserts++;
            }
            none = testQmpOk(qemu->qmp, "debug-remove-all", NULL);
        }
        g_test_message("boot %d: %u inserts for vCPU 1 answered", round,
                       inserts);
        g_assert_cmpuint(inserts, >, 0);
        testQemuWaitGuestReady(qemu);
    }
}

/* While a gdb client is attached to the gdbstub the commands refuse; a
 * gdbstub without a client does not get in the way. */
static void
testGdbAttached(void)
{
    g_autofree char *gdbsock = NULL;
    g_autoptr(testQemu) qemu = NULL;
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(GError) err = NULL;
    int fd;

    qemu = startGuestWithGdbStub(&gdbsock);

    /* no client: QMP debugging works */
    qmpInsert(qemu, "sw-breakpoint", testGuestSymbol("guest_tick"), 0);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "sw-breakpoint");
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    testQmpDo(qemu->qmp, "debug-continue", NULL);

    /* a client attaches (QEMU pauses the VM for it) */
    testQmpClearEvents(qemu->qmp);
    fd = gdbConnect(gdbsock);
    g_assert_cmpint(write(fd, "$?#3f", 5), ==, 5);
    json_object_unref(testQmpWaitEvent(qemu->qmp, "STOP", TEST_QMP_STOP_TIMEOUT_MS, &err));
    g_assert_no_error(err);
    testQmpErr(qemu->qmp, "gdb client is attached", "debug-insert",
           "{\"type\": \"sw-breakpoint\", \"addr\": 4096}");
    testQmpErr(qemu->qmp, "gdb client is attached", "debug-continue", NULL);
    testQmpErr(qemu->qmp, "gdb client is attached", "debug-read-memory",
           "{\"addr\": 4096, \"size\": 4}");
    testQmpDo(qemu->qmp, "query-debug-capabilities", NULL);

    /* it leaves: the commands work again */
    close(fd);
    waitGdbClientGone(qemu, "debug-continue");
    testQmpAssertRunState(qemu->qmp, "running");
    unlink(gdbsock);
}

/* Conditions, ignore counts, tracepoints, range and traced steps */

#define GUEST_LOOP_SUM 124750       /* 0 + 1 + ... + 499 */

/* Insert a point from a JSON object's members (printf-style); its id */
static gint64 G_GNUC_PRINTF(2, 3)
qmpInsertf(testQemu *qemu, const char *fmt, ...)
{
    g_autofree char *args = NULL;
    g_autoptr(JsonNode) ret = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ret = testQmpOk(qemu->qmp, "debug-insert", "{%s}", args);
    return json_object_get_int_member(json_node_get_object(ret), "id");
}

/* Agent expression: the 32-bit value at @addr equals @v */
static char *
axRef32Equal(guint64 addr, guint32 v)
{
    /* const32 addr, ref32, const32 v, equal, end */
    return g_strdup_printf("24%08x" "19" "24%08x" "13" "27", (guint32) addr, v);
}

/* Agent expression: the 32-bit value at @addr is below @v */
static char *
axRef32Less(guint64 addr, guint32 v)
{
    /* const32 addr, ref32, const32 v, less_unsigned, end */
    return g_strdup_printf("24%08x" "19" "24%08x" "15" "27", (guint32) addr, v);
}

/* The point @id as query-debug-points lists it */
static JsonObject *
pointInfo(testQemu *qemu, gint64 id)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "query-debug-points", NULL);
    JsonArray *arr = json_node_get_array(ret);
    guint i;

    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (json_object_get_int_member(o, "id") == id)
            return json_object_ref(o);
    }
    g_error("point %" G_GINT64_FORMAT " is not listed", id);
    return NULL;
}

static gint64
pointInt(testQemu *qemu, gint64 id, const char *member)
{
    g_autoptr(JsonObject) p = pointInfo(qemu, id);

    g_assert_true(json_object_has_member(p, member));
    return json_object_get_int_member(p, member);
}

/* Wait (polling, bounded generously) until @member of point @id is at
 * least @min; returns its value. */
static gint64
waitPointInt(testQemu *qemu, gint64 id, const char *member, gint64 min)
{
    gint64 deadline = g_get_monotonic_time() +
                      TEST_QMP_STOP_TIMEOUT_MS * (gint64) 1000;
    gint64 v;

    while ((v = pointInt(qemu, id, member)) < min) {
        if (g_get_monotonic_time() > deadline)
            g_error("point %" G_GINT64_FORMAT ": %s stayed %" G_GINT64_FORMAT
                    ", below %" G_GINT64_FORMAT, id, member, v, min);
        g_usleep(20 * 1000);
    }
    return v;
}

/* Stop the running guest (debug-interrupt), stepping out of the
 * function at @func if it stopped in it (its first 16 bytes): a point
 * inserted there then sees every call from the first one on. */
static void
interruptAway(testQemu *qemu, guint64 func)
{
    g_autoptr(JsonObject) ev = NULL;
    guint64 pc;

    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    while ((pc = regValue(qemu, "rip", NULL)) >= func && pc < func + 16)
        json_object_unref(stepAndWait(qemu, 1));
    testQmpClearEvents(qemu->qmp);
}

static guint32
le32(const char *b64)
{
    gsize len;
    g_autofree guchar *p = g_base64_decode(b64, &len);

    g_assert_cmpuint(len, ==, 4);
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

/* The value of register @name in a list of DebugRegister */
static guint64
listRegister(JsonArray *regs, const char *name)
{
    guint i, j, n;

    for (i = 0; i < json_array_get_length(regs); i++) {
        JsonObject *r = json_array_get_object_element(regs, i);
        const char *hex = json_object_get_string_member(r, "value");
        guint64 v = 0;

        if (!g_str_equal(json_object_get_string_member(r, "name"), name))
            continue;
        n = strlen(hex) / 2;
        for (j = MIN(n, 8); j > 0; j--)
            v = v << 8 | (g_ascii_xdigit_value(hex[2 * j - 2]) << 4 |
                          g_ascii_xdigit_value(hex[2 * j - 1]));
        return v;
    }
    g_error("no register %s in the list", name);
    return 0;
}

/*
 * A condition on guest_tick that is true only when guest_tick_count
 * reaches a value a few hundred calls ahead: the VM stops there, with
 * that value in guest memory, and every false hit only counted.
 */
static void
testConditionTrue(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonObject) p = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    guint64 count = testGuestSymbol("guest_tick_count");
    g_autofree char *cond = NULL;
    g_autofree char *upper = NULL;
    g_autofree char *text = NULL;
    guint32 cur, target;
    gint64 id;

    interruptAway(qemu, tick);
    cur = readU32(qemu, "guest_tick_count");
    target = cur + 300;
    text = g_strdup_printf("u32[guest_tick_count] == %u", target);
    cond = axRef32Equal(count, target);
    upper = g_ascii_strup(cond, -1);
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"condition\": \"%s\", \"condition-text\": "
                    "\"u32[guest_tick_count] == %u\"", tick, upper, target);
    testQmpDo(qemu->qmp, "debug-continue", NULL);

    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "sw-breakpoint");
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, target);
    testQmpAssertRunState(qemu->qmp, "debug");

    p = pointInfo(qemu, id);
    /* reached at guest_tick_count cur, cur + 1, ..., target */
    g_assert_cmpint(json_object_get_int_member(p, "hits"), ==, 301);
    g_assert_cmpstr(json_object_get_string_member(p, "condition"), ==, cond);
    g_assert_cmpstr(json_object_get_string_member(p, "condition-text"), ==,
                    text);
    g_assert_cmpstr(json_object_get_string_member(p, "action"), ==, "stop");
    g_assert_cmpint(json_object_get_int_member(p, "condition-errors"), ==, 0);
    g_assert_false(json_object_has_member(p, "last-condition-error"));
    g_assert_cmpint(json_object_get_int_member(p, "ignore-count"), ==, 0);
    g_assert_false(json_object_has_member(p, "trace-records"));

    /* it never becomes true again: the guest runs on */
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    testQmpAssertNoStop(qemu->qmp);
    testQmpAssertRunState(qemu->qmp, "running");
    g_assert_cmpint(pointInt(qemu, id, "hits"), >, 301);
}

/*
 * A condition on a register: at guest_tick+5 (after "mov
 * guest_tick_count, %eax") rax is the count; "reg 0" (rax in GDB's
 * numbering) selects one value.
 */
static void
testConditionRegister(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 at = testGuestSymbol("guest_tick") + 5;
    g_autofree char *cond = NULL;
    guint32 target;
    gint64 id;

    interruptAway(qemu, at - 5);
    target = readU32(qemu, "guest_tick_count") + 200;
    /* reg 0, zero_ext 32, const32 target, equal, end */
    cond = g_strdup_printf("260000" "2a20" "24%08x" "13" "27", target);
    id = qmpInsertf(qemu, "\"type\": \"hw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"condition\": \"%s\"", at, cond);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(ev), ==, at);
    g_assert_cmphex(regValue(qemu, "rax", NULL), ==, target);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, target);
    g_assert_cmpint(pointInt(qemu, id, "hits"), ==, 201);
}

/*
 * A condition that reads unmapped memory (0x40000000) cannot be
 * evaluated: that counts as true, as in gdbserver, and is recorded; the
 * guest sees nothing.
 */
static void
testConditionError(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonObject) p = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    const char *msg;
    gint64 id;

    /* const32 0x40000000, ref32, end */
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"condition\": \"24400000001927\"", tick);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    p = pointInfo(qemu, id);
    g_assert_cmpint(json_object_get_int_member(p, "hits"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(p, "condition-errors"), ==, 1);
    msg = json_object_get_string_member(p, "last-condition-error");
    g_test_message("last-condition-error: %s", msg);
    g_assert_nonnull(strstr(msg, "ref32"));
    g_assert_nonnull(strstr(msg, "offset 5"));
    g_assert_nonnull(strstr(msg, "0x40000000"));
    g_assert_nonnull(strstr(msg, "not mapped"));

    /* the guest was not hurt: it runs on to the next stop */
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(pointInt(qemu, id, "condition-errors"), ==, 2);
    g_assert_cmpuint(readU32(qemu, "guest_fault_count"), ==, 0);
}

/* An ignore count: the first N hits do not fire, then every one does. */
static void
testIgnoreCount(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    guint32 cur;
    gint64 id;

    interruptAway(qemu, tick);
    cur = readU32(qemu, "guest_tick_count");
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"ignore-count\": 5", tick);
    g_assert_cmpint(pointInt(qemu, id, "ignore-count"), ==, 5);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, cur + 5);
    g_assert_cmpint(pointInt(qemu, id, "hits"), ==, 6);
    g_assert_cmpint(pointInt(qemu, id, "ignore-count"), ==, 0);

    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, cur + 6);
    g_assert_cmpint(pointInt(qemu, id, "hits"), ==, 7);

    /* with a condition: N true hits are ignored, false ones do not count */
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    {
        g_autofree char *cond = NULL;
        guint64 count = testGuestSymbol("guest_tick_count");

        cur = readU32(qemu, "guest_tick_count");
        /* true on every hit from cur + 10 on: the 3rd such one fires */
        cond = g_strdup_printf("24%08x" "19" "24%08x" "15" "0e" "27",
                               (guint32) count, cur + 10);
        id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %"
                        G_GUINT64_FORMAT ", \"condition\": \"%s\", "
                        "\"ignore-count\": 2", tick, cond);
    }
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, cur + 12);
    g_assert_cmpint(pointInt(qemu, id, "ignore-count"), ==, 0);
}

/*
 * Several conditional points at one address: every one is evaluated at
 * each hit (each one's hits move), and the stop reports the first, by
 * id, that fires.
 */
static void
testConditionsSharedAddress(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    guint64 count = testGuestSymbol("guest_tick_count");
    g_autofree char *c100 = NULL;
    g_autofree char *c50 = NULL;
    g_autofree char *c150 = NULL;
    gint64 a, b, c, d;
    guint32 cur;

    interruptAway(qemu, tick);
    cur = readU32(qemu, "guest_tick_count");
    c100 = axRef32Equal(count, cur + 100);
    c50 = axRef32Equal(count, cur + 50);
    c150 = axRef32Equal(count, cur + 150);
    a = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                   ", \"condition\": \"%s\"", tick, c100);
    b = qmpInsertf(qemu, "\"type\": \"hw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                   ", \"condition\": \"%s\"", tick, c50);
    c = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                   ", \"condition\": \"%s\"", tick, c150);
    d = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                   ", \"condition\": \"%s\"", tick, c150);

    testQmpDo(qemu->qmp, "debug-continue", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, b);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "hw-breakpoint");
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, cur + 50);
    g_assert_cmpint(pointInt(qemu, a, "hits"), ==, 51);
    g_assert_cmpint(pointInt(qemu, b, "hits"), ==, 51);
    g_assert_cmpint(pointInt(qemu, d, "hits"), ==, 51);
    testQmpAssertNoStop(qemu->qmp);

    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, a);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, cur + 100);
    /* continuing stepped over the point it sat on: no second hit there */
    g_assert_cmpint(pointInt(qemu, b, "hits"), ==, 101);
    g_assert_cmpint(pointInt(qemu, a, "hits"), ==, 101);

    /* c and d both true at once: the lower id is the stop */
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, c);
    g_assert_cmpuint(readU32(qemu, "guest_tick_count"), ==, cur + 150);
    g_assert_cmpint(pointInt(qemu, c, "hits"), ==, pointInt(qemu, d, "hits"));
    testQmpAssertNoStop(qemu->qmp);
}

/* A watchpoint with a condition: it stops at the write of one value. */
static void
testWatchCondition(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 wvar = testGuestSymbol("guest_write_var");
    g_autofree char *cond = NULL;
    guint32 cur, target;
    gint64 id, hits;

    interruptAway(qemu, 0);
    cur = readU32(qemu, "guest_counter");
    target = ((cur >> 8) + 4) << 8;
    cond = axRef32Equal(wvar, target);
    id = qmpInsertf(qemu, "\"type\": \"watchpoint-write\", \"addr\": %"
                    G_GUINT64_FORMAT ", \"len\": 4, \"condition\": \"%s\"",
                    wvar, cond);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "watchpoint-write");
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmpuint(readU32(qemu, "guest_write_var"), ==, target);
    /* the writes of the three multiples of 256 before, and this one */
    hits = pointInt(qemu, id, "hits");
    g_assert_cmpint(hits, >=, 4);
    g_assert_cmpint(hits, <=, 5);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    testQmpAssertNoStop(qemu->qmp);
}

/* Bad conditions, ignore counts, trace options and steps: each a clear
 * error that leaves the guest and the points exactly as they were. */
static void
testConditionBadInput(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *toolong = NULL;
    g_autoptr(GString) ranges = g_string_new(NULL);
    guint64 tick = testGuestSymbol("guest_tick");
    guint64 wvar = testGuestSymbol("guest_write_var");
    gint64 id;
    int i;

    id = qmpInsert(qemu, "watchpoint-write", testGuestSymbol("guest_fault_count"), 4);
    interruptAway(qemu, 0);
    before = guestSnapshot(qemu);

#define BAD_COND(expect, hex)                                           \
    testQmpErr(qemu->qmp, expect, "debug-insert",                       \
               "{\"type\": \"sw-breakpoint\", \"addr\": %"              \
               G_GUINT64_FORMAT ", \"condition\": \"%s\"}", tick, hex)

    BAD_COND("condition is empty", "");
    BAD_COND("odd number of hex digits", "227");
    BAD_COND("is not a hex digit", "22zz27");
    BAD_COND("unknown opcode 0xff at offset 2", "2201ff27");
    BAD_COND("unknown opcode 0x31 at offset 0", "3127");
    BAD_COND("'float' (0x01) at offset 0 is not supported", "0127");
    BAD_COND("'ref_double' (0x1c) at offset 5", "24001000001c27");
    BAD_COND("'trace' (0x0c) at offset 4", "220122040c27");
    BAD_COND("'getv' (0x2c) at offset 0", "2c000127");
    BAD_COND("'tracev' (0x2e)", "2e000127");
    BAD_COND("'printf' (0x34)", "3427");
    BAD_COND("'const32' at offset 0 needs 4 operand bytes", "240010");
    BAD_COND("'reg' at offset 0 needs 2 operand bytes", "2600");
    BAD_COND("is 'const8', not 'end'", "2201");
    BAD_COND("jumps to offset 4, which is not the start", "2100042201" "27");
    BAD_COND("jumps to offset 16", "2000102201" "27");
    BAD_COND("no register number 9999", "26270f27");
    BAD_COND("width must be 1 to 64", "2201160027");
    BAD_COND("width must be 1 to 64", "22012a4127");
    toolong = g_strnfill(2 * 4097, '2');
    memcpy(toolong + 2 * 4096, "27", 2);
    BAD_COND("4097 bytes of bytecode, more than the 4096", toolong);
#undef BAD_COND

    testQmpErr(qemu->qmp, "condition-text needs a condition", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"condition-text\": \"x == 1\"}", tick);
    g_free(toolong);
    toolong = g_strnfill(1025, 'x');
    testQmpErr(qemu->qmp, "condition-text is too long", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"condition\": \"220127\", \"condition-text\": \"%s\"}",
               tick, toolong);
    testQmpErr(qemu->qmp, "ignore-count -1 is out of range", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"ignore-count\": -1}", tick);
    testQmpErr(qemu->qmp, "ignore-count 2147483648 is out of range", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"ignore-count\": 2147483648}", tick);

    /* tracepoints */
    testQmpErr(qemu->qmp, "cannot trace", "debug-insert",
               "{\"type\": \"watchpoint-write\", \"addr\": %" G_GUINT64_FORMAT
               ", \"len\": 4, \"action\": \"trace\"}", wvar);
    testQmpErr(qemu->qmp, "'collect-registers' is only valid for a tracepoint",
               "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
               G_GUINT64_FORMAT ", \"collect-registers\": [\"rip\"]}", tick);
    testQmpErr(qemu->qmp, "'collect-memory' is only valid for a tracepoint",
               "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
               G_GUINT64_FORMAT ", \"action\": \"stop\", \"collect-memory\": "
               "[{\"addr\": 1024, \"len\": 4}]}", tick);
    testQmpErr(qemu->qmp, "'trace-capacity' is only valid for a tracepoint",
               "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
               G_GUINT64_FORMAT ", \"trace-capacity\": 4}", tick);
    testQmpErr(qemu->qmp, "'notify-full' is only valid for a tracepoint",
               "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
               G_GUINT64_FORMAT ", \"notify-full\": true}", tick);
    testQmpErr(qemu->qmp, "collect-registers: vCPU 0 has no register named 'nosuch'",
               "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %"
               G_GUINT64_FORMAT ", \"action\": \"trace\", "
               "\"collect-registers\": [\"rip\", \"nosuch\"]}", tick);
    testQmpErr(qemu->qmp, "has length 0: it must be 1 to 4096", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"collect-memory\": "
               "[{\"addr\": 1024, \"len\": 0}]}", tick);
    testQmpErr(qemu->qmp, "has length 4097", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"collect-memory\": "
               "[{\"addr\": 1024, \"len\": 4097}]}", tick);
    testQmpErr(qemu->qmp, "wraps around", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"collect-memory\": "
               "[{\"addr\": 18446744073709551614, \"len\": 4}]}", tick);
    for (i = 0; i < 17; i++)
        g_string_append_printf(ranges, "%s{\"addr\": %d, \"len\": 4096}",
                               i ? ", " : "", i * 4096);
    testQmpErr(qemu->qmp, "more than 16 ranges", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"collect-memory\": [%s]}", tick,
               ranges->str);
    testQmpErr(qemu->qmp, "trace-capacity 0 is out of range", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"trace-capacity\": 0}", tick);
    testQmpErr(qemu->qmp, "trace-capacity 65537 is out of range", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"trace-capacity\": 65537}", tick);
    /* 16 ranges of 4 KiB: 64 KiB a record, too many for 65536 records */
    g_string_truncate(ranges, 0);
    for (i = 0; i < 16; i++)
        g_string_append_printf(ranges, "%s{\"addr\": %d, \"len\": 4096}",
                               i ? ", " : "", i * 4096);
    testQmpErr(qemu->qmp, "ring buffer too large: 65536 records of", "debug-insert",
               "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
               ", \"action\": \"trace\", \"trace-capacity\": 65536, "
               "\"collect-memory\": [%s]}", tick, ranges->str);

    /* draining */
    testQmpErr(qemu->qmp, "is not a tracepoint", "debug-trace-drain",
               "{\"id\": %" G_GINT64_FORMAT "}", id);
    testQmpErr(qemu->qmp, "debug point 999 does not exist", "debug-trace-drain",
               "{\"id\": 999}");

    /* steps */
    testQmpErr(qemu->qmp, "(range-end is missing)", "debug-step",
               "{\"cpu-index\": 0, \"range-start\": 4096}");
    testQmpErr(qemu->qmp, "(range-start is missing)", "debug-step",
               "{\"cpu-index\": 0, \"range-end\": 4096}");
    testQmpErr(qemu->qmp, "range-start 0x2000 must be below range-end 0x1000",
               "debug-step", "{\"cpu-index\": 0, \"range-start\": 8192, "
               "\"range-end\": 4096}");
    testQmpErr(qemu->qmp, "must be below", "debug-step",
               "{\"cpu-index\": 0, \"range-start\": 4096, \"range-end\": 4096}");
    testQmpErr(qemu->qmp, "out of range", "debug-step",
               "{\"cpu-index\": 0, \"range-start\": 0, \"range-end\": 4096, "
               "\"count\": 0}");
    testQmpErr(qemu->qmp, "at most 100000 instructions, not 100001", "debug-step",
               "{\"cpu-index\": 0, \"count\": 100001, \"trace\": true}");
    testQmpErr(qemu->qmp, "'trace-registers' needs 'trace': true", "debug-step",
               "{\"cpu-index\": 0, \"trace-registers\": [\"rip\"]}");
    testQmpErr(qemu->qmp, "trace-registers: vCPU 0 has no register named 'nosuch'",
               "debug-step", "{\"cpu-index\": 0, \"trace\": true, "
               "\"trace-registers\": [\"nosuch\"]}");
    testQmpErr(qemu->qmp, "made no traced step yet", "query-debug-step-trace",
               "{\"cpu-index\": 0}");
    testQmpErr(qemu->qmp, "vCPU 4 does not exist", "query-debug-step-trace",
               "{\"cpu-index\": 4}");

    after = guestSnapshot(qemu);
    g_assert_cmpstr(before, ==, after);
    testQmpAssertRunState(qemu->qmp, "debug");
    testQmpAssertNoStop(qemu->qmp);
    g_assert_cmpint(qmpInsert(qemu, "sw-breakpoint", tick, 0), ==, id + 1);
}

/* Stop at guest_loop and step to the first instruction of its loop body
 * (guest_loop+0x10, after the three instructions before the loop, as
 * objdump shows); returns guest_loop's address. */
static guint64
stopAtLoopBody(testQemu *qemu)
{
    guint64 loop = stopAtHwBreakpoint(qemu, "guest_loop");
    g_autoptr(JsonObject) ev = stepAndWait(qemu, 3);

    g_assert_cmphex(testQmpStopPc(ev), ==, loop + 0x10);
    testQmpClearEvents(qemu->qmp);
    return loop;
}

/* A range step over guest_loop's body: one command, 500 iterations, and
 * the stop at the first instruction after the loop. */
static void
testRangeStepLoop(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 loop = stopAtLoopBody(qemu);
    gint64 t0, t1;

    t0 = g_get_monotonic_time();
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"range-start\": %"
              G_GUINT64_FORMAT ", \"range-end\": %" G_GUINT64_FORMAT "}",
              loop + 0x10, loop + 0x28);
    ev = testQmpWaitStop(qemu->qmp);
    t1 = g_get_monotonic_time();
    g_test_message("range step over guest_loop (~3000 instructions): %.1f ms "
                   "from the command to its DEBUG_STOP", (t1 - t0) / 1000.0);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmphex(testQmpStopPc(ev), ==, loop + 0x28);
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, loop + 0x28);
    g_assert_cmpuint(readU32(qemu, "guest_loop_sum"), ==, GUEST_LOOP_SUM);
    testQmpAssertRunState(qemu->qmp, "debug");
    testQmpAssertNoStop(qemu->qmp);
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "RESUME"), ==, 0);

    /* at the next call, a count bounds it: 7 instructions of the body */
    json_object_unref(g_steal_pointer(&ev));
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    loop = stopAtLoopBody(qemu);
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"count\": 7, "
              "\"range-start\": %" G_GUINT64_FORMAT ", \"range-end\": %"
              G_GUINT64_FORMAT "}", loop + 0x10, loop + 0x28);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmphex(testQmpStopPc(ev), ==, loop + 0x16);
    g_assert_cmphex(regValue(qemu, "rax", NULL), ==, 1);
}

/* A range step ends earlier at a breakpoint inside the range, with its
 * condition evaluated at each pass. */
static void
testRangeStepBreakpoint(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 loop = stopAtLoopBody(qemu);
    guint64 store = loop + 0x1b;        /* mov %edx, guest_loop_sum */
    gint64 id;

    /* eax is i + 1 there: reg 0, zero_ext 32, const8 7, equal, end */
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"condition\": \"2600002a20220713" "27\"", store);
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"range-start\": %"
              G_GUINT64_FORMAT ", \"range-end\": %" G_GUINT64_FORMAT "}",
              loop + 0x10, loop + 0x28);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "sw-breakpoint");
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(ev), ==, store);
    g_assert_cmphex(regValue(qemu, "rax", NULL), ==, 7);
    g_assert_cmpint(pointInt(qemu, id, "hits"), ==, 7);
    testQmpAssertNoStop(qemu->qmp);

    /* from the breakpoint on, the rest of the loop in one step */
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"range-start\": %"
              G_GUINT64_FORMAT ", \"range-end\": %" G_GUINT64_FORMAT "}",
              loop + 0x10, loop + 0x28);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_assert_cmphex(testQmpStopPc(ev), ==, loop + 0x28);
    g_assert_cmpuint(readU32(qemu, "guest_loop_sum"), ==, GUEST_LOOP_SUM);
    g_assert_cmpint(pointInt(qemu, id, "hits"), ==, 500);
}

/* debug-interrupt ends a range step that would never leave its range. */
static void
testRangeStepInterrupt(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint32 before;

    interruptAway(qemu, 0);
    before = readU32(qemu, "guest_counter");
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"range-start\": 0, "
              "\"range-end\": 18446744073709551615}");
    /* it runs, one instruction at a time, until interrupted */
    testQmpAssertNoStop(qemu->qmp);
    testQmpAssertRunState(qemu->qmp, "running");
    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "interrupt");
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, testQmpStopPc(ev));
    testQmpAssertRunState(qemu->qmp, "debug");
    testQmpAssertNoStop(qemu->qmp);
    g_assert_cmpuint(readU32(qemu, "guest_counter"), >, before);

    /* and the vCPU steps and runs normally afterwards */
    json_object_unref(stepAndWait(qemu, 1));
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    testQmpAssertRunState(qemu->qmp, "running");
}

/* A traced step records the pc (and registers) before each instruction:
 * guest_loop's instructions as objdump shows them, and the pcs that
 * single steps from the same place stop at. */
static void
testStepTrace(void)
{
    static const guint offsets[] = {
        0x00, 0x0a, 0x0c,                           /* before the loop */
        0x10, 0x16, 0x18, 0x1b, 0x21, 0x26,         /* i = 0 */
        0x10, 0x16, 0x18, 0x1b, 0x21, 0x26,         /* i = 1 */
        0x10, 0x16, 0x18, 0x1b, 0x21,
    };
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) trace = NULL;
    guint64 loop = testGuestSymbol("guest_loop");
    gint64 id = qmpInsert(qemu, "hw-breakpoint", loop, 0);
    JsonArray *entries;
    guint64 last;
    guint i;

    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmphex(testQmpStopPc(ev), ==, loop);
    testQmpClearEvents(qemu->qmp);
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"count\": 20, "
              "\"trace\": true, \"trace-registers\": [\"rip\", \"rax\"]}");
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    last = testQmpStopPc(ev);
    g_assert_cmphex(last, ==, loop + 0x26);

    trace = testQmpOk(qemu->qmp, "query-debug-step-trace", "{\"cpu-index\": 0}");
    entries = json_node_get_array(trace);
    g_assert_cmpuint(json_array_get_length(entries), ==, G_N_ELEMENTS(offsets));
    for (i = 0; i < G_N_ELEMENTS(offsets); i++) {
        JsonObject *e = json_array_get_object_element(entries, i);
        JsonArray *regs = json_object_get_array_member(e, "registers");
        guint64 pc = (guint64) json_object_get_int_member(e, "pc");

        g_assert_cmphex(pc, ==, loop + offsets[i]);
        g_assert_cmpuint(json_array_get_length(regs), ==, 2);
        g_assert_cmphex(listRegister(regs, "rip"), ==, pc);
        /* i at the loop's head */
        if (i >= 3 && offsets[i] == 0x10)
            g_assert_cmphex(listRegister(regs, "rax"), ==, (i - 3) / 6);
    }

    /* the next call of guest_loop, single-stepped: the same pcs */
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    for (i = 0; i < G_N_ELEMENTS(offsets); i++) {
        JsonObject *e = json_array_get_object_element(entries, i);

        g_assert_cmphex(regValue(qemu, "rip", NULL), ==,
                        (guint64) json_object_get_int_member(e, "pc"));
        json_object_unref(stepAndWait(qemu, 1));
    }
    g_assert_cmphex(regValue(qemu, "rip", NULL), ==, last);

    /* a traced range step: every instruction of the loop, 3000 of them */
    testQmpDo(qemu->qmp, "debug-step", "{\"cpu-index\": 0, \"trace\": true, "
              "\"range-start\": %" G_GUINT64_FORMAT ", \"range-end\": %"
              G_GUINT64_FORMAT "}", loop + 0x10, loop + 0x28);
    json_object_unref(g_steal_pointer(&ev));
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmphex(testQmpStopPc(ev), ==, loop + 0x28);
    json_node_unref(g_steal_pointer(&trace));
    trace = testQmpOk(qemu->qmp, "query-debug-step-trace", "{\"cpu-index\": 0}");
    entries = json_node_get_array(trace);
    /* from +0x26 of i = 2 to the last jne of i = 499 */
    g_assert_cmpuint(json_array_get_length(entries), ==, 1 + 497 * 6);
    g_assert_false(json_object_has_member(json_array_get_object_element(entries, 0),
                                          "registers"));
}

/*
 * A tracepoint on guest_hot collecting guest_hot_count and rip: the guest
 * never stops, and each record holds the count at that call, one more
 * than the record before.
 */
static void
testTracepoint(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(JsonObject) p = NULL;
    guint64 hot = testGuestSymbol("guest_hot");
    guint64 count = testGuestSymbol("guest_hot_count");
    JsonObject *batch;
    JsonArray *records;
    gint64 id, prev_ts = 0, dropped;
    guint32 prev = 0;
    guint i;

    /* guest_hot is called ~100,000 times a second: the buffer may fill
     * before the first drain, and the oldest records go */
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"action\": \"trace\", \"collect-registers\": [\"rip\", \"rax\"], "
                    "\"collect-memory\": [{\"addr\": %" G_GUINT64_FORMAT
                    ", \"len\": 4}, {\"addr\": 1073741824, \"len\": 8}], "
                    "\"trace-capacity\": 65536", hot, count);
    waitPointInt(qemu, id, "trace-records", 20);
    testQmpAssertNoStop(qemu->qmp);
    testQmpAssertRunState(qemu->qmp, "running");

    ret = testQmpOk(qemu->qmp, "debug-trace-drain", "{\"id\": %" G_GINT64_FORMAT
                    ", \"max\": 20}", id);
    batch = json_node_get_object(ret);
    records = json_object_get_array_member(batch, "records");
    g_assert_cmpuint(json_array_get_length(records), ==, 20);
    dropped = json_object_get_int_member(batch, "dropped");
    for (i = 0; i < 20; i++) {
        JsonObject *r = json_array_get_object_element(records, i);
        JsonArray *regs = json_object_get_array_member(r, "registers");
        JsonArray *mem = json_object_get_array_member(r, "memory");
        JsonObject *m0 = json_array_get_object_element(mem, 0);
        JsonObject *m1 = json_array_get_object_element(mem, 1);
        guint32 v = le32(json_object_get_string_member(m0, "data"));

        /* the oldest left: the dropped ones came before */
        g_assert_cmpint(json_object_get_int_member(r, "seq"), ==, dropped + i + 1);
        g_assert_cmpint(json_object_get_int_member(r, "cpu-index"), ==, 0);
        g_assert_cmphex((guint64) json_object_get_int_member(r, "pc"), ==, hot);
        g_assert_cmphex(listRegister(regs, "rip"), ==, hot);
        g_assert_cmphex((guint64) json_object_get_int_member(m0, "addr"), ==, count);
        g_assert_cmpint(json_object_get_int_member(m0, "len"), ==, 4);
        /* the unmapped range: an error in the record, nothing else */
        g_assert_false(json_object_has_member(m1, "data"));
        g_assert_nonnull(strstr(json_object_get_string_member(m1, "error"),
                                "not mapped"));
        if (i > 0)
            g_assert_cmpuint(v, ==, prev + 1);
        prev = v;
        g_assert_cmpint(json_object_get_int_member(r, "timestamp"), >=, prev_ts);
        prev_ts = json_object_get_int_member(r, "timestamp");
    }

    p = pointInfo(qemu, id);
    g_assert_cmpstr(json_object_get_string_member(p, "action"), ==, "trace");
    g_assert_cmpint(json_object_get_int_member(p, "trace-capacity"), ==, 65536);
    g_assert_cmpint(json_object_get_int_member(p, "trace-dropped"), >=, dropped);
    g_assert_cmpint(json_object_get_int_member(p, "hits"), >=, 20);

    /* the guest's own count agrees: it is past the last record's */
    g_assert_cmpuint(readU32(qemu, "guest_hot_count"), >, prev);
    testQmpDo(qemu->qmp, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
    testQmpAssertNoStop(qemu->qmp);
}

/* A tracepoint and a stopping breakpoint at one address: the record is
 * made, and the VM stops. */
static void
testTracepointAndBreakpoint(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonNode) ret = NULL;
    guint64 hot = testGuestSymbol("guest_hot");
    gint64 t, b;

    interruptAway(qemu, hot);
    t = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                   ", \"action\": \"trace\"", hot);
    b = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                   ", \"ignore-count\": 2", hot);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, b);
    g_assert_cmpint(pointInt(qemu, t, "trace-records"), ==, 3);
    ret = testQmpOk(qemu->qmp, "debug-trace-drain", "{\"id\": %" G_GINT64_FORMAT "}", t);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
                         json_node_get_object(ret), "records")), ==, 3);
    g_assert_false(json_object_has_member(
        json_array_get_object_element(json_object_get_array_member(
            json_node_get_object(ret), "records"), 0), "registers"));
}

/* Overflow drops the oldest records and counts them. */
static void
testTraceOverflow(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonNode) ret = NULL;
    guint64 hot = testGuestSymbol("guest_hot");
    guint64 count = testGuestSymbol("guest_hot_count");
    JsonObject *batch;
    JsonArray *records;
    gint64 id, dropped, seq0;
    guint32 v0;

    id = qmpInsertf(qemu, "\"type\": \"hw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"action\": \"trace\", \"collect-memory\": [{\"addr\": %"
                    G_GUINT64_FORMAT ", \"len\": 4}], \"trace-capacity\": 4",
                    hot, count);
    waitPointInt(qemu, id, "trace-dropped", 10);
    g_assert_cmpint(pointInt(qemu, id, "trace-records"), ==, 4);

    ret = testQmpOk(qemu->qmp, "debug-trace-drain", "{\"id\": %" G_GINT64_FORMAT
                    ", \"max\": 3}", id);
    batch = json_node_get_object(ret);
    records = json_object_get_array_member(batch, "records");
    dropped = json_object_get_int_member(batch, "dropped");
    g_assert_cmpuint(json_array_get_length(records), ==, 3);
    g_assert_cmpint(json_object_get_int_member(batch, "remaining"), ==, 1);
    g_assert_cmpint(dropped, >=, 10);
    /* the oldest kept is the first not dropped: the gap shows the drops */
    seq0 = json_object_get_int_member(json_array_get_object_element(records, 0), "seq");
    g_assert_cmpint(seq0, ==, dropped + 1);
    v0 = le32(json_object_get_string_member(json_array_get_object_element(
        json_object_get_array_member(json_array_get_object_element(records, 0),
                                     "memory"), 0), "data"));
    g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(records, 2),
                                               "seq"), ==, seq0 + 2);
    g_assert_cmpuint(le32(json_object_get_string_member(json_array_get_object_element(
        json_object_get_array_member(json_array_get_object_element(records, 2),
                                     "memory"), 0), "data")), ==, v0 + 2);
    testQmpAssertRunState(qemu->qmp, "running");
    testQmpAssertNoStop(qemu->qmp);
}

/* Draining in batches: a tracepoint whose condition lets exactly 600
 * records through, taken out 256 at a time, oldest first. */
static void
testTraceDrainBatches(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    guint64 hot = testGuestSymbol("guest_hot");
    guint64 count = testGuestSymbol("guest_hot_count");
    g_autofree char *cond = NULL;
    static const gint64 sizes[] = { 256, 256, 88, 0 };
    gint64 id, seq = 1;
    guint32 cur;
    guint i, j;

    interruptAway(qemu, hot);
    cur = readU32(qemu, "guest_hot_count");
    cond = axRef32Less(count, cur + 600);
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"action\": \"trace\", \"condition\": \"%s\", "
                    "\"collect-memory\": [{\"addr\": %" G_GUINT64_FORMAT
                    ", \"len\": 4}]", hot, cond, count);
    g_assert_cmpint(pointInt(qemu, id, "trace-capacity"), ==, 1024);
    testQmpDo(qemu->qmp, "debug-continue", NULL);
    waitPointInt(qemu, id, "hits", 700);
    g_assert_cmpint(pointInt(qemu, id, "trace-records"), ==, 600);

    for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-trace-drain",
                                            "{\"id\": %" G_GINT64_FORMAT "}", id);
        JsonObject *batch = json_node_get_object(ret);
        JsonArray *records = json_object_get_array_member(batch, "records");

        g_assert_cmpuint(json_array_get_length(records), ==, sizes[i]);
        g_assert_cmpint(json_object_get_int_member(batch, "dropped"), ==, 0);
        for (j = 0; j < json_array_get_length(records); j++, seq++) {
            JsonObject *r = json_array_get_object_element(records, j);
            JsonObject *m = json_array_get_object_element(
                json_object_get_array_member(r, "memory"), 0);

            g_assert_cmpint(json_object_get_int_member(r, "seq"), ==, seq);
            g_assert_cmpuint(le32(json_object_get_string_member(m, "data")), ==,
                             cur + seq - 1);
        }
    }
    g_assert_cmpint(seq, ==, 601);
    g_assert_cmpint(pointInt(qemu, id, "trace-records"), ==, 0);
    testQmpErr(qemu->qmp, "max 0 is out of range", "debug-trace-drain",
               "{\"id\": %" G_GINT64_FORMAT ", \"max\": 0}", id);
    testQmpErr(qemu->qmp, "max 4097 is out of range", "debug-trace-drain",
               "{\"id\": %" G_GINT64_FORMAT ", \"max\": 4097}", id);
}

/*
 * DEBUG_TRACE_FULL: sent when the buffer becomes full, to the monitor and
 * to every debug channel, at most once per second per point however
 * often it fills.
 */
static void
testTraceFullEvent(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(GError) err = NULL;
    g_autoptr(testQmp) ch = testQmpOpenChannel(qemu->qmp, NULL, NULL, &err);
    g_autoptr(JsonObject) ev = NULL;
    g_autoptr(JsonObject) evc = NULL;
    guint64 hot = testGuestSymbol("guest_hot");
    gint64 id, t0, t1;
    guint n;
    double secs;

    g_assert_no_error(err);
    id = qmpInsertf(qemu, "\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
                    ", \"action\": \"trace\", \"trace-capacity\": 4, "
                    "\"notify-full\": true", hot);
    ev = testQmpWaitEvent(qemu->qmp, "DEBUG_TRACE_FULL", TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_assert_cmpint(json_object_get_int_member(ev, "records"), ==, 4);
    evc = testQmpWaitEvent(ch, "DEBUG_TRACE_FULL", TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    g_assert_cmpint(json_object_get_int_member(evc, "point-id"), ==, id);

    /* it fills again within milliseconds of each drain */
    testQmpClearEvents(qemu->qmp);
    do {
        testQmpDo(qemu->qmp, "debug-trace-drain", "{\"id\": %" G_GINT64_FORMAT
                  ", \"max\": 4096}", id);
        g_usleep(20 * 1000);
        t1 = g_get_monotonic_time();
    } while (t1 - t0 < 2500 * 1000);
    ev = (json_object_unref(ev), testQmpWaitEvent(qemu->qmp, "DEBUG_TRACE_FULL",
                                                  TEST_QMP_STOP_TIMEOUT_MS, &err));
    g_assert_no_error(err);
    t1 = g_get_monotonic_time();
    n = testQmpCountEvents(qemu->qmp, "DEBUG_TRACE_FULL") + 1;
    secs = (t1 - t0) / 1e6;
    g_test_message("%u more DEBUG_TRACE_FULL in %.2f s of drains", n, secs);
    /* one a second at most since the first (not a timing promise: the
     * bound holds however slow the machine is) */
    g_assert_cmpuint(n, <=, (guint) secs + 1);
    g_assert_cmpint(pointInt(qemu, id, "hits"), >, 100);
}

int
main(int argc, char **argv)
{
    const char *qemu = g_getenv("LIBVIRT_DEBUG_QEMU");

    g_test_init(&argc, &argv, NULL);

    if (!qemu || !*qemu) {
        g_printerr("FAIL: LIBVIRT_DEBUG_QEMU is empty: the QMP debug tests "
                   "need the patched QEMU; configure with\n"
                   "  meson setup BUILDDIR -Dqemu_binary=$(qemu/build.sh)\n");
        return 1;
    }

    g_test_add_func("/qmp-debug/capabilities/tcg", testCapabilitiesTcg);
    g_test_add_func("/qmp-debug/capabilities/machine-none", testCapabilitiesNone);
    g_test_add_func("/qmp-debug/breakpoint/sw", testSwBreakpoint);
    g_test_add_func("/qmp-debug/breakpoint/hw", testHwBreakpoint);
    g_test_add_func("/qmp-debug/breakpoint/continue", testContinueAdvances);
    g_test_add_func("/qmp-debug/breakpoint/per-cpu", testPerCpu);
    g_test_add_func("/qmp-debug/breakpoint/spinning-loop",
                    testBreakpointInSpinningLoop);
    g_test_add_func("/qmp-debug/breakpoint/per-cpu-during-boot",
                    testPerCpuDuringBoot);
    g_test_add_func("/qmp-debug/watchpoint/write", testWatchWrite);
    g_test_add_func("/qmp-debug/watchpoint/read", testWatchRead);
    g_test_add_func("/qmp-debug/watchpoint/access", testWatchAccess);
    g_test_add_func("/qmp-debug/interrupt", testInterrupt);
    g_test_add_func("/qmp-debug/step/1", testStep1);
    g_test_add_func("/qmp-debug/step/4000", testStepMany);
    g_test_add_func("/qmp-debug/step/breakpoint", testStepBreakpoint);
    g_test_add_func("/qmp-debug/step/guest-int3", testStepGuestInt3);
    g_test_add_func("/qmp-debug/step/halt", testStepHalt);
    g_test_add_func("/qmp-debug/step/kicked", testStepKicked);
    g_test_add_func("/qmp-debug/read-msr", testReadMsr);
    g_test_add_func("/qmp-debug/breakpoint/remove-while-hit", testRemoveWhileHit);
    g_test_add_func("/qmp-debug/registers/write", testRegisterWrite);
    g_test_add_func("/qmp-debug/memory/write", testMemoryWrite);
    g_test_add_func("/qmp-debug/guest-int3", testGuestInt3);
    g_test_add_func("/qmp-debug/remove-all", testRemoveAllResumes);
    g_test_add_func("/qmp-debug/bad-input", testBadInput);
    g_test_add_func("/qmp-debug/gdb-attached", testGdbAttached);
    g_test_add_func("/qmp-debug/gdb-detach-keeps-points", testGdbDetachKeepsPoints);
    g_test_add_func("/qmp-debug/migration-blocked", testMigrationBlocked);
    g_test_add_func("/qmp-debug/lease/expires", testLeaseExpires);
    g_test_add_func("/qmp-debug/lease/two-clients", testLeaseTwoClients);
    g_test_add_func("/qmp-debug/lease/bad-input", testLeaseBadInput);
    g_test_add_func("/qmp-debug/condition/true", testConditionTrue);
    g_test_add_func("/qmp-debug/condition/register", testConditionRegister);
    g_test_add_func("/qmp-debug/condition/error", testConditionError);
    g_test_add_func("/qmp-debug/condition/ignore-count", testIgnoreCount);
    g_test_add_func("/qmp-debug/condition/shared-address",
                    testConditionsSharedAddress);
    g_test_add_func("/qmp-debug/condition/watchpoint", testWatchCondition);
    g_test_add_func("/qmp-debug/condition/bad-input", testConditionBadInput);
    g_test_add_func("/qmp-debug/range-step/loop", testRangeStepLoop);
    g_test_add_func("/qmp-debug/range-step/breakpoint", testRangeStepBreakpoint);
    g_test_add_func("/qmp-debug/range-step/interrupt", testRangeStepInterrupt);
    g_test_add_func("/qmp-debug/step/trace", testStepTrace);
    g_test_add_func("/qmp-debug/trace/collect", testTracepoint);
    g_test_add_func("/qmp-debug/trace/with-breakpoint",
                    testTracepointAndBreakpoint);
    g_test_add_func("/qmp-debug/trace/overflow", testTraceOverflow);
    g_test_add_func("/qmp-debug/trace/drain-batches", testTraceDrainBatches);
    g_test_add_func("/qmp-debug/trace/full-event", testTraceFullEvent);
    g_test_add_func("/qmp-debug/record-replay", testRecordReplay);
    g_test_add_func("/qmp-debug/hw-limits/shared", testHwLimitsShared);
    g_test_add_func("/qmp-debug/hw-limits/separate", testHwLimitsSeparate);
    g_test_add_func("/qmp-debug/hw-limits/bad", testHwLimitsBad);

    return g_test_run();
}
