/* SPDX-License-Identifier: MIT */
/*
 * report.h - Linux report types and the guilty frame (report.c), private
 * to libcrashtriage: which frame of a backtrace is to blame, and which
 * report type names a Linux kernel report.
 */
#ifndef CT_REPORT_H
#define CT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/crashtriage.h"

struct ct_text;

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
	char *type;	    /* "KASAN: use-after-free Read"; NULL when no
				 * report type matched */
	char *guilty;	    /* guilty function, or NULL */
	char *message;	    /* the headline's message */
	const char *kind;   /* panic.kind: "oops", "warning" ... (static) */
	const char *skip;   /* the type's skip classes (static), or NULL */
	unsigned long line; /* the headline's line */
	size_t backtrace;   /* its backtrace in c->backtraces, or SIZE_MAX */
	long guilty_frame;  /* the guilty frame's index in it, or -1 */
	bool corrupted;	    /* no guilty frame where one was needed, or a
				 * headline another line runs into */
	bool typed;	    /* type is set */
	bool fragment;	    /* a type that only follows another report
				 * (a panic after the cause the text lost) */
};

struct ct_line_marks;

/* Find the first report of text t that a report type names, searching the
 * lines before each backtrace of t (c->backtraces from first_bt on) and
 * the report_lines the extractor opened reports at; fill *ret (free with
 * ct_linux_report_deinit()).  marks (may be NULL) say where some lines of
 * t start: a big log's lines are then not counted from its start.  Errors
 * only for lack of memory. */
struct ct_error *ct_linux_report_classify(struct ct_case *c,
					  const struct ct_text *t,
					  size_t first_bt,
					  const unsigned long *report_lines,
					  size_t report_line_count,
					  const struct ct_line_marks *marks,
					  struct ct_linux_report *ret);
void ct_linux_report_deinit(struct ct_linux_report *r);
/* Does the message [m, m+n) (log prefixes stripped) hold a headline that a
 * report type names?  For sniffing. */
bool ct_linux_report_headline(const char *m, size_t n);

#endif /* CT_REPORT_H */
