/* SPDX-License-Identifier: MIT */
/*
 * json.c - the case as one JSON object.  The key names are a contract with
 * other tools: add keys, never rename them.
 */
#include <errno.h>
#include <inttypes.h>

#include "analyzer/internal.h"

static void key(struct ct_strbuf *sb, const char *k, bool *first)
{
	if (!*first)
		ct_strbuf_putc(sb, ',');
	*first = false;
	ct_strbuf_json_string(sb, k);
	ct_strbuf_putc(sb, ':');
}

static void kv_str(struct ct_strbuf *sb, const char *k, const char *v,
		   bool *first)
{
	key(sb, k, first);
	ct_strbuf_json_string(sb, v);
}

static void kv_bool(struct ct_strbuf *sb, const char *k, bool v, bool *first)
{
	key(sb, k, first);
	ct_strbuf_puts(sb, v ? "true" : "false");
}

static void kv_uint(struct ct_strbuf *sb, const char *k, uint64_t v,
		    bool *first)
{
	key(sb, k, first);
	ct_strbuf_appendf(sb, "%" PRIu64, v);
}

static void kv_hex(struct ct_strbuf *sb, const char *k, uint64_t v, bool has,
		   bool *first)
{
	key(sb, k, first);
	if (has)
		ct_strbuf_appendf(sb, "\"0x%" PRIx64 "\"", v);
	else
		ct_strbuf_puts(sb, "null");
}

static void origin(struct ct_strbuf *sb, struct ct_origin o, bool *first)
{
	kv_str(sb, "source", o.path, first);
	key(sb, "line", first);
	if (o.line)
		ct_strbuf_appendf(sb, "%lu", o.line);
	else
		ct_strbuf_puts(sb, "null");
}

static void inputs(struct ct_strbuf *sb, const struct ct_case *c)
{
	ct_strbuf_putc(sb, '[');
	for (size_t i = 0; i < c->input_count; i++) {
		const struct ct_input *in = &c->inputs[i];
		bool first = true;
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "path", in->path, &first);
		/* kind: the first kind found, "unrecognised" when none */
		const char *primary = "unrecognised";
		for (int k = 0; k < CT_KIND_MAX; k++)
			if (in->kinds & (1u << k)) {
				primary = ct_input_kind_name(k);
				break;
			}
		kv_str(sb, "kind", primary, &first);
		key(sb, "kinds", &first);
		ct_strbuf_putc(sb, '[');
		bool fk = true;
		for (int k = 0; k < CT_KIND_MAX; k++)
			if (in->kinds & (1u << k)) {
				if (!fk)
					ct_strbuf_putc(sb, ',');
				fk = false;
				ct_strbuf_json_string(sb, ct_input_kind_name(k));
			}
		ct_strbuf_putc(sb, ']');
		kv_uint(sb, "size", in->size, &first);
		kv_str(sb, "error", in->error, &first);
		ct_strbuf_putc(sb, '}');
	}
	ct_strbuf_putc(sb, ']');
}

static void frame(struct ct_strbuf *sb, const struct ct_frame *f)
{
	bool first = true;
	ct_strbuf_putc(sb, '{');
	key(sb, "number", &first);
	if (f->number >= 0)
		ct_strbuf_appendf(sb, "%d", f->number);
	else
		ct_strbuf_puts(sb, "null");
	kv_str(sb, "function", f->function, &first);
	kv_str(sb, "normalized", f->normalized, &first);
	kv_str(sb, "module", f->module, &first);
	kv_hex(sb, "offset", f->offset, f->has_offset, &first);
	kv_hex(sb, "address", f->address, f->has_address, &first);
	kv_str(sb, "file", f->file, &first);
	key(sb, "line", &first);
	if (f->source_line)
		ct_strbuf_appendf(sb, "%lu", f->source_line);
	else
		ct_strbuf_puts(sb, "null");
	kv_bool(sb, "reliable", f->reliable, &first);
	kv_bool(sb, "generic", f->generic, &first);
	kv_bool(sb, "skipped", f->skipped, &first);
	kv_bool(sb, "inlined", f->inlined, &first);
	ct_strbuf_putc(sb, '}');
}

static void backtraces(struct ct_strbuf *sb, const struct ct_case *c)
{
	ct_strbuf_putc(sb, '[');
	for (size_t i = 0; i < c->backtrace_count; i++) {
		const struct ct_backtrace *bt = &c->backtraces[i];
		bool first = true;
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "label", bt->label, &first);
		kv_bool(sb, "crashing", bt->crashing, &first);
		origin(sb, bt->origin, &first);
		if (bt->frames_dropped)	/* from the middle of a recursion */
			kv_uint(sb, "frames_dropped", bt->frames_dropped,
				&first);
		key(sb, "frames", &first);
		ct_strbuf_putc(sb, '[');
		for (size_t j = 0; j < bt->frame_count; j++) {
			if (j)
				ct_strbuf_putc(sb, ',');
			frame(sb, &bt->frames[j]);
		}
		ct_strbuf_puts(sb, "]}");
	}
	ct_strbuf_putc(sb, ']');
}

static void facts(struct ct_strbuf *sb, const struct ct_case *c)
{
	/* "facts": first value per key; "fact_list": every fact in full */
	ct_strbuf_putc(sb, '{');
	bool first = true;
	for (size_t i = 0; i < c->fact_count; i++) {
		if (ct_case_fact(c, c->facts[i].key) != c->facts[i].value)
			continue;
		kv_str(sb, c->facts[i].key, c->facts[i].value, &first);
	}
	ct_strbuf_puts(sb, "},\"fact_list\":[");
	for (size_t i = 0; i < c->fact_count; i++) {
		bool f = true;
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "key", c->facts[i].key, &f);
		kv_str(sb, "value", c->facts[i].value, &f);
		origin(sb, c->facts[i].origin, &f);
		ct_strbuf_putc(sb, '}');
	}
	ct_strbuf_putc(sb, ']');
}

static void events(struct ct_strbuf *sb, const struct ct_case *c)
{
	ct_strbuf_putc(sb, '[');
	for (size_t i = 0; i < c->event_count; i++) {
		const struct ct_event *ev = &c->events[i];
		bool first = true;
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "kind", ev->kind, &first);
		kv_str(sb, "timestamp", ev->timestamp, &first);
		kv_str(sb, "text", ev->text, &first);
		origin(sb, ev->origin, &first);
		key(sb, "fields", &first);
		ct_strbuf_putc(sb, '{');
		bool ff = true;
		for (size_t j = 0; j < ev->field_count; j++)
			kv_str(sb, ev->fields[j].name, ev->fields[j].value,
			       &ff);
		ct_strbuf_puts(sb, "}}");
	}
	ct_strbuf_putc(sb, ']');
}

static void findings(struct ct_strbuf *sb, const struct ct_case *c)
{
	ct_strbuf_putc(sb, '[');
	for (size_t i = 0; i < c->finding_count; i++) {
		const struct ct_finding *f = &c->findings[i];
		bool first = true;
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "kind", f->kind, &first);
		kv_str(sb, "type", f->type, &first);
		kv_str(sb, "member", f->member, &first);
		kv_hex(sb, "address", f->address, true, &first);
		key(sb, "element", &first);
		if (f->element >= 0)
			ct_strbuf_appendf(sb, "%ld", f->element);
		else
			ct_strbuf_puts(sb, "null");
		kv_str(sb, "reason", f->reason, &first);
		if (f->structure)
			kv_str(sb, "structure", f->structure, &first);
		origin(sb, f->origin, &first);
		ct_strbuf_putc(sb, '}');
	}
	ct_strbuf_putc(sb, ']');
}

static void matches(struct ct_strbuf *sb, const struct ct_case *c)
{
	ct_strbuf_putc(sb, '[');
	for (size_t i = 0; i < c->match_count; i++) {
		const struct ct_match *m = &c->matches[i];
		bool first = true;
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "id", m->id, &first);
		kv_str(sb, "title", m->title, &first);
		key(sb, "score", &first);
		ct_strbuf_appendf(sb, "%.2f", m->score);
		kv_bool(sb, "passes", m->passes, &first);
		kv_str(sb, "verdict", m->verdict, &first);
		kv_str(sb, "fixed_in", m->fixed_in, &first);
		kv_str(sb, "workaround", m->workaround, &first);
		key(sb, "why", &first);
		ct_strbuf_putc(sb, '[');
		for (size_t j = 0; j < m->why_count; j++) {
			if (j)
				ct_strbuf_putc(sb, ',');
			ct_strbuf_json_string(sb, m->why[j]);
		}
		ct_strbuf_puts(sb, "]}");
	}
	ct_strbuf_putc(sb, ']');
}

static void panic(struct ct_strbuf *sb, const struct ct_panic *p)
{
	bool first = true;
	ct_strbuf_putc(sb, '{');
	kv_str(sb, "kind", p->kind, &first);
	kv_str(sb, "message", p->message, &first);
	kv_str(sb, "exception", p->exception, &first);
	kv_str(sb, "context", p->context, &first);
	kv_str(sb, "cpu", p->cpu, &first);
	kv_str(sb, "report_type", p->report_type, &first);
	origin(sb, p->origin, &first);
	ct_strbuf_putc(sb, '}');
}

static void case_json(struct ct_strbuf *sb, const struct ct_case *c)
{
	bool first = true;
	ct_strbuf_putc(sb, '{');
	kv_str(sb, "case", c->name, &first);
	key(sb, "inputs", &first);
	inputs(sb, c);
	kv_str(sb, "title", c->signature.title, &first);
	kv_str(sb, "guilty", c->signature.guilty, &first);
	kv_str(sb, "report_type", c->panic.report_type, &first);
	key(sb, "corrupted", &first);
	ct_strbuf_puts(sb, c->panic.corrupted ? "true" : "false");
	key(sb, "signature", &first);
	{
		bool f = true;
		ct_strbuf_putc(sb, '{');
		kv_str(sb, "hash", c->signature.hash[0] ? c->signature.hash
							 : NULL, &f);
		kv_str(sb, "title", c->signature.title, &f);
		key(sb, "alt_titles", &f);
		ct_strbuf_putc(sb, '[');
		for (size_t i = 0; i < c->signature.alt_title_count; i++) {
			if (i)
				ct_strbuf_putc(sb, ',');
			ct_strbuf_json_string(sb, c->signature.alt_titles[i]);
		}
		ct_strbuf_putc(sb, ']');
		key(sb, "frames", &f);
		ct_strbuf_putc(sb, '[');
		for (size_t i = 0; i < c->signature.frame_count; i++) {
			if (i)
				ct_strbuf_putc(sb, ',');
			ct_strbuf_json_string(sb, c->signature.frames[i]);
		}
		ct_strbuf_puts(sb, "]}");
	}
	key(sb, "panic", &first);
	panic(sb, &c->panic);
	key(sb, "facts", &first);
	facts(sb, c);
	key(sb, "backtraces", &first);
	backtraces(sb, c);
	key(sb, "events", &first);
	events(sb, c);
	key(sb, "findings", &first);
	findings(sb, c);
	key(sb, "matches", &first);
	matches(sb, c);
	kv_str(sb, "verdict", c->known ? "known" : "unknown", &first);
	key(sb, "notes", &first);
	ct_strbuf_putc(sb, '[');
	for (size_t i = 0; i < c->note_count; i++) {
		if (i)
			ct_strbuf_putc(sb, ',');
		ct_strbuf_json_string(sb, c->notes[i]);
	}
	ct_strbuf_puts(sb, "]}");
}

struct ct_error *ct_case_to_json(const struct ct_case *c, char **ret)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	case_json(&sb, c);
	if (sb.failed) {
		ct_strbuf_deinit(&sb);
		return &ct_enomem;
	}
	*ret = ct_strbuf_detach(&sb);
	return NULL;
}

struct ct_error *ct_case_write_json(const struct ct_case *c, FILE *f)
{
	struct ct_strbuf sb = CT_STRBUF_SINK(f);
	case_json(&sb, c);
	ct_strbuf_putc(&sb, '\n');
	bool ok = ct_strbuf_flush(&sb);
	ct_strbuf_deinit(&sb);
	if (!ok)
		return ct_error_os(errno ? errno : EIO, NULL, "writing JSON");
	return NULL;
}
