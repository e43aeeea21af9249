/* SPDX-License-Identifier: MIT */
/*
 * batch.c - the batch engine behind "crashtriage batch" (db/batch.h):
 * listing and planning the inputs, reading them case by case, the
 * analysis workers, and the writer thread that stores into the results
 * database.
 *
 * The PATHs are listed on disk first.  Every unpacked support bundle
 * folder (see ct_bundle_plan in analyzer/source.h) is one input; every
 * other file (a loose log, an archive) is one input.  An input is known
 * by its content hash (SHA-256 of the file, or of the names and hashes of
 * a folder's files; a stat cache keyed by path, size, mtime and inode
 * avoids reading stored files again: it trusts those four, and recheck
 * hashes every file again).  A stored input is skipped.  Links in a
 * folder to files outside it are not followed unless follow_links.
 *
 * A new input is read through analyzer/source.c, its names (to find the
 * bundles in it) before its data, one entry at a time: a folder is walked
 * twice, and so is a tgz that igzip inflates (about 1 GB/s on the 2-core
 * bench machine: the listing pass costs less than keeping the entries);
 * another archive once, its entries kept in a spool file until all its
 * names are known (see "an archive read once" below).  Entries of a
 * bundle go into one case, other entries are a case each; each case is
 * analysed, matched and stored whole, and the input is marked done after
 * its last case, in the same transaction or a later one.  After a kill,
 * the rerun skips the cases already stored and finishes the input.
 *
 * Inside a case, consecutive vm-support fragments NAME.FRAG-00000,
 * NAME.FRAG-00001, ... are joined into one entry NAME before analysis (a
 * split log line stays whole); fragments outside a bundle are cases of
 * their own and are not joined.
 *
 * Inputs of any size are read in bounded memory (analyzer/source.h:
 * big files mapped, big members spooled and mapped); what is not read
 * (over max_member, nested too deep, no room to spool) is a failed
 * case with its reason, or a note on its bundle, counted in the stats.
 * A case's analysis runs on a worker the writer watches (and the part of
 * a big bundle the reader analyses itself, on a thread it watches): over
 * case_timeout, the case is stored failed and the thread is left to
 * finish and free its job.
 *
 * With jobs > 1, three stages run at once: the calling thread reads the
 * inputs and groups their entries into cases; jobs worker threads
 * analyse and match them; one writer thread stores them in the order
 * they were completed (the database is the same for every number of
 * jobs), GROUP_CASES cases or GROUP_SECONDS to a transaction, so that
 * commits cost little per case.  With one job the stages take turns on
 * one core (solo_drain): the calling thread reads a queue of cases,
 * waits while the one worker analyses them, and stores them itself.  A
 * kill -9 loses at most the group not committed yet, never part of a
 * case; the reader's own few statements (stat cache, new inputs) are
 * serialised with the writer's by db_mu.
 *
 * It lives in db/ because it is the stage that fills the results store:
 * sources, extractors and the matcher are what it calls, results.c is
 * where it writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "analyzer/multiscan.h"
#include "analyzer/sha256.h"
#include "analyzer/source.h"
#include "db/batch.h"
#include "db/results.h"
#include "rules/autowalk.h"
#include "rules/match.h"


struct disk_file {
	char *path;
	uint64_t size;
};

/* A unit of work: one input. */
struct unit {
	char *path;		/* file, or bundle folder without trailing / */
	const char *kind;	/* "file", "archive", "folder" */
	const char *bundle;	/* bundle kind of a folder, else NULL */
	size_t first, count;	/* its files in the disk list */
};

struct pool;

struct ct_batch {
	struct ct_results *db;
	pthread_mutex_t db_mu;	/* db is used by the reader and the writer */
	int lock_fd;		/* flock(2) held on the database file */
	struct pool *pool;	/* analysis and writer threads, NULL until
				 * the first ct_batch_add_paths() */
	char *db_path;		/* its files are never inputs */
	const struct ct_kb *kb;
	struct ct_batch_options opts;
	bool recheck;		/* no stat cache lookups */
	bool follow_links;
	unsigned case_timeout;	/* seconds of analysis a case may take,
				 * 0 = no limit */
	uint64_t max_member;	/* 0 = the default */
	struct ct_batch_stats st; /* totals */
};

/* Tell the caller how far the batch is. */
static void show_progress(struct ct_batch *b, bool force)
{
	if (!b->opts.progress)
		return;
	struct ct_batch_stats st;
	ct_batch_get_stats(b, &st);
	b->opts.progress(b->opts.arg, &st, force);
}

/* The reader's use of the database, between the writer's cases (it may
 * join the writer's open group transaction: a statement is whole). */
static void db_lock(struct ct_batch *b)
{
	pthread_mutex_lock(&b->db_mu);
}

static void db_unlock(struct ct_batch *b)
{
	pthread_mutex_unlock(&b->db_mu);
}

/* Tell the caller about a PATH skipped or not readable. */
static void warn(const struct ct_batch *b, const char *msg)
{
	if (b->opts.warn)
		b->opts.warn(b->opts.arg, msg);
}

/* ---- listing the PATHs -------------------------------------------------- */

struct disk_list {
	const struct ct_batch *b;	/* told of links skipped */
	const char *db_path;
	struct stat db_st;	/* the database file: never an input, by any
				 * name (a hard link, a link to it) */
	bool db_st_valid;
	struct disk_file *files;
	size_t count, cap;
};

/* Whether path is the results database or one of its side files. */
static bool is_database(const char *db_path, const char *path)
{
	const char *db_base = strrchr(db_path, '/');
	const char *base = strrchr(path, '/');
	db_base = db_base ? db_base + 1 : db_path;
	base = base ? base + 1 : path;
	size_t n = strlen(db_base);
	if (strncmp(base, db_base, n) != 0)
		return false;
	const char *suffix = base + n;
	if (*suffix && strcmp(suffix, "-wal") != 0 &&
	    strcmp(suffix, "-shm") != 0 && strcmp(suffix, "-journal") != 0 &&
	    strcmp(suffix, "-batch.lock") != 0)
		return false;
	char *a = realpath(db_path, NULL);
	char *dir = strndup(path, (size_t)(base - path));
	char *b = dir ? realpath(*dir ? dir : ".", NULL) : NULL;
	bool same = false;
	if (a && b) {
		char *slash = strrchr(a, '/');
		same = slash && strlen(b) == (size_t)(slash - a) &&
		       strncmp(a, b, (size_t)(slash - a)) == 0;
	}
	free(a);
	free(b);
	free(dir);
	return same;
}

static struct ct_error *list_file(void *arg, const struct ct_source_entry *e)
{
	struct disk_list *l = arg;
	if (l->db_path && is_database(l->db_path, e->path))
		return NULL;
	struct stat st;
	if (l->db_st_valid && stat(e->path, &st) == 0 &&
	    st.st_dev == l->db_st.st_dev && st.st_ino == l->db_st.st_ino)
		return NULL;
	if (e->skipped == ct_source_skip_link) {
		char *msg;
		if (asprintf(&msg, "'%s': %s", e->path, e->skipped) < 0)
			return &ct_enomem;
		warn(l->b, msg);
		free(msg);
		return NULL;
	}
	if (!ct_grow((void **)&l->files, &l->cap, l->count + 1,
		     sizeof(*l->files)))
		return &ct_enomem;
	l->files[l->count].path = strdup(e->path);
	if (!l->files[l->count].path)
		return &ct_enomem;
	l->files[l->count].size = e->size;
	l->count++;
	return NULL;
}

/* Hash a file's content, through the stat cache. */
static struct ct_error *file_hash(struct ct_batch *b, const char *path,
				  char ret[65], const char **ret_kind)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_os(errno, path, "cannot open");
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return ct_error_os(e, path, "cannot stat");
	}
	unsigned char head[512];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	*ret_kind = n > 0 && ct_source_is_container(head, (size_t)n) ?
		    "archive" : "file";
	int64_t mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
			   st.st_mtim.tv_nsec;
	bool found = false;
	/* the cache trusts path, size, mtime and inode; --recheck not */
	struct ct_error *err = NULL;
	if (!b->recheck) {
		db_lock(b);
		err = ct_results_stat_lookup(b->db, path, (uint64_t)st.st_size,
					     mtime_ns, (uint64_t)st.st_ino, ret,
					     &found);
		db_unlock(b);
	}
	if (err || found) {
		close(fd);
		return err;
	}
	struct ct_sha256 h;
	ct_sha256_init(&h);
	static char buf[1 << 16];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			return ct_error_os(e, path, "cannot read");
		}
		if (r == 0)
			break;
		ct_sha256_update(&h, buf, (size_t)r);
	}
	close(fd);
	unsigned char d[32];
	ct_sha256_final(&h, d);
	ct_sha256_hex(d, ret);
	db_lock(b);
	err = ct_results_stat_store(b->db, path, (uint64_t)st.st_size,
				    mtime_ns, (uint64_t)st.st_ino, ret);
	db_unlock(b);
	return err;
}

/* ---- reading one input -------------------------------------------------- */

/* A case being filled while its input is read.  The data of its entries
 * is copied into the job (at most FLUSH_BYTES; beyond that the reader
 * analyses what it holds itself), and the job is analysed by a worker
 * thread; the writer stores results in the order the cases were
 * completed, so the database is the same whatever the number of jobs. */
enum { FLUSH_BYTES = 64 << 20 };
/* Data the jobs waiting for a worker may hold (at least one job). */
#define QUEUED_BYTES ((uint64_t)2 * FLUSH_BYTES)
#define FRAG_MAX ((size_t)512 << 20)	/* bytes of joined fragments */

struct pending {
	char *path;
	char *data;		/* NULL for an unread entry */
	size_t len;
	bool mapped;		/* data is a mapping (ct_map_fd), else
				 * heap */
	uint64_t size;
	char *reason;		/* why unread (error or skipped) */
	bool error;		/* reason is an error: also a note */
};

struct job {
	char *key;		/* root prefix of a bundle, or entry path */
	char *member;		/* key relative to the input */
	const char *bundle;	/* bundle kind or NULL */
	int64_t input_id;
	struct ct_case *c;	/* the case being filled */
	char *error;		/* a loose entry that could not be read */
	struct pending *items;	/* entries not analysed yet, in order */
	size_t item_count, item_cap;
	size_t bytes;		/* data held in items */
	struct ct_error *err;	/* analysis failed (no memory) */
	char *frag_path;	/* vm-support NAME.FRAG-NNNNN being joined:
				 * NAME, or NULL */
	char *frag_data;	/* the fragments so far, in order */
	size_t frag_len, frag_cap;
	unsigned frag_next;	/* number of the next fragment */
	bool frag_too_big;	/* the joined file passed the limit */
	bool done;		/* analysed (by a worker) */
	bool abandoned;		/* over the time limit: the worker frees it */
	bool timed_out;		/* a replacement for an abandoned case:
				 * later entries are dropped */
	double spent;		/* seconds of analysis so far */
	double started;		/* when a worker took it (monotonic), or 0 */
	bool input_done;	/* not a case: the mark that input_id is
				 * done (error: its first error) */
	size_t held;		/* bytes counted in queued_bytes */
	bool walks;		/* the rules name structure walks */
	struct core_spool *spools; /* cores from archives, on disk for them */
	size_t spool_count;
	struct pool_worker *owner; /* the worker that analysed it, or NULL */
	struct job *next;	/* work queue link */
};

/* A core read from an archive, written to a temporary file because a
 * rule's structure walk opens a core by its path (libdw reads it). */
struct core_spool {
	size_t input;		/* the case's input */
	char *path;		/* removed when the walks are done */
};

/*
 * The pipeline: the reader (the calling thread) submits each case, and
 * each input's done mark after its cases, into a ring in the order they
 * were completed; workers analyse the cases; the writer thread stores
 * the ring in order, committing groups of cases.
 */
/* A worker thread: the stored jobs it analysed come back to it to be
 * freed, so that a case's memory is freed by the thread that allocated
 * it (freed on the writer, each of a case's many blocks went back to
 * the worker's malloc arena under its lock, while the worker used it). */
struct pool_worker {
	struct pool *p;
	struct job *dead;	  /* stored, to free (p->mu) */
	struct pool_worker *next; /* all of the pool's workers */
};

struct pool {
	struct ct_batch *b;
	pthread_mutex_t mu;	/* guards what follows, and b->st's cases
				 * and failed */
	pthread_cond_t work;	/* a job was queued, or stop */
	size_t live;		/* worker threads running */
	struct pool_worker *workers; /* every worker started, freed by
				      * pool_stop() */
	size_t stuck;		/* of them, on an abandoned job */
	pthread_cond_t done;	/* the ring was empty, the reader waits,
				 * flush or stop: the writer looks (it
				 * also looks every POLL_SECONDS) */
	pthread_cond_t room;	/* the reader may go on (relieved()), or
				 * the writer committed or failed */
	struct job *head, *tail; /* queued for a worker */
	size_t idle;		/* workers waiting for a job */
	size_t queued;		/* jobs submitted and not analysed yet */
	size_t queued_max;	/* the reader waits at this many... */
	uint64_t queued_bytes;	/* ...or this much data held by them */
	bool reader_waiting;	/* until relieved(): signal room */
	struct job **inflight;	/* submitted, not stored: FIFO ring */
	size_t in_head, in_count, in_cap;
	bool stop;		/* no more jobs: threads end when idle */
	bool flush;		/* the reader waits: commit when the ring
				 * is empty */
	bool started;		/* pool_start ran: there is something to
				 * stop */
	bool solo;		/* one core: no writer thread, the reader
				 * stores (solo_drain) */
	pthread_t writer;
	bool writer_live;	/* writer was created: join it */
	bool failed;		/* the writer met an error: it stores
				 * nothing more */
	struct ct_error *err;	/* that error, until the reader takes it */
	bool uncommitted;	/* stored cases not committed yet (the
				 * writer's group_open, for the reader) */
	/* the writer's own: */
	bool group_open;	/* a group transaction is open */
	size_t group_cases;	/* jobs stored in it */
	double group_since;	/* when it began (monotonic) */
};

struct open_case {
	char *key;		/* NULL once finished */
	const struct ct_bundle_root *root; /* NULL for a loose entry */
	struct job *job;	/* NULL when the case is already stored */
	size_t seen;		/* entries handled */
};

struct input_run {
	struct ct_batch *b;
	const struct unit *u;
	int64_t input_id;
	struct ct_bundle_plan plan;
	char **names;		/* names pass */
	size_t name_count, name_cap;
	struct open_case *open;	/* open cases in order of creation */
	size_t open_count, open_cap;
	char *first_error;	/* first error met in this input */
	size_t entries;		/* entries of the data pass */
	const char *sha;	/* content hash of an archive whose cases
				 * are sharded one by one, else NULL */
	bool resumed;		/* cases of it may be stored (by an earlier
				 * run): look each one up */
};

static void pending_deinit(struct pending *p)
{
	free(p->path);
	if (p->mapped)
		ct_unmap_file(p->data, p->len);
	else
		free(p->data);
	p->data = NULL;
	free(p->reason);
}

static void spools_remove(struct job *j)
{
	for (size_t i = 0; i < j->spool_count; i++) {
		unlink(j->spools[i].path);
		free(j->spools[i].path);
	}
	free(j->spools);
	j->spools = NULL;
	j->spool_count = 0;
}

/*
 * The entry just added to j's case is a core read from an archive, and
 * rules name walks: write its bytes to a temporary file in $TMPDIR for
 * them, if they fit (the spool reserve of analyzer/source.h stays free);
 * else a note says why the walks did not run.
 */
static struct ct_error *spool_core(struct job *j, const struct pending *p)
{
	size_t input = j->c->input_count - 1;
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	struct statvfs sv;
	uint64_t room = statvfs(dir, &sv) == 0
		? (uint64_t)sv.f_bavail * sv.f_frsize : 0;
	if (room < CT_SOURCE_SPOOL_RESERVE ||
	    p->len > room - CT_SOURCE_SPOOL_RESERVE)
		return ct_case_add_note(j->c, "structure walks not run on %s: "
					"no room in %s to spool it", p->path,
					dir);
	char *path;
	if (asprintf(&path, "%s/crashtriage-core.XXXXXX", dir) < 0)
		return &ct_enomem;
	int fd = mkstemp(path);
	bool ok = fd >= 0;
	for (size_t done = 0; ok && done < p->len;) {
		ssize_t n = write(fd, p->data + done, p->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok) {
		int e = errno;
		if (fd >= 0)
			unlink(path);
		free(path);
		return ct_case_add_note(j->c, "structure walks not run on %s: "
					"cannot spool it in %s: %s", p->path,
					dir, strerror(e));
	}
	struct core_spool *grown = realloc(j->spools, (j->spool_count + 1) *
						      sizeof(*j->spools));
	if (!grown) {
		unlink(path);
		free(path);
		return &ct_enomem;
	}
	j->spools = grown;
	j->spools[j->spool_count++] = (struct core_spool){ input, path };
	return NULL;
}

/* Run the rules' walks over the case's cores: read from their spool file
 * or, on disk, from where they are. */
static struct ct_error *job_walk(struct job *j, const struct ct_kb *kb)
{
	struct ct_error *err = NULL;
	for (size_t i = 0; i < j->c->input_count && !err; i++) {
		const struct ct_input *in = &j->c->inputs[i];
		if (!ct_kb_walk_input(in))
			continue;
		const char *file = NULL;
		for (size_t k = 0; k < j->spool_count; k++)
			if (j->spools[k].input == i)
				file = j->spools[k].path;
		if (!file && !strchr(in->path, CT_SOURCE_SEP))
			file = in->path;
		if (file)
			err = ct_kb_walk_core_file(kb, j->c, i, file, NULL);
	}
	spools_remove(j);
	return err;
}

static void job_destroy(struct job *j)
{
	if (!j)
		return;
	spools_remove(j);
	for (size_t i = 0; i < j->item_count; i++)
		pending_deinit(&j->items[i]);
	free(j->items);
	ct_case_destroy(j->c);
	ct_error_destroy(j->err);
	free(j->key);
	free(j->member);
	free(j->error);
	free(j->frag_path);
	free(j->frag_data);
	free(j);
}

/* Analyse the entries a job still holds, in order. */
static struct ct_error *job_flush(struct job *j)
{
	struct ct_error *err = NULL;
	for (size_t i = 0; i < j->item_count; i++) {
		struct pending *p = &j->items[i];
		uint64_t lost;
		if (!err && p->data) {
			err = ct_case_add_text(j->c, p->path, p->data, p->len);
			const struct ct_input *in =
				&j->c->inputs[j->c->input_count - 1];
			if (!err && j->walks && ct_kb_walk_input(in) &&
			    strchr(p->path, CT_SOURCE_SEP))
				err = spool_core(j, p);
			if (!err && p->mapped && ct_map_lost(p->data, &lost))
				err = ct_case_add_note_lost(j->c, p->path, lost,
							    p->len);
		} else if (!err)
			err = ct_case_add_unread(j->c, p->path, p->size,
						 p->reason);
		if (!err && p->error)
			err = ct_case_add_note(j->c, "%s", p->reason);
		pending_deinit(p);
	}
	j->item_count = 0;
	j->bytes = 0;
	return err;
}

/* Analyses given up (over --case-timeout) whose threads still run: they
 * use the knowledge base, which must then outlive the batch. */
static atomic_size_t abandoned_running;

static double mono_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A condition variable whose timed waits are on CLOCK_MONOTONIC. */
static void cond_init_mono(pthread_cond_t *cv)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* CLOCK_MONOTONIC time secs from now (none when secs < 0), for a
 * condition variable made by cond_init_mono(). */
static struct timespec mono_deadline(double secs)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (secs < 0)
		secs = 0;
	t.tv_sec += (time_t)secs;
	t.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* For tests only: CRASHTRIAGE_TEST_CASE_DELAY="TEXT:SECONDS" makes the
 * analysis of every case whose name contains TEXT take SECONDS longer, a
 * slow input on demand for the --case-timeout tests. */
static void test_delay(const struct job *j)
{
	const char *v = getenv("CRASHTRIAGE_TEST_CASE_DELAY");
	const char *colon = v ? strrchr(v, ':') : NULL;
	if (!colon || !memmem(j->key, strlen(j->key), v, (size_t)(colon - v)))
		return;
	double secs = atof(colon + 1);
	struct timespec t = { (time_t)secs,
			      (long)((secs - (double)(time_t)secs) * 1e9) };
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* Everything after the last entry: flush, sign, match. */
static void job_analyse(struct job *j, const struct ct_kb *kb)
{
	test_delay(j);
	struct ct_error *err = job_flush(j);
	if (!err && !j->error)
		err = ct_case_finish(j->c);
	/* structures the rules name, walked in cores, then match */
	if (!err && !j->error && kb && j->walks)
		err = job_walk(j, kb);
	if (!err && !j->error && kb)
		err = ct_kb_match(kb, j->c);
	j->err = err;
}

/* Whether the reader, waiting for room, may go on: the ring has room and
 * the workers' queue is down to half (the reader then submits a run of
 * jobs instead of waking for each one).  p->mu held. */
static bool relieved(const struct pool *p)
{
	return p->in_count < p->in_cap && p->queued <= p->queued_max / 2 &&
	       (!p->queued || p->queued_bytes <= QUEUED_BYTES / 2);
}

/* Whether the reader must wait before submitting.  p->mu held. */
static bool pool_full(const struct pool *p)
{
	return p->in_count == p->in_cap || p->queued >= p->queued_max ||
	       (p->queued && p->queued_bytes > QUEUED_BYTES);
}

/* j is analysed (or given up): off the workers' queue count.  p->mu
 * held. */
static void unqueue(struct pool *p, struct job *j)
{
	p->queued--;
	p->queued_bytes -= j->held;
	if (p->reader_waiting && relieved(p))
		pthread_cond_signal(&p->room);
}

/* Free a list of jobs (linked by next). */
static void jobs_destroy(struct job *list)
{
	while (list) {
		struct job *next = list->next;
		job_destroy(list);
		list = next;
	}
}

/* Free the stored jobs w analysed; p->mu held, released meanwhile. */
static void worker_free_dead(struct pool_worker *w)
{
	struct job *dead = w->dead;
	if (!dead)
		return;
	w->dead = NULL;
	pthread_mutex_unlock(&w->p->mu);
	jobs_destroy(dead);
	pthread_mutex_lock(&w->p->mu);
}

static void *worker(void *arg)
{
	struct pool_worker *w = arg;
	struct pool *p = w->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->head && !p->stop) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->mu);
			p->idle--;
		}
		worker_free_dead(w);
		if (!p->head) {
			if (p->stop)
				break;
			continue;
		}
		struct job *j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		j->started = mono_now();
		pthread_mutex_unlock(&p->mu);
		job_analyse(j, p->b->kb);
		pthread_mutex_lock(&p->mu);
		if (!j->abandoned)
			unqueue(p, j);
		if (j->abandoned) {
			/* stored as timed out meanwhile: drop the result */
			p->stuck--;
			atomic_fetch_sub(&abandoned_running, 1);
			pthread_mutex_unlock(&p->mu);
			job_destroy(j);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		/* the writer finds it when it looks, and gives it back */
		j->owner = w;
		j->done = true;
		/* one core: the reader waits until the queue is done */
		if (p->solo && !p->head)
			pthread_cond_signal(&p->done);
	}
	p->live--;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* One more worker (detached: pool_stop waits for p->live); p->mu held. */
static int worker_start(struct pool *p)
{
	struct pool_worker *w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->p = p;
	pthread_t t;
	int e = pthread_create(&t, NULL, worker, w);
	if (e) {
		free(w);
		return e;
	}
	pthread_detach(t);
	w->next = p->workers;
	p->workers = w;
	p->live++;
	return 0;
}

/* Store an analysed job (or mark its input done); on the writer thread,
 * in the group transaction. */
static struct ct_error *job_store(struct ct_batch *b, struct job *j)
{
	struct ct_error *err = j->err;
	j->err = NULL;
	if (!err && j->input_done) {
		err = ct_results_input_finish(b->db, j->input_id, j->error);
	} else if (!err) {
		struct ct_results_case rc = {
			.input_id = j->input_id, .member = j->member,
			.name = j->key, .bundle = j->bundle,
			.error = j->error, .c = j->c,
		};
		err = ct_results_store_case(b->db, &rc);
	}
	return err;
}

/* A failed job standing for j, whose analysis went over the time limit:
 * the same case, no evidence, the reason. */
static struct job *job_timed_out(const struct ct_batch *b, const struct job *j)
{
	struct job *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->input_id = j->input_id;
	r->bundle = j->bundle;
	r->timed_out = true;
	r->done = true;
	if (!(r->key = strdup(j->key)) || !(r->member = strdup(j->member)) ||
	    asprintf(&r->error, "analysis took longer than %u s "
		     "(--case-timeout): given up", b->case_timeout) < 0) {
		r->error = NULL;
		job_destroy(r);
		return NULL;
	}
	struct ct_error *err = ct_case_create(r->key, &r->c);
	if (err) {
		ct_error_destroy(err);
		job_destroy(r);
		return NULL;
	}
	return r;
}

/* ---- the writer --------------------------------------------------------- */

/* Cases committed together: at most GROUP_CASES, or what GROUP_SECONDS
 * after the group's first brought, whichever comes first.  A kill loses
 * at most the open group, never part of a case. */
enum { GROUP_CASES = 64 };
#define GROUP_SECONDS 0.1
/* How often the writer looks at the ring while jobs are in it. */
#define POLL_SECONDS 0.01

/* When j's analysis goes over the time limit (monotonic seconds), or
 * HUGE_VAL: no limit, or not started. */
static double time_limit(const struct ct_batch *b, const struct job *j)
{
	return b->case_timeout && j->started
		? j->started - j->spent + (double)b->case_timeout
		: HUGE_VAL;
}

/* Whether the writer gives up waiting for j (over the time limit). */
static bool over_time(const struct ct_batch *b, const struct job *j)
{
	return !j->done && mono_now() >= time_limit(b, j);
}

/* Wait on cv with p->mu held, until at most `at` (monotonic seconds). */
static void wait_until(struct pool *p, pthread_cond_t *cv, double at)
{
	double left = at - mono_now();
	if (left <= 0)
		return;
	struct timespec t = mono_deadline(left);
	pthread_cond_timedwait(cv, &p->mu, &t);
}

/* The writer's group transaction: open, or commit it.  Called with
 * p->mu not held; takes the database lock. */
static struct ct_error *group_commit(struct ct_batch *b)
{
	struct pool *p = b->pool;
	pthread_mutex_lock(&b->db_mu);
	struct ct_error *err = ct_results_commit(b->db);
	pthread_mutex_unlock(&b->db_mu);
	p->group_cases = 0;
	p->group_open = false;
	return err;
}

static struct ct_error *group_store(struct ct_batch *b, struct job *j)
{
	struct pool *p = b->pool;
	struct ct_error *err = NULL;
	pthread_mutex_lock(&b->db_mu);
	if (!p->group_open) {
		err = ct_results_begin(b->db);
		p->group_open = !err;
		p->group_since = mono_now();
	}
	if (!err) {
		err = job_store(b, j);
		/* a failed store rolled the group back */
		p->group_open = !err;
		p->group_cases++;
	}
	pthread_mutex_unlock(&b->db_mu);
	if (!err && p->group_cases >= GROUP_CASES)
		err = group_commit(b);
	return err;
}

/* The head of the ring is over the time limit: store it failed in its
 * place, and leave the worker to finish and free it; another worker
 * takes its place.  p->mu held. */
static struct ct_error *give_up(struct ct_batch *b, struct job *j)
{
	struct pool *p = b->pool;
	struct job *r = job_timed_out(b, j);
	if (!r)
		return &ct_enomem;
	j->abandoned = true;
	unqueue(p, j);
	p->stuck++;
	atomic_fetch_add(&abandoned_running, 1);
	p->inflight[p->in_head] = r;
	int e = worker_start(p);
	return e ? ct_error_os(e, NULL, "cannot start a thread") : NULL;
}

/*
 * One step of the writer's work, p->mu held (released while storing):
 * store the head of the ring if it is analysed (first giving it up if it
 * is over the time limit), else commit the open group if it is due.
 * After an error it stores nothing more, and frees what comes; the
 * reader takes the error.  Returns false when there was nothing to do.
 */
static bool writer_step(struct ct_batch *b)
{
	struct pool *p = b->pool;
	struct job *j = p->in_count ? p->inflight[p->in_head] : NULL;
	struct ct_error *err = NULL;
	bool did = true;
	if (j && over_time(b, j)) {
		err = give_up(b, j);
		j = p->inflight[p->in_head];
	}
	if (!err && j && j->done) {
		p->in_head = (p->in_head + 1) % p->in_cap;
		p->in_count--;
		p->uncommitted = true;
		if (p->reader_waiting && relieved(p))
			pthread_cond_signal(&p->room);
		bool failed = p->failed;
		bool is_case = !j->input_done;
		bool failed_case = j->error != NULL;
		struct pool_worker *owner = j->owner;
		pthread_mutex_unlock(&p->mu);
		if (!failed)
			err = group_store(b, j);
		if (!owner)
			job_destroy(j);
		pthread_mutex_lock(&p->mu);
		/* the worker that analysed it frees it */
		if (owner) {
			j->next = owner->dead;
			owner->dead = j;
		}
		if (!failed && !err && is_case) {
			b->st.cases++;
			if (failed_case)
				b->st.failed++;
		}
	} else if (!err && p->group_open &&
		   (mono_now() - p->group_since >= GROUP_SECONDS ||
		    (p->flush && !p->in_count))) {
		pthread_mutex_unlock(&p->mu);
		err = group_commit(b);
		pthread_mutex_lock(&p->mu);
		pthread_cond_broadcast(&p->room);
	} else if (!err) {
		did = false;
	}
	if (err) {
		if (!p->failed) {
			p->failed = true;
			p->err = err;
		} else {
			ct_error_destroy(err);
		}
		pthread_cond_broadcast(&p->room);
	}
	p->uncommitted = p->group_open;
	/* pool_sync() waits for this; a group that filled up was committed
	 * inside group_store(), with no broadcast there */
	if (p->flush && !p->in_count && !p->uncommitted)
		pthread_cond_broadcast(&p->room);
	return did;
}

/* When the writer must look again with nothing new (monotonic seconds,
 * HUGE_VAL for never): when the open group is due and, with jobs in the
 * ring, after poll seconds; p->mu held. */
static double writer_next_look(const struct pool *p, double poll)
{
	double at = p->in_count ? mono_now() + poll : HUGE_VAL;
	if (p->group_open && p->group_since + GROUP_SECONDS < at)
		at = p->group_since + GROUP_SECONDS;
	return at;
}

/*
 * The writer thread: store the jobs of the ring in the order they were
 * submitted (the database is the same for every number of jobs), in
 * groups of cases per transaction.
 */
static void *writer_main(void *arg)
{
	struct ct_batch *b = arg;
	struct pool *p = b->pool;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (writer_step(b))
			continue;
		if (p->stop && !p->in_count && !p->group_open)
			break;
		/* with jobs in the ring, look every POLL_SECONDS (for what
		 * is done, and at the clock) rather than be woken for each
		 * job */
		double at = writer_next_look(p, POLL_SECONDS);
		if (at == HUGE_VAL)
			pthread_cond_wait(&p->done, &p->mu);
		else
			wait_until(p, &p->done, at);
	}
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * -j1 runs on one core: there is no writer thread.  The reader submits
 * cases until the queue is full, then waits while the one worker
 * analyses them all, then stores them itself (the worker stays a thread
 * of its own so that a case over the time limit can be given up; a
 * hand-over per queue, not per case, as waking a thread costs tens of
 * microseconds).  Store what is in the ring and what is due; with
 * p->flush, commit too.  p->mu held.
 */
static void solo_drain(struct ct_batch *b)
{
	struct pool *p = b->pool;
	if (p->head && p->idle)
		pthread_cond_signal(&p->work);
	for (;;) {
		if (writer_step(b))
			continue;
		if ((!p->in_count && !(p->flush && p->group_open)) ||
		    p->failed)
			break;
		/* the worker signals done when the queue is empty */
		double at = writer_next_look(p, HUGE_VAL);
		const struct job *j = p->in_count ? p->inflight[p->in_head]
						  : NULL;
		if (j && !j->done && b->case_timeout) {
			/* a job not started yet has no time limit yet: look
			 * again soon */
			double limit = j->started ? time_limit(b, j)
						  : mono_now() + POLL_SECONDS;
			if (limit < at)
				at = limit;
		}
		if (at == HUGE_VAL)
			pthread_cond_wait(&p->done, &p->mu);
		else
			wait_until(p, &p->done, at);
	}
}

/* Start the threads of -j jobs: one worker on its own (solo_drain), or
 * that many workers and the writer. */
static struct ct_error *pool_start(struct ct_batch *b, size_t jobs)
{
	struct pool *p = b->pool;
	memset(p, 0, sizeof(*p));
	p->b = b;
	p->solo = jobs <= 1;
	size_t n = jobs ? jobs : 1;
	/* analysed cases wait in the ring between the writer's looks (10,000
	 * small cases a second fill 128 places in a POLL_SECONDS look and
	 * stall the reader: 512 took bench-batch.sh's -j2 from 1.07 to
	 * 1.01 s, at the same peak RSS); one core hands over a group's
	 * worth at a time */
	p->in_cap = 2 * n + 512;
	p->queued_max = p->solo ? GROUP_CASES : 4 * n + 4;
	p->inflight = calloc(p->in_cap, sizeof(*p->inflight));
	if (!p->inflight)
		return &ct_enomem;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->room, NULL);
	cond_init_mono(&p->done);
	p->started = true;
	int e = 0;
	if (!p->solo) {
		e = pthread_create(&p->writer, NULL, writer_main, b);
		if (e)
			return ct_error_os(e, NULL, "cannot start a thread");
		p->writer_live = true;
	}
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&p->mu);
		e = worker_start(p);
		pthread_mutex_unlock(&p->mu);
		if (e)
			return ct_error_os(e, NULL, "cannot start a thread");
	}
	return NULL;
}

/* Stop the writer after the ring and the workers after the queue; free
 * what was not stored. */
static void pool_stop(struct pool *p)
{
	if (!p->started)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	p->flush = true;
	if (p->solo)
		solo_drain(p->b);
	pthread_cond_broadcast(&p->work);
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	if (p->writer_live)
		pthread_join(p->writer, NULL);
	pthread_mutex_lock(&p->mu);
	while (p->live > p->stuck)
		pthread_cond_wait(&p->done, &p->mu);
	bool stuck = p->stuck;
	pthread_mutex_unlock(&p->mu);
	ct_error_destroy(p->err);
	p->err = NULL;
	/* workers on an abandoned case still use the pool: it lives on (the
	 * process ends soon) */
	if (stuck)
		return;
	while (p->workers) {
		struct pool_worker *w = p->workers;
		p->workers = w->next;
		jobs_destroy(w->dead);
		free(w);
	}
	for (size_t i = 0; i < p->in_count; i++)
		job_destroy(p->inflight[(p->in_head + i) % p->in_cap]);
	free(p->inflight);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->room);
	memset(p, 0, sizeof(*p));
}

/* The writer's error, once (p->mu held); later calls give a generic one
 * so that the reader stops. */
static struct ct_error *pool_error(struct pool *p)
{
	if (!p->failed)
		return NULL;
	struct ct_error *err = p->err;
	p->err = NULL;
	return err ? err : ct_error_create(CT_ERROR_OS, "the results "
					   "database could not be written");
}

/* Hand j to the writer (behind every job submitted before it) and, unless
 * it is done already (a mark or a failed case), to a worker.  Waits while
 * the ring is full. */
static struct ct_error *pool_submit(struct ct_batch *b, struct job *j)
{
	struct pool *p = b->pool;
	pthread_mutex_lock(&p->mu);
	if (p->solo) {
		if (pool_full(p))
			solo_drain(b);
	} else if (pool_full(p) && !p->failed) {
		p->reader_waiting = true;
		pthread_cond_signal(&p->done);
		while (!relieved(p) && !p->failed)
			pthread_cond_wait(&p->room, &p->mu);
		p->reader_waiting = false;
	}
	struct ct_error *err = pool_error(p);
	if (err) {
		pthread_mutex_unlock(&p->mu);
		job_destroy(j);
		return err;
	}
	p->inflight[(p->in_head + p->in_count) % p->in_cap] = j;
	if (!p->in_count++)
		pthread_cond_signal(&p->done);	/* the writer may sleep */
	j->next = NULL;
	if (!j->done) {
		if (p->tail)
			p->tail->next = j;
		else
			p->head = j;
		p->tail = j;
		j->held = j->bytes;
		p->queued++;
		p->queued_bytes += j->held;
		/* one core: the worker starts when the reader waits */
		if (p->idle && !p->solo)
			pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Wait until everything submitted is stored and committed. */
static struct ct_error *pool_sync(struct ct_batch *b)
{
	struct pool *p = b->pool;
	if (!p || !p->started)
		return NULL;
	pthread_mutex_lock(&p->mu);
	p->flush = true;
	if (p->solo)
		solo_drain(b);
	pthread_cond_broadcast(&p->done);
	while ((p->in_count || p->uncommitted) && !p->failed)
		pthread_cond_wait(&p->room, &p->mu);
	p->flush = false;
	struct ct_error *err = pool_error(p);
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* Mark the input done behind its cases: the mark is committed with the
 * last of them or after it, so a rerun after a kill finishes the input. */
static struct ct_error *submit_input_done(struct ct_batch *b, int64_t id,
					  const char *error)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j || (error && !(j->error = strdup(error)))) {
		free(j);
		return &ct_enomem;
	}
	j->input_id = id;
	j->input_done = true;
	j->done = true;
	return pool_submit(b, j);
}

/* A run of job_flush watched by the reader. */
struct watch {
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* done */
	struct job *j;		/* the job, moved out of the caller's */
	bool done;		/* the run ended */
	bool abandoned;		/* the reader gave up: the thread frees */
	struct ct_error *err;	/* job_flush's error */
};

static void watch_free(struct watch *w)
{
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

static void *watch_main(void *arg)
{
	struct watch *w = arg;
	w->err = job_flush(w->j);
	pthread_mutex_lock(&w->mu);
	w->done = true;
	bool abandoned = w->abandoned;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (abandoned) {
		ct_error_destroy(w->err);
		job_destroy(w->j);
		watch_free(w);
		atomic_fetch_sub(&abandoned_running, 1);
	}
	return NULL;
}

/* Analyse what j holds (a bundle bigger than FLUSH_BYTES) in this
 * thread's stead, within what is left of the case's time limit.  Over the
 * limit, the run is abandoned (its thread frees the old job when it ends)
 * and j becomes a failed case whose later entries are dropped. */
static struct ct_error *job_work(struct ct_batch *b, struct job *j)
{
	if (j->timed_out) {
		for (size_t i = 0; i < j->item_count; i++)
			pending_deinit(&j->items[i]);
		j->item_count = 0;
		j->bytes = 0;
		return NULL;
	}
	if (!b->case_timeout)
		return job_flush(j);
	struct watch *w = calloc(1, sizeof(*w));
	struct job *moved = malloc(sizeof(*moved));
	if (!w || !moved) {
		free(w);
		free(moved);
		return &ct_enomem;
	}
	*moved = *j;
	w->j = moved;
	pthread_mutex_init(&w->mu, NULL);
	cond_init_mono(&w->cv);
	double t0 = mono_now();
	struct timespec until = mono_deadline((double)b->case_timeout -
					      j->spent);
	pthread_t t;
	int e = pthread_create(&t, NULL, watch_main, w);
	if (e) {
		watch_free(w);
		free(moved);
		return ct_error_os(e, NULL, "cannot start a thread");
	}
	pthread_mutex_lock(&w->mu);
	while (!w->done)
		if (pthread_cond_timedwait(&w->cv, &w->mu, &until) ==
		    ETIMEDOUT)
			break;
	if (!w->done) {
		struct job *r = job_timed_out(b, moved);
		w->abandoned = true;
		atomic_fetch_add(&abandoned_running, 1);
		pthread_mutex_unlock(&w->mu);
		pthread_detach(t);
		if (!r) {
			memset(j, 0, sizeof(*j));
			return &ct_enomem;
		}
		*j = *r;
		free(r);
		return NULL;
	}
	pthread_mutex_unlock(&w->mu);
	pthread_join(t, NULL);
	*j = *moved;
	free(moved);
	j->spent += mono_now() - t0;
	struct ct_error *err = w->err;
	watch_free(w);
	return err;
}

static struct ct_error *collect_name(void *arg,
				     const struct ct_source_entry *e)
{
	struct input_run *r = arg;
	if (!ct_grow((void **)&r->names, &r->name_cap, r->name_count + 1,
		     sizeof(*r->names)))
		return &ct_enomem;
	if (!(r->names[r->name_count] = strdup(e->path)))
		return &ct_enomem;
	r->name_count++;
	return ct_bundle_plan_add(&r->plan, e->path);
}

/* key relative to the input: "a/b.log" for "DIR/a/b.log", the input's
 * base name when key is the input itself. */
static char *member_of(const struct unit *u, const char *key)
{
	size_t n = strlen(u->path);
	if (strncmp(key, u->path, n) == 0) {
		const char *rest = key + n;
		if (*rest == '/' || *rest == CT_SOURCE_SEP)
			rest++;
		if (*rest) {
			size_t len = strlen(rest);
			/* a bundle root ends with its separator */
			if (rest[len - 1] == '/' || rest[len - 1] ==
			    CT_SOURCE_SEP)
				len--;
			if (len)
				return strndup(rest, len);
		}
	}
	const char *slash = strrchr(u->path, '/');
	return strdup(slash && slash[1] ? slash + 1 : u->path);
}

static void note_error(struct input_run *r, const char *msg)
{
	if (!r->first_error)
		r->first_error = strdup(msg);
}

static struct ct_error *frag_flush(struct ct_batch *b, struct job *j);

/* The case is complete: hand it to a worker (and the writer). */
static struct ct_error *finish_case(struct input_run *r, struct open_case *oc)
{
	struct ct_batch *b = r->b;
	struct job *j = oc->job;
	oc->job = NULL;
	free(oc->key);
	oc->key = NULL;
	if (!j)
		return NULL;
	struct ct_error *err = frag_flush(b, j);
	if (err) {
		job_destroy(j);
		return err;
	}
	return pool_submit(b, j);
}

static struct ct_error *open_case_for(struct input_run *r, const char *key,
				      const struct ct_bundle_root *root,
				      struct open_case **ret)
{
	for (size_t i = r->open_count; i-- > 0;)
		if (r->open[i].key && strcmp(r->open[i].key, key) == 0) {
			*ret = &r->open[i];
			return NULL;
		}
	if (!ct_grow((void **)&r->open, &r->open_cap, r->open_count + 1,
		     sizeof(*r->open)))
		return &ct_enomem;
	struct open_case *oc = &r->open[r->open_count];
	memset(oc, 0, sizeof(*oc));
	oc->root = root;
	if (!(oc->key = strdup(key)))
		return &ct_enomem;
	r->open_count++;
	*ret = oc;
	char *member = member_of(r->u, key);
	if (!member)
		return &ct_enomem;
	bool stored = false;
	struct ct_error *err = NULL;
	if (r->resumed) {
		db_lock(r->b);
		err = ct_results_case_exists(r->b->db, r->input_id, member,
					     &stored);
		db_unlock(r->b);
	}
	/* a case of another shard is left to it, as if stored */
	if (!err && !stored && r->sha && r->b->opts.shards > 1)
		stored = ct_batch_shard_of(r->sha, member, r->b->opts.shards) !=
			 r->b->opts.shard;
	if (err || stored) {
		free(member);
		return err;
	}
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		free(member);
		return &ct_enomem;
	}
	j->member = member;
	j->input_id = r->input_id;
	j->walks = ct_kb_has_walks(r->b->kb);
	j->bundle = root ? root->kind : NULL;
	if (!(j->key = strdup(key))) {
		job_destroy(j);
		return &ct_enomem;
	}
	err = ct_case_create(key, &j->c);
	if (err) {
		job_destroy(j);
		return err;
	}
	oc->job = j;
	return NULL;
}

/* vm-support splits big files into NAME.FRAG-00000, NAME.FRAG-00001, ...
 * (concatenate in order): the length of NAME and the number, or false. */
static bool frag_name(const char *path, size_t *ret_base, unsigned *ret_n)
{
	static const char tag[] = ".FRAG-";
	size_t len = strlen(path);
	if (len < sizeof(tag) - 1 + 5 + 1)
		return false;
	const char *digits = path + len - 5;
	for (int i = 0; i < 5; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return false;
	if (memcmp(digits - (sizeof(tag) - 1), tag, sizeof(tag) - 1) != 0)
		return false;
	*ret_base = (size_t)(digits - (sizeof(tag) - 1) - path);
	*ret_n = (unsigned)strtoul(digits, NULL, 10);
	return true;
}

/* The joined fragments become one entry of the job, named NAME. */
static struct ct_error *frag_flush(struct ct_batch *b, struct job *j)
{
	if (!j->frag_path)
		return NULL;
	if (!ct_grow((void **)&j->items, &j->item_cap, j->item_count + 1,
		     sizeof(*j->items)))
		return &ct_enomem;
	struct pending *p = &j->items[j->item_count++];
	memset(p, 0, sizeof(*p));
	p->path = j->frag_path;
	p->size = j->frag_len;
	j->frag_path = NULL;
	if (j->frag_too_big) {
		free(j->frag_data);
		if (!(p->reason = strdup("fragments larger than the entry "
					 "size limit")))
			return &ct_enomem;
	} else {
		p->data = j->frag_data ? j->frag_data : strdup("");
		p->len = j->frag_len;
		j->bytes += p->len;
		if (!p->data)
			return &ct_enomem;
	}
	j->frag_data = NULL;
	j->frag_len = j->frag_cap = 0;
	j->frag_too_big = false;
	if (j->bytes > FLUSH_BYTES)
		return job_work(b, j);
	return NULL;
}

/* Join a fragment to the ones before it. */
static struct ct_error *frag_take(struct job *j, const struct ct_source_entry *e,
				  size_t base, unsigned n)
{
	if (!j->frag_path) {
		if (!(j->frag_path = strndup(e->path, base)))
			return &ct_enomem;
		j->frag_next = n;
	}
	j->frag_next++;
	if (j->frag_too_big)
		return NULL;
	if (e->len > FRAG_MAX - j->frag_len) {
		j->frag_too_big = true;
		return NULL;
	}
	if (!ct_grow((void **)&j->frag_data, &j->frag_cap,
		     j->frag_len + e->len + 1, 1))
		return &ct_enomem;
	memcpy(j->frag_data + j->frag_len, e->data, e->len);
	j->frag_len += e->len;
	return NULL;
}

/* Keep an entry in the job (copying its data), or analyse it now. */
static struct ct_error *job_take(struct ct_batch *b, struct job *j,
				 const struct ct_source_entry *e)
{
	size_t base = 0;
	unsigned n = 0;
	bool frag = e->data && frag_name(e->path, &base, &n);
	if (j->frag_path &&
	    !(frag && n == j->frag_next && strlen(j->frag_path) == base &&
	      strncmp(e->path, j->frag_path, base) == 0)) {
		struct ct_error *err = frag_flush(b, j);
		if (err)
			return err;
	}
	if (frag)
		return frag_take(j, e, base, n);
	if (!ct_grow((void **)&j->items, &j->item_cap, j->item_count + 1,
		     sizeof(*j->items)))
		return &ct_enomem;
	struct pending *p = &j->items[j->item_count];
	memset(p, 0, sizeof(*p));
	p->size = e->size;
	p->error = e->error || e->skipped;
	if (!(p->path = strdup(e->path)))
		return &ct_enomem;
	if (e->data && e->mapped) {
		/* a big file or spooled member: a mapping of our own */
		void *map;
		size_t len;
		struct ct_error *err = ct_map_fd(e->fd, e->path, &map, &len);
		if (err) {
			free(p->path);
			return err;
		}
		(void)madvise(map, len, MADV_SEQUENTIAL);
		p->data = map;
		p->len = len;
		p->mapped = true;
	} else if (e->data) {
		p->data = malloc(e->len ? e->len : 1);
		if (!p->data) {
			free(p->path);
			return &ct_enomem;
		}
		memcpy(p->data, e->data, e->len);
		p->len = e->len;
	} else if (!(p->reason = strdup(e->error ? e->error : e->skipped ?
					 e->skipped : "not read"))) {
		free(p->path);
		return &ct_enomem;
	}
	j->item_count++;
	if (!p->mapped)
		j->bytes += e->len;
	/* a big bundle is analysed as it comes: memory stays bounded */
	if (j->bytes > FLUSH_BYTES)
		return job_work(b, j);
	return NULL;
}

static struct ct_error *take_entry(void *arg, const struct ct_source_entry *e)
{
	struct input_run *r = arg;
	struct ct_batch *b = r->b;
	struct ct_bundle_root *root = ct_bundle_plan_find(&r->plan, e->path);
	struct open_case *oc;
	struct ct_error *err = open_case_for(r, root ? root->prefix : e->path,
					     root, &oc);
	if (err)
		return err;
	oc->seen++;
	r->entries++;
	b->st.files++;
	b->st.bytes += e->len;
	b->st.disk_now = e->disk_bytes;
	if (e->error)
		note_error(r, e->error);
	if (oc->job && !oc->job->timed_out) {
		if (e->error && !root) {
			if (!oc->job->error &&
			    !(oc->job->error = strdup(e->error)))
				return &ct_enomem;
		} else if (e->skipped && !root) {
			/* not triaged: a failed case, with the reason */
			if (!oc->job->error &&
			    asprintf(&oc->job->error, "'%s' not read: %s",
				     e->path, e->skipped) < 0) {
				oc->job->error = NULL;
				return &ct_enomem;
			}
		} else {
			if (e->skipped)
				b->st.unread++;
			err = job_take(b, oc->job, e);
		}
		if (err)
			return err;
	}
	/* a loose entry is complete; a bundle after its last entry */
	if (!root || oc->seen >= root->entries) {
		err = finish_case(r, oc);
		/* drop finished cases from the end of the list */
		while (r->open_count && !r->open[r->open_count - 1].key)
			r->open_count--;
	}
	show_progress(b, false);
	return err;
}

static void input_run_deinit(struct input_run *r)
{
	for (size_t i = 0; i < r->name_count; i++)
		free(r->names[i]);
	free(r->names);
	for (size_t i = 0; i < r->open_count; i++) {
		job_destroy(r->open[i].job);
		free(r->open[i].key);
	}
	free(r->open);
	ct_bundle_plan_deinit(&r->plan);
	free(r->first_error);
}

/* A failed case for the whole input (it could not be read at all). */
static struct ct_error *fail_input(struct input_run *r, struct ct_error *why)
{
	char *msg = ct_error_format(why);
	ct_error_destroy(why);
	if (!msg)
		return &ct_enomem;
	struct open_case *oc;
	struct ct_error *err = open_case_for(r, r->u->path, NULL, &oc);
	if (!err && oc->job && !oc->job->error &&
	    !(oc->job->error = strdup(msg)))
		err = &ct_enomem;
	note_error(r, msg);
	free(msg);
	if (!err)
		err = finish_case(r, oc);
	return err;
}

/* ---- an archive read once ----------------------------------------------- */

/*
 * An input's names are needed before its data (the bundles in it decide
 * how its entries group into cases), and a compressed archive is inflated
 * whole to list it as much as to read it.  So an archive that is costly
 * to inflate (xz, bzip2, zstd, zip, or a tgz without igzip) is walked
 * once, with its data, and what the walk gives is kept: the names
 * in the input_run, each entry's bytes appended to one unlinked spool
 * file in $TMPDIR.  The cases are then made by replaying the kept entries
 * as the data walk would give them.  The data is walked a second time (as
 * for a folder) when a member is big enough for the walk to spool it
 * itself, past HOLD_ENTRIES entries, or past HOLD_BYTES or half the free
 * space of $TMPDIR above the walk's own reserve; on a read error the
 * input is read as a folder is, names then data, from the start.
 */
enum { HOLD_ENTRIES = 1 << 20, HOLD_DROP = 8 << 20 };
#define HOLD_BYTES ((uint64_t)2 << 30)

struct held_entry {
	char *path;
	uint64_t off;		/* its bytes in the spool */
	size_t len;
	bool has_data;		/* else it was skipped (no data) */
	uint64_t size;		/* as the archive says */
	char *skipped;		/* why not read, or NULL */
};

struct hold {
	struct input_run *r;	/* the names go there */
	int fd;			/* the spool, or -1 */
	uint64_t used, limit;	/* bytes in the spool, and allowed */
	struct held_entry *items;
	size_t count, cap;
	bool given_up;		/* the data is walked again */
	bool read_error;	/* everything is walked again */
	uint64_t disk_bytes;	/* progress of the walk at its end */
};

static void hold_drop(struct hold *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->items[i].path);
		free(h->items[i].skipped);
	}
	free(h->items);
	h->items = NULL;
	h->count = h->cap = 0;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

/* Bytes the spool may take in $TMPDIR, 0 when it cannot be used. */
static uint64_t hold_limit(void)
{
	const char *dir = getenv("TMPDIR");
	struct statvfs sv;
	if (statvfs(dir && *dir ? dir : "/tmp", &sv) != 0)
		return 0;
	uint64_t free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (free_bytes <= CT_SOURCE_SPOOL_RESERVE)
		return 0;
	uint64_t half = (free_bytes - CT_SOURCE_SPOOL_RESERVE) / 2;
	return half < HOLD_BYTES ? half : HOLD_BYTES;
}

/* Append e's bytes to the spool; false when they do not fit. */
static bool hold_write(struct hold *h, const struct ct_source_entry *e)
{
	if (e->len > h->limit - h->used)
		return false;
	for (size_t done = 0; done < e->len;) {
		ssize_t n = write(h->fd, e->data + done, e->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	h->used += e->len;
	return true;
}

static struct ct_error *hold_entry(void *arg, const struct ct_source_entry *e)
{
	struct hold *h = arg;
	struct ct_batch *b = h->r->b;
	if (e->error) {
		/* read again from the start, as a folder is */
		h->read_error = true;
		return ct_error_create(CT_ERROR_OS, "read error");
	}
	struct ct_error *err = collect_name(h->r, e);
	if (err)
		return err;
	h->disk_bytes = b->st.disk_now = e->disk_bytes;
	show_progress(b, false);
	if (h->given_up)
		return NULL;
	if (e->mapped || h->count == HOLD_ENTRIES ||
	    !ct_grow((void **)&h->items, &h->cap, h->count + 1,
		     sizeof(*h->items))) {
		hold_drop(h);
		h->given_up = true;
		return NULL;
	}
	struct held_entry *he = &h->items[h->count];
	memset(he, 0, sizeof(*he));
	he->off = h->used;
	he->len = e->len;
	he->has_data = e->data != NULL;
	he->size = e->size;
	if (!(he->path = strdup(e->path)) ||
	    (e->skipped && !(he->skipped = strdup(e->skipped)))) {
		free(he->path);
		return &ct_enomem;
	}
	h->count++;
	if (e->data && !hold_write(h, e)) {
		hold_drop(h);
		h->given_up = true;
	}
	return NULL;
}

/*
 * Walk the archive of r once, keeping its names in r and its entries in
 * h (h->fd < 0 when none are kept).  *ret_named: r's names are complete
 * (else they are walked for as for a folder).
 */
static struct ct_error *hold_walk(struct input_run *r, struct hold *h,
				  bool *ret_named)
{
	struct ct_batch *b = r->b;
	const char *dir = getenv("TMPDIR");
	*ret_named = false;
	h->r = r;
	h->limit = hold_limit();
	h->fd = h->limit ? open(dir && *dir ? dir : "/tmp",
				O_TMPFILE | O_RDWR | O_CLOEXEC, 0600) : -1;
	if (h->fd < 0)
		return NULL;
	struct ct_source_options data = {
		.names_only = false, .follow_links = b->follow_links,
		.max_entry = b->max_member, .entry_timeout = b->case_timeout,
	};
	struct ct_error *err = ct_source_walk(r->u->path, &data, hold_entry, h);
	if (err == &ct_enomem)
		return err;
	if (err || h->read_error) {
		ct_error_destroy(err);
		hold_drop(h);
		for (size_t i = 0; i < r->name_count; i++)
			free(r->names[i]);
		r->name_count = 0;
		ct_bundle_plan_deinit(&r->plan);
		memset(&r->plan, 0, sizeof(r->plan));
		return NULL;
	}
	*ret_named = true;
	return NULL;
}

/* Make the cases of the kept entries, as the data walk would. */
static struct ct_error *hold_replay(struct hold *h)
{
	void *map = NULL;
	size_t map_len = 0;
	struct ct_error *err = NULL;
	if (h->used)
		err = ct_map_fd(h->fd, h->r->u->path, &map, &map_len);
	uint64_t dropped = 0;	/* pages of the spool let go of */
	for (size_t i = 0; i < h->count && !err; i++) {
		const struct held_entry *he = &h->items[i];
		struct ct_source_entry e = {
			.path = he->path, .len = he->len, .fd = -1,
			.size = he->size, .skipped = he->skipped,
			.disk_bytes = h->disk_bytes,
		};
		if (he->has_data)
			e.data = he->len ? (const char *)map + he->off : "";
		err = take_entry(h->r, &e);
		/* the cases copied what they keep: the resident set stays
		 * small whatever the archive's size */
		uint64_t done = (he->off + he->len) & ~(uint64_t)(HOLD_DROP - 1);
		if (done - dropped >= HOLD_DROP) {
			(void)madvise((char *)map + dropped, done - dropped,
				      MADV_DONTNEED);
			dropped = done;
		}
	}
	ct_unmap_file(map, map_len);
	return err;
}

/* Read input u (kind: what its first bytes say, "archive" or else) and
 * submit its cases, then its done mark. */
static struct ct_error *run_input(struct ct_batch *b, const struct unit *u,
				  const char *kind, int64_t input_id,
				  const char *archive_sha)
{
	struct input_run r = { .b = b, .u = u, .input_id = input_id,
			       .sha = archive_sha };
	db_lock(b);
	struct ct_error *err = ct_results_input_has_cases(b->db, input_id,
							  &r.resumed);
	db_unlock(b);
	if (err)
		return err;
	struct hold h = { .fd = -1 };
	bool named = false;
	/* a tgz igzip inflates is read twice, as a folder is: its cases
	 * go to the workers while it is read, after a listing pass of
	 * 0.1 s for the 10,000 cases of bench-batch.sh, where the walk
	 * that keeps every entry (zlib, spool writes) took 0.3 s before
	 * the first case */
	if (strcmp(kind, "archive") == 0 &&
	    !ct_source_rereads_cheaply(u->path))
		err = hold_walk(&r, &h, &named);
	if (!err && !named) {
		struct ct_source_options names = {
			.names_only = true, .follow_links = b->follow_links,
			.max_entry = b->max_member,
			.entry_timeout = b->case_timeout,
		};
		err = ct_source_walk(u->path, &names, collect_name, &r);
		if (err && err != &ct_enomem) {
			err = fail_input(&r, err);
			goto done;
		}
	}
	if (!err)
		err = ct_bundle_plan_finish(&r.plan);
	/* one case or many, by the rule analyze follows: a folder input
	 * that is no bundle is one case; an archive is a container */
	if (!err && !u->bundle) {
		bool archive = strcmp(kind, "archive") == 0;
		if (archive || strcmp(u->kind, "folder") == 0)
			err = ct_bundle_plan_group(&r.plan, r.names,
						   r.name_count,
						   strlen(u->path) + 1,
						   archive);
	}
	for (size_t i = 0; i < r.name_count && !err; i++) {
		struct ct_bundle_root *root =
			ct_bundle_plan_find(&r.plan, r.names[i]);
		if (root)
			root->entries++;
	}
	if (!err && h.fd >= 0) {
		err = hold_replay(&h);
	} else if (!err) {
		struct ct_source_options data = {
			.names_only = false, .follow_links = b->follow_links,
			.max_entry = b->max_member,
			.entry_timeout = b->case_timeout,
		};
		err = ct_source_walk(u->path, &data, take_entry, &r);
		if (err && err != &ct_enomem && err->code == CT_ERROR_OS)
			err = fail_input(&r, err);
	}
	/* nothing lost silently: an archive with no file in it */
	if (!err && !r.entries)
		err = fail_input(&r, ct_error_at(ct_error_create(
			CT_ERROR_NOT_RECOGNISED, "no file in it (an empty "
			"archive, or a compressed stream of zeros read as an "
			"empty tar)"), u->path, 0, 0, false));
	/* bundles whose entries did not all come (the file changed) */
	for (size_t i = 0; i < r.open_count && !err; i++)
		if (r.open[i].key)
			err = finish_case(&r, &r.open[i]);
done:
	hold_drop(&h);
	if (!err)
		err = submit_input_done(b, input_id, r.first_error);
	input_run_deinit(&r);
	return err;
}

/* ---- planning ----------------------------------------------------------- */

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const struct disk_file *)a)->path,
		      ((const struct disk_file *)b)->path);
}

/* Content hash of a bundle folder: names and hashes of its files. */
static struct ct_error *folder_hash(struct ct_batch *b, const struct unit *u,
				    const struct disk_list *l, char ret[65])
{
	struct ct_sha256 h;
	ct_sha256_init(&h);
	size_t skip = strlen(u->path);
	for (size_t i = u->first; i < u->first + u->count; i++) {
		char sha[65];
		const char *kind;
		struct ct_error *err = file_hash(b, l->files[i].path, sha,
						 &kind);
		if (err && err != &ct_enomem) {
			/* hash what we know: the name; reading reports it */
			ct_error_destroy(err);
			memset(sha, '0', 64);
			sha[64] = '\0';
		} else if (err) {
			return err;
		}
		const char *rel = l->files[i].path + skip;
		ct_sha256_update(&h, rel, strlen(rel) + 1);
		ct_sha256_update(&h, sha, 65);
	}
	unsigned char d[32];
	ct_sha256_final(&h, d);
	ct_sha256_hex(d, ret);
	return NULL;
}

/* The files of l (sorted) under the folder dir: [*first, *first + n). */
static size_t files_under(const struct disk_list *l, const char *dir,
			  size_t *first)
{
	size_t len = strlen(dir);
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(l->files[mid].path, dir) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < l->count && strncmp(l->files[end].path, dir, len) == 0)
		end++;
	*first = lo;
	return end - lo;
}

/*
 * Inputs from the listed files, by the one rule for what is one case
 * (ct_bundle_plan_group in analyzer/source.h, the rule analyze follows):
 * a bundle, or a folder named on the command line that is no container,
 * is one input read as one case; every other file is an input of its own.
 */
static struct ct_error *plan_units(const struct disk_list *l,
				   char *const *paths, size_t npaths,
				   struct unit **ret, size_t *ret_count)
{
	struct ct_bundle_plan plan = { 0 };
	struct ct_error *err = NULL;
	for (size_t i = 0; i < l->count && !err; i++)
		err = ct_bundle_plan_add(&plan, l->files[i].path);
	if (!err)
		err = ct_bundle_plan_finish(&plan);
	for (size_t i = 0; i < npaths && !err; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		char *dir;
		size_t len = strlen(paths[i]);
		while (len > 1 && paths[i][len - 1] == '/')
			len--;	/* "cases/" is listed as "cases/x" */
		if (asprintf(&dir, "%.*s/", (int)len, paths[i]) < 0)
			return &ct_enomem;
		size_t first, n = files_under(l, dir, &first);
		char **names = malloc((n ? n : 1) * sizeof(*names));
		if (!names)
			err = &ct_enomem;
		for (size_t k = 0; k < n && names; k++)
			names[k] = l->files[first + k].path;
		if (!err)
			err = ct_bundle_plan_group(&plan, names, n, len + 1,
						   false);
		free(names);
		free(dir);
	}
	struct unit *units = NULL;
	size_t count = 0, cap = 0;
	for (size_t i = 0; i < l->count && !err; i++) {
		const struct ct_bundle_root *root =
			ct_bundle_plan_find(&plan, l->files[i].path);
		size_t plen = root ? strlen(root->prefix) : 0;
		if (root && count && strcmp(units[count - 1].kind, "folder") == 0 &&
		    strncmp(units[count - 1].path, root->prefix, plen - 1) ==
		    0 && units[count - 1].path[plen - 1] == '\0') {
			units[count - 1].count++;
			continue;
		}
		if (!ct_grow((void **)&units, &cap, count + 1,
			     sizeof(*units))) {
			err = &ct_enomem;
			break;
		}
		struct unit *u = &units[count];
		memset(u, 0, sizeof(*u));
		u->first = i;
		u->count = 1;
		if (root && plen > 1) {
			u->path = strndup(root->prefix, plen - 1);
			u->kind = "folder";
			u->bundle = root->kind;	/* NULL: a folder case */
		} else {
			u->path = strdup(l->files[i].path);
			u->kind = "file";
		}
		if (!u->path) {
			err = &ct_enomem;
			break;
		}
		count++;
	}
	ct_bundle_plan_deinit(&plan);
	*ret = units;
	*ret_count = count;
	return err;
}

static void units_free(struct unit *units, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(units[i].path);
	free(units);
}

/*
 * An input that cannot be read at all (why: its error, consumed): stored
 * as an input keyed by its path with one failed case, so that 'report'
 * lists it.  *ret_done (may be NULL): it was stored by an earlier run.
 */
static struct ct_error *store_unreadable(struct ct_batch *b, const struct unit *u,
					 const char *kind, struct ct_error *why,
					 bool *ret_done)
{
	char *msg = ct_error_format(why);
	ct_error_destroy(why);
	if (!msg)
		return &ct_enomem;
	char sha[65];
	struct ct_sha256 h;
	unsigned char d[32];
	ct_sha256_init(&h);
	ct_sha256_update(&h, "unreadable:", 11);
	ct_sha256_update(&h, u->path, strlen(u->path));
	ct_sha256_final(&h, d);
	ct_sha256_hex(d, sha);
	if (ret_done)
		*ret_done = false;
	if (b->opts.shards > 1 &&
	    ct_batch_shard_of(sha, NULL, b->opts.shards) != b->opts.shard) {
		free(msg);
		return NULL;	/* another shard's */
	}
	int64_t id;
	bool done;
	db_lock(b);
	struct ct_error *err = ct_results_input_begin(b->db, sha, u->path, 0,
						      kind, &id, &done);
	db_unlock(b);
	if (!err && !done) {
		struct input_run r = { .b = b, .u = u, .input_id = id,
				       .resumed = true };
		err = fail_input(&r, ct_error_create(CT_ERROR_OS, "%s", msg));
		if (!err)
			err = submit_input_done(b, id, msg);
		input_run_deinit(&r);
		b->st.inputs_new++;
	} else if (!err) {
		b->st.inputs_stored++;
	}
	if (ret_done)
		*ret_done = done;
	free(msg);
	return err;
}

static struct ct_error *batch_paths(struct ct_batch *b, char *const *paths,
				    size_t npaths)
{
	struct disk_list l = { .b = b, .db_path = b->db_path };
	l.db_st_valid = stat(b->db_path, &l.db_st) == 0;
	struct ct_source_options disk = { .names_only = true,
					  .disk_only = true,
					  .follow_links = b->follow_links };
	struct ct_error *err = NULL;
	for (size_t i = 0; i < npaths && !err; i++) {
		err = ct_source_walk(paths[i], &disk, list_file, &l);
		if (err && err != &ct_enomem) {
			/* a PATH that is not there, a FIFO, a folder we
			 * cannot list: a failed input, counted every run */
			char *msg = ct_error_format(err);
			warn(b, msg ? msg : "out of memory");
			free(msg);
			struct unit u = { .path = paths[i], .kind = "file" };
			bool done = false;
			err = store_unreadable(b, &u, "file", err, &done);
			if (!err && done) {
				pthread_mutex_lock(&b->pool->mu);
				b->st.failed++;
				pthread_mutex_unlock(&b->pool->mu);
			}
		}
	}
	/* one stable order whatever the order of the arguments */
	if (!err && l.count)
		qsort(l.files, l.count, sizeof(*l.files), compare_files);
	struct unit *units = NULL;
	size_t count = 0;
	if (!err)
		err = plan_units(&l, paths, npaths, &units, &count);
	for (size_t i = 0; i < l.count; i++)
		b->st.disk_total += l.files[i].size;
	for (size_t i = 0; i < count && !err; i++) {
		struct unit *u = &units[i];
		b->st.disk_now = 0;
		if (i) {
			const struct unit *prev = &units[i - 1];
			for (size_t f = prev->first;
			     f < prev->first + prev->count; f++)
				b->st.disk_done += l.files[f].size;
		}
		char sha[65];
		const char *kind = u->kind;
		bool folder = strcmp(u->kind, "folder") == 0;
		if (folder)
			err = folder_hash(b, u, &l, sha);
		else
			err = file_hash(b, u->path, sha, &kind);
		if (err && err != &ct_enomem) {
			err = store_unreadable(b, u, kind, err, NULL);
			continue;
		}
		if (err)
			break;
		bool archive = strcmp(kind, "archive") == 0;
		if (b->opts.shards > 1 && !archive &&
		    ct_batch_shard_of(sha, NULL, b->opts.shards) !=
		    b->opts.shard)
			continue;	/* another shard's input */
		int64_t id;
		bool done;
		db_lock(b);
		err = ct_results_input_begin(b->db, sha, u->path,
					     folder ? 0 : l.files[u->first]
							     .size,
					     kind, &id, &done);
		db_unlock(b);
		if (err)
			break;
		if (done) {
			b->st.inputs_stored++;
			continue;
		}
		b->st.inputs_new++;
		err = run_input(b, u, kind, id, archive ? sha : NULL);
	}
	units_free(units, count);
	for (size_t i = 0; i < l.count; i++)
		free(l.files[i].path);
	free(l.files);
	return err;
}

/* ---- the API ------------------------------------------------------------ */

unsigned ct_batch_default_jobs(void)
{
	return ct_usable_cpus();
}

struct ct_error *ct_batch_create(const char *db_path,
				 const struct ct_batch_options *opts,
				 struct ct_batch **ret)
{
	struct ct_batch *b = calloc(1, sizeof(*b));
	if (!b || !(b->db_path = strdup(db_path))) {
		free(b);
		return &ct_enomem;
	}
	b->opts = *opts;
	/* the workers are batch's parallelism, and -j1 promises one core:
	 * no case's log is scanned ahead on a thread of its own */
	ct_multiscan_set_ahead(SIZE_MAX);
	b->kb = opts->kb;
	b->recheck = opts->recheck;
	b->follow_links = opts->follow_links;
	b->case_timeout = opts->case_timeout;
	b->max_member = opts->max_member;
	/* one batch writes a database at a time: a second one would only
	 * wait for the write lock and store nothing new.  The lock is
	 * flock(2) on the database file itself, so that every name of it
	 * (a symlink, a hard link, another spelling) meets the same lock;
	 * SQLite's own locks are fcntl(2) locks, which flock does not see */
	struct ct_error *err = NULL;
	b->lock_fd = open(db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (b->lock_fd < 0)
		err = ct_error_os(errno, NULL, "cannot open '%s'", db_path);
	else if (flock(b->lock_fd, LOCK_EX | LOCK_NB) != 0)
		err = ct_error_create(CT_ERROR_OS, "another batch is writing "
				      "to '%s'", db_path);
	if (!err)
		err = ct_results_open(db_path, &b->db);
	if (err) {
		if (b->lock_fd >= 0)
			close(b->lock_fd);
		free(b->db_path);
		free(b);
		return err;
	}
	pthread_mutex_init(&b->db_mu, NULL);
	*ret = b;
	return NULL;
}

void ct_batch_destroy(struct ct_batch *b)
{
	if (!b)
		return;
	if (b->pool) {
		pool_stop(b->pool);
		/* workers on an abandoned case still use the pool: it lives
		 * on (the process ends soon) */
		if (!b->pool->started)
			free(b->pool);
	}
	ct_results_close(b->db);
	close(b->lock_fd);	/* after SQLite closed: its locks stay whole */
	pthread_mutex_destroy(&b->db_mu);
	free(b->db_path);
	free(b);
}

struct ct_error *ct_batch_rematch(struct ct_batch *b, size_t *ret_count)
{
	return ct_results_rematch(b->db, b->kb, ret_count);
}

struct ct_error *ct_batch_add_paths(struct ct_batch *b, char *const *paths,
				    size_t npaths)
{
	if (!b->pool) {
		b->pool = calloc(1, sizeof(*b->pool));
		if (!b->pool)
			return &ct_enomem;
		struct ct_error *err = pool_start(b, b->opts.jobs);
		if (err)
			return err;
	}
	struct ct_error *err = batch_paths(b, paths, npaths);
	/* what was stored is committed, even when the batch stopped */
	struct ct_error *e2 = pool_sync(b);
	if (!err)
		return e2;
	ct_error_destroy(e2);
	return err;
}

void ct_batch_get_stats(const struct ct_batch *b, struct ct_batch_stats *ret)
{
	if (b->pool && b->pool->started) {
		pthread_mutex_lock(&b->pool->mu);
		*ret = b->st;
		pthread_mutex_unlock(&b->pool->mu);
	} else {
		*ret = b->st;
	}
}

unsigned ct_batch_shard_of(const char *sha, const char *member,
			   unsigned shards)
{
	char hex[17];
	if (member) {
		/* a case of an archive: by the archive and the member name */
		struct ct_sha256 h;
		unsigned char d[32];
		char full[65];
		ct_sha256_init(&h);
		ct_sha256_update(&h, sha, strlen(sha) + 1);
		ct_sha256_update(&h, member, strlen(member));
		ct_sha256_final(&h, d);
		ct_sha256_hex(d, full);
		memcpy(hex, full, 16);
	} else {
		memcpy(hex, sha, 16);
	}
	hex[16] = '\0';
	return shards > 1 ? (unsigned)(strtoull(hex, NULL, 16) % shards) : 0;
}

bool ct_batch_has_abandoned(void)
{
	return atomic_load(&abandoned_running) != 0;
}
