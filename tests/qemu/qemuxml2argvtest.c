/*
 * qemuxml2argvtest.c: <debug> definitions translated into QMP, per
 * capability set
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case, tests/qemuxml2argvdata/NAME.xml (a full domain XML) is
 * translated with the canned query-debug-capabilities reply
 * caps/CAPS.json; the command sequence must equal NAME.CAPS.qmp (one
 * command per line), or, for an expected failure, the error message must
 * equal NAME.CAPS.err.  VIR_TEST_REGENERATE_OUTPUT=1 rewrites the
 * expected files instead of comparing, as in libvirt.
 *
 * Addresses above 0x7fffffffffffffff appear as negative numbers in the
 * .qmp files (0xffffffff81000000 is -2130706432): json-glib has no
 * unsigned integers, and QEMU's 'uint64' arguments take the two's
 * complement (checked against QEMU 7.2; see qemu_debug.h).
 *
 * There is no argv side: a debug start adds no QEMU arguments (see
 * qemuDebugStartResumes), so the fixture name is libvirt's, the output
 * is QMP only.
 */

#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "qemu/qemu_debug.h"
#include "qemutestutils.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject);

typedef struct {
    const char *name;
    const char *caps;
    bool fail;
} testInfo;

/* Every fixture file the case table names (filled when the cases are
 * added, so the check does not depend on the order tests run in). */
static GHashTable *usedFiles;


/* <vcpu> of the domain, 0 if absent: the bound vCPUs are checked
 * against it, as the API layer does with virDomainGetMaxVcpus. */
static unsigned int
testDomainVcpus(const char *domainXML)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlXPathObject) obj = NULL;
    unsigned int n = 0;

    doc = xmlReadMemory(domainXML, strlen(domainXML), "domain.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    g_assert_nonnull(doc);
    ctxt = xmlXPathNewContext(doc);
    obj = xmlXPathEvalExpression((const xmlChar *) "string(/domain/vcpu)", ctxt);
    if (obj && obj->type == XPATH_STRING && obj->stringval && *obj->stringval)
        n = (unsigned int) g_ascii_strtoull((const char *) obj->stringval, NULL, 10);
    return n;
}


/* A register file and a symbol table for the fixtures' conditions */
static gboolean
testResolveRegister(const char *name, int *number, int *size,
                    void *opaque G_GNUC_UNUSED)
{
    if (g_str_equal(name, "rax")) {
        *number = 0;
        *size = 8;
        return TRUE;
    }
    return FALSE;
}

static gboolean
testResolveSymbol(const char *name, guint64 *addr, void *opaque G_GNUC_UNUSED)
{
    if (g_str_equal(name, "guest_counter")) {
        *addr = 0x106000;
        return TRUE;
    }
    return FALSE;
}

static const virDebugExprResolver testResolver = {
    .reg = testResolveRegister,
    .sym = testResolveSymbol,
};


static void
testTranslate(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *xmlPath = qemuTestDataPath("qemuxml2argvdata", info->name, ".xml");
    g_autofree char *capsName = g_strdup_printf("caps/%s", info->caps);
    g_autofree char *capsPath = qemuTestDataPath("qemuxml2argvdata", capsName, ".json");
    g_autofree char *suffix = g_strdup_printf(".%s.%s", info->caps,
                                              info->fail ? "err" : "qmp");
    g_autofree char *outPath = qemuTestDataPath("qemuxml2argvdata", info->name, suffix);
    g_autofree char *domainXML = qemuTestReadFile(xmlPath);
    g_autofree char *capsReply = qemuTestReadFile(capsPath);
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(qemuDebugCaps) caps = NULL;
    g_autoptr(GPtrArray) cmds = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) actual = g_string_new(NULL);
    int rc;
    size_t i;

    rc = virDomainDebugDefParseDomainXML(domainXML, &def, &err);
    g_assert_no_error(err);
    g_assert_cmpint(rc, ==, 1);

    caps = qemuDebugParseCapsReply(capsReply, &err);
    g_assert_no_error(err);
    g_assert_nonnull(caps);

    /* what the library does with the domain's registers and symbols */
    if (qemuDebugCompileConditions(def, &testResolver, &err) < 0)
        cmds = NULL;
    else
        cmds = qemuDebugBuildArmCommands(def, caps, NULL, 0,
                                         testDomainVcpus(domainXML), NULL,
                                         &err);
    if (info->fail) {
        if (cmds) {
            g_test_message("%s with %s caps: expected an error, got %u commands",
                           info->name, info->caps, cmds->len);
            g_test_fail();
            return;
        }
        g_assert_nonnull(err);
        g_assert_true(err->domain == VIR_DEBUG_ERROR);
        g_assert_true(err->code == VIR_DEBUG_ERROR_UNSUPPORTED ||
                      err->code == VIR_DEBUG_ERROR_NO_SLOTS ||
                      err->code == VIR_DEBUG_ERROR_INVALID);
        g_string_append_printf(actual, "%s\n", err->message);
    } else {
        g_assert_no_error(err);
        g_assert_nonnull(cmds);
        for (i = 0; i < cmds->len; i++) {
            const char *cmd = g_ptr_array_index(cmds, i);

            /* one command per line, and each one a JSON object */
            g_assert_null(strchr(cmd, '\n'));
            qemuTestAssertJSONObject(cmd);
            g_string_append_printf(actual, "%s\n", cmd);
        }
        g_assert_cmpuint(cmds->len, ==, def->npoints);
    }

    qemuTestCompareOutput(outPath, actual->str);
}


/* The boot fixture stays stopped after a debug start; the others are
 * resumed. */
static void
testStartResumes(void)
{
    struct {
        const char *name;
        bool resumes;
    } cases[] = {
        { "debug-boot", false },
        { "debug-example", true },
        { "debug-empty", true },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = qemuTestDataPath("qemuxml2argvdata", cases[i].name, ".xml");
        g_autofree char *xml = qemuTestReadFile(path);
        g_autoptr(virDomainDebugDef) def = NULL;
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(virDomainDebugDefParseDomainXML(xml, &def, &err), ==, 1);
        g_assert_no_error(err);
        g_assert_cmpint(qemuDebugStartResumes(def), ==, cases[i].resumes);
    }
}


/* The points QEMU already holds count against the slots too: with two
 * hardware breakpoints armed by an earlier session, a KVM x86 host has
 * room for two more, so debug-hw4 no longer fits. */
static void
testInUse(void)
{
    g_autofree char *xmlPath = qemuTestDataPath("qemuxml2argvdata", "debug-hw4", ".xml");
    g_autofree char *capsPath = qemuTestDataPath("qemuxml2argvdata", "caps/kvm-x86", ".json");
    g_autofree char *xml = qemuTestReadFile(xmlPath);
    g_autofree char *reply = qemuTestReadFile(capsPath);
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(qemuDebugCaps) caps = NULL;
    g_autoptr(GPtrArray) cmds = NULL;
    g_autoptr(GError) err = NULL;
    virDomainDebugPoint current[] = {
        { .id = 1, .type = VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, .addr = 0x1000, .vcpu = -1 },
        { .id = 2, .type = VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, .addr = 0x2000, .vcpu = -1 },
        { .id = 3, .type = VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, .addr = 0x3000, .vcpu = 0 },
    };

    g_assert_cmpint(virDomainDebugDefParseDomainXML(xml, &def, &err), ==, 1);
    g_assert_no_error(err);
    caps = qemuDebugParseCapsReply(reply, &err);
    g_assert_no_error(err);

    cmds = qemuDebugBuildArmCommands(def, caps, current, G_N_ELEMENTS(current), 1,
                                     NULL, &err);
    g_assert_null(cmds);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_NO_SLOTS);
    g_assert_cmpstr(err->message, ==,
                    "4 hardware debug points (2 hardware breakpoints, "
                    "2 watchpoints) declared and 2 hardware breakpoints already "
                    "in use, but this KVM host has 4 shared debug registers: "
                    "write watchpoint at 0x104000 (len 4) does not fit; remove "
                    "points from the <debug> element or declare hardware "
                    "breakpoints type='sw'");
    g_clear_error(&err);

    /* on TCG the same is fine */
    g_clear_pointer(&caps, qemuDebugCapsFree);
    g_clear_pointer(&reply, g_free);
    g_clear_pointer(&capsPath, g_free);
    capsPath = qemuTestDataPath("qemuxml2argvdata", "caps/tcg", ".json");
    reply = qemuTestReadFile(capsPath);
    caps = qemuDebugParseCapsReply(reply, &err);
    g_assert_no_error(err);
    cmds = qemuDebugBuildArmCommands(def, caps, current, G_N_ELEMENTS(current), 1,
                                     NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(cmds->len, ==, 5);
}


/* A fixture nothing reads is a test someone meant to add. */
static void
testAllFixturesUsed(void)
{
    g_autofree char *dir = qemuTestDataPath("qemuxml2argvdata", "", "");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        if (g_str_equal(ent, "caps"))
            continue;
        if (!g_hash_table_contains(usedFiles, ent)) {
            g_test_message("tests/qemuxml2argvdata/%s is not used by any case", ent);
            g_test_fail();
        }
    }
}


#define CAPS_ALL "tcg", "kvm-x86", "kvm-arm64"

static void
addCase(const char *name, const char *caps, bool fail)
{
    testInfo *info = g_new0(testInfo, 1);
    g_autofree char *path = g_strdup_printf("/qemuxml2argv/%s/%s", name, caps);

    info->name = name;
    info->caps = caps;
    info->fail = fail;
    g_hash_table_add(usedFiles, g_strdup_printf("%s.xml", name));
    g_hash_table_add(usedFiles, g_strdup_printf("%s.%s.%s", name, caps,
                                                fail ? "err" : "qmp"));
    g_test_add_data_func_full(path, info, testTranslate, g_free);
}

#define DO_TEST(name, ...) \
    do { \
        const char *capsList[] = { __VA_ARGS__ }; \
        size_t c; \
        for (c = 0; c < G_N_ELEMENTS(capsList); c++) \
            addCase(name, capsList[c], false); \
    } while (0)

#define DO_TEST_FAILURE(name, ...) \
    do { \
        const char *capsList[] = { __VA_ARGS__ }; \
        size_t c; \
        for (c = 0; c < G_N_ELEMENTS(capsList); c++) \
            addCase(name, capsList[c], true); \
    } while (0)


int
main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    usedFiles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    DO_TEST("debug-empty", CAPS_ALL);
    DO_TEST("debug-example", CAPS_ALL);
    DO_TEST("debug-breakpoints", CAPS_ALL);
    DO_TEST("debug-watchpoints", CAPS_ALL);
    DO_TEST("debug-vcpu", CAPS_ALL);
    DO_TEST("debug-boot", CAPS_ALL);
    /* conditions, ignore counts and a tracepoint: TCG evaluates them */
    DO_TEST("debug-conditions", "tcg");
    DO_TEST_FAILURE("debug-conditions", "kvm-x86", "kvm-arm64");
    /* 2 hardware breakpoints + 2 watchpoints: exactly x86's 4 registers */
    DO_TEST("debug-hw4", CAPS_ALL);
    /* 3 + 2: one too many for x86's shared 4, fine on arm64's 6 + 4 */
    DO_TEST("debug-hw5", "tcg", "kvm-arm64");
    DO_TEST_FAILURE("debug-hw5", "kvm-x86");
    /* 7 hardware breakpoints: more than arm64's 6 */
    DO_TEST("debug-hw7-breakpoints", "tcg");
    DO_TEST_FAILURE("debug-hw7-breakpoints", "kvm-x86", "kvm-arm64");
    /* 5 watchpoints: more than arm64's 4 */
    DO_TEST("debug-wp5", "tcg");
    DO_TEST_FAILURE("debug-wp5", "kvm-x86", "kvm-arm64");
    /* vcpu="2" on a 2-vCPU domain */
    DO_TEST_FAILURE("debug-vcpu-range", CAPS_ALL);
    /* -machine none: debugging unsupported at all */
    DO_TEST_FAILURE("debug-example", "none");
    DO_TEST_FAILURE("debug-empty", "none");

    g_test_add_func("/qemuxml2argv/start-resumes", testStartResumes);
    g_test_add_func("/qemuxml2argv/in-use", testInUse);
    g_test_add_func("/qemuxml2argv/all-fixtures-used", testAllFixturesUsed);

    ret = g_test_run();
    g_hash_table_unref(usedFiles);
    return ret;
}
