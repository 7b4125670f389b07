/*
 * testutils-guest.h: symbols of the test guest (tests/guest/guest.elf)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests never hard-code guest addresses: they look them up in the guest
 * ELF's symbol table.  $LIBVIRT_DEBUG_GUEST is one of two guests with the
 * same symbols and behaviour (tests/guest/guest.c): the 32-bit guest,
 * linked and identity-mapped at 1 MiB (a symbol's value is its virtual
 * and its physical address), or the 64-bit guest linked in the higher
 * half as Linux is (virtual = physical + __START_KERNEL_map).
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

/* The base of the higher-half guest's mapping of its image
 * (__START_KERNEL_map, 0xffffffff80000000), or 0 for the identity-mapped
 * 32-bit guest. */
guint64 testGuestKernelMap(void);

/* TRUE when the test guest is the higher-half one */
gboolean testGuestIsHigherHalf(void);

/* The guest-physical address of symbol @name, for either guest */
guint64 testGuestPhysical(const char *name);
