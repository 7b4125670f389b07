/*
 * debugxml2xmltest.c: the <debug> element: parse, validate, format
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fixtures live in tests/debugxml2xmldata/ and are found by name:
 *
 *   NAME.in.xml              a valid element; NAME.out.xml is its format
 *   invalid-NAME.xml         an element that must be refused;
 *                            invalid-NAME.err is "CODE: message"
 *   domain-NAME.xml          a full domain XML document; the outputs are
 *                            domain-NAME.debug.out.xml (the element read
 *                            back, formatted; empty when absent),
 *                            domain-NAME.update.out.xml (the element of
 *                            full.in.xml put in) and
 *                            domain-NAME.remove.out.xml (the element
 *                            taken out)
 *   domain-invalid-NAME.xml  a domain document that cannot be read;
 *                            domain-invalid-NAME.err as above
 *
 * VIR_TEST_REGENERATE_OUTPUT=1 rewrites every expected output from what
 * the code produces now (review the diff before committing it).
 */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/tree.h>

#include "conf/debug_conf.h"

#define NS VIR_DOMAIN_DEBUG_NAMESPACE_URI

static char *dataDir;
static bool regenerate;


static char *
testDataPath(const char *name)
{
    return g_build_filename(dataDir, name, NULL);
}


static char *
testLoadFile(const char *name)
{
    g_autofree char *path = testDataPath(name);
    g_autoptr(GError) err = NULL;
    char *contents = NULL;

    if (!g_file_get_contents(path, &contents, NULL, &err)) {
        g_test_message("cannot read %s: %s", path, err->message);
        return NULL;
    }
    return contents;
}


/* Compares @actual with the file @name, or rewrites the file when
 * regenerating.  Returns false (and fails the test) on a difference. */
static bool
testCompareOutput(const char *name,
                  const char *actual)
{
    g_autofree char *path = testDataPath(name);
    g_autofree char *expected = NULL;

    if (regenerate) {
        g_autoptr(GError) err = NULL;

        if (!g_file_set_contents(path, actual, -1, &err)) {
            g_test_fail_printf("cannot write %s: %s", path, err->message);
            return false;
        }
        return true;
    }

    if (!(expected = testLoadFile(name))) {
        g_test_fail_printf("missing expected output %s (run with "
                           "VIR_TEST_REGENERATE_OUTPUT=1 to create it)",
                           path);
        return false;
    }

    if (strcmp(expected, actual) != 0) {
        g_test_fail_printf("%s differs:\n--- expected\n%s\n--- actual\n%s",
                           path, expected, actual);
        return false;
    }
    return true;
}


static const char *
testErrorCodeName(int code)
{
    switch ((virDebugErrorCode) code) {
    case VIR_DEBUG_ERROR_XML:
        return "xml";
    case VIR_DEBUG_ERROR_SCHEMA:
        return "schema";
    case VIR_DEBUG_ERROR_INVALID:
        return "invalid";
    case VIR_DEBUG_ERROR_UNSUPPORTED:
        return "unsupported";
    case VIR_DEBUG_ERROR_JSON:
        return "json";
    case VIR_DEBUG_ERROR_QMP:
        return "qmp";
    case VIR_DEBUG_ERROR_NO_SLOTS:
        return "no-slots";
    }
    return "unknown";
}


static char *
testErrorString(const GError *err)
{
    return g_strdup_printf("%s: %s\n", testErrorCodeName(err->code),
                           err->message);
}


/* Every error is ours, names something, and is one line. */
static bool
testCheckError(const GError *err)
{
    if (!err) {
        g_test_fail_printf("no error was reported");
        return false;
    }
    if (err->domain != VIR_DEBUG_ERROR) {
        g_test_fail_printf("error '%s' is not in the VIR_DEBUG_ERROR domain",
                           err->message);
        return false;
    }
    if (!err->message || !*err->message || strchr(err->message, '\n')) {
        g_test_fail_printf("error message '%s' is empty or not one line",
                           err->message ? err->message : "(null)");
        return false;
    }
    return true;
}


/* ------------------------------------------------------------------ */
/* NAME.in.xml -> NAME.out.xml                                          */

static void
testXML2XML(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *inName = g_strdup_printf("%s.in.xml", name);
    g_autofree char *outName = g_strdup_printf("%s.out.xml", name);
    g_autofree char *in = testLoadFile(inName);
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *meta = NULL;
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(virDomainDebugDef) def2 = NULL;
    g_autoptr(virDomainDebugDef) def3 = NULL;
    g_autoptr(virDomainDebugDef) copy = NULL;
    g_autoptr(GError) err = NULL;

    if (!in) {
        g_test_fail();
        return;
    }

    /* the fixture itself validates against debug.rng */
    if (virDomainDebugDefValidateString(in, &err) < 0) {
        g_test_fail_printf("%s does not validate: %s", inName, err->message);
        return;
    }

    if (!(def = virDomainDebugDefParseString(in, &err))) {
        g_test_fail_printf("cannot parse %s: %s", inName, err->message);
        return;
    }

    out = virDomainDebugDefFormat(def);
    if (!testCompareOutput(outName, out))
        return;

    /* the output validates, and parse/format round-trips */
    if (virDomainDebugDefValidateString(out, &err) < 0) {
        g_test_fail_printf("formatted %s does not validate: %s",
                           name, err->message);
        return;
    }
    if (!(def2 = virDomainDebugDefParseString(out, &err))) {
        g_test_fail_printf("cannot parse formatted %s: %s",
                           name, err->message);
        return;
    }
    if (!virDomainDebugDefEqual(def, def2)) {
        g_test_fail_printf("parse(format(x)) != x for %s", name);
        return;
    }
    out2 = virDomainDebugDefFormat(def2);
    g_assert_cmpstr(out, ==, out2);

    /* the un-namespaced form for virDomainSetMetadata round-trips too */
    meta = virDomainDebugDefFormatMetadata(def);
    if (strstr(meta, "xmlns")) {
        g_test_fail_printf("metadata form declares a namespace:\n%s", meta);
        return;
    }
    if (!(def3 = virDomainDebugDefParseString(meta, &err))) {
        g_test_fail_printf("cannot parse metadata form of %s: %s",
                           name, err->message);
        return;
    }
    g_assert_true(virDomainDebugDefEqual(def, def3));

    copy = virDomainDebugDefCopy(def);
    g_assert_true(virDomainDebugDefEqual(def, copy));
}


/* ------------------------------------------------------------------ */
/* invalid-NAME.xml -> invalid-NAME.err                                 */

static void
testXMLInvalid(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *inName = g_strdup_printf("%s.xml", name);
    g_autofree char *errName = g_strdup_printf("%s.err", name);
    g_autofree char *in = testLoadFile(inName);
    g_autofree char *actual = NULL;
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) rngErr = NULL;

    if (!in) {
        g_test_fail();
        return;
    }

    if ((def = virDomainDebugDefParseString(in, &err))) {
        g_autofree char *xml = virDomainDebugDefFormat(def);

        g_test_fail_printf("%s was accepted:\n%s", inName, xml);
        return;
    }
    if (!testCheckError(err))
        return;

    actual = testErrorString(err);
    if (!testCompareOutput(errName, actual))
        return;

    /* What the parser calls malformed or a schema violation, the schema
     * refuses as well: the two halves agree. */
    if (err->code == VIR_DEBUG_ERROR_XML ||
        err->code == VIR_DEBUG_ERROR_SCHEMA) {
        if (virDomainDebugDefValidateString(in, &rngErr) == 0) {
            g_test_fail_printf("%s is refused by the parser (%s) but "
                               "validates against debug.rng",
                               inName, err->message);
            return;
        }
        g_assert_true(testCheckError(rngErr));
        g_assert_cmpint(rngErr->code, ==, err->code);
    }
}


/* ------------------------------------------------------------------ */
/* Full domain documents                                                */

static virDomainDebugDef *
testFullDef(void)
{
    g_autofree char *xml = testLoadFile("full.in.xml");
    g_autoptr(GError) err = NULL;
    virDomainDebugDef *def;

    g_assert_nonnull(xml);
    def = virDomainDebugDefParseString(xml, &err);
    g_assert_no_error(err);
    return def;
}


static void
testDomainXML(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *inName = g_strdup_printf("%s.xml", name);
    g_autofree char *debugName = g_strdup_printf("%s.debug.out.xml", name);
    g_autofree char *updateName = g_strdup_printf("%s.update.out.xml", name);
    g_autofree char *removeName = g_strdup_printf("%s.remove.out.xml", name);
    g_autofree char *in = testLoadFile(inName);
    g_autofree char *formatted = NULL;
    g_autofree char *updated = NULL;
    g_autofree char *updated2 = NULL;
    g_autofree char *removed = NULL;
    g_autofree char *removed2 = NULL;
    g_autofree char *minimal = NULL;
    g_autoptr(virDomainDebugDef) full = testFullDef();
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(virDomainDebugDef) back = NULL;
    g_autoptr(virDomainDebugDef) dflt = virDomainDebugDefNew();
    g_autoptr(GError) err = NULL;
    int rc;

    if (!in) {
        g_test_fail();
        return;
    }

    /* read */
    if ((rc = virDomainDebugDefParseDomainXML(in, &def, &err)) < 0) {
        g_test_fail_printf("cannot read %s: %s", inName, err->message);
        return;
    }
    g_assert_true((rc == 1) == (def != NULL));
    formatted = def ? virDomainDebugDefFormat(def) : g_strdup("");
    if (!testCompareOutput(debugName, formatted))
        return;

    /* add or replace */
    if (!(updated = virDomainDebugDefUpdateDomainXML(in, full, &err))) {
        g_test_fail_printf("cannot update %s: %s", inName, err->message);
        return;
    }
    if (!testCompareOutput(updateName, updated))
        return;
    rc = virDomainDebugDefParseDomainXML(updated, &back, &err);
    g_assert_no_error(err);
    g_assert_cmpint(rc, ==, 1);
    g_assert_true(virDomainDebugDefEqual(full, back));

    /* updating again with the same definition changes nothing */
    updated2 = virDomainDebugDefUpdateDomainXML(updated, full, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(updated, ==, updated2);

    /* remove */
    if (!(removed = virDomainDebugDefUpdateDomainXML(in, NULL, &err))) {
        g_test_fail_printf("cannot remove from %s: %s", inName, err->message);
        return;
    }
    if (!testCompareOutput(removeName, removed))
        return;
    g_clear_pointer(&back, virDomainDebugDefFree);
    rc = virDomainDebugDefParseDomainXML(removed, &back, &err);
    g_assert_no_error(err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_null(back);

    /* add then remove gives back the document without the element.  The
     * one exception is an empty <metadata/> in the input: removing the
     * element drops the <metadata> it leaves empty. */
    removed2 = virDomainDebugDefUpdateDomainXML(updated, NULL, &err);
    g_assert_no_error(err);
    if (!strstr(in, "<metadata/>"))
        g_assert_cmpstr(removed, ==, removed2);
    g_clear_pointer(&back, virDomainDebugDefFree);
    rc = virDomainDebugDefParseDomainXML(removed2, &back, &err);
    g_assert_no_error(err);
    g_assert_cmpint(rc, ==, 0);

    /* the rest of the document is left alone: removing from the
     * element-free document changes nothing */
    g_clear_pointer(&removed2, g_free);
    removed2 = virDomainDebugDefUpdateDomainXML(removed, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(removed, ==, removed2);

    /* a definition with nothing but defaults goes in and comes back */
    minimal = virDomainDebugDefUpdateDomainXML(removed, dflt, &err);
    g_assert_no_error(err);
    g_clear_pointer(&back, virDomainDebugDefFree);
    rc = virDomainDebugDefParseDomainXML(minimal, &back, &err);
    g_assert_no_error(err);
    g_assert_cmpint(rc, ==, 1);
    g_assert_true(virDomainDebugDefEqual(dflt, back));
}


static void
testDomainXMLInvalid(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *inName = g_strdup_printf("%s.xml", name);
    g_autofree char *errName = g_strdup_printf("%s.err", name);
    g_autofree char *in = testLoadFile(inName);
    g_autofree char *actual = NULL;
    g_autofree char *updated = NULL;
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(virDomainDebugDef) full = testFullDef();
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) updErr = NULL;
    int rc;

    if (!in) {
        g_test_fail();
        return;
    }

    rc = virDomainDebugDefParseDomainXML(in, &def, &err);
    if (rc >= 0) {
        g_test_fail_printf("%s was accepted (rc=%d)", inName, rc);
        return;
    }
    g_assert_null(def);
    if (!testCheckError(err))
        return;
    actual = testErrorString(err);
    if (!testCompareOutput(errName, actual))
        return;

    /* Updating either replaces the broken element (a way to repair the
     * configuration) or fails cleanly, but never crashes. */
    updated = virDomainDebugDefUpdateDomainXML(in, full, &updErr);
    if (updated) {
        g_autoptr(virDomainDebugDef) back = NULL;

        g_assert_no_error(updErr);
        rc = virDomainDebugDefParseDomainXML(updated, &back, &updErr);
        g_assert_no_error(updErr);
        g_assert_cmpint(rc, ==, 1);
        g_assert_true(virDomainDebugDefEqual(full, back));
    } else {
        g_assert_true(testCheckError(updErr));
    }
}


/* ------------------------------------------------------------------ */
/* Unit tests                                                           */

static void
testEnum(void)
{
    int i;

    for (i = 0; i < VIR_DOMAIN_DEBUG_POINT_LAST; i++) {
        const char *str = virDomainDebugPointTypeToString(i);

        g_assert_nonnull(str);
        g_assert_cmpint(virDomainDebugPointTypeFromString(str), ==, i);
    }
    g_assert_cmpstr(virDomainDebugPointTypeToString(
                        VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT), ==,
                    "sw-breakpoint");
    g_assert_cmpstr(virDomainDebugPointTypeToString(
                        VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS), ==,
                    "watchpoint-access");
    g_assert_null(virDomainDebugPointTypeToString(-1));
    g_assert_null(virDomainDebugPointTypeToString(VIR_DOMAIN_DEBUG_POINT_LAST));
    g_assert_null(virDomainDebugPointTypeToString(G_MAXINT));
    g_assert_cmpint(virDomainDebugPointTypeFromString("sw"), ==, -1);
    g_assert_cmpint(virDomainDebugPointTypeFromString(""), ==, -1);
    g_assert_cmpint(virDomainDebugPointTypeFromString("SW-BREAKPOINT"), ==, -1);
    g_assert_cmpint(virDomainDebugPointTypeFromString(NULL), ==, -1);
}


static void
testDefaults(void)
{
    g_autoptr(virDomainDebugDef) def = virDomainDebugDefNew();
    g_autoptr(virDomainDebugDef) parsed = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    g_assert_true(def->allowed);
    g_assert_true(def->writable);
    g_assert_true(def->stepMaskIrq);
    g_assert_true(def->stepMaskTimers);
    g_assert_false(def->bootStop);
    g_assert_null(def->symbols);
    g_assert_cmpuint(def->npoints, ==, 0);

    /* the defaults are written out explicitly */
    xml = virDomainDebugDefFormat(def);
    g_assert_cmpstr(xml, ==,
                    "<debug xmlns=\"" NS "\" allowed=\"yes\" writable=\"yes\">\n"
                    "  <step mask-irq=\"yes\" mask-timers=\"yes\"/>\n"
                    "  <boot stop=\"no\"/>\n"
                    "</debug>\n");

    /* an empty element means the defaults */
    parsed = virDomainDebugDefParseString("<debug xmlns='" NS "'/>", &err);
    g_assert_no_error(err);
    g_assert_true(virDomainDebugDefEqual(def, parsed));
}


typedef struct {
    const char *desc;
    virDomainDebugPointDef point;
    const char *message; /* NULL: valid */
} testPointData;

static void
testPointValidate(void)
{
    static const testPointData data[] = {
        { "sw", { VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x1001, 0, -1 }, NULL },
        { "hw vcpu", { VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, 0, 0, 7 }, NULL },
        { "watch 8",
          { VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE, 0xfffffffffffffff8ULL, 8, -1 },
          NULL },
        { "watch 1 odd", { VIR_DOMAIN_DEBUG_POINT_WATCH_READ, 0x1001, 1, 0 },
          NULL },
        { "len 3", { VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE, 0x1000, 3, -1 },
          "invalid value '3' for attribute 'len' of <watchpoint>: "
          "must be 1, 2, 4 or 8 (bytes)" },
        { "len 0", { VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS, 0x1000, 0, -1 },
          "invalid value '0' for attribute 'len' of <watchpoint>: "
          "must be 1, 2, 4 or 8 (bytes)" },
        { "len 16", { VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS, 0x1000, 16, -1 },
          "invalid value '16' for attribute 'len' of <watchpoint>: "
          "must be 1, 2, 4 or 8 (bytes)" },
        { "misaligned", { VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE, 0x1003, 4, -1 },
          "invalid value '0x1003' for attribute 'addr' of <watchpoint>: "
          "a watchpoint of len 4 must be 4-byte aligned" },
        { "bp len", { VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x1000, 4, -1 },
          "invalid value '4' for attribute 'len' of <breakpoint>: "
          "breakpoints have no length; use a <watchpoint> to watch a "
          "memory range" },
        { "vcpu -2", { VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, 0x1000, 0, -2 },
          "invalid value '-2' for attribute 'vcpu' of <breakpoint>: "
          "expected a vCPU index (0 or more), or no attribute for all vCPUs" },
        { "bad type", { (virDomainDebugPointType) 99, 0x1000, 0, -1 },
          "invalid debug point type 99" },
        { "LAST", { VIR_DOMAIN_DEBUG_POINT_LAST, 0x1000, 0, -1 },
          "invalid debug point type 5" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(data); i++) {
        g_autoptr(GError) err = NULL;
        int rc = virDomainDebugPointDefValidate(&data[i].point, &err);

        g_test_message("point: %s", data[i].desc);
        if (data[i].message) {
            g_assert_cmpint(rc, ==, -1);
            g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
            g_assert_cmpstr(err->message, ==, data[i].message);
        } else {
            g_assert_no_error(err);
            g_assert_cmpint(rc, ==, 0);
        }
    }

    {
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(virDomainDebugPointDefValidate(NULL, &err), ==, -1);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    }
}


static void
testAddPoint(void)
{
    g_autoptr(virDomainDebugDef) def = virDomainDebugDefNew();
    g_autoptr(virDomainDebugDef) parsed = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    virDomainDebugPointDef bp = {
        VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0xffffffff81000000ULL, 0, -1
    };
    virDomainDebugPointDef wp = {
        VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS, 0x104000, 8, 3
    };
    virDomainDebugPointDef bad = {
        VIR_DOMAIN_DEBUG_POINT_WATCH_READ, 0x104001, 2, -1
    };

    g_assert_cmpint(virDomainDebugDefAddPoint(def, &bp, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpint(virDomainDebugDefAddPoint(def, &wp, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(def->npoints, ==, 2);

    /* a copy is stored */
    bp.addr = 0;
    g_assert_cmpuint(def->points[0].addr, ==, 0xffffffff81000000ULL);
    bp.addr = 0xffffffff81000000ULL;

    /* refused points leave the definition alone */
    g_assert_cmpint(virDomainDebugDefAddPoint(def, &bad, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_assert_cmpstr(err->message, ==,
                    "invalid value '0x104001' for attribute 'addr' of "
                    "<watchpoint>: a watchpoint of len 2 must be 2-byte "
                    "aligned");
    g_clear_error(&err);
    g_assert_cmpint(virDomainDebugDefAddPoint(def, &bp, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_assert_cmpstr(err->message, ==,
                    "duplicate debug point: sw-breakpoint at "
                    "0xffffffff81000000 for all vCPUs is already declared");
    g_clear_error(&err);
    g_assert_cmpuint(def->npoints, ==, 2);

    g_assert_cmpint(virDomainDebugDefAddPoint(NULL, &bp, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_clear_error(&err);

    /* a definition built in C formats and parses back */
    def->symbols = g_strdup("/boot/vmlinux");
    def->bootStop = true;
    xml = virDomainDebugDefFormat(def);
    parsed = virDomainDebugDefParseString(xml, &err);
    g_assert_no_error(err);
    g_assert_true(virDomainDebugDefEqual(def, parsed));
    g_assert_cmpint(parsed->points[1].vcpu, ==, 3);
    g_assert_cmpint(parsed->points[0].vcpu, ==, VIR_DOMAIN_DEBUG_VCPU_ALL);
}


static void
testNullInputs(void)
{
    g_autoptr(GError) err = NULL;
    virDomainDebugDef *def = (virDomainDebugDef *) 0x1;

    g_assert_null(virDomainDebugDefParseString(NULL, &err));
    g_assert_true(testCheckError(err));
    g_assert_cmpint(err->code, ==, VIR_DEBUG_ERROR_XML);
    g_clear_error(&err);

    g_assert_null(virDomainDebugDefParseString("", &err));
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_XML);
    g_assert_cmpstr(err->message, ==,
                    "malformed XML in the <debug> element: the document is "
                    "empty");
    g_clear_error(&err);

    g_assert_null(virDomainDebugDefParseNode(NULL, &err));
    g_assert_true(testCheckError(err));
    g_clear_error(&err);

    g_assert_cmpint(virDomainDebugDefValidateString(NULL, &err), ==, -1);
    g_assert_true(testCheckError(err));
    g_clear_error(&err);

    g_assert_cmpint(virDomainDebugDefParseDomainXML(NULL, &def, &err), ==, -1);
    g_assert_null(def);
    g_assert_true(testCheckError(err));
    g_clear_error(&err);

    g_assert_null(virDomainDebugDefUpdateDomainXML(NULL, NULL, &err));
    g_assert_true(testCheckError(err));
    g_clear_error(&err);

    g_assert_null(virDomainDebugDefUpdateDomainXML("", NULL, &err));
    g_assert_true(testCheckError(err));
    g_clear_error(&err);

    /* a NULL GError ** is fine too */
    g_assert_null(virDomainDebugDefParseString("<debug", NULL));
    g_assert_null(virDomainDebugDefParseString(
        "<debug xmlns='" NS "'><watchpoint access='write' addr='0x3' "
        "len='4'/></debug>", NULL));

    g_assert_null(virDomainDebugDefFormat(NULL));
    g_assert_null(virDomainDebugDefFormatMetadata(NULL));
    g_assert_null(virDomainDebugDefCopy(NULL));
    g_assert_true(virDomainDebugDefEqual(NULL, NULL));
    virDomainDebugDefFree(NULL);
}


/* ParseNode works on an element inside a larger document, wherever its
 * namespace is declared. */
static void
testParseNode(void)
{
    static const char *xml =
        "<domain xmlns:d='" NS "'><metadata>"
        "<d:debug allowed='no'><d:breakpoint type='hw' addr='0x10'/>"
        "</d:debug></metadata></domain>";
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(GError) err = NULL;
    xmlDocPtr doc = xmlReadMemory(xml, strlen(xml), NULL, NULL, 0);
    xmlNodePtr node;

    g_assert_nonnull(doc);
    node = xmlDocGetRootElement(doc)->children->children;
    def = virDomainDebugDefParseNode(node, &err);
    g_assert_no_error(err);
    g_assert_false(def->allowed);
    g_assert_cmpuint(def->npoints, ==, 1);
    g_assert_cmpint(def->points[0].type, ==,
                    VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT);

    /* the caller's document is not modified */
    g_assert_cmpstr((const char *) node->ns->prefix, ==, "d");
    xmlFreeDoc(doc);
}


/* Every prefix of a valid document, and every single-byte corruption of
 * it, gives either a definition or an error, never a crash or both. */
static void
testTruncateAndCorrupt(const void *opaque)
{
    const char *name = opaque;
    bool domain = g_str_has_prefix(name, "domain-");
    g_autofree char *xml = testLoadFile(name);
    static const char corruptions[] = { '<', '"', 'z', '-', '/' };
    size_t len;
    size_t i;
    size_t j;

    g_assert_nonnull(xml);
    len = strlen(xml);

    for (i = 0; i <= len; i++) {
        for (j = 0; j <= G_N_ELEMENTS(corruptions); j++) {
            g_autofree char *copy = g_strdup(xml);
            g_autoptr(virDomainDebugDef) def = NULL;
            g_autoptr(GError) err = NULL;

            if (j == G_N_ELEMENTS(corruptions)) {
                copy[i] = '\0';
            } else if (i < len && i % 3 == 0) {
                copy[i] = corruptions[j];
            } else {
                continue;
            }

            if (domain) {
                g_autofree char *updated = NULL;
                int rc = virDomainDebugDefParseDomainXML(copy, &def, &err);

                g_assert_true((rc < 0) == (err != NULL));
                g_assert_true((rc == 1) == (def != NULL));
                g_clear_error(&err);
                updated = virDomainDebugDefUpdateDomainXML(copy, NULL, &err);
                g_assert_true((updated == NULL) == (err != NULL));
            } else {
                def = virDomainDebugDefParseString(copy, &err);
                g_assert_true((def == NULL) == (err != NULL));
            }
            if (err && !testCheckError(err))
                return;
        }
    }
}


/* libxml2's own diagnostics never reach stderr */
static void
testNoStderr(void)
{
    if (g_test_subprocess()) {
        static const char * const docs[] = {
            "<debug",
            "<debug xmlns='" NS "'><bogus/></debug>",
            "<debug xmlns='" NS "'><breakpoint type='x' addr='1'/></debug>",
            "<debug xmlns='" NS "'><watchpoint access='read' addr='0x1' "
            "len='8'/></debug>",
            "<a:debug/>",
            "<!DOCTYPE x SYSTEM 'http://example.org/x.dtd'><debug allowed='maybe'/>",
            "\xff\xfe<debug/>",
        };
        size_t i;
        virDomainDebugDef *def = NULL;

        for (i = 0; i < G_N_ELEMENTS(docs); i++) {
            g_autoptr(GError) err = NULL;

            g_assert_null(virDomainDebugDefParseString(docs[i], &err));
            g_assert_nonnull(err);
        }
        g_assert_cmpint(virDomainDebugDefParseDomainXML("<domain><metadata>",
                                                        &def, NULL), ==, -1);
        g_assert_null(virDomainDebugDefUpdateDomainXML("<domain", NULL, NULL));
        return;
    }

    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("");
    g_test_trap_assert_stdout("");
}


/* Where the schema comes from, and what happens when it is missing or
 * broken. */
static void
testSchemaLocation(void)
{
    g_autofree char *saved = g_strdup(g_getenv("LIBVIRT_DEBUG_SCHEMA_DIR"));
    g_autofree char *tmpdir = NULL;
    g_autofree char *broken = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    const char *xml = "<debug xmlns='" NS "'/>";

    g_setenv("LIBVIRT_DEBUG_SCHEMA_DIR", "/nonexistent/schemas", TRUE);
    path = virDomainDebugSchemaPath();
    g_assert_cmpstr(path, ==, "/nonexistent/schemas/debug.rng");
    g_assert_null(virDomainDebugDefParseString(xml, &err));
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA);
    g_assert_nonnull(strstr(err->message, "/nonexistent/schemas/debug.rng"));
    g_assert_nonnull(strstr(err->message, "LIBVIRT_DEBUG_SCHEMA_DIR"));
    g_clear_error(&err);

    tmpdir = g_dir_make_tmp("debugconftest-XXXXXX", &err);
    g_assert_no_error(err);
    broken = g_build_filename(tmpdir, "debug.rng", NULL);
    g_assert_true(g_file_set_contents(broken, "<grammar><start>", -1, NULL));
    g_setenv("LIBVIRT_DEBUG_SCHEMA_DIR", tmpdir, TRUE);
    g_assert_null(virDomainDebugDefParseString(xml, &err));
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_SCHEMA);
    g_assert_nonnull(strstr(err->message, "cannot load the schema"));
    g_clear_error(&err);
    g_unlink(broken);
    g_rmdir(tmpdir);

    /* unset: the installed schema, else the source tree's */
    g_unsetenv("LIBVIRT_DEBUG_SCHEMA_DIR");
    g_clear_pointer(&path, g_free);
    path = virDomainDebugSchemaPath();
    g_assert_true(g_str_has_suffix(path, "/debug.rng"));
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));

    if (saved)
        g_setenv("LIBVIRT_DEBUG_SCHEMA_DIR", saved, TRUE);
}


/* The element exactly as libvirt stores and returns it (checked against
 * virsh metadata on libvirt 9.0's test driver). */
static void
testLibvirtForms(void)
{
    static const char *stored =
        "<domain type='qemu'><name>demo</name><metadata>\n"
        "    <debug:debug xmlns:debug=\"" NS "\" allowed=\"no\">\n"
        "      <debug:step mask-irq=\"no\"/>\n"
        "    </debug:debug>\n"
        "  </metadata></domain>";
    static const char *returned =
        "<debug allowed=\"no\">\n"
        "  <step mask-irq=\"no\"/>\n"
        "</debug>";
    g_autoptr(virDomainDebugDef) a = NULL;
    g_autoptr(virDomainDebugDef) b = NULL;
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(virDomainDebugDefParseDomainXML(stored, &a, &err), ==, 1);
    g_assert_no_error(err);
    b = virDomainDebugDefParseString(returned, &err);
    g_assert_no_error(err);
    g_assert_true(virDomainDebugDefEqual(a, b));
    g_assert_false(b->allowed);
    g_assert_false(b->stepMaskIrq);
    g_assert_true(b->stepMaskTimers);
}


static int
testCompareNames(const void *a,
                 const void *b)
{
    return strcmp(*(char * const *) a, *(char * const *) b);
}


int
main(int argc,
     char **argv)
{
    const char *srcdir = g_getenv("LIBVIRT_DEBUG_SRCDIR");
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) err = NULL;
    const char *entry;
    size_t i;

    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();

    if (!srcdir)
        srcdir = SOURCE_ROOT;
    dataDir = g_build_filename(srcdir, "tests", "debugxml2xmldata", NULL);
    regenerate = g_strcmp0(g_getenv("VIR_TEST_REGENERATE_OUTPUT"), "1") == 0;

    if (!g_getenv("LIBVIRT_DEBUG_SCHEMA_DIR"))
        g_setenv("LIBVIRT_DEBUG_SCHEMA_DIR",
                 LIBVIRT_DEBUG_SOURCE_SCHEMA_DIR, TRUE);

    if (!(dir = g_dir_open(dataDir, 0, &err))) {
        g_printerr("cannot open %s: %s\n", dataDir, err->message);
        return 1;
    }
    while ((entry = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_strdup(entry));
    g_ptr_array_sort(names, testCompareNames);

    for (i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *testpath = NULL;
        char *base;

        if (g_str_has_suffix(file, ".in.xml")) {
            base = g_strndup(file, strlen(file) - strlen(".in.xml"));
            testpath = g_strdup_printf("/conf/debugxml2xml/%s", base);
            g_test_add_data_func_full(testpath, base, testXML2XML, g_free);
        } else if (g_str_has_suffix(file, ".out.xml") ||
                   !g_str_has_suffix(file, ".xml")) {
            continue;
        } else if (g_str_has_prefix(file, "invalid-")) {
            base = g_strndup(file, strlen(file) - strlen(".xml"));
            testpath = g_strdup_printf("/conf/debugxml2xml/%s", base);
            g_test_add_data_func_full(testpath, base, testXMLInvalid, g_free);
        } else if (g_str_has_prefix(file, "domain-invalid-")) {
            base = g_strndup(file, strlen(file) - strlen(".xml"));
            testpath = g_strdup_printf("/conf/domainxml/%s", base);
            g_test_add_data_func_full(testpath, base, testDomainXMLInvalid,
                                      g_free);
        } else if (g_str_has_prefix(file, "domain-")) {
            base = g_strndup(file, strlen(file) - strlen(".xml"));
            testpath = g_strdup_printf("/conf/domainxml/%s", base);
            g_test_add_data_func_full(testpath, base, testDomainXML, g_free);
        } else {
            g_printerr("unexpected fixture %s in %s\n", file, dataDir);
            return 1;
        }
    }

    g_test_add_func("/conf/enum", testEnum);
    g_test_add_func("/conf/defaults", testDefaults);
    g_test_add_func("/conf/point-validate", testPointValidate);
    g_test_add_func("/conf/add-point", testAddPoint);
    g_test_add_func("/conf/null-inputs", testNullInputs);
    g_test_add_func("/conf/parse-node", testParseNode);
    g_test_add_func("/conf/libvirt-forms", testLibvirtForms);
    g_test_add_func("/conf/no-stderr", testNoStderr);
    g_test_add_func("/conf/schema-location", testSchemaLocation);
    if (!regenerate) {
        g_test_add_data_func("/conf/corrupt/full", "full.in.xml",
                             testTruncateAndCorrupt);
        g_test_add_data_func("/conf/corrupt/domain-prefixed",
                             "domain-prefixed.xml", testTruncateAndCorrupt);
    }

    return g_test_run();
}
