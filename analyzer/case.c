/* SPDX-License-Identifier: MIT */
/*
 * case.c - the case model: creating, filling and freeing a case.
 * Extractors only add to a case; they never remove or rewrite evidence.
 */
#include <stdarg.h>
#include <stdio.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/error.h"
#include "analyzer/frames.h"

struct ct_error *ct_case_create(const char *name, struct ct_case **ret)
{
	struct ct_case_private *p = calloc(1, sizeof(*p));
	if (!p)
		return &ct_enomem;
	struct ct_case *c = &p->pub;
	c->name = strdup(name ? name : "");
	if (!c->name) {
		free(p);
		return &ct_enomem;
	}
	*ret = c;
	return NULL;
}

void ct_frame_deinit(struct ct_frame *f)
{
	free(f->function);
	free(f->normalized);
	free(f->module);
	free(f->file);
}

static void panic_deinit(struct ct_panic *p)
{
	free(p->kind);
	free(p->message);
	free(p->exception);
	free(p->context);
	free(p->cpu);
	free(p->report_type);
	free(p->guilty);
}

void ct_match_deinit(struct ct_match *m)
{
	free(m->id);
	free(m->title);
	free(m->verdict);
	free(m->fixed_in);
	free(m->workaround);
	for (size_t i = 0; i < m->why_count; i++)
		free(m->why[i]);
	free(m->why);
	memset(m, 0, sizeof(*m));
}

void ct_case_destroy(struct ct_case *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->input_count; i++) {
		free(c->inputs[i].path);
		free(c->inputs[i].error);
	}
	free(c->inputs);
	for (size_t i = 0; i < c->fact_count; i++) {
		free(c->facts[i].key);
		free(c->facts[i].value);
	}
	free(c->facts);
	free(ct_case_priv(c)->fact_slots);
	for (size_t i = 0; i < c->backtrace_count; i++) {
		struct ct_backtrace *bt = &c->backtraces[i];
		for (size_t j = 0; j < bt->frame_count; j++)
			ct_frame_deinit(&bt->frames[j]);
		free(bt->frames);
		free(bt->label);
	}
	free(c->backtraces);
	free(c->events); /* their strings and fields are in the arena */
	ct_arena_free(&ct_case_priv(c)->event_arena);
	for (size_t i = 0; i < c->finding_count; i++) {
		struct ct_finding *f = &c->findings[i];
		free(f->kind);
		free(f->type);
		free(f->member);
		free(f->reason);
		free(f->structure);
	}
	free(c->findings);
	for (size_t i = 0; i < c->match_count; i++)
		ct_match_deinit(&c->matches[i]);
	free(c->matches);
	for (size_t i = 0; i < c->note_count; i++)
		free(c->notes[i]);
	free(c->notes);
	panic_deinit(&c->panic);
	free(c->signature.title);
	free(c->signature.guilty);
	for (size_t i = 0; i < c->signature.alt_title_count; i++)
		free(c->signature.alt_titles[i]);
	free(c->signature.alt_titles);
	for (size_t i = 0; i < c->signature.frame_count; i++)
		free(c->signature.frames[i]);
	free(c->signature.frames);
	free(c->name);
	free(c);
}

/* A clean copy of the span [s, s+n) into *ret; NULL when s is. */
static bool dup_span(const char *s, size_t n, char **ret)
{
	*ret = s ? ct_strndup_clean(s, n) : NULL;
	return !s || *ret;
}

/* dup_span() into arena a. */
static bool arena_dup(struct ct_arena *a, const char *s, size_t n,
		      char **ret)
{
	*ret = s ? ct_arena_strndup_clean(a, s, n) : NULL;
	return !s || *ret;
}

/* A clean copy of the string s into *ret; NULL when s is. */
static bool dup_opt(const char *s, char **ret)
{
	return dup_span(s, s ? strlen(s) : 0, ret);
}

const char *ct_case_fact(const struct ct_case *c, const char *key)
{
	for (size_t i = 0; i < c->fact_count; i++)
		if (strcmp(c->facts[i].key, key) == 0)
			return c->facts[i].value;
	return NULL;
}

static uint64_t fact_hash(const char *key, const char *value)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (const char *p = value; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h;
}

/* Slot of (key, value) in the fact index: its fact's slot if present,
 * else the empty slot where it would go. */
static size_t fact_slot(const struct ct_case *c, const char *key,
			const char *value)
{
	const struct ct_case_private *p = ct_case_priv_const(c);
	size_t mask = p->fact_slot_cap - 1;
	size_t i = (size_t)fact_hash(key, value) & mask;
	while (p->fact_slots[i]) {
		const struct ct_fact *f = &c->facts[p->fact_slots[i] - 1];
		if (strcmp(f->key, key) == 0 && strcmp(f->value, value) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Keep the index at most half full: rebuild it twice as large. */
static bool fact_index_grow(struct ct_case *c)
{
	struct ct_case_private *p = ct_case_priv(c);
	if (p->fact_slot_cap && (c->fact_count + 1) * 2 <= p->fact_slot_cap)
		return true;
	size_t cap = p->fact_slot_cap ? p->fact_slot_cap * 2 : 64;
	size_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	free(p->fact_slots);
	p->fact_slots = slots;
	p->fact_slot_cap = cap;
	for (size_t i = 0; i < c->fact_count; i++)
		slots[fact_slot(c, c->facts[i].key, c->facts[i].value)] = i + 1;
	return true;
}

struct ct_error *ct_case_add_fact(struct ct_case *c, const char *key,
				  const char *value, struct ct_origin origin)
{
	if (c->fact_count >= CT_MAX_FACTS)
		return NULL;
	char *k = NULL, *v = NULL;
	/* the index holds cleaned strings, so compare cleaned strings */
	if (!dup_opt(key, &k) || !dup_opt(value, &v) || !k || !v ||
	    !fact_index_grow(c))
		goto nomem;
	size_t slot = fact_slot(c, k, v);
	if (ct_case_priv(c)->fact_slots[slot]) {
		free(k);
		free(v);
		return NULL; /* the same fact again */
	}
	if (!ct_grow((void **)&c->facts, &ct_case_priv(c)->fact_cap,
		     c->fact_count + 1, sizeof(*c->facts)))
		goto nomem;
	struct ct_fact *f = &c->facts[c->fact_count];
	f->key = k;
	f->value = v;
	f->origin = origin;
	c->fact_count++;
	ct_case_priv(c)->fact_slots[slot] = c->fact_count;
	return NULL;
nomem:
	free(k);
	free(v);
	return &ct_enomem;
}

struct ct_error *ct_case_add_backtrace(struct ct_case *c, const char *label,
				       struct ct_origin origin,
				       struct ct_backtrace **ret)
{
	if (c->backtrace_count >= CT_MAX_BACKTRACES)
		return ct_error_corrupt(NULL, 0,
					"more than %d backtraces",
					CT_MAX_BACKTRACES);
	if (!ct_grow((void **)&c->backtraces, &ct_case_priv(c)->backtrace_cap,
		     c->backtrace_count + 1, sizeof(*c->backtraces)))
		return &ct_enomem;
	struct ct_backtrace *bt = &c->backtraces[c->backtrace_count];
	memset(bt, 0, sizeof(*bt));
	if (!dup_opt(label, &bt->label))
		return &ct_enomem;
	bt->origin = origin;
	c->backtrace_count++;
	*ret = bt;
	return NULL;
}

struct ct_error *ct_backtrace_add_frame(struct ct_backtrace *bt,
					const struct ct_frame *frame)
{
	if (bt->frame_count >= CT_MAX_FRAMES) {
		/* a recursion: keep the innermost frames, where it overflowed,
		 * and the outermost, where it was entered; drop a quarter from
		 * the middle at a time (one move per quarter, not per frame) */
		size_t half = CT_MAX_FRAMES / 2, quarter = CT_MAX_FRAMES / 4;
		for (size_t i = half; i < half + quarter; i++)
			ct_frame_deinit(&bt->frames[i]);
		memmove(&bt->frames[half], &bt->frames[half + quarter],
			(bt->frame_count - half - quarter) * sizeof(*bt->frames));
		bt->frame_count -= quarter;
		bt->frames_dropped += quarter;
	}
	if (!ct_grow((void **)&bt->frames, &bt->frame_capacity,
		     bt->frame_count + 1, sizeof(*bt->frames)))
		return &ct_enomem;
	struct ct_frame *f = &bt->frames[bt->frame_count];
	*f = *frame;
	f->function = f->normalized = f->module = f->file = NULL;
	if (!dup_opt(frame->function, &f->function) ||
	    !dup_opt(frame->module, &f->module) ||
	    !dup_opt(frame->file, &f->file))
		goto fail;
	if (frame->normalized) {
		if (!dup_opt(frame->normalized, &f->normalized))
			goto fail;
	} else if (f->function) {
		f->normalized = ct_frame_normalize(f->function);
		if (!f->normalized)
			goto fail;
	}
	bt->frame_count++;
	return NULL;
fail:
	ct_frame_deinit(f);
	return &ct_enomem;
}

struct ct_error *ct_case_add_event(struct ct_case *c, const char *kind,
				   const char *timestamp, const char *text,
				   struct ct_origin origin,
				   struct ct_event **ret)
{
	return ct_case_add_event_span(c, kind, timestamp,
				      timestamp ? strlen(timestamp) : 0, text,
				      text ? strlen(text) : 0, origin, ret);
}

/* Room for n fields in ev (n >= its field count), in c's arena. */
static bool reserve_fields(struct ct_case *c, struct ct_event *ev, size_t n)
{
	struct ct_field *grown = ct_arena_alloc(
		&ct_case_priv(c)->event_arena, n * sizeof(*grown));
	if (!grown)
		return false;
	if (ev->field_count)
		memcpy(grown, ev->fields, ev->field_count * sizeof(*grown));
	ev->fields = grown;
	ev->field_cap = n;
	return true;
}

/* Append an event; its kind copied unless static_kind (see
 * ct_case_add_event_static), room for nfields fields made. */
static struct ct_error *add_event(struct ct_case *c, const char *kind,
				  bool static_kind, const char *timestamp,
				  size_t ts_len, const char *text,
				  size_t text_len, struct ct_origin origin,
				  size_t nfields, struct ct_event **ret)
{
	*ret = NULL;
	if (c->event_count >= CT_MAX_EVENTS)
		return NULL;
	if (!ct_grow((void **)&c->events, &ct_case_priv(c)->event_cap,
		     c->event_count + 1, sizeof(*c->events)))
		return &ct_enomem;
	struct ct_arena *a = &ct_case_priv(c)->event_arena;
	struct ct_event ev = { .origin = origin };
	if (static_kind)
		ev.kind = (char *)kind;
	else if (!arena_dup(a, kind, kind ? strlen(kind) : 0, &ev.kind))
		return &ct_enomem;
	if (!arena_dup(a, timestamp, ts_len, &ev.timestamp) ||
	    !arena_dup(a, text, text_len, &ev.text) ||
	    (nfields && !reserve_fields(c, &ev, nfields)))
		return &ct_enomem; /* what the arena took goes with the case */
	c->events[c->event_count] = ev;
	*ret = &c->events[c->event_count++];
	return NULL;
}

struct ct_error *ct_case_add_event_span(struct ct_case *c, const char *kind,
					const char *timestamp, size_t ts_len,
					const char *text, size_t text_len,
					struct ct_origin origin,
					struct ct_event **ret)
{
	return add_event(c, kind, false, timestamp, ts_len, text, text_len,
			 origin, 0, ret);
}

struct ct_error *ct_case_add_event_static(struct ct_case *c,
					  const char *static_kind,
					  const char *timestamp, size_t ts_len,
					  const char *text, size_t text_len,
					  struct ct_origin origin,
					  size_t nfields,
					  struct ct_event **ret)
{
	return add_event(c, static_kind, true, timestamp, ts_len, text,
			 text_len, origin, nfields, ret);
}

struct ct_error *ct_event_add_field(struct ct_case *c, struct ct_event *ev,
				    const char *name, const char *value)
{
	return ct_event_add_field_span(c, ev, name, value ? value : "",
				       value ? strlen(value) : 0);
}

/* Add a field to ev; its name copied unless static_name. */
static struct ct_error *add_field(struct ct_case *c, struct ct_event *ev,
				  const char *name, bool static_name,
				  const char *value, size_t len)
{
	struct ct_arena *a = &ct_case_priv(c)->event_arena;
	size_t n = ev->field_count;
	if (n == ev->field_cap && !reserve_fields(c, ev, n ? 2 * n : 4))
		return &ct_enomem;
	struct ct_field *f = &ev->fields[n];
	if (static_name)
		f->name = (char *)name;
	else if (!arena_dup(a, name, name ? strlen(name) : 0, &f->name))
		return &ct_enomem;
	if (!arena_dup(a, value, len, &f->value))
		return &ct_enomem;
	ev->field_count++;
	return NULL;
}

struct ct_error *ct_event_add_field_span(struct ct_case *c,
					 struct ct_event *ev,
					 const char *name, const char *value,
					 size_t len)
{
	return add_field(c, ev, name, false, value, len);
}

struct ct_error *ct_event_add_field_static(struct ct_case *c,
					   struct ct_event *ev,
					   const char *static_name,
					   const char *value, size_t len)
{
	return add_field(c, ev, static_name, true, value, len);
}

const char *ct_event_field(const struct ct_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->field_count; i++)
		if (strcmp(ev->fields[i].name, name) == 0)
			return ev->fields[i].value;
	return NULL;
}

struct ct_error *ct_case_add_factf(struct ct_case *c, const char *key,
				   struct ct_origin o, const char *fmt, ...)
{
	char *v;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &ct_enomem;
	char *clean = ct_strndup_clean(v, (size_t)n);
	free(v);
	if (!clean)
		return &ct_enomem;
	struct ct_error *err = ct_case_add_fact(c, key, clean, o);
	free(clean);
	return err;
}

struct ct_error *ct_case_add_finding(struct ct_case *c,
				     const struct ct_finding *finding)
{
	if (!ct_grow((void **)&c->findings, &ct_case_priv(c)->finding_cap,
		     c->finding_count + 1, sizeof(*c->findings)))
		return &ct_enomem;
	struct ct_finding *f = &c->findings[c->finding_count];
	*f = *finding;
	f->kind = f->type = f->member = f->reason = f->structure = NULL;
	if (!dup_opt(finding->kind, &f->kind) ||
	    !dup_opt(finding->type, &f->type) ||
	    !dup_opt(finding->member, &f->member) ||
	    !dup_opt(finding->reason, &f->reason) ||
	    !dup_opt(finding->structure, &f->structure)) {
		free(f->kind);
		free(f->type);
		free(f->member);
		free(f->reason);
		free(f->structure);
		return &ct_enomem;
	}
	c->finding_count++;
	return NULL;
}

struct ct_error *ct_case_add_match(struct ct_case *c, const struct ct_match *m)
{
	if (!ct_grow((void **)&c->matches, &ct_case_priv(c)->match_cap,
		     c->match_count + 1, sizeof(*c->matches)))
		return &ct_enomem;
	struct ct_match *d = &c->matches[c->match_count];
	memset(d, 0, sizeof(*d));
	d->score = m->score;
	d->passes = m->passes;
	if (!dup_opt(m->id, &d->id) || !dup_opt(m->title, &d->title) ||
	    !dup_opt(m->verdict, &d->verdict) ||
	    !dup_opt(m->fixed_in, &d->fixed_in) ||
	    !dup_opt(m->workaround, &d->workaround))
		goto fail;
	if (m->why_count) {
		d->why = calloc(m->why_count, sizeof(*d->why));
		if (!d->why)
			goto fail;
		for (size_t i = 0; i < m->why_count; i++) {
			if (!dup_opt(m->why[i], &d->why[i]))
				goto fail;
			d->why_count++;
		}
	}
	c->match_count++;
	return NULL;
fail:
	ct_match_deinit(d);
	return &ct_enomem;
}

struct ct_error *ct_case_add_note(struct ct_case *c, const char *fmt, ...)
{
	if (!ct_grow((void **)&c->notes, &ct_case_priv(c)->note_cap,
		     c->note_count + 1, sizeof(*c->notes)))
		return &ct_enomem;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&c->notes[c->note_count], fmt, ap);
	va_end(ap);
	if (n < 0)
		return &ct_enomem;
	c->note_count++;
	return NULL;
}

struct ct_error *ct_case_set_panic(struct ct_case *c,
				   const struct ct_panic *panic)
{
	struct {
		char **dst;
		const char *src;
	} fields[] = {
		{ &c->panic.kind, panic->kind },
		{ &c->panic.message, panic->message },
		{ &c->panic.exception, panic->exception },
		{ &c->panic.context, panic->context },
		{ &c->panic.cpu, panic->cpu },
		{ &c->panic.report_type, panic->report_type },
		{ &c->panic.guilty, panic->guilty },
	};
	bool first = !c->panic.kind && !c->panic.message;
	if (first) {
		c->panic.corrupted = panic->corrupted;
		c->panic.typed = panic->typed;
		c->panic.guilty_frame = panic->guilty_frame;
	}
	for (size_t i = 0; i < CT_ARRAY_SIZE(fields); i++) {
		if (*fields[i].dst || !fields[i].src)
			continue;
		if (!dup_opt(fields[i].src, fields[i].dst))
			return &ct_enomem;
	}
	if (first)
		c->panic.origin = panic->origin;
	return NULL;
}

bool ct_case_usable(const struct ct_case *c)
{
	for (size_t i = 0; i < c->input_count; i++)
		if (c->inputs[i].kinds)
			return true;
	return false;
}
