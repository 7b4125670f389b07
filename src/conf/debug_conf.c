/*
 * debug_conf.c: the <debug> element of a domain's metadata
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing is strict and happens in two passes over the same tree: the
 * RELAX NG schema (debug.rng) and the C parser below.  The parser checks
 * everything the schema checks and more (alignment, overflow, duplicates),
 * and its errors quote the offending attribute and value, so when both
 * reject a document the parser's message is the one reported.
 *
 * Namespaces: the element is recognised by its namespace URI, never by a
 * prefix.  A root <debug> with no namespace at all (what
 * virDomainGetMetadata returns, because libvirt strips the namespace) is
 * taken to be in ours, together with every un-namespaced element below it.
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "conf/debug_conf.h"

G_DEFINE_QUARK(vir-debug-error-quark, vir_debug_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNG, xmlRelaxNGFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlBuffer, xmlBufferFree);

#define VIR_DOMAIN_DEBUG_SCHEMA_FILE "debug.rng"

/* Largest accepted vCPU index; libvirt itself caps vCPUs far lower. */
#define VIR_DOMAIN_DEBUG_VCPU_MAX G_MAXINT


/* ------------------------------------------------------------------ */
/* String tables                                                        */

const char *
virDebugEnumToString(const char * const *types,
                     unsigned int ntypes,
                     int type)
{
    if (type < 0 || (unsigned int) type >= ntypes)
        return NULL;
    return types[type];
}


int
virDebugEnumFromString(const char * const *types,
                       unsigned int ntypes,
                       const char *type)
{
    unsigned int i;

    if (!type)
        return -1;

    for (i = 0; i < ntypes; i++) {
        if (types[i] && g_str_equal(types[i], type))
            return i;
    }
    return -1;
}


VIR_DEBUG_ENUM_IMPL(virDomainDebugPoint,
                    VIR_DOMAIN_DEBUG_POINT_LAST,
                    "sw-breakpoint",
                    "hw-breakpoint",
                    "watchpoint-write",
                    "watchpoint-read",
                    "watchpoint-access",
);

/* The XML spellings: <breakpoint type=...> and <watchpoint access=...> */
typedef enum {
    VIR_DOMAIN_DEBUG_BREAKPOINT_SW,
    VIR_DOMAIN_DEBUG_BREAKPOINT_HW,

    VIR_DOMAIN_DEBUG_BREAKPOINT_LAST
} virDomainDebugBreakpointKind;

VIR_DEBUG_ENUM_IMPL_STATIC(virDomainDebugBreakpointKind,
                           VIR_DOMAIN_DEBUG_BREAKPOINT_LAST,
                           "sw",
                           "hw",
);

typedef enum {
    VIR_DOMAIN_DEBUG_WATCH_WRITE,
    VIR_DOMAIN_DEBUG_WATCH_READ,
    VIR_DOMAIN_DEBUG_WATCH_ACCESS,

    VIR_DOMAIN_DEBUG_WATCH_LAST
} virDomainDebugWatchAccess;

VIR_DEBUG_ENUM_IMPL_STATIC(virDomainDebugWatchAccess,
                           VIR_DOMAIN_DEBUG_WATCH_LAST,
                           "write",
                           "read",
                           "access",
);

typedef enum {
    VIR_DEBUG_NO,
    VIR_DEBUG_YES,

    VIR_DEBUG_YESNO_LAST
} virDebugYesNo;

VIR_DEBUG_ENUM_IMPL_STATIC(virDebugYesNo,
                           VIR_DEBUG_YESNO_LAST,
                           "no",
                           "yes",
);


static bool
virDomainDebugPointIsWatch(virDomainDebugPointType type)
{
    return type == VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE ||
           type == VIR_DOMAIN_DEBUG_POINT_WATCH_READ ||
           type == VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS;
}


static const char *
virDomainDebugPointElement(virDomainDebugPointType type)
{
    return virDomainDebugPointIsWatch(type) ? "watchpoint" : "breakpoint";
}


static const char *
virDomainDebugPointDefElement(const virDomainDebugPointDef *point)
{
    if (point->trace && !virDomainDebugPointIsWatch(point->type))
        return "tracepoint";
    return virDomainDebugPointElement(point->type);
}


/* ------------------------------------------------------------------ */
/* Definitions                                                          */

virDomainDebugDef *
virDomainDebugDefNew(void)
{
    virDomainDebugDef *def = g_new0(virDomainDebugDef, 1);

    def->allowed = true;
    def->writable = true;
    def->stepMaskIrq = true;
    def->stepMaskTimers = true;
    def->bootStop = false;

    return def;
}


void
virDomainDebugDefFree(virDomainDebugDef *def)
{
    if (!def)
        return;

    size_t i;

    g_free(def->symbols);
    for (i = 0; i < def->npoints; i++)
        virDomainDebugPointDefClear(&def->points[i]);
    g_free(def->points);
    g_free(def);
}


virDomainDebugDef *
virDomainDebugDefCopy(const virDomainDebugDef *def)
{
    virDomainDebugDef *ret;

    if (!def)
        return NULL;

    ret = g_new0(virDomainDebugDef, 1);
    *ret = *def;
    ret->symbols = g_strdup(def->symbols);
    ret->points = NULL;
    if (def->npoints > 0) {
        size_t i;

        ret->points = g_new0(virDomainDebugPointDef, def->npoints);
        for (i = 0; i < def->npoints; i++)
            virDomainDebugPointDefCopy(&ret->points[i], &def->points[i]);
    }

    return ret;
}


bool
virDomainDebugDefEqual(const virDomainDebugDef *a,
                       const virDomainDebugDef *b)
{
    size_t i;

    if (!a || !b)
        return a == b;

    if (a->allowed != b->allowed ||
        a->writable != b->writable ||
        a->stepMaskIrq != b->stepMaskIrq ||
        a->stepMaskTimers != b->stepMaskTimers ||
        a->bootStop != b->bootStop ||
        g_strcmp0(a->symbols, b->symbols) != 0 ||
        a->npoints != b->npoints)
        return false;

    for (i = 0; i < a->npoints; i++) {
        if (!virDomainDebugPointDefEqual(&a->points[i], &b->points[i]))
            return false;
    }

    return true;
}


void
virDomainDebugPointDefClear(virDomainDebugPointDef *point)
{
    if (!point)
        return;
    g_clear_pointer(&point->condition, g_free);
    g_clear_pointer(&point->conditionBytecode, g_free);
    g_clear_pointer(&point->collectRegisters, g_strfreev);
    g_clear_pointer(&point->collectMemory, g_free);
    point->ncollectMemory = 0;
}


void
virDomainDebugPointDefCopy(virDomainDebugPointDef *dst,
                           const virDomainDebugPointDef *src)
{
    *dst = *src;
    dst->condition = g_strdup(src->condition);
    dst->conditionBytecode = g_strdup(src->conditionBytecode);
    dst->collectRegisters = g_strdupv(src->collectRegisters);
    dst->collectMemory = NULL;
    if (src->ncollectMemory > 0)
        dst->collectMemory = g_memdup2(src->collectMemory,
                                       src->ncollectMemory *
                                       sizeof(*src->collectMemory));
}


static bool
virDebugStrvEqual(char **a, char **b)
{
    if (!a || !b)
        return (!a || !*a) && (!b || !*b);
    return g_strv_equal((const char * const *) a, (const char * const *) b);
}


bool
virDomainDebugPointDefEqual(const virDomainDebugPointDef *p,
                            const virDomainDebugPointDef *q)
{
    size_t i;

    if (p->type != q->type ||
        p->addr != q->addr ||
        p->len != q->len ||
        p->vcpu != q->vcpu ||
        g_strcmp0(p->condition, q->condition) != 0 ||
        g_strcmp0(p->conditionBytecode, q->conditionBytecode) != 0 ||
        p->ignoreCount != q->ignoreCount ||
        p->trace != q->trace ||
        !virDebugStrvEqual(p->collectRegisters, q->collectRegisters) ||
        p->ncollectMemory != q->ncollectMemory ||
        p->traceCapacity != q->traceCapacity ||
        p->notifyFull != q->notifyFull)
        return false;
    for (i = 0; i < p->ncollectMemory; i++) {
        if (p->collectMemory[i].addr != q->collectMemory[i].addr ||
            p->collectMemory[i].len != q->collectMemory[i].len)
            return false;
    }
    return true;
}


bool
virDomainDebugPointDefIsAdvanced(const virDomainDebugPointDef *point)
{
    return point->condition || point->conditionBytecode ||
           point->ignoreCount > 0 || point->trace;
}


static int
virDomainDebugValidateCondition(const virDomainDebugPointDef *point,
                                const char *elem,
                                GError **error)
{
    const char *p;
    size_t len;

    if (point->condition) {
        len = strlen(point->condition);
        if (len == 0 || len > VIR_DOMAIN_DEBUG_CONDITION_MAX ||
            strpbrk(point->condition, "\r\n")) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "invalid condition '%s' of <%s>: expected an "
                        "expression on one line of 1 to %d characters "
                        "(docs/conditions.rst)",
                        point->condition, elem,
                        VIR_DOMAIN_DEBUG_CONDITION_MAX);
            return -1;
        }
    }
    if (point->conditionBytecode) {
        len = strlen(point->conditionBytecode);
        for (p = point->conditionBytecode; *p && g_ascii_isxdigit(*p); p++)
            ;
        if (len == 0 || *p || len % 2 ||
            len / 2 > VIR_DOMAIN_DEBUG_BYTECODE_MAX) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "invalid condition bytecode of <%s>: expected an "
                        "even number of hexadecimal digits encoding 1 to "
                        "%d bytes of GDB agent-expression bytecode",
                        elem, VIR_DOMAIN_DEBUG_BYTECODE_MAX);
            return -1;
        }
    }
    if (point->ignoreCount > VIR_DOMAIN_DEBUG_IGNORE_MAX) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "invalid ignore count %u of <%s>: at most %u",
                    point->ignoreCount, elem, VIR_DOMAIN_DEBUG_IGNORE_MAX);
        return -1;
    }
    return 0;
}


static int
virDomainDebugValidateTrace(const virDomainDebugPointDef *point,
                            const char *elem,
                            GError **error)
{
    size_t nregs = point->collectRegisters ?
        g_strv_length(point->collectRegisters) : 0;
    size_t i;

    if (!point->trace) {
        if (nregs || point->ncollectMemory || point->traceCapacity ||
            point->notifyFull) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "a <%s> collects nothing: registers, memory, a "
                        "capacity and notify-full belong to tracepoints",
                        elem);
            return -1;
        }
        return 0;
    }
    if (virDomainDebugPointIsWatch(point->type)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "a %s cannot trace: tracepoints are breakpoints "
                    "(type sw or hw)",
                    virDomainDebugPointTypeToString(point->type));
        return -1;
    }
    if (nregs > VIR_DOMAIN_DEBUG_COLLECT_REGISTERS_MAX) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "a <%s> collects %zu registers: at most %d",
                    elem, nregs, VIR_DOMAIN_DEBUG_COLLECT_REGISTERS_MAX);
        return -1;
    }
    for (i = 0; i < nregs; i++) {
        const char *r = point->collectRegisters[i];
        const char *c;

        for (c = r; *c && (g_ascii_isalnum(*c) || *c == '_'); c++)
            ;
        if (!*r || *c || strlen(r) > 32) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "invalid register name '%s' to collect in <%s>: "
                        "expected a name such as rip or rax "
                        "(debug-regs --all lists them)", r, elem);
            return -1;
        }
    }
    if (point->ncollectMemory > VIR_DOMAIN_DEBUG_COLLECT_MEMORY_MAX) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "a <%s> collects %zu memory ranges: at most %d",
                    elem, point->ncollectMemory,
                    VIR_DOMAIN_DEBUG_COLLECT_MEMORY_MAX);
        return -1;
    }
    for (i = 0; i < point->ncollectMemory; i++) {
        const virDomainDebugMemRangeDef *m = &point->collectMemory[i];

        if (m->len == 0 || m->len > VIR_DOMAIN_DEBUG_COLLECT_LEN_MAX ||
            m->addr + m->len - 1 < m->addr) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "invalid memory range 0x%llx:%u to collect in "
                        "<%s>: the length must be 1 to %d bytes and the "
                        "range must not wrap",
                        m->addr, m->len, elem,
                        VIR_DOMAIN_DEBUG_COLLECT_LEN_MAX);
            return -1;
        }
    }
    if (point->traceCapacity > VIR_DOMAIN_DEBUG_TRACE_CAPACITY_MAX) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "invalid capacity %u of <%s>: 1 to %d records",
                    point->traceCapacity, elem,
                    VIR_DOMAIN_DEBUG_TRACE_CAPACITY_MAX);
        return -1;
    }
    return 0;
}


static int
virDomainDebugPointDefValidateExtras(const virDomainDebugPointDef *point,
                                     const char *elem,
                                     GError **error)
{
    if (virDomainDebugValidateCondition(point, elem, error) < 0 ||
        virDomainDebugValidateTrace(point, elem, error) < 0)
        return -1;
    return 0;
}


/* Checks @point.  The *Str arguments, when not NULL, are the values as the
 * user wrote them, quoted in errors instead of our own rendering. */
static int
virDomainDebugPointDefValidateInternal(const virDomainDebugPointDef *point,
                                       const char *addrStr,
                                       const char *lenStr,
                                       GError **error)
{
    g_autofree char *addrBuf = NULL;
    g_autofree char *lenBuf = NULL;
    const char *elem;

    if (!point) {
        g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                            "no debug point given");
        return -1;
    }

    if (!virDomainDebugPointTypeToString(point->type)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "invalid debug point type %d", (int) point->type);
        return -1;
    }

    elem = virDomainDebugPointDefElement(point);
    if (!addrStr)
        addrStr = addrBuf = g_strdup_printf("0x%llx", point->addr);
    if (!lenStr)
        lenStr = lenBuf = g_strdup_printf("%llu", point->len);

    if (virDomainDebugPointIsWatch(point->type)) {
        if (point->len != 1 && point->len != 2 &&
            point->len != 4 && point->len != 8) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "invalid value '%s' for attribute 'len' of <%s>: "
                        "must be 1, 2, 4 or 8 (bytes)",
                        lenStr, elem);
            return -1;
        }
        if (point->addr % point->len != 0) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "invalid value '%s' for attribute 'addr' of <%s>: "
                        "a watchpoint of len %llu must be %llu-byte aligned",
                        addrStr, elem, point->len, point->len);
            return -1;
        }
    } else if (point->len != 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "invalid value '%s' for attribute 'len' of <%s>: "
                    "breakpoints have no length; use a <watchpoint> "
                    "to watch a memory range",
                    lenStr, elem);
        return -1;
    }

    if (point->vcpu < VIR_DOMAIN_DEBUG_VCPU_ALL) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "invalid value '%d' for attribute 'vcpu' of <%s>: "
                    "expected a vCPU index (0 or more), or no attribute "
                    "for all vCPUs",
                    point->vcpu, elem);
        return -1;
    }

    return virDomainDebugPointDefValidateExtras(point, elem, error);
}


int
virDomainDebugPointDefValidate(const virDomainDebugPointDef *point,
                               GError **error)
{
    return virDomainDebugPointDefValidateInternal(point, NULL, NULL, error);
}


static int
virDomainDebugDefAddPointInternal(virDomainDebugDef *def,
                                  const virDomainDebugPointDef *point,
                                  const char *addrStr,
                                  const char *lenStr,
                                  GError **error)
{
    size_t i;

    if (virDomainDebugPointDefValidateInternal(point, addrStr, lenStr,
                                               error) < 0)
        return -1;

    for (i = 0; i < def->npoints; i++) {
        const virDomainDebugPointDef *p = &def->points[i];
        g_autofree char *vcpu = NULL;

        /* two points at one place may differ by condition or action */
        if (p->type != point->type || p->addr != point->addr ||
            p->len != point->len || p->vcpu != point->vcpu ||
            p->trace != point->trace ||
            g_strcmp0(p->condition, point->condition) != 0 ||
            g_strcmp0(p->conditionBytecode, point->conditionBytecode) != 0)
            continue;

        if (point->vcpu == VIR_DOMAIN_DEBUG_VCPU_ALL)
            vcpu = g_strdup("all vCPUs");
        else
            vcpu = g_strdup_printf("vCPU %d", point->vcpu);

        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "duplicate debug point: %s at 0x%llx for %s is "
                    "already declared",
                    virDomainDebugPointTypeToString(point->type),
                    point->addr, vcpu);
        return -1;
    }

    def->points = g_renew(virDomainDebugPointDef, def->points,
                          def->npoints + 1);
    virDomainDebugPointDefCopy(&def->points[def->npoints++], point);
    return 0;
}


int
virDomainDebugDefAddPoint(virDomainDebugDef *def,
                          const virDomainDebugPointDef *point,
                          GError **error)
{
    if (!def) {
        g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                            "no debug definition given");
        return -1;
    }
    return virDomainDebugDefAddPointInternal(def, point, NULL, NULL, error);
}


/* ------------------------------------------------------------------ */
/* libxml2 error capture                                                */

/* Collects libxml2's errors for one operation instead of letting them go
 * to stderr.  Installed on the calling thread (libxml2's handlers are
 * thread-local) and removed again by virDebugXMLCaptureEnd. */
typedef struct {
    GString *msg;
    xmlStructuredErrorFunc oldStructured;
    void *oldStructuredCtx;
    xmlGenericErrorFunc oldGeneric;
    void *oldGenericCtx;
} virDebugXMLCapture;

#if LIBXML_VERSION >= 21200
# define VIR_DEBUG_XML_ERROR_CONST const
#else
# define VIR_DEBUG_XML_ERROR_CONST
#endif

static void
virDebugXMLCaptureStructured(void *opaque,
                             VIR_DEBUG_XML_ERROR_CONST xmlError *err)
{
    virDebugXMLCapture *cap = opaque;
    g_autofree char *text = NULL;

    if (!err || err->level < XML_ERR_ERROR)
        return;
    /* The first error is the most specific one; libxml2 (RELAX NG in
     * particular) follows it with summaries of the enclosing elements. */
    if (cap->msg->len > 0)
        return;

    text = g_strstrip(g_strdup(err->message ? err->message : "unknown error"));
    /* an error is one line (some libxml2 messages carry a second one,
     * e.g. the bytes that are not UTF-8) */
    g_strdelimit(text, "\r\n", ' ');
    if (err->line > 0)
        g_string_append_printf(cap->msg, "line %d: %s", err->line, text);
    else
        g_string_append(cap->msg, text);
}


static void G_GNUC_PRINTF(2, 3)
virDebugXMLCaptureGeneric(void *opaque,
                          const char *fmt G_GNUC_UNUSED,
                          ...)
{
    /* Only reached by the rare libxml2 paths that bypass the structured
     * handler; they duplicate a structured error, so drop them. */
}


static void
virDebugXMLCaptureBegin(virDebugXMLCapture *cap)
{
    cap->msg = g_string_new(NULL);
    cap->oldStructured = xmlStructuredError;
    cap->oldStructuredCtx = xmlStructuredErrorContext;
    cap->oldGeneric = xmlGenericError;
    cap->oldGenericCtx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(cap, virDebugXMLCaptureStructured);
    xmlSetGenericErrorFunc(cap, virDebugXMLCaptureGeneric);
}


static void
virDebugXMLCaptureEnd(virDebugXMLCapture *cap)
{
    if (!cap->msg)
        return;
    xmlSetStructuredErrorFunc(cap->oldStructuredCtx, cap->oldStructured);
    xmlSetGenericErrorFunc(cap->oldGenericCtx, cap->oldGeneric);
    g_string_free(cap->msg, TRUE);
    cap->msg = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virDebugXMLCapture, virDebugXMLCaptureEnd);


static const char *
virDebugXMLCaptureMessage(virDebugXMLCapture *cap,
                          const char *fallback)
{
    if (cap->msg && cap->msg->len > 0)
        return cap->msg->str;
    return fallback;
}


/* Parses @xml into a document.  @what names it in errors. */
static xmlDocPtr
virDebugXMLParseString(const char *xml,
                       const char *what,
                       int extraFlags,
                       GError **error)
{
    g_auto(virDebugXMLCapture) cap = { 0 };
    g_autoptr(xmlParserCtxt) pctxt = NULL;
    xmlDocPtr doc;
    size_t len;

    if (!xml) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "malformed XML in %s: no document given", what);
        return NULL;
    }
    len = strlen(xml);
    if (len == 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "malformed XML in %s: the document is empty", what);
        return NULL;
    }
    if (len > G_MAXINT) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "malformed XML in %s: the document is too large", what);
        return NULL;
    }

    virDebugXMLCaptureBegin(&cap);

    if (!(pctxt = xmlNewParserCtxt())) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "cannot allocate an XML parser for %s", what);
        return NULL;
    }

    doc = xmlCtxtReadMemory(pctxt, xml, (int) len, NULL, NULL,
                            XML_PARSE_NONET |
                            XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING |
                            extraFlags);
    if (!doc || !pctxt->wellFormed || !pctxt->nsWellFormed) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "malformed XML in %s: %s", what,
                    virDebugXMLCaptureMessage(&cap, "cannot parse"));
        xmlFreeDoc(doc);
        return NULL;
    }

    if (!xmlDocGetRootElement(doc)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "malformed XML in %s: no root element", what);
        xmlFreeDoc(doc);
        return NULL;
    }

    return doc;
}


/* ------------------------------------------------------------------ */
/* Schema                                                               */

char *
virDomainDebugSchemaPath(void)
{
    const char *dir = g_getenv("LIBVIRT_DEBUG_SCHEMA_DIR");
    g_autofree char *installed = NULL;

    if (dir && *dir)
        return g_build_filename(dir, VIR_DOMAIN_DEBUG_SCHEMA_FILE, NULL);

    installed = g_build_filename(LIBVIRT_DEBUG_SCHEMA_DIR,
                                 VIR_DOMAIN_DEBUG_SCHEMA_FILE, NULL);
    if (g_file_test(installed, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer(&installed);

    return g_build_filename(LIBVIRT_DEBUG_SOURCE_SCHEMA_DIR,
                            VIR_DOMAIN_DEBUG_SCHEMA_FILE, NULL);
}


/* The compiled schema, kept for the life of the process: the API layer
 * parses the element on every call that checks the domain's policy, and
 * compiling debug.rng costs more than the rest of a parse.  A compiled
 * RELAX NG grammar is read-only during validation, so threads share it,
 * each with its own validation context. */
static GMutex virDomainDebugSchemaLock;
static char *virDomainDebugSchemaCachedPath;
static xmlRelaxNGPtr virDomainDebugSchemaCached;

static xmlRelaxNGPtr
virDomainDebugSchemaLoad(const char *path,
                         GError **error)
{
    g_auto(virDebugXMLCapture) cap = { 0 };
    g_autoptr(xmlRelaxNGParserCtxt) pctxt = NULL;
    xmlRelaxNGPtr rng;

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "cannot find the schema '%s': set LIBVIRT_DEBUG_SCHEMA_DIR "
                    "to the directory holding " VIR_DOMAIN_DEBUG_SCHEMA_FILE,
                    path);
        return NULL;
    }

    virDebugXMLCaptureBegin(&cap);

    if (!(pctxt = xmlRelaxNGNewParserCtxt(path))) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "cannot create a schema parser for '%s'", path);
        return NULL;
    }
    xmlRelaxNGSetParserStructuredErrors(pctxt, virDebugXMLCaptureStructured,
                                        &cap);

    if (!(rng = xmlRelaxNGParse(pctxt))) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "cannot load the schema '%s': %s", path,
                    virDebugXMLCaptureMessage(&cap, "unknown error"));
        return NULL;
    }
    return rng;
}


static int
virDomainDebugValidateDoc(xmlDocPtr doc,
                          GError **error)
{
    g_auto(virDebugXMLCapture) cap = { 0 };
    g_autofree char *path = virDomainDebugSchemaPath();
    g_autoptr(xmlRelaxNGValidCtxt) vctxt = NULL;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&virDomainDebugSchemaLock);

    /* The schema location can change (LIBVIRT_DEBUG_SCHEMA_DIR): keep the
     * grammar of the path in force. */
    if (!virDomainDebugSchemaCached ||
        g_strcmp0(path, virDomainDebugSchemaCachedPath) != 0) {
        xmlRelaxNGPtr rng = virDomainDebugSchemaLoad(path, error);

        if (!rng)
            return -1;
        g_clear_pointer(&virDomainDebugSchemaCached, xmlRelaxNGFree);
        g_free(virDomainDebugSchemaCachedPath);
        virDomainDebugSchemaCached = rng;
        virDomainDebugSchemaCachedPath = g_strdup(path);
    }
    g_clear_pointer(&locker, g_mutex_locker_free);

    virDebugXMLCaptureBegin(&cap);

    if (!(vctxt = xmlRelaxNGNewValidCtxt(virDomainDebugSchemaCached))) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "cannot create a validation context for '%s'", path);
        return -1;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, virDebugXMLCaptureStructured,
                                       &cap);

    if (xmlRelaxNGValidateDoc(vctxt, doc) != 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "the <debug> element does not validate against %s: %s",
                    VIR_DOMAIN_DEBUG_SCHEMA_FILE,
                    virDebugXMLCaptureMessage(&cap, "invalid document"));
        return -1;
    }

    return 0;
}


/* ------------------------------------------------------------------ */
/* Parsing                                                              */

static bool
virDebugNodeIsOurs(xmlNodePtr node)
{
    return node->type == XML_ELEMENT_NODE &&
           node->ns && node->ns->href &&
           xmlStrEqual(node->ns->href,
                       BAD_CAST VIR_DOMAIN_DEBUG_NAMESPACE_URI);
}


static const char *
virDebugNodeName(xmlNodePtr node)
{
    return (const char *) node->name;
}


/* The namespace of a foreign element, for errors. */
static const char *
virDebugNodeNsDesc(xmlNodePtr node)
{
    if (!node->ns || !node->ns->href)
        return "no namespace";
    return (const char *) node->ns->href;
}


/* Returns the attribute's value (NULL when absent). */
static char *
virDebugAttr(xmlNodePtr node,
             const char *name)
{
    xmlChar *val = xmlGetNoNsProp(node, BAD_CAST name);
    char *ret;

    if (!val)
        return NULL;
    ret = g_strdup((const char *) val);
    xmlFree(val);
    return ret;
}


/* Rejects any attribute of @node not in the NULL-terminated @allowed. */
static int
virDebugCheckAttrs(xmlNodePtr node,
                   const char * const *allowed,
                   GError **error)
{
    xmlAttrPtr attr;

    for (attr = node->properties; attr; attr = attr->next) {
        size_t i;
        bool found = false;

        if (!attr->ns) {
            for (i = 0; allowed[i]; i++) {
                if (xmlStrEqual(attr->name, BAD_CAST allowed[i])) {
                    found = true;
                    break;
                }
            }
        }

        if (!found) {
            if (attr->ns && attr->ns->prefix) {
                g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                            "unknown attribute '%s:%s' of <%s>",
                            (const char *) attr->ns->prefix,
                            (const char *) attr->name,
                            virDebugNodeName(node));
            } else {
                g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                            "unknown attribute '%s' of <%s>",
                            (const char *) attr->name,
                            virDebugNodeName(node));
            }
            return -1;
        }
    }

    return 0;
}


/* Elements of ours are empty: no text, no children. */
static int
virDebugCheckEmpty(xmlNodePtr node,
                   GError **error)
{
    xmlNodePtr child;

    for (child = node->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "unexpected element <%s> in <%s>: <%s> has no "
                        "child elements",
                        virDebugNodeName(child), virDebugNodeName(node),
                        virDebugNodeName(node));
            return -1;
        }
        if ((child->type == XML_TEXT_NODE ||
             child->type == XML_CDATA_SECTION_NODE) &&
            !xmlIsBlankNode(child)) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "unexpected text in <%s>", virDebugNodeName(node));
            return -1;
        }
    }

    return 0;
}


static int
virDebugMissingAttr(xmlNodePtr node,
                    const char *attr,
                    GError **error)
{
    g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                "missing attribute '%s' of <%s>",
                attr, virDebugNodeName(node));
    return -1;
}


/* Optional yes/no attribute: *val is left alone when it is absent. */
static int
virDebugParseYesNo(xmlNodePtr node,
                   const char *attr,
                   bool *val,
                   GError **error)
{
    g_autofree char *str = virDebugAttr(node, attr);
    int v;

    if (!str)
        return 0;

    if ((v = virDebugYesNoTypeFromString(str)) < 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "invalid value '%s' for attribute '%s' of <%s>: "
                    "expected 'yes' or 'no'",
                    str, attr, virDebugNodeName(node));
        return -1;
    }

    *val = v == VIR_DEBUG_YES;
    return 0;
}


/* An unsigned number: "0x" and hex digits, or decimal digits.  Nothing
 * else (no sign, no spaces, no octal). */
static int
virDebugParseNumber(xmlNodePtr node,
                    const char *attr,
                    const char *str,
                    bool allowHex,
                    guint64 max,
                    unsigned long long *val,
                    GError **error)
{
    g_autoptr(GError) err = NULL;
    const char *digits = str;
    guint base = 10;
    guint64 v;
    size_t i;

    if (allowHex && g_str_has_prefix(str, "0x")) {
        digits = str + 2;
        base = 16;
    }

    for (i = 0; digits[i]; i++) {
        if (base == 16 ? !g_ascii_isxdigit(digits[i])
                       : !g_ascii_isdigit(digits[i]))
            break;
    }

    if (i == 0 || digits[i] != '\0') {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "invalid value '%s' for attribute '%s' of <%s>: "
                    "expected %s",
                    str, attr, virDebugNodeName(node),
                    allowHex ? "a hexadecimal address with 0x, "
                               "or a decimal number"
                             : "a decimal number");
        return -1;
    }

    if (!g_ascii_string_to_unsigned(digits, base, 0, max, &v, &err)) {
        g_autofree char *maxStr = NULL;

        if (allowHex)
            maxStr = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", max);
        else
            maxStr = g_strdup_printf("%" G_GUINT64_FORMAT, max);

        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "invalid value '%s' for attribute '%s' of <%s>: "
                    "out of range (at most %s)",
                    str, attr, virDebugNodeName(node), maxStr);
        return -1;
    }

    *val = v;
    return 0;
}


/* <collect register="NAME"/> or <collect addr="ADDR" len="N"/> */
static int
virDomainDebugParseCollect(virDomainDebugPointDef *point,
                           xmlNodePtr node,
                           GError **error)
{
    static const char * const attrs[] = { "register", "addr", "len", NULL };
    g_autofree char *reg = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *len = NULL;

    if (virDebugCheckAttrs(node, attrs, error) < 0 ||
        virDebugCheckEmpty(node, error) < 0)
        return -1;
    reg = virDebugAttr(node, "register");
    addr = virDebugAttr(node, "addr");
    len = virDebugAttr(node, "len");
    if (reg && !addr && !len) {
        size_t n = point->collectRegisters ?
            g_strv_length(point->collectRegisters) : 0;

        point->collectRegisters = g_renew(char *, point->collectRegisters,
                                          n + 2);
        point->collectRegisters[n] = g_steal_pointer(&reg);
        point->collectRegisters[n + 1] = NULL;
        return 0;
    }
    if (!reg && addr && len) {
        virDomainDebugMemRangeDef m = { 0 };
        unsigned long long l;

        if (virDebugParseNumber(node, "addr", addr, true, G_MAXUINT64,
                                &m.addr, error) < 0 ||
            virDebugParseNumber(node, "len", len, false,
                                VIR_DOMAIN_DEBUG_COLLECT_LEN_MAX, &l,
                                error) < 0)
            return -1;
        m.len = l;
        point->collectMemory = g_renew(virDomainDebugMemRangeDef,
                                       point->collectMemory,
                                       point->ncollectMemory + 1);
        point->collectMemory[point->ncollectMemory++] = m;
        return 0;
    }
    g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "invalid <collect>: expected either register=\"NAME\" "
                        "or addr=\"ADDR\" len=\"BYTES\"");
    return -1;
}


/* The children of a <tracepoint>: only <collect> */
static int
virDomainDebugParseCollectList(virDomainDebugPointDef *point,
                               xmlNodePtr node,
                               GError **error)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_TEXT_NODE && xmlIsBlankNode(cur))
            continue;
        if (cur->type == XML_COMMENT_NODE)
            continue;
        if (cur->type != XML_ELEMENT_NODE || !virDebugNodeIsOurs(cur) ||
            !g_str_equal(virDebugNodeName(cur), "collect")) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "unexpected content in <tracepoint>: only "
                        "<collect> elements may appear in it");
            return -1;
        }
        if (virDomainDebugParseCollect(point, cur, error) < 0)
            return -1;
    }
    return 0;
}


/* condition, ignore (every point); capacity, notify-full (tracepoints) */
static int
virDomainDebugParsePointExtras(virDomainDebugPointDef *point,
                               xmlNodePtr node,
                               GError **error)
{
    g_autofree char *ignore = virDebugAttr(node, "ignore");
    g_autofree char *capacity = virDebugAttr(node, "capacity");
    unsigned long long v;

    point->condition = virDebugAttr(node, "condition");
    if (ignore) {
        if (virDebugParseNumber(node, "ignore", ignore, false,
                                VIR_DOMAIN_DEBUG_IGNORE_MAX, &v, error) < 0)
            return -1;
        point->ignoreCount = v;
    }
    if (!point->trace)
        return 0;
    if (capacity) {
        if (virDebugParseNumber(node, "capacity", capacity, false,
                                VIR_DOMAIN_DEBUG_TRACE_CAPACITY_MAX, &v,
                                error) < 0)
            return -1;
        if (v == 0) {
            g_set_error_literal(error, VIR_DEBUG_ERROR,
                                VIR_DEBUG_ERROR_INVALID,
                                "invalid value '0' for attribute 'capacity' "
                                "of <tracepoint>: at least 1 record");
            return -1;
        }
        point->traceCapacity = v;
    }
    if (virDebugParseYesNo(node, "notify-full", &point->notifyFull,
                           error) < 0)
        return -1;
    return virDomainDebugParseCollectList(point, node, error);
}


/* <breakpoint>, <watchpoint> (@watch) or <tracepoint> (@trace) */
static int
virDomainDebugParsePoint(virDomainDebugDef *def,
                         xmlNodePtr node,
                         bool watch,
                         bool trace,
                         GError **error)
{
    static const char * const breakAttrs[] = {
        "type", "addr", "vcpu", "condition", "ignore", NULL
    };
    static const char * const watchAttrs[] = {
        "access", "addr", "len", "vcpu", "condition", "ignore", NULL
    };
    static const char * const traceAttrs[] = {
        "type", "addr", "vcpu", "condition", "ignore", "capacity",
        "notify-full", NULL
    };
    g_auto(virDomainDebugPointDef) point = {
        .vcpu = VIR_DOMAIN_DEBUG_VCPU_ALL, .trace = trace,
    };
    g_autofree char *kind = NULL;
    g_autofree char *addr = NULL;
    g_autofree char *len = NULL;
    g_autofree char *vcpu = NULL;
    const char *kindAttr = watch ? "access" : "type";

    if (!watch && (len = virDebugAttr(node, "len"))) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "invalid attribute 'len' (value '%s') of <%s>: "
                    "breakpoints have no length; use a <watchpoint> to "
                    "watch a memory range",
                    len, virDebugNodeName(node));
        return -1;
    }

    if (virDebugCheckAttrs(node, watch ? watchAttrs :
                                 trace ? traceAttrs : breakAttrs,
                           error) < 0 ||
        (!trace && virDebugCheckEmpty(node, error) < 0))
        return -1;

    if (!(kind = virDebugAttr(node, kindAttr)))
        return virDebugMissingAttr(node, kindAttr, error);

    if (watch) {
        switch (virDomainDebugWatchAccessTypeFromString(kind)) {
        case VIR_DOMAIN_DEBUG_WATCH_WRITE:
            point.type = VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE;
            break;
        case VIR_DOMAIN_DEBUG_WATCH_READ:
            point.type = VIR_DOMAIN_DEBUG_POINT_WATCH_READ;
            break;
        case VIR_DOMAIN_DEBUG_WATCH_ACCESS:
            point.type = VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS;
            break;
        default:
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "invalid value '%s' for attribute 'access' of "
                        "<watchpoint>: expected 'write', 'read' or 'access'",
                        kind);
            return -1;
        }
    } else {
        switch (virDomainDebugBreakpointKindTypeFromString(kind)) {
        case VIR_DOMAIN_DEBUG_BREAKPOINT_SW:
            point.type = VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT;
            break;
        case VIR_DOMAIN_DEBUG_BREAKPOINT_HW:
            point.type = VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT;
            break;
        default:
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "invalid value '%s' for attribute 'type' of "
                        "<%s>: expected 'sw' or 'hw'",
                        kind, virDebugNodeName(node));
            return -1;
        }
    }

    if (!(addr = virDebugAttr(node, "addr")))
        return virDebugMissingAttr(node, "addr", error);
    if (virDebugParseNumber(node, "addr", addr, true, G_MAXUINT64,
                            &point.addr, error) < 0)
        return -1;

    if (watch) {
        if (!(len = virDebugAttr(node, "len")))
            return virDebugMissingAttr(node, "len", error);
        if (virDebugParseNumber(node, "len", len, false, G_MAXUINT64,
                                &point.len, error) < 0)
            return -1;
    }

    if ((vcpu = virDebugAttr(node, "vcpu"))) {
        unsigned long long v;

        if (vcpu[0] == '-') {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "invalid value '%s' for attribute 'vcpu' of <%s>: "
                        "expected a vCPU index (0 or more); leave the "
                        "attribute out for all vCPUs",
                        vcpu, virDebugNodeName(node));
            return -1;
        }
        if (virDebugParseNumber(node, "vcpu", vcpu, false,
                                VIR_DOMAIN_DEBUG_VCPU_MAX, &v, error) < 0)
            return -1;
        point.vcpu = (int) v;
    }

    if (virDomainDebugParsePointExtras(&point, node, error) < 0)
        return -1;

    return virDomainDebugDefAddPointInternal(def, &point, addr, len, error);
}


static int
virDomainDebugParseSingleton(xmlNodePtr node,
                             xmlNodePtr *seen,
                             xmlNodePtr parent,
                             const char * const *attrs,
                             GError **error)
{
    if (*seen) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "element <%s> may appear only once in <%s>",
                    virDebugNodeName(node), virDebugNodeName(parent));
        return -1;
    }
    *seen = node;

    if (virDebugCheckAttrs(node, attrs, error) < 0 ||
        virDebugCheckEmpty(node, error) < 0)
        return -1;

    return 0;
}


/* The C half of parsing: @root is a <debug> element in our namespace. */
static virDomainDebugDef *
virDomainDebugDefParseRoot(xmlNodePtr root,
                           GError **error)
{
    static const char * const rootAttrs[] = { "allowed", "writable", NULL };
    static const char * const stepAttrs[] = {
        "mask-irq", "mask-timers", NULL
    };
    static const char * const bootAttrs[] = { "stop", NULL };
    static const char * const symbolsAttrs[] = { "file", NULL };
    g_autoptr(virDomainDebugDef) def = virDomainDebugDefNew();
    xmlNodePtr step = NULL;
    xmlNodePtr boot = NULL;
    xmlNodePtr symbols = NULL;
    xmlNodePtr cur;

    if (!virDebugNodeIsOurs(root) ||
        !xmlStrEqual(root->name, BAD_CAST VIR_DOMAIN_DEBUG_ELEMENT)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                    "expected element <" VIR_DOMAIN_DEBUG_ELEMENT "> in "
                    "namespace '" VIR_DOMAIN_DEBUG_NAMESPACE_URI "', "
                    "found <%s> in %s",
                    virDebugNodeName(root), virDebugNodeNsDesc(root));
        return NULL;
    }

    if (virDebugCheckAttrs(root, rootAttrs, error) < 0 ||
        virDebugParseYesNo(root, "allowed", &def->allowed, error) < 0 ||
        virDebugParseYesNo(root, "writable", &def->writable, error) < 0)
        return NULL;

    for (cur = root->children; cur; cur = cur->next) {
        const char *name;

        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            if (!xmlIsBlankNode(cur)) {
                g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                            "unexpected text in <%s>", virDebugNodeName(root));
                return NULL;
            }
            continue;
        }
        if (cur->type != XML_ELEMENT_NODE)
            continue; /* comments, processing instructions */

        name = virDebugNodeName(cur);
        if (!virDebugNodeIsOurs(cur)) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "unknown element <%s> (in %s) in <%s>: children "
                        "must be in namespace '"
                        VIR_DOMAIN_DEBUG_NAMESPACE_URI "'",
                        name, virDebugNodeNsDesc(cur),
                        virDebugNodeName(root));
            return NULL;
        }

        if (g_str_equal(name, "step")) {
            if (virDomainDebugParseSingleton(cur, &step, root, stepAttrs,
                                             error) < 0 ||
                virDebugParseYesNo(cur, "mask-irq", &def->stepMaskIrq,
                                   error) < 0 ||
                virDebugParseYesNo(cur, "mask-timers", &def->stepMaskTimers,
                                   error) < 0)
                return NULL;
        } else if (g_str_equal(name, "boot")) {
            if (virDomainDebugParseSingleton(cur, &boot, root, bootAttrs,
                                             error) < 0 ||
                virDebugParseYesNo(cur, "stop", &def->bootStop, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "symbols")) {
            if (virDomainDebugParseSingleton(cur, &symbols, root,
                                             symbolsAttrs, error) < 0)
                return NULL;
            if (!(def->symbols = virDebugAttr(cur, "file"))) {
                virDebugMissingAttr(cur, "file", error);
                return NULL;
            }
            if (def->symbols[0] != '/' ||
                strpbrk(def->symbols, "\r\n")) {
                g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                            "invalid value '%s' for attribute 'file' of "
                            "<symbols>: expected an absolute path on one line",
                            def->symbols);
                return NULL;
            }
        } else if (g_str_equal(name, "breakpoint")) {
            if (virDomainDebugParsePoint(def, cur, false, false, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "watchpoint")) {
            if (virDomainDebugParsePoint(def, cur, true, false, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "tracepoint")) {
            if (virDomainDebugParsePoint(def, cur, false, true, error) < 0)
                return NULL;
        } else {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA,
                        "unknown element <%s> in <%s>: expected <step>, "
                        "<boot>, <symbols>, <breakpoint>, <watchpoint> or "
                        "<tracepoint>",
                        name, virDebugNodeName(root));
            return NULL;
        }
    }

    return g_steal_pointer(&def);
}


/* The attributes after vcpu, the children of a tracepoint and the end
 * of the element */
static void
virDomainDebugFormatPointExtras(GString *buf,
                                const virDomainDebugPointDef *p,
                                const char *indent,
                                const char *pfx)
{
    size_t i;

    if (p->condition) {
        g_autofree char *cond = g_markup_escape_text(p->condition, -1);

        g_string_append_printf(buf, " condition=\"%s\"", cond);
    }
    if (p->ignoreCount)
        g_string_append_printf(buf, " ignore=\"%u\"", p->ignoreCount);
    if (!p->trace) {
        g_string_append(buf, "/>\n");
        return;
    }
    if (p->traceCapacity)
        g_string_append_printf(buf, " capacity=\"%u\"", p->traceCapacity);
    if (p->notifyFull)
        g_string_append(buf, " notify-full=\"yes\"");
    if (!p->collectRegisters && p->ncollectMemory == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (i = 0; p->collectRegisters && p->collectRegisters[i]; i++)
        g_string_append_printf(buf, "%s  <%scollect register=\"%s\"/>\n",
                               indent, pfx, p->collectRegisters[i]);
    for (i = 0; i < p->ncollectMemory; i++)
        g_string_append_printf(buf, "%s  <%scollect addr=\"0x%llx\" "
                               "len=\"%u\"/>\n", indent, pfx,
                               p->collectMemory[i].addr,
                               p->collectMemory[i].len);
    g_string_append_printf(buf, "%s</%stracepoint>\n", indent, pfx);
}


/* libvirt's virDomainGetMetadata strips our namespace: put every
 * un-namespaced element of @root's tree back into it. */
static void
virDomainDebugInjectNamespace(xmlNodePtr root)
{
    xmlNsPtr ns = NULL;
    xmlNodePtr cur = root;

    if (root->type != XML_ELEMENT_NODE || root->ns ||
        !xmlStrEqual(root->name, BAD_CAST VIR_DOMAIN_DEBUG_ELEMENT))
        return;

    ns = xmlNewNs(root, BAD_CAST VIR_DOMAIN_DEBUG_NAMESPACE_URI, NULL);
    if (!ns) /* a default namespace is declared already: keep it */
        return;

    /* depth-first walk of the element tree */
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE && !cur->ns)
            xmlSetNs(cur, ns);

        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur != root && !cur->next)
            cur = cur->parent;
        if (cur == root)
            break;
        cur = cur->next;
    }
}


/* Validates and parses @doc, whose root is the element.  On a schema
 * failure the C parser's diagnosis is preferred: it names the attribute
 * and quotes its value. */
static virDomainDebugDef *
virDomainDebugDefParseDoc(xmlDocPtr doc,
                          GError **error)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    g_autoptr(GError) rngErr = NULL;
    g_autoptr(virDomainDebugDef) def = NULL;

    virDomainDebugInjectNamespace(root);

    if (virDomainDebugValidateDoc(doc, &rngErr) < 0) {
        g_autoptr(GError) parseErr = NULL;

        if (!(def = virDomainDebugDefParseRoot(root, &parseErr)))
            g_propagate_error(error, g_steal_pointer(&parseErr));
        else
            g_propagate_error(error, g_steal_pointer(&rngErr));
        return NULL;
    }

    return virDomainDebugDefParseRoot(root, error);
}


virDomainDebugDef *
virDomainDebugDefParseString(const char *xml,
                             GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;

    if (!(doc = virDebugXMLParseString(xml, "the <debug> element", 0, error)))
        return NULL;

    return virDomainDebugDefParseDoc(doc, error);
}


virDomainDebugDef *
virDomainDebugDefParseNode(xmlNodePtr node,
                           GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr copy;

    if (!node || node->type != XML_ELEMENT_NODE) {
        g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                            "no <debug> element given");
        return NULL;
    }

    /* Validate the element alone: copy it into a document of its own.
     * The copy carries the namespace declarations it uses. */
    doc = xmlNewDoc(BAD_CAST "1.0");
    if (!doc || !(copy = xmlDocCopyNode(node, doc, 1))) {
        g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                            "cannot copy the <debug> element");
        return NULL;
    }
    xmlDocSetRootElement(doc, copy);

    return virDomainDebugDefParseDoc(doc, error);
}


int
virDomainDebugDefValidateString(const char *xml,
                                GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;

    if (!(doc = virDebugXMLParseString(xml, "the <debug> element", 0, error)))
        return -1;

    virDomainDebugInjectNamespace(xmlDocGetRootElement(doc));

    return virDomainDebugValidateDoc(doc, error);
}


/* ------------------------------------------------------------------ */
/* Formatting                                                           */

/* Every attribute is written, defaults included, so that a formatted
 * element says everything about the configuration on its own.
 *
 * @prefix: element prefix ("debug") or NULL for none.
 * @declare: write a namespace declaration on the root (default namespace
 *           when @prefix is NULL).
 * @indent: columns of indentation of the root element's lines after the
 *          first (the first line is not indented). */
static char *
virDomainDebugDefFormatInternal(const virDomainDebugDef *def,
                                const char *prefix,
                                bool declare,
                                size_t indent)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autofree char *pfx = prefix ? g_strdup_printf("%s:", prefix)
                                  : g_strdup("");
    g_autofree char *in0 = g_strnfill(indent, ' ');
    g_autofree char *in1 = g_strnfill(indent + 2, ' ');
    size_t i;

    g_string_append_printf(buf, "<%s" VIR_DOMAIN_DEBUG_ELEMENT, pfx);
    if (declare) {
        if (prefix)
            g_string_append_printf(buf, " xmlns:%s=\"%s\"", prefix,
                                   VIR_DOMAIN_DEBUG_NAMESPACE_URI);
        else
            g_string_append(buf, " xmlns=\"" VIR_DOMAIN_DEBUG_NAMESPACE_URI
                                 "\"");
    }
    g_string_append_printf(buf, " allowed=\"%s\" writable=\"%s\">\n",
                           virDebugYesNoTypeToString(def->allowed),
                           virDebugYesNoTypeToString(def->writable));

    g_string_append_printf(buf, "%s<%sstep mask-irq=\"%s\" mask-timers=\"%s\"/>\n",
                           in1, pfx,
                           virDebugYesNoTypeToString(def->stepMaskIrq),
                           virDebugYesNoTypeToString(def->stepMaskTimers));
    g_string_append_printf(buf, "%s<%sboot stop=\"%s\"/>\n", in1, pfx,
                           virDebugYesNoTypeToString(def->bootStop));

    if (def->symbols) {
        g_autofree char *file = g_markup_escape_text(def->symbols, -1);

        g_string_append_printf(buf, "%s<%ssymbols file=\"%s\"/>\n",
                               in1, pfx, file);
    }

    for (i = 0; i < def->npoints; i++) {
        const virDomainDebugPointDef *p = &def->points[i];
        const char *kind = NULL;
        bool watch = false;

        switch (p->type) {
        case VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT:
            kind = virDomainDebugBreakpointKindTypeToString(
                VIR_DOMAIN_DEBUG_BREAKPOINT_SW);
            break;
        case VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT:
            kind = virDomainDebugBreakpointKindTypeToString(
                VIR_DOMAIN_DEBUG_BREAKPOINT_HW);
            break;
        case VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE:
            kind = virDomainDebugWatchAccessTypeToString(
                VIR_DOMAIN_DEBUG_WATCH_WRITE);
            watch = true;
            break;
        case VIR_DOMAIN_DEBUG_POINT_WATCH_READ:
            kind = virDomainDebugWatchAccessTypeToString(
                VIR_DOMAIN_DEBUG_WATCH_READ);
            watch = true;
            break;
        case VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS:
            kind = virDomainDebugWatchAccessTypeToString(
                VIR_DOMAIN_DEBUG_WATCH_ACCESS);
            watch = true;
            break;
        case VIR_DOMAIN_DEBUG_POINT_LAST:
        default:
            continue; /* not representable; virDomainDebugDefAddPoint
                       * never lets one in */
        }

        if (watch)
            g_string_append_printf(buf, "%s<%swatchpoint access=\"%s\" "
                                   "addr=\"0x%llx\" len=\"%llu\"",
                                   in1, pfx, kind, p->addr, p->len);
        else
            g_string_append_printf(buf, "%s<%s%s type=\"%s\" "
                                   "addr=\"0x%llx\"",
                                   in1, pfx,
                                   virDomainDebugPointDefElement(p),
                                   kind, p->addr);
        if (p->vcpu != VIR_DOMAIN_DEBUG_VCPU_ALL)
            g_string_append_printf(buf, " vcpu=\"%d\"", p->vcpu);
        virDomainDebugFormatPointExtras(buf, p, in1, pfx);
    }

    g_string_append_printf(buf, "%s</%s" VIR_DOMAIN_DEBUG_ELEMENT ">",
                           in0, pfx);

    return g_string_free(g_steal_pointer(&buf), FALSE);
}


char *
virDomainDebugDefFormat(const virDomainDebugDef *def)
{
    g_autofree char *xml = NULL;

    if (!def)
        return NULL;

    xml = virDomainDebugDefFormatInternal(def, NULL, true, 0);
    return g_strconcat(xml, "\n", NULL);
}


char *
virDomainDebugDefFormatMetadata(const virDomainDebugDef *def)
{
    g_autofree char *xml = NULL;

    if (!def)
        return NULL;

    xml = virDomainDebugDefFormatInternal(def, NULL, false, 0);
    return g_strconcat(xml, "\n", NULL);
}


/* ------------------------------------------------------------------ */
/* Full domain documents                                                */

static bool
virDebugNodeIsElement(xmlNodePtr node,
                      const char *name)
{
    return node->type == XML_ELEMENT_NODE && !node->ns &&
           xmlStrEqual(node->name, BAD_CAST name);
}


static xmlNodePtr
virDebugFindChild(xmlNodePtr parent,
                  const char *name)
{
    xmlNodePtr cur;

    for (cur = parent->children; cur; cur = cur->next) {
        if (virDebugNodeIsElement(cur, name))
            return cur;
    }
    return NULL;
}


static xmlDocPtr
virDomainDebugParseDomainDoc(const char *domainXML,
                             xmlNodePtr *domain,
                             GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr root;

    if (!(doc = virDebugXMLParseString(domainXML, "the domain XML", 0, error)))
        return NULL;

    root = xmlDocGetRootElement(doc);
    if (!virDebugNodeIsElement(root, "domain")) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "expected a domain XML document with root <domain>, "
                    "found <%s>", virDebugNodeName(root));
        return NULL;
    }

    *domain = root;
    return g_steal_pointer(&doc);
}


/* The <debug> element in <metadata>, by namespace URI; error when there
 * are several (libvirt keeps one element per namespace). */
static int
virDomainDebugFindInMetadata(xmlNodePtr metadata,
                             xmlNodePtr *found,
                             GError **error)
{
    xmlNodePtr cur;

    *found = NULL;
    if (!metadata)
        return 0;

    for (cur = metadata->children; cur; cur = cur->next) {
        if (!virDebugNodeIsOurs(cur))
            continue;
        if (*found) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "the domain's <metadata> holds more than one "
                        "element in namespace '%s'",
                        VIR_DOMAIN_DEBUG_NAMESPACE_URI);
            return -1;
        }
        *found = cur;
    }

    return 0;
}


int
virDomainDebugDefParseDomainXML(const char *domainXML,
                                virDomainDebugDef **def,
                                GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr domain = NULL;
    xmlNodePtr node = NULL;

    *def = NULL;

    if (!(doc = virDomainDebugParseDomainDoc(domainXML, &domain, error)))
        return -1;

    if (virDomainDebugFindInMetadata(virDebugFindChild(domain, "metadata"),
                                     &node, error) < 0)
        return -1;

    if (!node)
        return 0;

    if (!(*def = virDomainDebugDefParseNode(node, error)))
        return -1;

    return 1;
}


/* The whitespace text node right before @node, if any. */
static xmlNodePtr
virDebugPrevBlank(xmlNodePtr node)
{
    xmlNodePtr prev = node->prev;

    if (prev && prev->type == XML_TEXT_NODE && xmlIsBlankNode(prev))
        return prev;
    return NULL;
}


/* Columns of indentation of @node, read from the blank text before it. */
static size_t
virDebugNodeIndent(xmlNodePtr node,
                   size_t fallback)
{
    xmlNodePtr prev = virDebugPrevBlank(node);
    const char *text;
    const char *nl;

    if (!prev || !prev->content)
        return fallback;

    text = (const char *) prev->content;
    if (!(nl = strrchr(text, '\n')))
        return fallback;

    return strlen(nl + 1);
}


/* Unlinks and frees @node with the blank text before it, so that adding
 * and then removing an element gives back the original text. */
static void
virDebugRemoveNode(xmlNodePtr node)
{
    xmlNodePtr prev = virDebugPrevBlank(node);

    if (prev) {
        xmlUnlinkNode(prev);
        xmlFreeNode(prev);
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}


static bool
virDebugHasElementChildren(xmlNodePtr node)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE)
            return true;
    }
    return false;
}


static xmlNodePtr
virDebugNewIndent(xmlDocPtr doc,
                  size_t indent)
{
    g_autofree char *spaces = g_strnfill(indent, ' ');
    g_autofree char *text = g_strconcat("\n", spaces, NULL);

    return xmlNewDocText(doc, BAD_CAST text);
}


/* Inserts @node as the last element child of @parent, indented by
 * @indent, keeping the text before @parent's end tag where it was. */
static void
virDebugAppendIndented(xmlNodePtr parent,
                       xmlNodePtr node,
                       size_t indent,
                       size_t parentIndent)
{
    xmlNodePtr last = parent->last;
    xmlDocPtr doc = parent->doc;

    /* Node first, then its indentation before it: libxml2 merges adjacent
     * text nodes, so the other order would glue the indentation to the
     * text before the end tag. */
    if (last && last->type == XML_TEXT_NODE && xmlIsBlankNode(last)) {
        xmlAddPrevSibling(last, node);
        xmlAddPrevSibling(node, virDebugNewIndent(doc, indent));
        return;
    }

    xmlAddChild(parent, virDebugNewIndent(doc, indent));
    xmlAddChild(parent, node);
    xmlAddChild(parent, virDebugNewIndent(doc, parentIndent));
}


/* Creates <metadata> in @domain, where libvirt formats it: after the
 * last of <name>, <uuid>, <genid>, <title>, <description>. */
static xmlNodePtr
virDebugCreateMetadata(xmlNodePtr domain,
                       size_t indent,
                       size_t domainIndent)
{
    static const char * const before[] = {
        "name", "uuid", "genid", "title", "description", NULL
    };
    xmlNodePtr metadata = xmlNewDocNode(domain->doc, NULL,
                                        BAD_CAST "metadata", NULL);
    xmlNodePtr anchor = NULL;
    xmlNodePtr cur;

    for (cur = domain->children; cur; cur = cur->next) {
        size_t i;

        for (i = 0; before[i]; i++) {
            if (virDebugNodeIsElement(cur, before[i]))
                anchor = cur;
        }
    }

    if (anchor) {
        xmlAddNextSibling(anchor, metadata);
        xmlAddPrevSibling(metadata, virDebugNewIndent(domain->doc, indent));
    } else {
        virDebugAppendIndented(domain, metadata, indent, domainIndent);
    }

    return metadata;
}


char *
virDomainDebugDefUpdateDomainXML(const char *domainXML,
                                 const virDomainDebugDef *def,
                                 GError **error)
{
    g_auto(virDebugXMLCapture) cap = { 0 };
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlBuffer) out = NULL;
    xmlNodePtr domain = NULL;
    xmlNodePtr metadata;
    xmlSaveCtxtPtr save;
    size_t domainIndent;
    size_t metadataIndent;
    bool removed = false;

    if (!(doc = virDomainDebugParseDomainDoc(domainXML, &domain, error)))
        return NULL;

    metadata = virDebugFindChild(domain, "metadata");

    /* Remove every element of ours, as virDomainSetMetadata does. */
    if (metadata) {
        xmlNodePtr cur = metadata->children;

        while (cur) {
            xmlNodePtr next = cur->next;

            if (virDebugNodeIsOurs(cur)) {
                virDebugRemoveNode(cur);
                removed = true;
            }
            cur = next;
        }
    }

    domainIndent = virDebugNodeIndent(domain, 0);
    if (def) {
        g_autofree char *xml = NULL;
        g_autoptr(xmlDoc) frag = NULL;
        xmlNodePtr node;

        if (!metadata) {
            metadata = virDebugCreateMetadata(domain, domainIndent + 2,
                                              domainIndent);
        }
        metadataIndent = virDebugNodeIndent(metadata, domainIndent + 2);

        /* As libvirt stores it: every element under the "debug" prefix. */
        xml = virDomainDebugDefFormatInternal(def,
                                              VIR_DOMAIN_DEBUG_NAMESPACE_PREFIX,
                                              true, metadataIndent + 2);
        if (!(frag = virDebugXMLParseString(xml, "the <debug> element", 0,
                                            error)))
            return NULL;

        if (!(node = xmlDocCopyNode(xmlDocGetRootElement(frag), doc, 1))) {
            g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                                "cannot copy the <debug> element");
            return NULL;
        }
        virDebugAppendIndented(metadata, node, metadataIndent + 2,
                               metadataIndent);
    } else if (removed && !virDebugHasElementChildren(metadata)) {
        /* libvirt does not keep an empty <metadata> either */
        virDebugRemoveNode(metadata);
    }

    virDebugXMLCaptureBegin(&cap);
    out = xmlBufferCreate();
    if (!out ||
        !(save = xmlSaveToBuffer(out, "UTF-8", XML_SAVE_NO_DECL))) {
        g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                            "cannot allocate an XML output buffer");
        return NULL;
    }
    if (xmlSaveDoc(save, doc) < 0 || xmlSaveClose(save) < 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML,
                    "cannot format the domain XML: %s",
                    virDebugXMLCaptureMessage(&cap, "unknown error"));
        return NULL;
    }

    return g_strdup((const char *) xmlBufferContent(out));
}
