/* SPDX-License-Identifier: MIT */
/*
 * cmd-batch.c - "crashtriage batch PATH... --db FILE": classify folders,
 * files and archives into a results database.  The work is the batch
 * engine's (db/batch.h); this file parses the options, shows progress,
 * prints the summary and chooses the exit status.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "db/batch.h"
#include "rules/match.h"

const char cmd_batch_usage[] =
	"usage: crashtriage batch --db FILE [-j N] [--kb PATH | --rules DIR]\n"
	"                         [--rematch] [--recheck] [--follow-links]\n"
	"                         [--case-timeout SECONDS]\n"
	"                         [--max-member-size SIZE] [--shard K/N]\n"
	"                         [PATH...]\n"
	"\n"
	"Classify every crash in PATHs (folders, files, and .tar, .tgz,\n"
	".tar.xz, .zip archives, also nested, read in place) into the results\n"
	"database FILE: a support bundle (vm-support, sosreport,\n"
	"supportconfig) is one case, any other file one case.  Inputs already\n"
	"in FILE (same content) are not read again; an interrupted batch\n"
	"continues where it stopped.  See 'crashtriage report'.\n"
	"\n"
	"  --db FILE     the results database (created if missing)\n"
	"  -j N          N threads analyse cases beside the one that reads\n"
	"                the inputs and the one that writes the database\n"
	"                (default: the CPUs this process may run on); -j1\n"
	"                runs the three in turn, on one core\n"
	"  --kb PATH     match against a compiled knowledge base or a folder of\n"
	"                rules instead of the built-in rules\n"
	"  --rules DIR   match against a folder of rule files\n"
	"  --rematch     first recompute signatures, matches and clusters of\n"
	"                every stored case with the current rules, without\n"
	"                reading the inputs again\n"
	"  --recheck     hash every input again instead of trusting the stat\n"
	"                cache (path, size, mtime and inode of a file read\n"
	"                before)\n"
	"  --follow-links  follow links in a folder to files outside it (by\n"
	"                default they are skipped with a note)\n"
	"  --case-timeout SECONDS\n"
	"                give up a case whose analysis, or the reading of one\n"
	"                of its archive members, takes longer: it is stored\n"
	"                failed with the reason and the batch goes on\n"
	"                (default 300, 0 = no limit)\n"
	"  --max-member-size SIZE\n"
	"                do not read files or archive members larger than\n"
	"                SIZE (K, M, G, T suffixes; default 256G): each is a\n"
	"                failed case, or a member not read of its bundle\n"
	"  --shard K/N   read and store only shard K of N (0 <= K < N): an\n"
	"                input by its content hash, each case inside an\n"
	"                archive by the archive's content hash and the\n"
	"                member's name; every input and case is in exactly\n"
	"                one shard.  Run each shard into its own database,\n"
	"                then 'crashtriage merge' them\n"
	"  -q, --quiet   no progress line\n"
	"  -h, --help    show this help\n"
	"\n"
	"Options may come before or after the PATHs; '--' ends them.\n"
	"A progress line (files, cases, bytes, rate) is shown when stderr is a\n"
	"terminal.\n"
	"\n"
	"exit status: 0 the batch completed and nothing failed; 3 the batch\n"
	"completed but some cases failed (bad, truncated or unreadable\n"
	"inputs: see the summary line and 'crashtriage report'); 1 the batch\n"
	"did not complete (database error, no memory: run it again); 2 usage\n"
	"errors\n";

enum { CLI_EXIT_SOME_FAILED = 3 };

/* The progress line on stderr, at most every 0.2 s unless final. */
struct progress {
	bool show;		/* stderr is a terminal and not --quiet */
	struct timespec start, last;
};

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_progress(void *arg, const struct ct_batch_stats *s,
			  bool force)
{
	struct progress *pr = arg;
	if (!pr->show)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (!force && elapsed(&pr->last, &t) < 0.2)
		return;
	pr->last = t;
	double secs = elapsed(&pr->start, &t);
	double mib = (double)s->bytes / 1048576.0;
	uint64_t done = s->disk_done + s->disk_now;
	char eta[32] = "";
	/* the rest at the rate so far, by bytes on disk */
	if (done && done < s->disk_total && secs > 1.0) {
		double left = secs * (double)(s->disk_total - done) /
			      (double)done;
		snprintf(eta, sizeof(eta), "  ETA %dm%02ds", (int)(left / 60),
			 (int)left % 60);
	}
	fprintf(stderr, "\r\033[Kfiles %zu  cases %zu (%zu failed)  %.1f MiB"
		"  %.1f MiB/s  %.1f cases/s%s", s->files, s->cases, s->failed,
		mib, secs > 0 ? mib / secs : 0.0,
		secs > 0 ? (double)s->cases / secs : 0.0, eta);
	fflush(stderr);
}

static void warn(void *arg, const char *msg)
{
	(void)arg;
	cli_errorf("%s", msg);
}

struct shard {
	unsigned k, n;
};

/* "K/N", 0 <= K < N <= 65536. */
static bool parse_shard(const char *value, void *target)
{
	struct shard *s = target;
	char *end;
	errno = 0;
	if (value[0] < '0' || value[0] > '9')
		goto bad;
	unsigned long k = strtoul(value, &end, 10);
	if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
		goto bad;
	unsigned long n = strtoul(end + 1, &end, 10);
	if (errno || *end || n < 1 || n > 65536 || k >= n)
		goto bad;
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	return true;
bad:
	cli_errorf("--shard wants K/N with 0 <= K < N <= 65536, e.g. 0/4 "
		   "(shards are counted from 0, as Slurm array tasks are)");
	return false;
}

int cmd_batch(int argc, char **argv)
{
	const char *db_path = NULL, *kb_path = NULL, *rules_dir = NULL;
	bool rematch = false, quiet = false, recheck = false, follow = false;
	unsigned long jobs = ct_batch_default_jobs(), case_timeout = 300;
	uint64_t max_member = 0;
	struct shard shard = { 0, 1 };
	const struct cli_option options[] = {
		CLI_CUSTOM("shard", 0, &shard, parse_shard),
		CLI_STRING("db", 0, &db_path),
		CLI_STRING("kb", 0, &kb_path),
		CLI_STRING("rules", 0, &rules_dir),
		CLI_FLAG("rematch", 0, &rematch),
		CLI_UINT("case-timeout", 0, &case_timeout, 0, 86400 * 365),
		CLI_CUSTOM("max-member-size", 0, &max_member, cli_parse_size),
		CLI_FLAG("quiet", 'q', &quiet),
		CLI_FLAG("recheck", 0, &recheck),
		CLI_FLAG("follow-links", 0, &follow),
		CLI_UINT(NULL, 'j', &jobs, 1, 256),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_batch_usage, false,
			   &optind);
	if (rc >= 0)
		return rc;
	if (!db_path || (optind >= argc && !rematch)) {
		fputs(cmd_batch_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	struct ct_kb *kb = NULL;
	rc = cli_kb_open(kb_path, rules_dir, &kb);
	if (rc)
		return rc;
	struct progress pr = { .show = !quiet && isatty(STDERR_FILENO) };
	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	struct ct_batch_options bo = {
		.kb = kb, .jobs = (size_t)jobs, .recheck = recheck,
		.follow_links = follow, .case_timeout = (unsigned)case_timeout,
		.max_member = max_member, .shard = shard.k,
		.shards = shard.n, .progress = show_progress,
		.warn = warn, .arg = &pr,
	};
	struct ct_batch *b;
	struct ct_error *err = ct_batch_create(db_path, &bo, &b);
	if (err) {
		cli_error(err);
		ct_kb_destroy(kb);
		return CLI_EXIT_FAILED;
	}
	if (rematch) {
		size_t n;
		err = ct_batch_rematch(b, &n);
		if (!err)
			printf("rematched %zu cases\n", n);
	}
	if (!err && optind < argc)
		err = ct_batch_add_paths(b, argv + optind,
					 (size_t)(argc - optind));
	struct ct_batch_stats st;
	ct_batch_get_stats(b, &st);
	show_progress(&pr, &st, true);
	if (pr.show)
		fputc('\n', stderr);
	ct_batch_destroy(b);
	/* an abandoned analysis may still match against it */
	if (!ct_batch_has_abandoned())
		ct_kb_destroy(kb);
	if (err) {
		cli_error(err);
		cli_errorf("batch did not complete: run it again to continue");
		return CLI_EXIT_FAILED;
	}
	if (optind < argc && st.unread)
		printf("inputs: %zu new, %zu already stored; cases: %zu "
		       "stored, %zu failed; bundle members not read: %zu\n",
		       st.inputs_new, st.inputs_stored, st.cases, st.failed,
		       st.unread);
	else if (optind < argc)
		printf("inputs: %zu new, %zu already stored; cases: %zu "
		       "stored, %zu failed\n", st.inputs_new, st.inputs_stored,
		       st.cases, st.failed);
	return st.failed || st.unread ? CLI_EXIT_SOME_FAILED : CLI_EXIT_OK;
}
