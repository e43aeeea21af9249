/* SPDX-License-Identifier: MIT */
/*
 * events.c - the event catalogue (data/events.txt) and the scan that finds
 * its events in a text.
 *
 * One pass over the whole text for every catalogue literal at once
 * (multiscan.h, Vectorscan) finds candidate lines; only those lines are
 * parsed for prefixes and matched with the entries' own regular
 * expressions (PCRE2, for their named groups).  A
 * line may hold several messages run together (pasted from a web page), so
 * every entry is matched repeatedly along the line.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "analyzer/multiscan.h"
#include "analyzer/span.h"
#include "analyzer/regex.h"

struct catalogue_entry {
	const char *kind;
	const char *family;	/* "esxi", "linux", "any" */
	const char *literal;
	const char *regex;
};

static const struct catalogue_entry entries[] = {
#include "analyzer/events.inc"
};

enum { ENTRY_COUNT = CT_ARRAY_SIZE(entries) };

/* Compiled once per process; read-only afterwards, so threads may share. */
static struct {
	struct ct_regex regex[ENTRY_COUNT];
	size_t literal_len[ENTRY_COUNT];
	size_t literal_pick[ENTRY_COUNT]; /* ct_memstr_pick() of the literal */
	uint32_t groups[ENTRY_COUNT];	/* named groups: an event's fields */
	char *error;			/* why compiling failed, or NULL */
} compiled;
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

static bool family_wanted(const char *entry_family, enum ct_frame_family f)
{
	if (f == CT_FAMILY_ANY || f == CT_FAMILY_USER ||
	    strcmp(entry_family, "any") == 0)
		return true;
	return strcmp(entry_family, f == CT_FAMILY_ESXI ? "esxi" : "linux") == 0;
}

/* Compile pattern into re; the first failure is kept for every scan. */
static void compile(struct ct_regex *re, const char *pattern)
{
	struct ct_error *err = ct_regex_compile(re, pattern);
	if (err && !compiled.error &&
	    asprintf(&compiled.error, "event pattern: %s", err->message) < 0)
		compiled.error = NULL;
	ct_error_destroy(err);
}

static void compile_all(void)
{
	for (size_t i = 0; i < ENTRY_COUNT; i++) {
		compile(&compiled.regex[i], entries[i].regex);
		if (compiled.regex[i].code)
			pcre2_pattern_info(compiled.regex[i].code,
					   PCRE2_INFO_NAMECOUNT,
					   &compiled.groups[i]);
		compiled.literal_len[i] = strlen(entries[i].literal);
		compiled.literal_pick[i] = ct_memstr_pick(
			entries[i].literal, compiled.literal_len[i]);
	}
}

/* The literal set of multiscan.h that holds the family's entries. */
static enum ct_scan_set family_set(enum ct_frame_family f)
{
	return f == CT_FAMILY_ESXI	? CT_SCAN_EVENTS_ESXI
	       : f == CT_FAMILY_LINUX ? CT_SCAN_EVENTS_LINUX
				      : CT_SCAN_EVENTS_ANY;
}

/* The event a regex match's groups become fields of. */
struct new_event {
	struct ct_case *c;
	struct ct_event *ev;
};

static struct ct_error *add_field(void *arg, const char *name,
				  const char *value, size_t len)
{
	struct new_event *n = arg;
	/* the names live in the compiled patterns, never freed */
	return ct_event_add_field_static(n->c, n->ev, name, value, len);
}

/* Add one event for a regex match in msg, fields from named groups. */
static struct ct_error *add_event(struct ct_case *c, const struct ct_text *t,
				  size_t entry, const struct ct_regex *re,
				  pcre2_match_data *md, const char *msg,
				  const struct ct_log_prefix *prefix,
				  unsigned long line_number)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	struct ct_event *ev;
	struct ct_error *err = ct_case_add_event_static(
		c, entries[entry].kind, prefix->timestamp,
		prefix->timestamp_len, msg + ov[0], ov[1] - ov[0],
		(struct ct_origin){ t->path, line_number },
		compiled.groups[entry] + (prefix->host != NULL), &ev);
	if (err || !ev)
		return err;
	err = ct_regex_each_group(re, md, msg, add_field,
				  &(struct new_event){ c, ev });
	if (!err && prefix->host)
		err = ct_event_add_field_static(c, ev, "host", prefix->host,
						prefix->host_len);
	return err;
}

/* Match every catalogue entry whose literal the line's message holds,
 * of those the scan found in the line (candidates: bit i for entry i,
 * entries past 63 always tried). */
static struct ct_error *scan_line(struct ct_case *c, const struct ct_text *t,
				  const char *line, size_t len,
				  unsigned long number,
				  enum ct_frame_family family,
				  uint64_t candidates, pcre2_match_data *md)
{
	struct ct_log_prefix prefix;
	ct_log_prefix_parse(line, len, &prefix);
	const char *msg = prefix.message;
	size_t msg_len = prefix.message_len;
	for (size_t i = 0; i < ENTRY_COUNT; i++) {
		if (i < 64 && !(candidates & UINT64_C(1) << i))
			continue;
		if (!compiled.regex[i].code ||
		    !family_wanted(entries[i].family, family) ||
		    !ct_memstr_picked(msg, msg_len, entries[i].literal,
				      compiled.literal_len[i],
				      compiled.literal_pick[i]))
			continue;
		PCRE2_SIZE start = 0;
		while (start < msg_len) {
			int rc = ct_regex_match(&compiled.regex[i], msg,
						msg_len, start, md);
			if (rc < 0)
				break;
			struct ct_error *err = add_event(
				c, t, i, &compiled.regex[i], md, msg, &prefix,
				number);
			if (err)
				return err;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			start = ov[1] > start ? ov[1] : start + 1;
		}
	}
	return NULL;
}

/* A scan of a text's lines for catalogue events (extract.h). */
struct ct_event_scan {
	struct ct_case *c;
	const struct ct_text *t;
	enum ct_frame_family family;
	pcre2_match_data *md;
	unsigned long full_at;	/* the line at which the case was full */
	struct ct_error *err;	/* the first error, which ends the scan */
};

struct ct_error *ct_event_scan_create(struct ct_case *c,
				      const struct ct_text *t,
				      enum ct_frame_family family,
				      struct ct_event_scan **ret)
{
	pthread_once(&compiled_once, compile_all);
	if (compiled.error)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT, "%s",
				       compiled.error);
	struct ct_event_scan *es = calloc(1, sizeof(*es));
	if (!es)
		return &ct_enomem;
	*es = (struct ct_event_scan){ .c = c, .t = t, .family = family };
	es->md = pcre2_match_data_create(64, NULL);
	if (!es->md) {
		free(es);
		return &ct_enomem;
	}
	*ret = es;
	return NULL;
}

enum ct_scan_set ct_event_scan_set(const struct ct_event_scan *es)
{
	return family_set(es->family);
}

bool ct_event_scan_line(struct ct_event_scan *es,
			const struct ct_scan_line *line)
{
	if (es->full_at || es->err)
		return false;
	if (es->c->event_count >= CT_MAX_EVENTS) {
		es->full_at = line->number;	/* read no further */
		return false;
	}
	es->err = scan_line(es->c, es->t, line->p, line->len, line->number,
			    es->family, line->events, es->md);
	return !es->err;
}

struct ct_error *ct_event_scan_finish(struct ct_event_scan *es)
{
	struct ct_error *err = es->err;
	if (!err && es->full_at)
		err = ct_case_add_note(es->c,
				       "'%s': the case holds its %d "
				       "events; the rest from line %lu on "
				       "was not scanned for events",
				       es->t->path, CT_MAX_EVENTS, es->full_at);
	pcre2_match_data_free(es->md);
	free(es);
	return err;
}

static bool on_line(void *arg, const struct ct_scan_line *line)
{
	return ct_event_scan_line(arg, line);
}

struct ct_error *ct_events_scan(struct ct_case *c, const struct ct_text *t,
				enum ct_frame_family family)
{
	struct ct_event_scan *es;
	struct ct_error *err = ct_event_scan_create(c, t, family, &es);
	if (err)
		return err;
	err = ct_multiscan_lines(ct_event_scan_set(es), t->buf, t->len, false,
				 on_line, es);
	struct ct_error *scan_err = ct_event_scan_finish(es);
	if (err) {
		ct_error_destroy(scan_err);
		return err;
	}
	return scan_err;
}
