/* SPDX-License-Identifier: MIT */
/*
 * multiscan.h - one pass over a text for many literals at once, private to
 * libcrashtriage (multiscan.c).  The literal sets are fixed at build time
 * (the event catalogue, the extractors' anchors): tools/gen-scandb.c
 * compiles them with Vectorscan into databases embedded in the library,
 * and a scan loads only Vectorscan's small runtime (libhs_runtime, plain
 * C), on first use, as lazy.h does for libarchive.
 *
 * Measured on this project's 2-core machine (bench/bench-scan.sh), one
 * Vectorscan pass for the 32 catalogue literals reads 2.8 GB/s, like
 * ripgrep given the same literals; the PCRE2 alternation it replaces read
 * about 1.1 GB/s, and libhs itself would map libstdc++ at every start.
 */
#ifndef CT_MULTISCAN_H
#define CT_MULTISCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/crashtriage.h"

/* The literal sets: one database each (tools/gen-scandb.c). */
enum ct_scan_set {
	CT_SCAN_EVENTS_ANY,	/* every catalogue literal */
	CT_SCAN_EVENTS_ESXI,	/* entries of family esxi or any */
	CT_SCAN_EVENTS_LINUX,	/* entries of family linux or any */
	CT_SCAN_VMKERNEL_MARKERS, /* CT_VMKERNEL_MARKERS, ids in order */
	CT_SCAN_SET_COUNT
};

/* The rare markers the vmkernel extractor handles where they occur, by
 * id: a PSOD line, a banner, two spellings of a driver's version line. */
#define CT_VMKERNEL_MARKERS                                                  \
	{ "BlueScreen:", "VMware ESX", "river - version ", "river version " }
enum { CT_VMKERNEL_MARKER_COUNT = 4 };

/* Called for each hit, in order of end offset: id is the literal's id in
 * its set, end the offset just past it.  Return false to stop the scan. */
typedef bool ct_scan_hit_fn(void *arg, unsigned id, size_t end);

/*
 * ct_multiscan - call hit for every occurrence of every literal of set in
 * [buf, buf+len), overlapping ones included; any length (scanned in
 * chunks as one stream, so a literal across a chunk edge is found).
 * Return: NULL (also when hit stopped it); CT_ERROR_UNSUPPORTED naming
 * the library when Vectorscan's runtime cannot be loaded or refuses the
 * embedded database (built for another CPU); &ct_enomem.
 */
struct ct_error *ct_multiscan(enum ct_scan_set set, const char *buf,
			      size_t len, ct_scan_hit_fn *hit, void *arg);

/* Bytes equal to c in [p, p+n): counts lines at memory speed. */
size_t ct_count_byte(const char *p, size_t n, char c);

#endif /* CT_MULTISCAN_H */
