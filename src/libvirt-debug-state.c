/*
 * libvirt-debug-state.c: registers, memory and the target description
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "libvirt-debug-private.h"

int
virDomainDebugGetRegisters(virDomainPtr dom, int vcpu,
                           const char **names, size_t nnames,
                           virDomainDebugRegister **regs,
                           unsigned int flags)
{
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    size_t nregs = 0;

    virDomainDebugErrorReset();
    *regs = NULL;
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0 ||
        virDomainDebugCheckPolicy(dom, NULL) < 0)
        return -1;

    cmd = qemuDebugBuildReadRegisters(vcpu, (const char *const *) names, nnames);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (qemuDebugParseReadRegistersReply(reply, regs, &nregs, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return nregs;
}

void
virDomainDebugRegistersFree(virDomainDebugRegister *regs, int nregs)
{
    if (regs)
        qemuDebugRegistersFree(regs, nregs);
}

int
virDomainDebugRegisterValue(const virDomainDebugRegister *reg,
                            unsigned long long *value)
{
    size_t len = strlen(reg->value);
    unsigned long long v = 0;
    size_t i;

    if (reg->size > 8 || len != (size_t) reg->size * 2) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "register '%s' is %d bytes wide: read its "
                                  "hex value instead of a number",
                                  reg->name, reg->size);
        return -1;
    }
    /* x86's GDB registers are little-endian: the last byte is the most
     * significant. */
    for (i = len; i >= 2; i -= 2) {
        char byte[3] = { reg->value[i - 2], reg->value[i - 1], 0 };

        v = (v << 8) | g_ascii_strtoull(byte, NULL, 16);
    }
    *value = v;
    return 0;
}

int
virDomainDebugSetRegister(virDomainPtr dom, int vcpu, const char *name,
                          const char *value, unsigned int flags)
{
    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0 ||
        virDomainDebugCheckPolicy(dom, "register write") < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildWriteRegister(vcpu, name, value));
}

int
virDomainDebugSetRegisterValue(virDomainPtr dom, int vcpu, const char *name,
                               unsigned long long value, unsigned int flags)
{
    virDomainDebugRegister *regs = NULL;
    g_autoptr(GString) hex = g_string_new(NULL);
    const char *names[] = { name };
    int nregs;
    int size;
    int i;
    int ret;

    if ((nregs = virDomainDebugGetRegisters(dom, vcpu, names, 1, &regs, 0)) < 0)
        return -1;
    if (nregs != 1) {
        virDomainDebugRegistersFree(regs, nregs);
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': no register '%s' on vCPU %d "
                                  "(debug-regs lists them)",
                                  virDomainGetName(dom), name, vcpu);
        return -1;
    }
    size = regs[0].size;
    virDomainDebugRegistersFree(regs, nregs);

    if (size < 8 && (value >> (size * 8)) != 0) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': value 0x%llx does not fit "
                                  "register '%s' (%d bytes)",
                                  virDomainGetName(dom), value, name, size);
        return -1;
    }
    /* Little-endian bytes, zero-extended to the register's width. */
    for (i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", (unsigned int) (value & 0xff));
        value >>= 8;
    }
    ret = virDomainDebugSetRegister(dom, vcpu, name, hex->str, flags);
    return ret;
}

/* What a memory read (@write NULL) or write checks before any access. */
static int
virDomainDebugMemoryPrepare(virDomainPtr dom, unsigned long long addr,
                            size_t size, unsigned int flags,
                            const char *write, const qemuDebugCaps **caps)
{
    if (virDomainDebugCheckFlags(dom, flags, VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL) < 0 ||
        !(*caps = virDomainDebugGetCaps(dom)) ||
        virDomainDebugCheckPolicy(dom, write) < 0)
        return -1;
    if (size == 0 || addr + size - 1 < addr) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': invalid memory range of %zu "
                                  "bytes at 0x%llx",
                                  virDomainGetName(dom), size, addr);
        return -1;
    }
    return 0;
}

/* QMP carries at most max-memory-size bytes per call; bigger accesses
 * are split here so callers need not know the limit. */
static size_t
virDomainDebugMemoryChunk(const qemuDebugCaps *caps, size_t left)
{
    size_t max = caps->maxMemorySize ? caps->maxMemorySize : 4096;

    return MIN(left, max);
}

int
virDomainDebugReadMemory(virDomainPtr dom, unsigned long long addr,
                         size_t size, unsigned char *buf, int vcpu,
                         unsigned int flags)
{
    const qemuDebugCaps *caps;
    bool physical = flags & VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL;
    size_t done = 0;

    virDomainDebugErrorReset();
    if (virDomainDebugMemoryPrepare(dom, addr, size, flags, NULL, &caps) < 0)
        return -1;

    while (done < size) {
        size_t chunk = virDomainDebugMemoryChunk(caps, size - done);
        g_autofree char *cmd = qemuDebugBuildReadMemory(addr + done, chunk,
                                                        vcpu, physical);
        g_autofree char *reply = NULL;
        g_autofree unsigned char *data = NULL;
        g_autoptr(GError) error = NULL;
        size_t got = 0;

        if (!(reply = virDomainDebugRun(dom, cmd)))
            return -1;
        if (qemuDebugParseReadMemoryReply(reply, chunk, &data, &got, &error) < 0) {
            virDomainDebugReportGError(dom, error);
            return -1;
        }
        memcpy(buf + done, data, got);
        done += got;
    }
    return 0;
}

int
virDomainDebugWriteMemory(virDomainPtr dom, unsigned long long addr,
                          const unsigned char *buf, size_t size, int vcpu,
                          unsigned int flags)
{
    const qemuDebugCaps *caps;
    bool physical = flags & VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL;
    size_t done = 0;

    virDomainDebugErrorReset();
    if (virDomainDebugMemoryPrepare(dom, addr, size, flags, "memory write", &caps) < 0)
        return -1;

    while (done < size) {
        size_t chunk = virDomainDebugMemoryChunk(caps, size - done);

        if (virDomainDebugRunEmpty(dom, qemuDebugBuildWriteMemory(addr + done,
                                                                  buf + done,
                                                                  chunk, vcpu,
                                                                  physical)) < 0)
            return -1;
        done += chunk;
    }
    return 0;
}

char *
virDomainDebugGetTargetXML(virDomainPtr dom, const char *annex,
                           unsigned int flags)
{
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    char *xml;

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return NULL;
    cmd = qemuDebugBuildQueryGdbXml(annex);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return NULL;
    if (!(xml = qemuDebugParseGdbXmlReply(reply, &error)))
        virDomainDebugReportGError(dom, error);
    return xml;
}
