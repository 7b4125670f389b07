/*
 * gdb_files.c: the symbol file for a GDB started without one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GDB connected with no file asks the target for its executable
 * (qXfer:exec-file:read) and then, since the path is the target's, opens
 * it through the remote protocol's host I/O (vFile:open, pread, fstat,
 * close).  The bridge names the guest's symbol file and serves that one
 * file read-only: any other path GDB tries (separate debug files, build-id
 * links) does not exist as far as it can tell, and nothing can be
 * written.  The bridge runs next to GDB (over ssh, the libvirt
 * connection crosses the network, not the file), so this is the file on
 * GDB's own machine.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdb/gdb_session_priv.h"

/* GDB's File-I/O errno values (gdb/include/gdb/fileio.h), not the host's */
#define GDB_FILEIO_ENOENT  2
#define GDB_FILEIO_EBADF   9
#define GDB_FILEIO_EACCES 13
#define GDB_FILEIO_EINVAL 22
#define GDB_FILEIO_EMFILE 24
#define GDB_FILEIO_EUNKNOWN 9999

/* GDB's open flags: O_RDONLY is 0 and every other flag asks for more */
#define GDB_FILEIO_O_ACCMODE 0x3

/* how many handles GDB may hold on the one file at once */
#define GDB_RSP_MAX_FILES 8


void
gdbRspSessionSetExecFile(gdbRspSession *session, const char *path)
{
    g_free(session->execFile);
    session->execFile = g_strdup(path);
}


void
gdbRspSessionSetExecOffset(gdbRspSession *session, long long offset)
{
    session->execOffset = offset;
}


void
gdbRspFilesClose(gdbRspSession *session)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(session->files); i++) {
        if (session->files[i] > 0)
            close(session->files[i]);
        session->files[i] = 0;
    }
    g_clear_pointer(&session->execFile, g_free);
}


/* qXfer:exec-file:read:ANNEX:OFFSET,LENGTH (ANNEX: a process id, or
 * empty; every process of a guest has the one kernel) */
void
gdbRspHandleXferExecFile(gdbRspSession *session, const char *args,
                         GString *reply)
{
    const char *colon = strchr(args, ':');
    const char *p;
    guint64 off;
    guint64 len;
    size_t pathlen;

    if (!session->execFile)
        return;     /* empty: not supported */
    if (!colon ||
        !(p = gdbRspParseHexU64(colon + 1, &off)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, &len)) || *p != '\0') {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    pathlen = strlen(session->execFile);
    if (off >= pathlen) {
        g_string_assign(reply, "l");
        return;
    }
    len = MIN(len, (GDB_RSP_MAX_PACKET - 1) / 2);
    len = MIN(len, pathlen - off);
    g_string_assign(reply, off + len < pathlen ? "m" : "l");
    gdbRspEscapeBinary(reply, (const guint8 *)session->execFile + off, len);
}


static void
gdbRspFileError(GString *reply, int err)
{
    g_string_printf(reply, "F-1,%x", err);
}


static int
gdbRspFileFd(gdbRspSession *session, guint64 handle)
{
    if (handle >= G_N_ELEMENTS(session->files) || session->files[handle] <= 0)
        return -1;
    return session->files[handle];
}


/* A packet whose only argument is an open file's handle (fstat, close):
 * its fd, or -1 with the error reply set. */
static int
gdbRspFileHandleArg(gdbRspSession *session, const char *args,
                    guint64 *handle, GString *reply)
{
    const char *p;
    int fd;

    if (!(p = gdbRspParseHexU64(args, handle)) || *p != '\0') {
        gdbRspFileError(reply, GDB_FILEIO_EINVAL);
        return -1;
    }
    if ((fd = gdbRspFileFd(session, *handle)) < 0)
        gdbRspFileError(reply, GDB_FILEIO_EBADF);
    return fd;
}


/* Above this, a symbol file is worth a note about GDB's pipe */
#define GDB_RSP_FILE_LARGE (64 * 1024 * 1024)

/* GDB 13, on `target remote | COMMAND`, reads COMMAND's stderr once for
 * every byte COMMAND sends while that stderr is open (generic_readchar in
 * its ser-base.c): some 0.4 MB/s, half an hour for a kernel's vmlinux.
 * The bridge cannot close its stderr (it is where its diagnostics go), so
 * it says, once, how to have GDB read a large file directly. */
static void
gdbRspFileNoteSlowPipe(gdbRspSession *session, int fd)
{
    struct stat st;
    struct stat err;

    if (session->notedSlowPipe || !(session->flags & GDB_RSP_SESSION_LOG_ERRORS) ||
        fstat(fd, &st) < 0 || st.st_size < GDB_RSP_FILE_LARGE ||
        fstat(STDERR_FILENO, &err) < 0 ||
        !(S_ISFIFO(err.st_mode) || S_ISSOCK(err.st_mode)))
        return;
    session->notedSlowPipe = true;
    g_printerr("virsh-debug: note: GDB reads the %lld MiB of '%s' through the "
               "bridge; from `target remote | virsh-debug ...` that takes GDB "
               "minutes. On this host, 'set sysroot /' before 'target remote' "
               "(or 'gdb %s') has GDB read it from disk in seconds\n",
               (long long) (st.st_size >> 20), session->execFile,
               session->execFile);
}


/* vFile:open:HEXPATH,FLAGS,MODE */
static void
gdbRspFileOpen(gdbRspSession *session, const char *args, GString *reply)
{
    const char *comma = strchr(args, ',');
    g_autofree guint8 *path = NULL;
    const char *p;
    guint64 flags;
    guint64 mode;
    gssize n;
    size_t i;
    int fd;

    if (!comma ||
        !(p = gdbRspParseHexU64(comma + 1, &flags)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, &mode)) || *p != '\0') {
        gdbRspFileError(reply, GDB_FILEIO_EINVAL);
        return;
    }
    path = g_malloc0((comma - args) / 2 + 1);
    if ((n = gdbRspHexDecode(args, comma - args, path, (comma - args) / 2)) < 0) {
        gdbRspFileError(reply, GDB_FILEIO_EINVAL);
        return;
    }
    path[n] = '\0';
    /* the one file, exactly as the bridge named it */
    if (!session->execFile || strlen((const char *)path) != (size_t)n ||
        !g_str_equal((const char *)path, session->execFile)) {
        gdbRspFileError(reply, GDB_FILEIO_ENOENT);
        return;
    }
    if ((flags & GDB_FILEIO_O_ACCMODE) != 0 || flags & ~(guint64)GDB_FILEIO_O_ACCMODE) {
        gdbRspFileError(reply, GDB_FILEIO_EACCES);
        return;
    }
    /* handle 0 stays unused: it reads like stdin in packet logs */
    for (i = 1; i < G_N_ELEMENTS(session->files) && session->files[i] > 0; i++)
        ;
    if (i == G_N_ELEMENTS(session->files)) {
        gdbRspFileError(reply, GDB_FILEIO_EMFILE);
        return;
    }
    if ((fd = open(session->execFile, O_RDONLY | O_CLOEXEC)) < 0) {
        if (session->flags & GDB_RSP_SESSION_LOG_ERRORS)
            g_printerr("virsh-debug: GDB cannot have the symbol file '%s': %s\n",
                       session->execFile, g_strerror(errno));
        gdbRspFileError(reply, errno == ENOENT ? GDB_FILEIO_ENOENT : GDB_FILEIO_EACCES);
        return;
    }
    session->files[i] = fd;
    g_string_printf(reply, "F%zx", i);
    gdbRspFileNoteSlowPipe(session, fd);
}


/* vFile:pread:HANDLE,COUNT,OFFSET */
static void
gdbRspFilePread(gdbRspSession *session, const char *args, GString *reply)
{
    g_autofree guint8 *buf = NULL;
    guint64 handle;
    guint64 count;
    guint64 off;
    const char *p;
    ssize_t n;
    int fd;

    if (!(p = gdbRspParseHexU64(args, &handle)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, &count)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, &off)) || *p != '\0' || off > G_MAXINT64) {
        gdbRspFileError(reply, GDB_FILEIO_EINVAL);
        return;
    }
    if ((fd = gdbRspFileFd(session, handle)) < 0) {
        gdbRspFileError(reply, GDB_FILEIO_EBADF);
        return;
    }
    /* escaping can double the data: keep the reply within a packet */
    count = MIN(count, (GDB_RSP_MAX_PACKET - 32) / 2);
    buf = g_malloc(count ? count : 1);
    while ((n = pread(fd, buf, count, off)) < 0 && errno == EINTR)
        ;
    if (n < 0) {
        gdbRspFileError(reply, GDB_FILEIO_EUNKNOWN);
        return;
    }
    g_string_printf(reply, "F%zx;", (size_t)n);
    gdbRspEscapeBinary(reply, buf, n);
}


static void
gdbRspPutBE(guint8 *p, guint64 v, size_t width)
{
    size_t i;

    for (i = 0; i < width; i++)
        p[i] = v >> (8 * (width - 1 - i));
}


/* vFile:fstat:HANDLE: GDB's struct stat, 64 bytes big-endian */
static void
gdbRspFileFstat(gdbRspSession *session, const char *args, GString *reply)
{
    guint8 st[64] = { 0 };
    struct stat sb;
    guint64 handle;
    int fd;

    if ((fd = gdbRspFileHandleArg(session, args, &handle, reply)) < 0)
        return;
    if (fstat(fd, &sb) < 0) {
        gdbRspFileError(reply, GDB_FILEIO_EUNKNOWN);
        return;
    }
    /* st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid, st_rdev: 4 bytes;
     * st_size, st_blksize, st_blocks: 8; st_atime, st_mtime, st_ctime: 4 */
    gdbRspPutBE(st + 0, sb.st_dev, 4);
    gdbRspPutBE(st + 4, sb.st_ino, 4);
    gdbRspPutBE(st + 8, sb.st_mode, 4);
    gdbRspPutBE(st + 12, sb.st_nlink, 4);
    gdbRspPutBE(st + 16, sb.st_uid, 4);
    gdbRspPutBE(st + 20, sb.st_gid, 4);
    gdbRspPutBE(st + 24, sb.st_rdev, 4);
    gdbRspPutBE(st + 28, sb.st_size, 8);
    gdbRspPutBE(st + 36, sb.st_blksize, 8);
    gdbRspPutBE(st + 44, sb.st_blocks, 8);
    gdbRspPutBE(st + 52, sb.st_atime, 4);
    gdbRspPutBE(st + 56, sb.st_mtime, 4);
    gdbRspPutBE(st + 60, sb.st_ctime, 4);
    g_string_printf(reply, "F%zx;", sizeof(st));
    gdbRspEscapeBinary(reply, st, sizeof(st));
}


/* vFile:close:HANDLE */
static void
gdbRspFileClose(gdbRspSession *session, const char *args, GString *reply)
{
    guint64 handle;
    int fd;

    if ((fd = gdbRspFileHandleArg(session, args, &handle, reply)) < 0)
        return;
    close(fd);
    session->files[handle] = 0;
    g_string_assign(reply, "F0");
}


/**
 * gdbRspHandleFile:
 * @args: the packet after "vFile:"
 *
 * Without a symbol file the reply stays empty: host I/O is not
 * supported, and GDB says it has no file.
 */
void
gdbRspHandleFile(gdbRspSession *session, const char *args, GString *reply)
{
    if (!session->execFile)
        return;
    if (g_str_has_prefix(args, "setfs:")) {
        /* one file system: the bridge's */
        g_string_assign(reply, "F0");
    } else if (g_str_has_prefix(args, "open:")) {
        gdbRspFileOpen(session, args + strlen("open:"), reply);
    } else if (g_str_has_prefix(args, "pread:")) {
        gdbRspFilePread(session, args + strlen("pread:"), reply);
    } else if (g_str_has_prefix(args, "fstat:")) {
        gdbRspFileFstat(session, args + strlen("fstat:"), reply);
    } else if (g_str_has_prefix(args, "close:")) {
        gdbRspFileClose(session, args + strlen("close:"), reply);
    } else if (g_str_has_prefix(args, "pwrite:") || g_str_has_prefix(args, "unlink:")) {
        gdbRspFileError(reply, GDB_FILEIO_EACCES);
    } else if (g_str_has_prefix(args, "readlink:")) {
        /* the file is no link GDB needs to follow */
        gdbRspFileError(reply, GDB_FILEIO_EINVAL);
    }
}
