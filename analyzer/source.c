/* SPDX-License-Identifier: MIT */
/*
 * source.c - folders, files and archives as a stream of leaf entries
 * (see source.h).  Containers are recognised by their first bytes, never
 * by their names: gzip, xz, bzip2 and zstd streams, zip, 7z and ustar
 * archives.  A compressed stream that holds no archive (vmkernel.0.gz) is
 * read through libarchive's raw format and given the name of the file
 * without its compression suffix.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/archive-lazy.h"
#include "analyzer/gunzip.h"
#include "analyzer/internal.h"
#include "analyzer/sha256.h"
#include "analyzer/source.h"

struct walk {
	const struct ct_source_options *opts;
	uint64_t max_entry;
	ct_source_fn fn;
	void *arg;
	size_t entries;		/* entries reported so far */
	size_t held;		/* bytes of nested archives held in memory */
	uint64_t disk_done;	/* bytes of finished files on disk */
	struct archive *disk;	/* the on-disk archive being streamed */
	struct ct_gunzip *disk_gz; /* its gzip stream, when igzip inflates
				    * it (libarchive reads no filter) */
	uint64_t disk_size;	/* size of the file on disk being read */
	char *root_real;	/* the walked folder, resolved: links out of
				 * it are not followed; NULL: follow all */
	char *chunk;		/* CHUNK bytes to spool or skip through */
};

enum { CHUNK = 1 << 16 };

const char ct_source_skip_link[] =
	"a link out of the folder, not followed (--follow-links)";

enum { HEAD_LEN = 512 };	/* bytes looked at to recognise a container */

void ct_sha256_hex(const unsigned char digest[32], char ret[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		ret[2 * i] = hex[digest[i] >> 4];
		ret[2 * i + 1] = hex[digest[i] & 15];
	}
	ret[64] = '\0';
}

bool ct_source_is_container(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return true;			/* gzip */
	if (len >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return true;			/* xz */
	if (len >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	    p[3] <= '9')
		return true;			/* bzip2 */
	if (len >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return true;			/* zstd */
	if (len >= 4 && (memcmp(p, "PK\3\4", 4) == 0 ||
			 memcmp(p, "PK\5\6", 4) == 0))
		return true;			/* zip */
	if (len >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return true;			/* 7z */
	if (len >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return true;			/* tar */
	return false;
}

static struct ct_error *report(struct walk *w, struct ct_source_entry *e)
{
	if (w->entries >= CT_SOURCE_MAX_ENTRIES) {
		if (w->entries++ == CT_SOURCE_MAX_ENTRIES) {
			struct ct_source_entry stop = {
				.path = e->path, .nesting = e->nesting,
				.error = "more than 1000000 entries: the rest "
					 "is not read",
			};
			return w->fn(w->arg, &stop);
		}
		return NULL;
	}
	w->entries++;
	e->disk_bytes = w->disk_done;
	if (w->disk) {
		la_int64_t n = w->disk_gz ?
			(la_int64_t)ct_gunzip_in_bytes(w->disk_gz) :
			archive_filter_bytes(w->disk, -1);
		e->disk_bytes += n > 0 && (uint64_t)n < w->disk_size ?
				 (uint64_t)n : w->disk_size;
	} else {
		e->disk_bytes += w->disk_size;
	}
	if (e->data && w->opts->sha256) {
		struct ct_sha256 h;
		ct_sha256_init(&h);
		ct_sha256_update(&h, e->data, e->len);
		ct_sha256_final(&h, e->sha256);
	}
	return w->fn(w->arg, e);
}

/* Report entry e as unread because of err (consumed): its message becomes
 * e->error; only running out of memory stops the walk. */
static struct ct_error *report_failure(struct walk *w,
				       struct ct_source_entry *e,
				       struct ct_error *err)
{
	if (err == &ct_enomem)
		return err;
	char *msg = ct_error_format(err);
	ct_error_destroy(err);
	if (!msg)
		return &ct_enomem;
	e->error = msg;
	err = report(w, e);
	e->error = NULL;
	free(msg);
	return err;
}

static struct ct_error *walk_buffer(struct walk *w, const char *path,
				    const char *buf, size_t len, uint64_t size,
				    int nesting, int fd);

/* Name of the content of a raw compressed file: "x.log.gz" -> "x.log". */
static char *raw_name(const char *path)
{
	static const char *const suffixes[] = { ".gz", ".xz", ".bz2", ".zst",
						".GZ", ".Z" };
	size_t n = strlen(path);
	for (size_t i = 0; i < CT_ARRAY_SIZE(suffixes); i++) {
		size_t s = strlen(suffixes[i]);
		const char *slash = strrchr(path, '/');
		const char *sep = strrchr(path, CT_SOURCE_SEP);
		const char *base = slash > sep ? slash + 1 : sep ? sep + 1 :
				   path;
		if (n > s && (size_t)(path + n - base) > s &&
		    strcmp(path + n - s, suffixes[i]) == 0)
			return strndup(path, n - s);
	}
	return strdup(path);
}

/* The data of one member as read_member leaves it. */
struct member {
	char *buf;		/* heap copy (at most CT_SOURCE_MAX_MEMORY),
				 * or the mapping of fd */
	size_t len;		/* bytes at buf */
	int fd;			/* the spool file, or -1 */
	bool too_big;		/* larger than max: nothing kept */
	bool partial;		/* head_only: the rest is still to skip */
	const char *error;	/* libarchive's read error, or NULL */
	char *why;		/* could not spool it, or NULL */
};

static void member_deinit(struct member *m)
{
	if (m->fd >= 0) {
		ct_unmap_file(m->buf, m->len);
		close(m->fd);
	} else {
		free(m->buf);
	}
	free(m->why);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *spool_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

/* Whether more than need + the reserve is free in the spool folder. */
static bool spool_room(uint64_t need)
{
	struct statvfs sv;
	if (statvfs(spool_dir(), &sv) != 0)
		return true;	/* the writes will say */
	uint64_t free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	return free_bytes >= need &&
	       free_bytes - need >= CT_SOURCE_SPOOL_RESERVE;
}

static int spool_open(void)
{
	char *tmpl;
	if (asprintf(&tmpl, "%s/crashtriage-spool.XXXXXX", spool_dir()) < 0)
		return -1;
	int fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);	/* gone when the last reference goes */
	free(tmpl);
	return fd;
}

/* Append n bytes to the spool file, a run of zeros as a hole. */
static bool spool_write(int fd, const char *p, size_t n)
{
	if (n && p[0] == 0 && memcmp(p, p + 1, n - 1) == 0)
		return lseek(fd, (off_t)n, SEEK_CUR) >= 0;
	while (n) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

enum spool_end { SPOOL_OK, SPOOL_NO_ROOM, SPOOL_ENOMEM };

/* Map m's finished spool file of total bytes as its buffer. */
static enum spool_end spool_map(struct member *m, uint64_t total)
{
	/* a hole at the end needs the size set */
	void *map;
	size_t len;
	if (ftruncate(m->fd, (off_t)total) != 0)
		return SPOOL_NO_ROOM;
	struct ct_error *err = ct_map_fd(m->fd, "spool file", &map, &len);
	if (err == &ct_enomem)
		return SPOOL_ENOMEM;
	if (err) {
		ct_error_destroy(err);
		return SPOOL_NO_ROOM;
	}
	(void)madvise(map, len, MADV_SEQUENTIAL);
	m->buf = map;
	m->len = len;
	return SPOOL_OK;
}

/* Drop what was read of m, keeping why it was dropped. */
static void member_drop(struct member *m)
{
	char *why = m->why;
	const char *error = m->error;
	bool too_big = m->too_big;
	m->why = NULL;
	member_deinit(m);
	m->why = why;
	m->error = error;
	m->too_big = too_big;
}

/* Read the data of the current member: into memory up to
 * CT_SOURCE_MAX_MEMORY, past that into a spool file that is then mapped,
 * at most w->max_entry bytes in all (else m->too_big, nothing kept).
 * With head_only, reading stops after HEAD_LEN bytes that are no
 * container: the buffer then holds only the start of the member, which
 * is enough to list names.  A spool that runs out of room or time sets
 * m->why. */
static struct ct_error *read_member(struct walk *w, struct archive *a,
				    uint64_t size, bool head_only,
				    struct member *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	size_t cap = 0;
	uint64_t total = 0, since_check = 0;
	double deadline = w->opts->entry_timeout ?
			  now_seconds() + w->opts->entry_timeout : 0;
	for (;;) {
		char *dst;
		size_t want;
		if (m->fd < 0) {
			if (!ct_grow((void **)&m->buf, &cap, m->len + 65536,
				     1))
				goto enomem;
			dst = m->buf + m->len;
			want = cap - m->len;
			if (head_only && m->len < HEAD_LEN)
				want = HEAD_LEN - m->len;
		} else {
			dst = w->chunk;
			want = CHUNK;
		}
		la_ssize_t n = archive_read_data(a, dst, want);
		if (n < 0) {
			m->error = archive_error_string(a);
			if (!m->error)
				m->error = "read error";
			goto drop;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > w->max_entry) {
			m->too_big = true;
			goto drop;
		}
		if (deadline && now_seconds() > deadline) {
			if (asprintf(&m->why, "reading it took longer than "
				     "%u s (the case time limit)",
				     w->opts->entry_timeout) < 0)
				goto enomem;
			goto drop;
		}
		if (m->fd < 0) {
			m->len += (size_t)n;
			if (head_only && m->len >= HEAD_LEN &&
			    !ct_source_is_container(m->buf, m->len)) {
				m->partial = true;
				break;
			}
			if (m->len <= CT_SOURCE_MAX_MEMORY)
				continue;
			/* too big for memory: on to a spool file */
			if (!spool_room(size > total ? size - total : 0) ||
			    (m->fd = spool_open()) < 0 ||
			    !spool_write(m->fd, m->buf, m->len))
				goto no_room;
			free(m->buf);
			m->buf = NULL;
			m->len = 0;
			continue;
		}
		if (!spool_write(m->fd, dst, (size_t)n))
			goto no_room;
		since_check += (uint64_t)n;
		if (since_check >= CT_SOURCE_SPOOL_RESERVE / 2) {
			since_check = 0;
			if (!spool_room(0))
				goto no_room;
		}
	}
	if (m->fd >= 0) {
		enum spool_end end = spool_map(m, total);
		if (end == SPOOL_ENOMEM)
			goto enomem;
		if (end == SPOOL_NO_ROOM)
			goto no_room;
	}
	return NULL;
no_room:
	if (asprintf(&m->why, "no room to spool it to a temporary file in "
		     "'%s' (%" PRIu64 " MiB are kept free there)", spool_dir(),
		     CT_SOURCE_SPOOL_RESERVE >> 20) < 0)
		goto enomem;
drop:
	member_drop(m);
	return NULL;
enomem:
	member_deinit(m);
	return &ct_enomem;
}

/* Whether a is read from a compressed stream: through a filter of its
 * own, or inflated by gunzip.c (the on-disk archive). */
static bool is_compressed(const struct walk *w, struct archive *a)
{
	return (a == w->disk && w->disk_gz) ||
	       archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE;
}

/* Skip the rest of the current member.  Uncompressed archives seek past
 * it (libarchive skips by the header's size); a compressed stream must be
 * inflated to get past it, so at most CT_SOURCE_MAX_SKIP bytes are:
 * false when that was not enough (the rest of the archive is not read). */
static bool skip_member(struct walk *w, struct archive *a)
{
	if (!is_compressed(w, a))
		return archive_read_data_skip(a) == ARCHIVE_OK;
	uint64_t done = 0;
	for (;;) {
		la_ssize_t n = archive_read_data(a, w->chunk, CHUNK);
		if (n <= 0)
			return n == 0;
		done += (uint64_t)n;
		if (done > CT_SOURCE_MAX_SKIP)
			return false;
	}
}

/* After listing a member by its first bytes: get past the rest of it.  In
 * a compressed stream that means inflating it, within the entry time
 * limit: false when that ran out (the rest of the archive is not read). */
static bool pass_member(struct walk *w, struct archive *a)
{
	if (!is_compressed(w, a) || !w->opts->entry_timeout)
		return true;	/* libarchive skips it at the next header */
	double deadline = now_seconds() + w->opts->entry_timeout;
	for (unsigned i = 0;; i++) {
		la_ssize_t n = archive_read_data(a, w->chunk, CHUNK);
		if (n <= 0)
			return true;	/* a read error shows at the header */
		if (i % 256 == 0 && now_seconds() > deadline)
			return false;
	}
}

/* A reader for every format crashtriage opens, in *ret; loads libarchive
 * the first time. */
static struct ct_error *archive_new(struct archive **ret)
{
	struct ct_error *err = ct_archive_load();
	if (err)
		return err;
	struct archive *a = archive_read_new();
	if (!a)
		return &ct_enomem;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_raw(a);	/* bids last: a lone .gz */
	*ret = a;
	return NULL;
}

/* Report an error about the archive path itself, not one member. */
static struct ct_error *archive_error(struct walk *w, const char *path,
				      int nesting, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct ct_error *archive_error(struct walk *w, const char *path,
				      int nesting, const char *fmt, ...)
{
	char *where;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&where, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &ct_enomem;
	struct ct_source_entry e = {
		.path = path, .error = where, .nesting = nesting,
	};
	struct ct_error *err = report(w, &e);
	free(where);
	return err;
}

/* Member e of archive path was not read (m says why): report it and get
 * past the rest of it; *ret_stop when the archive is read no further. */
static struct ct_error *report_skipped(struct walk *w, struct archive *a,
				       const char *path, const char *member,
				       bool raw, int nesting,
				       struct ct_source_entry *e,
				       const struct member *m, bool *ret_stop)
{
	char *where = NULL;
	*ret_stop = true;
	if (m->error && asprintf(&where, "cannot read archive '%s' at member "
				 "'%s': %s", path, member, m->error) < 0)
		return &ct_enomem;
	e->error = where;
	if (m->too_big)
		e->skipped = "larger than the entry size limit";
	else if (m->why)
		e->skipped = m->why;
	/* the rest of a skipped member: bounded work */
	bool read_error = m->error != NULL;
	bool stop = read_error || raw || !skip_member(w, a);
	struct ct_error *err = report(w, e);
	free(where);
	if (!err && stop && !read_error && !raw)
		err = archive_error(w, path, nesting, "cannot read archive "
				    "'%s' after member '%s': skipping it would "
				    "inflate more than %" PRIu64 " MiB of a "
				    "compressed stream; the rest is not read",
				    path, member, CT_SOURCE_MAX_SKIP >> 20);
	*ret_stop = stop;
	return err;
}

/* Enumerate the members of an opened archive named path. */
static struct ct_error *walk_archive(struct walk *w, struct archive *a,
				     const char *path, int nesting)
{
	struct ct_error *err = NULL;
	char *member = NULL;
	for (;;) {
		struct archive_entry *ae;
		int r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			const char *msg = archive_error_string(a);
			err = archive_error(w, path, nesting, "cannot read "
					    "archive '%s' after member '%s': "
					    "%s", path,
					    member ? member : "(start)",
					    msg ? msg : "bad header");
			break;
		}
		const char *name = archive_entry_pathname(ae);
		bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		/* raw without a decompressor: the magic bytes lied */
		if (raw && !is_compressed(w, a)) {
			err = archive_error(w, path, nesting, "cannot read "
					    "archive '%s' before the first "
					    "member: not an archive or "
					    "compressed stream we read", path);
			break;
		}
		free(member);
		member = strdup(name ? name : "?");
		if (!member)
			return &ct_enomem;
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		/* a raw stream holds one file: the compressed file itself */
		char *child;
		if (raw)
			child = raw_name(path);
		else if (asprintf(&child, "%s%c%s", path, CT_SOURCE_SEP,
				  member) < 0)
			child = NULL;
		if (!child) {
			err = &ct_enomem;
			break;
		}
		uint64_t size = archive_entry_size_is_set(ae) &&
				archive_entry_size(ae) > 0 ?
				(uint64_t)archive_entry_size(ae) : 0;
		struct ct_source_entry e = {
			.path = child, .size = size, .nesting = nesting + 1,
		};
		struct member m = { .fd = -1 };
		if (size > w->max_entry) {
			m.too_big = true;
		} else {
			err = read_member(w, a, size, w->opts->names_only, &m);
			if (err) {
				free(child);
				break;
			}
		}
		if (m.error || m.too_big || m.why) {
			bool stop;
			err = report_skipped(w, a, path, member, raw, nesting,
					     &e, &m, &stop);
			member_deinit(&m);
			free(child);
			if (err || stop)
				break;
			continue;
		}
		if (!size)
			e.size = m.len;
		err = walk_buffer(w, child, m.buf ? m.buf : "", m.len, e.size,
				  nesting + 1, m.fd);
		bool partial = m.partial;
		member_deinit(&m);
		free(child);
		if (err)
			break;
		if (partial && !pass_member(w, a)) {
			err = archive_error(w, path, nesting, "cannot read "
					    "archive '%s' after member '%s': "
					    "getting past it took longer than "
					    "%u s (the case time limit); the "
					    "rest is not read", path, member,
					    w->opts->entry_timeout);
			break;
		}
	}
	free(member);
	return err;
}

/* One leaf or nested container held in memory, or (fd >= 0) in the
 * mapped file fd. */
static struct ct_error *walk_buffer(struct walk *w, const char *path,
				    const char *buf, size_t len, uint64_t size,
				    int nesting, int fd)
{
	struct ct_source_entry e = {
		.path = path, .size = size, .nesting = nesting,
	};
	if (!ct_source_is_container(buf, len)) {
		if (!w->opts->names_only) {
			e.data = buf;
			e.len = len;
			e.mapped = fd >= 0;
			e.fd = fd;
		}
		return report(w, &e);
	}
	if (nesting > CT_SOURCE_MAX_NESTING) {
		e.skipped = "archive nested too deep";
		return report(w, &e);
	}
	bool held = fd < 0;
	if (held && (len > CT_SOURCE_MAX_HELD ||
		     w->held > CT_SOURCE_MAX_HELD - len)) {
		e.skipped = "nested archives too large to hold in memory";
		return report(w, &e);
	}
	struct archive *a;
	struct ct_error *err = archive_new(&a);
	if (err)
		return err;
	int r = held ? archive_read_open_memory(a, buf, len)
		     : lseek(fd, 0, SEEK_SET) == 0
		     ? archive_read_open_fd(a, fd, CHUNK) : ARCHIVE_FATAL;
	if (r != ARCHIVE_OK) {
		char *msg;
		const char *why = archive_error_string(a);
		if (asprintf(&msg, "cannot read archive '%s' before the first "
			     "member: %s", path,
			     why ? why : "unknown format") < 0) {
			err = &ct_enomem;
		} else {
			e.error = msg;
			err = report(w, &e);
			free(msg);
		}
	} else {
		if (held)
			w->held += len;
		err = walk_archive(w, a, path, nesting);
		if (held)
			w->held -= len;
	}
	archive_read_free(a);
	return err;
}

/* Read a whole file of at most max bytes. */
static struct ct_error *read_fd(int fd, const char *path, size_t max,
				char **ret, size_t *ret_len, bool *ret_too_big)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	*ret_too_big = false;
	for (;;) {
		if (!ct_grow((void **)&buf, &cap, len + 65536, 1)) {
			free(buf);
			return &ct_enomem;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return ct_error_os(e, path, "cannot read");
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			*ret_too_big = true;
			return NULL;
		}
	}
	*ret = buf;
	*ret_len = len;
	return NULL;
}

/* A file on disk: a container is streamed through libarchive, anything
 * else read whole (up to the limit). */
static struct ct_error *walk_file_at(struct walk *w, const char *path,
				     uint64_t size);

/* Keep the count of bytes on disk done, for progress. */
static struct ct_error *walk_file(struct walk *w, const char *path,
				  uint64_t size)
{
	w->disk_size = size;
	struct ct_error *err = walk_file_at(w, path, size);
	w->disk = NULL;
	w->disk_size = 0;
	w->disk_done += size;
	return err;
}

/* libarchive's read callback over a gunzip.c stream. */
static la_ssize_t gunzip_read(struct archive *a, void *arg,
			      const void **ret_buf)
{
	struct ct_gunzip *gz = arg;
	ssize_t n = ct_gunzip_read(gz, ret_buf);
	/* -1: libarchive's ARCHIVE_ERRNO_MISC (archive_private.h) */
	if (n < 0 && ct_gunzip_error(gz))
		archive_set_error(a, -1, "%s", ct_gunzip_error(gz));
	return n;
}

/* The gzip'd tar open as fd (its first bytes in head), inflated by igzip;
 * NULL when it is something else or igzip is not there (libarchive then
 * reads the file with its own filters). */
static struct ct_gunzip *disk_gunzip(int fd, const unsigned char *head,
				     size_t len)
{
	if (len < 2 || head[0] != 0x1f || head[1] != 0x8b)
		return NULL;
	struct ct_gunzip *gz = ct_gunzip_create(fd);
	if (gz && !ct_gunzip_is_tar(gz)) {
		ct_gunzip_destroy(gz);
		gz = NULL;
	}
	return gz;
}

bool ct_source_rereads_cheaply(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	unsigned char head[2];
	ssize_t n;
	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	struct ct_gunzip *gz = n > 0 ? disk_gunzip(fd, head, (size_t)n) : NULL;
	ct_gunzip_destroy(gz);
	close(fd);
	return gz != NULL;
}

static struct ct_error *walk_file_at(struct walk *w, const char *path,
				     uint64_t size)
{
	struct ct_source_entry e = { .path = path, .size = size };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		char *msg;
		if (asprintf(&msg, "cannot open '%s': %s", path,
			     strerror(errno)) < 0)
			return &ct_enomem;
		e.error = msg;
		struct ct_error *err = report(w, &e);
		free(msg);
		return err;
	}
	unsigned char head[HEAD_LEN];
	ssize_t n;
	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	struct ct_error *err = NULL;
	if (n > 0 && !w->opts->disk_only &&
	    ct_source_is_container(head, (size_t)n)) {
		struct archive *a;
		err = archive_new(&a);
		if (err) {
			close(fd);
			return err;
		}
		struct ct_gunzip *gz = disk_gunzip(fd, head, (size_t)n);
		if ((gz ? archive_read_open(a, gz, NULL, gunzip_read, NULL)
			: archive_read_open_fd(a, fd, 65536)) != ARCHIVE_OK) {
			char *msg;
			const char *why = archive_error_string(a);
			if (asprintf(&msg, "cannot read archive '%s' before the first "
			     "member: %s",
				     path, why ? why : "unknown format") < 0) {
				err = &ct_enomem;
			} else {
				e.error = msg;
				err = report(w, &e);
				free(msg);
			}
		} else {
			w->disk = a;
			w->disk_gz = gz;
			err = walk_archive(w, a, path, 0);
			w->disk = NULL;
			w->disk_gz = NULL;
		}
		archive_read_free(a);
		ct_gunzip_destroy(gz);
		close(fd);
		return err;
	}
	if (w->opts->names_only || w->opts->disk_only ||
	    size > w->max_entry) {
		close(fd);
		if (size > w->max_entry)
			e.skipped = "larger than the entry size limit";
		return report(w, &e);
	}
	if (size > CT_SOURCE_MAX_MEMORY) {
		/* read in place, as analyze does */
		void *map;
		size_t len;
		err = ct_map_fd(fd, path, &map, &len);
		if (err) {
			close(fd);
			return report_failure(w, &e, err);
		}
		(void)madvise(map, len, MADV_SEQUENTIAL);
		e.data = map;
		e.len = len;
		e.mapped = true;
		e.fd = fd;
		err = report(w, &e);
		ct_unmap_file(map, len);
		close(fd);
		return err;
	}
	char *buf = NULL;
	size_t len = 0;
	bool too_big;
	err = read_fd(fd, path, CT_SOURCE_MAX_MEMORY, &buf, &len, &too_big);
	close(fd);
	if (err)
		return report_failure(w, &e, err);
	if (too_big) {
		e.skipped = "larger than the entry size limit";
		return report(w, &e);
	}
	e.data = buf ? buf : "";
	e.len = len;
	err = report(w, &e);
	free(buf);
	return err;
}

static struct ct_error *walk_path(struct walk *w, const char *path,
				  int depth);

static struct ct_error *walk_dir(struct walk *w, const char *path, int depth)
{
	if (depth > CT_MAX_DEPTH) {
		struct ct_source_entry e = {
			.path = path, .skipped = "folders nested too deep",
		};
		return report(w, &e);
	}
	char **names;
	size_t count;
	struct ct_error *err = ct_dir_names(path, CT_MAX_FILES, &names, &count);
	if (err)
		return err;
	for (size_t i = 0; i < count && !err; i++) {
		char *child;
		size_t plen = strlen(path);
		bool slash = plen && path[plen - 1] == '/';
		if (asprintf(&child, "%s%s%s", path, slash ? "" : "/",
			     names[i]) < 0) {
			err = &ct_enomem;
			break;
		}
		err = walk_path(w, child, depth + 1);
		/* a folder we cannot open inside the walk is one bad entry */
		if (err && err != &ct_enomem && err->code == CT_ERROR_OS) {
			struct ct_source_entry e = { .path = child };
			err = report_failure(w, &e, err);
		}
		free(child);
	}
	ct_names_free(names, count);
	return err;
}

static struct ct_error *walk_path(struct walk *w, const char *path, int depth)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return ct_error_os(errno, path, "cannot read");
	/* follow links to files, never to folders: no loops */
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			return NULL;
		if (w->root_real && !ct_path_is_inside(w->root_real, path)) {
			struct ct_source_entry e = {
				.path = path, .skipped = ct_source_skip_link,
			};
			return report(w, &e);
		}
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, path, depth);
	if (S_ISREG(st.st_mode))
		return walk_file(w, path, (uint64_t)st.st_size);
	return NULL;
}

static void walk_init(struct walk *w, const struct ct_source_options *opts,
		      ct_source_fn fn, void *arg)
{
	static const struct ct_source_options defaults;
	memset(w, 0, sizeof(*w));
	w->opts = opts ? opts : &defaults;
	w->max_entry = w->opts->max_entry ? w->opts->max_entry
					  : CT_SOURCE_MAX_ENTRY;
	w->fn = fn;
	w->arg = arg;
	w->chunk = malloc(CHUNK);
}

struct ct_error *ct_source_walk(const char *path,
				const struct ct_source_options *opts,
				ct_source_fn fn, void *arg)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return ct_error_os(errno, path, "cannot read");
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
						   "not a file or folder"),
				   path, 0, 0, false);
	struct walk w;
	walk_init(&w, opts, fn, arg);
	if (!w.chunk)
		return &ct_enomem;
	if (S_ISDIR(st.st_mode) && !w.opts->follow_links &&
	    !(w.root_real = realpath(path, NULL))) {
		free(w.chunk);
		return ct_error_os(errno, path, "cannot read");
	}
	struct ct_error *err = walk_path(&w, path, 0);
	free(w.root_real);
	free(w.chunk);
	return err;
}

struct ct_error *ct_source_walk_memory(const char *name, const void *buf,
				       size_t len,
				       const struct ct_source_options *opts,
				       ct_source_fn fn, void *arg)
{
	struct walk w;
	walk_init(&w, opts, fn, arg);
	if (!w.chunk)
		return &ct_enomem;
	struct ct_error *err;
	if (len > w.max_entry) {
		struct ct_source_entry e = {
			.path = name, .size = len,
			.skipped = "larger than the entry size limit",
		};
		err = report(&w, &e);
	} else {
		err = walk_buffer(&w, name, buf ? buf : "", len, len, 0, -1);
	}
	free(w.chunk);
	return err;
}

/* ---- support bundles ---------------------------------------------------- */

static bool at_boundary(const char *path, const char *p)
{
	return p == path || p[-1] == '/' || p[-1] == CT_SOURCE_SEP;
}

/* Position of component sequence needle in path at a boundary, or NULL. */
static const char *find_component(const char *path, const char *needle)
{
	for (const char *p = strstr(path, needle); p;
	     p = strstr(p + 1, needle))
		if (at_boundary(path, p))
			return p;
	return NULL;
}

static struct ct_error *add_root(struct ct_bundle_plan *plan,
				 const char *path, size_t len,
				 const char *kind)
{
	/* entries of one bundle mostly come together: try the last first */
	for (size_t k = plan->count; k-- > 0;) {
		size_t i = k;
		if (strlen(plan->roots[i].prefix) == len &&
		    strncmp(plan->roots[i].prefix, path, len) == 0)
			return NULL;
	}
	if (!ct_grow((void **)&plan->roots, &plan->cap, plan->count + 1,
		     sizeof(*plan->roots)))
		return &ct_enomem;
	struct ct_bundle_root *r = &plan->roots[plan->count];
	r->prefix = strndup(path, len);
	if (!r->prefix)
		return &ct_enomem;
	r->kind = kind;
	r->entries = 0;
	plan->count++;
	return NULL;
}

static struct ct_error *add_pending(struct ct_bundle_plan *plan, char tag,
				    const char *path, size_t len)
{
	if (!ct_grow((void **)&plan->pending, &plan->pending_cap,
		     plan->pending_count + 1, sizeof(*plan->pending)))
		return &ct_enomem;
	char *s = malloc(len + 2);
	if (!s)
		return &ct_enomem;
	s[0] = tag;
	memcpy(s + 1, path, len);
	s[len + 1] = '\0';
	plan->pending[plan->pending_count++] = s;
	return NULL;
}

struct ct_error *ct_bundle_plan_add(struct ct_bundle_plan *plan,
				    const char *path)
{
	static const char vl[] = "commands/vmware_-vl.txt";
	size_t len = strlen(path);
	const char *p;
	/* the root is everything before the marker, and only the innermost
	 * marker of a path counts (a bundle copied inside another) */
	if (len >= sizeof(vl) - 1 &&
	    strcmp(path + len - (sizeof(vl) - 1), vl) == 0 &&
	    at_boundary(path, path + len - (sizeof(vl) - 1)))
		return add_root(plan, path, len - (sizeof(vl) - 1),
				"vm-support");
	if ((p = find_component(path, "etc/vmware/vm-support/")))
		return add_root(plan, path, (size_t)(p - path), "vm-support");
	if ((p = find_component(path, "sos_commands/")))
		return add_root(plan, path, (size_t)(p - path), "sosreport");
	const char *slash = strrchr(path, '/');
	const char *sep = strrchr(path, CT_SOURCE_SEP);
	const char *base = slash > sep ? slash + 1 : sep ? sep + 1 : path;
	if (strcmp(base, "basic-environment.txt") == 0)
		return add_pending(plan, 'E', path, (size_t)(base - path));
	if (strcmp(base, "supportconfig.txt") == 0)
		return add_pending(plan, 'S', path, (size_t)(base - path));
	return NULL;
}

static int compare_roots(const void *a, const void *b)
{
	return strcmp(((const struct ct_bundle_root *)a)->prefix,
		      ((const struct ct_bundle_root *)b)->prefix);
}

struct ct_error *ct_bundle_plan_finish(struct ct_bundle_plan *plan)
{
	for (size_t i = 0; i < plan->pending_count; i++) {
		if (plan->pending[i][0] != 'E')
			continue;
		for (size_t j = 0; j < plan->pending_count; j++)
			if (plan->pending[j][0] == 'S' &&
			    strcmp(plan->pending[i] + 1,
				   plan->pending[j] + 1) == 0) {
				struct ct_error *err = add_root(
					plan, plan->pending[i] + 1,
					strlen(plan->pending[i] + 1),
					"supportconfig");
				if (err)
					return err;
				break;
			}
	}
	if (plan->count)
		qsort(plan->roots, plan->count, sizeof(*plan->roots),
		      compare_roots);
	return NULL;
}

/* The first *(size_t *)arg bytes of path (key) against a root's prefix,
 * for ct_bsearch_find(). */
static int prefix_cmp(const void *key, const void *elem, void *arg)
{
	const char *path = key;
	const char *pre = ((const struct ct_bundle_root *)elem)->prefix;
	size_t n = *(const size_t *)arg;
	int cmp = strncmp(pre, path, n);
	if (cmp == 0)
		cmp = pre[n] ? 1 : 0;
	return -cmp;
}

struct ct_bundle_root *ct_bundle_plan_find(const struct ct_bundle_plan *plan,
					   const char *path)
{
	if (!plan->count)
		return NULL;
	/* try the prefixes of path that end at a separator, longest first,
	 * then the empty prefix */
	size_t len = strlen(path);
	for (size_t i = len + 1; i-- > 0;) {
		if (i && path[i - 1] != '/' && path[i - 1] != CT_SOURCE_SEP)
			continue;
		size_t k = ct_bsearch_find(path, plan->roots, plan->count,
					   sizeof(*plan->roots), prefix_cmp, &i);
		if (k < plan->count)
			return &plan->roots[k];
	}
	return NULL;
}

bool ct_is_archive_name(const char *path)
{
	static const char *const suffixes[] = {
		".tar", ".tgz", ".tar.gz", ".tar.xz", ".txz", ".tar.bz2",
		".tbz2", ".tbz", ".tar.zst", ".tzst", ".zip", ".7z",
	};
	size_t len = strlen(path);
	for (size_t i = 0; i < CT_ARRAY_SIZE(suffixes); i++) {
		size_t n = strlen(suffixes[i]);
		if (len > n && strcasecmp(path + len - n, suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* Is any marker (sorted) below the prefix [p, p+len)? */
static bool has_marker(char *const *markers, size_t count, const char *p,
		       size_t len)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {	/* the first marker not before the prefix */
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(markers[mid], p, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < count && strncmp(markers[lo], p, len) == 0 &&
	       markers[lo][len] != '\0';
}

struct ct_error *ct_bundle_plan_group(struct ct_bundle_plan *plan,
				      char *const *names, size_t count,
				      size_t base, bool base_container)
{
	/* what makes a folder a container: a bundle's root, a nested
	 * archive's path (up to its separator), an archive's name */
	char **markers = NULL;
	size_t n = 0, cap = 0;
	struct ct_error *err = NULL;
	for (size_t i = 0; i < plan->count + count && !err; i++) {
		const char *m;
		size_t len;
		if (i < plan->count) {
			m = plan->roots[i].prefix;
			len = strlen(m);
		} else {
			m = names[i - plan->count];
			const char *sep = strlen(m) > base
				? strchr(m + base, CT_SOURCE_SEP) : NULL;
			if (sep)
				len = (size_t)(sep - m) + 1;
			else if (ct_is_archive_name(m))
				len = strlen(m);
			else
				continue;
		}
		if (!ct_grow((void **)&markers, &cap, n + 1, sizeof(*markers)) ||
		    !(markers[n] = strndup(m, len)))
			err = &ct_enomem;
		else
			n++;
	}
	if (!err && n)
		qsort(markers, n, sizeof(*markers), ct_strptr_cmp);
	/* each entry's folder case, when it has one; added at the end, so
	 * that the plan holds only bundles while entries are judged */
	char **cases = NULL;
	size_t case_count = 0, case_cap = 0;
	for (size_t i = 0; i < count && !err; i++) {
		const char *name = names[i];
		if (strlen(name) <= base || ct_bundle_plan_find(plan, name))
			continue;	/* a bundle's entry: the bundle */
		size_t pos = base, len = 0;
		if (!base_container && !has_marker(markers, n, name, base))
			len = base;	/* the whole folder is one case */
		while (!len) {
			const char *sep = name + pos;
			while (*sep && *sep != '/' && *sep != CT_SOURCE_SEP)
				sep++;
			if (!*sep)
				break;	/* a file in a container: its own case */
			size_t end = (size_t)(sep - name) + 1;
			if (*sep == '/' && !has_marker(markers, n, name, end))
				len = end;	/* a folder that is one case */
			pos = end;	/* else a container: look inside */
		}
		if (!len || (case_count &&
			     strlen(cases[case_count - 1]) == len &&
			     strncmp(cases[case_count - 1], name, len) == 0))
			continue;
		if (!ct_grow((void **)&cases, &case_cap, case_count + 1,
			     sizeof(*cases)) ||
		    !(cases[case_count] = strndup(name, len)))
			err = &ct_enomem;
		else
			case_count++;
	}
	if (!err && case_count)
		qsort(cases, case_count, sizeof(*cases), ct_strptr_cmp);
	for (size_t i = 0; i < case_count; i++) {
		bool again = i && strcmp(cases[i], cases[i - 1]) == 0;
		if (!err && !again && !ct_grow((void **)&plan->roots,
					       &plan->cap, plan->count + 1,
					       sizeof(*plan->roots)))
			err = &ct_enomem;
		if (!err && !again) {
			plan->roots[plan->count++] = (struct ct_bundle_root){
				.prefix = cases[i], .kind = NULL,
			};
			continue;
		}
		free(cases[i]);
	}
	free(cases);
	if (!err && plan->count)
		qsort(plan->roots, plan->count, sizeof(*plan->roots),
		      compare_roots);
	for (size_t i = 0; i < n; i++)
		free(markers[i]);
	free(markers);
	return err;
}

void ct_bundle_plan_deinit(struct ct_bundle_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		free(plan->roots[i].prefix);
	free(plan->roots);
	for (size_t i = 0; i < plan->pending_count; i++)
		free(plan->pending[i]);
	free(plan->pending);
	memset(plan, 0, sizeof(*plan));
}
