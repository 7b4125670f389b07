/*
 * fuzz-debugxml.c: libFuzzer harness of the <debug> element (src/conf)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is XML text, taken both as a standalone <debug> element and
 * as a full domain document.  Besides "no crash, no leak, no UB", the
 * invariants are the ones tests/conf/debugxml2xmltest.c checks on its
 * fixtures, here on every input the fuzzer makes up:
 *   - a parse either returns a definition or fails with one error of ours,
 *     on one line;
 *   - whatever parses formats to XML that validates against debug.rng and
 *     parses back to an equal definition, in both the namespaced and the
 *     metadata form, and formatting is a fixed point;
 *   - what the parser refuses as malformed or ungrammatical, debug.rng
 *     refuses with the same code;
 *   - a domain document that can be read can have its element replaced
 *     and removed, and reading the result gives back what was put in.
 */

#include "config.h"

#include <libxml/parser.h>

#include "conf/debug_conf.h"
#include "fuzz-common.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);

/* src/conf's errors are also one line (debugxml2xmltest holds its
 * fixtures to that): they end up in one line of virsh-debug's output. */
#define FUZZ_CHECK_CONF_ERROR(err) \
    do { \
        FUZZ_CHECK_ERROR(err); \
        FUZZ_CHECK(!strchr((err)->message, '\n'), \
                   "error message '%s' is not one line", (err)->message); \
    } while (0)

/* The metadata form carries no namespace: not a declaration, not one in
 * use, on any element (libvirt would keep both otherwise).  Asked of
 * libxml2 rather than of the text, which may say "xmlns" in a value. */
static bool
fuzzHasNamespace(const char *xml)
{
    g_autoptr(xmlDoc) doc = xmlReadMemory(xml, strlen(xml), NULL, NULL,
                                          XML_PARSE_NONET |
                                          XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING);
    xmlNodePtr node;

    FUZZ_CHECK(doc && xmlDocGetRootElement(doc),
               "formatted XML is not well formed:\n%s", xml);
    for (node = xmlDocGetRootElement(doc); node; ) {
        if (node->type == XML_ELEMENT_NODE && (node->ns || node->nsDef))
            return true;
        if (node->children) {
            node = node->children;
            continue;
        }
        while (node && !node->next)
            node = node->parent;
        if (node)
            node = node->next;
    }
    return false;
}


static void
fuzzElement(const char *xml)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(virDomainDebugDef) def2 = NULL;
    g_autoptr(virDomainDebugDef) def3 = NULL;
    g_autoptr(virDomainDebugDef) copy = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *meta = NULL;
    g_autoptr(GError) err = NULL;

    if (!(def = virDomainDebugDefParseString(xml, &err))) {
        g_autoptr(GError) rngErr = NULL;

        FUZZ_CHECK_CONF_ERROR(err);
        if (err->code != VIR_DEBUG_ERROR_XML &&
            err->code != VIR_DEBUG_ERROR_SCHEMA)
            return;
        FUZZ_CHECK(virDomainDebugDefValidateString(xml, &rngErr) < 0,
                   "the parser refuses (%s) what debug.rng accepts",
                   err->message);
        FUZZ_CHECK_CONF_ERROR(rngErr);
        FUZZ_CHECK(rngErr->code == err->code,
                   "parser says %d (%s), debug.rng says %d (%s)",
                   err->code, err->message, rngErr->code, rngErr->message);
        return;
    }
    FUZZ_CHECK(err == NULL, "success with an error set: %s", err->message);

    out = virDomainDebugDefFormat(def);
    FUZZ_CHECK(virDomainDebugDefValidateString(out, &err) == 0,
               "formatted element does not validate: %s\n%s",
               err->message, out);
    def2 = virDomainDebugDefParseString(out, &err);
    FUZZ_CHECK(def2, "formatted element does not parse: %s\n%s",
               err->message, out);
    FUZZ_CHECK(virDomainDebugDefEqual(def, def2),
               "parse(format(x)) != x:\n%s", out);
    out2 = virDomainDebugDefFormat(def2);
    FUZZ_CHECK(strcmp(out, out2) == 0,
               "format is not a fixed point:\n%s\n---\n%s", out, out2);

    meta = virDomainDebugDefFormatMetadata(def);
    FUZZ_CHECK(!fuzzHasNamespace(meta),
               "metadata form declares a namespace:\n%s", meta);
    def3 = virDomainDebugDefParseString(meta, &err);
    FUZZ_CHECK(def3, "metadata form does not parse: %s\n%s",
               err->message, meta);
    FUZZ_CHECK(virDomainDebugDefEqual(def, def3),
               "metadata form does not round-trip:\n%s", meta);

    copy = virDomainDebugDefCopy(def);
    FUZZ_CHECK(virDomainDebugDefEqual(def, copy), "copy differs");
}


static void
fuzzDomain(const char *xml)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(virDomainDebugDef) back = NULL;
    g_autoptr(virDomainDebugDef) gone = NULL;
    g_autoptr(virDomainDebugDef) dflt = virDomainDebugDefNew();
    g_autofree char *updated = NULL;
    g_autofree char *removed = NULL;
    g_autoptr(GError) err = NULL;
    int rc;

    rc = virDomainDebugDefParseDomainXML(xml, &def, &err);
    FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
    if (rc < 0) {
        FUZZ_CHECK_CONF_ERROR(err);
        FUZZ_CHECK(def == NULL, "a definition returned with an error");
        return;
    }
    FUZZ_CHECK((rc == 1) == (def != NULL), "rc %d does not match", rc);

    /* put a (default) element in: it reads back as what was put in */
    updated = virDomainDebugDefUpdateDomainXML(xml, dflt, &err);
    FUZZ_CHECK(updated, "a readable domain cannot be updated: %s",
               err->message);
    FUZZ_CHECK(virDomainDebugDefParseDomainXML(updated, &back, &err) == 1,
               "the updated domain has no element: %s\n%s",
               err ? err->message : "", updated);
    FUZZ_CHECK(virDomainDebugDefEqual(dflt, back),
               "the element read back differs:\n%s", updated);

    /* and take it out again */
    removed = virDomainDebugDefUpdateDomainXML(updated, NULL, &err);
    FUZZ_CHECK(removed, "the element cannot be removed: %s", err->message);
    FUZZ_CHECK(virDomainDebugDefParseDomainXML(removed, &gone, &err) == 0,
               "the element is still there after removal: %s\n%s",
               err ? err->message : "", removed);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzzInputString(data, size);

    fuzzElement(xml);
    fuzzDomain(xml);
    return 0;
}
