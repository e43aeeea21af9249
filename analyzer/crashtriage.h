/* SPDX-License-Identifier: MIT */
/*
 * crashtriage.h - the public interface of libcrashtriage.
 *
 * libcrashtriage turns crash evidence (gdb backtraces, ESXi vmkernel logs and
 * PSOD screens, Linux kernel logs, system facts, and later core dumps) into
 * one case model: facts, backtraces, events, findings and a panic summary,
 * plus a normalised signature (title and stable hash).  The library never
 * prints; callers format errors and results themselves.
 *
 * Errors: every fallible function returns a struct ct_error * that is NULL on
 * success.  The caller owns a returned error and frees it with
 * ct_error_destroy() (the static ct_enomem may be passed there too).
 */
#ifndef CRASHTRIAGE_H
#define CRASHTRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

enum ct_error_code {
	CT_ERROR_NO_MEMORY = 1,	/* allocation failed */
	CT_ERROR_OS,		/* a system call failed: see errnum and path */
	CT_ERROR_CORRUPT,	/* input is malformed at path:line or offset */
	CT_ERROR_TRUNCATED,	/* input ends early at offset */
	CT_ERROR_NOT_FOUND,	/* an expected miss: symbol, key, rule */
	CT_ERROR_INVALID_ARGUMENT, /* the caller asked for something invalid */
	CT_ERROR_NOT_RECOGNISED, /* input is no kind we read */
	CT_ERROR_UNSUPPORTED,	/* valid input we cannot handle yet */
	CT_ERROR_CODE_MAX,
};

struct ct_error {
	enum ct_error_code code;
	int errnum;		/* errno for CT_ERROR_OS, else 0 */
	char *path;		/* file the error is about, or NULL */
	uint64_t offset;	/* byte offset in path, valid if has_offset */
	bool has_offset;
	unsigned long line;	/* 1-based line in path, 0 if unknown */
	char *message;		/* lowercase, no trailing period */
	const char *src_file;	/* library source that reported corruption */
	int src_line;		/* its line there; 0 for other errors */
};

/* Returned when memory runs out; ct_error_destroy() ignores it. */
extern struct ct_error ct_enomem;

/* Create an error with a printf-style message.  Returns &ct_enomem on OOM. */
struct ct_error *ct_error_create(enum ct_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Create a CT_ERROR_OS error for errnum while doing something to path. */
struct ct_error *ct_error_os(int errnum, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Attach a path (copied) and position to err; returns err for chaining. */
struct ct_error *ct_error_at(struct ct_error *err, const char *path,
			     unsigned long line, uint64_t offset, bool has_offset);
/* Format "path:line: message" (or "path: offset 0x..: message") into a new
 * string the caller frees; NULL on OOM. */
char *ct_error_format(const struct ct_error *err);
/* Free err; NULL and &ct_enomem are accepted. */
void ct_error_destroy(struct ct_error *err);

/* How a read of a dump's memory went (struct ct_walk_mem, the dump
 * readers). */
enum ct_core_mem {
	CT_CORE_MEM_OK = 0,	/* all bytes read */
	CT_CORE_MEM_NOT_DUMPED,	/* mapped, left out by the writer */
	CT_CORE_MEM_TRUNCATED,	/* mapped and dumped, but the file ends */
	CT_CORE_MEM_UNMAPPED,	/* no segment covers the address */
};

/* ------------------------------------------------------------------------
 * Input kinds
 * ------------------------------------------------------------------------ */

enum ct_input_kind {
	CT_KIND_GDB_BACKTRACE = 0,	/* "gdb-backtrace" */
	CT_KIND_VMKERNEL_LOG,		/* "vmkernel-log": vmkernel.log, PSOD */
	CT_KIND_LINUX_KERNEL_LOG,	/* "linux-kernel-log": dmesg, journal */
	CT_KIND_SYSTEM_FACTS,		/* "system-facts": ethtool, lspci ... */
	CT_KIND_ELF_CORE,		/* "elf-core": Linux user-space core */
	CT_KIND_LINUX_VMCORE,		/* "linux-vmcore": kernel crash dump */
	CT_KIND_MAX,
};

/* Stable name used in JSON ("gdb-backtrace"), or "unknown". */
const char *ct_input_kind_name(enum ct_input_kind kind);
/* Human description ("gdb backtrace"). */
const char *ct_input_kind_description(enum ct_input_kind kind);

/* ------------------------------------------------------------------------
 * The case model
 * ------------------------------------------------------------------------ */

/* Where a piece of evidence came from. */
struct ct_origin {
	const char *path;	/* input path; owned by the case's input list */
	unsigned long line;	/* 1-based line, 0 if not line-based */
};

/* One key -> value fact, e.g. "esxi.build" -> "24674464". */
struct ct_fact {
	char *key;
	char *value;
	struct ct_origin origin;
};

/* One frame of a backtrace, innermost first. */
struct ct_frame {
	char *function;		/* as printed, NULL when unknown ("??") */
	char *normalized;	/* function without clone suffixes, or NULL */
	char *module;		/* "i40en", "vmkernel", "[e1000e]" -> "e1000e" */
	char *file;		/* source file, NULL if unknown or masked */
	unsigned long source_line; /* 0 if unknown or masked */
	uint64_t address;	/* valid if has_address */
	uint64_t offset;	/* offset into function, valid if has_offset */
	bool has_address;
	bool has_offset;
	bool reliable;		/* false for "? " frames and stack scans */
	bool generic;		/* panic plumbing etc: skipped by signatures */
	bool inlined;		/* gdb printed no address: inlined frame */
	bool skipped;		/* above the guilty frame: reporting
				 * machinery or a generic helper */
	int number;		/* #N as printed, -1 if none */
};

/* An ordered list of frames for one thread, CPU or report. */
struct ct_backtrace {
	char *label;		/* "cpu7 world 2097733", "thread 3", ... */
	bool crashing;		/* the thread/CPU that crashed */
	const char *family;	/* frame-name family of its generic and
				 * skip lists: "linux", "esxi", "user", or
				 * NULL when not marked yet (static) */
	struct ct_origin origin;
	struct ct_frame *frames;
	size_t frame_count;
	size_t frame_capacity;
	size_t frames_dropped;	/* from the middle of a trace longer than
				 * the frame cap (a deep recursion) */
};

/* A captured field of an event: name -> value. */
struct ct_field {
	char *name;
	char *value;
};

/* A timestamped log event, e.g. "i40en.mdd" with queue/pf/vf fields. */
struct ct_event {
	char *kind;		/* dotted event kind */
	char *timestamp;	/* as printed, NULL if none */
	char *text;		/* the message (multi-line events joined) */
	struct ct_origin origin;
	struct ct_field *fields;
	size_t field_count;
	size_t field_cap;	/* room in fields */
};

/* A structure-corruption finding (filled by dump walkers). */
struct ct_finding {
	char *kind;		/* "bad-pointer", "cycle", ... */
	char *type;		/* struct type, e.g. "fqdn_node" */
	char *member;		/* member path, e.g. "domain_list" */
	uint64_t address;
	long element;		/* element index, -1 if none */
	char *reason;
	struct ct_origin origin;
	char *structure;	/* what a walk was following when it found
				 * this, "fqdn_node.domain_list" (the type
				 * holding the head and the head's member
				 * path), or NULL */
};

/* What went wrong, as far as the evidence says. */
struct ct_panic {
	char *kind;		/* "PSOD", "oops", "crash", ... NULL if none */
	char *message;		/* headline: "#PF Exception 14 in world ..." */
	char *exception;	/* "#PF", "#GP", "general protection fault" */
	char *context;		/* world / comm that crashed */
	char *cpu;		/* "cpu56", "CPU: 3" */
	struct ct_origin origin;
	char *report_type;	/* the report's type as a title names it:
				 * "KASAN: use-after-free Read", "possible
				 * deadlock", "INFO: task hung"; NULL when
				 * no report type names it */
	char *guilty;		/* the function the report's type rule chose
				 * as guilty, or NULL (then the signature
				 * picks it from the crashing backtrace) */
	bool corrupted;		/* the report is too mangled to trust its
				 * frames: no guilty frame could be found
				 * where its type needs one */
	bool typed;		/* report_type and guilty come from the
				 * report-type rules (guilty NULL means
				 * none rather than "not chosen yet") */
	long guilty_frame;	/* when typed: the guilty frame's index in
				 * the crashing backtrace (its name may be
				 * the bucket or syscall the rules gave it),
				 * -1 when the report's text named it */
};

/* A known issue that fits the case, filled by the matcher (rules/). */
struct ct_match {
	char *id;		/* rule id, e.g. "esxi-nsx-fqdn-domain-list" */
	char *title;
	double score;		/* in [0, 1] */
	bool passes;		/* score reaches the rule's threshold */
	char *verdict;		/* "affected", "fixed", "version-unknown" */
	char *fixed_in;		/* "NSX 4.2.3.3 (4.2 line); ...", or NULL */
	char *workaround;	/* or NULL */
	char **why;		/* evidence that matched, one line each */
	size_t why_count;
};

/* One input of a case. */
struct ct_input {
	char *path;
	uint64_t size;
	unsigned kinds;		/* bit (1u << enum ct_input_kind) per kind */
	char *error;		/* why it was not usable, or NULL */
};

/* The normalised signature of a case. */
struct ct_signature {
	char *title;		/* "PSOD in memscan <- strlen <- ...", NULL */
	char hash[17];		/* 16 hex digits, "" when there is no crash */
	char *guilty;		/* the first frame of the code at fault: the
				 * signature's first frame, or the function
				 * the report names; NULL when none */
	char **frames;		/* normalised top frames used for the hash */
	size_t frame_count;
	char **alt_titles;	/* coarser titles of the same crash, finest
				 * first: "KASAN: use-after-free in f",
				 * "kasan in f" */
	size_t alt_title_count;
};

struct ct_case {
	char *name;		/* the path the user gave */
	struct ct_input *inputs;
	size_t input_count;
	struct ct_fact *facts;
	size_t fact_count;
	struct ct_backtrace *backtraces;
	size_t backtrace_count;
	struct ct_event *events;
	size_t event_count;
	struct ct_finding *findings;
	size_t finding_count;
	struct ct_panic panic;
	struct ct_signature signature;
	char **notes;		/* completeness and other remarks */
	size_t note_count;
	struct ct_match *matches; /* best first */
	size_t match_count;
	bool known;		/* the best match passes its threshold */
	/* the library's bookkeeping (array capacities, the fact index) is
	 * private: ct_case_create() allocates it around this struct */
};

/* Create an empty case named name.  Free with ct_case_destroy(). */
struct ct_error *ct_case_create(const char *name, struct ct_case **ret);
void ct_case_destroy(struct ct_case *c);

/* Add a fact; a later fact with the same key and value is ignored.  path is
 * copied only by reference: it must be an input path of the case. */
struct ct_error *ct_case_add_fact(struct ct_case *c, const char *key,
				  const char *value, struct ct_origin origin);
/* Value of the first fact with key, or NULL. */
const char *ct_case_fact(const struct ct_case *c, const char *key);
/* Append an empty backtrace; *ret stays valid until the next add. */
struct ct_error *ct_case_add_backtrace(struct ct_case *c, const char *label,
				       struct ct_origin origin,
				       struct ct_backtrace **ret);
/* Append a copy of frame's strings to bt. */
struct ct_error *ct_backtrace_add_frame(struct ct_backtrace *bt,
					const struct ct_frame *frame);
/* Append an event without fields; *ret valid until the next add. */
struct ct_error *ct_case_add_event(struct ct_case *c, const char *kind,
				   const char *timestamp, const char *text,
				   struct ct_origin origin,
				   struct ct_event **ret);
/* Add a field to ev, an event of c. */
struct ct_error *ct_event_add_field(struct ct_case *c, struct ct_event *ev,
				    const char *name, const char *value);
/* Value of a field of ev, or NULL. */
const char *ct_event_field(const struct ct_event *ev, const char *name);
struct ct_error *ct_case_add_finding(struct ct_case *c,
				     const struct ct_finding *finding);
/* Free the strings of m and zero it (m itself is not freed). */
void ct_match_deinit(struct ct_match *m);
/* Append a copy of m (why[] copied too); matches are kept in call order. */
struct ct_error *ct_case_add_match(struct ct_case *c, const struct ct_match *m);
struct ct_error *ct_case_add_note(struct ct_case *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set panic fields that are still NULL (first report wins). */
struct ct_error *ct_case_set_panic(struct ct_case *c,
				   const struct ct_panic *panic);

/* ------------------------------------------------------------------------
 * Analysis
 * ------------------------------------------------------------------------ */

/* Read one path (file or folder) into a new case: every file is sniffed and
 * run through the extractors of its kinds, then the signature is computed.
 * An unreadable or unrecognised file is recorded on its ct_input (error) and
 * the rest goes on; the function fails only when path itself cannot be read.
 * Use ct_case_usable() to ask whether anything was recognised. */
struct ct_error *ct_analyze_path(const char *path, struct ct_case **ret);

/* How to analyze: what the caller knows that the inputs may not say.
 * Every member may be left zero/NULL for the defaults; the strings are
 * borrowed for the duration of the call. */
struct ct_analyze_options {
	const char *executable;	/* the crashed program (--exe), or NULL to
				 * find it from the core */
	const char *const *debug_dirs; /* folders with debug files, searched
				 * by build-id and name (--debug-dir) */
	size_t debug_dir_count;
	const char *unwinder;	/* "dwfl" or "libunwind"; NULL tries dwfl
				 * first, then libunwind */
	const char *const *maps; /* symbol lists (System.map, kallsyms,
				 * vmkernel lists) naming frames that a log
				 * printed as bare addresses (--map) */
	size_t map_count;
	bool follow_links;	/* follow links in a folder to files outside
				 * it (--follow-links); by default such a
				 * link is an input not read, with why */
};

/* ct_analyze_path() with options; opts may be NULL.  Fails like
 * ct_analyze_path(), and with CT_ERROR_INVALID_ARGUMENT for an unknown
 * unwinder name. */
struct ct_error *ct_analyze_path_with(const char *path,
				      const struct ct_analyze_options *opts,
				      struct ct_case **ret);

/*
 * ct_case_paths - the cases a path holds, by the one rule batch follows
 * too (analyzer/source.h, ct_bundle_plan_group): a file is one case; a
 * folder is one case unless it is a container, holding a support bundle
 * or an archive somewhere below it; then each bundle, each folder below
 * that holds none, and each other file is a case of its own.
 * @path:	a file or folder
 * @follow_links: follow links to files outside the folder
 * @ret_paths:	set to the cases' paths (path itself when it is one case),
 *		in name order, for ct_analyze_path_with() one by one
 * @ret_count:	set to their number (at least 1)
 * Return: NULL, or an error from listing the folder.  Free the paths with
 * ct_case_paths_free().
 */
struct ct_error *ct_case_paths(const char *path, bool follow_links,
			       char ***ret_paths, size_t *ret_count);
void ct_case_paths_free(char **paths, size_t count);

/* Same for a buffer already in memory, named name. */
struct ct_error *ct_analyze_buffer(const char *name, const char *buf,
				   size_t len, struct ct_case **ret);

/*
 * Cases fed from memory, one entry at a time (crashtriage batch reads
 * archives in place): ct_case_add_text() records buf as an input named
 * name (copied) and runs sniffing, the extractors and the event scan over
 * it, as ct_analyze_path() does for each file; an unrecognised text is
 * recorded on its input, not returned.  ct_case_add_unread() records an
 * input that was not read, with the reason (copied; NULL records an
 * input without error, as when a stored case is rebuilt).  ct_case_finish()
 * signs the case and adds the completeness notes, once, after the last
 * input.  Errors are returned only for lack of memory.
 */
struct ct_error *ct_case_add_text(struct ct_case *c, const char *name,
				  const char *buf, size_t len);
struct ct_error *ct_case_add_unread(struct ct_case *c, const char *name,
				    uint64_t size, const char *reason);
struct ct_error *ct_case_finish(struct ct_case *c);

/* True if at least one input was recognised as some kind. */
bool ct_case_usable(const struct ct_case *c);

/* Bitmask of the kinds buf looks like (1u << enum ct_input_kind). */
unsigned ct_sniff(const char *buf, size_t len);

/* The crashing backtrace: the first marked crashing that has frames, else
 * the first with frames; NULL when the case has none. */
const struct ct_backtrace *ct_case_crashing(const struct ct_case *c);

/* Recompute c->signature from c's backtraces and panic. */
struct ct_error *ct_case_sign(struct ct_case *c);

/* Render c as one JSON object (no trailing newline) into a new string the
 * caller frees. */
struct ct_error *ct_case_to_json(const struct ct_case *c, char **ret);
/* The same object and a newline written to f in pieces, never whole in
 * memory (a case with 100,000 events is 20 MB of JSON). */
struct ct_error *ct_case_write_json(const struct ct_case *c, FILE *f);

/* Version string of the library, e.g. "0.1.0". */
const char *ct_version(void);

#ifdef __cplusplus
}
#endif

#endif /* CRASHTRIAGE_H */
