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
        /* a loop iteration is a few dozen instructions */
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
testStep100(void)
{
    checkStep(100);
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
    g_test_add_func("/qmp-debug/watchpoint/write", testWatchWrite);
    g_test_add_func("/qmp-debug/watchpoint/read", testWatchRead);
    g_test_add_func("/qmp-debug/watchpoint/access", testWatchAccess);
    g_test_add_func("/qmp-debug/interrupt", testInterrupt);
    g_test_add_func("/qmp-debug/step/1", testStep1);
    g_test_add_func("/qmp-debug/step/100", testStep100);
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
    g_test_add_func("/qmp-debug/record-replay", testRecordReplay);
    g_test_add_func("/qmp-debug/hw-limits/shared", testHwLimitsShared);
    g_test_add_func("/qmp-debug/hw-limits/separate", testHwLimitsSeparate);
    g_test_add_func("/qmp-debug/hw-limits/bad", testHwLimitsBad);

    return g_test_run();
}
