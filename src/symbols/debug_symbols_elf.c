/*
 * debug_symbols_elf.c: symbols and section contents of an ELF file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Read with elfutils' libelf, which handles both classes and byte orders
 * and the extended section numbering large vmlinux files use.
 */

#include <gelf.h>
#include <string.h>

#include "symbols/debug_symbols.h"

static gsize virDebugSymbolsElfInitOnce;

/* Symbols a person means by a name: defined functions, objects and
 * labels.  Not file or section symbols, not absolute values (kernel
 * build constants), not ARM mapping symbols ($x, $d) or assembler locals. */
static bool
virDebugSymbolsElfWanted(const GElf_Sym *sym, const char *name)
{
    int type = GELF_ST_TYPE(sym->st_info);

    if (!name || !*name || name[0] == '$' || g_str_has_prefix(name, ".L"))
        return false;
    if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
        sym->st_shndx == SHN_COMMON)
        return false;
    return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}


static int
virDebugSymbolsElfReadTable(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr,
                            GArray *symbols)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t n;
    size_t i;

    if (!data || shdr->sh_entsize == 0)
        return -1;
    n = shdr->sh_size / shdr->sh_entsize;
    for (i = 0; i < n; i++) {
        GElf_Sym sym;
        GElf_Shdr symShdr;
        Elf_Scn *symScn;
        const char *name;
        virDebugSymbol s = { 0 };

        if (!gelf_getsym(data, i, &sym))
            continue;
        name = elf_strptr(elf, shdr->sh_link, sym.st_name);
        if (!virDebugSymbolsElfWanted(&sym, name))
            continue;
        s.name = g_strdup(name);
        s.addr = sym.st_value;
        s.size = sym.st_size;
        s.global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
        if ((symScn = elf_getscn(elf, sym.st_shndx)) &&
            gelf_getshdr(symScn, &symShdr))
            s.code = (symShdr.sh_flags & SHF_EXECINSTR) != 0;
        g_array_append_val(symbols, s);
    }
    return 0;
}


int
virDebugSymbolsReadElf(int fd, const char *path, GArray *symbols,
                       GArray *sections, GError **error)
{
    g_autoptr(GArray) dynamic = NULL;
    Elf *elf;
    Elf_Scn *scn = NULL;
    bool haveSymtab = false;
    bool haveDynsym = false;
    int ret = -2;

    if (g_once_init_enter(&virDebugSymbolsElfInitOnce)) {
        elf_version(EV_CURRENT);
        g_once_init_leave(&virDebugSymbolsElfInitOnce, 1);
    }

    if (!(elf = elf_begin(fd, ELF_C_READ_MMAP, NULL))) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_IO,
                    "cannot read '%s': %s", path, elf_errmsg(-1));
        return -2;
    }
    if (elf_kind(elf) != ELF_K_ELF) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT,
                    "'%s' is not an ELF file", path);
        ret = -1;
        goto cleanup;
    }

    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr shdr;

        if (!gelf_getshdr(scn, &shdr))
            continue;
        if (shdr.sh_type == SHT_SYMTAB) {
            if (virDebugSymbolsElfReadTable(elf, scn, &shdr, symbols) == 0)
                haveSymtab = true;
        } else if (shdr.sh_type == SHT_DYNSYM && !haveDynsym) {
            /* only if there is no full table: it is a subset of it */
            dynamic = g_array_new(FALSE, TRUE, sizeof(virDebugSymbol));
            if (virDebugSymbolsElfReadTable(elf, scn, &shdr, dynamic) == 0)
                haveDynsym = true;
        }
        /* the bytes of what the guest loads, to compare with the guest's */
        if ((shdr.sh_flags & SHF_ALLOC) && shdr.sh_type == SHT_PROGBITS &&
            shdr.sh_size > 0) {
            virDebugSymbolsSection sec = {
                .addr = shdr.sh_addr, .size = shdr.sh_size, .offset = shdr.sh_offset,
            };
            g_array_append_val(sections, sec);
        }
    }

    if (!haveSymtab && haveDynsym) {
        g_array_append_vals(symbols, dynamic->data, dynamic->len);
        /* the names moved to @symbols */
        g_array_set_size(dynamic, 0);
    }
    if (dynamic) {
        guint i;

        for (i = 0; i < dynamic->len; i++)
            g_free(g_array_index(dynamic, virDebugSymbol, i).name);
    }
    if (!haveSymtab && !haveDynsym) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT,
                    "'%s' is an ELF file without a symbol table (stripped?): use "
                    "the unstripped file (e.g. vmlinux, not vmlinuz) or its System.map",
                    path);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    elf_end(elf);
    return ret;
}
