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

static struct ct_error *add_field(void *ev, const char *name,
				  const char *value, size_t len)
{
	char *v = ct_strndup_clean(value, len);
	if (!v)
		return &ct_enomem;
	struct ct_error *err = ct_event_add_field(ev, name, v);
	free(v);
	return err;
}

/* Add one event for a regex match in msg, fields from named groups. */
static struct ct_error *add_event(struct ct_case *c, const struct ct_text *t,
				  size_t entry, const struct ct_regex *re,
				  pcre2_match_data *md, const char *msg,
				  const struct ct_log_prefix *prefix,
				  unsigned long line_number)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	char *text = ct_strndup_clean(msg + ov[0], ov[1] - ov[0]);
	char *ts = prefix->timestamp
		? ct_strndup_clean(prefix->timestamp, prefix->timestamp_len)
		: NULL;
	struct ct_error *err = NULL;
	if (!text || (prefix->timestamp && !ts)) {
		err = &ct_enomem;
		goto out;
	}
	struct ct_event *ev;
	err = ct_case_add_event(c, entries[entry].kind, ts, text,
				(struct ct_origin){ t->path, line_number },
				&ev);
	if (err || !ev)
		goto out;
	err = ct_regex_each_group(re, md, msg, add_field, ev);
	if (!err && prefix->host) {
		char *host = ct_strndup_clean(prefix->host, prefix->host_len);
		if (!host)
			err = &ct_enomem;
		else
			err = ct_event_add_field(ev, "host", host);
		free(host);
	}
out:
	free(text);
	free(ts);
	return err;
}

/* Match every catalogue entry whose literal the line holds. */
static struct ct_error *scan_line(struct ct_case *c, const struct ct_text *t,
				  const char *line, size_t len,
				  unsigned long number,
				  enum ct_frame_family family,
				  pcre2_match_data *md)
{
	struct ct_log_prefix prefix;
	ct_log_prefix_parse(line, len, &prefix);
	const char *msg = prefix.message;
	size_t msg_len = prefix.message_len;
	for (size_t i = 0; i < ENTRY_COUNT; i++) {
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

/* The scan's state between lines. */
struct scan {
	struct ct_case *c;
	const struct ct_text *t;
	enum ct_frame_family family;
	pcre2_match_data *md;
	struct ct_error *err;
};

/* A literal lies in the line: scan it. */
static bool on_line(void *arg, const struct ct_scan_line *line)
{
	struct scan *s = arg;
	if (s->c->event_count >= CT_MAX_EVENTS) {
		/* the case holds no more: say so, read no further */
		s->err = ct_case_add_note(s->c, "'%s': the case holds its %d "
					  "events; the rest from line %lu on "
					  "was not scanned for events",
					  s->t->path, CT_MAX_EVENTS,
					  line->number);
		return false;
	}
	s->err = scan_line(s->c, s->t, line->p, line->len, line->number,
			   s->family, s->md);
	return !s->err;
}

struct ct_error *ct_events_scan(struct ct_case *c, const struct ct_text *t,
				enum ct_frame_family family)
{
	pthread_once(&compiled_once, compile_all);
	if (compiled.error)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT, "%s",
				       compiled.error);
	pcre2_match_data *md = pcre2_match_data_create(64, NULL);
	if (!md)
		return &ct_enomem;
	struct scan s = { .c = c, .t = t, .family = family, .md = md };
	struct ct_error *err = ct_multiscan_lines(family_set(family), t->buf,
						  t->len, false, on_line, &s);
	pcre2_match_data_free(md);
	if (err) {
		ct_error_destroy(s.err);
		return err;
	}
	return s.err;
}
