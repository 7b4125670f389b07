/*
 * test-kvm-qmp.c: the QMP debug API on a real KVM (run inside the KVM
 * lane, tests/kvm/lane-x86.sh, with LIBVIRT_DEBUG_ACCEL=kvm)
 *
 * What only KVM shows: QEMU really runs on KVM and the guest runs,
 * the hardware slot counts come from the KVM code, and a software
 * breakpoint (an int3 in guest memory) is invisible to a memory read.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils-guest.h"
#include "testutils-qmp.h"
#include "testutils-qmp-assert.h"

static guint8
readByte(testQemu *qemu, guint64 addr)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-memory",
                                        "{\"addr\": %" G_GUINT64_FORMAT
                                        ", \"size\": 1}", addr);
    g_autofree guchar *p = NULL;
    gsize len;

    p = g_base64_decode(json_object_get_string_member(
                            json_node_get_object(ret), "data"), &len);
    g_assert_cmpuint(len, ==, 1);
    return p[0];
}

static guint32
readU32(testQemu *qemu, const char *sym)
{
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "debug-read-memory",
                                        "{\"addr\": %" G_GUINT64_FORMAT
                                        ", \"size\": 4}",
                                        testGuestSymbol(sym));
    g_autofree guchar *p = NULL;
    gsize len;

    p = g_base64_decode(json_object_get_string_member(
                            json_node_get_object(ret), "data"), &len);
    g_assert_cmpuint(len, ==, 4);
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

/* QEMU is on KVM, and the guest runs there (its tick count advances) */
static void
testGuestRuns(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonNode) kvm = testQmpOk(qemu->qmp, "query-kvm", NULL);
    guint32 t0, t1;

    g_assert_true(json_object_get_boolean_member(json_node_get_object(kvm),
                                                 "enabled"));
    t0 = readU32(qemu, "guest_tick_count");
    g_usleep(500 * 1000);
    t1 = readU32(qemu, "guest_tick_count");
    g_test_message("guest_tick_count %u -> %u in 0.5 s", t0, t1);
    g_assert_cmpuint(t1, >, t0);
}

/* x86 KVM in QEMU 7.2: 4 debug registers shared by breakpoints and
 * watchpoints (kvm_arch_insert_hw_breakpoint: nb_hw_breakpoint == 4),
 * no read-only watchpoint */
static void
testCapabilities(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonNode) ret = testQmpOk(qemu->qmp, "query-debug-capabilities",
                                        NULL);
    JsonObject *caps = json_node_get_object(ret);

    g_test_message("accelerator %s, hw-breakpoints %" G_GINT64_FORMAT
                   ", hw-watchpoints %" G_GINT64_FORMAT ", shared %d",
                   json_object_get_string_member(caps, "accelerator"),
                   json_object_get_int_member(caps, "hw-breakpoints"),
                   json_object_get_int_member(caps, "hw-watchpoints"),
                   json_object_get_boolean_member(caps, "hw-slots-shared"));
    g_assert_cmpstr(json_object_get_string_member(caps, "accelerator"), ==,
                    "KVM");
    g_assert_true(json_object_get_boolean_member(caps, "supported"));
    g_assert_cmpint(json_object_get_int_member(caps, "hw-breakpoints"), ==, 4);
    g_assert_cmpint(json_object_get_int_member(caps, "hw-watchpoints"), ==, 4);
    g_assert_true(json_object_get_boolean_member(caps, "hw-slots-shared"));
}

/* a software breakpoint fires, and memory reads show the guest's byte
 * at it, never the int3; removing it leaves the byte in place */
static void
testSwBreakpointBytes(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(JsonObject) ev = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    guint8 before = readByte(qemu, tick);
    g_autoptr(JsonNode) ins = NULL;

    g_assert_cmphex(before, !=, 0xcc);
    ins = testQmpOk(qemu->qmp, "debug-insert",
                    "{\"type\": \"sw-breakpoint\", \"addr\": %"
                    G_GUINT64_FORMAT "}", tick);
    ev = testQmpWaitStop(qemu->qmp);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "sw-breakpoint");
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmphex(readByte(qemu, tick), ==, before);
    testQmpDo(qemu->qmp, "debug-remove-all", NULL);
    g_assert_cmphex(readByte(qemu, tick), ==, before);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/guest-runs", testGuestRuns);
    g_test_add_func("/kvm/capabilities", testCapabilities);
    g_test_add_func("/kvm/breakpoint/sw-bytes", testSwBreakpointBytes);
    return g_test_run();
}
