/* SPDX-License-Identifier: MIT */
/*
 * extract.h - the extractor interface, private to libcrashtriage: what
 * the extractors of analyzer/extract/ and analyze.c share.  One input's
 * bytes (struct ct_text), the ops every input kind implements and their
 * table, log-line prefixes (logline.c), wrappers around pasted text
 * (unwrap.c) and the event scan (events.c).
 */
#ifndef CT_EXTRACT_H
#define CT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/crashtriage.h"
#include "analyzer/frames.h"
#include "analyzer/multiscan.h"

/* One input's bytes as an extractor sees them. */
struct ct_text {
	const char *path; /* owned by the case's input list */
	const char *buf;  /* may contain NULs; not NUL-terminated */
	size_t len;
	/* when set, the text's only extractor feeds its events to this scan
	 * on its own pass (ct_event_scan_line): a vmkernel.log's or a
	 * Linux kernel log's */
	struct ct_event_scan *events;
	/* when set, the text is a Linux kernel log longer than the vmkernel
	 * sniff's window (CT_VMKERNEL_SNIFF_WINDOW) whose start says
	 * nothing of ESXi: the Linux extractor's pass looks for ESXi panic
	 * text in it (ct_esxi_panic_text) and sets *esxi_panic when it
	 * finds some, instead of the vmkernel sniff reading it all again */
	bool *esxi_panic;
};

/* The vmkernel sniff in two parts: what the start of a text shows, and
 * ESXi panic text ("@BlueScreen", "Panic Details:") anywhere in it, a
 * pass over all of it (extract/vmkernel.c).  The extractor's sniff() is
 * either. */
enum { CT_VMKERNEL_SNIFF_WINDOW = 256 * 1024 };	/* "the start" */
bool ct_vmkernel_sniff_start(const char *buf, size_t len);
bool ct_esxi_panic_text(const char *buf, size_t len);

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

/* What a log line's prefix says, and where its message starts. */
struct ct_log_prefix {
	const char *timestamp; /* span of the timestamp, or NULL */
	size_t timestamp_len;
	const char *host; /* syslog/journal host name span, or NULL */
	size_t host_len;
	const char *message; /* first byte after every prefix */
	size_t message_len;
	long cpu;	   /* ESXi "cpuN:" or printk "[C3]", -1 if none */
	const char *world; /* ESXi world id span after "cpuN:", or NULL */
	size_t world_len;
	bool vmkernel;	   /* an ESXi "cpuN:W)" or 8.x syslog header, or
			    * a hostd or vobd header before 8.0 */
	bool continuation; /* ESXi 8.x "In(182)+" continuation marker */
	bool kernel_tag;   /* a syslog, journal or RFC 5424 line tagged
				 * "kernel" (with or without a host) */
};

/* Strip every known prefix from a line: ISO timestamps with an ESXi 8.x
 * "In(182) vmkernel:" header and "cpuN:WORLD[ opID=..])", with a pre-8.0
 * hostd header "info hostd[B781B70] [Originator@6876 ...]" or vobd's ": "
 * before a correlator, ESX 3.x uptime
 * stamps, syslog and journal "Mon DD HH:MM:SS host tag[pid]:" (also with
 * RFC 3339 stamps, busybox/OpenWrt "kern.warn" facility.level, and "Mon
 * Jan  1 12:00:00 2024" logread stamps), RFC 5424 "<13>1 TS HOST APP - -
 * - ", console loglevels "<4>", dmesg "[  123.456789]", "dmesg -T" "[Mon
 * Jan  1 12:00:00 2024]", "dmesg -x" "kern  :err   : ", container
 * consoles "kern:  err: [TS]: ", printk callers "[    T1]", serial-console
 * stamps ("[2024-01-02 03:04:05]", "[03:04:05.123]", "12:34:56.789 "), and
 * ANSI colour escapes.  Never fails: with no prefix, message is the line. */
void ct_log_prefix_parse(const char *p, size_t len, struct ct_log_prefix *ret);

/* Does [p, end) start as vobd's messages do after the stamp of ESXi
 * before 8.0 ("2016-03-04T19:29:42.070Z: "): with a correlator,
 * "[APDCorrelator] ", or "No correlator for "?  (A KB page's masked
 * stamp is read by the vmkernel extractor, which asks this too.) */
bool ct_log_is_vobd_message(const char *p, const char *end);

/* The message of a line whose prefix is the plain ESXi one,
 * "2025-02-03T10:00:00.123Z cpu7:2097733)" (a 'T', milliseconds, 'Z', no
 * opID), where ct_log_prefix_parse() finds it (no host, vmkernel), or
 * NULL for any other line: a fast path for the millions of lines of a
 * large vmkernel.log that a scan only counts. */
const char *ct_log_plain_vmkernel(const char *p, const char *end);

/* The same for a kernel log's "[  12.345678] ": the message after it and
 * one blank, with no host, not vmkernel. */
const char *ct_log_plain_dmesg(const char *p, const char *end);

/* The end of a dmesg stamp "[  123.456789]" at p (after its ']'), or
 * NULL. */
const char *ct_log_dmesg_stamp(const char *p, const char *end);

/* The end of a "dmesg -T" stamp at p ("[Mon Jan  1 12:00:00 2024]", any
 * locale, maybe with dmesg -d's " <    0.127615>" delta), or NULL. */
const char *ct_log_human_stamp(const char *p, const char *end);

/* ---- wrappers around a pasted text ------------------------------------- */

/* What ct_text_unwrap() took a text out of (bits). */
enum {
	CT_WRAP_QUOTE = 1u << 0,      /* "> ", ">> ", "> > " quote markers */
	CT_WRAP_PIPE_QUOTE = 1u << 1, /* "| " quotes most lines too */
	CT_WRAP_FENCE = 1u << 2,      /* markdown code fences */
	CT_WRAP_NOISE = 1u << 3,      /* <pre>/<details> markup lines, pager
					 * prompts and status lines */
	CT_WRAP_HTML = 1u << 4,	      /* HTML character references */
	CT_WRAP_COMMENT = 1u << 5,    /* "// " or " * " source comments
					 * (crash text kept in code) */
	CT_WRAP_JSON = 1u << 6,	      /* JSON log records (journalctl -o
					 * json, json-pretty, JSON lines) */
};

/* A text as the extractors should read it. */
struct ct_unwrapped {
	const char *buf; /* the input itself, or owned */
	size_t len;
	char *owned;	   /* malloc'd unwrapped copy, or NULL */
	unsigned wrappers; /* CT_WRAP_* found; 0: buf is the input */
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
 * catalogue entry says which families (esxi, linux, any) it applies to.
 * When the case holds CT_MAX_EVENTS, a note says from which line on the
 * text was not scanned. */
struct ct_error *ct_events_scan(struct ct_case *c, const struct ct_text *t,
				enum ct_frame_family family);

/* The same scan fed line by line, by an extractor whose own pass over t
 * finds the lines (t->events): it hands over, in order, at least every
 * line that a literal of ct_event_scan_set() lies in, so that a big log
 * is read once.  ct_event_scan_line() returns false once it wants no
 * more lines (the case is full, or an error it keeps);
 * ct_event_scan_finish() adds the note and frees the scan, returning its
 * error.  create fails as ct_events_scan() would (NO_MEMORY, a catalogue
 * pattern that does not compile). */
struct ct_event_scan;
struct ct_error *ct_event_scan_create(struct ct_case *c,
				      const struct ct_text *t,
				      enum ct_frame_family family,
				      struct ct_event_scan **ret);
enum ct_scan_set ct_event_scan_set(const struct ct_event_scan *es);
bool ct_event_scan_line(struct ct_event_scan *es,
			const struct ct_scan_line *line);
struct ct_error *ct_event_scan_finish(struct ct_event_scan *es);

#endif /* CT_EXTRACT_H */
