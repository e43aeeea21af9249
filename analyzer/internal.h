/* SPDX-License-Identifier: MIT */
/*
 * internal.h - the base every file of libcrashtriage includes: the public
 * model and buffers, ctype, binary search, banned functions, array size,
 * and the caps on one input; plus files and folders.  Not installed.
 *
 * Every other concern has its own private header, included where it is
 * used: analyzer/error.h (error constructors), span.h (text spans and
 * numbers), bytes.h (little-endian fields), case-internal.h (the private
 * side of a case), frames.h, report.h (report types, the guilty frame),
 * sha256.h, extract/extract.h (the extractor interface, log prefixes,
 * unwrapping, events), dump/dump.h and walk/walk.h.
 */
#ifndef CT_INTERNAL_H
#define CT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/crashtriage.h"
#include "analyzer/strbuf.h"
#include "analyzer/banned.h"
#include "analyzer/bsearch.h"
#include "analyzer/ctype.h"

#define CT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* qsort() comparator of an array of C strings (char *), by strcmp. */
int ct_strptr_cmp(const void *a, const void *b);

/* FNV-1a over n bytes at p, continuing from h (start with CT_HASH_INIT):
 * the one string hash of the hash tables (rule index, kallsyms names). */
#define CT_HASH_INIT 1469598103934665603ULL
static inline uint64_t ct_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

/* Caps on what one input may add: a hostile log cannot exhaust memory. */
enum {
	CT_MAX_FRAMES = 512,		/* frames per backtrace */
	CT_MAX_BACKTRACES = 4096,	/* backtraces per case */
	CT_MAX_EVENTS = 100000,		/* events per case */
	CT_MAX_FACTS = 100000,		/* facts per case */
	CT_MAX_FIELD_LEN = 4096,	/* bytes kept of one captured string */
	CT_MAX_FILES = 100000,		/* files read from one folder */
	CT_MAX_DEPTH = 32,		/* folder nesting */
};

/* ---- folders ----------------------------------------------------------- */

/* The entry names of folder path (not "." or ".."), sorted so that every
 * walk is the same, at most max of them.  Free with ct_names_free(). */
struct ct_error *ct_dir_names(const char *path, size_t max, char ***ret,
			      size_t *ret_count);
void ct_names_free(char **names, size_t count);

/* Whether path, its links resolved, lies under the folder root_real
 * (already resolved by realpath).  A link in an input folder that leads
 * out of it is not followed unless asked (--follow-links): a folder from
 * someone else must not make crashtriage read /etc/shadow. */
bool ct_path_is_inside(const char *root_real, const char *path);

/* Map the regular, non-empty file path read-only into *ret_map (*ret_len
 * bytes; free with ct_unmap_file()).  A FIFO never blocks the open.
 * Errors name the file: cannot open/map, "empty file" or "not a regular
 * file" (CT_ERROR_NOT_RECOGNISED), "file too large"
 * (CT_ERROR_UNSUPPORTED).  When the file shrinks while the mapping is
 * read, the pages past its end read as zeros instead of raising SIGBUS,
 * and ct_map_lost() says from which offset. */
struct ct_error *ct_map_file(const char *path, void **ret_map,
			     size_t *ret_len);
/* The same for an open file descriptor (path names it in errors); fd may
 * be closed after. */
struct ct_error *ct_map_fd(int fd, const char *path, void **ret_map,
			   size_t *ret_len);
/* Unmap what ct_map_file() or ct_map_fd() mapped; NULL does nothing. */
void ct_unmap_file(void *map, size_t len);
/* Note on c that the file path shrank while it was read: bytes from offset
 * to len read as zeros. */
struct ct_case;
struct ct_error *ct_case_add_note_lost(struct ct_case *c, const char *path,
				       uint64_t offset, uint64_t len);
/* True, with the first offset that read as zeros, when the file behind
 * map shrank while it was read. */
bool ct_map_lost(const void *map, uint64_t *ret_offset);

/* The CPUs this process may run on (its affinity mask: taskset, a Slurm
 * allocation, a container's cpuset), 1 to 256. */
unsigned ct_usable_cpus(void);

#endif /* CT_INTERNAL_H */
