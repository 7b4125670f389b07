/*
 * debug_symbols.h: a guest's symbol table, read from an ELF or a System.map
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure: reads a file on the machine running the debugger and answers
 * "where is SYMBOL" and "what is at ADDRESS"; it knows nothing of libvirt
 * or QMP.  The public virDomainDebugSymbols*() API (libvirt-debug-symbols.c)
 * and the GDB bridge are built on it.
 *
 * Addresses in the table are the file's (link-time) addresses; a
 * relocation offset (a KASLR slide) set on the table is added to every
 * address handed out and subtracted from every address looked up.
 */

#pragma once

#include <stdbool.h>
#include <glib.h>

#define VIR_DEBUG_SYMBOLS_ERROR vir_debug_symbols_error_quark()
GQuark vir_debug_symbols_error_quark(void);

typedef enum {
    VIR_DEBUG_SYMBOLS_ERROR_IO,        /* the file cannot be read */
    VIR_DEBUG_SYMBOLS_ERROR_FORMAT,    /* neither ELF with symbols nor System.map */
    VIR_DEBUG_SYMBOLS_ERROR_NO_SYMBOL, /* no such symbol */
    VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,    /* an address expression is malformed */
    VIR_DEBUG_SYMBOLS_ERROR_RANGE,     /* an address overflows 64 bits */
    VIR_DEBUG_SYMBOLS_ERROR_NEED_SYMBOLS, /* a symbol, but no table */
    VIR_DEBUG_SYMBOLS_ERROR_NO_BYTES,  /* the file has no bytes there */
} virDebugSymbolsErrorCode;

typedef enum {
    VIR_DEBUG_SYMBOLS_FORMAT_ELF,
    VIR_DEBUG_SYMBOLS_FORMAT_SYSTEM_MAP,
} virDebugSymbolsFormat;

typedef struct {
    char *name;
    guint64 addr;     /* link-time address */
    guint64 size;     /* 0: unknown (System.map, labels) */
    bool global;
    bool code;        /* in an executable section / text type */
} virDebugSymbol;

typedef struct _virDebugSymbolTable virDebugSymbolTable;

/* debug_symbols.c */
virDebugSymbolTable *virDebugSymbolTableLoad(const char *path, GError **error);
void virDebugSymbolTableFree(virDebugSymbolTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDebugSymbolTable, virDebugSymbolTableFree);

const char *virDebugSymbolTablePath(const virDebugSymbolTable *table);
virDebugSymbolsFormat virDebugSymbolTableGetFormat(const virDebugSymbolTable *table);
size_t virDebugSymbolTableCount(const virDebugSymbolTable *table);
void virDebugSymbolTableSetOffset(virDebugSymbolTable *table, gint64 offset);
gint64 virDebugSymbolTableGetOffset(const virDebugSymbolTable *table);

/* The symbol named @name (a global one if several share the name), or
 * NULL.  Its addr is the file's: add the offset for the guest's. */
const virDebugSymbol *virDebugSymbolTableFind(const virDebugSymbolTable *table,
                                              const char *name);

/* The symbol covering guest address @addr and @addr's offset into it, or
 * NULL when no symbol covers it. */
const virDebugSymbol *virDebugSymbolTableName(const virDebugSymbolTable *table,
                                              guint64 addr, guint64 *offset);

/* Up to @max code symbols of at least @minSize bytes whose contents the
 * file holds (ELF only), lowest address first: the reference points to
 * check the table against a guest's memory.  Returns how many. */
size_t virDebugSymbolTableCodeSamples(const virDebugSymbolTable *table,
                                      const virDebugSymbol **samples,
                                      size_t max, guint64 minSize);

/* "name" or "name+0x1c" for guest address @addr, or NULL */
char *virDebugSymbolTableFormat(const virDebugSymbolTable *table, guint64 addr);

/* Reads @len bytes the file holds for guest address @addr (ELF only: the
 * contents of its loadable sections).  FALSE with @error set otherwise. */
gboolean virDebugSymbolTableReadBytes(const virDebugSymbolTable *table,
                                      guint64 addr, guint8 *buf, gsize len,
                                      GError **error);

/* Parses an address expression: SYMBOL, SYMBOL+OFFSET, 0xHEX or
 * 0dDECIMAL (OFFSET: 0xHEX, 0dDECIMAL or a single digit).  A bare number
 * of two digits or more is refused: it reads differently in hex and
 * decimal.  @table may be NULL: then a symbol fails with
 * VIR_DEBUG_SYMBOLS_ERROR_NEED_SYMBOLS. */
gboolean virDebugSymbolsParseAddress(const virDebugSymbolTable *table,
                                     const char *expr, guint64 *addr,
                                     GError **error);

/* Parses a number spelled as an address offset is (see above). */
gboolean virDebugSymbolsParseNumber(const char *str, guint64 *value,
                                    GError **error);

/* debug_symbols_elf.c / debug_symbols_map.c: the readers.  Each appends
 * to @symbols (virDebugSymbol, owning the names).  The ELF reader returns
 * -1 with @error set for a file that is not ELF at all, so the caller can
 * try the next format, and -2 for a broken or symbol-less ELF. */
typedef struct {
    guint64 addr;
    guint64 size;
    guint64 offset;   /* in the file */
} virDebugSymbolsSection;

int virDebugSymbolsReadElf(int fd, const char *path, GArray *symbols,
                           GArray *sections, GError **error);
int virDebugSymbolsReadMap(const char *path, const char *contents, gsize len,
                           GArray *symbols, GError **error);
