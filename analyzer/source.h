/* SPDX-License-Identifier: MIT */
/*
 * source.h - enumerate the entries of folders, files and archives through
 * libarchive, in place: nothing is extracted to disk.  Private to
 * libcrashtriage and its batch command; not installed.
 *
 * An entry is one leaf file: a file of a folder, a member of an archive, or
 * the decompressed content of a single compressed file (vmkernel.0.gz).
 * Archives inside archives (a vCenter zip of per-host .tgz bundles) are
 * opened in memory (or from their spool file when large) and enumerated
 * in turn, up to CT_SOURCE_MAX_NESTING
 * levels.  Entry paths name the chain: "bundle.zip!host1.tgz!commands/x".
 *
 * Order is stable: folders in strcmp order of their names, archives in
 * the order of their members.  A bad or truncated archive gives one entry
 * with error set, naming the archive and the member where reading stopped;
 * enumeration of that archive ends there and the rest goes on.
 */
#ifndef CT_SOURCE_H
#define CT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

/* Limits of one walk: a hostile archive cannot exhaust memory.  A member
 * larger than CT_SOURCE_MAX_MEMORY is spooled to an unlinked temporary
 * file in $TMPDIR (or /tmp), written sparse (a run of zeros is a hole),
 * while at least CT_SOURCE_SPOOL_RESERVE bytes stay free there, and
 * mapped; a plain file larger than it is mapped in place. */
#define CT_SOURCE_MAX_ENTRY ((uint64_t)256 << 30) /* bytes of one entry */
#define CT_SOURCE_MAX_MEMORY ((size_t)64 << 20)	/* held in memory */
#define CT_SOURCE_MAX_HELD ((size_t)1 << 30)	/* nested buffers held */
#define CT_SOURCE_SPOOL_RESERVE ((uint64_t)256 << 20)
/* Bytes a walk inflates to skip one member of a compressed stream (a tgz)
 * that it does not read; past it the rest of the archive is not read. */
#define CT_SOURCE_MAX_SKIP ((uint64_t)256 << 20)
enum {
	CT_SOURCE_MAX_NESTING = 4,	/* archives inside archives */
	CT_SOURCE_MAX_ENTRIES = 1000000, /* entries of one walk */
	CT_SOURCE_SEP = '!',		/* between an archive and a member */
};

/* One leaf entry as the callback sees it; valid during the callback only. */
struct ct_source_entry {
	const char *path;	/* display path, chain joined with '!' */
	const char *data;	/* bytes, NULL in names-only walks, when
				 * skipped or on error; not NUL-terminated */
	size_t len;		/* bytes at data */
	bool mapped;		/* data is a mapping of all of fd, made
				 * with ct_map_fd() (check ct_map_lost()) */
	int fd;			/* with mapped: the file, which the callback
				 * may map again to keep the bytes after
				 * it returns (ct_map_fd) */
	uint64_t size;		/* size as the folder or archive says it
				 * (0 when unknown, e.g. a raw .gz) */
	unsigned char sha256[32]; /* of data, when data is set and the
				 * walk was asked for hashes (options) */
	const char *skipped;	/* why the entry was not read, or NULL */
	const char *error;	/* a read error (archive and member named),
				 * or NULL; no entry follows from the same
				 * archive */
	int nesting;		/* 0 on disk, 1 inside an archive, ... */
	uint64_t disk_bytes;	/* progress: bytes of the walk's files on
				 * disk read so far (compressed bytes for
				 * an archive) */
};

/* Return an error to stop the walk (it is passed back to the caller). */
typedef struct ct_error *(*ct_source_fn)(void *arg,
					 const struct ct_source_entry *e);

struct ct_source_options {
	bool names_only;	/* do not read leaf data (nested archives are
				 * still read, to list their members) */
	uint64_t max_entry;	/* 0: CT_SOURCE_MAX_ENTRY */
	unsigned entry_timeout;	/* seconds one entry may take to read
				 * (spool) before it is given up with an
				 * error; 0: no limit */
	bool disk_only;		/* files on disk are leaves: do not open
				 * archives (implies names_only) */
	bool sha256;		/* compute each entry's SHA-256 */
	bool follow_links;	/* follow links in a folder to files outside
				 * it; else such a link is an entry skipped
				 * with ct_source_skip_link */
};

/* The skipped reason of a link out of the walked folder (compare the
 * pointer or the text). */
extern const char ct_source_skip_link[];

/*
 * ct_source_walk - call fn for every entry under path (a folder or file).
 * Return: NULL, or an error when path itself cannot be read (the entries
 * of a bad archive are reported through fn instead), or fn's error.
 */
struct ct_error *ct_source_walk(const char *path,
				const struct ct_source_options *opts,
				ct_source_fn fn, void *arg);

/* Same for bytes already in memory, named name (as a file would be). */
struct ct_error *ct_source_walk_memory(const char *name, const void *buf,
				       size_t len,
				       const struct ct_source_options *opts,
				       ct_source_fn fn, void *arg);

/*
 * Whether reading the file at path again costs little: a tar compressed
 * with gzip, inflated by igzip (analyzer/gunzip.h).  batch lists such an
 * archive in a pass of its own and then reads it, where it would keep
 * each entry of another one in a spool file between the two.
 */
bool ct_source_rereads_cheaply(const char *path);

/* True if buf starts like an archive or compressed stream we open. */
bool ct_source_is_container(const void *buf, size_t len);

/* Format a SHA-256 digest as 64 lowercase hex digits (+ NUL) into ret. */
void ct_sha256_hex(const unsigned char digest[32], char ret[65]);

/* ---- support bundles -------------------------------------------------- */

/*
 * A support bundle is one case.  It is recognised by the entry names under
 * its top folder (the root), wherever that folder sits: on disk, in an
 * archive, or in an archive in an archive:
 *   vm-support     ROOT/commands/vmware_-vl.txt, or any ROOT/etc/vmware/
 *                  vm-support/ entry (the manifests)
 *   sosreport      any ROOT/sos_commands/ entry
 *   supportconfig  ROOT/basic-environment.txt together with
 *                  ROOT/supportconfig.txt
 * ROOT may be empty (the archive itself is the bundle's top folder).  An
 * entry belongs to the innermost root that is a prefix of its path: each
 * host bundle of a vCenter export (a zip of vm-support .tgz files) is a
 * case of its own, since hosts differ in versions and crashes.  Entries
 * under no root are one case each.
 */
struct ct_bundle_root {
	char *prefix;		/* path up to and including the separator
				 * ('/' or '!') before the bundle's files */
	const char *kind;	/* "vm-support", "sosreport", "supportconfig" */
	size_t entries;		/* entries under it (ct_bundle_plan_count) */
};

struct ct_bundle_plan {
	struct ct_bundle_root *roots;	/* sorted by prefix after finish */
	size_t count, cap;
	char **pending;		/* supportconfig halves: "E<root>" or "S<root>" */
	size_t pending_count, pending_cap;
};

/* Look at one entry path; remembers the roots it shows. */
struct ct_error *ct_bundle_plan_add(struct ct_bundle_plan *plan,
				    const char *path);
/* After the last add: pair the supportconfig halves, sort the roots. */
struct ct_error *ct_bundle_plan_finish(struct ct_bundle_plan *plan);
/* The innermost root whose prefix starts path, or NULL. */
struct ct_bundle_root *ct_bundle_plan_find(const struct ct_bundle_plan *plan,
					   const char *path);
void ct_bundle_plan_deinit(struct ct_bundle_plan *plan);

/*
 * The one rule for what is one case, used by analyze and batch alike:
 *  - a support bundle (a root of the plan) is one case;
 *  - a folder the user names, or a folder at the top of an archive, is
 *    one case, unless it is a container: a bundle or an archive lies
 *    somewhere below it (an archive is known by its name, see
 *    ct_is_archive_name);
 *  - in a container, and at the top of an archive (always a container),
 *    each file is a case, each archive a container of its own and each
 *    folder is judged by this same rule.
 * ct_bundle_plan_group() adds to the finished plan a root of kind NULL for
 * each folder that is one case; ct_bundle_plan_find() then names every
 * entry's case: its root, or none (the entry is a case of its own).
 * names: every entry's path (the plan's bundles came from them); base:
 * the length of the prefix the rule starts at (a folder's path and its
 * '/', or an archive's path and CT_SOURCE_SEP); base_container: that
 * prefix is a container by itself (an archive), else a folder.
 */
struct ct_error *ct_bundle_plan_group(struct ct_bundle_plan *plan,
				      char *const *names, size_t count,
				      size_t base, bool base_container);
/* A name that says "archive": .tar, .tgz, .tar.gz, .tar.xz, .txz,
 * .tar.bz2, .tbz2, .tbz, .tar.zst, .zip, .7z (a lone .gz is a log). */
bool ct_is_archive_name(const char *path);

#endif /* CT_SOURCE_H */
