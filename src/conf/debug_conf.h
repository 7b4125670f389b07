/*
 * debug_conf.h: the <debug> element of a domain's metadata
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element lives in the domain XML's <metadata> under the project's own
 * namespace, because libvirt keeps namespaced metadata verbatim and silently
 * drops unknown top-level elements.  This module knows nothing of QMP or of
 * libvirt connections: it only parses, validates and formats XML.
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "libvirt-debug/libvirt-debug.h"

#define VIR_DOMAIN_DEBUG_NAMESPACE_URI "http://libvirt-debug.org/schemas/domain/debug/1.0"
#define VIR_DOMAIN_DEBUG_NAMESPACE_PREFIX "debug"
#define VIR_DOMAIN_DEBUG_ELEMENT "debug"

/* vcpu value meaning "every vCPU" */
#define VIR_DOMAIN_DEBUG_VCPU_ALL -1

/* GError domain of everything in src/conf and src/qemu */
#define VIR_DEBUG_ERROR vir_debug_error_quark()
GQuark vir_debug_error_quark(void);

typedef enum {
    VIR_DEBUG_ERROR_XML,         /* malformed XML */
    VIR_DEBUG_ERROR_SCHEMA,      /* does not validate against debug.rng */
    VIR_DEBUG_ERROR_INVALID,     /* well formed, but a value is wrong */
    VIR_DEBUG_ERROR_UNSUPPORTED, /* valid, but the QEMU cannot do it */
    VIR_DEBUG_ERROR_JSON,        /* malformed QMP reply or event */
    VIR_DEBUG_ERROR_QMP,         /* QEMU answered with a QMP error */
    VIR_DEBUG_ERROR_NO_SLOTS,    /* hardware debug registers exhausted */
} virDebugErrorCode;

/* One debug point declared in the configuration.  The point types are the
 * public virDomainDebugPointType values. */
typedef struct _virDomainDebugMemRangeDef virDomainDebugMemRangeDef;
struct _virDomainDebugMemRangeDef {
    unsigned long long addr;
    unsigned int len;
};

/* Limits of what QEMU accepts (docs/qmp-debug.rst), checked here so that
 * a configuration that cannot be armed is refused when it is written. */
#define VIR_DOMAIN_DEBUG_CONDITION_MAX 1024      /* characters of text */
#define VIR_DOMAIN_DEBUG_BYTECODE_MAX 4096       /* bytes of bytecode */
#define VIR_DOMAIN_DEBUG_IGNORE_MAX 2147483647U
#define VIR_DOMAIN_DEBUG_TRACE_CAPACITY_MAX 65536
#define VIR_DOMAIN_DEBUG_COLLECT_MEMORY_MAX 16   /* ranges */
#define VIR_DOMAIN_DEBUG_COLLECT_LEN_MAX 4096    /* bytes per range */
#define VIR_DOMAIN_DEBUG_COLLECT_REGISTERS_MAX 64

/* One debug point declared in the configuration (or asked for through the
 * API: the same structure carries both).  The point types are the public
 * virDomainDebugPointType values.  The strings and arrays are owned:
 * virDomainDebugPointDefClear() frees them, virDomainDebugPointDefCopy()
 * duplicates them. */
typedef struct _virDomainDebugPointDef virDomainDebugPointDef;
struct _virDomainDebugPointDef {
    virDomainDebugPointType type;
    unsigned long long addr;
    unsigned long long len;   /* watchpoints only; 0 for breakpoints */
    int vcpu;                 /* VIR_DOMAIN_DEBUG_VCPU_ALL, or one vCPU */

    /* Evaluated by QEMU each time the point is reached: the readable
     * text (docs/conditions.rst; compiled by the library, with the
     * domain's symbols), or GDB agent-expression bytecode in hex.  With
     * both, the bytecode is evaluated and the text labels it (a caller
     * that compiled the text with symbols of its own). */
    char *condition;
    char *conditionBytecode;
    /* reached with a true condition this many times before it fires */
    unsigned int ignoreCount;

    /* A tracepoint (breakpoint types only): when it fires, QEMU records
     * the registers and memory below into the point's ring buffer of
     * traceCapacity records (0: QEMU's default) and the guest goes on. */
    bool trace;
    char **collectRegisters;  /* NULL-terminated, or NULL */
    size_t ncollectMemory;
    virDomainDebugMemRangeDef *collectMemory;
    unsigned int traceCapacity;
    bool notifyFull;          /* DEBUG_TRACE_FULL when the buffer fills */
};

void virDomainDebugPointDefClear(virDomainDebugPointDef *point);
void virDomainDebugPointDefCopy(virDomainDebugPointDef *dst,
                                const virDomainDebugPointDef *src);
bool virDomainDebugPointDefEqual(const virDomainDebugPointDef *a,
                                 const virDomainDebugPointDef *b);
/* Whether the point needs more of QEMU than plain points do (a
 * condition, an ignore count or a trace action) */
bool virDomainDebugPointDefIsAdvanced(const virDomainDebugPointDef *point);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virDomainDebugPointDef,
                                 virDomainDebugPointDefClear);

typedef struct _virDomainDebugDef virDomainDebugDef;
struct _virDomainDebugDef {
    /* Debugging this domain is allowed at all.  Tools refuse to attach to
     * a domain that says no unless forced.  Default: yes. */
    bool allowed;
    /* Registers and memory may be written (not only read).  An operator
     * pins "no" to allow inspection of a domain while forbidding changes.
     * Default: yes. */
    bool writable;
    /* Single-stepping masks interrupts / timers.  Default: both yes, as
     * QEMU's gdbstub does, so a step lands on the next instruction of the
     * code being debugged rather than in an interrupt handler. */
    bool stepMaskIrq;
    bool stepMaskTimers;
    /* A debug start stops the guest before its first instruction. */
    bool bootStop;
    /* Optional path of the guest kernel's symbol file (vmlinux), a hint
     * for the GDB bridge and the CLI.  NULL when absent. */
    char *symbols;

    size_t npoints;
    virDomainDebugPointDef *points;
};

virDomainDebugDef *virDomainDebugDefNew(void);
void virDomainDebugDefFree(virDomainDebugDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDebugDef, virDomainDebugDefFree);

/* Appends a copy of @point (validated: see virDomainDebugPointDefValidate) */
int virDomainDebugDefAddPoint(virDomainDebugDef *def,
                              const virDomainDebugPointDef *point,
                              GError **error);

/* Checks one point: watchpoint len a power of two <= 8 and addr aligned to
 * it, breakpoints carry no len, vcpu >= -1.  Errors quote the value. */
int virDomainDebugPointDefValidate(const virDomainDebugPointDef *point,
                                   GError **error);

/* String table helpers, libvirt VIR_ENUM style:
 *
 *   VIR_DEBUG_ENUM_DECL(virFoo);            (in a header)
 *   VIR_DEBUG_ENUM_IMPL(virFoo, VIR_FOO_LAST, "a", "b", ...);
 *
 * define virFooTypeToString(int) (NULL when out of range) and
 * virFooTypeFromString(const char *) (-1 when unknown).  The _STATIC
 * variant makes both functions static to one file. */
const char *virDebugEnumToString(const char * const *types,
                                 unsigned int ntypes,
                                 int type);
int virDebugEnumFromString(const char * const *types,
                           unsigned int ntypes,
                           const char *type);

#define VIR_DEBUG_ENUM_DECL(name) \
    const char *name ## TypeToString(int type); \
    int name ## TypeFromString(const char *type)

#define VIR_DEBUG_ENUM_IMPL_HELPER(scope, name, lastVal, ...) \
    static const char *const name ## TypeList[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name ## TypeList) == lastVal); \
    scope const char * \
    name ## TypeToString(int type) \
    { \
        return virDebugEnumToString(name ## TypeList, \
                                    G_N_ELEMENTS(name ## TypeList), \
                                    type); \
    } \
    scope int \
    name ## TypeFromString(const char *type) \
    { \
        return virDebugEnumFromString(name ## TypeList, \
                                      G_N_ELEMENTS(name ## TypeList), \
                                      type); \
    }

#define VIR_DEBUG_ENUM_IMPL(name, lastVal, ...) \
    VIR_DEBUG_ENUM_IMPL_HELPER(, name, lastVal, __VA_ARGS__)
#define VIR_DEBUG_ENUM_IMPL_STATIC(name, lastVal, ...) \
    VIR_DEBUG_ENUM_IMPL_HELPER(static, name, lastVal, __VA_ARGS__)

/* String tables (libvirt VIR_ENUM style).  The point type strings are the
 * wire names shared with QMP: "sw-breakpoint", "hw-breakpoint",
 * "watchpoint-write", "watchpoint-read", "watchpoint-access". */
const char *virDomainDebugPointTypeToString(int type);
int virDomainDebugPointTypeFromString(const char *str);

/* Parse the <debug> element alone (a document whose root is it).  The
 * document is validated against debug.rng first.  The element is found by
 * namespace URI, whatever the prefix; a root <debug> in no namespace (what
 * virDomainGetMetadata returns: libvirt strips the namespace) is taken to
 * be in ours, with every un-namespaced element below it.  Error codes:
 * VIR_DEBUG_ERROR_XML (not well formed), _SCHEMA (not the grammar of
 * debug.rng), _INVALID (grammatical but wrong: alignment, range,
 * duplicate points).  Messages quote the attribute and its value. */
virDomainDebugDef *virDomainDebugDefParseString(const char *xml,
                                                GError **error);
/* Parse an element node already found in a larger document. */
virDomainDebugDef *virDomainDebugDefParseNode(xmlNodePtr node,
                                              GError **error);

/* Format as a standalone element carrying its namespace declaration (a
 * default namespace).  Every attribute is written, defaults included.
 * Round-trips with ...ParseString.  For virDomainSetMetadata prefer
 * virDomainDebugDefFormatMetadata below. */
char *virDomainDebugDefFormat(const virDomainDebugDef *def);

/* Validate an element (standalone document) against debug.rng. */
int virDomainDebugDefValidateString(const char *xml, GError **error);

/* The element without any namespace, which is what virDomainSetMetadata
 * wants together with uri=VIR_DOMAIN_DEBUG_NAMESPACE_URI and
 * key=VIR_DOMAIN_DEBUG_NAMESPACE_PREFIX: libvirt then puts every element
 * in the namespace under the "debug" prefix.  (Passing the output of
 * virDomainDebugDefFormat works too, but libvirt then keeps both the
 * default and the prefixed declaration.)  virDomainGetMetadata returns
 * this un-namespaced form, and virDomainDebugDefParseString accepts it. */
char *virDomainDebugDefFormatMetadata(const virDomainDebugDef *def);

/* Deep copy and equality, for callers and tests. */
virDomainDebugDef *virDomainDebugDefCopy(const virDomainDebugDef *def);
bool virDomainDebugDefEqual(const virDomainDebugDef *a,
                            const virDomainDebugDef *b);

/* Where debug.rng is read from: $LIBVIRT_DEBUG_SCHEMA_DIR, else the
 * installed schema directory, else the source tree's.  Never NULL. */
char *virDomainDebugSchemaPath(void);

/* Full domain XML documents, as virDomainGetXMLDesc returns them.
 * Returns 1 and sets *def when the element is present, 0 and sets *def to
 * NULL when it is absent, -1 on error. */
int virDomainDebugDefParseDomainXML(const char *domainXML,
                                    virDomainDebugDef **def,
                                    GError **error);
/* Returns a copy of @domainXML with the element replaced by @def (added
 * under <metadata>, created if needed), or removed when @def is NULL. */
char *virDomainDebugDefUpdateDomainXML(const char *domainXML,
                                       const virDomainDebugDef *def,
                                       GError **error);
