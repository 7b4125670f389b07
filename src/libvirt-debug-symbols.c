/*
 * libvirt-debug-symbols.c: the public symbol table API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A thin layer over src/symbols that reports errors the API's way (the
 * thread's last error) and finds a domain's symbol file in its <debug>
 * element.
 */

#include "libvirt-debug-private.h"
#include "symbols/debug_symbols.h"

struct _virDomainDebugSymbols {
    virDebugSymbolTable *table;
};


static virDomainDebugErrorCode
virDomainDebugSymbolsErrorCode(const GError *error)
{
    if (error->domain != VIR_DEBUG_SYMBOLS_ERROR)
        return VIR_DOMAIN_DEBUG_ERR_SYMBOLS;
    switch ((virDebugSymbolsErrorCode) error->code) {
    case VIR_DEBUG_SYMBOLS_ERROR_SYNTAX:
    case VIR_DEBUG_SYMBOLS_ERROR_RANGE:
        return VIR_DOMAIN_DEBUG_ERR_INVALID_ARG;
    case VIR_DEBUG_SYMBOLS_ERROR_NEED_SYMBOLS:
        return VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS;
    case VIR_DEBUG_SYMBOLS_ERROR_IO:
    case VIR_DEBUG_SYMBOLS_ERROR_FORMAT:
    case VIR_DEBUG_SYMBOLS_ERROR_NO_SYMBOL:
    case VIR_DEBUG_SYMBOLS_ERROR_NO_BYTES:
        break;
    }
    return VIR_DOMAIN_DEBUG_ERR_SYMBOLS;
}


static void
virDomainDebugSymbolsReport(const GError *error)
{
    virDomainDebugReportError(virDomainDebugSymbolsErrorCode(error), "%s",
                              error->message);
}


virDomainDebugSymbols *
virDomainDebugSymbolsOpen(const char *path, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    virDomainDebugSymbols *syms;
    virDebugSymbolTable *table;

    virDomainDebugErrorReset();
    if (!path || flags) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  path ? "unsupported flags 0x%x" :
                                  "no symbol file given%.0x", flags);
        return NULL;
    }
    if (!(table = virDebugSymbolTableLoad(path, &error))) {
        virDomainDebugSymbolsReport(error);
        return NULL;
    }
    syms = g_new0(virDomainDebugSymbols, 1);
    syms->table = table;
    return syms;
}


virDomainDebugSymbols *
virDomainDebugSymbolsOpenDomain(virDomainPtr dom, unsigned int flags)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    virDomainDebugSymbols *syms;

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return NULL;
    if (!(def = virDomainDebugLoadDef(dom, 0)))
        return NULL;
    if (!def->symbols) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS,
                                  "domain '%s' names no symbol file: add "
                                  "<debug:symbols file='/path/to/vmlinux'/> to its "
                                  "<debug> element (virsh-debug debug-config --edit)",
                                  virDomainGetName(dom));
        return NULL;
    }
    if (!(syms = virDomainDebugSymbolsOpen(def->symbols, 0))) {
        g_autofree char *msg = g_strdup(virDomainDebugGetLastErrorMessage());

        virDomainDebugReportError(virDomainDebugGetLastErrorCode(),
                                  "domain '%s': the symbol file of its <debug> "
                                  "element: %s", virDomainGetName(dom), msg);
        return NULL;
    }
    return syms;
}


void
virDomainDebugSymbolsFree(virDomainDebugSymbols *syms)
{
    if (!syms)
        return;
    virDebugSymbolTableFree(syms->table);
    g_free(syms);
}


const char *
virDomainDebugSymbolsGetPath(const virDomainDebugSymbols *syms)
{
    return virDebugSymbolTablePath(syms->table);
}


void
virDomainDebugSymbolsSetOffset(virDomainDebugSymbols *syms, long long offset)
{
    virDebugSymbolTableSetOffset(syms->table, offset);
}


long long
virDomainDebugSymbolsGetOffset(const virDomainDebugSymbols *syms)
{
    return virDebugSymbolTableGetOffset(syms->table);
}


int
virDomainDebugSymbolsLookup(const virDomainDebugSymbols *syms, const char *name,
                            unsigned long long *addr, unsigned long long *size)
{
    const virDebugSymbol *s;

    virDomainDebugErrorReset();
    if (!name || !(s = virDebugSymbolTableFind(syms->table, name))) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_SYMBOLS,
                                  "no symbol '%s' in '%s'", name ? name : "(null)",
                                  virDebugSymbolTablePath(syms->table));
        return -1;
    }
    *addr = s->addr + (guint64)virDebugSymbolTableGetOffset(syms->table);
    if (size)
        *size = s->size;
    return 0;
}


const char *
virDomainDebugSymbolsNameAddress(const virDomainDebugSymbols *syms,
                                 unsigned long long addr,
                                 unsigned long long *offset)
{
    const virDebugSymbol *s;
    guint64 off = 0;

    virDomainDebugErrorReset();
    if (!(s = virDebugSymbolTableName(syms->table, addr, &off)))
        return NULL;
    if (offset)
        *offset = off;
    return s->name;
}


char *
virDomainDebugSymbolsFormatAddress(const virDomainDebugSymbols *syms,
                                   unsigned long long addr)
{
    virDomainDebugErrorReset();
    return virDebugSymbolTableFormat(syms->table, addr);
}


int
virDomainDebugSymbolsParseAddress(const virDomainDebugSymbols *syms,
                                  const char *expr, unsigned long long *addr)
{
    g_autoptr(GError) error = NULL;
    guint64 v;

    virDomainDebugErrorReset();
    if (!virDebugSymbolsParseAddress(syms ? syms->table : NULL, expr, &v, &error)) {
        virDomainDebugSymbolsReport(error);
        return -1;
    }
    *addr = v;
    return 0;
}


int
virDomainDebugSymbolsReadFile(const virDomainDebugSymbols *syms,
                              unsigned long long addr,
                              unsigned char *buf, size_t size)
{
    g_autoptr(GError) error = NULL;

    virDomainDebugErrorReset();
    if (!virDebugSymbolTableReadBytes(syms->table, addr, buf, size, &error)) {
        virDomainDebugSymbolsReport(error);
        return -1;
    }
    return 0;
}


/* functions compared, and bytes compared of each */
#define VIR_DOMAIN_DEBUG_VERIFY_SAMPLES 3
#define VIR_DOMAIN_DEBUG_VERIFY_BYTES 32
#define VIR_DOMAIN_DEBUG_VERIFY_MIN_SIZE 8

/* x86-64: the MSR with the kernel's syscall entry point */
#define VIR_DOMAIN_DEBUG_MSR_LSTAR 0xc0000082

int
virDomainDebugSymbolsDetectOffset(const virDomainDebugSymbols *syms,
                                  virDomainPtr dom, long long *offset,
                                  unsigned int flags)
{
    const virDebugSymbol *entry;
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    unsigned long long lstar;

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    if (!(entry = virDebugSymbolTableFind(syms->table, "entry_SYSCALL_64")))
        return 0;
    cmd = qemuDebugBuildReadMsr(0, VIR_DOMAIN_DEBUG_MSR_LSTAR);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    /* a QEMU that refuses (not x86) cannot tell, which is no error */
    if (qemuDebugParseReadMsrReply(reply, &lstar, &error) < 0 || lstar == 0)
        return 0;
    *offset = (long long)(lstar - entry->addr);
    return 1;
}


int
virDomainDebugSymbolsVerify(const virDomainDebugSymbols *syms, virDomainPtr dom,
                            int vcpu, unsigned int flags)
{
    const virDebugSymbol *samples[VIR_DOMAIN_DEBUG_VERIFY_SAMPLES];
    gint64 offset = virDebugSymbolTableGetOffset(syms->table);
    const virDebugSymbol *bad = NULL;
    size_t nsamples;
    size_t nbad = 0;
    size_t i;

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    nsamples = virDebugSymbolTableCodeSamples(syms->table, samples,
                                              G_N_ELEMENTS(samples),
                                              VIR_DOMAIN_DEBUG_VERIFY_MIN_SIZE);
    if (nsamples == 0)
        return 0;

    for (i = 0; i < nsamples; i++) {
        g_autoptr(GError) error = NULL;
        guint8 file[VIR_DOMAIN_DEBUG_VERIFY_BYTES];
        guint8 guest[VIR_DOMAIN_DEBUG_VERIFY_BYTES];
        size_t len = MIN(samples[i]->size, sizeof(file));
        guint64 addr = samples[i]->addr + (guint64)offset;
        size_t same = 0;
        size_t j;

        if (!virDebugSymbolTableReadBytes(syms->table, addr, file, len, &error)) {
            virDomainDebugSymbolsReport(error);
            return -1;
        }
        if (virDomainDebugReadMemory(dom, addr, len, guest, vcpu, 0) < 0) {
            /* not even mapped where the table says: no match */
            virDomainDebugResetLastError();
        } else {
            for (j = 0; j < len; j++)
                same += guest[j] == file[j] || guest[j] == 0xcc;
        }
        if (same * 4 < len * 3) {
            nbad++;
            bad = bad ? bad : samples[i];
        }
    }
    if (nbad * 2 < nsamples)
        return 1;

    virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_SYMBOLS,
                              "domain '%s': the symbol file '%s' does not match the "
                              "guest: the code of %s at 0x%llx differs from the "
                              "file's (%zu of %zu functions checked differ, with a "
                              "relocation offset of 0x%llx): a kernel relocated by "
                              "KASLR needs its offset (virsh-debug --offset), or the "
                              "file is another build than the guest runs",
                              virDomainGetName(dom),
                              virDebugSymbolTablePath(syms->table), bad->name,
                              (unsigned long long)(bad->addr + (guint64)offset),
                              nbad, nsamples, (unsigned long long)offset);
    return -1;
}
