/* SPDX-License-Identifier: MIT */
/*
 * multiscan.h - one pass over a text for many literals at once, that
 * also cuts the text into lines; private to libcrashtriage (multiscan.c).
 * The literal sets are fixed at build time (the event catalogue, the
 * extractors' markers): tools/gen-scandb.c compiles them with Vectorscan
 * into databases embedded in the library, and a scan loads only
 * Vectorscan's small runtime (libhs_runtime, plain C), on first use, as
 * lazy.h does for libarchive.
 *
 * A text of 4 MiB or more is scanned ahead of the walk on a thread of
 * its own (ct_multiscan_set_ahead()).
 *
 * Measured on this project's 2-core machine (bench/bench-scan.sh), one
 * Vectorscan pass for the 25 literals of a vmkernel.log's set costs 0.3 s
 * a GB, and cutting the lines from newline masks while each 256 KB chunk
 * is in cache 0.15 s more; the PCRE2 alternation it replaces read about
 * 1.1 GB/s, and libhs itself would map libstdc++ at every start.
 */
#ifndef CT_MULTISCAN_H
#define CT_MULTISCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/crashtriage.h"

/* The literal sets: one database each (tools/gen-scandb.c). */
enum ct_scan_set {
	CT_SCAN_EVENTS_ANY,	/* every catalogue literal */
	CT_SCAN_EVENTS_ESXI,	/* entries of family esxi or any */
	CT_SCAN_EVENTS_LINUX,	/* entries of family linux or any */
	CT_SCAN_VMKERNEL,	/* CT_VMKERNEL_MARKERS and the esxi events:
				 * a vmkernel.log is read once for both */
	CT_SCAN_LINUX,		/* CT_LINUX_MARKERS and the linux events:
				 * a kernel log is read once for both */
	CT_SCAN_SET_COUNT
};

/* The rare markers the vmkernel extractor handles wherever they occur in
 * a line: a PSOD line, a banner, two spellings of a driver's version
 * line.  A line without one is read only when its prefix or the first
 * words of its message ask for it (extract/vmkernel.c). */
#define CT_VMKERNEL_MARKERS                                                  \
	{ "BlueScreen:", "VMware ESX", "river - version ", "river version " }
enum { CT_VMKERNEL_MARKER_COUNT = 4 };

/* What the Linux extractor searches a line for wherever it is: " from "
 * (an arm unwinder line, "func from caller+0x10/0x20"), a driver's hang
 * or reset (driver_line()), a host's " kernel: " after a stamp, and the
 * ESXi panic text the vmkernel sniff would otherwise search a whole long
 * log for (CT_ESXI_PANIC_TEXT, extract.h).  A line without one is spared
 * those searches (extract/linux.c). */
#define CT_LINUX_MARKERS                                                     \
	{ " from ", "Detected Hardware Unit Hang", "Detected Tx Unit Hang",   \
	  "Reset adapter unexpectedly", " kernel: ", "@BlueScreen",          \
	  "Panic Details:" }
enum { CT_LINUX_MARKER_COUNT = 7 };

/* The ids of a set's markers start here; an event's id is its entry's
 * number in the catalogue. */
enum { CT_SCAN_MARKER_ID = 1u << 16 };

/* A line of a scanned text, cut as ct_line_next() cuts it. */
struct ct_scan_line {
	const char *p;		/* its first byte */
	size_t len;		/* up to its '\n', without a '\r' before it */
	unsigned long number;	/* from 1 */
	bool hit;		/* a literal of the set lies in it (past
				 * thousands of hits in a few hundred KB,
				 * lines near them count as hit too) */
	bool marked;		/* one of them is a marker: an event's
				 * literal may be common in a log, a marker
				 * is what an extractor reads a line for */
	uint64_t events;	/* bit i: the literal of the catalogue's
				 * entry i lies in it (all bits set for
				 * entries past 63, and near a flood) */
	bool last;		/* the text ends in it, with no '\n' */
};

/* Called for lines in order.  Return false to stop the scan. */
typedef bool ct_scan_line_fn(void *arg, const struct ct_scan_line *line);

/*
 * ct_multiscan_lines - one pass over [buf, buf+len) for every literal of
 * set, that hands the text's lines to fn in order: every line when
 * every_line, else only the lines a literal hits.  The text is scanned in
 * chunks as one stream (a literal across a chunk edge is found), and a
 * chunk's lines are cut while it is still in cache: the lines cost no
 * second read of the text, and a line nothing hits costs a few
 * instructions (none at all when !every_line).
 * Return: NULL (also when fn stopped it); CT_ERROR_UNSUPPORTED naming
 * the library when Vectorscan's runtime cannot be loaded or refuses the
 * embedded database (built for another CPU); &ct_enomem.
 */
struct ct_error *ct_multiscan_lines(enum ct_scan_set set, const char *buf,
				    size_t len, bool every_line,
				    ct_scan_line_fn *fn, void *arg);

/*
 * ct_multiscan_set_ahead - scan texts of min_len bytes or more ahead of
 * the walk on a thread of their own (4 MiB unless set; SIZE_MAX: never;
 * 0: every text longer than a chunk, even on one CPU, as the tests do).
 * The lines fn sees are the same either way; only the time differs: on
 * the 2-core bench machine a 1 GB vmkernel.log takes 0.42 s instead of
 * 0.68 s, for the same CPU time.
 * batch sets SIZE_MAX: its workers are its parallelism, and -j1 promises
 * one core.
 */
void ct_multiscan_set_ahead(size_t min_len);

#endif /* CT_MULTISCAN_H */
