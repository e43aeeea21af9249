/* SPDX-License-Identifier: MIT */
/*
 * symbolize-dwfl.c - the libdwfl symbolizer: reports the modules of a core
 * (link map in the core's memory, NT_FILE, build-ids) and turns addresses
 * into frames with function, module, offset, source file:line, and the
 * functions DWARF says were inlined at that address.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolizers/symbolize.h"
#include "analyzer/case-internal.h"
#include "analyzer/error.h"
#include "analyzer/frames.h"

/*
 * libdwfl's own search (build-id and debuglink under the debug path), then
 * its debuginfod client when DEBUGINFOD_URLS is set.  A file from
 * debuginfod comes back as a bare descriptor: name it after what it is
 * (the client's cache file) so that the notes can say where it came from.
 */
static int find_debuginfo(Dwfl_Module *mod, void **userdata,
			  const char *modname, Dwarf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	/* a core's modules come without their file's name here: without
	 * it a debuglink is looked up relative to the current folder, not
	 * the program's, nor under DIR/<program's folder> */
	const char *main_file = NULL;
	if (!file_name)
		(void)dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL,
				       &main_file, NULL);
	if (!file_name && !main_file && modname && modname[0] == '/')
		main_file = modname;	/* core modules are named by path */
	int fd = dwfl_standard_find_debuginfo(mod, userdata, modname, base,
					      file_name ? file_name : main_file,
					      debuglink_file, debuglink_crc,
					      debuginfo_file_name);
	if (fd >= 0 && !*debuginfo_file_name) {
		char link[64], path[PATH_MAX];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, path, sizeof(path) - 1);
		if (n > 0) {
			path[n] = '\0';
			*debuginfo_file_name = strdup(path);
		}
	}
	return fd;
}

static char *make_path(const struct ct_unwind_options *opts)
{
	struct ct_strbuf sb = CT_STRBUF_INIT;
	/* '-': no CRC checks of debuglink files (build-ids decide) */
	ct_strbuf_putc(&sb, '-');
	for (size_t i = 0; opts && i < opts->debug_dir_count; i++) {
		if (!opts->debug_dirs[i] || strchr(opts->debug_dirs[i], ':'))
			continue;
		ct_strbuf_puts(&sb, opts->debug_dirs[i]);
		ct_strbuf_putc(&sb, ':');
	}
	ct_strbuf_puts(&sb, ":.debug:/usr/lib/debug");
	if (sb.failed) {
		ct_strbuf_deinit(&sb);
		return NULL;
	}
	return ct_strbuf_detach(&sb);
}

/* A session with our debug path and callbacks, reporting begun: the
 * caller reports its modules and ends the report.  offline: an ELF file
 * placed by section addresses, not a core's mappings. */
static struct ct_error *dwfl_new(const struct ct_unwind_options *opts,
				 bool offline, struct ct_dwfl **ret)
{
	struct ct_dwfl *d = calloc(1, sizeof(*d));
	if (!d)
		return &ct_enomem;
	d->debuginfo_path = make_path(opts);
	if (!d->debuginfo_path) {
		free(d);
		return &ct_enomem;
	}
	d->callbacks.find_elf = dwfl_build_id_find_elf;
	d->callbacks.find_debuginfo = find_debuginfo;
	if (offline)
		d->callbacks.section_address = dwfl_offline_section_address;
	d->callbacks.debuginfo_path = &d->debuginfo_path;
	d->dwfl = dwfl_begin(&d->callbacks);
	if (!d->dwfl) {
		struct ct_error *err = ct_error_libdwfl(NULL, "dwfl_begin");
		ct_dwfl_destroy(d);
		return err;
	}
	dwfl_report_begin(d->dwfl);
	*ret = d;
	return NULL;
}

/*
 * libdwfl finds a core's modules through NT_FILE or the dynamic linker's
 * list in memory; a static program in a core without NT_FILE (qemu-user
 * writes such cores) has neither.  Report the program the caller named
 * at its load address: its link-time one, or, for a static PIE, where
 * AT_ENTRY says its entry point landed.
 */
static bool report_program(struct ct_dwfl *d, const struct ct_core *core,
			   const char *exe)
{
	int fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	uint64_t bias = 0;
	bool ok = ct_core_load_bias(core, elf, &bias);
	if (elf)
		elf_end(elf);
	close(fd);
	return ok && dwfl_report_elf(d->dwfl, exe, exe, -1, bias, false);
}

struct ct_error *ct_dwfl_open(const struct ct_core *core,
			      const struct ct_unwind_options *opts,
			      struct ct_dwfl **ret)
{
	struct ct_dwfl *d;
	struct ct_error *err = dwfl_new(opts, false, &d);
	if (err)
		return err;
	/* libdwfl finds the program through NT_FILE, which it reads through
	 * the PT_NOTE header; when that is lost and the notes were found by
	 * a search (core.c), name the program from what they say */
	const char *exe = opts ? opts->executable : NULL;
	char found[4096];
	if (!exe && core->notes_scanned &&
	    ct_core_executable(core, found, sizeof(found)))
		exe = found;
	d->module_count = dwfl_core_file_report(d->dwfl, core->elf, exe);
	if (d->module_count <= 0 && exe && report_program(d, core, exe))
		d->module_count = 1;
	if (dwfl_report_end(d->dwfl, NULL, NULL) != 0) {
		err = ct_error_libdwfl(NULL, "dwfl_report_end");
		goto fail;
	}
	if (d->module_count < 0) {
		err = ct_error_libdwfl(NULL, "no modules in the core");
		goto fail;
	}
	*ret = d;
	return NULL;
fail:
	ct_dwfl_destroy(d);
	return err;
}

struct ct_error *ct_dwfl_open_elf(const char *path,
				  const struct ct_unwind_options *opts,
				  struct ct_dwfl **ret)
{
	struct ct_dwfl *d;
	struct ct_error *err = dwfl_new(opts, true, &d);
	if (err)
		return err;
	/* at base 0 so that a PIE or DSO keeps its link-time addresses, as
	 * in nm and addr2line (dwfl_report_offline() would move it) */
	Dwfl_Module *mod = dwfl_report_elf(d->dwfl, path, path, -1, 0, false);
	if (!mod) {
		err = ct_error_libdwfl(path, "cannot read the ELF file");
		(void)dwfl_report_end(d->dwfl, NULL, NULL);
		goto fail;
	}
	if (dwfl_report_end(d->dwfl, NULL, NULL) != 0) {
		err = ct_error_libdwfl(NULL, "dwfl_report_end");
		goto fail;
	}
	d->module_count = 1;
	*ret = d;
	return NULL;
fail:
	ct_dwfl_destroy(d);
	return err;
}

void ct_dwfl_destroy(struct ct_dwfl *d)
{
	if (!d)
		return;
	if (d->dwfl)
		dwfl_end(d->dwfl);
	for (size_t i = 0; d->cache && i < CT_DWFL_CACHE; i++) {
		struct ct_backtrace *b = &d->cache[i].frames;
		for (size_t j = 0; j < b->frame_count; j++)
			ct_frame_deinit(&b->frames[j]);
		free(b->frames);
	}
	free(d->cache);
	free(d->debuginfo_path);
	free(d);
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

/* Name of a subprogram or inlined subroutine DIE, following its abstract
 * origin; NULL if it has none. */
static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = NULL;
	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
	    dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))
		name = dwarf_formstring(&attr);
	if (!name && dwarf_attr_integrate(die, DW_AT_name, &attr))
		name = dwarf_formstring(&attr);
	return name;
}

/* The caller's position recorded on an inlined subroutine. */
static void call_site(Dwarf_Die *cudie, Dwarf_Die *die, const char **file,
		      unsigned long *line)
{
	Dwarf_Attribute attr;
	Dwarf_Word idx = 0, ln = 0;
	*file = NULL;
	*line = 0;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &attr), &ln) == 0)
		*line = (unsigned long)ln;
	Dwarf_Files *files;
	size_t nfiles;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr), &idx) ==
		    0 &&
	    dwarf_getsrcfiles(cudie, &files, &nfiles) == 0 && idx < nfiles)
		*file = dwarf_filesrc(files, idx, NULL, NULL);
}

static struct ct_error *symbolize(struct ct_dwfl *d, uint64_t pc,
				  bool activation, struct ct_backtrace *bt)
{
	/* a return address points after the call: look up the call */
	Dwarf_Addr lookup = activation || pc == 0 ? pc : pc - 1;
	struct ct_frame f = {
		.address = pc,
		.has_address = true,
		.reliable = true,
		.number = -1,
	};
	Dwfl_Module *mod = dwfl_addrmodule(d->dwfl, lookup);
	if (!mod)
		return ct_backtrace_add_frame(bt, &f);
	const char *modname = dwfl_module_info(mod, NULL, NULL, NULL, NULL,
					       NULL, NULL, NULL);
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *symname = dwfl_module_addrinfo(mod, lookup, &off, &sym,
						   NULL, NULL, NULL);
	const char *file = NULL;
	unsigned long line = 0;
	Dwfl_Line *dl = dwfl_module_getsrc(mod, lookup);
	if (dl) {
		int ln = 0;
		file = dwfl_lineinfo(dl, NULL, &ln, NULL, NULL, NULL);
		line = ln > 0 ? (unsigned long)ln : 0;
	}
	char *mname = modname ? ct_strndup_clean(base_name(modname),
						 strlen(base_name(modname)))
			      : NULL;
	if (modname && !mname)
		return &ct_enomem;
	f.module = mname;

	/* inlined functions: innermost scope first */
	struct ct_error *err = NULL;
	Dwarf_Addr bias = 0;
	Dwarf_Die *cudie = dwfl_module_addrdie(mod, lookup, &bias);
	Dwarf_Die *scopes = NULL;
	int nscopes = cudie ? dwarf_getscopes(cudie, lookup - bias, &scopes)
			    : 0;
	/* dwarf_getscopes() goes on into the abstract definition of the
	 * innermost inlined function; the concrete chain of scopes around
	 * that instance is what dwarf_getscopes_die() gives */
	if (nscopes > 0) {
		Dwarf_Die *chain = NULL;
		int n = dwarf_getscopes_die(&scopes[0], &chain);
		free(scopes);
		scopes = chain;
		nscopes = n > 0 ? n : 0;
	}
	for (int i = 0; i < nscopes && !err; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_subprogram)
			break;
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		f.function = (char *)die_name(&scopes[i]);
		f.file = (char *)file;
		f.source_line = line;
		f.inlined = true;
		f.has_offset = false;
		err = ct_backtrace_add_frame(bt, &f);
		call_site(cudie, &scopes[i], &file, &line);
	}
	free(scopes);
	/* "memcpy@@GLIBC_2.14" is memcpy to a signature */
	char *plain = NULL;
	const char *at = symname ? strchr(symname, '@') : NULL;
	if (!err && at && at > symname) {
		char *base = strndup(symname, (size_t)(at - symname));
		plain = base ? ct_frame_normalize(base) : NULL;
		free(base);
		if (!plain)
			err = &ct_enomem;
	}
	if (!err) {
		f.normalized = plain;
		f.function = (char *)symname;
		f.file = (char *)file;
		f.source_line = line;
		f.inlined = false;
		f.offset = off + (lookup != pc ? 1 : 0);
		f.has_offset = symname != NULL;
		err = ct_backtrace_add_frame(bt, &f);
	}
	free(plain);
	free(mname);
	return err;
}

struct ct_error *ct_dwfl_symbolize(struct ct_dwfl *d, uint64_t pc,
				   bool activation, struct ct_backtrace *bt)
{
	if (!d->cache) {
		d->cache = calloc(CT_DWFL_CACHE, sizeof(*d->cache));
		if (!d->cache)
			return symbolize(d, pc, activation, bt);
	}
	uint64_t h = (pc ^ (pc >> 12) ^ (pc >> 24)) * 0x9e3779b97f4a7c15ull;
	struct ct_dwfl_cached *e = &d->cache[(h >> 32) % CT_DWFL_CACHE];
	if (!e->used || e->pc != pc || e->activation != activation) {
		for (size_t j = 0; j < e->frames.frame_count; j++)
			ct_frame_deinit(&e->frames.frames[j]);
		e->frames.frame_count = 0;
		e->used = false;
		struct ct_error *err = symbolize(d, pc, activation,
						 &e->frames);
		if (err)
			return err;
		e->pc = pc;
		e->activation = activation;
		e->used = true;
	}
	for (size_t j = 0; j < e->frames.frame_count; j++) {
		struct ct_error *err = ct_backtrace_add_frame(
			bt, &e->frames.frames[j]);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- modules ---------------------------------------------------------- */

struct modules {
	Dwfl_Module *main;	/* the module holding the entry point */
	size_t count;
	size_t missing;		/* libraries whose file was not found */
	struct ct_strbuf list;	/* the first few of them */
	char main_id[129];	/* build-id of main, hex */
	char *main_name;	/* printable name of main */
	bool main_missing, main_no_debug;
	size_t fetched;		/* debug files debuginfod gave */
	struct ct_strbuf fetched_list; /* the first few of them */
};

/* Did libdw get this module's debug file from a debuginfod server?  Its
 * client caches them as ".../BUILD-ID/debuginfo", wherever the cache is
 * ($DEBUGINFOD_CACHE_PATH, $XDG_CACHE_HOME, ~/.cache). */
static bool from_debuginfod(const char *debugfile, const char *id)
{
	size_t n = debugfile ? strlen(debugfile) : 0, k = strlen(id);
	static const char tail[] = "/debuginfo";
	size_t t = sizeof(tail) - 1;
	return k && n > k + t + 1 && strcmp(debugfile + n - t, tail) == 0 &&
	       debugfile[n - t - k - 1] == '/' &&
	       strncmp(debugfile + n - t - k, id, k) == 0;
}

static void build_id_hex(Dwfl_Module *mod, char *ret, size_t size)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(mod, &bits, &vaddr);
	ret[0] = '\0';
	for (int i = 0; i < n && (size_t)(2 * i + 2) < size; i++)
		snprintf(ret + 2 * i, 3, "%02x", bits[i]);
}

static int module_cb(Dwfl_Module *mod, void **userdata, const char *name,
		     Dwarf_Addr start, void *arg)
{
	struct modules *m = arg;
	Dwarf_Addr bias;
	m->count++;
	if (!name || name[0] == '[')	/* [vdso], [pie] placeholders */
		return DWARF_CB_OK;
	bool found = dwfl_module_getelf(mod, &bias) != NULL;
	const char *debugfile = NULL;
	/* only what is loaded already: asking would fetch every library's */
	(void)dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL,
			       &debugfile);
	if (debugfile) {
		char id[129];
		build_id_hex(mod, id, sizeof(id));
		if (from_debuginfod(debugfile, id) && m->fetched++ < 8)
			ct_strbuf_appendf(&m->fetched_list, "%s%s (build-id "
					  "%s)", m->fetched_list.len ? ", "
					  : "", name, id);
	}
	if (mod == m->main) {
		build_id_hex(mod, m->main_id, sizeof(m->main_id));
		m->main_name = ct_strndup_clean(name, strlen(name));
		m->main_missing = !found;
		m->main_no_debug = found && !dwfl_module_getdwarf(mod, &bias);
		return DWARF_CB_OK;
	}
	if (found)
		return DWARF_CB_OK;
	if (m->missing++ < 8) {
		char id[129];
		build_id_hex(mod, id, sizeof(id));
		ct_strbuf_appendf(&m->list, "%s%s%s%s%s",
				  m->list.len ? ", " : "", name,
				  id[0] ? " (build-id " : "", id,
				  id[0] ? ")" : "");
	}
	return DWARF_CB_OK;
}

struct ct_error *ct_dwfl_describe_modules(struct ct_dwfl *d,
					  struct ct_case *c,
					  uint64_t entry,
					  struct ct_origin origin)
{
	struct modules m = { .list = CT_STRBUF_INIT,
			     .fetched_list = CT_STRBUF_INIT };
	m.main = entry ? dwfl_addrmodule(d->dwfl, entry) : NULL;
	(void)dwfl_getmodules(d->dwfl, module_cb, &m, 0);
	struct ct_error *err = NULL;
	char count[32];
	snprintf(count, sizeof(count), "%zu", m.count);
	err = ct_case_add_fact(c, "core.modules", count, origin);
	if (!err && m.main_id[0])
		err = ct_case_add_fact(c, "core.build_id", m.main_id, origin);
	const char *path = origin.path;
	const char *name = m.main_name ? m.main_name : "?";
	if (!err && !m.count)
		err = ct_case_add_note(c, "'%s': no program or library found "
				       "for the core (it has no NT_FILE note and "
				       "no dynamic linker data): frames have no "
				       "names (give --exe)", path);
	if (!err && m.main_missing)
		err = ct_case_add_note(c, "'%s': executable '%s'%s%s%s not "
				       "found: its frames have no names "
				       "(give --exe or --debug-dir)", path,
				       name, m.main_id[0] ? " (build-id " : "",
				       m.main_id, m.main_id[0] ? ")" : "");
	if (!err && m.main_no_debug)
		err = ct_case_add_note(c, "'%s': no debug info for '%s'%s%s%s: "
				       "no file:line in its frames (give "
				       "--debug-dir, or set DEBUGINFOD_URLS)",
				       path, name,
				       m.main_id[0] ? " (build-id " : "",
				       m.main_id, m.main_id[0] ? ")" : "");
	if (!err && m.missing)
		err = ct_case_add_note(c, "'%s': %zu libraries not found where "
				       "the core says: %s%s", path, m.missing,
				       m.list.buf ? m.list.buf : "",
				       m.missing > 8 ? ", ..." : "");
	if (!err && m.fetched)
		err = ct_case_add_note(c, "'%s': debug info from debuginfod "
				       "for %s%s", path,
				       m.fetched_list.buf ? m.fetched_list.buf
				       : "", m.fetched > 8 ? ", ..." : "");
	if (!err && (m.list.failed || m.fetched_list.failed ||
		     (m.main_id[0] && !m.main_name && m.main)))
		err = &ct_enomem;
	ct_strbuf_deinit(&m.list);
	ct_strbuf_deinit(&m.fetched_list);
	free(m.main_name);
	return err;
}
