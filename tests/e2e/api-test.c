/*
 * api-test.c: the public API end to end
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real parts only: a real libvirt (the embedded driver, or a private
 * libvirtd reached through libvirt's RPC, selected by the first argument),
 * the patched QEMU under TCG, and the test guest, whose addresses come
 * from its ELF symbols.  Every test leaves the guest running with no
 * debug point, and checks it.
 */

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <string.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"
#include "testutils-guest.h"
#include "e2e-guest.h"
#include "testutils-libvirt.h"

#define EVENT_TIMEOUT_US (20 * G_USEC_PER_SEC)

static const char *kind = "embed";
static testLibvirt *lv;
static virDomainPtr dom;
static GAsyncQueue *events;

static void
onDebugExit(virConnectPtr conn G_GNUC_UNUSED,
            virDomainPtr d G_GNUC_UNUSED,
            const virDomainDebugStopInfo *stop,
            void *opaque)
{
    g_async_queue_push(opaque, g_memdup2(stop, sizeof(*stop)));
}

static virDomainDebugStopInfo *
waitDebugExit(void)
{
    virDomainDebugStopInfo *stop = g_async_queue_timeout_pop(events, EVENT_TIMEOUT_US);

    if (!stop) {
        /* say what the domain looks like, to tell a lost event from a
         * point that never hit */
        virDomainDebugStopInfo *stops = NULL;
        virDomainDebugPoint *points = NULL;
        int nstops = virDomainDebugGetStops(dom, &stops, 0);
        int npoints = virDomainDebugListPoints(dom, &points, 0);
        int state = -1;
        int reason = -1;

        virDomainGetState(dom, &state, &reason, 0);
        g_error("no debug-exit event within %d s (domain state %d/%d, "
                "%d points, first hits %llu, vCPU 0 stopped %d reason %d pc 0x%llx)",
                (int) (EVENT_TIMEOUT_US / G_USEC_PER_SEC), state, reason,
                npoints, npoints > 0 ? points[0].hits : 0,
                nstops > 0 ? stops[0].stopped : -1,
                nstops > 0 ? (int) stops[0].reason : -1,
                nstops > 0 ? stops[0].pc : 0);
    }
    return stop;
}

static unsigned long long
sym(const char *name)
{
    return testGuestSymbol(name);
}

static unsigned int
readGuestU32(const char *name)
{
    g_autofree char *why = NULL;
    guint32 v;

    if (!e2eReadGuestU32(dom, name, &v, &why))
        g_error("%s", why);
    return v;
}

/* The debug channels QEMU serves now (query-debug-channels through the
 * monitor), as "client1,client2". */
static char *
queryChannels(void)
{
    g_autofree char *reply = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GString) out = g_string_new(NULL);
    JsonArray *arr;
    guint i;

    g_assert_cmpint(virDomainQemuMonitorCommand(dom,
                        "{\"execute\":\"query-debug-channels\"}", &reply, 0),
                    ==, 0);
    g_assert_true(json_parser_load_from_data(parser, reply, -1, NULL));
    arr = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(parser)), "return");
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *ch = json_array_get_object_element(arr, i);

        g_string_append_printf(out, "%s%s", i ? "," : "",
                               json_object_get_string_member(ch, "client"));
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Begins a session as a debugger does (an attach with a lease), and
 * checks it took the transport this run expects: one debug channel, or
 * none. */
static void
beginSession(void)
{
    g_autofree char *channels = NULL;

    g_assert_cmpint(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_LEASE |
                                         VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS),
                    ==, 0);
    channels = queryChannels();
    if (e2eChannelExpected())
        g_assert_cmpint(strlen(channels), >, 0);
    else
        g_assert_cmpstr(channels, ==, "");
}

/* The guest runs (its counter advances), has no debug point left and no
 * event is pending from the test. */
static void
assertGuestRunningClean(void)
{
    g_autofree char *why = NULL;

    if (!e2eGuestIsClean(dom, &why))
        g_error("%s", why);
    /* no session left behind: its channel closed with its detach */
    {
        g_autofree char *channels = queryChannels();

        g_assert_cmpstr(channels, ==, "");
    }
    /* one stop, one event: a session on the channel gets no second copy
     * from the monitor */
    g_usleep(200 * 1000);
    g_assert_null(g_async_queue_try_pop(events));
}

static void
testCaps(void)
{
    virDomainDebugCaps *caps = virDomainDebugGetCapabilities(dom, 0);

    g_assert_nonnull(caps);
    g_assert_cmpstr(caps->accelerator, ==, "tcg");
    g_assert_true(caps->supported);
    g_assert_cmpint(caps->hwBreakpoints, ==, -1);
    g_assert_cmpint(caps->hwWatchpoints, ==, -1);
    g_assert_true(caps->singleStep);
    g_assert_cmpuint(caps->pointTypes, ==, (1 << VIR_DOMAIN_DEBUG_POINT_LAST) - 1);
    g_assert_cmpuint(caps->maxMemorySize, >, 0);
    g_assert_true(caps->rangeStep);
    g_assert_true(caps->conditions);
    g_assert_true(caps->ignoreCount);
    g_assert_true(caps->tracepoints);
    g_assert_true(caps->stepTrace);
    virDomainDebugCapsFree(caps);
    assertGuestRunningClean();
}

static void
testBreakpoint(gconstpointer data)
{
    virDomainDebugPointType type = GPOINTER_TO_INT(data);
    g_autofree virDomainDebugStopInfo *stop = NULL;
    g_autofree virDomainDebugStopInfo *stop2 = NULL;
    virDomainDebugRegister *regs = NULL;
    const char *names[] = { "rip" };
    unsigned long long rip = 0;
    unsigned long long tick = sym(GUEST_SYM_FUNCTION);
    unsigned int calls;
    int id;

    beginSession();
    id = virDomainDebugInsertPoint(dom, type, tick, 0, -1, 0);
    g_assert_cmpint(id, >, 0);

    stop = waitDebugExit();
    g_assert_cmpint(stop->reason, ==, type == VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT ?
                    VIR_DOMAIN_DEBUG_STOP_HW_BREAKPOINT :
                    VIR_DOMAIN_DEBUG_STOP_SW_BREAKPOINT);
    g_assert_cmphex(stop->pc, ==, tick);
    g_assert_cmpint(stop->pointId, ==, id);

    /* registers agree with the event */
    g_assert_cmpint(virDomainDebugGetRegisters(dom, 0, names, 1, &regs, 0), ==, 1);
    g_assert_cmpstr(regs[0].name, ==, "rip");
    g_assert_cmpint(virDomainDebugRegisterValue(&regs[0], &rip), ==, 0);
    g_assert_cmphex(rip, ==, tick);
    virDomainDebugRegistersFree(regs, 1);

    /* continuing from the breakpoint does not re-trigger it at once: the
     * guest advances by one call and stops again at the same place */
    calls = readGuestU32(GUEST_SYM_CALLS);
    g_assert_cmpint(virDomainDebugContinue(dom, 0), ==, 0);
    stop2 = waitDebugExit();
    g_assert_cmphex(stop2->pc, ==, tick);
    g_assert_cmpuint(readGuestU32(GUEST_SYM_CALLS), ==, calls + 1);

    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

static void
testWatchpoint(gconstpointer data)
{
    virDomainDebugPointType type = GPOINTER_TO_INT(data);
    const char *var = type == VIR_DOMAIN_DEBUG_POINT_WATCH_READ ?
        GUEST_SYM_READ_VAR : GUEST_SYM_WRITE_VAR;
    unsigned long long addr = sym(var);
    g_autofree virDomainDebugStopInfo *stop = NULL;
    int id;

    beginSession();
    id = virDomainDebugInsertPoint(dom, type, addr, 4, -1, 0);
    g_assert_cmpint(id, >, 0);
    stop = waitDebugExit();
    g_assert_cmpint(stop->reason, ==, (int) type); /* same numbering */
    g_assert_true(stop->hasWatch);
    g_assert_cmphex(stop->watchAddr, ==, addr);
    g_assert_cmpint(stop->pointId, ==, id);

    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

static void
testStep(void)
{
    g_autofree virDomainDebugStopInfo *stop = NULL;
    g_autofree virDomainDebugStopInfo *step1 = NULL;
    g_autofree virDomainDebugStopInfo *step100 = NULL;
    virDomainDebugStopInfo *stops = NULL;
    unsigned long long tick = sym(GUEST_SYM_FUNCTION);

    beginSession();
    g_assert_cmpint(virDomainDebugStop(dom, 0), ==, 0);
    stop = waitDebugExit();
    g_assert_cmpint(stop->reason, ==, VIR_DOMAIN_DEBUG_STOP_INTERRUPT);

    g_assert_cmpint(virDomainDebugStep(dom, 0, 1, 0), ==, 0);
    step1 = waitDebugExit();
    g_assert_cmpint(step1->reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    g_assert_cmphex(step1->pc, !=, stop->pc);

    g_assert_cmpint(virDomainDebugStep(dom, 0, 100,
                                       VIR_DOMAIN_DEBUG_STEP_MASK_IRQ |
                                       VIR_DOMAIN_DEBUG_STEP_MASK_TIMERS), ==, 0);
    step100 = waitDebugExit();
    g_assert_cmpint(step100->reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);

    /* query-debug-stop tells a client that missed the event the same */
    g_assert_cmpint(virDomainDebugGetStops(dom, &stops, 0), ==, 1);
    g_assert_true(stops[0].stopped);
    g_assert_cmpint(stops[0].reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    g_assert_cmphex(stops[0].pc, ==, step100->pc);
    g_free(stops);
    (void) tick;

    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

static void
testRegisterAndMemoryWrite(void)
{
    g_autofree virDomainDebugStopInfo *stop = NULL;
    unsigned long long rax = 0;
    unsigned long long saved = 0;
    virDomainDebugRegister *regs = NULL;
    const char *names[] = { "rax" };
    unsigned int value = 0x5eed1234;
    unsigned char buf[64];
    unsigned char big[100000];
    g_autofree char *why = NULL;

    /* the guest's own code runs (a domain just started may still be in
     * its firmware, whose loading of the guest would undo the write) */
    if (!e2eGuestIsClean(dom, &why))
        g_error("%s", why);
    g_assert_cmpint(virDomainDebugStop(dom, 0), ==, 0);
    stop = waitDebugExit();

    g_assert_cmpint(virDomainDebugGetRegisters(dom, 0, names, 1, &regs, 0), ==, 1);
    g_assert_cmpint(virDomainDebugRegisterValue(&regs[0], &saved), ==, 0);
    virDomainDebugRegistersFree(regs, 1);
    g_assert_cmpint(virDomainDebugSetRegisterValue(dom, 0, "rax", 0x1234abcd, 0), ==, 0);
    g_assert_cmpint(virDomainDebugGetRegisters(dom, 0, names, 1, &regs, 0), ==, 1);
    g_assert_cmpint(virDomainDebugRegisterValue(&regs[0], &rax), ==, 0);
    g_assert_cmphex(rax, ==, 0x1234abcd);
    virDomainDebugRegistersFree(regs, 1);
    /* put it back: stopped in guest_loop, whose counter lives in eax, the
     * guest would otherwise count to 500 the long way round (2^32) */
    g_assert_cmpint(virDomainDebugSetRegisterValue(dom, 0, "rax", saved, 0), ==, 0);

    /* the guest copies the poke variable into its echo variable: a
     * memory write is visible to the guest itself */
    g_assert_cmpint(virDomainDebugWriteMemory(dom, sym(GUEST_SYM_POKE),
                                              (unsigned char *) &value, 4, 0, 0), ==, 0);
    g_assert_cmpint(virDomainDebugContinue(dom, 0), ==, 0);
    {
        size_t i;

        for (i = 0; i < 200 && readGuestU32(GUEST_SYM_ECHO) != value; i++)
            g_usleep(20 * 1000);
    }
    g_assert_cmphex(readGuestU32(GUEST_SYM_ECHO), ==, value);

    /* physical and virtual reads agree (the guest's own mapping) */
    {
        unsigned char phys[64];

        g_assert_cmpint(virDomainDebugReadMemory(dom, sym(GUEST_SYM_FUNCTION), 64,
                                                 buf, 0, 0), ==, 0);
        g_assert_cmpint(virDomainDebugReadMemory(dom, testGuestPhysical(GUEST_SYM_FUNCTION),
                                                 64, phys, 0,
                                                 VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL), ==, 0);
        g_assert_cmpmem(buf, 64, phys, 64);
    }

    /* a read larger than one QMP call is split by the library, virtual
     * (through the guest's page tables) and physical alike */
    g_assert_cmpint(virDomainDebugReadMemory(dom, sym(GUEST_SYM_FUNCTION), sizeof(big),
                                             big, 0, 0), ==, 0);
    g_assert_cmpmem(buf, 64, big, 64);
    g_assert_cmpint(virDomainDebugReadMemory(dom, testGuestPhysical(GUEST_SYM_FUNCTION),
                                             sizeof(big), big, 0,
                                             VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL), ==, 0);
    g_assert_cmpmem(buf, 64, big, 64);

    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

/* Several threads debugging the same domain at once: every call is safe
 * and each thread's errors stay its own. */
static gpointer
threadWorker(gpointer data)
{
    int n = GPOINTER_TO_INT(data);
    size_t i;

    for (i = 0; i < 20; i++) {
        virDomainDebugRegister *regs = NULL;
        unsigned char buf[16];
        int nregs = virDomainDebugGetRegisters(dom, 0, NULL, 0, &regs, 0);

        g_assert_cmpint(nregs, >, 16);
        virDomainDebugRegistersFree(regs, nregs);
        g_assert_cmpint(virDomainDebugReadMemory(dom, sym(GUEST_SYM_COUNTER), sizeof(buf),
                                                 buf, 0, 0), ==, 0);
        g_autofree char *id = g_strdup_printf("%d", 100000 + n);

        /* an error in this thread only */
        g_assert_cmpint(virDomainDebugRemovePoint(dom, 100000 + n, 0), ==, -1);
        g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), id));
    }
    return NULL;
}

static void
testThreads(void)
{
    GThread *threads[4];
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("debugger", threadWorker, GINT_TO_POINTER((int) i));
    for (i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    assertGuestRunningClean();
}

static void
testBadInput(void)
{
    unsigned char buf[8];
    virDomainDebugPoint *points = NULL;
    virDomainDebugRegister *regs = NULL;
    const char *names[] = { "no-such-register" };

    /* misaligned and bad lengths: refused before anything is sent */
    g_assert_cmpint(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE,
                                              sym(GUEST_SYM_WRITE_VAR) + 1, 4, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_INVALID_ARG);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "align"));
    g_assert_cmpint(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE,
                                              sym(GUEST_SYM_WRITE_VAR), 3, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE,
                                              sym(GUEST_SYM_WRITE_VAR), 0, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT,
                                              sym(GUEST_SYM_FUNCTION), 0, 7, 0), ==, -1);
    {
        g_autofree char *quoted = g_strdup_printf("'%s'", virDomainGetName(dom));

        g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), quoted));
    }

    /* QEMU refuses these; the error names what was wrong */
    g_assert_cmpint(virDomainDebugRemovePoint(dom, 4242, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_QEMU);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "4242"));
    g_assert_cmpint(virDomainDebugReadMemory(dom, 0xfffffffff0000000ULL, sizeof(buf), buf, 0,
                                             VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL), ==, -1);
    g_assert_cmpint(virDomainDebugReadMemory(dom, 0x1000, 0, buf, 0, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetRegisters(dom, 0, names, 1, &regs, 0), ==, -1);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "no-such-register"));
    g_assert_cmpint(virDomainDebugSetRegister(dom, 0, "rax", "12", 0), ==, -1);
    g_assert_cmpint(virDomainDebugStep(dom, 0, 0, 0), ==, -1);
    g_assert_cmpint(virDomainDebugStep(dom, 0, 1,
                                       VIR_DOMAIN_DEBUG_STEP_MASK_IRQ |
                                       VIR_DOMAIN_DEBUG_STEP_ALLOW_IRQ), ==, -1);

    /* nothing was armed by any of it */
    g_assert_cmpint(virDomainDebugListPoints(dom, &points, 0), ==, 0);
    g_free(points);
    assertGuestRunningClean();
}

static void
testAttachHonoursConfig(void)
{
    g_autofree char *allowedNo = NULL;
    g_autofree char *declared = NULL;
    g_autofree char *back = NULL;
    g_autofree virDomainDebugStopInfo *stop = NULL;
    virDomainDebugPoint *points = NULL;

    /* a production domain: refused unless forced, nothing armed */
    allowedNo = g_strdup_printf("<debug xmlns='http://libvirt-debug.org/schemas/domain/debug/1.0' "
                                "allowed='no'><breakpoint type='hw' addr='0x%llx'/></debug>",
                                sym(GUEST_SYM_FUNCTION));
    g_assert_cmpint(virDomainDebugSetConfig(dom, allowedNo, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    g_assert_cmpint(virDomainDebugAttach(dom, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_DISALLOWED);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "--force"));
    g_assert_cmpint(virDomainDebugListPoints(dom, &points, 0), ==, 0);
    g_free(points);

    /* ... and so is any one-shot call that would debug it */
    g_assert_cmpint(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                              sym(GUEST_SYM_FUNCTION), 0, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_DISALLOWED);
    {
        unsigned char b[4];
        virDomainDebugRegister *regs = NULL;

        g_assert_cmpint(virDomainDebugReadMemory(dom, sym(GUEST_SYM_COUNTER), 4, b, 0, 0), ==, -1);
        g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_DISALLOWED);
        g_assert_cmpint(virDomainDebugGetRegisters(dom, 0, NULL, 0, &regs, 0), ==, -1);
        g_assert_cmpint(virDomainDebugStop(dom, 0), ==, -1);
        g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_DISALLOWED);
    }
    g_assert_cmpint(virDomainDebugListPoints(dom, &points, 0), ==, 0);
    g_free(points);

    /* forced: the declared point is armed and hits, and the forced
     * session allows the one-shot calls until detach */
    g_assert_cmpint(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_FORCE), ==, 1);
    stop = waitDebugExit();
    g_assert_cmpint(stop->reason, ==, VIR_DOMAIN_DEBUG_STOP_HW_BREAKPOINT);
    g_assert_cmphex(stop->pc, ==, sym(GUEST_SYM_FUNCTION));
    {
        virDomainDebugRegister *regs = NULL;
        int n = virDomainDebugGetRegisters(dom, 0, NULL, 0, &regs, 0);

        g_assert_cmpint(n, >, 0);
        virDomainDebugRegistersFree(regs, n);
    }
    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    g_assert_cmpint(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                              sym(GUEST_SYM_FUNCTION), 0, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_DISALLOWED);

    /* writable='no' refuses writes, allows reads */
    declared = g_strdup("<debug xmlns='http://libvirt-debug.org/schemas/domain/debug/1.0' "
                        "writable='no'/>");
    g_assert_cmpint(virDomainDebugSetConfig(dom, declared, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    {
        unsigned char b[4] = { 0 };

        g_assert_cmpint(virDomainDebugReadMemory(dom, sym(GUEST_SYM_POKE), 4, b, 0, 0), ==, 0);
        g_assert_cmpint(virDomainDebugWriteMemory(dom, sym(GUEST_SYM_POKE), b, 4, 0, 0), ==, -1);
        g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_DISALLOWED);
    }

    /* the element reads back, and can be removed */
    back = virDomainDebugGetConfig(dom, VIR_DOMAIN_AFFECT_LIVE);
    g_assert_nonnull(back);
    g_assert_nonnull(strstr(back, "writable=\"no\""));
    g_assert_cmpint(virDomainDebugSetConfig(dom, NULL, VIR_DOMAIN_AFFECT_LIVE), ==, 0);

    /* an invalid element is refused and changes nothing */
    g_assert_cmpint(virDomainDebugSetConfig(dom, "<debug xmlns='http://libvirt-debug.org/schemas/domain/debug/1.0' allowed='maybe'/>",
                                            VIR_DOMAIN_AFFECT_LIVE), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_XML);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "maybe"));
    assertGuestRunningClean();
}

static void
testNotRunning(void)
{
    g_autofree char *xml = testLibvirtDomainXML("off", testLibvirtQemu(), 1, NULL);
    virDomainPtr off = virDomainDefineXML(lv->conn, xml);

    g_assert_nonnull(off);
    g_assert_null(virDomainDebugGetCapabilities(off, 0));
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NOT_RUNNING);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "'off'"));
    g_assert_cmpint(virDomainDebugInsertPoint(off, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                              0x100000, 0, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NOT_RUNNING);
    virDomainUndefine(off);
    virDomainFree(off);
}

static void
testStockQemu(void)
{
    virDomainPtr stock = testLibvirtStartDomain(lv, "stock", testLibvirtStockQemu(), 1, NULL);

    g_assert_null(virDomainDebugGetCapabilities(stock, 0));
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "no debug API"));
    g_assert_cmpint(virDomainDebugAttach(stock, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API);
    virDomainDestroy(stock);
    virDomainUndefine(stock);
    virDomainFree(stock);
}

static void
testReadOnly(void)
{
    virConnectPtr ro = virConnectOpenReadOnly(lv->uri);
    virDomainPtr rodom;
    virDomainDebugPoint *points = NULL;

    if (!ro) {
        /* the embedded driver lives in this process and can be opened
         * once per root: a read-only view of it is the daemon case */
        g_test_skip("read-only connections need the daemon (covered there)");
        return;
    }
    rodom = virDomainLookupByName(ro, virDomainGetName(dom));
    g_assert_nonnull(rodom);
    g_assert_cmpint(virDomainDebugListPoints(rodom, &points, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_READ_ONLY);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "read-only"));
    virDomainFree(rodom);
    virConnectClose(ro);
    assertGuestRunningClean();
}

static void
testDebugStartBootStop(void)
{
    g_autofree char *debugXML = g_strdup_printf(
        "<debug:debug xmlns:debug='http://libvirt-debug.org/schemas/domain/debug/1.0'>"
        "<debug:boot stop='yes'/>"
        "<debug:breakpoint type='hw' addr='0x%llx'/>"
        "</debug:debug>", sym(GUEST_SYM_FUNCTION));
    g_autofree char *xml = testLibvirtDomainXML("boot", testLibvirtQemu(), 1, debugXML);
    virDomainPtr boot = virDomainDefineXML(lv->conn, xml);
    virDomainDebugPoint *points = NULL;
    int state = -1;
    int reason;

    g_assert_nonnull(boot);
    g_assert_cmpint(virDomainDebugStart(boot, 0), ==, 1);
    g_assert_cmpint(virDomainGetState(boot, &state, &reason, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(virDomainDebugListPoints(boot, &points, 0), ==, 1);
    g_assert_cmphex(points[0].addr, ==, sym(GUEST_SYM_FUNCTION));
    g_free(points);
    /* starting a running domain for debugging is refused */
    g_assert_cmpint(virDomainDebugStart(boot, 0), ==, -1);
    virDomainDestroy(boot);
    virDomainUndefine(boot);
    virDomainFree(boot);
}

/*
 * virDomainSave of a domain stopped at a debug point is refused (the image
 * would not load, and the point would be lost), with libvirt's error
 * naming the way out, and the domain stays as it was; after
 * virDomainDebugDetach it saves, and the image restores to a running
 * guest.
 */
static void
testSaveWhileDebugged(void)
{
    virDomainPtr d = testLibvirtStartDomain(lv, "save", testLibvirtQemu(), 1, NULL);
    g_autofree char *path = g_build_filename(lv->dir, "save.img", NULL);
    g_autofree char *why = NULL;
    virDomainDebugPoint *points = NULL;
    gint64 deadline = g_get_monotonic_time() + EVENT_TIMEOUT_US;
    int state = -1;
    int reason;

    g_assert_cmpint(virDomainDebugInsertPoint(d, VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT,
                                              sym(GUEST_SYM_FUNCTION), 0, -1, 0),
                    >, 0);
    while (virDomainGetState(d, &state, &reason, 0) == 0 && state != VIR_DOMAIN_PAUSED) {
        if (g_get_monotonic_time() > deadline)
            g_error("the breakpoint did not stop domain 'save'");
        g_usleep(10 * 1000);
    }

    g_assert_cmpint(virDomainSave(d, path), ==, -1);
    g_test_message("virDomainSave: %s", virGetLastErrorMessage());
    g_assert_nonnull(strstr(virGetLastErrorMessage(), "debug-detach"));
    g_assert_cmpint(virDomainIsActive(d), ==, 1);
    g_assert_cmpint(virDomainGetState(d, &state, &reason, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(virDomainDebugListPoints(d, &points, 0), ==, 1);
    g_free(points);

    g_assert_cmpint(virDomainDebugDetach(d, 0), ==, 0);
    g_assert_cmpint(virDomainSave(d, path), ==, 0);
    g_assert_cmpint(virDomainIsActive(d), ==, 0);
    g_assert_cmpint(virDomainRestore(lv->conn, path), ==, 0);
    if (!e2eGuestIsClean(d, &why))
        g_error("after restore: %s", why);

    virDomainDestroy(d);
    virDomainUndefine(d);
    virDomainFree(d);
    g_unlink(path);
}

/* Hardware slot limits per capability set.  TCG has no limit, so the
 * patched QEMU's test-only x-debug-set-hw-limits makes it count like a
 * KVM host: x86 (4 debug registers shared by breakpoints and watchpoints)
 * or arm64 (separate breakpoint and watchpoint registers). */
typedef struct {
    const char *name;
    int bps;
    int wps;
    bool shared;
} testSlotSet;

static const testSlotSet slotX86 = { "kvm-x86", 4, 4, true };
static const testSlotSet slotArm64 = { "kvm-arm64", 6, 4, false };

static void
testSlots(gconstpointer data)
{
    const testSlotSet *set = data;
    g_autofree char *limits = g_strdup_printf(
        "{\"execute\":\"x-debug-set-hw-limits\",\"arguments\":"
        "{\"hw-breakpoints\":%d,\"hw-watchpoints\":%d,\"hw-slots-shared\":%s}}",
        set->bps, set->wps, set->shared ? "true" : "false");
    g_autofree char *reply = NULL;
    g_autoptr(GString) declared = g_string_new(
        "<debug xmlns='http://libvirt-debug.org/schemas/domain/debug/1.0'>");
    virDomainPtr d = testLibvirtStartDomain(lv, set->name, testLibvirtQemu(), 1, NULL);
    virDomainDebugCaps *caps;
    virDomainDebugPoint *points = NULL;
    unsigned long long base = sym(GUEST_SYM_NEVER_CALLED);
    g_autofree char *why = NULL;
    int total = set->shared ? set->bps : set->bps + set->wps;
    int i;

    /* before the library first probes this QEMU (it caches what it finds) */
    g_assert_cmpint(virDomainQemuMonitorCommand(d, limits, &reply, 0), ==, 0);
    g_assert_null(strstr(reply, "error"));

    caps = virDomainDebugGetCapabilities(d, 0);
    g_assert_nonnull(caps);
    g_assert_cmpint(caps->hwBreakpoints, ==, set->bps);
    g_assert_cmpint(caps->hwWatchpoints, ==, set->wps);
    g_assert_cmpint(caps->hwSlotsShared, ==, set->shared);
    virDomainDebugCapsFree(caps);

    /* one more hardware breakpoint declared than the host has: attach
     * refuses before arming anything */
    for (i = 0; i <= set->bps; i++)
        g_string_append_printf(declared, "<breakpoint type='hw' addr='0x%llx'/>",
                               base + i);
    g_string_append(declared, "</debug>");
    g_assert_cmpint(virDomainDebugSetConfig(d, declared->str, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    g_assert_cmpint(virDomainDebugAttach(d, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NO_SLOTS);
    g_assert_cmpint(virDomainDebugListPoints(d, &points, 0), ==, 0);
    g_free(points);

    /* interactive inserts: fill every slot, then one more is refused
     * with a message that counts them, and the list is unchanged */
    for (i = 0; i < set->bps; i++)
        g_assert_cmpint(virDomainDebugInsertPoint(d, VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT,
                                                  base + i, 0, -1, 0), >, 0);
    for (i = 0; !set->shared && i < set->wps; i++)
        g_assert_cmpint(virDomainDebugInsertPoint(d, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE,
                                                  sym(GUEST_SYM_WRITE_VAR) + 64 + 4 * i,
                                                  4, -1, 0), >, 0);
    g_assert_cmpint(virDomainDebugInsertPoint(d, VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT,
                                              base + 100, 0, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NO_SLOTS);
    {
        g_autofree char *count = g_strdup_printf("%d", set->bps);

        g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), count));
        g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "exhausted"));
    }
    g_assert_cmpint(virDomainDebugInsertPoint(d, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE,
                                              sym(GUEST_SYM_WRITE_VAR), 4, -1, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGetLastErrorCode(), ==, VIR_DOMAIN_DEBUG_ERR_NO_SLOTS);
    g_assert_cmpint(virDomainDebugListPoints(d, &points, 0), ==, total);
    g_free(points);

    /* software breakpoints need no slot.  One is written into the guest
     * at the address its page tables give: the higher-half guest's
     * exist once its own code runs (the stress run under load caught
     * this insert refused while the guest was still in its firmware) */
    if (!e2eWaitGuestUp(d, &why))
        g_error("%s", why);
    g_assert_cmpint(virDomainDebugInsertPoint(d, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                              base + 200, 0, -1, 0), >, 0);

    g_assert_cmpint(virDomainDebugDetach(d, 0), ==, 0);
    g_assert_cmpint(virDomainDebugListPoints(d, &points, 0), ==, 0);
    g_free(points);
    virDomainDestroy(d);
    virDomainUndefine(d);
    virDomainFree(d);
}

/* ------------------------------------------------------------------ */
/* Work in QEMU: conditions, ignore counts, tracepoints, range and      */
/* traced steps                                                         */

static int
insertWithParams(virDomainDebugPointType type, unsigned long long addr,
                 const char *condition, unsigned int ignore, bool trace,
                 const char *const *regs, const char *mem,
                 unsigned int capacity)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int maxparams = 0;
    int id;

    if (condition)
        g_assert_cmpint(virTypedParamsAddString(&params, &nparams, &maxparams,
                            VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION,
                            condition), ==, 0);
    if (ignore)
        g_assert_cmpint(virTypedParamsAddUInt(&params, &nparams, &maxparams,
                            VIR_DOMAIN_DEBUG_POINT_PARAM_IGNORE, ignore), ==, 0);
    if (trace)
        g_assert_cmpint(virTypedParamsAddBoolean(&params, &nparams, &maxparams,
                            VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE, 1), ==, 0);
    for (; regs && *regs; regs++)
        g_assert_cmpint(virTypedParamsAddString(&params, &nparams, &maxparams,
                            VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_REGISTER,
                            *regs), ==, 0);
    if (mem)
        g_assert_cmpint(virTypedParamsAddString(&params, &nparams, &maxparams,
                            VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_MEMORY,
                            mem), ==, 0);
    if (capacity)
        g_assert_cmpint(virTypedParamsAddUInt(&params, &nparams, &maxparams,
                            VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE_CAPACITY,
                            capacity), ==, 0);
    id = virDomainDebugInsertPointParams(dom, type, addr, 0, -1, params,
                                         nparams, 0);
    virTypedParamsFree(params, nparams);
    return id;
}

/* A condition in the readable syntax, compiled by the library: QEMU
 * stops only when it holds, then an ignore count passes 200 true hits */
static void
testConditionIgnore(void)
{
    g_autofree virDomainDebugStopInfo *stop = NULL;
    g_autofree virDomainDebugStopInfo *stop2 = NULL;
    g_autofree char *cond = NULL;
    virDomainDebugPoint *points = NULL;
    unsigned long long tick = sym(GUEST_SYM_FUNCTION);
    unsigned int count;
    int id;
    int id2;
    int n;

    beginSession();
    /* the guest's value at the entry of guest_tick, before it counts */
    cond = g_strdup_printf("u32[0x%llx] %% 1000 == 999", sym(GUEST_SYM_CALLS));
    id = insertWithParams(VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, tick, cond,
                          0, false, NULL, NULL, 0);
    g_assert_cmpint(id, >, 0);
    stop = waitDebugExit();
    g_assert_cmpint(stop->pointId, ==, id);
    g_assert_cmphex(stop->pc, ==, tick);
    count = readGuestU32(GUEST_SYM_CALLS);
    g_assert_cmpuint(count % 1000, ==, 999);

    n = virDomainDebugListPoints(dom, &points, 0);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpstr(points[0].conditionText, ==, cond);
    g_assert_nonnull(points[0].condition);
    g_assert_cmpuint(points[0].hits, >=, 1);
    g_assert_cmpuint(points[0].conditionErrors, ==, 0);
    virDomainDebugPointsFree(points, n);

    /* continuing steps over the hit; the next 200 pass, the 201st stops */
    g_assert_cmpint(virDomainDebugRemovePoint(dom, id, 0), ==, 0);
    id2 = insertWithParams(VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, tick, NULL,
                           200, false, NULL, NULL, 0);
    g_assert_cmpint(virDomainDebugContinue(dom, 0), ==, 0);
    stop2 = waitDebugExit();
    g_assert_cmpint(stop2->pointId, ==, id2);
    g_assert_cmpuint(readGuestU32(GUEST_SYM_CALLS), ==, count + 201);

    /* a condition that does not compile changes nothing */
    g_assert_cmpint(insertWithParams(VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                     tick, "u32[", 0, false, NULL, NULL, 0),
                    ==, -1);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "column"));
    /* a name, and the domain has no symbol file: said so */
    g_assert_cmpint(insertWithParams(VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                     tick, "u32[guest_counter] == 1", 0,
                                     false, NULL, NULL, 0), ==, -1);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(),
                            "names no <symbols file=>"));
    g_assert_cmpint(virDomainDebugListPoints(dom, &points, 0), ==, 1);
    virDomainDebugPointsFree(points, 1);

    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

/* A tracepoint collects and the guest never stops: each record holds the
 * guest's own counter at that call, one more than the record before */
static void
testTracepoint(void)
{
    const char *regs[] = { "rip", NULL };
    g_autofree char *mem = g_strdup_printf("0x%llx:4", sym("guest_hot_count"));
    virDomainDebugTraceRecord *recs = NULL;
    unsigned long long dropped = 0;
    unsigned long long remaining = 0;
    unsigned long long hot = sym("guest_hot");
    gint64 base = 0;
    int id;
    int n;
    int i;

    beginSession();
    id = insertWithParams(VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, hot, NULL, 0,
                          true, regs, mem, 16);
    g_assert_cmpint(id, >, 0);
    g_usleep(300 * 1000);
    n = virDomainDebugTraceDrain(dom, id, 0, &recs, &dropped, &remaining, 0);
    g_assert_cmpint(n, >, 0);
    g_assert_cmpint(n, <=, 16);
    for (i = 0; i < n; i++) {
        unsigned long long rip = 0;
        guint32 value;

        g_assert_cmphex(recs[i].pc, ==, hot);
        g_assert_cmpint(recs[i].nregs, ==, 1);
        g_assert_cmpstr(recs[i].regs[0].name, ==, "rip");
        g_assert_cmpint(virDomainDebugRegisterValue(&recs[i].regs[0], &rip), ==, 0);
        g_assert_cmphex(rip, ==, hot);
        g_assert_cmpint(recs[i].nmem, ==, 1);
        g_assert_nonnull(recs[i].mem[0].data);
        g_assert_cmpuint(recs[i].mem[0].len, ==, 4);
        memcpy(&value, recs[i].mem[0].data, 4);
        value = GUINT32_FROM_LE(value);
        /* one call, one record, one increment: value - seq is constant */
        if (i == 0)
            base = (gint64) value - (gint64) recs[i].seq;
        g_assert_cmpint((gint64) value - (gint64) recs[i].seq, ==, base);
    }
    /* 16 records cannot hold 300 ms of calls: the oldest went */
    g_assert_cmpuint(dropped, >, 0);
    g_assert_cmpuint(recs[0].seq, >, dropped - 1);
    virDomainDebugTraceRecordsFree(recs, n);
    /* the guest ran all along */
    {
        g_autofree virDomainDebugStopInfo *stops = NULL;

        g_assert_cmpint(virDomainDebugGetStops(dom, &stops, 0), ==, 1);
        g_assert_false(stops[0].stopped);
    }

    /* a plain breakpoint has no records */
    g_assert_cmpint(virDomainDebugTraceDrain(dom, id + 1000, 0, &recs, NULL,
                                             NULL, 0), ==, -1);
    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

/* One range step runs guest_loop's 500 iterations inside QEMU; a traced
 * step lists the instructions single steps go through */
static void
testRangeAndTracedStep(void)
{
    g_autofree virDomainDebugStopInfo *stop = NULL;
    g_autofree virDomainDebugStopInfo *traced = NULL;
    g_autofree virDomainDebugStopInfo *ranged = NULL;
    virDomainDebugStepTraceEntry *entries = NULL;
    unsigned long long loop = sym("guest_loop");
    guint64 size = 0;
    unsigned int runs;
    int id;
    int n;
    int i;

    beginSession();
    id = virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                   loop, 0, -1, 0);
    g_assert_cmpint(id, >, 0);
    stop = waitDebugExit();
    g_assert_cmphex(stop->pc, ==, loop);
    g_assert_cmpint(virDomainDebugRemovePoint(dom, id, 0), ==, 0);

    /* 4 instructions traced, then the same 4 by single steps */
    g_assert_cmpint(virDomainDebugStepTrace(dom, 0, 4, NULL, 0), ==, 0);
    traced = waitDebugExit();
    g_assert_cmpint(traced->reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    n = virDomainDebugGetStepTrace(dom, 0, &entries, 0);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmphex(entries[0].pc, ==, loop);
    for (i = 1; i < n; i++)
        g_assert_cmphex(entries[i].pc, >, entries[i - 1].pc);
    g_assert_cmphex(traced->pc, >, entries[3].pc);
    virDomainDebugStepTraceFree(entries, n);

    /* the rest of the function, loop included, in one step: it ends in
     * the caller, with the loop's work done */
    g_assert_true(testGuestLookupSymbol(testGuestPath(), "guest_loop", NULL,
                                        &size, NULL));
    runs = readGuestU32("guest_loop_runs");
    g_assert_cmpint(virDomainDebugStepRange(dom, 0, loop, loop + size, 0),
                    ==, 0);
    ranged = waitDebugExit();
    g_assert_cmpint(ranged->reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    g_assert_true(ranged->pc < loop || ranged->pc >= loop + size);
    g_assert_cmpuint(readGuestU32("guest_loop_sum"), ==, 499 * 500 / 2);
    g_assert_cmpuint(readGuestU32("guest_loop_runs"), ==, runs + 1);
    /* bad ranges change nothing */
    g_assert_cmpint(virDomainDebugStepRange(dom, 0, loop, loop, 0), ==, -1);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "empty step range"));
    g_assert_cmpint(virDomainDebugStepTrace(dom, 0, 100001, NULL, 0), ==, -1);

    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    assertGuestRunningClean();
}

static void
onTraceFull(virConnectPtr conn G_GNUC_UNUSED,
            virDomainPtr d G_GNUC_UNUSED,
            const char *event,
            long long seconds G_GNUC_UNUSED,
            unsigned int micros G_GNUC_UNUSED,
            const char *details,
            void *opaque)
{
    g_async_queue_push(opaque, g_strdup_printf("%s %s", event, details));
}

/* The <debug> element declares a conditional breakpoint (by symbol) and
 * a tracepoint that asks for DEBUG_TRACE_FULL: an attach arms both, the
 * tracepoint collects while the guest runs, and its full buffer reaches a
 * fleet tool as a QEMU event through libvirt */
static void
testDeclaredTracepoint(void)
{
    g_autoptr(GAsyncQueue) full = g_async_queue_new_full(g_free);
    g_autofree char *xml = NULL;
    g_autofree char *ev = NULL;
    g_autofree virDomainDebugStopInfo *stop = NULL;
    virDomainDebugTraceRecord *recs = NULL;
    virDomainDebugPoint *points = NULL;
    int callback;
    int traceId = 0;
    int n;
    int i;

    callback = virConnectDomainQemuMonitorEventRegister(
        lv->conn, dom, "DEBUG_TRACE_FULL", onTraceFull,
        g_async_queue_ref(full), (virFreeCallback) g_async_queue_unref, 0);
    g_assert_cmpint(callback, >=, 0);
    xml = g_strdup_printf(
        "<debug xmlns='http://libvirt-debug.org/schemas/domain/debug/1.0'>"
        "<symbols file='%s'/>"
        "<breakpoint type='sw' addr='0x%llx' condition='u32[guest_tick_count] %% 1000 == 499'/>"
        "<tracepoint type='sw' addr='0x%llx' capacity='4' notify-full='yes'>"
        "<collect addr='0x%llx' len='4'/></tracepoint></debug>",
        testGuestPath(), sym(GUEST_SYM_FUNCTION), sym("guest_hot"),
        sym("guest_hot_count"));
    g_assert_cmpint(virDomainDebugSetConfig(dom, xml, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    g_assert_cmpint(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_LEASE), ==, 2);

    /* the breakpoint fires only where its condition holds */
    stop = waitDebugExit();
    g_assert_cmphex(stop->pc, ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmpuint(readGuestU32(GUEST_SYM_CALLS) % 1000, ==, 499);
    n = virDomainDebugListPoints(dom, &points, 0);
    g_assert_cmpint(n, ==, 2);
    for (i = 0; i < n; i++) {
        if (points[i].trace) {
            traceId = points[i].id;
            g_assert_cmpuint(points[i].traceCapacity, ==, 4);
        } else {
            g_assert_cmpstr(points[i].conditionText, ==,
                            "u32[guest_tick_count] % 1000 == 499");
        }
    }
    virDomainDebugPointsFree(points, n);
    g_assert_cmpint(traceId, >, 0);

    /* while the guest runs on, the tracepoint fills its 4 records */
    g_assert_cmpint(virDomainDebugRemovePoint(dom, stop->pointId, 0), ==, 0);
    g_assert_cmpint(virDomainDebugContinue(dom, 0), ==, 0);
    ev = g_async_queue_timeout_pop(full, EVENT_TIMEOUT_US);
    g_assert_nonnull(ev);
    g_assert_true(g_str_has_prefix(ev, "DEBUG_TRACE_FULL "));
    g_assert_nonnull(strstr(ev, "\"records\":4"));
    n = virDomainDebugTraceDrain(dom, traceId, 0, &recs, NULL, NULL, 0);
    g_assert_cmpint(n, ==, 4);
    virDomainDebugTraceRecordsFree(recs, n);

    g_assert_cmpint(virConnectDomainQemuMonitorEventDeregister(lv->conn, callback), ==, 0);
    g_assert_cmpint(virDomainDebugDetach(dom, 0), ==, 0);
    g_assert_cmpint(virDomainDebugSetConfig(dom, NULL, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
    assertGuestRunningClean();
}

int
main(int argc, char **argv)
{
    g_autofree char *why = NULL;
    int ret;
    int cbid;

    g_test_init(&argc, &argv, NULL);
    if (argc > 1)
        kind = argv[1];

    lv = testLibvirtNew(kind);
    dom = testLibvirtStartDomain(lv, "e2e", testLibvirtQemu(), 1, NULL);
    if (!e2eWaitGuestUp(dom, &why))
        g_error("%s", why);
    events = g_async_queue_new_full(g_free);
    cbid = virDomainDebugEventRegister(lv->conn, dom, onDebugExit,
                                       g_async_queue_ref(events),
                                       (virFreeCallback) g_async_queue_unref);
    g_assert_cmpint(cbid, >=, 0);

    g_test_add_func("/e2e/api/caps", testCaps);
    g_test_add_data_func("/e2e/api/hw-breakpoint",
                         GINT_TO_POINTER(VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT), testBreakpoint);
    g_test_add_data_func("/e2e/api/sw-breakpoint",
                         GINT_TO_POINTER(VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT), testBreakpoint);
    g_test_add_data_func("/e2e/api/watch-write",
                         GINT_TO_POINTER(VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE), testWatchpoint);
    g_test_add_data_func("/e2e/api/watch-read",
                         GINT_TO_POINTER(VIR_DOMAIN_DEBUG_POINT_WATCH_READ), testWatchpoint);
    g_test_add_data_func("/e2e/api/watch-access",
                         GINT_TO_POINTER(VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS), testWatchpoint);
    g_test_add_func("/e2e/api/step", testStep);
    g_test_add_func("/e2e/api/condition-ignore", testConditionIgnore);
    g_test_add_func("/e2e/api/tracepoint", testTracepoint);
    g_test_add_func("/e2e/api/range-traced-step", testRangeAndTracedStep);
    g_test_add_func("/e2e/api/declared-tracepoint", testDeclaredTracepoint);
    g_test_add_func("/e2e/api/write-register-memory", testRegisterAndMemoryWrite);
    g_test_add_func("/e2e/api/bad-input", testBadInput);
    g_test_add_func("/e2e/api/threads", testThreads);
    g_test_add_func("/e2e/api/config", testAttachHonoursConfig);
    g_test_add_func("/e2e/api/not-running", testNotRunning);
    g_test_add_func("/e2e/api/stock-qemu", testStockQemu);
    g_test_add_func("/e2e/api/read-only", testReadOnly);
    g_test_add_func("/e2e/api/debug-start", testDebugStartBootStop);
    g_test_add_func("/e2e/api/save-while-debugged", testSaveWhileDebugged);
    g_test_add_data_func("/e2e/api/slots/kvm-x86", &slotX86, testSlots);
    g_test_add_data_func("/e2e/api/slots/kvm-arm64", &slotArm64, testSlots);

    ret = g_test_run();

    virDomainDebugEventDeregister(lv->conn, cbid);
    virDomainFree(dom);
    testLibvirtFree(lv);
    g_async_queue_unref(events);
    return ret;
}
