/* SPDX-License-Identifier: MIT */
/*
 * orc.c - unwind kernel stacks with the kernel's own ORC tables read from
 * a dump (dump.h): no vmlinux, no DWARF.
 *
 * Format (arch/x86/include/asm/orc_types.h, arch/x86/kernel/unwind_orc.c):
 * __start_orc_unwind_ip holds one s32 per entry, each relative to its own
 * address, sorted by the address it gives; __start_orc_unwind holds one
 * 6-byte entry per ip: s16 sp_offset, s16 bp_offset, then a 16-bit word of
 * bit fields, sp_reg:4 and bp_reg:4 in the low byte, and in the high byte
 *   version 1 (before 6.3):  type:2 (call, regs, regs-partial), end:1
 *   version 2 (6.3):         type:2, signal:1, end:1
 *   version 3 (6.4 on, with __start_orc_header): type:3 (undefined,
 *                            end-of-stack, call, regs, regs-partial),
 *                            signal:1
 * An entry says where the caller's stack pointer is (a register plus an
 * offset, or loaded from there), whether the return address sits just
 * below it (call) or a struct pt_regs / iret frame does (regs), and where
 * the caller's frame pointer was saved.
 *
 * Every read of the stack is bounded and every step must move the stack
 * pointer up (except across pt_regs, where the stack may switch), and the
 * frames are capped, so a corrupt stack or table ends the walk, never the
 * process.  Where ORC cannot go on (an address it does not cover, such as
 * a module's code, whose own ORC is not read), the rest of the stack is
 * scanned for return addresses, as the kernel's own "? " lines are, and
 * the trace says so.
 */
#include <stdio.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/error.h"

enum {
	REG_UNDEFINED = 0, REG_PREV_SP = 1, REG_DX = 2, REG_DI = 3,
	REG_BP = 4, REG_SP = 5, REG_R10 = 6, REG_R13 = 7,
	REG_BP_INDIRECT = 8, REG_SP_INDIRECT = 9,
};

/* struct pt_regs on x86_64: offsets of the registers ORC may name. */
enum {
	PTREGS_R13 = 16, PTREGS_BP = 32, PTREGS_R10 = 56, PTREGS_DX = 96,
	PTREGS_DI = 112, PTREGS_IP = 128, PTREGS_CS = 136, PTREGS_SP = 152,
	IRET_FRAME_OFFSET = PTREGS_IP,	/* regs-partial: the iret frame */
};

void ct_orc_deinit(struct ct_orc *o)
{
	free(o->ips);
	free(o->entries);
	memset(o, 0, sizeof(*o));
}

struct ct_error *ct_orc_init(struct ct_orc *o, const unsigned char *ip_table,
			     uint64_t ip_table_va,
			     const unsigned char *entries, size_t count,
			     int version)
{
	if (version < 1 || version > 3)
		return ct_error_create(CT_ERROR_UNSUPPORTED, "ORC version %d "
				       "is unknown", version);
	if (count == 0 || count > CT_ORC_MAX_ENTRIES)
		return ct_error_corrupt(NULL, 0, "ORC table of %zu entries",
					count);
	uint64_t *ips = malloc(count * sizeof(*ips));
	unsigned char *e = malloc(count * CT_ORC_ENTRY_SIZE);
	if (!ips || !e) {
		free(ips);
		free(e);
		return &ct_enomem;
	}
	for (size_t i = 0; i < count; i++) {
		int32_t rel = (int32_t)ct_le32(ip_table + 4 * i);
		ips[i] = ip_table_va + 4 * (uint64_t)i + (uint64_t)(int64_t)rel;
		if (i && ips[i] < ips[i - 1]) {
			free(ips);
			free(e);
			return ct_error_corrupt(NULL, 0, "ORC ip table not "
						"sorted at entry %zu", i);
		}
	}
	memcpy(e, entries, count * CT_ORC_ENTRY_SIZE);
	ct_orc_deinit(o);
	o->ips = ips;
	o->entries = e;
	o->count = count;
	o->version = version;
	return NULL;
}

/* Decode entry i into the version-3 vocabulary. */
static void decode(const struct ct_orc *o, size_t i, struct ct_orc_entry *ret)
{
	const unsigned char *p = o->entries + CT_ORC_ENTRY_SIZE * i;
	ret->sp_offset = (int16_t)ct_le16(p);
	ret->bp_offset = (int16_t)ct_le16(p + 2);
	ret->sp_reg = p[4] & 15;
	ret->bp_reg = p[4] >> 4;
	unsigned hi = p[5];
	if (o->version == 3) {
		ret->type = hi & 7;
		ret->signal = (hi >> 3) & 1;
		return;
	}
	unsigned type = hi & 3;
	bool end = o->version == 1 ? (hi >> 2) & 1 : (hi >> 3) & 1;
	ret->signal = o->version == 2 ? (hi >> 2) & 1 : (type == 1 || type == 2);
	if (ret->sp_reg == REG_UNDEFINED)
		ret->type = end ? CT_ORC_TYPE_END_OF_STACK
				: CT_ORC_TYPE_UNDEFINED;
	else if (type == 3)
		ret->type = CT_ORC_TYPE_UNDEFINED;
	else
		ret->type = CT_ORC_TYPE_CALL + type;
}

bool ct_orc_find(const struct ct_orc *o, uint64_t ip, struct ct_orc_entry *ret)
{
	if (!o->count || ip < o->ips[0])
		return false;
	size_t lo = 0, hi = o->count;	/* the last ips[i] <= ip */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->ips[mid] <= ip)
			lo = mid;
		else
			hi = mid;
	}
	decode(o, lo, ret);
	return true;
}

/* ---- the walk ------------------------------------------------------------ */

struct walk {
	const struct ct_orc_walk_input *in;
	unsigned char *stack;	/* [stack_lo, stack_hi) as read, or NULL */
	size_t stack_len;	/* bytes of it read */
	struct ct_orc_trace *out;
};

static bool read_word(struct walk *w, uint64_t addr, uint64_t *ret)
{
	const struct ct_orc_walk_input *in = w->in;
	if (w->stack && addr >= in->stack_lo && addr - in->stack_lo <= w->stack_len &&
	    w->stack_len - (addr - in->stack_lo) >= 8) {
		*ret = ct_le64(w->stack + (addr - in->stack_lo));
		return true;
	}
	return ct_kmem_read_u64(in->km, addr, ret);
}

static struct ct_error *add_frame(struct ct_orc_trace *t, uint64_t pc,
				  bool reliable, bool regs)
{
	if (t->count >= CT_ORC_MAX_FRAMES) {
		t->capped = true;
		return NULL;
	}
	if (!ct_grow((void **)&t->frames, &t->cap, t->count + 1,
		     sizeof(*t->frames)))
		return &ct_enomem;
	t->frames[t->count++] = (struct ct_orc_frame){
		.pc = pc, .reliable = reliable, .regs = regs };
	return NULL;
}

static struct ct_error *ended(struct ct_orc_trace *t, bool complete,
			      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct ct_error *ended(struct ct_orc_trace *t, bool complete,
			      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(t->end);
	int n = vasprintf(&t->end, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->end = NULL;
		return &ct_enomem;
	}
	t->complete = complete;
	return NULL;
}

/* Is v in the code the ORC table covers? */
static bool is_vmlinux_text(const struct ct_orc_walk_input *in, uint64_t v)
{
	return (v >= in->text_lo && v < in->text_hi) ||
	       (v >= in->init_lo && v < in->init_hi);
}

/* The ORC table covering ip: the kernel's or a module's; NULL if none. */
static const struct ct_orc *orc_for(const struct ct_orc_walk_input *in,
				    uint64_t ip)
{
	if (is_vmlinux_text(in, ip))
		return in->orc;
	for (size_t i = 0; i < in->module_count; i++)
		if (ip >= in->modules[i].lo && ip < in->modules[i].hi)
			return in->modules[i].orc;
	return NULL;
}

static bool is_text(const struct ct_orc_walk_input *in, uint64_t v)
{
	return is_vmlinux_text(in, v) ||
	       (v >= CT_KERNEL_MODULES_LO && v < CT_KERNEL_MODULES_HI);
}

/* The rest of the stack from sp: words that are kernel text addresses
 * right after a call, all unreliable. */
static struct ct_error *scan(struct walk *w, uint64_t sp)
{
	const struct ct_orc_walk_input *in = w->in;
	if (!in->stack_hi || sp < in->stack_lo || sp >= in->stack_hi)
		return NULL;
	struct ct_error *err = NULL;
	w->out->scanned = true;
	for (uint64_t a = sp & ~7ull; a + 8 <= in->stack_hi && !err &&
	     w->out->count < CT_ORC_MAX_FRAMES; a += 8) {
		uint64_t v;
		if (!read_word(w, a, &v))
			break;
		if (is_text(in, v) && ct_kmem_is_after_call(in->km, v))
			err = add_frame(w->out, v, false, false);
	}
	return err;
}

/* A register of the pt_regs at regs (full: all of it; else the iret
 * frame only). */
static bool get_reg(struct walk *w, uint64_t regs, bool full, unsigned off,
		    uint64_t *ret)
{
	if (!regs || (!full && off < IRET_FRAME_OFFSET))
		return false;
	return read_word(w, regs + off, ret);
}

static struct ct_error *walk_frames(struct walk *w)
{
	const struct ct_orc_walk_input *in = w->in;
	struct ct_orc_trace *t = w->out;
	uint64_t ip = in->ip, sp = in->sp, bp = in->bp;
	bool signal = in->signal;
	uint64_t regs = 0;	/* pt_regs the last step went through */
	bool full_regs = false;
	struct ct_error *err = add_frame(t, ip, true, false);
	while (!err) {
		if (t->count >= CT_ORC_MAX_FRAMES) {
			t->capped = true;
			return ended(t, false, "over %d frames",
				     CT_ORC_MAX_FRAMES);
		}
		uint64_t cs;
		if (regs && get_reg(w, regs, true, PTREGS_CS, &cs) && (cs & 3))
			return ended(t, true, "user mode (pt_regs at 0x%llx)",
				     (unsigned long long)regs);
		if (!ip)
			return ended(t, true, "end of stack");
		struct ct_orc_entry e;
		uint64_t look = signal ? ip : ip - 1;
		const struct ct_orc *orc = orc_for(in, look);
		bool in_table = orc && ct_orc_find(orc, look, &e);
		if (!in_table) {
			bool module = look >= CT_KERNEL_MODULES_LO &&
				      look < CT_KERNEL_MODULES_HI;
			err = ended(t, false, "no ORC for 0x%llx%s: the rest of "
				    "the stack scanned",
				    (unsigned long long)ip,
				    module ? " (module code without a readable "
					     "ORC table)" : "");
			return err ? err : scan(w, sp);
		}
		if (e.type == CT_ORC_TYPE_END_OF_STACK)
			return ended(t, true, "end of stack");
		if (e.type == CT_ORC_TYPE_UNDEFINED || e.type > CT_ORC_TYPE_REGS_PARTIAL) {
			err = ended(t, false, "ORC has no rule for 0x%llx: the "
				    "rest of the stack scanned",
				    (unsigned long long)ip);
			return err ? err : scan(w, sp);
		}
		uint64_t nsp, v;
		bool indirect = false, ok = true;
		switch (e.sp_reg) {
		case REG_SP:
			nsp = sp + (uint64_t)(int64_t)e.sp_offset;
			break;
		case REG_BP:
			nsp = bp + (uint64_t)(int64_t)e.sp_offset;
			break;
		case REG_SP_INDIRECT:
			nsp = sp;
			indirect = true;
			break;
		case REG_BP_INDIRECT:
			nsp = bp + (uint64_t)(int64_t)e.sp_offset;
			indirect = true;
			break;
		case REG_R10:
			ok = get_reg(w, regs, full_regs, PTREGS_R10, &nsp);
			break;
		case REG_R13:
			ok = get_reg(w, regs, full_regs, PTREGS_R13, &nsp);
			break;
		case REG_DI:
			ok = get_reg(w, regs, full_regs, PTREGS_DI, &nsp);
			break;
		case REG_DX:
			ok = get_reg(w, regs, full_regs, PTREGS_DX, &nsp);
			break;
		default:
			ok = false;
			nsp = 0;
			break;
		}
		if (ok && indirect) {
			ok = read_word(w, nsp, &v);
			nsp = v;
			if (ok && e.sp_reg == REG_SP_INDIRECT)
				nsp += (uint64_t)(int64_t)e.sp_offset;
		}
		if (!ok) {
			err = ended(t, false, "the stack pointer of the frame "
				    "at 0x%llx cannot be found (ORC sp_reg %u)",
				    (unsigned long long)ip, e.sp_reg);
			return err ? err : scan(w, sp);
		}
		uint64_t nip, nregs = 0, isp = 0; /* isp: the interrupted sp */
		bool nfull = false, nsignal;
		if (e.type == CT_ORC_TYPE_CALL) {
			ok = read_word(w, nsp - 8, &nip);
			nsignal = e.signal;
		} else if (e.type == CT_ORC_TYPE_REGS) {
			ok = read_word(w, nsp + PTREGS_IP, &nip) &&
			     read_word(w, nsp + PTREGS_SP, &isp);
			nregs = nsp;
			nfull = true;
			nsignal = true;
		} else {	/* regs-partial: an iret frame at nsp */
			ok = read_word(w, nsp, &nip) &&
			     read_word(w, nsp + PTREGS_SP - PTREGS_IP, &isp);
			nregs = nsp - IRET_FRAME_OFFSET;
			nsignal = true;
		}
		if (!ok) {
			err = ended(t, false, "the return address of the frame "
				    "at 0x%llx cannot be read (stack at 0x%llx)",
				    (unsigned long long)ip,
				    (unsigned long long)nsp);
			return err ? err : scan(w, sp);
		}
		uint64_t nbp = bp;
		switch (e.bp_reg) {
		case REG_UNDEFINED:
			if (nregs && get_reg(w, nregs, nfull, PTREGS_BP, &v))
				nbp = v;
			break;
		case REG_PREV_SP:
			ok = read_word(w, nsp + (uint64_t)(int64_t)e.bp_offset,
				       &nbp);
			break;
		case REG_BP:
			ok = read_word(w, bp + (uint64_t)(int64_t)e.bp_offset,
				       &nbp);
			break;
		default:
			ok = false;
			break;
		}
		if (!ok) {
			err = ended(t, false, "the frame pointer of the frame "
				    "at 0x%llx cannot be read",
				    (unsigned long long)ip);
			return err ? err : scan(w, sp);
		}
		if (e.type != CT_ORC_TYPE_CALL)
			nsp = isp;	/* the interrupted stack pointer */
		else if (nsp <= sp) {
			err = ended(t, false, "the stack pointer goes down at "
				    "0x%llx (0x%llx to 0x%llx): a loop or "
				    "corrupt stack",
				    (unsigned long long)ip,
				    (unsigned long long)sp,
				    (unsigned long long)nsp);
			return err ? err : scan(w, sp);
		}
		ip = nip;
		sp = nsp;
		bp = nbp;
		signal = nsignal;
		regs = nregs;
		full_regs = nfull;
		if (regs && t->count)
			t->frames[t->count - 1].regs = true;
		if (!ip)
			return ended(t, true, "end of stack");
		if (regs && get_reg(w, regs, true, PTREGS_CS, &cs) && (cs & 3))
			return ended(t, true, "user mode (pt_regs at 0x%llx)",
				     (unsigned long long)regs);
		err = add_frame(t, ip, true, false);
	}
	return err;
}

struct ct_error *ct_orc_walk(const struct ct_orc_walk_input *in,
			     struct ct_orc_trace *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct walk w = { .in = in, .out = ret };
	if (in->stack_hi > in->stack_lo &&
	    in->stack_hi - in->stack_lo <= CT_ORC_MAX_STACK) {
		w.stack = malloc((size_t)(in->stack_hi - in->stack_lo));
		if (!w.stack)
			return &ct_enomem;
		(void)ct_kmem_read(in->km, in->stack_lo, w.stack,
				   (size_t)(in->stack_hi - in->stack_lo),
				   &w.stack_len);
	}
	struct ct_error *err = walk_frames(&w);
	free(w.stack);
	if (err) {
		ct_orc_trace_deinit(ret);
		return err;
	}
	return NULL;
}

void ct_orc_trace_deinit(struct ct_orc_trace *t)
{
	free(t->frames);
	free(t->end);
	memset(t, 0, sizeof(*t));
}
