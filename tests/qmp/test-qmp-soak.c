/*
 * test-qmp-soak.c: two QMP clients drive the debug API at random
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One patched QEMU ($LIBVIRT_DEBUG_QEMU, TCG, two vCPUs, the test guest)
 * with two QMP monitors, and one thread per monitor sending random valid
 * and invalid debug commands: inserts and removes of every point type on
 * guest symbols and on bad addresses, remove-all, steps with counts,
 * continue, interrupt, and the queries and reads.  After every step:
 *   - the command was answered within TIMEOUT_MS (a hang fails the test);
 *   - a command that must succeed did, and one that must fail did;
 *   - new point ids are positive and increasing;
 *   - query-debug-points lists exactly the points the two clients
 *     inserted and have not removed.
 * At the end, remove-all + debug-continue leaves no point and a running
 * guest whose guest_counter advances.
 *
 * Commands that change the point list hold the model's lock across their
 * round trip, so the model is exact; everything else (step, continue,
 * interrupt, reads) runs concurrently on the two monitors.
 *
 * LIBVIRT_DEBUG_SOAK_SECONDS  how long (default 20: the CI run)
 * LIBVIRT_DEBUG_SOAK_SEED     the PRNG seed (default: random, printed);
 *                             client N draws from seed + N.  The threads'
 *                             interleaving is not replayed, so a failure
 *                             prints each client's last commands too.
 */

#include <stdbool.h>
#include <string.h>

#include <glib/gstdio.h>

#include "testutils-guest.h"
#include "testutils-hang.h"
#include "testutils-qmp.h"

#define TIMEOUT_MS 5000
#define HISTORY 40
#define NCLIENTS 2

typedef struct {
    gint64 id;
    const char *type;
    guint64 addr;
} soakPoint;

typedef struct {
    GMutex lock;            /* the point list: held across its commands */
    GArray *points;         /* soakPoint */
    gint64 lastId;
    guint64 seed;
    gint64 deadline;
} soakModel;

typedef struct {
    int index;
    testQmp *qmp;
    soakModel *model;
    GRand *rand;
    char *history[HISTORY]; /* the last commands sent, a ring */
    guint64 ncmds;
    guint64 steps;
    guint64 errors;         /* commands QEMU refused (each one allowed to) */
} soakClient;

static soakClient *soakClients[NCLIENTS];
static int soakQemuPid;     /* whose threads a hang's report shows */
static char *soakProbePath; /* a third monitor, used only on a hang */

/* What a command must do */
typedef enum {
    EXPECT_ANY,
    EXPECT_OK,
    EXPECT_ERROR,
} soakExpect;


static void
soakRecord(soakClient *c, const char *text)
{
    c->ncmds++;
    g_free(c->history[c->ncmds % HISTORY]);
    c->history[c->ncmds % HISTORY] = g_strdup(text);
}


static void G_GNUC_PRINTF(2, 3) G_GNUC_NORETURN
soakFail(soakClient *c, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;
    int i;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    for (i = 0; i < NCLIENTS; i++) {
        soakClient *o = soakClients[i];
        guint64 s;

        if (!o)
            continue;
        g_printerr("client %d, last commands (oldest first):\n", o->index);
        for (s = o->ncmds >= HISTORY ? o->ncmds - HISTORY + 1 : 1;
             s <= o->ncmds; s++) {
            if (o->history[s % HISTORY])
                g_printerr("  %d.%" G_GUINT64_FORMAT " %s\n", o->index, s,
                           o->history[s % HISTORY]);
        }
    }
    g_error("soak seed %" G_GUINT64_FORMAT ", client %d, command %"
            G_GUINT64_FORMAT ": %s (replay: LIBVIRT_DEBUG_SOAK_SEED=%"
            G_GUINT64_FORMAT ")", c->model->seed, c->index, c->ncmds, msg,
            c->model->seed);
}


/* Send @cmd with @args (JSON object text or NULL), check the answer came
 * in time and matches @expect.  Returns the "return" value or NULL. */
static JsonNode *
soakExec(soakClient *c, soakExpect expect, const char *cmd, const char *args)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = g_strdup_printf("%s %s", cmd, args ? args : "");
    gint64 start = g_get_monotonic_time();
    JsonNode *ret;

    soakRecord(c, text);
    if (args)
        ret = testQmpExecutef(c->qmp, &err, cmd, "%s", args);
    else
        ret = testQmpExecute(c->qmp, cmd, NULL, &err);

    if (!ret && !g_error_matches(err, TEST_QMP_ERROR, TEST_QMP_ERROR_COMMAND)) {
        /* the queues first: a command QEMU reads late leaves them */
        g_autofree char *queues = testSocketQueues(&soakQemuPid, 1);
        g_autofree char *threads = NULL;
        g_autoptr(GError) probeErr = NULL;
        g_autoptr(testQmp) probe = NULL;

        g_printerr("QEMU's sockets (a command in its Recv-Q was never "
                   "read):\n%s", queues);
        /* Is the main loop stuck, or is it this monitor's answer only?
         * (connecting takes a qmp_capabilities: the main loop's too) */
        probe = testQmpConnect(soakProbePath, 2000, &probeErr);
        g_printerr("a third monitor's qmp_capabilities: %s\n",
                   probe ? "answered" : probeErr->message);
        threads = testThreadBacktraces(&soakQemuPid, 1);
        g_printerr("QEMU's threads when the answer did not come:\n%s",
                   threads);
        soakFail(c, "'%s' got no answer after %" G_GINT64_FORMAT " ms: %s",
                 text, (g_get_monotonic_time() - start) / 1000, err->message);
    }
    if (!ret && expect == EXPECT_OK)
        soakFail(c, "'%s' failed: %s", text, err->message);
    if (ret && expect == EXPECT_ERROR)
        soakFail(c, "'%s' succeeded but must fail", text);
    if (!ret)
        c->errors++;
    return ret;
}


static const char *const soakBreakSyms[] = {
    "guest_tick", "guest_never_called", "guest_reg_probe", "guest_main",
};
static const char *const soakWatchSyms[] = {
    "guest_counter", "guest_write_var", "guest_read_var", "guest_fault_count",
};
static const char *const soakTypes[] = {
    "sw-breakpoint", "hw-breakpoint",
    "watchpoint-write", "watchpoint-read", "watchpoint-access",
};

/* Neither RAM nor anything else on a 'pc' machine with the test guest */
#define SOAK_BAD_ADDR G_GUINT64_CONSTANT(0xfffffffff0000000)


static void
soakInsert(soakClient *c)
{
    soakModel *m = c->model;
    const char *type = soakTypes[g_rand_int_range(c->rand, 0, 5)];
    bool watch = g_str_has_prefix(type, "watchpoint");
    g_autofree char *args = NULL;
    g_autoptr(JsonNode) ret = NULL;
    soakExpect expect = EXPECT_OK;
    soakPoint p = { 0 };
    guint64 addr;
    guint64 len = 0;
    int how = g_rand_int_range(c->rand, 0, 10);

    if (watch) {
        addr = testGuestSymbol(soakWatchSyms[g_rand_int_range(c->rand, 0, 4)]);
        len = 1u << g_rand_int_range(c->rand, 0, 3);
    } else {
        addr = testGuestSymbol(soakBreakSyms[g_rand_int_range(c->rand, 0, 4)]);
    }

    switch (how) {
    case 0:
        /* a bad address: refused for a sw-breakpoint, which must be in
         * RAM; hardware points compare addresses and may go anywhere */
        addr = SOAK_BAD_ADDR;
        expect = g_str_equal(type, "sw-breakpoint") ? EXPECT_ERROR : EXPECT_OK;
        break;
    case 1:
        if (watch) {
            len = 3;                        /* not a power of two */
            expect = EXPECT_ERROR;
        } else {
            type = "no-such-point";
            expect = EXPECT_ERROR;
        }
        break;
    case 2:
        if (watch) {
            addr |= 1;                      /* misaligned */
            len = 4;
            expect = EXPECT_ERROR;
        }
        break;
    default:
        break;
    }

    if (how == 3) {
        /* bound to one vCPU, the second one included: the window of the
         * hang seen once under fuzzing */
        int cpu = g_rand_int_range(c->rand, 0, 2);

        args = watch ?
            g_strdup_printf("{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                            ", \"len\": %" G_GUINT64_FORMAT
                            ", \"cpu-index\": %d}", type, addr, len, cpu) :
            g_strdup_printf("{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                            ", \"cpu-index\": %d}", type, addr, cpu);
    } else {
        args = watch ?
            g_strdup_printf("{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                            ", \"len\": %" G_GUINT64_FORMAT "}",
                            type, addr, len) :
            g_strdup_printf("{\"type\": \"%s\", \"addr\": %" G_GUINT64_FORMAT
                            "}", type, addr);
    }

    g_mutex_lock(&m->lock);
    if ((ret = soakExec(c, expect, "debug-insert", args))) {
        p.id = json_object_get_int_member(json_node_get_object(ret), "id");
        p.type = type;
        p.addr = addr;
        if (p.id <= m->lastId)
            soakFail(c, "new point id %" G_GINT64_FORMAT " is not above %"
                     G_GINT64_FORMAT, p.id, m->lastId);
        m->lastId = p.id;
        g_array_append_val(m->points, p);
    }
    g_mutex_unlock(&m->lock);
}


static void
soakRemove(soakClient *c)
{
    soakModel *m = c->model;
    g_autofree char *args = NULL;
    g_autoptr(JsonNode) ret = NULL;
    int pick;

    g_mutex_lock(&m->lock);
    pick = m->points->len ?
        g_rand_int_range(c->rand, 0, m->points->len + 1) : 0;
    if (pick < (int) m->points->len) {
        soakPoint *p = &g_array_index(m->points, soakPoint, pick);

        args = g_strdup_printf("{\"id\": %" G_GINT64_FORMAT "}", p->id);
        ret = soakExec(c, EXPECT_OK, "debug-remove", args);
        g_array_remove_index(m->points, pick);
    } else {
        /* an id that is gone or never was */
        args = g_strdup_printf("{\"id\": %" G_GINT64_FORMAT "}",
                               m->lastId + 1 + g_rand_int_range(c->rand, 0, 3));
        ret = soakExec(c, EXPECT_ERROR, "debug-remove", args);
    }
    g_mutex_unlock(&m->lock);
}


static void
soakRemoveAll(soakClient *c)
{
    g_autoptr(JsonNode) ret = NULL;

    g_mutex_lock(&c->model->lock);
    ret = soakExec(c, EXPECT_OK, "debug-remove-all", NULL);
    g_array_set_size(c->model->points, 0);
    g_mutex_unlock(&c->model->lock);
}


/* query-debug-points is exactly the model */
static void
soakCheckPoints(soakClient *c)
{
    soakModel *m = c->model;
    g_autoptr(JsonNode) ret = NULL;
    JsonArray *list;
    guint i, j;

    g_mutex_lock(&m->lock);
    ret = soakExec(c, EXPECT_OK, "query-debug-points", NULL);
    list = json_node_get_array(ret);
    if (json_array_get_length(list) != m->points->len)
        soakFail(c, "QEMU lists %u points, the clients inserted and did not "
                 "remove %u", json_array_get_length(list), m->points->len);
    for (i = 0; i < m->points->len; i++) {
        soakPoint *p = &g_array_index(m->points, soakPoint, i);
        bool found = false;

        for (j = 0; j < json_array_get_length(list); j++) {
            JsonObject *o = json_array_get_object_element(list, j);

            if (json_object_get_int_member(o, "id") != p->id)
                continue;
            if (g_strcmp0(json_object_get_string_member(o, "type"), p->type) ||
                (guint64) json_object_get_int_member(o, "addr") != p->addr)
                soakFail(c, "point %" G_GINT64_FORMAT " is listed as %s at "
                         "0x%" G_GINT64_MODIFIER "x, inserted as %s at 0x%"
                         G_GINT64_MODIFIER "x", p->id,
                         json_object_get_string_member(o, "type"),
                         json_object_get_int_member(o, "addr"),
                         p->type, p->addr);
            found = true;
        }
        if (!found)
            soakFail(c, "point %" G_GINT64_FORMAT " (%s) is not listed",
                     p->id, p->type);
    }
    g_mutex_unlock(&m->lock);
}


static void
soakStep(soakClient *c)
{
    g_autofree char *args = NULL;
    g_autoptr(JsonNode) ret = NULL;
    int cpu = g_rand_int_range(c->rand, 0, 2);
    int kind = g_rand_int_range(c->rand, 0, 6);
    soakExpect expect = EXPECT_ANY;  /* the VM may be running */

    switch (kind) {
    case 0:
        args = g_strdup_printf("{\"cpu-index\": %d, \"count\": 0}", cpu);
        expect = EXPECT_ERROR;
        break;
    case 1:
        args = g_strdup_printf("{\"cpu-index\": %d, \"count\": 1000001}", cpu);
        expect = EXPECT_ERROR;
        break;
    case 2:
        args = g_strdup("{\"cpu-index\": 7}");
        expect = EXPECT_ERROR;
        break;
    case 3:
        args = g_strdup_printf("{\"cpu-index\": %d, \"count\": %d, "
                               "\"noirq\": false}", cpu,
                               g_rand_int_range(c->rand, 1, 1000));
        break;
    default:
        args = g_strdup_printf("{\"cpu-index\": %d, \"count\": %d}", cpu,
                               g_rand_int_range(c->rand, 1, 200));
        break;
    }
    ret = soakExec(c, expect, "debug-step", args);
}


static void
soakRead(soakClient *c)
{
    g_autofree char *args = NULL;
    g_autoptr(JsonNode) ret = NULL;
    int cpu = g_rand_int_range(c->rand, 0, 2);

    switch (g_rand_int_range(c->rand, 0, 5)) {
    case 0:
        args = g_strdup_printf("{\"addr\": %" G_GUINT64_FORMAT
                               ", \"size\": %d}",
                               testGuestSymbol("guest_counter"),
                               g_rand_int_range(c->rand, 1, 64));
        ret = soakExec(c, EXPECT_OK, "debug-read-memory", args);
        break;
    case 1:
        args = g_strdup_printf("{\"addr\": %" G_GUINT64_FORMAT
                               ", \"size\": 4, \"physical\": true}",
                               SOAK_BAD_ADDR);
        ret = soakExec(c, EXPECT_ERROR, "debug-read-memory", args);
        break;
    case 2:
        args = g_strdup_printf("{\"cpu-index\": %d}", cpu);
        ret = soakExec(c, EXPECT_OK, "debug-read-registers", args);
        break;
    case 3:
        ret = soakExec(c, EXPECT_ERROR, "debug-read-registers",
                       "{\"cpu-index\": 7}");
        break;
    default:
        ret = soakExec(c, EXPECT_OK, "query-debug-stop", NULL);
        if (json_array_get_length(json_node_get_array(ret)) != 2)
            soakFail(c, "query-debug-stop lists %u vCPUs, not 2",
                     json_array_get_length(json_node_get_array(ret)));
        break;
    }
}


static void
soakOne(soakClient *c)
{
    g_autoptr(JsonNode) ret = NULL;
    int r = g_rand_int_range(c->rand, 0, 100);

    if (r < 25)
        soakInsert(c);
    else if (r < 37)
        soakRemove(c);
    else if (r < 40)
        soakRemoveAll(c);
    else if (r < 55)
        soakStep(c);
    else if (r < 65)
        ret = soakExec(c, EXPECT_OK, "debug-continue", NULL);
    else if (r < 75)
        ret = soakExec(c, EXPECT_ANY, "debug-interrupt", NULL);
    else if (r < 85)
        soakRead(c);
    else
        soakCheckPoints(c);

    /* events only matter to the invariants through the queries */
    testQmpClearEvents(c->qmp);
}


static gpointer
soakThread(gpointer opaque)
{
    soakClient *c = opaque;

    while (g_get_monotonic_time() < c->model->deadline) {
        soakOne(c);
        c->steps++;
    }
    return NULL;
}


static guint32
soakReadU32(soakClient *c, const char *sym)
{
    g_autofree char *args = g_strdup_printf("{\"addr\": %" G_GUINT64_FORMAT
                                            ", \"size\": 4}",
                                            testGuestSymbol(sym));
    g_autoptr(JsonNode) ret = soakExec(c, EXPECT_OK, "debug-read-memory", args);
    const char *b64 = json_object_get_string_member(json_node_get_object(ret),
                                                    "data");
    gsize len;
    g_autofree guchar *p = g_base64_decode(b64, &len);

    g_assert_cmpuint(len, ==, 4);
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}


static guint64
soakEnvU64(const char *name, guint64 dflt)
{
    const char *v = g_getenv(name);

    return v && *v ? g_ascii_strtoull(v, NULL, 0) : dflt;
}


static void
testSoak(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmp-soak-XXXXXX", NULL);
    g_autofree char *sock2 = g_build_filename(dir, "qmp2.sock", NULL);
    g_autofree char *qmp2arg = g_strdup_printf("unix:%s,server=on,wait=off",
                                               sock2);
    g_autofree char *sock3 = g_build_filename(dir, "probe.sock", NULL);
    g_autofree char *qmp3arg = g_strdup_printf("unix:%s,server=on,wait=off",
                                               sock3);
    const char *args[] = {
        "-machine", "pc", "-accel", "tcg", "-display", "none", "-nodefaults",
        "-smp", "2", "-kernel", testGuestPath(), "-qmp", qmp2arg,
        "-qmp", qmp3arg, NULL,
    };
    g_autoptr(testQemu) qemu = NULL;
    g_autoptr(testQmp) qmp2 = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) status = NULL;
    soakModel model = { 0 };
    soakClient clients[NCLIENTS] = { 0 };
    GThread *thread;
    guint64 seconds = soakEnvU64("LIBVIRT_DEBUG_SOAK_SECONDS", 20);
    gint64 deadline;
    guint32 c1, c2;
    int i;

    model.seed = soakEnvU64("LIBVIRT_DEBUG_SOAK_SEED",
                            g_random_int() | (guint64) g_random_int() << 32);
    g_test_message("soak seed %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                   " s (replay: LIBVIRT_DEBUG_SOAK_SEED=%" G_GUINT64_FORMAT ")",
                   model.seed, seconds, model.seed);
    g_mutex_init(&model.lock);
    model.points = g_array_new(FALSE, FALSE, sizeof(soakPoint));

    qemu = testQemuStart(testQemuBinary(), args, &err);
    g_assert_no_error(err);
    soakQemuPid = qemu->pid;
    qmp2 = testQmpConnect(sock2, 10000, &err);
    g_assert_no_error(err);
    soakProbePath = sock3;

    for (i = 0; i < NCLIENTS; i++) {
        guint64 s = model.seed + i;

        clients[i].index = i;
        clients[i].qmp = i == 0 ? qemu->qmp : qmp2;
        clients[i].model = &model;
        /* g_rand takes 32 bits; fold the seed so every bit counts */
        clients[i].rand = g_rand_new_with_seed((guint32) s ^
                                               (guint32) (s >> 32));
        testQmpSetTimeout(clients[i].qmp, TIMEOUT_MS);
        soakClients[i] = &clients[i];
    }

    /* the guest is up before the soak starts */
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (soakReadU32(&clients[0], "guest_ready") != 1 ||
           soakReadU32(&clients[0], "guest_counter") < 16) {
        if (g_get_monotonic_time() > deadline)
            g_error("the test guest did not start within 10 s");
        g_usleep(10 * 1000);
    }

    model.deadline = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;
    thread = g_thread_new("soak-client-1", soakThread, &clients[1]);
    soakThread(&clients[0]);
    g_thread_join(thread);

    soakCheckPoints(&clients[0]);

    /* A step the last commands started may still be running: stop the
     * VM first, so the continue below is the last word whatever it was
     * doing (it fails if the VM was already stopped, which is fine). */
    status = soakExec(&clients[0], EXPECT_ANY, "debug-interrupt", NULL);

    /* detach: no point left, and the guest runs again */
    g_clear_pointer(&status, json_node_unref);
    soakRemoveAll(&clients[0]);
    g_clear_pointer(&status, json_node_unref);
    status = soakExec(&clients[0], EXPECT_OK, "debug-continue", NULL);
    soakCheckPoints(&clients[0]);
    g_clear_pointer(&status, json_node_unref);
    status = soakExec(&clients[0], EXPECT_OK, "query-status", NULL);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(status),
                                                  "status"), ==, "running");
    c1 = soakReadU32(&clients[0], "guest_counter");
    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while ((c2 = soakReadU32(&clients[0], "guest_counter")) == c1) {
        if (g_get_monotonic_time() > deadline)
            soakFail(&clients[0], "guest_counter stays at %u for 5 s after "
                     "remove-all and continue", c1);
        g_usleep(10 * 1000);
    }

    for (i = 0; i < NCLIENTS; i++) {
        int h;

        g_test_message("client %d: %" G_GUINT64_FORMAT " commands, %"
                       G_GUINT64_FORMAT " refused by QEMU (each allowed to "
                       "be)", i,
                       clients[i].steps, clients[i].errors);
        soakClients[i] = NULL;
        g_rand_free(clients[i].rand);
        for (h = 0; h < HISTORY; h++)
            g_free(clients[i].history[h]);
    }
    g_array_unref(model.points);
    g_mutex_clear(&model.lock);
    g_clear_pointer(&qmp2, testQmpFree);
    soakProbePath = NULL;
    g_clear_pointer(&qemu, testQemuFree);
    g_unlink(sock2);
    g_unlink(sock3);
    g_rmdir(dir);
}


int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/soak", testSoak);
    return g_test_run();
}
