/*
 * gdb_fake_target.h: an in-memory debug target for the protocol unit
 * tests (never used by the end-to-end tests, which run the real stack)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdb/gdb_session.h"

#define FAKE_MEM_BASE 0x1000
#define FAKE_MEM_SIZE 0x1000
#define FAKE_NVCPUS 2
#define FAKE_NREGS 5

typedef struct {
    int id;
    virDomainDebugPointType type;
    unsigned long long addr;
    unsigned long long len;
    char *condition;                /* hex bytecode, or NULL */
} fakePoint;

typedef struct {
    gdbRspSession *session;
    bool syncSteps;                 /* stepSync answers (else: 0, step) */
    int getRegistersCalls;
    guint8 mem[FAKE_MEM_SIZE];
    char *regs[FAKE_NVCPUS][FAKE_NREGS];
    GArray *points;                 /* fakePoint */
    int nextId;
    int hwBreakLimit;
    int watchLimit;
    bool running;
    bool stopOnCont;                /* cont posts contStop at once */
    bool stopSilentlyOnCont;        /* cont stops with no event at all */
    bool exitOnCont;                /* cont: the domain ends, exitSignal */
    bool exitOnRead;                /* a memory read: the same, stopped */
    int exitSignal;
    virDomainDebugStopInfo contStop;
    int detaches;
    int setRegisterCalls;
    int lastStepVcpu;
    char **lastStepNames;           /* the registers stepSync asked for */
    unsigned int features;          /* GDB_RSP_TARGET_* it claims */
    char *pointsAtDetach;           /* "ID@ADDR[:COND] ..." at the detach */
    const char *execFile;           /* the session's symbol file, or NULL */
    unsigned long long lastRangeStart;  /* of the last step (0, 0: none) */
    unsigned long long lastRangeEnd;
    int errCode;
    char *errMsg;
} fakeTarget;

/* With syncSteps, stepSync answers a step with its stop and the
 * registers, plus rip (GDB number 16) = 0x1000 + the vCPU */
extern const gdbRspTargetOps fakeTargetOps;

fakeTarget *fakeTargetNew(void);
void fakeTargetFree(fakeTarget *fake);
int fakeTargetCountPoints(fakeTarget *fake, virDomainDebugPointType type);
