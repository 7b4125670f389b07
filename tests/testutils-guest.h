/*
 * testutils-guest.h: symbols of the test guest (tests/guest/guest.elf)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests never hard-code guest addresses: they look them up in the guest
 * ELF's symbol table.  The guest is linked with virtual == physical
 * addresses and runs without paging, so a symbol's value is both.
 * See tests/guest/guest.c for the symbols and what the guest does.
 */

#pragma once

#include <glib.h>

/* The built test guest: $LIBVIRT_DEBUG_GUEST (meson's test_env sets it).
 * Aborts the test with a clear message if it is unset. */
const char *testGuestPath(void);

/* Look up symbol @name in the ELF file @path (ELF32 or ELF64, either
 * byte order).  On success stores its value in @addr and its size (0 if
 * the symbol has none) in @size (either may be NULL).  Returns FALSE with
 * @error set if the file cannot be read, is not ELF, has no symbol table
 * or no such symbol. */
gboolean testGuestLookupSymbol(const char *path, const char *name,
                               guint64 *addr, guint64 *size,
                               GError **error);

/* The address of symbol @name in the test guest; aborts the test with a
 * message naming the symbol and the file if it is missing.  Results are
 * cached. */
guint64 testGuestSymbol(const char *name);
