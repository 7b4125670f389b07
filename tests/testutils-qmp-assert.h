/*
 * testutils-qmp-assert.h: asserting QMP calls for the QMP-level tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What tests/qmp's programs share on top of testutils-qmp.h: commands
 * that must succeed or fail (on the QMP monitor or a debug channel
 * alike), DEBUG_STOP waits, the run state, the point list, and the test
 * guest under TCG.  Each failure aborts the test with what went wrong.
 */

#pragma once

#include "testutils-qmp.h"

/* How long a DEBUG_STOP may take, and how long "no stop" is watched */
#define TEST_QMP_STOP_TIMEOUT_MS 10000
#define TEST_QMP_QUIET_MS 300

/* @fmt (printf-style, may be NULL) makes the arguments object. */
JsonNode *testQmpOk(testQmp *q, const char *cmd, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void testQmpDo(testQmp *q, const char *cmd, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Asserts a QMP error whose text contains @expect */
void testQmpErr(testQmp *q, const char *expect, const char *cmd,
                const char *fmt, ...) G_GNUC_PRINTF(4, 5);

JsonObject *testQmpWaitStop(testQmp *q);
void testQmpAssertNoStop(testQmp *q);
guint64 testQmpStopPc(JsonObject *ev);

char *testQmpRunState(testQmp *q);
void testQmpAssertRunState(testQmp *q, const char *want);

/* The points listed, as "ID:CLIENT" ("-" for none), space-separated */
char *testQmpPointOwners(testQmp *q);

/* The test guest under TCG, running its loop */
testQemu *testQemuStartGuest(void);
