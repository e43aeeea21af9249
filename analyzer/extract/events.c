/*
 * events.c - the event catalogue (data/events.txt) and the scan that finds
 * its events in a text.
 *
 * One pass over the whole text with a JIT-compiled alternation of the
 * catalogue's literals finds candidate lines; only those lines are parsed
 * for prefixes and matched with the entries' own regular expressions.  A
 * line may hold several messages run together (pasted from a web page), so
 * every entry is matched repeatedly along the line.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>

#include "analyzer/internal.h"

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
	pcre2_code *regex[ENTRY_COUNT];
	pcre2_code *prefilter[3];	/* by family: any, esxi, linux */
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

static pcre2_code *compile(const char *pattern, uint32_t options)
{
	int code;
	PCRE2_SIZE offset;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       options, &code, &offset, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		if (!compiled.error &&
		    asprintf(&compiled.error, "event pattern '%s' at %zu: %s",
			     pattern, (size_t)offset, (char *)msg) < 0)
			compiled.error = NULL;
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back if no JIT */
	return re;
}

static void compile_all(void)
{
	for (size_t i = 0; i < ENTRY_COUNT; i++)
		compiled.regex[i] = compile(entries[i].regex, 0);
	static const enum ct_frame_family families[3] = {
		CT_FAMILY_ANY, CT_FAMILY_ESXI, CT_FAMILY_LINUX,
	};
	for (int f = 0; f < 3; f++) {
		struct ct_strbuf sb = CT_STRBUF_INIT;
		for (size_t i = 0; i < ENTRY_COUNT; i++) {
			if (!family_wanted(entries[i].family, families[f]))
				continue;
			if (sb.len)
				ct_strbuf_putc(&sb, '|');
			ct_strbuf_puts(&sb, "\\Q");
			ct_strbuf_puts(&sb, entries[i].literal);
			ct_strbuf_puts(&sb, "\\E");
		}
		if (!sb.failed && sb.len)
			compiled.prefilter[f] = compile(sb.buf, 0);
		ct_strbuf_deinit(&sb);
	}
}

static int family_index(enum ct_frame_family f)
{
	return f == CT_FAMILY_ESXI ? 1 : f == CT_FAMILY_LINUX ? 2 : 0;
}

/* Add one event for a regex match in msg, fields from named groups. */
static struct ct_error *add_event(struct ct_case *c, const struct ct_text *t,
				  size_t entry, const pcre2_code *re,
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
	uint32_t count, entry_size;
	PCRE2_SPTR table;
	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count && !err; i++) {
		PCRE2_SPTR e = table + (size_t)i * entry_size;
		unsigned group = (unsigned)(e[0] << 8 | e[1]);
		if (ov[2 * group] == PCRE2_UNSET)
			continue;
		char *value = ct_strndup_clean(msg + ov[2 * group],
					       ov[2 * group + 1] - ov[2 * group]);
		if (!value) {
			err = &ct_enomem;
			break;
		}
		err = ct_event_add_field(ev, (const char *)e + 2, value);
		free(value);
	}
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
		if (!compiled.regex[i] ||
		    !family_wanted(entries[i].family, family) ||
		    !ct_memstr(msg, msg_len, entries[i].literal))
			continue;
		PCRE2_SIZE start = 0;
		while (start < msg_len) {
			int rc = pcre2_match(compiled.regex[i], (PCRE2_SPTR)msg,
					     msg_len, start, 0, md, NULL);
			if (rc < 0)
				break;
			struct ct_error *err = add_event(
				c, t, i, compiled.regex[i], md, msg, &prefix,
				number);
			if (err)
				return err;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			start = ov[1] > start ? ov[1] : start + 1;
		}
	}
	return NULL;
}

struct ct_error *ct_events_scan(struct ct_case *c, const struct ct_text *t,
				enum ct_frame_family family)
{
	pthread_once(&compiled_once, compile_all);
	if (compiled.error)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT, "%s",
				       compiled.error);
	pcre2_code *pre = compiled.prefilter[family_index(family)];
	if (!pre)
		return NULL;
	pcre2_match_data *md = pcre2_match_data_create(64, NULL);
	if (!md)
		return &ct_enomem;
	struct ct_error *err = NULL;
	const char *buf = t->buf, *end = t->buf + t->len;
	const char *counted = buf;	/* line numbers are counted lazily */
	unsigned long line_number = 1;
	PCRE2_SIZE pos = 0;
	while (pos < t->len) {
		int rc = pcre2_match(pre, (PCRE2_SPTR)buf, t->len, pos, 0, md,
				     NULL);
		if (rc < 0)
			break;
		const char *hit = buf + pcre2_get_ovector_pointer(md)[0];
		const char *ls = hit;
		while (ls > buf && ls[-1] != '\n')
			ls--;
		const char *le = memchr(hit, '\n', (size_t)(end - hit));
		if (!le)
			le = end;
		for (const char *q = counted; q < ls;) {
			const char *nl = memchr(q, '\n', (size_t)(ls - q));
			if (!nl)
				break;
			line_number++;
			q = nl + 1;
		}
		counted = ls;
		size_t len = (size_t)(le - ls);
		if (len && ls[len - 1] == '\r')
			len--;
		err = scan_line(c, t, ls, len, line_number, family, md);
		if (err)
			break;
		pos = (PCRE2_SIZE)(le - buf) + 1;
	}
	pcre2_match_data_free(md);
	return err;
}
