/* SPDX-License-Identifier: MIT */
/*
 * vmcore.c - the "linux-vmcore" input kind: a Linux kernel crash
 * dump in ELF form (/proc/vmcore saved by kdump, QEMU dump-guest-memory).
 *
 * What it adds to the case:
 *  - facts from VMCOREINFO: linux.release (OSRELEASE), vmcore.build_id,
 *    vmcore.page_size, vmcore.kaslr_offset, vmcore.crash_time (UTC),
 *    vmcore.cpus, vmcore.format, vmcore.log_records, vmcore.kallsyms;
 *  - the kernel log, extracted from the printk ring (printk.c) and handed
 *    to the Linux kernel-log extractor and the event scan exactly as a
 *    vmcore-dmesg.txt would be, so that the panic, its backtrace, the
 *    signature and known-issue matching come from the same code path;
 *  - one backtrace per CPU holding the pc of its NT_PRSTATUS registers,
 *    named with the dump's kallsyms and marked unreliable (the registers of
 *    a CPU stopped by the crash are where it was stopped, not a stack walk);
 *  - names from kallsyms for the log's frames that were printed as bare
 *    addresses, and a note for frames whose printed name kallsyms
 *    contradicts;
 *  - the completeness record: cut-off segments, pages the dump lacks,
 *    missing VMCOREINFO keys, ring records that could not be read.
 */
#include <stdio.h>
#include <time.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/case-internal.h"
#include "analyzer/extract/extract.h"
#include "analyzer/frames.h"
#include "symbolizers/kallsyms.h"

static struct ct_error *add_facts(struct ct_case *c,
				  const struct ct_vmcore *vc,
				  struct ct_origin o)
{
	const struct ct_vmcoreinfo *vi = &vc->info;
	const char *v;
	struct ct_error *err = ct_case_add_factf(c, "vmcore.format", o, "%s%s", vc->format,
				    !vc->buf ? ""
				    : vc->has_virtual ? " (virtual addresses)"
						      : " (physical only)");
	if (!err)
		err = ct_case_add_factf(c, "linux.arch", o, "x86_64");
	if (!err && (v = ct_vmcoreinfo_get(vi, "OSRELEASE")))
		err = ct_case_add_factf(c, "linux.release", o, "%s", v);
	if (!err && (v = ct_vmcoreinfo_get(vi, "BUILD-ID")))
		err = ct_case_add_factf(c, "vmcore.build_id", o, "%s", v);
	if (!err && (v = ct_vmcoreinfo_get(vi, "PAGESIZE")))
		err = ct_case_add_factf(c, "vmcore.page_size", o, "%s", v);
	if (!err && (v = ct_vmcoreinfo_get(vi, "KERNELOFFSET")))
		err = ct_case_add_factf(c, "vmcore.kaslr_offset", o, "0x%s", v);
	if (!err && (v = ct_vmcoreinfo_get(vi, "CRASHTIME"))) {
		char *end;
		long long t = strtoll(v, &end, 10);
		struct tm tm;
		time_t tt = (time_t)t;
		char iso[64];
		if (*end == '\0' && t > 0 && gmtime_r(&tt, &tm) &&
		    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm))
			err = ct_case_add_factf(c, "vmcore.crash_time", o, "%s", iso);
	}
	if (!err)
		err = ct_case_add_factf(c, "vmcore.cpus", o, "%zu", vc->cpu_count);
	static const char *const wanted[] = { "OSRELEASE", "PAGESIZE",
					      "BUILD-ID" };
	for (size_t i = 0; !err && vc->has_vmcoreinfo &&
	     i < CT_ARRAY_SIZE(wanted); i++)
		if (!ct_vmcoreinfo_get(vi, wanted[i]))
			err = ct_case_add_note(c, "'%s': VMCOREINFO has no %s",
					       o.path, wanted[i]);
	return err;
}

/* The kernel log, through the Linux kernel-log extractor. */
static struct ct_error *add_log(struct ct_case *c, struct ct_vmcore *vc,
				struct ct_origin o, bool *ret_have)
{
	struct ct_strbuf log = CT_STRBUF_INIT;
	struct ct_dmesg_stats st;
	struct ct_error *err = ct_vmcore_dmesg(vc, &log, &st);
	*ret_have = false;
	if (err == &ct_enomem) {
		ct_strbuf_deinit(&log);
		return err;
	}
	if (err) {
		char *msg = ct_error_format(err);
		ct_error_destroy(err);
		err = msg ? ct_case_add_note(c, "no kernel log: %s", msg)
			  : &ct_enomem;
		free(msg);
		ct_strbuf_deinit(&log);
		return err;
	}
	err = ct_case_add_factf(c, "vmcore.log_records", o, "%zu", st.records);
	if (!err && st.skipped)
		err = ct_case_add_note(c, "'%s': %zu kernel log records not "
				       "read: their pages are not in the dump",
				       o.path, st.skipped);
	if (!err && st.bytes_missing)
		err = ct_case_add_note(c, "'%s': %llu bytes of the printk "
				       "ring are not in the dump", o.path,
				       (unsigned long long)st.bytes_missing);
	if (!err && log.len) {
		struct ct_text lt = { .path = o.path, .buf = log.buf,
				      .len = log.len };
		err = ct_extractor_linux.extract(c, &lt);
		if (!err)
			err = ct_events_scan(c, &lt, CT_FAMILY_LINUX);
		*ret_have = true;
	}
	ct_strbuf_deinit(&log);
	return err;
}

/* The bytes from sym to the next higher symbol (kallsyms is in address
 * order), or 0 for the last. */
static uint64_t sym_size(const struct ct_kallsyms *ks, size_t i)
{
	for (size_t k = i + 1; k < ks->count; k++)
		if (ks->syms[k].address > ks->syms[i].address)
			return ks->syms[k].address - ks->syms[i].address;
	return 0;
}


/*
 * The log's frames against the dump's kallsyms: a frame printed as a bare
 * address gets its name; a frame printed as "name+off" (core kernel, no
 * module) gets its address, and is checked: the name must be a text
 * symbol and off must lie inside it.  Disagreement is a note: the log or
 * the dump is not what it seems.
 */
static struct ct_error *name_frames(struct ct_case *c, struct ct_symtab *t,
				    struct ct_kallsyms *ks,
				    size_t first_bt, const char *path)
{
	size_t named = 0, checked = 0, contradicted = 0;
	struct ct_error *err = NULL;
	for (size_t b = first_bt; b < c->backtrace_count && !err; b++) {
		struct ct_backtrace *bt = &c->backtraces[b];
		size_t before = named;
		for (size_t i = 0; i < bt->frame_count; i++) {
			struct ct_frame *f = &bt->frames[i];
			if (f->module)
				continue;	/* modules are not in kallsyms'
						 * core table */
			if (f->function && f->has_offset && !f->has_address) {
				size_t k = ct_kallsyms_index(ks, f->function,
							     "tTwW");
				uint64_t size = k == SIZE_MAX ? 0
						: sym_size(ks, k);
				/* offset == size is a return address after
				 * a call that does not return: the kernel's
				 * %pB names the call's function */
				if (k == SIZE_MAX ||
				    (size && f->offset > size)) {
					contradicted++;
					continue;
				}
				f->address = ks->syms[k].address + f->offset;
				f->has_address = true;
				checked++;
				continue;
			}
			struct ct_symtab_hit hit;
			if (!f->has_address ||
			    !ct_symtab_lookup(t, f->address, &hit))
				continue;
			if (f->function) {
				if (strcmp(f->function, hit.name) != 0)
					contradicted++;
				else
					checked++;
				continue;
			}
			f->function = strdup(hit.name);
			f->normalized = f->function
				? ct_frame_normalize(f->function) : NULL;
			if (!f->function || !f->normalized) {
				err = &ct_enomem;
				break;
			}
			f->offset = hit.offset;
			f->has_offset = true;
			named++;
		}
		if (named > before)
			ct_backtrace_mark_generic(bt, CT_FAMILY_LINUX);
	}
	if (!err && named)
		err = ct_case_add_note(c, "'%s': %zu log frame%s named from "
				       "the dump's kallsyms", path, named,
				       named == 1 ? "" : "s");
	if (!err && checked)
		err = ct_case_add_factf(c, "vmcore.frames_checked",
			   (struct ct_origin){ .path = path, .line = 0 },
			   "%zu", checked);
	if (!err && contradicted)
		err = ct_case_add_note(c, "'%s': %zu log frame%s name a "
				       "function kallsyms does not hold at "
				       "that offset", path, contradicted,
				       contradicted == 1 ? "" : "s");
	return err;
}

/* Kernel text bounds from kallsyms, for the stack scan. */
struct text_range {
	uint64_t start, end;	/* _stext .. _etext, end 0 when unknown */
};

/*
 * A CPU's short backtrace: the pc of its registers, then the words of its
 * stack (from sp, within the sp's 16 KiB stack, at most STACK_WORDS) that
 * are kernel text addresses right after a call instruction.  Every frame
 * is unreliable: a stack scan finds stale return addresses too, as the
 * kernel's own "? " frames do.
 */
enum { STACK_WORDS = 512, STACK_FRAMES = 16, THREAD_SIZE = 16384 };

static struct ct_error *cpu_frames(struct ct_backtrace *bt, struct ct_kmem *km,
				   struct ct_symtab *t,
				   const struct text_range *text,
				   const struct ct_vmcore_cpu *cpu)
{
	struct ct_frame f = {
		.address = cpu->pc, .has_address = true, .reliable = false,
		.number = 0,
	};
	struct ct_symtab_hit hit;
	if (t && ct_symtab_lookup(t, cpu->pc, &hit)) {
		f.function = (char *)hit.name;
		f.offset = hit.offset;
		f.has_offset = true;
	}
	struct ct_error *err = ct_backtrace_add_frame(bt, &f);
	if (err || !t || !text->end || (cpu->sp & 7))
		return err;
	uint64_t top = (cpu->sp | (THREAD_SIZE - 1)) + 1;
	size_t words = (size_t)((top - cpu->sp) / 8);
	if (top < cpu->sp || words > STACK_WORDS)
		words = STACK_WORDS;
	unsigned char *stack = malloc(STACK_WORDS * 8);
	if (!stack)
		return &ct_enomem;
	size_t got;
	(void)ct_kmem_read(km, cpu->sp, stack, words * 8, &got);
	words = got / 8;
	for (size_t w = 0; w < words && !err &&
	     bt->frame_count < STACK_FRAMES; w++) {
		uint64_t v = ct_le64(stack + w * 8);
		if (v < text->start || v >= text->end || !ct_kmem_is_after_call(km, v) ||
		    !ct_symtab_lookup(t, v, &hit))
			continue;
		struct ct_frame sf = {
			.address = v, .has_address = true, .reliable = false,
			.number = (int)bt->frame_count,
			.function = (char *)hit.name, .offset = hit.offset,
			.has_offset = true,
		};
		err = ct_backtrace_add_frame(bt, &sf);
	}
	free(stack);
	return err;
}

/* One short, unreliable backtrace per CPU: where its registers say it
 * was, and what its stack holds. */
static struct ct_error *add_cpus(struct ct_case *c, struct ct_vmcore *vc,
				 struct ct_symtab *t,
				 struct ct_kallsyms *ks, struct ct_origin o)
{
	struct text_range text = { 0, 0 };
	const struct ct_kallsyms_sym *s;
	if (ks && (s = ct_kallsyms_find(ks, "_stext")))
		text.start = s->address;
	if (ks && (s = ct_kallsyms_find(ks, "_etext")) &&
	    s->address > text.start)
		text.end = s->address;
	struct ct_error *err = NULL;
	for (size_t i = 0; i < vc->cpu_count && !err; i++) {
		const struct ct_vmcore_cpu *cpu = &vc->cpus[i];
		if (!cpu->has_regs)
			continue;
		char label[64];
		/* QEMU writes the vCPU number + 1 where kdump writes the
		 * pid of the task on the CPU */
		if (vc->qemu)
			snprintf(label, sizeof(label), "cpu%zu registers", i);
		else
			snprintf(label, sizeof(label),
				 "cpu%zu registers (pid %d)", i, cpu->pid);
		struct ct_backtrace *bt;
		err = ct_case_add_backtrace(c, label, o, &bt);
		if (!err)
			err = cpu_frames(bt, vc->kmem, t, &text, cpu);
		if (!err)
			ct_backtrace_mark_generic(bt, CT_FAMILY_LINUX);
	}
	return err;
}

enum { BLOCKED_STACKS_MAX = 32 };	/* D-state stacks added to a case */

/* Task i's ORC-unwound stack (or, with no tasks, cpu i's: cpu) as a
 * backtrace labelled label. */
static struct ct_error *add_task_stack(struct ct_case *c, struct ct_kernel *k,
				       size_t i, bool cpu, const char *label,
				       struct ct_origin o)
{
	struct ct_kstack s;
	struct ct_error *err = cpu ? ct_kernel_unwind_cpu(k, i, &s)
				   : ct_kernel_unwind(k, i, &s);
	if (err) {
		if (err == &ct_enomem)
			return err;
		ct_error_destroy(err);
		return NULL;	/* said in the kernel's notes or below */
	}
	struct ct_backtrace *bt;
	err = ct_case_add_backtrace(c, label, o, &bt);
	for (size_t f = 0; f < s.count && !err; f++) {
		struct ct_frame fr = {
			.address = s.frames[f].pc, .has_address = true,
			.reliable = s.frames[f].reliable, .number = (int)f,
			.function = (char *)s.frames[f].function,
			.offset = s.frames[f].offset,
			.has_offset = s.frames[f].function != NULL,
			.module = (char *)s.frames[f].module,
		};
		err = ct_backtrace_add_frame(bt, &fr);
	}
	if (!err)
		ct_backtrace_mark_generic(bt, CT_FAMILY_LINUX);
	if (!err && !s.complete)
		err = ct_case_add_note(c, "'%s': %s: %s", o.path, label,
				       s.end ? s.end : "unwinding stopped");
	ct_kstack_deinit(&s);
	return err;
}

/*
 * The tasks' stacks unwound with the kernel's ORC, types from its BTF:
 * the panicking task's, and for a hung task, lockup or RCU stall the
 * blocked (D) tasks' too, and for a lockup or RCU stall every CPU's
 * current task (but the idle ones), each a backtrace after the log's, so that
 * signatures (which take the log's first) stay as they were and rules
 * see the rest.  What cannot be done is a note.
 */
static struct ct_error *add_task_stacks(struct ct_case *c,
					struct ct_vmcore *vc,
					struct ct_kallsyms *ks,
					struct ct_origin o)
{
	struct ct_kernel *k;
	struct ct_error *err = ct_kernel_open_ks(vc, ks, &k);
	if (err)
		return err == &ct_enomem ? err : (ct_error_destroy(err), NULL);
	const struct ct_ktask *tasks;
	size_t n = 0;
	struct ct_error *terr = ct_kernel_tasks(k, &tasks, &n);
	size_t btf_types = 0, orc_entries = 0;
	if (ct_kernel_has_btf(k, &btf_types))
		err = ct_case_add_factf(c, "vmcore.btf_types", o, "%zu",
					btf_types);
	if (!err && ct_kernel_has_orc(k, &orc_entries, NULL))
		err = ct_case_add_factf(c, "vmcore.orc_entries", o, "%zu",
					orc_entries);
	if (!err && !terr)
		err = ct_case_add_factf(c, "vmcore.tasks", o, "%zu", n);
	const struct ct_kmodule *mods;
	size_t nmods = 0;
	if (!err && k->btf)
		err = ct_kernel_modules(k, &mods, &nmods);
	if (!err && k->btf)
		err = ct_case_add_factf(c, "vmcore.modules", o, "%zu", nmods);
	for (size_t i = 0; i < nmods && !err; i++) {
		char key[96];
		if (mods[i].version[0]) {
			snprintf(key, sizeof(key), "driver.%s.version",
				 mods[i].name);
			err = ct_case_add_factf(c, key, o, "%s",
						mods[i].version);
		}
		if (!err && mods[i].srcversion[0]) {
			snprintf(key, sizeof(key), "driver.%s.srcversion",
				 mods[i].name);
			err = ct_case_add_factf(c, key, o, "%s",
						mods[i].srcversion);
		}
	}
	const char *kind = c->panic.kind;
	bool lockup = kind && strcmp(kind, "lockup") == 0;
	bool blocked = lockup || (kind && strcmp(kind, "hung-task") == 0);
	size_t added = 0, dropped = 0;
	for (size_t i = 0; i < n && !err && !terr; i++) {
		const struct ct_ktask *t = &tasks[i];
		char label[96];
		if (t->panicking) {
			snprintf(label, sizeof(label), "pid %d (%s) panicking, "
				 "ORC", t->pid, t->comm);
		} else if (lockup && t->on_cpu && t->pid != 0) {
			/* a stuck CPU's task: what it spins in is the
			 * lockup, whichever CPU reported it */
			snprintf(label, sizeof(label), "pid %d (%s) on cpu%d, "
				 "ORC", t->pid, t->comm, t->current_cpu);
		} else if (blocked && t->state == 'D') {
			if (added++ >= BLOCKED_STACKS_MAX) {
				dropped++;
				continue;
			}
			snprintf(label, sizeof(label), "pid %d (%s) blocked, "
				 "ORC", t->pid, t->comm);
		} else {
			continue;
		}
		err = add_task_stack(c, k, i, false, label, o);
	}
	/* no tasks (no BTF): ORC still unwinds the CPUs' registers */
	for (size_t i = 0; terr && !err && i < ct_kernel_cpu_count(k); i++) {
		char label[64];
		snprintf(label, sizeof(label), "cpu%zu registers, ORC", i);
		err = add_task_stack(c, k, i, true, label, o);
	}
	if (!err && dropped)
		err = ct_case_add_note(c, "'%s': %zu more blocked tasks' stacks "
				       "not added", vc->path, dropped);
	for (size_t i = 0; i < ct_kernel_note_count(k) && !err; i++)
		err = ct_case_add_note(c, "'%s': %s", vc->path,
				       ct_kernel_note(k, i));
	if (terr) {
		ct_error_destroy(terr);
	}
	ct_kernel_destroy(k);
	return err;
}

static struct ct_error *add_losses(struct ct_case *c,
				   const struct ct_vmcore *vc)
{
	struct ct_error *err = NULL;
	for (size_t i = 0; i < vc->loss_count && !err; i++)
		err = ct_case_add_note(c, "'%s': %s", vc->path,
				       vc->losses[i]);
	if (!err && vc->losses_dropped)
		err = ct_case_add_note(c, "'%s': %zu more completeness "
				       "remarks", vc->path,
				       vc->losses_dropped);
	if (!err && vc->cpus_dropped)
		err = ct_case_add_note(c, "'%s': %zu CPU notes over the cap "
				       "of %d", vc->path, vc->cpus_dropped,
				       CT_VMCORE_MAX_CPUS);
	if (!err && vc->kmem && vc->kmem->walk_not_dumped)
		err = ct_case_add_note(c, "'%s': %llu page-table walks stopped "
				       "at a table page the dump lacks",
				       vc->path, (unsigned long long)
				       vc->kmem->walk_not_dumped);
	return err;
}

/* Everything after opening: shared by every dump format. */
struct ct_error *ct_vmcore_extract(struct ct_case *c,
				  struct ct_vmcore *vc)
{
	struct ct_origin o = { .path = vc->path, .line = 0 };
	struct ct_error *err = add_facts(c, vc, o);
	size_t first_bt = c->backtrace_count;
	bool have_log = false;
	if (!err)
		err = add_log(c, vc, o, &have_log);
	struct ct_symtab *t = NULL;
	struct ct_kallsyms *ks = NULL;
	if (!err && vc->has_vmcoreinfo) {
		struct ct_error *kerr = ct_kallsyms_read(vc->kmem, &vc->info,
							 &ks);
		if (kerr == &ct_enomem) {
			err = kerr;
		} else if (kerr) {
			char *msg = ct_error_format(kerr);
			ct_error_destroy(kerr);
			err = msg ? ct_case_add_note(c, "'%s': %s", vc->path,
						     msg) : &ct_enomem;
			free(msg);
		} else {
			err = ct_case_add_factf(c, "vmcore.kallsyms", o, "%zu", ks->count);
			if (!err && ks->loss)
				err = ct_case_add_note(c, "'%s': %s", vc->path,
						       ks->loss);
			if (!err)
				err = ct_symtab_create(&t);
			if (!err)
				err = ct_kallsyms_to_symtab(ks, t);
		}
	}
	if (!err && t)
		err = name_frames(c, t, ks, first_bt, vc->path);
	if (!err)
		err = add_cpus(c, vc, t, ks, o);
	if (!err && ks)
		err = add_task_stacks(c, vc, ks, o);
	if (!err && !have_log && !c->panic.kind) {
		struct ct_panic p = { .kind = "vmcore",
				      .message = "kernel crash dump without a "
						 "readable log",
				      .origin = o };
		err = ct_case_set_panic(c, &p);
	}
	if (!err)
		err = add_losses(c, vc);
	ct_symtab_destroy(t);
	ct_kallsyms_destroy(ks);
	return err;
}

static bool vmcore_sniff(const char *buf, size_t len)
{
	return ct_vmcore_sniff_any(buf, len);
}

static struct ct_error *vmcore_extract(struct ct_case *c,
				       const struct ct_text *t)
{
	struct ct_vmcore *vc;
	struct ct_error *err = ct_vmcore_open_any(t->path, t->buf, t->len,
						  &vc);
	if (err)
		return err;
	err = ct_vmcore_extract(c, vc);
	ct_vmcore_destroy(vc);
	return err;
}

const struct ct_extractor ct_extractor_vmcore = {
	.kind = CT_KIND_LINUX_VMCORE,
	.sniff = vmcore_sniff,
	.extract = vmcore_extract,
};
