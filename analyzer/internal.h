/* SPDX-License-Identifier: MIT */
/*
 * internal.h - helpers shared inside libcrashtriage: growable strings, line
 * iteration over untrusted text, small string utilities, and the extractor
 * interface every input kind implements.  Not installed.
 */
#ifndef CT_INTERNAL_H
#define CT_INTERNAL_H

#include <stdarg.h>
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

/* ---- allocation -------------------------------------------------------- */

/* strndup that maps NUL bytes and control characters other than tab and
 * newline to '?' so that every string in the case model is printable C
 * text; keeps at most CT_MAX_FIELD_LEN bytes. */
char *ct_strndup_clean(const char *s, size_t n);

/* ct_case_add_fact() with a printf-style value, made printable. */
struct ct_error *ct_case_add_factf(struct ct_case *c, const char *key,
				   struct ct_origin o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- the private side of a case --------------------------------------- */

/* What the library keeps of a case beside the public struct ct_case:
 * ct_case_create() allocates this, callers only see &pub. */
struct ct_case_private {
	struct ct_case pub;	/* the public case; first member */
	/* capacities of the arrays of pub */
	size_t input_cap, fact_cap, backtrace_cap, event_cap, finding_cap,
	       note_cap, match_cap;
	/* open-addressing index of facts by (key, value): slot holds fact
	 * index + 1, 0 when empty; case.c's */
	size_t *fact_slots;
	size_t fact_slot_cap;
};

/* The private side of c (made by ct_case_create()). */
static inline struct ct_case_private *ct_case_priv(struct ct_case *c)
{
	return (struct ct_case_private *)c;
}

static inline const struct ct_case_private *
ct_case_priv_const(const struct ct_case *c)
{
	return (const struct ct_case_private *)c;
}

/* ---- small string helpers on (p, len) spans ---------------------------- */

/* First occurrence of needle in [p, p+len), or NULL. */
const char *ct_memstr(const char *p, size_t len, const char *needle);
bool ct_has_prefix(const char *p, size_t len, const char *prefix);
/* Bytes of the blank at p: 1 for space or tab, 2 for a UTF-8 no-break
 * space (pasted from web pages), 0 if p is no blank. */
size_t ct_blank_len(const char *p, const char *end);
/* Skip spaces, tabs and no-break spaces. */
const char *ct_skip_blanks(const char *p, const char *end);
/* Trim blanks and CR at both ends of the span in place. */
void ct_trim(const char **p, size_t *len);
/* Parse hex digits (optional 0x) at *p; *p moves past them.  Masked digits
 * ('*', '#') make *masked true and the value 0.  False if none. */
bool ct_parse_hex(const char **p, const char *end, uint64_t *ret,
		  bool *masked);
/* Parse a 64-bit hex number (optional 0x, 1 to 16 digits, no masks) at
 * *p; *p moves past it.  False, *p untouched, if there are no digits or
 * more than 16. */
bool ct_parse_hex_u64(const char **p, const char *end, uint64_t *ret);
/* Parse decimal digits at *p into ret (saturating). */
bool ct_parse_dec(const char **p, const char *end, unsigned long *ret);

/* ---- little-endian fields of dumps -------------------------------------- */

static inline uint16_t ct_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ct_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t ct_le64(const unsigned char *p)
{
	return (uint64_t)ct_le32(p) | (uint64_t)ct_le32(p + 4) << 32;
}

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

/* ---- extractors -------------------------------------------------------- */

/* One input's bytes as an extractor sees them. */
struct ct_text {
	const char *path;	/* owned by the case's input list */
	const char *buf;	/* may contain NULs; not NUL-terminated */
	size_t len;
};

/* One input kind.  sniff() looks at the content only; extract() adds
 * whatever evidence it finds to the case and may be handed a text that
 * holds other kinds too. */
struct ct_extractor {
	enum ct_input_kind kind;
	bool (*sniff)(const char *buf, size_t len);
	struct ct_error *(*extract)(struct ct_case *c, const struct ct_text *t);
};

extern const struct ct_extractor ct_extractor_gdb;
extern const struct ct_extractor ct_extractor_vmkernel;
extern const struct ct_extractor ct_extractor_linux;
extern const struct ct_extractor ct_extractor_facts;

/* All extractors, indexed by enum ct_input_kind. */
extern const struct ct_extractor *const ct_extractors[CT_KIND_MAX];

/* Run the extractors of kinds over t (used by analyze and by fuzzers). */
struct ct_error *ct_extract_text(struct ct_case *c, const struct ct_text *t,
				 unsigned kinds);

/* ---- frames ------------------------------------------------------------ */

/* Which family of frame names a backtrace belongs to: selects skip lists. */
enum ct_frame_family {
	CT_FAMILY_ANY = 0,
	CT_FAMILY_ESXI,
	CT_FAMILY_LINUX,
	CT_FAMILY_USER,
};

/* Copy name without compiler clone suffixes (".isra.0", ".cold", ...). */
char *ct_frame_normalize(const char *name);
/* Mark generic frames of bt (panic plumbing, abort and what is above it). */
void ct_backtrace_mark_generic(struct ct_backtrace *bt,
			       enum ct_frame_family family);

/* Does name match pattern, where each '*' stands for any run of bytes?
 * (Frame lists: "kasan_*", "*_is_static_object", "std::sys::*::abort") */
bool ct_name_matches(const char *pattern, const char *name);
/* Is name (normalised) on the generic-frame list of family? */
bool ct_frame_is_plumbing(const char *name, enum ct_frame_family family);
/* Release the strings of one frame (used on error paths). */
void ct_frame_deinit(struct ct_frame *f);

/* ---- report types and the guilty frame (report.c) ---------------------- */

/* Why name (a normalised frame of a backtrace of family "linux", "user"
 * or "esxi") is never a guilty frame, for the space-separated skip classes
 * besides "all"; NULL when it may be guilty.  The string is static. */
const char *ct_guilty_skip_reason(const char *name, const char *family,
				  const char *classes);
/* Index of bt's guilty frame: the first reliable, named, non-generic frame
 * the skip list does not name; -1 when there is none. */
long ct_guilty_index(const struct ct_backtrace *bt, const char *classes);

/* A Linux report as its type names it. */
struct ct_linux_report {
	char *type;		/* "KASAN: use-after-free Read"; NULL when no
				 * report type matched */
	char *guilty;		/* guilty function, or NULL */
	char *message;		/* the headline's message */
	const char *kind;	/* panic.kind: "oops", "warning" ... (static) */
	const char *skip;	/* the type's skip classes (static), or NULL */
	unsigned long line;	/* the headline's line */
	size_t backtrace;	/* its backtrace in c->backtraces, or SIZE_MAX */
	long guilty_frame;	/* the guilty frame's index in it, or -1 */
	bool corrupted;		/* no guilty frame where one was needed, or a
				 * headline another line runs into */
	bool typed;		/* type is set */
	bool fragment;		/* a type that only follows another report
				 * (a panic after the cause the text lost) */
};

/* Find the first report of text t that a report type names, searching the
 * lines before each backtrace of t (c->backtraces from first_bt on) and
 * the report_lines the extractor opened reports at; fill *ret (free with
 * ct_linux_report_deinit()).  Errors only for lack of memory. */
struct ct_error *ct_linux_report_classify(struct ct_case *c,
					  const struct ct_text *t,
					  size_t first_bt,
					  const unsigned long *report_lines,
					  size_t report_line_count,
					  struct ct_linux_report *ret);
void ct_linux_report_deinit(struct ct_linux_report *r);
/* Does the message [m, m+n) (log prefixes stripped) hold a headline that a
 * report type names?  For sniffing. */
bool ct_linux_report_headline(const char *m, size_t n);

/* ---- log line prefixes ------------------------------------------------- */

/* What a log line's prefix says, and where its message starts. */
struct ct_log_prefix {
	const char *timestamp;	/* span of the timestamp, or NULL */
	size_t timestamp_len;
	const char *host;	/* syslog/journal host name span, or NULL */
	size_t host_len;
	const char *message;	/* first byte after every prefix */
	size_t message_len;
	long cpu;		/* ESXi "cpuN:" or printk "[C3]", -1 if none */
	const char *world;	/* ESXi world id span after "cpuN:", or NULL */
	size_t world_len;
	bool vmkernel;		/* an ESXi "cpuN:W)" or 8.x syslog header */
	bool continuation;	/* ESXi 8.x "In(182)+" continuation marker */
	bool kernel_tag;	/* a syslog, journal or RFC 5424 line tagged
				 * "kernel" (with or without a host) */
};

/* Strip every known prefix from a line: ISO timestamps with an ESXi 8.x
 * "In(182) vmkernel:" header and "cpuN:WORLD[ opID=..])", ESX 3.x uptime
 * stamps, syslog and journal "Mon DD HH:MM:SS host tag[pid]:" (also with
 * RFC 3339 stamps, busybox/OpenWrt "kern.warn" facility.level, and "Mon
 * Jan  1 12:00:00 2024" logread stamps), RFC 5424 "<13>1 TS HOST APP - -
 * - ", console loglevels "<4>", dmesg "[  123.456789]", "dmesg -T" "[Mon
 * Jan  1 12:00:00 2024]", "dmesg -x" "kern  :err   : ", container
 * consoles "kern:  err: [TS]: ", printk callers "[    T1]", serial-console
 * stamps ("[2024-01-02 03:04:05]", "[03:04:05.123]", "12:34:56.789 "), and
 * ANSI colour escapes.  Never fails: with no prefix, message is the line. */
void ct_log_prefix_parse(const char *p, size_t len, struct ct_log_prefix *ret);

/* The end of a dmesg stamp "[  123.456789]" at p (after its ']'), or
 * NULL. */
const char *ct_log_dmesg_stamp(const char *p, const char *end);

/* The end of a "dmesg -T" stamp at p ("[Mon Jan  1 12:00:00 2024]", any
 * locale, maybe with dmesg -d's " <    0.127615>" delta), or NULL. */
const char *ct_log_human_stamp(const char *p, const char *end);

/* ---- wrappers around a pasted text ------------------------------------- */

/* What ct_text_unwrap() took a text out of (bits). */
enum {
	CT_WRAP_QUOTE = 1u << 0,	/* "> ", ">> ", "> > " quote markers */
	CT_WRAP_PIPE_QUOTE = 1u << 1,	/* "| " quotes most lines too */
	CT_WRAP_FENCE = 1u << 2,	/* markdown code fences */
	CT_WRAP_NOISE = 1u << 3,	/* <pre>/<details> markup lines, pager
					 * prompts and status lines */
	CT_WRAP_HTML = 1u << 4,		/* HTML character references */
	CT_WRAP_COMMENT = 1u << 5,	/* "// " or " * " source comments
					 * (crash text kept in code) */
};

/* A text as the extractors should read it. */
struct ct_unwrapped {
	const char *buf;	/* the input itself, or owned */
	size_t len;
	char *owned;		/* malloc'd unwrapped copy, or NULL */
	unsigned wrappers;	/* CT_WRAP_* found; 0: buf is the input */
};

/* Decide from one pass over the lines of [buf, buf+len) which wrappers the
 * file uses (quoting, fences, markup, pager noise, HTML references) and,
 * if any, write the unwrapped text into one buffer with exactly the
 * input's lines: line N of ret is line N of the input without its
 * wrapper, empty for a wrapper-only line, so line numbers stay the
 * input's.  Without wrappers ret->buf is buf and nothing is allocated.
 * Release with ct_unwrapped_deinit(); on error (NO_MEMORY) ret holds the
 * input unchanged. */
struct ct_error *ct_text_unwrap(const char *buf, size_t len,
				struct ct_unwrapped *ret);
void ct_unwrapped_deinit(struct ct_unwrapped *u);

/* ---- log events -------------------------------------------------------- */

/* Scan t for every single-line event of the event catalogue
 * (data/events.txt): one pass over the whole text looks for the
 * catalogue's literals, then each candidate line is matched with its
 * regular expression, and the named captures become event fields.  The
 * catalogue entry says which families (esxi, linux, any) it applies to. */
struct ct_error *ct_events_scan(struct ct_case *c, const struct ct_text *t,
				enum ct_frame_family family);

/* ---- errors ------------------------------------------------------------ */

/* ct_error_create() for a caller that already holds a va_list. */
struct ct_error *ct_error_vcreate(enum ct_error_code code, const char *fmt,
				  va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Every corruption report goes through ct_error_vcorrupt(): one place for
 * a breakpoint.  It records where in the input (path, and a 1-based line
 * or a byte offset; path may be NULL when the caller names the file later)
 * and where in the library (src_file:src_line, shown by ct_error_format()
 * in builds with -DCT_DEBUG_ERRORS).  Call it through the macros:
 *
 *   ct_error_corrupt(path, line, fmt, ...)	line 0 if unknown
 *   ct_error_corrupt_at(path, offset, fmt, ...)	"at offset 0x..."
 *   ct_error_libelf(path, what)	"what: <elf_errmsg(-1)>"
 *   ct_error_libdw(path, what)		"what: <dwarf_errmsg(-1)>"
 *   ct_error_libdwfl(path, what)	"what: <dwfl_errmsg(-1)>"
 *
 * The last three turn the library's thread-local error state into an
 * error object now, before another call overwrites it; the caller
 * includes the library's header.  All return &ct_enomem on OOM.
 */
struct ct_error *ct_error_vcorrupt(const char *src_file, int src_line,
				   const char *path, unsigned long line,
				   uint64_t offset, bool has_offset,
				   const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
struct ct_error *ct_error_corrupt_where(const char *src_file, int src_line,
					const char *path, unsigned long line,
					uint64_t offset, bool has_offset,
					const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#define ct_error_corrupt(path, line, ...)				\
	ct_error_corrupt_where(__FILE__, __LINE__, (path), (line), 0, false, \
			       __VA_ARGS__)
#define ct_error_corrupt_at(path, offset, ...)				\
	ct_error_corrupt_where(__FILE__, __LINE__, (path), 0, (offset), true, \
			       __VA_ARGS__)
#define CT_ERROR_LIB_(path, what, msg)					\
	ct_error_corrupt_where(__FILE__, __LINE__, (path), 0, 0, false,	\
			       "%s: %s", (what), ct_error_lib_msg(msg))
#define ct_error_libelf(path, what) CT_ERROR_LIB_(path, what, elf_errmsg(-1))
#define ct_error_libdw(path, what) CT_ERROR_LIB_(path, what, dwarf_errmsg(-1))
#define ct_error_libdwfl(path, what) CT_ERROR_LIB_(path, what, dwfl_errmsg(-1))

/* msg, or "unknown error" when a library has no message to give. */
static inline const char *ct_error_lib_msg(const char *msg)
{
	return msg ? msg : "unknown error";
}

/* ---- hashing ----------------------------------------------------------- */

struct ct_sha256 {
	uint32_t state[8];
	uint64_t length;	/* bytes hashed so far */
	unsigned char block[64];
	size_t used;		/* bytes in block */
};

void ct_sha256_init(struct ct_sha256 *h);
void ct_sha256_update(struct ct_sha256 *h, const void *data, size_t len);
void ct_sha256_final(struct ct_sha256 *h, unsigned char ret[32]);

#endif /* CT_INTERNAL_H */
