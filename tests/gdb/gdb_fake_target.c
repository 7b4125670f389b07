/*
 * gdb_fake_target.c: an in-memory debug target for the protocol unit tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two vCPUs, five registers (0-3 form the 'g' packet; 40 sits behind a
 * gap, reachable with 'p' only), 4 KiB of memory at 0x1000, at most
 * hwBreakLimit hardware breakpoints and watchLimit watchpoint blocks.
 * Stops are posted synchronously, as soon as the operation is called.
 */

#include "gdb_fake_target.h"

#include <string.h>

static const struct {
    const char *name;
    int number;
    int size;
} fakeRegs[FAKE_NREGS] = {
    { "rax", 0, 8 },
    { "rbx", 1, 8 },
    { "rcx", 2, 8 },
    { "rdx", 3, 8 },
    { "fs_base", 40, 8 },
};

static void
fakeFail(fakeTarget *fake, int code, const char *msg)
{
    fake->errCode = code;
    g_free(fake->errMsg);
    fake->errMsg = g_strdup(msg);
}

static int
fakeVcpuCount(void *opaque G_GNUC_UNUSED)
{
    return FAKE_NVCPUS;
}

static int
fakeGetRegisters(void *opaque, int vcpu, virDomainDebugRegister **regs)
{
    fakeTarget *fake = opaque;
    virDomainDebugRegister *r;
    int i;

    fake->getRegistersCalls++;
    if (vcpu < 0 || vcpu >= FAKE_NVCPUS) {
        fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_INVALID_ARG, "no such vCPU");
        return -1;
    }
    /* reversed, so the session has to sort them */
    r = g_new0(virDomainDebugRegister, FAKE_NREGS);
    for (i = 0; i < FAKE_NREGS; i++) {
        int j = FAKE_NREGS - 1 - i;

        r[i].name = g_strdup(fakeRegs[j].name);
        r[i].number = fakeRegs[j].number;
        r[i].size = fakeRegs[j].size;
        r[i].value = g_strdup(fake->regs[vcpu][j]);
    }
    *regs = r;
    return FAKE_NREGS;
}

static int
fakeSetRegister(void *opaque, int vcpu, const char *name, const char *hex)
{
    fakeTarget *fake = opaque;
    int i;

    fake->setRegisterCalls++;
    for (i = 0; i < FAKE_NREGS; i++) {
        if (g_str_equal(fakeRegs[i].name, name)) {
            g_free(fake->regs[vcpu][i]);
            fake->regs[vcpu][i] = g_strdup(hex);
            return 0;
        }
    }
    fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_INVALID_ARG, "no such register");
    return -1;
}

static bool
fakeInRange(unsigned long long addr, size_t size)
{
    return addr >= FAKE_MEM_BASE && size <= FAKE_MEM_SIZE &&
           addr - FAKE_MEM_BASE <= FAKE_MEM_SIZE - size;
}

static int
fakeReadMemory(void *opaque, unsigned long long addr, size_t size,
               unsigned char *buf, int vcpu G_GNUC_UNUSED)
{
    fakeTarget *fake = opaque;

    if (!fakeInRange(addr, size)) {
        fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_QEMU, "not mapped");
        return -1;
    }
    memcpy(buf, fake->mem + (addr - FAKE_MEM_BASE), size);
    if (fake->exitOnRead)
        gdbRspSessionPostExit(fake->session, fake->exitSignal);
    return 0;
}

static int
fakeWriteMemory(void *opaque, unsigned long long addr,
                const unsigned char *buf, size_t size, int vcpu G_GNUC_UNUSED)
{
    fakeTarget *fake = opaque;

    if (!fakeInRange(addr, size)) {
        fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_QEMU, "not mapped");
        return -1;
    }
    memcpy(fake->mem + (addr - FAKE_MEM_BASE), buf, size);
    return 0;
}

static char *
fakeGetTargetXML(void *opaque, const char *annex)
{
    fakeTarget *fake = opaque;

    if (g_str_equal(annex, "target.xml"))
        return g_strdup("<?xml version=\"1.0\"?><target><architecture>"
                        "i386:x86-64</architecture><!-- $#*} -->"
                        "<xi:include href=\"core.xml\"/></target>");
    if (g_str_equal(annex, "core.xml"))
        return g_strdup("<feature name=\"org.gnu.gdb.i386.core\"/>");
    fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_QEMU, "no such annex");
    return NULL;
}

int
fakeTargetCountPoints(fakeTarget *fake, virDomainDebugPointType type)
{
    guint i;
    int n = 0;

    for (i = 0; i < fake->points->len; i++) {
        if (g_array_index(fake->points, fakePoint, i).type == type)
            n++;
    }
    return n;
}

static void
fakePointClear(void *data)
{
    fakePoint *p = data;

    g_clear_pointer(&p->condition, g_free);
}


static int
fakeInsertPoint(void *opaque, virDomainDebugPointType type,
                unsigned long long addr, unsigned long long len,
                const char *condition)
{
    fakeTarget *fake = opaque;
    fakePoint p = { .id = ++fake->nextId, .type = type,
                    .addr = addr, .len = len,
                    .condition = g_strdup(condition) };

    if (type == VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT &&
        fakeTargetCountPoints(fake, type) >= fake->hwBreakLimit) {
        fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_NO_SLOTS,
                 "hardware breakpoint slots exhausted");
        return -1;
    }
    if (type >= VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE) {
        int n = fakeTargetCountPoints(fake, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE) +
                fakeTargetCountPoints(fake, VIR_DOMAIN_DEBUG_POINT_WATCH_READ) +
                fakeTargetCountPoints(fake, VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS);

        if ((len != 1 && len != 2 && len != 4 && len != 8) || addr % len) {
            fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_INVALID_ARG, "misaligned");
            return -1;
        }
        if (n >= fake->watchLimit) {
            fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_NO_SLOTS,
                     "hardware watchpoint slots exhausted");
            return -1;
        }
    } else if (len != 0) {
        fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_INVALID_ARG, "len on a breakpoint");
        return -1;
    }
    g_array_append_val(fake->points, p);
    return p.id;
}

static int
fakeRemovePoint(void *opaque, int id)
{
    fakeTarget *fake = opaque;
    guint i;

    for (i = 0; i < fake->points->len; i++) {
        if (g_array_index(fake->points, fakePoint, i).id == id) {
            g_array_remove_index(fake->points, i);
            return 0;
        }
    }
    fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_QEMU, "no such point");
    return -1;
}

static void
fakePost(fakeTarget *fake, int vcpu, virDomainDebugStopReason reason)
{
    virDomainDebugStopInfo stop = { .vcpu = vcpu, .stopped = 1,
                                    .reason = reason, .pointId = -1 };

    fake->running = false;
    gdbRspSessionPostStop(fake->session, &stop);
}

static int
fakeStep(void *opaque, int vcpu)
{
    fakeTarget *fake = opaque;

    fake->lastStepVcpu = vcpu;
    fakePost(fake, vcpu, VIR_DOMAIN_DEBUG_STOP_STEP);
    return 0;
}

static int
fakeStepRange(void *opaque, int vcpu, unsigned long long start,
              unsigned long long end)
{
    fakeTarget *fake = opaque;

    fake->lastRangeStart = start;
    fake->lastRangeEnd = end;
    return fakeStep(opaque, vcpu);
}


static unsigned int
fakeFeatures(void *opaque)
{
    fakeTarget *fake = opaque;

    return fake->features;
}


static int
fakeStepSync(void *opaque, int vcpu, unsigned long long start,
             unsigned long long end, const char *const *names,
             virDomainDebugStopInfo *stop,
             virDomainDebugRegister **regs, int *nregs)
{
    fakeTarget *fake = opaque;
    int calls = fake->getRegistersCalls;
    int n;

    if (!fake->syncSteps)
        return 0;
    fake->lastRangeStart = start;
    fake->lastRangeEnd = end;
    fake->lastStepVcpu = vcpu;
    g_clear_pointer(&fake->lastStepNames, g_strfreev);
    fake->lastStepNames = g_strdupv((char **) names);
    memset(stop, 0, sizeof(*stop));
    stop->vcpu = vcpu;
    stop->stopped = 1;
    stop->reason = VIR_DOMAIN_DEBUG_STOP_STEP;
    stop->pointId = -1;
    if ((n = fakeGetRegisters(opaque, vcpu, regs)) < 0)
        return -1;
    fake->getRegistersCalls = calls;    /* not a read GDB asked for */
    *regs = g_renew(virDomainDebugRegister, *regs, n + 1);
    (*regs)[n].name = g_strdup("rip");
    (*regs)[n].number = 16;
    (*regs)[n].size = 8;
    (*regs)[n].value = g_strdup_printf("%02x10000000000000", vcpu);
    n++;
    if (names) {
        /* only those asked for, as QEMU answers */
        int i, kept = 0;

        for (i = 0; i < n; i++) {
            if (g_strv_contains(names, (*regs)[i].name)) {
                (*regs)[kept++] = (*regs)[i];
            } else {
                g_free((*regs)[i].name);
                g_free((*regs)[i].value);
            }
        }
        n = kept;
    }
    *nregs = n;
    return 1;
}

static int
fakeCont(void *opaque)
{
    fakeTarget *fake = opaque;

    fake->running = true;
    if (fake->stopSilentlyOnCont) {
        fake->running = false;
        return 0;
    }
    if (fake->stopOnCont) {
        fake->running = false;
        gdbRspSessionPostStop(fake->session, &fake->contStop);
    }
    if (fake->exitOnCont)
        gdbRspSessionPostExit(fake->session, fake->exitSignal);
    return 0;
}

static int
fakeStop(void *opaque)
{
    fakeTarget *fake = opaque;

    if (!fake->running) {
        fakeFail(fake, VIR_DOMAIN_DEBUG_ERR_QEMU, "already stopped");
        return -1;
    }
    /* QEMU reports an interrupt on vCPU 0 */
    fakePost(fake, 0, VIR_DOMAIN_DEBUG_STOP_INTERRUPT);
    return 0;
}

static int
fakeGetStops(void *opaque, virDomainDebugStopInfo **stops)
{
    fakeTarget *fake = opaque;
    int i;

    *stops = g_new0(virDomainDebugStopInfo, FAKE_NVCPUS);
    for (i = 0; i < FAKE_NVCPUS; i++) {
        (*stops)[i].vcpu = i;
        (*stops)[i].stopped = !fake->running;
        (*stops)[i].pointId = -1;
    }
    return FAKE_NVCPUS;
}

static int
fakeDetach(void *opaque)
{
    fakeTarget *fake = opaque;
    g_autoptr(GString) left = g_string_new(NULL);
    guint i;

    for (i = 0; i < fake->points->len; i++) {
        fakePoint *p = &g_array_index(fake->points, fakePoint, i);

        g_string_append_printf(left, "%s%d@%llx%s%s", i ? " " : "", p->id,
                               p->addr, p->condition ? ":" : "",
                               p->condition ? p->condition : "");
    }
    g_free(fake->pointsAtDetach);
    fake->pointsAtDetach = g_string_free(g_steal_pointer(&left), FALSE);
    g_array_set_size(fake->points, 0);
    fake->running = true;
    fake->detaches++;
    return 0;
}

static int
fakeLastErrorCode(void *opaque)
{
    return ((fakeTarget *)opaque)->errCode;
}

static const char *
fakeLastErrorMessage(void *opaque)
{
    fakeTarget *fake = opaque;

    return fake->errMsg ? fake->errMsg : "no error";
}

const gdbRspTargetOps fakeTargetOps = {
    .vcpuCount = fakeVcpuCount,
    .getRegisters = fakeGetRegisters,
    .setRegister = fakeSetRegister,
    .readMemory = fakeReadMemory,
    .writeMemory = fakeWriteMemory,
    .getTargetXML = fakeGetTargetXML,
    .insertPoint = fakeInsertPoint,
    .removePoint = fakeRemovePoint,
    .step = fakeStep,
    .stepRange = fakeStepRange,
    .stepSync = fakeStepSync,
    .features = fakeFeatures,
    .cont = fakeCont,
    .stop = fakeStop,
    .getStops = fakeGetStops,
    .detach = fakeDetach,
    .lastErrorCode = fakeLastErrorCode,
    .lastErrorMessage = fakeLastErrorMessage,
};

fakeTarget *
fakeTargetNew(void)
{
    fakeTarget *fake = g_new0(fakeTarget, 1);
    int v;
    int i;

    for (i = 0; i < FAKE_MEM_SIZE; i++)
        fake->mem[i] = i & 0xff;
    for (v = 0; v < FAKE_NVCPUS; v++) {
        for (i = 0; i < FAKE_NREGS; i++) {
            /* rax of vCPU 1 = 0x11..., rcx of vCPU 0 = 0x03... */
            guint8 byte = (v << 4) | (i + 1);

            fake->regs[v][i] = g_strnfill(fakeRegs[i].size * 2, "0123456789abcdef"[byte & 0xf]);
            fake->regs[v][i][0] = "0123456789abcdef"[byte >> 4];
        }
    }
    fake->points = g_array_new(FALSE, FALSE, sizeof(fakePoint));
    g_array_set_clear_func(fake->points, fakePointClear);
    fake->hwBreakLimit = 2;
    fake->watchLimit = 4;
    fake->running = true;
    return fake;
}

void
fakeTargetFree(fakeTarget *fake)
{
    g_free(fake->pointsAtDetach);
    int v;
    int i;

    for (v = 0; v < FAKE_NVCPUS; v++)
        for (i = 0; i < FAKE_NREGS; i++)
            g_free(fake->regs[v][i]);
    g_array_unref(fake->points);
    g_free(fake->errMsg);
    g_strfreev(fake->lastStepNames);
    g_free(fake);
}
