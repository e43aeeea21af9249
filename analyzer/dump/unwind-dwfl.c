/* SPDX-License-Identifier: MIT */
/*
 * unwind-dwfl.c - the libdwfl unwinder: dwfl_core_file_attach() gives
 * libdwfl the core's threads and registers, dwfl_getthread_frames() walks
 * each thread with CFI (.eh_frame, .debug_frame) and its own fallbacks, and
 * every frame is symbolized by symbolizers/symbolize-dwfl.c.
 */
#include <elfutils/libdwfl.h>

#include "analyzer/dump/dump.h"
#include "analyzer/error.h"
#include "symbolizers/symbolize.h"

struct dwfl_state {
	const struct ct_core *core;
	struct ct_dwfl *d;
};

static struct ct_error *dwfl_unwind_open(const struct ct_core *core,
					 const struct ct_unwind_options *opts,
					 void **ret_state)
{
	struct dwfl_state *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->core = core;
	struct ct_error *err = ct_dwfl_open(core, opts, &s->d);
	if (err) {
		free(s);
		return err;
	}
	int n = dwfl_core_file_attach(s->d->dwfl, core->elf);
	if (n < 0) {
		err = ct_error_libdwfl(NULL,
				       "libdwfl cannot attach to the core");
		ct_dwfl_destroy(s->d);
		free(s);
		return err;
	}
	*ret_state = s;
	return NULL;
}

struct walk {
	struct ct_dwfl *d;
	struct ct_backtrace *bt;
	size_t steps;		/* callbacks so far: capped */
	struct ct_error *err;	/* out of memory while symbolizing */
};

static int frame_cb(Dwfl_Frame *frame, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	if (++w->steps > CT_MAX_FRAMES || w->bt->frame_count >= CT_MAX_FRAMES)
		return DWARF_CB_ABORT;
	if (!dwfl_frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	w->err = ct_dwfl_symbolize(w->d, pc, activation, w->bt);
	return w->err ? DWARF_CB_ABORT : DWARF_CB_OK;
}

/* One pass over libdwfl's threads: each is matched to its index in the
 * core's thread list (the same note order, so usually the next one). */
struct pass {
	struct dwfl_state *s;
	size_t count;
	struct ct_backtrace *bts;
	struct ct_error **errs;
	size_t next;		/* index the next thread most likely has */
	struct ct_error *fatal;	/* out of memory */
};

static struct ct_error *stopped(struct walk *w, int rc)
{
	if (rc == 0 || w->steps > CT_MAX_FRAMES ||
	    w->bt->frame_count >= CT_MAX_FRAMES || rc == DWARF_CB_ABORT)
		return NULL;
	/* libdwfl stopped with an error: often just the outermost frame */
	int e = dwfl_errno();
	if (e == 0)
		return NULL;
	return ct_error_create(CT_ERROR_TRUNCATED, "unwinding stopped after "
			       "%zu frames: %s", w->bt->frame_count,
			       dwfl_errmsg(e));
}

static int thread_cb(Dwfl_Thread *thread, void *arg)
{
	struct pass *p = arg;
	const struct ct_core *core = p->s->core;
	pid_t tid = dwfl_thread_tid(thread);
	size_t i = p->next;
	if (i >= p->count || core->threads[i].tid != tid) {
		for (i = 0; i < p->count; i++)
			if (core->threads[i].tid == tid)
				break;
	}
	/* no DWARF_CB_ABORT on any path but out of memory: libdw 0.188
	 * leaks the state of a thread walk that is cut short */
	if (i >= p->count || p->bts[i].frame_count || p->errs[i])
		return DWARF_CB_OK;	/* not ours, or a duplicate tid */
	p->next = i + 1;
	struct walk w = { .d = p->s->d, .bt = &p->bts[i] };
	int rc = dwfl_thread_getframes(thread, frame_cb, &w);
	if (w.err == &ct_enomem) {
		p->fatal = w.err;
		return DWARF_CB_ABORT;
	}
	p->errs[i] = w.err ? w.err : stopped(&w, rc);
	if (p->errs[i] == &ct_enomem) {
		p->fatal = &ct_enomem;
		p->errs[i] = NULL;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

static struct ct_error *dwfl_unwind(void *state, size_t count,
				    struct ct_backtrace *bts,
				    struct ct_error **errs)
{
	struct dwfl_state *s = state;
	struct pass p = { .s = s, .count = count, .bts = bts, .errs = errs };
	if (count > s->core->thread_count)
		p.count = s->core->thread_count;
	(void)dwfl_getthreads(s->d->dwfl, thread_cb, &p);
	return p.fatal;
}

static void dwfl_unwind_close(void *state)
{
	struct dwfl_state *s = state;
	if (!s)
		return;
	ct_dwfl_destroy(s->d);
	free(s);
}

static struct ct_dwfl *dwfl_symbolizer(void *state)
{
	return ((struct dwfl_state *)state)->d;
}

const struct ct_unwinder_ops ct_unwinder_dwfl = {
	.name = "dwfl",
	.open = dwfl_unwind_open,
	.unwind = dwfl_unwind,
	.symbolizer = dwfl_symbolizer,
	.close = dwfl_unwind_close,
};
