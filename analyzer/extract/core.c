/* SPDX-License-Identifier: MIT */
/*
 * core.c - the "elf-core" input kind: a Linux user-space ELF core.
 *
 * Reads the core (core.c), adds facts (command, pid, signal, fault
 * address, architecture, executable), the panic ("crash", SIGSEGV ...),
 * one backtrace per thread with the thread that took the signal marked
 * crashing, and the completeness record as notes.  Threads are unwound by
 * the first unwinder that opens (libdwfl, then libunwind, or the one the
 * caller names); a thread no unwinder can walk gets its registers' pc and
 * a frame-pointer walk, marked unreliable.
 */
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "analyzer/dump/dump.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "symbolizers/symbolize.h"

static const struct ct_unwinder_ops *const unwinders[] = {
	&ct_unwinder_dwfl,
	&ct_unwinder_libunwind,
};

const struct ct_unwinder_ops *ct_unwinder_find(const char *name)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE(unwinders); i++)
		if (strcmp(unwinders[i]->name, name) == 0)
			return unwinders[i];
	return NULL;
}

/*
 * A stack overflow: a SIGSEGV at an address no segment maps, near the
 * thread's stack pointer (the push, call or local that ran past the end),
 * just below a writable segment (the stack, within the kernel's guard gap
 * of 1 MiB).
 */
static bool stack_overflow(const struct ct_core *core,
			   const struct ct_core_thread *t, int signo)
{
	enum {
		REACH = 64 * 1024,	/* a big frame's locals, around sp */
		GAP = 1 << 20,		/* stack_guard_gap, 256 pages */
	};
	if (signo != SIGSEGV || !t->has_siginfo || t->si_code <= 0 ||
	    !t->has_regs)
		return false;
	uint64_t a = t->fault_addr, sp = t->sp;
	if ((a > sp ? a - sp : sp - a) > REACH)
		return false;
	unsigned char b;
	size_t got;
	if (ct_core_read(core, a, &b, 1, &got) != CT_CORE_MEM_UNMAPPED)
		return false;
	/* the first segment above the fault: the stack's bottom end */
	for (size_t i = 0; i < core->segment_count; i++) {
		const struct ct_core_segment *s = &core->segments[i];
		if (s->vaddr > a)
			return (s->flags & PF_W) && s->vaddr - a <= GAP + REACH;
	}
	return false;
}

/* Signals whose siginfo carries the faulting address. */
static bool signal_has_addr(int signo)
{
	return signo == SIGSEGV || signo == SIGBUS || signo == SIGILL ||
	       signo == SIGFPE;
}

static struct ct_error *add_facts(struct ct_case *c,
				  const struct ct_core *core, long crashing,
				  struct ct_origin o)
{
	struct ct_error *err = ct_case_add_factf(c, "core.arch", o, "%s",
				    ct_core_arch(core));
	if (!err && core->has_prpsinfo && core->command[0])
		err = ct_case_add_factf(c, "core.command", o, "%s", core->command);
	if (!err && core->has_prpsinfo && core->args[0])
		err = ct_case_add_factf(c, "core.args", o, "%s", core->args);
	if (!err && core->has_prpsinfo)
		err = ct_case_add_factf(c, "core.pid", o, "%d", core->pid);
	if (!err)
		err = ct_case_add_factf(c, "core.threads", o, "%zu", core->thread_count);
	char exe[4096];
	if (!err && ct_core_executable(core, exe, sizeof(exe)))
		err = ct_case_add_factf(c, "core.executable", o, "%s", exe);
	if (err || crashing < 0)
		return err;
	const struct ct_core_thread *t = &core->threads[crashing];
	err = ct_case_add_factf(c, "core.crashing_tid", o, "%d", t->tid);
	if (!err && t->has_regs)
		err = ct_case_add_factf(c, "core.pc", o, "0x%llx",
			   (unsigned long long)t->pc);
	if (!err && t->has_regs)
		err = ct_case_add_factf(c, "core.sp", o, "0x%llx",
			   (unsigned long long)t->sp);
	/* kill(), tgkill(), abort(): who sent it (the process itself for
	 * abort and raise) */
	if (!err && t->has_siginfo && t->si_code <= 0 && t->sender_pid > 0)
		err = ct_case_add_factf(c, "core.signal_sender_pid", o, "%d",
			   t->sender_pid);
	int signo = t->has_siginfo ? t->si_signo : t->cursig;
	const char *name = ct_signal_name(signo);
	if (!err && signo)
		err = name ? ct_case_add_factf(c, "core.signal", o, "%s", name)
			   : ct_case_add_factf(c, "core.signal", o, "%d", signo);
	const char *code = t->has_siginfo
			   ? ct_signal_code_name(t->si_signo, t->si_code)
			   : NULL;
	if (!err && code)
		err = ct_case_add_factf(c, "core.signal_code", o, "%s", code);
	if (!err && t->has_siginfo && t->si_code > 0 &&
	    signal_has_addr(signo))
		err = ct_case_add_factf(c, "core.fault_address", o, "0x%llx",
			   (unsigned long long)t->fault_addr);
	bool overflow = !err && stack_overflow(core, t, signo);
	if (overflow)
		err = ct_case_add_factf(c, "core.stack_overflow", o, "yes");
	if (err || !signo)
		return err;
	char msg[256];
	char sig[32];
	snprintf(sig, sizeof(sig), "%s", name ? name : "signal");
	if (!name)
		snprintf(sig, sizeof(sig), "signal %d", signo);
	if (t->has_siginfo && t->si_code > 0 &&
	    signal_has_addr(signo))
		snprintf(msg, sizeof(msg), "%s%s%s%s at 0x%llx in thread %d",
			 sig, code ? " (" : "", code ? code : "",
			 code ? ")" : "", (unsigned long long)t->fault_addr,
			 t->tid);
	else
		snprintf(msg, sizeof(msg), "%s%s%s%s in thread %d", sig,
			 code ? " (" : "", code ? code : "", code ? ")" : "",
			 t->tid);
	if (overflow) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": stack overflow");
	}
	struct ct_panic p = {
		.kind = "crash",
		.message = msg,
		.exception = sig,
		.context = core->has_prpsinfo && core->command[0]
			   ? (char *)core->command : NULL,
		.origin = o,
	};
	return ct_case_set_panic(c, &p);
}

enum {
	SCAN_BYTES = 64 * 1024,	/* of stack scanned above sp */
	SCAN_FRAMES = 64,	/* candidates kept */
};

/* Below the last resort: every word of the stack above sp that points
 * into executable memory is taken for a return address.  Some will be
 * stale; all are marked unreliable. */
static struct ct_error *stack_scan(const struct ct_core *core,
				   const struct ct_core_thread *t,
				   struct ct_dwfl *sym, struct ct_backtrace *bt)
{
	struct ct_error *err = NULL;
	size_t kept = 0;
	uint64_t words[512];
	size_t have = 0, at = 0;	/* words read, next one to look at */
	for (uint64_t off = 0; !err && off < SCAN_BYTES && kept < SCAN_FRAMES;
	     off += 8) {
		if (at == have) {
			size_t got;
			if (t->sp + off < t->sp)
				break;
			(void)ct_core_read(core, t->sp + off, words,
					   sizeof(words), &got);
			have = got / 8;
			at = 0;
			if (have == 0)
				break;
		}
		uint64_t word = words[at++];
		if (!ct_core_is_executable(core, word))
			continue;
		size_t before = bt->frame_count;
		if (sym) {
			err = ct_dwfl_symbolize(sym, word, false, bt);
		} else {
			struct ct_frame f = { .address = word,
					      .has_address = true,
					      .number = -1 };
			err = ct_backtrace_add_frame(bt, &f);
		}
		for (size_t i = before; i < bt->frame_count; i++)
			bt->frames[i].reliable = false;
		kept++;
	}
	return err;
}

/* Last resort for a thread no unwinder walked past frame 0: its pc, then
 * a walk of the frame-pointer chain through the dump (pointers are data
 * read with ct_core_read, never dereferenced), marked unreliable; when
 * the chain gives nothing, a scan of the stack. */
static struct ct_error *fp_walk(const struct ct_core *core,
				const struct ct_core_thread *t,
				struct ct_dwfl *sym, struct ct_backtrace *bt)
{
	struct ct_error *err = NULL;
	struct ct_frame f = { .address = t->pc, .has_address = true,
			      .reliable = true, .number = -1 };
	if (bt->frame_count == 0)	/* else the unwinder gave frame 0 */
		err = sym ? ct_dwfl_symbolize(sym, t->pc, true, bt)
			  : ct_backtrace_add_frame(bt, &f);
	size_t first = bt->frame_count;
	uint64_t fp = t->fp;
	for (size_t n = 0; !err && n < CT_MAX_FRAMES && fp; n++) {
		uint64_t pair[2];
		size_t got;
		if (fp & 7 ||
		    ct_core_read(core, fp, pair, sizeof(pair), &got) !=
			    CT_CORE_MEM_OK)
			break;
		if (pair[1] == 0)
			break;
		size_t before = bt->frame_count;
		if (sym) {
			err = ct_dwfl_symbolize(sym, pair[1], false, bt);
		} else {
			f.address = pair[1];
			err = ct_backtrace_add_frame(bt, &f);
		}
		for (size_t i = before; i < bt->frame_count; i++)
			bt->frames[i].reliable = false;
		/* the chain must go up the stack: no loops */
		if (pair[0] <= fp)
			break;
		fp = pair[0];
	}
	if (!err && bt->frame_count == first)
		err = stack_scan(core, t, sym, bt);
	return err;
}

/* The signal trampoline a handler returns through: what gdb shows as
 * "<signal handler called>". */
static bool is_sigreturn(const struct ct_frame *f)
{
	return f->function && (strcmp(f->function, "__restore_rt") == 0 ||
			       strcmp(f->function, "__kernel_rt_sigreturn") ==
				       0);
}

/* glibc's thread entry as its ELF symbol names it (libdwfl reads the
 * symbol table, gdb the DWARF name "clone3" the generic list has).
 * NEEDSWORK: belongs in data/generic-frames.txt. */
static bool is_thread_entry(const struct ct_frame *f)
{
	const char *n = f->normalized ? f->normalized : f->function;
	return n && (strcmp(n, "__clone3") == 0 || strcmp(n, "__clone") == 0);
}

/* Generic frames per context: a signal trampoline splits a backtrace in
 * the handler's frames and the interrupted code's, and the abort/raise
 * cut of one must not hide the other (a crash in a handler that interrupted
 * raise() is a crash in the handler). */
static void mark_generic(struct ct_backtrace *bt)
{
	size_t start = 0;
	if (!bt->frame_count)
		return;
	for (size_t i = 0; i <= bt->frame_count; i++) {
		if (i < bt->frame_count && !is_sigreturn(&bt->frames[i]))
			continue;
		struct ct_backtrace view = *bt;
		view.frames = bt->frames + start;
		view.frame_count = i - start;
		ct_backtrace_mark_generic(&view, CT_FAMILY_USER);
		for (size_t j = start; j < i; j++)
			if (is_thread_entry(&bt->frames[j]))
				bt->frames[j].generic = true;
		if (i < bt->frame_count)
			bt->frames[i].generic = true;
		start = i + 1;
	}
}

static struct ct_error *note_err(struct ct_case *c, const char *path,
				 const char *what, struct ct_error *e)
{
	if (e == &ct_enomem)
		return e;
	struct ct_error *err = ct_case_add_note(c, "'%s': %s: %s", path, what,
						e->message ? e->message : "");
	ct_error_destroy(e);
	return err;
}

/* What ct_core_extract() works with while it unwinds one core. */
struct extract {
	struct ct_case *c;
	const char *path;		/* the core's name, for the notes */
	struct ct_core *core;
	const struct ct_analyze_options *opts;	/* may be NULL */
	struct ct_unwind_options uo;
	const struct ct_unwinder_ops *u;	/* NULL if none opened */
	void *state;			/* u's */
	const char *forged;		/* a mapped FIFO or socket, or NULL */
	struct ct_dwfl *sym;		/* for the frame-pointer last resort */
	bool sym_tried, sym_borrowed;	/* sym opened once; u's own */
	size_t fp_threads;		/* threads left to fp_walk() */
	size_t first, count;		/* the threads' backtraces in c */
};

/* No process can map a FIFO or a socket, so a core that says it did is
 * forged; the unwinders open the mapped files by name, and opening a FIFO
 * would block.  Returns the first such file, or NULL. */
static const char *forged_file(const struct ct_core *core)
{
	for (size_t i = 0; i < core->file_count; i++) {
		struct stat st;
		if (stat(core->files[i].path, &st) == 0 &&
		    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			return core->files[i].path;
	}
	return NULL;
}

/* Open the first unwinder that takes the core, in the order of
 * unwinders[] (or the one opts names); each refusal becomes a note. */
static struct ct_error *open_unwinder(struct extract *x)
{
	struct ct_error *err = NULL;
	const struct ct_analyze_options *opts = x->opts;
	for (size_t i = 0; !err && i < CT_ARRAY_SIZE(unwinders); i++) {
		const struct ct_unwinder_ops *cand = unwinders[i];
		if (opts && opts->unwinder &&
		    strcmp(opts->unwinder, cand->name) != 0)
			continue;
		/* libunwind's core reader is not hardened against cut or
		 * broken cores (it leaks and misreads): only when asked */
		if (cand == &ct_unwinder_libunwind && x->core->loss_count &&
		    !(opts && opts->unwinder))
			continue;
		if (!x->core->thread_count)
			break;
		struct ct_error *e = cand->open(x->core, &x->uo, &x->state);
		if (!e) {
			x->u = cand;
			break;
		}
		char what[64];
		snprintf(what, sizeof(what), "unwinder %s", cand->name);
		err = note_err(x->c, x->path, what, e);
	}
	return err;
}

/* One backtrace per thread, added first so that the unwinder can fill
 * them in one pass. */
static struct ct_error *add_backtraces(struct extract *x, long crashing,
				       struct ct_origin o)
{
	struct ct_case *c = x->c;
	const struct ct_core *core = x->core;
	struct ct_error *err = NULL;
	x->first = c->backtrace_count;
	x->count = 0;
	for (size_t i = 0; !err && i < core->thread_count; i++) {
		if (c->backtrace_count >= CT_MAX_BACKTRACES)
			break;
		char label[48];
		snprintf(label, sizeof(label), "thread %d",
			 core->threads[i].tid);
		struct ct_backtrace *bt;
		err = ct_case_add_backtrace(c, label, o, &bt);
		if (!err) {
			bt->crashing = (long)i == crashing;
			x->count++;
		}
	}
	if (!err && x->count < core->thread_count)
		err = ct_case_add_note(c, "'%s': %zu threads over the cap of "
				       "%d backtraces not unwound", x->path,
				       core->thread_count - x->count,
				       CT_MAX_BACKTRACES);
	return err;
}

/* A thread the unwinder left at one frame: follow its frame-pointer
 * chain, symbolized with the unwinder's session, else a new one (not for
 * forged cores: it opens files). */
static struct ct_error *fp_fallback(struct extract *x,
				    const struct ct_core_thread *th,
				    struct ct_backtrace *bt)
{
	struct ct_error *err = NULL;
	if (!x->sym && !x->sym_tried && x->u && x->u->symbolizer &&
	    (x->sym = x->u->symbolizer(x->state)))
		x->sym_borrowed = true;
	if (!x->sym && !x->sym_tried && !x->forged) {
		x->sym_tried = true;
		struct ct_error *e = ct_dwfl_open(x->core, &x->uo, &x->sym);
		if (e && e != &ct_enomem)
			ct_error_destroy(e);
		else
			err = e;
	}
	x->fp_threads++;
	if (!err)
		err = fp_walk(x->core, th, x->sym, bt);
	return err;
}

/* Unwind every thread's backtrace, fall back to frame pointers where the
 * unwinder gave up at once, and note what stopped or was cut. */
static struct ct_error *unwind_threads(struct extract *x)
{
	struct ct_case *c = x->c;
	size_t count = x->count;
	struct ct_error *err = NULL;
	struct ct_error **errs = NULL;
	if (count) {
		errs = calloc(count, sizeof(*errs));
		if (!errs)
			return &ct_enomem;
	}
	if (x->u && count)
		err = x->u->unwind(x->state, count, &c->backtraces[x->first],
				   errs);
	size_t stopped = 0, capped = 0;
	for (size_t i = 0; !err && i < count; i++) {
		const struct ct_core_thread *th = &x->core->threads[i];
		struct ct_backtrace *bt = &c->backtraces[x->first + i];
		if (errs[i] && ++stopped <= 8) {
			char what[80];
			snprintf(what, sizeof(what), "thread %d (%s)",
				 th->tid, x->u->name);
			err = note_err(c, x->path, what, errs[i]);
			errs[i] = NULL;
		}
		if (!err && bt->frame_count <= 1 && th->has_regs)
			err = fp_fallback(x, th, bt);
		if (!err)
			mark_generic(bt);
		if (!err && bt->frame_count >= CT_MAX_FRAMES && ++capped == 1)
			err = ct_case_add_note(c, "'%s': thread %d has more "
					       "than %d frames: the outermost "
					       "are not kept", x->path,
					       th->tid, CT_MAX_FRAMES);
	}
	for (size_t i = 0; errs && i < count; i++)
		ct_error_destroy(errs[i]);
	free(errs);
	if (!err && stopped > 8)
		err = ct_case_add_note(c, "'%s': %zu more threads stopped "
				       "unwinding early", x->path,
				       stopped - 8);
	if (!err && x->fp_threads)
		err = ct_case_add_note(c, "'%s': %zu of %zu threads not "
				       "unwound past their first frame: "
				       "frame-pointer chain or stack scan used "
				       "(unreliable frames)", x->path,
				       x->fp_threads, x->core->thread_count);
	return err;
}

/* What the core reader lost on the way, as notes. */
static struct ct_error *note_losses(struct extract *x)
{
	const struct ct_core *core = x->core;
	struct ct_error *err = NULL;
	for (size_t i = 0; !err && i < core->loss_count; i++)
		err = ct_case_add_note(x->c, "'%s': %s", x->path,
				       core->losses[i]);
	if (!err && core->losses_dropped)
		err = ct_case_add_note(x->c, "'%s': %zu more losses not "
				       "listed", x->path,
				       core->losses_dropped);
	if (!err && core->thread_count == 0)
		err = ct_case_add_note(x->c, "'%s': no thread could be read "
				       "from the core", x->path);
	return err;
}

struct ct_error *ct_core_extract(struct ct_case *c, const struct ct_text *t,
				 const struct ct_analyze_options *opts)
{
	struct ct_core *core;
	struct ct_error *err = ct_core_open_memory(t->path, t->buf, t->len,
						   &core);
	if (err)
		return err;
	struct ct_origin o = { .path = t->path, .line = 0 };
	long crashing = ct_core_crashing_thread(core);
	err = add_facts(c, core, crashing, o);

	struct extract x = { .c = c, .path = t->path, .core = core,
			     .opts = opts };
	if (opts) {
		x.uo.executable = opts->executable;
		x.uo.debug_dirs = opts->debug_dirs;
		x.uo.debug_dir_count = opts->debug_dir_count;
	}
	x.forged = forged_file(core);
	if (!err && x.forged)
		err = ct_case_add_note(c, "'%s': the core says '%s' (a FIFO or "
				       "socket) was mapped: no unwinder used, "
				       "frame-pointer chains only", t->path,
				       x.forged);
	if (!err && !x.forged)
		err = open_unwinder(&x);
	x.first = c->backtrace_count;
	if (!err)
		err = add_backtraces(&x, crashing, o);
	if (!err)
		err = unwind_threads(&x);
	const struct ct_unwinder_ops *u = x.u;
	struct ct_dwfl *d = u && u->symbolizer ? u->symbolizer(x.state)
					       : NULL;
	if (!d)
		d = x.sym;
	if (x.sym_borrowed)
		x.sym = NULL;	/* the unwinder's: closed with it */
	uint64_t entry = 0;
	if (!err && d) {
		(void)ct_core_auxv(core, AT_ENTRY, &entry);
		err = ct_dwfl_describe_modules(d, c, entry, o);
	}
	if (u)
		u->close(x.state);
	ct_dwfl_destroy(x.sym);
	if (!err)
		err = note_losses(&x);
	ct_core_destroy(core);
	return err;
}

static bool core_sniff(const char *buf, size_t len)
{
	/* a kernel vmcore is ET_CORE too, but no process */
	return ct_core_sniff(buf, len) && !ct_vmcore_sniff(buf, len);
}

static struct ct_error *core_extract(struct ct_case *c,
				     const struct ct_text *t)
{
	return ct_core_extract(c, t, NULL);
}

const struct ct_extractor ct_extractor_core = {
	.kind = CT_KIND_ELF_CORE,
	.sniff = core_sniff,
	.extract = core_extract,
};
