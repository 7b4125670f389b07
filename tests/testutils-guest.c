/*
 * testutils-guest.c: symbols of the test guest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <elf.h>
#include <string.h>

#include "testutils-guest.h"

const char *
testGuestPath(void)
{
    const char *path = g_getenv("LIBVIRT_DEBUG_GUEST");

    if (!path || !*path)
        g_error("LIBVIRT_DEBUG_GUEST is not set: run the tests through "
                "'meson test', which builds tests/guest/guest.elf");
    return path;
}

typedef struct {
    const guint8 *data;
    gsize len;
    gboolean is64;
    gboolean lsb;       /* little-endian file */
} testElf;

static guint64
elfRead(const testElf *elf, gsize off, unsigned int width)
{
    guint64 v = 0;
    unsigned int i;

    /* most significant byte first, in the file's byte order */
    for (i = 0; i < width; i++) {
        unsigned int byte = elf->lsb ? width - 1 - i : i;
        v = (v << 8) | elf->data[off + byte];
    }
    return v;
}

#define FIELD(st, member) offsetof(st, member), sizeof(((st *) 0)->member)

static gboolean
elfInRange(const testElf *elf, guint64 off, guint64 len)
{
    return off <= elf->len && len <= elf->len - off;
}

gboolean
testGuestLookupSymbol(const char *path, const char *name,
                      guint64 *addr, guint64 *size, GError **error)
{
    g_autofree char *contents = NULL;
    testElf elf = { 0 };
    guint64 shoff, shentsize, shnum, i;
    gsize len;

    if (!g_file_get_contents(path, &contents, &len, error))
        return FALSE;
    elf.data = (const guint8 *) contents;
    elf.len = len;

    if (len < EI_NIDENT || memcmp(elf.data, ELFMAG, SELFMAG) != 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s is not an ELF file", path);
        return FALSE;
    }
    elf.is64 = elf.data[EI_CLASS] == ELFCLASS64;
    elf.lsb = elf.data[EI_DATA] == ELFDATA2LSB;
    if (!elfInRange(&elf, 0, elf.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: truncated ELF header", path);
        return FALSE;
    }

    if (elf.is64) {
        shoff = elfRead(&elf, FIELD(Elf64_Ehdr, e_shoff));
        shentsize = elfRead(&elf, FIELD(Elf64_Ehdr, e_shentsize));
        shnum = elfRead(&elf, FIELD(Elf64_Ehdr, e_shnum));
    } else {
        shoff = elfRead(&elf, FIELD(Elf32_Ehdr, e_shoff));
        shentsize = elfRead(&elf, FIELD(Elf32_Ehdr, e_shentsize));
        shnum = elfRead(&elf, FIELD(Elf32_Ehdr, e_shnum));
    }

    for (i = 0; i < shnum; i++) {
        guint64 sh = shoff + i * shentsize;
        guint64 type, off, symsize, entsize, link, strsh, stroff, strsize, j;

        if (!elfInRange(&elf, sh, shentsize))
            break;
        if (elf.is64) {
            type = elfRead(&elf, sh + FIELD(Elf64_Shdr, sh_type));
            off = elfRead(&elf, sh + FIELD(Elf64_Shdr, sh_offset));
            symsize = elfRead(&elf, sh + FIELD(Elf64_Shdr, sh_size));
            entsize = elfRead(&elf, sh + FIELD(Elf64_Shdr, sh_entsize));
            link = elfRead(&elf, sh + FIELD(Elf64_Shdr, sh_link));
        } else {
            type = elfRead(&elf, sh + FIELD(Elf32_Shdr, sh_type));
            off = elfRead(&elf, sh + FIELD(Elf32_Shdr, sh_offset));
            symsize = elfRead(&elf, sh + FIELD(Elf32_Shdr, sh_size));
            entsize = elfRead(&elf, sh + FIELD(Elf32_Shdr, sh_entsize));
            link = elfRead(&elf, sh + FIELD(Elf32_Shdr, sh_link));
        }
        if (type != SHT_SYMTAB || entsize == 0 || link >= shnum)
            continue;

        strsh = shoff + link * shentsize;
        if (!elfInRange(&elf, strsh, shentsize))
            continue;
        if (elf.is64) {
            stroff = elfRead(&elf, strsh + FIELD(Elf64_Shdr, sh_offset));
            strsize = elfRead(&elf, strsh + FIELD(Elf64_Shdr, sh_size));
        } else {
            stroff = elfRead(&elf, strsh + FIELD(Elf32_Shdr, sh_offset));
            strsize = elfRead(&elf, strsh + FIELD(Elf32_Shdr, sh_size));
        }
        if (!elfInRange(&elf, stroff, strsize) ||
            !elfInRange(&elf, off, symsize))
            continue;

        for (j = 0; j + entsize <= symsize; j += entsize) {
            guint64 sym = off + j, nameoff, value, ssize;
            const char *symname;

            if (elf.is64) {
                nameoff = elfRead(&elf, sym + FIELD(Elf64_Sym, st_name));
                value = elfRead(&elf, sym + FIELD(Elf64_Sym, st_value));
                ssize = elfRead(&elf, sym + FIELD(Elf64_Sym, st_size));
            } else {
                nameoff = elfRead(&elf, sym + FIELD(Elf32_Sym, st_name));
                value = elfRead(&elf, sym + FIELD(Elf32_Sym, st_value));
                ssize = elfRead(&elf, sym + FIELD(Elf32_Sym, st_size));
            }
            if (nameoff >= strsize)
                continue;
            symname = (const char *) elf.data + stroff + nameoff;
            if (strnlen(symname, strsize - nameoff) == strsize - nameoff)
                continue;
            if (strcmp(symname, name) == 0) {
                if (addr)
                    *addr = value;
                if (size)
                    *size = ssize;
                return TRUE;
            }
        }
    }

    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "%s has no symbol '%s'", path, name);
    return FALSE;
}

guint64
testGuestSymbol(const char *name)
{
    static GHashTable *cache;
    static GMutex lock;
    g_autoptr(GError) error = NULL;
    gpointer cached;
    guint64 addr = 0;

    g_mutex_lock(&lock);
    if (!cache)
        cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    cached = g_hash_table_lookup(cache, name);
    if (cached) {
        addr = *(guint64 *) cached;
        g_mutex_unlock(&lock);
        return addr;
    }
    if (!testGuestLookupSymbol(testGuestPath(), name, &addr, NULL, &error))
        g_error("test guest symbol: %s", error->message);
    g_hash_table_insert(cache, g_strdup(name), g_memdup2(&addr, sizeof(addr)));
    g_mutex_unlock(&lock);
    return addr;
}

guint64
testGuestKernelMap(void)
{
    /* read from the ELF once: tests ask for it per address; +1 so that
     * the 32-bit guest's 0 is a cached value too */
    static gsize cached;

    if (g_once_init_enter(&cached)) {
        guint64 base = 0;

        /* only the higher-half guest has it (tests/guest/guest64.ld) */
        if (!testGuestLookupSymbol(testGuestPath(), "__START_KERNEL_map",
                                   &base, NULL, NULL))
            base = 0;
        g_once_init_leave(&cached, (gsize) base + 1);
    }
    return (guint64) cached - 1;
}

gboolean
testGuestIsHigherHalf(void)
{
    return testGuestKernelMap() != 0;
}

guint64
testGuestPhysical(const char *name)
{
    return testGuestSymbol(name) - testGuestKernelMap();
}
