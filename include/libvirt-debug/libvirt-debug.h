/*
 * libvirt-debug.h: managed guest debugging over a libvirt connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libvirt/libvirt.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * virDomainDebugPointType:
 *
 * The kinds of debug point.  Hardware breakpoints and watchpoints draw on
 * the accelerator's debug registers where it has a limit (KVM); TCG
 * emulates any number.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT = 0,
    VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT = 1,
    VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE = 2,
    VIR_DOMAIN_DEBUG_POINT_WATCH_READ = 3,
    VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS = 4,

    VIR_DOMAIN_DEBUG_POINT_LAST
} virDomainDebugPointType;

/**
 * virDomainDebugStopReason:
 *
 * Why a vCPU stopped for the debugger.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_STOP_SW_BREAKPOINT = 0,
    VIR_DOMAIN_DEBUG_STOP_HW_BREAKPOINT = 1,
    VIR_DOMAIN_DEBUG_STOP_WATCH_WRITE = 2,
    VIR_DOMAIN_DEBUG_STOP_WATCH_READ = 3,
    VIR_DOMAIN_DEBUG_STOP_WATCH_ACCESS = 4,
    VIR_DOMAIN_DEBUG_STOP_STEP = 5,
    VIR_DOMAIN_DEBUG_STOP_INTERRUPT = 6, /* stopped on request */

    VIR_DOMAIN_DEBUG_STOP_LAST
} virDomainDebugStopReason;

#ifdef __cplusplus
}
#endif
