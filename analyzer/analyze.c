/* SPDX-License-Identifier: MIT */
/*
 * analyze.c - from a path to a case: enumerate files, read each, sniff its
 * kinds by content, run the extractors, then sign the case.
 *
 * A folder is one case (an unpacked support bundle, or any folder of
 * evidence from one host).  A file that cannot be read or is no known kind
 * is recorded on its input and the rest goes on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/internal.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "symbolizers/symtab-text.h"
#include "analyzer/dump/dump.h"
#include "analyzer/source.h"

const struct ct_extractor *const ct_extractors[CT_KIND_MAX] = {
	[CT_KIND_GDB_BACKTRACE] = &ct_extractor_gdb,
	[CT_KIND_VMKERNEL_LOG] = &ct_extractor_vmkernel,
	[CT_KIND_LINUX_KERNEL_LOG] = &ct_extractor_linux,
	[CT_KIND_SYSTEM_FACTS] = &ct_extractor_facts,
	[CT_KIND_ELF_CORE] = &ct_extractor_core,
	[CT_KIND_LINUX_VMCORE] = &ct_extractor_vmcore,
};

static const struct {
	const char *name;
	const char *description;
} kind_names[CT_KIND_MAX] = {
	[CT_KIND_GDB_BACKTRACE] = { "gdb-backtrace", "gdb backtrace" },
	[CT_KIND_VMKERNEL_LOG] = { "vmkernel-log", "ESXi vmkernel log" },
	[CT_KIND_LINUX_KERNEL_LOG] = { "linux-kernel-log",
				       "Linux kernel log" },
	[CT_KIND_SYSTEM_FACTS] = { "system-facts", "system facts" },
	[CT_KIND_ELF_CORE] = { "elf-core", "ELF core" },
	[CT_KIND_LINUX_VMCORE] = { "linux-vmcore", "Linux kernel vmcore" },
};

const char *ct_input_kind_name(enum ct_input_kind kind)
{
	return (unsigned)kind < CT_KIND_MAX ? kind_names[kind].name : "unknown";
}

const char *ct_input_kind_description(enum ct_input_kind kind)
{
	return (unsigned)kind < CT_KIND_MAX ? kind_names[kind].description
					    : "unknown";
}

const char *ct_version(void)
{
	return PACKAGE_VERSION;
}

/*
 * The kinds of a text.  With esxi_watch, a Linux kernel log longer than
 * the vmkernel sniff's window, whose start says nothing of ESXi, is not
 * searched whole for ESXi panic text here: *esxi_watch is set, and the
 * Linux extractor's pass, which reads every line anyway, looks for it
 * (ct_text.esxi_panic).  A shorter text is searched here, so that its
 * extractors run in the order of their kinds, as for any other text.
 */
static unsigned sniff(const char *buf, size_t len, bool *esxi_watch)
{
	/* a core is binary: no text kind applies, and scanning it as text
	 * would read every byte of a dump that may be gigabytes */
	if (ct_extractors[CT_KIND_LINUX_VMCORE]->sniff(buf, len))
		return 1u << CT_KIND_LINUX_VMCORE;
	if (ct_extractors[CT_KIND_ELF_CORE]->sniff(buf, len))
		return 1u << CT_KIND_ELF_CORE;
	const unsigned vmk = 1u << CT_KIND_VMKERNEL_LOG;
	unsigned kinds = 0;
	for (int k = 0; k < CT_KIND_MAX; k++)
		if (k != CT_KIND_VMKERNEL_LOG && ct_extractors[k]->sniff(buf, len))
			kinds |= 1u << k;
	if (ct_vmkernel_sniff_start(buf, len))
		kinds |= vmk;
	else if (esxi_watch && len > CT_VMKERNEL_SNIFF_WINDOW &&
		 kinds & 1u << CT_KIND_LINUX_KERNEL_LOG)
		*esxi_watch = true;
	else if (ct_esxi_panic_text(buf, len))
		kinds |= vmk;
	return kinds;
}

unsigned ct_sniff(const char *buf, size_t len)
{
	return sniff(buf, len, NULL);
}

struct ct_error *ct_extract_text(struct ct_case *c, const struct ct_text *t,
				 unsigned kinds)
{
	for (int k = 0; k < CT_KIND_MAX; k++) {
		if (!(kinds & (1u << k)))
			continue;
		struct ct_error *err = ct_extractors[k]->extract(c, t);
		if (err)
			return err;
	}
	return NULL;
}

static struct ct_error *add_input(struct ct_case *c, const char *path,
				  uint64_t size, struct ct_input **ret)
{
	if (!ct_grow((void **)&c->inputs, &ct_case_priv(c)->input_cap,
		     c->input_count + 1, sizeof(*c->inputs)))
		return &ct_enomem;
	struct ct_input *in = &c->inputs[c->input_count];
	memset(in, 0, sizeof(*in));
	in->path = strdup(path);
	if (!in->path)
		return &ct_enomem;
	in->size = size;
	c->input_count++;
	*ret = in;
	return NULL;
}

/* Record why an input was not usable; keeps the first reason. */
static struct ct_error *input_fail(struct ct_input *in, struct ct_error *err)
{
	if (err == &ct_enomem)
		return err;
	if (!in->error) {
		char *msg = ct_error_format(err);
		if (!msg) {
			ct_error_destroy(err);
			return &ct_enomem;
		}
		in->error = msg;
	}
	ct_error_destroy(err);
	return NULL;
}

/* Which event families to look for in a text of these kinds: a vmkernel
 * log only ESXi's, a kernel log only Linux's, anything else (a pasted
 * report with a backtrace and log lines) all of them. */
static enum ct_frame_family events_family(unsigned kinds)
{
	bool esxi = kinds & (1u << CT_KIND_VMKERNEL_LOG);
	bool linux_log = kinds & (1u << CT_KIND_LINUX_KERNEL_LOG);
	if (esxi && !linux_log)
		return CT_FAMILY_ESXI;
	if (linux_log && !esxi)
		return CT_FAMILY_LINUX;
	return CT_FAMILY_ANY;
}

/* Sniff and extract one buffer as input in (whose path the text borrows).
 * A text is first taken out of what it was pasted into (quotes, fences,
 * HTML, pager noise; ct_text_unwrap), line for line; a binary dump is
 * read as it is. */
static struct ct_error *analyze_text(struct ct_case *c, size_t input_index,
				     const char *buf, size_t len,
				     const struct ct_analyze_options *opts)
{
	struct ct_input *in = &c->inputs[input_index];
	const unsigned binary = 1u << CT_KIND_ELF_CORE |
				1u << CT_KIND_LINUX_VMCORE;
	struct ct_unwrapped u = { .buf = buf, .len = len };
	bool esxi_watch = false, esxi_panic = false;
	in->kinds = sniff(buf, len, &esxi_watch);
	if (!(in->kinds & binary)) {
		struct ct_error *err = ct_text_unwrap(buf, len, &u);
		if (err)
			return err;
		if (u.wrappers) {
			esxi_watch = false;
			in->kinds = sniff(u.buf, u.len, &esxi_watch) & ~binary;
		}
	}
	if (!in->kinds) {
		ct_unwrapped_deinit(&u);
		return input_fail(in, ct_error_at(
			ct_error_create(CT_ERROR_NOT_RECOGNISED,
					"not recognised as any input kind"),
			in->path, 0, 0, false));
	}
	struct ct_text t = { .path = in->path, .buf = u.buf, .len = u.len,
			     .esxi_panic = esxi_watch ? &esxi_panic : NULL };
	unsigned kinds = in->kinds;
	struct ct_error *err;
	/* a vmkernel.log's or a kernel log's extractor finds its events on
	 * its own pass: a big log is read once (if the scan cannot start,
	 * the one below says why) */
	if (kinds == 1u << CT_KIND_VMKERNEL_LOG ||
	    kinds == 1u << CT_KIND_LINUX_KERNEL_LOG)
		ct_error_destroy(ct_event_scan_create(
			c, &t, events_family(kinds), &t.events));
	if (kinds == 1u << CT_KIND_ELF_CORE)	/* options; no text events */
		err = ct_core_extract(c, &t, opts);
	else
		err = ct_extract_text(c, &t, kinds);
	if (t.events) {
		struct ct_error *events_err = ct_event_scan_finish(t.events);
		if (err)
			ct_error_destroy(events_err);
		else
			err = events_err;
	} else if (!err && kinds != 1u << CT_KIND_ELF_CORE &&
		   kinds != 1u << CT_KIND_LINUX_VMCORE) {
		/* binary dumps: a vmcore's extractor scans the log it
		 * extracts */
		err = ct_events_scan(c, &t, events_family(kinds));
	}
	/* ESXi panic text deep in a kernel log: read as the sniff would
	 * have had it read (its ESXi-only events are not looked for) */
	if (!err && esxi_panic) {
		in->kinds |= 1u << CT_KIND_VMKERNEL_LOG;
		t.events = NULL;
		t.esxi_panic = NULL;
		err = ct_extractors[CT_KIND_VMKERNEL_LOG]->extract(c, &t);
	}
	ct_unwrapped_deinit(&u);
	if (err)
		return input_fail(&c->inputs[input_index],
				  ct_error_at(err, t.path, 0, 0, false));
	return NULL;
}

struct ct_error *ct_case_add_note_lost(struct ct_case *c, const char *path,
				       uint64_t offset, uint64_t len)
{
	return ct_case_add_note(c, "'%s' shrank while it was read: bytes "
				"%" PRIu64 " to %" PRIu64 " were lost (read as "
				"zeros)", path, offset, len);
}

static struct ct_error *analyze_file(struct ct_case *c, const char *path,
				     const struct stat *st,
				     const struct ct_analyze_options *opts)
{
	struct ct_input *in;
	struct ct_error *err = add_input(c, path, (uint64_t)st->st_size, &in);
	if (err)
		return err;
	size_t index = c->input_count - 1;
	void *map;
	size_t len;
	err = ct_map_file(path, &map, &len);
	if (err)
		return input_fail(in, err);
	(void)madvise(map, len, MADV_SEQUENTIAL);
	err = analyze_text(c, index, map, len, opts);
	uint64_t lost;
	if (!err && ct_map_lost(map, &lost))
		err = ct_case_add_note_lost(c, path, lost, len);
	ct_unmap_file(map, len);
	return err;
}

/* Walk a folder in name order, so that a case is the same every run. */
static struct ct_error *analyze_dir(struct ct_case *c, const char *path,
				    const char *root_real, int depth,
				    const struct ct_analyze_options *opts)
{
	if (depth > CT_MAX_DEPTH) {
		return ct_case_add_note(c, "'%s': deeper than %d folders, "
					"not read", path, CT_MAX_DEPTH);
	}
	char **names;
	size_t count;
	/* one more than the cap, so that the note below can say it was hit */
	struct ct_error *err = ct_dir_names(path, CT_MAX_FILES + 1, &names,
					    &count);
	if (err)
		return err;
	for (size_t i = 0; i < count && !err; i++) {
		char *child;
		if (asprintf(&child, "%s/%s", path, names[i]) < 0) {
			err = &ct_enomem;
			break;
		}
		struct stat st;
		if (c->input_count >= CT_MAX_FILES) {
			err = ct_case_add_note(c, "more than %d files: '%s' "
					       "and later files not read",
					       CT_MAX_FILES, child);
			free(child);
			break;
		}
		if (lstat(child, &st) != 0) {
			struct ct_input *in;
			err = add_input(c, child, 0, &in);
			if (!err)
				err = input_fail(in, ct_error_os(
					errno, child, "cannot stat"));
			free(child);
			continue;
		}
		/* follow links to files, never to folders: no loops */
		bool link = S_ISLNK(st.st_mode);
		if (link &&
		    (stat(child, &st) != 0 || !S_ISREG(st.st_mode))) {
			free(child);
			continue;
		}
		/* nor, unless asked, to files outside the folder */
		if (link && root_real && !ct_path_is_inside(root_real, child)) {
			struct ct_input *in;
			err = add_input(c, child, 0, &in);
			if (!err)
				err = input_fail(in, ct_error_at(
					ct_error_create(CT_ERROR_UNSUPPORTED,
						"a link out of the folder, not "
						"followed (--follow-links)"),
					child, 0, 0, false));
			free(child);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			err = analyze_dir(c, child, root_real, depth + 1,
					  opts);
			/* a subfolder we cannot list (no permission) is
			 * one unread input of the case, not the end of it */
			if (err && err != &ct_enomem &&
			    err->code == CT_ERROR_OS) {
				struct ct_input *in;
				struct ct_error *e2 = add_input(c, child, 0,
								&in);
				if (e2) {
					ct_error_destroy(err);
					err = e2;
				} else {
					err = input_fail(in, err);
				}
			}
		} else if (S_ISREG(st.st_mode))
			err = analyze_file(c, child, &st, opts);
		free(child);
	}
	ct_names_free(names, count);
	return err;
}

/* Name the frames a log printed as bare addresses ("0x..:[0x4200..]"
 * with no symbol, "[<ffffffff..>]") from the symbol lists the user gave,
 * then mark generic frames again: the new names may be panic plumbing. */
static struct ct_error *name_frames_from_maps(
	struct ct_case *c, const struct ct_analyze_options *opts)
{
	struct ct_symtab *t;
	struct ct_error *err = ct_symtab_create(&t);
	if (err)
		return err;
	for (size_t i = 0; i < opts->map_count && !err; i++)
		err = ct_symtab_add_dump_or_file(t, opts->maps[i]);
	size_t named = 0;
	enum ct_frame_family family =
		c->panic.kind && strcmp(c->panic.kind, "PSOD") == 0
			? CT_FAMILY_ESXI
		: ct_case_fact(c, "linux.release") ? CT_FAMILY_LINUX
						   : CT_FAMILY_USER;
	for (size_t b = 0; b < c->backtrace_count && !err; b++) {
		struct ct_backtrace *bt = &c->backtraces[b];
		size_t before = named;
		for (size_t i = 0; i < bt->frame_count && !err; i++) {
			struct ct_frame *f = &bt->frames[i];
			struct ct_symtab_hit hit;
			if (f->function || !f->has_address ||
			    !ct_symtab_lookup(t, f->address, &hit))
				continue;
			f->function = strdup(hit.name);
			f->normalized = f->function
				? ct_frame_normalize(f->function) : NULL;
			if (!f->module && hit.module)
				f->module = strdup(hit.module);
			if (!f->function || !f->normalized ||
			    (hit.module && !f->module)) {
				err = &ct_enomem;
				break;
			}
			f->offset = hit.offset;
			f->has_offset = true;
			f->reliable = true;	/* named now */
			named++;
		}
		if (named > before)
			ct_backtrace_mark_generic(bt, family);
	}
	ct_symtab_destroy(t);
	if (!err && named)
		err = ct_case_add_note(c, "%zu frame%s named from symbol "
				       "lists", named, named == 1 ? "" : "s");
	return err;
}

/* After extraction: notes that tell a person what the evidence lacks. */
static struct ct_error *finish_case(struct ct_case *c)
{
	struct ct_error *err = ct_case_sign(c);
	if (err)
		return err;
	if (!c->signature.title && ct_case_usable(c))
		err = ct_case_add_note(c, "no crash found in the evidence "
				       "(%zu events, %zu facts)",
				       c->event_count, c->fact_count);
	return err;
}

struct ct_error *ct_analyze_path(const char *path, struct ct_case **ret)
{
	return ct_analyze_path_with(path, NULL, ret);
}

struct ct_error *ct_analyze_path_with(const char *path,
				      const struct ct_analyze_options *opts,
				      struct ct_case **ret)
{
	if (opts && opts->unwinder && !ct_unwinder_find(opts->unwinder))
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT,
				       "unknown unwinder '%s' (dwfl, "
				       "libunwind)", opts->unwinder);
	struct stat st;
	if (stat(path, &st) != 0)
		return ct_error_os(errno, path, "cannot read");
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return ct_error_at(ct_error_create(CT_ERROR_UNSUPPORTED,
						   "not a file or folder"),
				   path, 0, 0, false);
	struct ct_case *c;
	struct ct_error *err = ct_case_create(path, &c);
	if (err)
		return err;
	if (S_ISDIR(st.st_mode)) {
		/* links out of the folder are not followed unless asked */
		char *root_real = NULL;
		if (!(opts && opts->follow_links) &&
		    !(root_real = realpath(path, NULL)))
			err = ct_error_os(errno, path, "cannot read");
		if (!err)
			err = analyze_dir(c, path, root_real, 0, opts);
		free(root_real);
	} else
		err = analyze_file(c, path, &st, opts);
	if (!err && opts && opts->map_count)
		err = name_frames_from_maps(c, opts);
	if (!err)
		err = finish_case(c);
	if (err) {
		ct_case_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

struct case_listing {
	char **names;
	size_t count, cap;
	struct ct_bundle_plan plan;
};

static struct ct_error *list_name(void *arg, const struct ct_source_entry *e)
{
	struct case_listing *l = arg;
	if (e->skipped == ct_source_skip_link)
		return NULL;	/* not read by analyze either */
	if (!ct_grow((void **)&l->names, &l->cap, l->count + 1,
		     sizeof(*l->names)) ||
	    !(l->names[l->count] = strdup(e->path)))
		return &ct_enomem;
	l->count++;
	return ct_bundle_plan_add(&l->plan, e->path);
}

/* Append the case path p (a copy of its first len bytes) unless it is
 * the last one appended. */
static bool add_case_path(char ***paths, size_t *count, size_t *cap,
			  const char *p, size_t len)
{
	if (*count && strlen((*paths)[*count - 1]) == len &&
	    strncmp((*paths)[*count - 1], p, len) == 0)
		return true;
	if (!ct_grow((void **)paths, cap, *count + 1, sizeof(**paths)))
		return false;
	if (!((*paths)[*count] = strndup(p, len)))
		return false;
	(*count)++;
	return true;
}

struct ct_error *ct_case_paths(const char *path, bool follow_links,
			       char ***ret_paths, size_t *ret_count)
{
	char **paths = NULL;
	size_t count = 0, cap = 0;
	struct stat st;
	struct case_listing l = { 0 };
	struct ct_error *err = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct ct_source_options names = {
			.names_only = true, .disk_only = true,
			.follow_links = follow_links,
		};
		err = ct_source_walk(path, &names, list_name, &l);
		if (!err)
			err = ct_bundle_plan_finish(&l.plan);
		size_t base = strlen(path);
		while (base > 1 && path[base - 1] == '/')
			base--;
		if (!err && l.count)
			qsort(l.names, l.count, sizeof(*l.names),
			      ct_strptr_cmp);
		if (!err)
			err = ct_bundle_plan_group(&l.plan, l.names, l.count,
						   base + 1, false);
		for (size_t i = 0; i < l.count && !err; i++) {
			const struct ct_bundle_root *root =
				ct_bundle_plan_find(&l.plan, l.names[i]);
			const char *p = root ? root->prefix : l.names[i];
			size_t len = strlen(p);
			if (root && len > 1)
				len--;	/* a folder, without its '/' */
			/* the folder itself is one case: name it as given */
			if (root && len == base) {
				p = path;
				len = strlen(path);
			}
			if (!add_case_path(&paths, &count, &cap, p, len))
				err = &ct_enomem;
		}
	}
	for (size_t i = 0; i < l.count; i++)
		free(l.names[i]);
	free(l.names);
	ct_bundle_plan_deinit(&l.plan);
	if (!err && !count && !add_case_path(&paths, &count, &cap, path,
					     strlen(path)))
		err = &ct_enomem;
	if (err) {
		ct_case_paths_free(paths, count);
		return err;
	}
	*ret_paths = paths;
	*ret_count = count;
	return NULL;
}

void ct_case_paths_free(char **paths, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
}

struct ct_error *ct_analyze_buffer(const char *name, const char *buf,
				   size_t len, struct ct_case **ret)
{
	struct ct_case *c;
	struct ct_error *err = ct_case_create(name, &c);
	if (err)
		return err;
	struct ct_input *in;
	err = add_input(c, name, len, &in);
	if (!err)
		err = analyze_text(c, c->input_count - 1, buf, len, NULL);
	if (!err)
		err = finish_case(c);
	if (err) {
		ct_case_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

/* ---- cases fed entry by entry (crashtriage batch) ------------------------ */

struct ct_error *ct_case_add_text(struct ct_case *c, const char *name,
				  const char *buf, size_t len)
{
	struct ct_input *in;
	struct ct_error *err = add_input(c, name, len, &in);
	if (!err)
		err = analyze_text(c, c->input_count - 1, buf, len, NULL);
	return err;
}

struct ct_error *ct_case_add_unread(struct ct_case *c, const char *name,
				    uint64_t size, const char *reason)
{
	struct ct_input *in;
	struct ct_error *err = add_input(c, name, size, &in);
	if (err)
		return err;
	if (!reason)
		return NULL;
	in->error = strdup(reason);
	return in->error ? NULL : &ct_enomem;
}

struct ct_error *ct_case_finish(struct ct_case *c)
{
	return finish_case(c);
}
