/*
 * virsh-debug-embed.h: waiting for libvirt's embedded driver to reconnect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdbool.h>
#include <libvirt/libvirt.h>

bool virshDebugEmbedURI(const char *uri);
void virshDebugEmbedSettle(virConnectPtr conn);
