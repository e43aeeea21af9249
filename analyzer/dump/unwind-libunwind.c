/* SPDX-License-Identifier: MIT */
/*
 * unwind-libunwind.c - the second unwinder: libunwind's coredump accessors
 * (_UCD_create) walk each thread of the core file; frames are symbolized
 * by the libdwfl symbolizer.  libunwind reads the core by file name, so
 * this unwinder only opens when the input is a file whose size and first
 * bytes are those of the image being analyzed; the executable and the
 * libraries in NT_FILE are given to it as backing files for the text
 * segments the kernel left out of the dump.
 *
 * libunwind is loaded when this unwinder first opens (lazy.h): it is the
 * fallback, and its three libraries at every start cost the command a
 * tenth of its start-up time.
 */
#include <fcntl.h>
#include <libunwind-coredump.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/dump/dump.h"
#include "analyzer/error.h"
#include "analyzer/lazy.h"
#include "symbolizers/symbolize.h"

#define CT_STR_(x) #x
#define CT_STR(x) CT_STR_(x)
/* the coredump accessors, and the unw_* of the target (UNW_TARGET: the
 * names the macros of libunwind.h give them, _Ux86_64_step, ...) */
#ifndef CT_LIBUNWIND_COREDUMP_SONAME
#define CT_LIBUNWIND_COREDUMP_SONAME "libunwind-coredump.so.0"
#endif
#ifndef CT_LIBUNWIND_TARGET_SONAME
#define CT_LIBUNWIND_TARGET_SONAME "libunwind-" CT_STR(UNW_TARGET) ".so.8"
#endif

#define CT_UCD_FUNCTIONS(X)                                                  \
	X(_UCD_create) X(_UCD_destroy) X(_UCD_get_num_threads)               \
	X(_UCD_select_thread) X(_UCD_add_backing_file_at_vaddr)
#define CT_UNW_FUNCTIONS(X)                                                  \
	X(unw_create_addr_space) X(unw_destroy_addr_space)                   \
	X(unw_init_remote) X(unw_get_reg) X(unw_step) X(unw_is_signal_frame) \
	X(unw_strerror)

#define CT_LU_POINTER(f) __typeof__(f) *f;
static struct {
	CT_UCD_FUNCTIONS(CT_LU_POINTER)
	unw_accessors_t *accessors;	/* _UCD_accessors */
} ucd;
static struct {
	CT_UNW_FUNCTIONS(CT_LU_POINTER)
} unw;
#undef CT_LU_POINTER

static struct ct_lazy ucd_lib = { .soname = CT_LIBUNWIND_COREDUMP_SONAME,
				  .what = "unwind with libunwind" };
static struct ct_lazy unw_lib = { .soname = CT_LIBUNWIND_TARGET_SONAME,
				  .what = "unwind with libunwind" };
static pthread_once_t lu_once = PTHREAD_ONCE_INIT;

static void lu_load(void)
{
	if (ct_lazy_open(&ucd_lib)) {
#define RESOLVE(f) CT_LAZY_RESOLVE(&ucd_lib, ucd, f)
		CT_UCD_FUNCTIONS(RESOLVE)
#undef RESOLVE
		ucd.accessors = ct_lazy_sym(&ucd_lib, "_UCD_accessors");
	}
	if (ct_lazy_open(&unw_lib)) {
#define RESOLVE(f) CT_LAZY_RESOLVE(&unw_lib, unw, f)
		CT_UNW_FUNCTIONS(RESOLVE)
#undef RESOLVE
	}
}

struct lu_state {
	const struct ct_core *core;
	struct UCD_info *ui;
	unw_addr_space_t as;
	struct ct_dwfl *sym;
	int nthreads;
};

/* Is the file at path the image core reads? */
static bool same_file(const struct ct_core *core)
{
	unsigned char head[4096];
	struct stat st;
	int fd = open(core->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool same = false;
	size_t n = core->len < sizeof(head) ? core->len : sizeof(head);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == core->len &&
	    pread(fd, head, n, 0) == (ssize_t)n &&
	    memcmp(head, core->buf, n) == 0)
		same = true;
	close(fd);
	return same;
}

static void lu_close(void *state)
{
	struct lu_state *s = state;
	if (!s)
		return;
	if (s->as)
		unw.unw_destroy_addr_space(s->as);
	if (s->ui)
		ucd._UCD_destroy(s->ui);
	ct_dwfl_destroy(s->sym);
	free(s);
}

static struct ct_error *lu_open(const struct ct_core *core,
				const struct ct_unwind_options *opts,
				void **ret_state)
{
	if (!core->path || !same_file(core))
		return ct_error_create(CT_ERROR_UNSUPPORTED,
				       "libunwind reads cores from files only");
	pthread_once(&lu_once, lu_load);
	struct ct_error *lerr = ct_lazy_error(&ucd_lib);
	if (!lerr)
		lerr = ct_lazy_error(&unw_lib);
	if (lerr)
		return lerr;
	struct lu_state *s = calloc(1, sizeof(*s));
	if (!s)
		return &ct_enomem;
	s->core = core;
	struct ct_error *err = NULL;
	s->ui = ucd._UCD_create(core->path);
	if (!s->ui) {
		err = ct_error_corrupt(NULL, 0,
				       "libunwind cannot read the core");
		goto fail;
	}
	s->nthreads = ucd._UCD_get_num_threads(s->ui);
	/* text the dump left out comes from the mapped files themselves */
	for (size_t i = 0; i < core->file_count; i++) {
		const struct ct_core_file *f = &core->files[i];
		if (f->file_offset == 0 && f->path[0] == '/')
			(void)ucd._UCD_add_backing_file_at_vaddr(
				s->ui, (unsigned long)f->start, f->path);
	}
	s->as = unw.unw_create_addr_space(ucd.accessors, 0);
	if (!s->as) {
		err = ct_error_create(CT_ERROR_NO_MEMORY,
				      "libunwind address space");
		goto fail;
	}
	err = ct_dwfl_open(core, opts, &s->sym);
	if (err == &ct_enomem)
		goto fail;
	ct_error_destroy(err);	/* frames without symbols are still frames */
	err = NULL;
	*ret_state = s;
	return NULL;
fail:
	lu_close(s);
	return err;
}

static struct ct_error *lu_thread(void *state, size_t i,
				  struct ct_backtrace *bt)
{
	struct lu_state *s = state;
	if (i >= (size_t)(s->nthreads > 0 ? s->nthreads : 0))
		return ct_error_create(CT_ERROR_NOT_FOUND,
				       "libunwind sees only %d threads",
				       s->nthreads);
	ucd._UCD_select_thread(s->ui, (int)i);
	unw_cursor_t cur;
	int rc = unw.unw_init_remote(&cur, s->as, s->ui);
	if (rc < 0)
		return ct_error_corrupt(NULL, 0, "unw_init_remote: %s",
					unw.unw_strerror(rc));
	bool activation = true;
	struct ct_error *err = NULL;
	for (size_t n = 0; n < CT_MAX_FRAMES && !err; n++) {
		unw_word_t ip = 0;
		if (unw.unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || ip == 0)
			break;
		if (s->sym) {
			err = ct_dwfl_symbolize(s->sym, ip, activation, bt);
		} else {
			struct ct_frame f = { .address = ip,
					      .has_address = true,
					      .reliable = true, .number = -1 };
			err = ct_backtrace_add_frame(bt, &f);
		}
		/* the frame after a signal frame was interrupted, not a
		 * caller: its pc is the next instruction */
		activation = unw.unw_is_signal_frame(&cur) > 0;
		rc = unw.unw_step(&cur);
		if (rc <= 0)
			break;
	}
	if (!err && rc < 0)
		err = ct_error_create(CT_ERROR_TRUNCATED, "unwinding stopped "
				      "after %zu frames: %s", bt->frame_count,
				      unw.unw_strerror(rc));
	return err;
}

static struct ct_error *lu_unwind(void *state, size_t count,
				  struct ct_backtrace *bts,
				  struct ct_error **errs)
{
	for (size_t i = 0; i < count; i++) {
		struct ct_error *e = lu_thread(state, i, &bts[i]);
		if (e == &ct_enomem)
			return e;
		errs[i] = e;
	}
	return NULL;
}

static struct ct_dwfl *lu_symbolizer(void *state)
{
	return ((struct lu_state *)state)->sym;
}

const struct ct_unwinder_ops ct_unwinder_libunwind = {
	.name = "libunwind",
	.open = lu_open,
	.unwind = lu_unwind,
	.symbolizer = lu_symbolizer,
	.close = lu_close,
};
