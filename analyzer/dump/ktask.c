/* SPDX-License-Identifier: MIT */
/*
 * ktask.c - a kernel dump's tasks and their stacks (analyzer/vmcore.h):
 * kallsyms for names and addresses, BTF for the layout of task_struct
 * (kbtf.c), the ORC tables for unwinding (orc.c).
 *
 * The task list is walked from init_task.tasks, forward, bounded by
 * CT_KTASK_MAX and checked for loops (every task_struct address is kept
 * in a hash set, with its index in the task array) and for back links
 * that do not point at the task before; each process's threads come from
 * its thread_group list, walked the same way.  The tasks running at the
 * dump are found through each CPU's current_task (per-CPU,
 * __per_cpu_offset[]), the panicking CPU through panic_cpu.
 *
 * What is read is kept in the struct ct_kernel for the next call; a read
 * that fails (out of memory) keeps nothing of itself, notes included, so
 * that a retry starts over.
 */
#include <stdarg.h>
#include <stdio.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/error.h"
#include "symbolizers/kallsyms.h"
#include "symbolizers/symtab-text.h"

enum {
	THREAD_SIZE = 16384,	/* x86_64 task stack (no KASAN) */
	PF_KTHREAD = 0x00200000,
	TASK_REPORT = 0x7f,
	TASK_UNINTERRUPTIBLE = 0x2,
	TASK_NOLOAD = 0x400,
	TASK_RTLOCK_WAIT = 0x1000,
	MAX_CPUS = CT_VMCORE_MAX_CPUS,
};

struct ct_error *ct_kernel_add_note(struct ct_kernel *k, const char *fmt, ...)
{
	if (k->note_count >= CT_KERNEL_MAX_NOTES)
		return NULL;
	if (!ct_grow((void **)&k->notes, &k->note_cap, k->note_count + 1,
		     sizeof(*k->notes)))
		return &ct_enomem;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&k->notes[k->note_count], fmt, ap);
	va_end(ap);
	if (n < 0)
		return &ct_enomem;
	k->note_count++;
	return NULL;
}

/* Drop notes [from, to): what a failed read said, to be said again when
 * it is retried. */
static void drop_notes(struct ct_kernel *k, size_t from, size_t to)
{
	if (from == to) /* k->notes may be NULL: no memmove */
		return;
	for (size_t i = from; i < to; i++)
		free(k->notes[i]);
	memmove(k->notes + from, k->notes + to,
		(k->note_count - to) * sizeof(*k->notes));
	k->note_count -= to - from;
}

size_t ct_kernel_note_count(const struct ct_kernel *k)
{
	return k->note_count;
}

const char *ct_kernel_note(const struct ct_kernel *k, size_t i)
{
	return i < k->note_count ? k->notes[i] : NULL;
}

bool ct_kernel_has_btf(const struct ct_kernel *k, size_t *ret_types)
{
	if (k->btf && ret_types)
		*ret_types = ct_kbtf_type_count(k->btf);
	return k->btf != NULL;
}

static struct ct_error *read_orc(struct ct_kernel *k);

/* What only unwinding needs, made on its first use: ORC read, kallsyms'
 * text symbols sorted for names (ps needs neither). */
static struct ct_error *prepare_unwind(struct ct_kernel *k)
{
	if (k->unwind_ready)
		return NULL;
	size_t orc_notes = k->note_count;
	struct ct_error *err = ct_symtab_create(&k->syms);
	if (!err)
		err = ct_kallsyms_to_symtab(k->ks, k->syms);
	if (!err) {
		ct_symtab_finish(k->syms);
		err = read_orc(k);
	}
	size_t orc_notes_end = k->note_count;
	const struct ct_kmodule *mods;
	size_t n;
	if (!err)
		err = ct_kernel_modules(k, &mods, &n);
	if (!err && k->mod_count) {
		k->mod_orc = calloc(k->mod_count, sizeof(*k->mod_orc));
		if (!k->mod_orc)
			err = &ct_enomem;
		for (size_t i = 0; !err && i < k->mod_count; i++)
			if (k->mods[i].orc.count)
				k->mod_orc[k->mod_orc_count++] =
					(struct ct_orc_text){
						.lo = k->mods[i].mod.text_lo,
						.hi = k->mods[i].mod.text_hi,
						.orc = &k->mods[i].orc };
	}
	if (err) {
		/* out of memory: nothing half made is kept; the modules
		 * (kmod.c) keep what they read, and their notes */
		ct_symtab_destroy(k->syms);
		k->syms = NULL;
		ct_orc_deinit(&k->orc);
		free(k->mod_orc);
		k->mod_orc = NULL;
		k->mod_orc_count = 0;
		drop_notes(k, orc_notes, orc_notes_end);
		return err;
	}
	k->unwind_ready = true;
	return NULL;
}

bool ct_kernel_has_orc(struct ct_kernel *k, size_t *ret_entries,
		       int *ret_version)
{
	struct ct_error *err = prepare_unwind(k);
	if (err) {
		ct_error_destroy(err);
		return false;
	}
	if (k->orc.count && ret_entries)
		*ret_entries = k->orc.count;
	if (k->orc.count && ret_version)
		*ret_version = k->orc.version;
	return k->orc.count != 0;
}

void ct_kernel_destroy(struct ct_kernel *k)
{
	if (!k)
		return;
	if (k->owns_ks)
		ct_kallsyms_destroy(k->ks);
	ct_symtab_destroy(k->syms);
	ct_kbtf_destroy(k->btf);
	ct_orc_deinit(&k->orc);
	for (size_t i = 0; i < k->mod_count; i++)
		ct_kmod_data_deinit(&k->mods[i]);
	free(k->mods);
	free(k->mod_view);
	free(k->mod_orc);
	free(k->tasks);
	for (size_t i = 0; i < k->note_count; i++)
		free(k->notes[i]);
	free(k->notes);
	free(k);
}

static bool sym_addr(struct ct_kernel *k, const char *name, uint64_t *ret)
{
	const struct ct_kallsyms_sym *s = ct_kallsyms_find(k->ks, name);
	if (!s)
		return false;
	*ret = s->address;
	return true;
}

/* ---- the layout from BTF --------------------------------------------------- */

static bool field(const struct ct_kbtf *b, const char *type,
		  const char *path, uint64_t *ret, const char **missing)
{
	struct ct_kbtf_field f;
	if (!ct_kbtf_member(b, type, path, &f)) {
		if (!*missing)
			*missing = path;
		return false;
	}
	*ret = f.offset;
	return true;
}

bool ct_ktask_layout_read(const struct ct_kbtf *b, struct ct_ktask_layout *l,
			  const char **ret_missing)
{
	const char *missing = NULL;
	struct ct_kbtf_field f;
	memset(l, 0, sizeof(*l));
	field(b, "task_struct", "tasks", &l->tasks, &missing);
	field(b, "task_struct", "pid", &l->pid, &missing);
	field(b, "task_struct", "tgid", &l->tgid, &missing);
	field(b, "task_struct", "comm", &l->comm, &missing);
	field(b, "task_struct", "exit_state", &l->exit_state, &missing);
	field(b, "task_struct", "flags", &l->flags, &missing);
	field(b, "task_struct", "stack", &l->stack, &missing);
	field(b, "task_struct", "thread.sp", &l->thread_sp, &missing);
	/* __state since 5.14, state before */
	if (ct_kbtf_member(b, "task_struct", "__state", &f) ||
	    ct_kbtf_member(b, "task_struct", "state", &f)) {
		l->state = f.offset;
		l->state_size = f.size;
	} else if (!missing) {
		missing = "__state";
	}
	/* thread_info.cpu since 5.16, task_struct.cpu before */
	if (ct_kbtf_member(b, "task_struct", "thread_info.cpu", &f) ||
	    ct_kbtf_member(b, "task_struct", "cpu", &f)) {
		l->cpu = f.offset;
		l->has_cpu = f.size == 4;
	}
	if (ct_kbtf_member(b, "task_struct", "thread_group", &f)) {
		l->thread_group = f.offset;
		l->has_thread_group = true;
	}
	/* the frame __switch_to_asm leaves at thread.sp; its x86_64 layout
	 * (r15, r14, r13, r12, bx, bp, ret_addr) when BTF lacks it */
	l->frame_bp = 40;
	l->frame_ret = 48;
	l->frame_size = 56;
	if (ct_kbtf_member(b, "inactive_task_frame", "bp", &f))
		l->frame_bp = f.offset;
	if (ct_kbtf_member(b, "inactive_task_frame", "ret_addr", &f))
		l->frame_ret = f.offset;
	uint64_t size;
	if (ct_kbtf_struct_size(b, "inactive_task_frame", &size))
		l->frame_size = size;
	*ret_missing = missing;
	return !missing;
}

static struct ct_error *read_layout(struct ct_kernel *k)
{
	const char *missing;
	if (!ct_ktask_layout_read(k->btf, &k->lay, &missing))
		return ct_kernel_add_note(k, "BTF has no task_struct member "
					  "'%s': no tasks", missing);
	if (k->lay.state_size != 4 && k->lay.state_size != 8)
		return ct_kernel_add_note(k, "task_struct's state is %llu "
					  "bytes: no tasks",
					  (unsigned long long)k->lay.state_size);
	k->has_layout = true;
	return NULL;
}

/* ---- ORC ----------------------------------------------------------------- */

/* The ORC format version: a header (6.4 on) means 3; else OSRELEASE. */
int ct_kernel_orc_version(const struct ct_kernel *k)
{
	if (ct_kallsyms_find(k->ks, "__start_orc_header"))
		return 3;
	const char *rel = ct_vmcoreinfo_get(&k->vc->info, "OSRELEASE");
	unsigned major = 0, minor = 0;
	if (!rel || sscanf(rel, "%u.%u", &major, &minor) != 2)
		return 1;
	if (major > 6 || (major == 6 && minor >= 4))
		return 3;
	return major == 6 && minor == 3 ? 2 : 1;
}

static struct ct_error *read_orc(struct ct_kernel *k)
{
	uint64_t ip_lo, ip_hi, e_lo, e_hi;
	if (!sym_addr(k, "__start_orc_unwind_ip", &ip_lo) ||
	    !sym_addr(k, "__stop_orc_unwind_ip", &ip_hi) ||
	    !sym_addr(k, "__start_orc_unwind", &e_lo) ||
	    !sym_addr(k, "__stop_orc_unwind", &e_hi))
		return ct_kernel_add_note(k, "no ORC in this kernel (kallsyms "
					  "has no __start_orc_unwind_ip): "
					  "stacks are scanned only");
	if (ip_hi <= ip_lo || e_hi <= e_lo || (ip_hi - ip_lo) % 4 ||
	    (e_hi - e_lo) % CT_ORC_ENTRY_SIZE ||
	    (ip_hi - ip_lo) / 4 != (e_hi - e_lo) / CT_ORC_ENTRY_SIZE ||
	    (ip_hi - ip_lo) / 4 > CT_ORC_MAX_ENTRIES)
		return ct_kernel_add_note(k, "the ORC tables' bounds disagree "
					  "(ip 0x%llx..0x%llx, entries "
					  "0x%llx..0x%llx, %u-byte entries "
					  "assumed): no ORC",
					  (unsigned long long)ip_lo,
					  (unsigned long long)ip_hi,
					  (unsigned long long)e_lo,
					  (unsigned long long)e_hi,
					  CT_ORC_ENTRY_SIZE);
	size_t count = (size_t)((ip_hi - ip_lo) / 4);
	unsigned char *ips = malloc(count * 4);
	unsigned char *ents = malloc(count * CT_ORC_ENTRY_SIZE);
	struct ct_error *err = NULL;
	if (!ips || !ents) {
		err = &ct_enomem;
		goto out;
	}
	size_t got1, got2;
	enum ct_core_mem st1 = ct_kmem_read(k->km, ip_lo, ips, count * 4,
					    &got1);
	enum ct_core_mem st2 = ct_kmem_read(k->km, e_lo, ents,
					    count * CT_ORC_ENTRY_SIZE, &got2);
	if (st1 != CT_CORE_MEM_OK || st2 != CT_CORE_MEM_OK) {
		err = ct_kernel_add_note(k, "the ORC tables cannot be read "
					 "whole (%s): no ORC",
					 ct_kmem_status_name(
						 st1 != CT_CORE_MEM_OK ? st1
								       : st2));
		goto out;
	}
	struct ct_error *oerr = ct_orc_init(&k->orc, ips, ip_lo, ents, count,
					    ct_kernel_orc_version(k));
	if (oerr == &ct_enomem) {
		err = oerr;
	} else if (oerr) {
		err = ct_kernel_add_note(k, "ORC: %s: no ORC",
					 oerr->message);
		ct_error_destroy(oerr);
	}
out:
	free(ips);
	free(ents);
	return err;
}

struct ct_error *ct_kernel_open(struct ct_vmcore *vc, struct ct_kernel **ret)
{
	struct ct_kallsyms *ks;
	struct ct_error *err = ct_vmcore_kallsyms(vc, &ks);
	if (err)
		return err;
	err = ct_kernel_open_ks(vc, ks, ret);
	if (err)
		ct_kallsyms_destroy(ks);
	else
		(*ret)->owns_ks = true;
	return err;
}

struct ct_error *ct_kernel_open_ks(struct ct_vmcore *vc, struct ct_kallsyms *ks,
				   struct ct_kernel **ret)
{
	struct ct_kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return &ct_enomem;
	k->vc = vc;
	k->km = vc->kmem;
	k->ks = ks;
	k->panic_cpu = -1;
	k->panic_task = SIZE_MAX;
	struct ct_error *err = NULL;
	if (!sym_addr(k, "_stext", &k->text_lo) ||
	    !sym_addr(k, "_etext", &k->text_hi))
		k->text_lo = k->text_hi = 0;
	if (!sym_addr(k, "_sinittext", &k->init_lo) ||
	    !sym_addr(k, "_einittext", &k->init_hi))
		k->init_lo = k->init_hi = 0;
	struct ct_error *berr = ct_kbtf_read(k->km, k->ks, &k->btf);
	if (berr == &ct_enomem) {
		err = berr;
		goto fail;
	}
	if (berr) {
		err = ct_kernel_add_note(k, "%s", berr->message);
		ct_error_destroy(berr);
	} else {
		err = read_layout(k);
	}
	if (err)
		goto fail;
	uint32_t pc;
	uint64_t a;
	if (sym_addr(k, "panic_cpu", &a) && ct_kmem_read_u32(k->km, a, &pc) &&
	    (int32_t)pc >= 0 && (int32_t)pc < MAX_CPUS)
		k->panic_cpu = (int)(int32_t)pc;
	*ret = k;
	return NULL;
fail:
	ct_kernel_destroy(k);
	return err;
}

/* ---- tasks ----------------------------------------------------------------- */

/* The slot of addr in a table of cap (a power of two) slots: the
 * address mixed (splitmix64's finaliser) so that addresses that differ
 * only in high bits, as a crafted dump may place them, spread out. */
static size_t seen_slot(uint64_t addr, size_t cap)
{
	addr ^= addr >> 30;
	addr *= 0xbf58476d1ce4e5b9ull;
	addr ^= addr >> 27;
	addr *= 0x94d049bb133111ebull;
	addr ^= addr >> 31;
	return (size_t)addr & (cap - 1);
}

/* The task_struct addresses met, for loop checks and to find a task's
 * index by its address. */
struct seen {
	uint64_t *slots; /* addresses; 0 = empty */
	size_t *index;	 /* slots[i]'s in k->tasks; SIZE_MAX: unread */
	size_t cap, count;
};

/* Add addr (index SIZE_MAX) unless it is there; *ret_dup says whether it
 * was, *ret_index is its index's slot, to be set once the task is added
 * (valid until the next seen_add()). */
static struct ct_error *seen_add(struct seen *s, uint64_t addr, bool *ret_dup,
				 size_t **ret_index)
{
	if (2 * (s->count + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		uint64_t *n = calloc(cap, sizeof(*n));
		size_t *ni = malloc(cap * sizeof(*ni));
		if (!n || !ni) {
			free(n);
			free(ni);
			return &ct_enomem;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slots[i])
				continue;
			size_t j = seen_slot(s->slots[i], cap);
			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = s->slots[i];
			ni[j] = s->index[i];
		}
		free(s->slots);
		free(s->index);
		s->slots = n;
		s->index = ni;
		s->cap = cap;
	}
	size_t j = seen_slot(addr, s->cap);
	while (s->slots[j]) {
		if (s->slots[j] == addr) {
			*ret_dup = true;
			*ret_index = &s->index[j];
			return NULL;
		}
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j] = addr;
	s->index[j] = SIZE_MAX;
	s->count++;
	*ret_dup = false;
	*ret_index = &s->index[j];
	return NULL;
}

static void seen_deinit(struct seen *s)
{
	free(s->slots);
	free(s->index);
}

static char state_letter(uint64_t state, uint32_t exit_state)
{
	if ((state & (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)) ==
	    (TASK_UNINTERRUPTIBLE | TASK_NOLOAD))
		return 'I';
	if (state & TASK_RTLOCK_WAIT)
		return 'D';
	uint64_t s = (state | exit_state) & TASK_REPORT;
	static const char letters[] = "RSDTtXZP";
	int i = 0;
	while (s) {
		i++;
		s >>= 1;
	}
	return letters[i];
}

/* Read the task at addr into *t. */
static bool read_task(struct ct_kernel *k, uint64_t addr, struct ct_ktask *t)
{
	const struct ct_ktask_layout *l = &k->lay;
	uint32_t pid, tgid, flags, exit_state, cpu = 0;
	uint64_t state;
	char comm[16];
	size_t got;
	memset(t, 0, sizeof(*t));
	t->address = addr;
	t->cpu = t->current_cpu = -1;
	if (!ct_kmem_read_u32(k->km, addr + l->pid, &pid) ||
	    !ct_kmem_read_u32(k->km, addr + l->tgid, &tgid) ||
	    ct_kmem_read(k->km, addr + l->comm, comm, sizeof(comm), &got) !=
		    CT_CORE_MEM_OK)
		return false;
	t->pid = (int)pid;
	t->tgid = (int)tgid;
	size_t n = 0;
	for (; n < sizeof(comm) && comm[n]; n++)
		t->comm[n] = (comm[n] >= 0x20 && comm[n] < 0x7f) ? comm[n]
								 : '?';
	t->comm[n] = '\0';
	bool ok = l->state_size == 8
			  ? ct_kmem_read_u64(k->km, addr + l->state, &state)
			  : ct_kmem_read_u32(k->km, addr + l->state, &pid) &&
				    ((state = pid), true);
	if (ok && ct_kmem_read_u32(k->km, addr + l->exit_state, &exit_state))
		t->state = state_letter(state, exit_state);
	else
		t->state = '?';
	if (ct_kmem_read_u32(k->km, addr + l->flags, &flags))
		t->kthread = (flags & PF_KTHREAD) != 0;
	if (l->has_cpu && ct_kmem_read_u32(k->km, addr + l->cpu, &cpu) &&
	    cpu < MAX_CPUS)
		t->cpu = (int)cpu;
	return true;
}

static struct ct_error *add_task(struct ct_kernel *k, const struct ct_ktask *t)
{
	if (!ct_grow((void **)&k->tasks, &k->task_cap, k->task_count + 1,
		     sizeof(*k->tasks)))
		return &ct_enomem;
	k->tasks[k->task_count++] = *t;
	return NULL;
}

/* Walk the circular list whose head is at head (a list_head inside the
 * task at owner, or init_task's), member offset off: every task after
 * the head is read and added.  what names the list in notes. */
static struct ct_error *walk_list(struct ct_kernel *k, struct seen *seen,
				  uint64_t head, uint64_t off,
				  const char *what, bool threads,
				  size_t *ret_added)
{
	struct ct_error *err = NULL;
	uint64_t prev = head, next;
	size_t n = 0;
	*ret_added = 0;
	const struct ct_ktask *last = NULL;
	for (;;) {
		if (!ct_kmem_read_u64(k->km, prev, &next)) {
			return ct_kernel_add_note(k, "%s broken after %zu "
						  "tasks: the next link at "
						  "0x%llx cannot be read",
						  what, n,
						  (unsigned long long)prev);
		}
		if (next == head)
			break;
		bool poison = (next >> 48) == 0xdead; /* LIST_POISON1/2 */
		if (poison || (next & 7) || next < off) {
			return ct_kernel_add_note(k, "%s broken after %zu "
						  "tasks (at 0x%llx%s%s): next "
						  "is 0x%llx%s", what, n,
						  (unsigned long long)prev,
						  last ? ", after " : "",
						  last ? last->comm : "",
						  (unsigned long long)next,
						  poison ? ", list poison (a "
							   "deleted entry)"
							 : "");
		}
		uint64_t back;
		if (ct_kmem_read_u64(k->km, next + 8, &back) && back != prev &&
		    !threads)
			err = ct_kernel_add_note(k, "%s: the back link of the "
						 "task at 0x%llx is 0x%llx, "
						 "not 0x%llx (task %zu)",
						 what,
						 (unsigned long long)(next - off),
						 (unsigned long long)back,
						 (unsigned long long)prev, n + 1);
		if (err)
			return err;
		uint64_t task = next - off;
		bool dup;
		size_t *index;
		err = seen_add(seen, task, &dup, &index);
		if (err)
			return err;
		if (dup) {
			if (threads)	/* the thread list holds its leader */
				break;
			return ct_kernel_add_note(k, "%s loops back to the "
						  "task at 0x%llx after %zu "
						  "tasks", what,
						  (unsigned long long)task, n);
		}
		if (k->task_count >= CT_KTASK_MAX)
			return ct_kernel_add_note(k, "over %u tasks: the rest "
						  "not read", CT_KTASK_MAX);
		struct ct_ktask t;
		if (!read_task(k, task, &t))
			return ct_kernel_add_note(k, "%s broken after %zu "
						  "tasks: the task at 0x%llx "
						  "cannot be read", what, n,
						  (unsigned long long)task);
		err = add_task(k, &t);
		if (err)
			return err;
		*index = k->task_count - 1;
		last = &k->tasks[k->task_count - 1];
		n++;
		prev = next;
	}
	*ret_added = n;
	return NULL;
}

/* The index of the task at addr in k->tasks (looked up in seen), read
 * and added when the lists did not hold it (an idle task); SIZE_MAX when
 * it cannot be read (said in a note the first time). */
static struct ct_error *task_index(struct ct_kernel *k, struct seen *seen,
				   uint64_t addr, const char *what,
				   size_t *ret)
{
	*ret = SIZE_MAX;
	bool dup;
	size_t *index;
	struct ct_error *err = seen_add(seen, addr, &dup, &index);
	if (err)
		return err;
	if (dup) {
		*ret = *index;
		return NULL;
	}
	struct ct_ktask t;
	if (!read_task(k, addr, &t))
		return ct_kernel_add_note(k, "%s at 0x%llx cannot be read",
					  what, (unsigned long long)addr);
	err = add_task(k, &t);
	if (!err)
		*ret = *index = k->task_count - 1;
	return err;
}

/* The CPUs' current tasks: on_cpu, current_cpu, panicking; the ones the
 * list did not hold (other CPUs' idle tasks), and every CPU's idle task
 * (idle_threads), are added. */
static struct ct_error *mark_current(struct ct_kernel *k, struct seen *seen)
{
	uint64_t per_cpu, cur_off, nr_va;
	uint32_t nr = 1;
	const struct ct_kallsyms_sym *s = ct_kallsyms_find(k->ks,
							   "current_task");
	struct ct_kbtf_field f;
	if (s) {
		cur_off = s->address;
	} else if (sym_addr(k, "pcpu_hot", &cur_off) &&
		   ct_kbtf_member(k->btf, "pcpu_hot", "current_task", &f)) {
		cur_off += f.offset;
	} else {
		return ct_kernel_add_note(k, "no current_task in kallsyms: "
					  "the running tasks are unknown");
	}
	if (!sym_addr(k, "__per_cpu_offset", &per_cpu))
		return ct_kernel_add_note(k, "no __per_cpu_offset in "
					  "kallsyms: the running tasks are "
					  "unknown");
	if (sym_addr(k, "nr_cpu_ids", &nr_va))
		(void)ct_kmem_read_u32(k->km, nr_va, &nr);
	if (nr == 0 || nr > MAX_CPUS)
		nr = 1;
	uint64_t idle_off = 0;
	bool has_idle = sym_addr(k, "idle_threads", &idle_off);
	struct ct_error *err = NULL;
	/* each CPU's __per_cpu_offset[] read once, for both */
	for (uint32_t cpu = 0; cpu < nr && !err; cpu++) {
		uint64_t off, cur, idle;
		bool has_off = ct_kmem_read_u64(
			k->km, per_cpu + 8 * (uint64_t)cpu, &off);
		size_t i;
		if (!has_off || !ct_kmem_read_u64(k->km, off + cur_off, &cur) ||
		    !cur) {
			err = ct_kernel_add_note(k, "cpu%u's current task "
						 "cannot be read (its per-CPU "
						 "area is not in the dump)%s",
						 cpu, (int)cpu == k->panic_cpu
						 ? ": the panicking task is "
						   "unknown" : "");
		} else {
			err = task_index(k, seen, cur, "a CPU's current task",
					 &i);
			if (!err && i != SIZE_MAX) {
				k->tasks[i].on_cpu = true;
				k->tasks[i].current_cpu = (int)cpu;
				if ((int)cpu == k->panic_cpu) {
					k->tasks[i].panicking = true;
					k->panic_task = i;
				}
			}
		}
		if (!err && has_idle && has_off &&
		    ct_kmem_read_u64(k->km, off + idle_off, &idle) && idle)
			err = task_index(k, seen, idle, "an idle task", &i);
	}
	return err;
}

struct ct_error *ct_kernel_tasks(struct ct_kernel *k,
				 const struct ct_ktask **ret,
				 size_t *ret_count)
{
	if (!k->has_layout)
		return ct_error_create(CT_ERROR_NOT_FOUND, "no tasks: %s",
				       k->note_count ? k->notes[0]
						     : "no BTF types");
	if (!k->tasks_read) {
		uint64_t init;
		struct ct_ktask t;
		if (!sym_addr(k, "init_task", &init) ||
		    !read_task(k, init, &t))
			return ct_error_create(CT_ERROR_NOT_FOUND, "no tasks: "
					       "init_task cannot be read");
		size_t notes = k->note_count;
		struct seen seen = { 0 };
		bool dup;
		size_t *index;
		struct ct_error *err = seen_add(&seen, init, &dup, &index);
		if (!err)
			err = add_task(k, &t);
		if (!err)
			*index = 0;
		size_t added;
		if (!err)
			err = walk_list(k, &seen, init + k->lay.tasks,
					k->lay.tasks, "the task list", false,
					&added);
		/* each process's other threads, after the processes */
		size_t leaders = k->task_count;
		for (size_t i = 1; i < leaders && !err &&
		     k->lay.has_thread_group; i++) {
			char what[64];
			snprintf(what, sizeof(what), "pid %d's thread list",
				 k->tasks[i].pid);
			err = walk_list(k, &seen, k->tasks[i].address +
					k->lay.thread_group,
					k->lay.thread_group, what, true,
					&added);
		}
		if (!err)
			err = mark_current(k, &seen);
		seen_deinit(&seen);
		if (err) {
			/* out of memory: a retry reads them all again */
			free(k->tasks);
			k->tasks = NULL;
			k->task_count = k->task_cap = 0;
			k->panic_task = SIZE_MAX;
			drop_notes(k, notes, k->note_count);
			return err;
		}
		k->tasks_read = true;
	}
	*ret = k->tasks;
	*ret_count = k->task_count;
	return NULL;
}

/* ---- stacks ---------------------------------------------------------------- */

void ct_kstack_deinit(struct ct_kstack *s)
{
	free(s->frames);
	free(s->end);
	memset(s, 0, sizeof(*s));
}

/* The registers of cpu from the dump's notes: QEMU writes one note per
 * vCPU in order; kdump one per online CPU with the running task's pid. */
static const struct ct_vmcore_cpu *cpu_regs(struct ct_kernel *k, int cpu,
					    const struct ct_ktask *t)
{
	const struct ct_vmcore *vc = k->vc;
	if (!vc->qemu && t->pid) {
		for (size_t i = 0; i < vc->cpu_count; i++)
			if (vc->cpus[i].pid == t->pid && vc->cpus[i].has_regs)
				return &vc->cpus[i];
	}
	if (cpu >= 0 && (size_t)cpu < vc->cpu_count &&
	    vc->cpus[cpu].has_regs)
		return &vc->cpus[cpu];
	return NULL;
}

/* The walk's tables: the kernel's ORC and its modules'. */
static struct ct_error *walk_input(struct ct_kernel *k,
				   struct ct_orc_walk_input *in)
{
	struct ct_error *err = prepare_unwind(k);
	if (err)
		return err;
	if (!k->orc.count)
		return ct_error_create(CT_ERROR_NOT_FOUND, "no ORC: stacks "
				       "cannot be unwound");
	*in = (struct ct_orc_walk_input){
		.orc = &k->orc, .km = k->km,
		.text_lo = k->text_lo, .text_hi = k->text_hi,
		.init_lo = k->init_lo, .init_hi = k->init_hi,
		.modules = k->mod_orc, .module_count = k->mod_orc_count,
	};
	return NULL;
}

/* Start in from a CPU's registers (cpu: its number, for ret). */
static void start_from_regs(struct ct_orc_walk_input *in,
			    const struct ct_vmcore_cpu *regs, int cpu,
			    struct ct_kstack *ret)
{
	in->ip = regs->pc;
	in->sp = regs->sp;
	in->bp = regs->fp;
	in->signal = true;
	ret->start = "registers";
	ret->regs_cpu = cpu;
	/* the CPU may be on another stack (interrupt, exception) */
	if (in->sp < in->stack_lo || in->sp >= in->stack_hi) {
		in->stack_lo = in->sp & ~(uint64_t)(THREAD_SIZE - 1);
		in->stack_hi = in->stack_lo + THREAD_SIZE;
	}
}

/* Walk from in and name the frames into ret (start, regs_cpu set). */
static struct ct_error *walk_named(struct ct_kernel *k,
				   const struct ct_orc_walk_input *in,
				   struct ct_kstack *ret)
{
	struct ct_orc_trace tr;
	struct ct_error *err = ct_orc_walk(in, &tr);
	if (err)
		return err;
	ret->frames = calloc(tr.count ? tr.count : 1, sizeof(*ret->frames));
	if (!ret->frames) {
		ct_orc_trace_deinit(&tr);
		return &ct_enomem;
	}
	for (size_t f = 0; f < tr.count; f++) {
		struct ct_kframe *kf = &ret->frames[f];
		kf->pc = tr.frames[f].pc;
		kf->reliable = tr.frames[f].reliable;
		kf->regs = tr.frames[f].regs;
		struct ct_symtab_hit hit;
		const struct ct_kmod_data *md = ct_kernel_module_at(k, kf->pc);
		if (md) {
			kf->module = md->mod.name;
			kf->function = ct_kmod_symbol(md, kf->pc, &kf->offset);
		} else if (((kf->pc >= k->text_lo && kf->pc < k->text_hi) ||
		     (kf->pc >= k->init_lo && kf->pc < k->init_hi)) &&
		    ct_symtab_lookup(k->syms, kf->pc, &hit)) {
			kf->function = hit.name;
			kf->offset = hit.offset;
		}
	}
	ret->count = tr.count;
	ret->end = tr.end;
	tr.end = NULL;
	ret->complete = tr.complete;
	ret->scanned = tr.scanned;
	ct_orc_trace_deinit(&tr);
	return NULL;
}

struct ct_error *ct_kernel_unwind(struct ct_kernel *k, size_t i,
				  struct ct_kstack *ret)
{
	if (!k->tasks_read || i >= k->task_count)
		return ct_error_create(CT_ERROR_INVALID_ARGUMENT, "no task %zu",
				       i);
	struct ct_orc_walk_input in;
	struct ct_error *err = walk_input(k, &in);
	if (err)
		return err;
	const struct ct_ktask *t = &k->tasks[i];
	uint64_t stack;
	if (ct_kmem_read_u64(k->km, t->address + k->lay.stack, &stack) &&
	    stack && !(stack & 7)) {
		in.stack_lo = stack;
		in.stack_hi = stack + THREAD_SIZE;
	}
	memset(ret, 0, sizeof(*ret));
	ret->regs_cpu = -1;
	const struct ct_vmcore_cpu *regs =
		t->on_cpu ? cpu_regs(k, t->current_cpu, t) : NULL;
	if (regs) {
		start_from_regs(&in, regs, t->current_cpu, ret);
	} else {
		uint64_t sp, rf;
		if (!ct_kmem_read_u64(k->km, t->address + k->lay.thread_sp,
				      &sp) ||
		    !ct_kmem_read_u64(k->km, sp + k->lay.frame_bp, &in.bp) ||
		    !ct_kmem_read_u64(k->km, sp + k->lay.frame_ret, &rf))
			return ct_error_create(CT_ERROR_NOT_FOUND, "the saved "
					       "stack pointer of pid %d cannot "
					       "be read", t->pid);
		in.ip = rf;
		in.sp = sp + k->lay.frame_size;
		uint64_t rff;
		in.signal = sym_addr(k, "ret_from_fork", &rff) && rf == rff;
		ret->start = t->on_cpu ? "saved stack pointer (running: no "
					 "registers for its CPU, stale)"
				       : "saved stack pointer";
	}
	err = walk_named(k, &in, ret);
	/* a running task's saved state is from before it last ran: what
	 * it unwinds to is history, not its stack */
	for (size_t f = 0; !err && !regs && t->on_cpu && f < ret->count; f++)
		ret->frames[f].reliable = false;
	return err;
}

size_t ct_kernel_cpu_count(const struct ct_kernel *k)
{
	return k->vc->cpu_count;
}

struct ct_error *ct_kernel_unwind_cpu(struct ct_kernel *k, size_t cpu,
				      struct ct_kstack *ret)
{
	if (cpu >= k->vc->cpu_count || !k->vc->cpus[cpu].has_regs)
		return ct_error_create(CT_ERROR_NOT_FOUND, "no registers for "
				       "cpu%zu in the dump", cpu);
	struct ct_orc_walk_input in;
	struct ct_error *err = walk_input(k, &in);
	if (err)
		return err;
	memset(ret, 0, sizeof(*ret));
	start_from_regs(&in, &k->vc->cpus[cpu], (int)cpu, ret);
	return walk_named(k, &in, ret);
}
