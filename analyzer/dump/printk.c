/* SPDX-License-Identifier: MIT */
/*
 * printk.c - the kernel log out of a vmcore's memory (vmcore.h).
 *
 * Two layouts, both described by VMCOREINFO alone (no debug info):
 *
 *  - the lockless ring of 5.10 and later (kernel/printk/printk_ringbuffer.h):
 *    *prb is a struct printk_ringbuffer holding a descriptor ring (2^count_bits
 *    struct prb_desc, each a state_var word whose top two bits are the
 *    state and the rest the record id, and a text_blk_lpos {begin, next}),
 *    a parallel array of struct printk_info (seq, ts_nsec, text_len, ...),
 *    and a text data ring of 2^size_bits bytes in which a record's block is
 *    an unsigned long id followed by the text; a block that would wrap is
 *    stored at the ring's start instead.  Records run from tail_id to
 *    head_id; only committed and finalized ones whose descriptor still
 *    carries their id are printed, as vmcore-dmesg does.
 *  - the variable-length log_buf of 3.5 .. 5.9: struct printk_log records
 *    (ts_nsec, len, text_len, ...) followed by text, from log_first_idx to
 *    log_next_idx; a record of len 0 means "wrap to the start".
 *
 * Records are read one at a time through the kernel-memory reader, so
 * that a page the dump lacks costs only the records on it and nothing is
 * allocated in proportion to the sizes the dump claims.
 * Every size and offset from VMCOREINFO or memory is checked against caps
 * before use, and every loop is bounded by the ring's record count.
 */
#include <ctype.h>
#include <stdio.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/error.h"

enum {
	MAX_COUNT_BITS = 22,		/* 4M descriptors */
	MAX_SIZE_BITS = 30,		/* 1 GiB text ring */
	MAX_DESC_SIZE = 256,
	MAX_INFO_SIZE = 4096,
	MAX_LOG_BUF = 1u << 30,		/* old log_buf bytes */
	MIN_OLD_RECORD = 16,		/* smallest struct printk_log */
};

#define DESC_FLAGS_SHIFT 62
#define DESC_ID_MASK (~(3ull << DESC_FLAGS_SHIFT))
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

/* An array in kernel memory, read a record at a time: no allocation in
 * proportion to sizes the dump claims, and a page the dump lacks costs
 * only the records on it. */
struct table {
	struct ct_kmem *km;
	uint64_t vaddr;
	size_t size;
	uint64_t missing;	/* bytes that could not be read */
};

static void table_init(struct table *t, struct ct_kmem *km, uint64_t vaddr,
		       size_t size)
{
	t->km = km;
	t->vaddr = vaddr;
	t->size = size;
	t->missing = 0;
}

/* Copy bytes [off, off+n) of t into dst; false when they are outside t or
 * not all readable. */
static bool table_get(struct table *t, size_t off, size_t n, void *dst)
{
	if (off > t->size || n > t->size - off)
		return false;
	size_t got;
	if (ct_kmem_read(t->km, t->vaddr + off, dst, n, &got) !=
	    CT_CORE_MEM_OK) {
		t->missing += n - got;
		return false;
	}
	return true;
}




/* One record as vmcore-dmesg prints it. */
static void put_record(struct ct_strbuf *out, uint64_t ts_nsec,
		       const unsigned char *text, size_t len)
{
	ct_strbuf_appendf(out, "[%5llu.%06llu] ",
			  (unsigned long long)(ts_nsec / 1000000000),
			  (unsigned long long)(ts_nsec % 1000000000 / 1000));
	if (!len) {
		ct_strbuf_putc(out, '\n');
		return;
	}
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];
		/* the C locale's classes, as the tool runs in it */
		bool plain = (c >= 0x20 && c <= 0x7e) || c == ' ' ||
			     (c >= '\t' && c <= '\r');
		if (plain) {
			run++;
			continue;
		}
		ct_strbuf_append(out, (const char *)text + i - run, run);
		run = 0;
		ct_strbuf_appendf(out, "\\x%02x", c);
	}
	ct_strbuf_append(out, (const char *)text + len - run, run);
	ct_strbuf_putc(out, '\n');
}

/* Layout of the lockless ring, from VMCOREINFO. */
struct prb_layout {
	uint64_t rb_desc_ring, rb_text_ring;
	uint64_t dr_count_bits, dr_descs, dr_infos, dr_head, dr_tail;
	uint64_t desc_size, desc_state, desc_lpos;
	uint64_t lpos_begin, lpos_next;
	uint64_t info_size, info_ts, info_text_len;
	uint64_t data_size_bits, data_data;
	uint64_t counter;
};

static struct ct_error *missing_key(const char *key)
{
	return ct_error_create(CT_ERROR_NOT_FOUND, "VMCOREINFO has no %s",
			       key);
}

static struct ct_error *prb_layout_get(const struct ct_vmcoreinfo *vi,
				       struct prb_layout *l)
{
	static const struct {
		const char *name;
		size_t at;
		bool size;
	} keys[] = {
#define K(n, f) { n, offsetof(struct prb_layout, f), false }
#define S(n, f) { n, offsetof(struct prb_layout, f), true }
		K("printk_ringbuffer.desc_ring", rb_desc_ring),
		K("printk_ringbuffer.text_data_ring", rb_text_ring),
		K("prb_desc_ring.count_bits", dr_count_bits),
		K("prb_desc_ring.descs", dr_descs),
		K("prb_desc_ring.infos", dr_infos),
		K("prb_desc_ring.head_id", dr_head),
		K("prb_desc_ring.tail_id", dr_tail),
		S("prb_desc", desc_size),
		K("prb_desc.state_var", desc_state),
		K("prb_desc.text_blk_lpos", desc_lpos),
		K("prb_data_blk_lpos.begin", lpos_begin),
		K("prb_data_blk_lpos.next", lpos_next),
		S("printk_info", info_size),
		K("printk_info.ts_nsec", info_ts),
		K("printk_info.text_len", info_text_len),
		K("prb_data_ring.size_bits", data_size_bits),
		K("prb_data_ring.data", data_data),
#undef K
#undef S
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE(keys); i++) {
		uint64_t *dst = (uint64_t *)((char *)l + keys[i].at);
		bool ok = keys[i].size
			? ct_vmcoreinfo_size(vi, keys[i].name, dst)
			: ct_vmcoreinfo_offset(vi, keys[i].name, dst);
		if (!ok) {
			char key[96];
			snprintf(key, sizeof(key), "%s(%s)",
				 keys[i].size ? "SIZE" : "OFFSET",
				 keys[i].name);
			return missing_key(key);
		}
		/* no real offset is anywhere near this */
		if (*dst > 1u << 20)
			return ct_error_corrupt(NULL, 0,
						"VMCOREINFO %s is %llu",
						keys[i].name,
						(unsigned long long)*dst);
	}
	if (!ct_vmcoreinfo_offset(vi, "atomic_long_t.counter", &l->counter))
		l->counter = 0;
	if (l->counter > 64)
		return ct_error_corrupt(NULL, 0, "VMCOREINFO "
					"atomic_long_t.counter is %llu",
					(unsigned long long)l->counter);
	if (l->desc_size == 0 || l->desc_size > MAX_DESC_SIZE ||
	    l->desc_state + l->counter + 8 > l->desc_size ||
	    l->desc_lpos + l->lpos_begin + 8 > l->desc_size ||
	    l->desc_lpos + l->lpos_next + 8 > l->desc_size)
		return ct_error_corrupt(NULL, 0, "VMCOREINFO "
					"prb_desc layout does not fit its "
					"size %llu",
					(unsigned long long)l->desc_size);
	if (l->info_size == 0 || l->info_size > MAX_INFO_SIZE ||
	    l->info_ts + 8 > l->info_size ||
	    l->info_text_len + 2 > l->info_size)
		return ct_error_corrupt(NULL, 0, "VMCOREINFO "
					"printk_info layout does not fit its "
					"size %llu",
					(unsigned long long)l->info_size);
	return NULL;
}

static struct ct_error *unreadable(const char *what, uint64_t addr,
				   enum ct_core_mem st)
{
	return ct_error_create(CT_ERROR_NOT_FOUND, "%s at 0x%llx: %s", what,
			       (unsigned long long)addr,
			       ct_kmem_status_name(st));
}

static struct ct_error *read_u64(struct ct_kmem *km, const char *what,
				 uint64_t addr, uint64_t *ret)
{
	unsigned char b[8];
	size_t got;
	enum ct_core_mem st = ct_kmem_read(km, addr, b, 8, &got);
	if (st != CT_CORE_MEM_OK)
		return unreadable(what, addr, st);
	*ret = ct_le64(b);
	return NULL;
}

static struct ct_error *read_u32(struct ct_kmem *km, const char *what,
				 uint64_t addr, uint32_t *ret)
{
	unsigned char b[4];
	size_t got;
	enum ct_core_mem st = ct_kmem_read(km, addr, b, 4, &got);
	if (st != CT_CORE_MEM_OK)
		return unreadable(what, addr, st);
	*ret = ct_le32(b);
	return NULL;
}

/* The lockless ring's tables as read_lockless() walks them. */
struct ring {
	const struct prb_layout *l;
	struct table descs, infos, data;
	size_t count;			/* descriptors */
	uint64_t data_size;		/* bytes of the text ring */
	unsigned char *text;		/* UINT16_MAX + 1 bytes */
};

/* Print the record of descriptor id to out, or count it as skipped or
 * uncommitted. */
static void ring_record(struct ring *rg, uint64_t id, struct ct_strbuf *out,
			struct ct_dmesg_stats *stats)
{
	const struct prb_layout *l = rg->l;
	size_t i = (size_t)(id % rg->count);
	size_t in = i * l->info_size;
	unsigned char d[MAX_DESC_SIZE], ts_b[8], len_b[2];
	if (!table_get(&rg->descs, i * l->desc_size, l->desc_size, d) ||
	    !table_get(&rg->infos, in + l->info_ts, 8, ts_b) ||
	    !table_get(&rg->infos, in + l->info_text_len, 2, len_b)) {
		stats->skipped++;
		return;
	}
	uint64_t sv = ct_le64(d + l->desc_state + l->counter);
	unsigned state = (unsigned)(sv >> DESC_FLAGS_SHIFT);
	if ((sv & DESC_ID_MASK) != id ||
	    (state != DESC_COMMITTED && state != DESC_FINALIZED)) {
		stats->uncommitted++;
		return;
	}
	uint64_t begin = ct_le64(d + l->desc_lpos + l->lpos_begin) %
			 rg->data_size;
	uint64_t end = ct_le64(d + l->desc_lpos + l->lpos_next) %
		       rg->data_size;
	uint64_t ts = ct_le64(ts_b);
	size_t len = ct_le16(len_b);
	if (begin == end) {	/* a record without text */
		put_record(out, ts, NULL, 0);
		stats->records++;
		return;
	}
	if (begin > end)	/* the block wrapped to the start */
		begin = 0;
	begin += 8;		/* the block's id word */
	if (begin > end)
		len = 0;
	else if (end - begin < len)
		len = (size_t)(end - begin);
	if (!table_get(&rg->data, (size_t)begin, len, rg->text)) {
		stats->skipped++;
		return;
	}
	put_record(out, ts, rg->text, len);
	stats->records++;
}

static struct ct_error *read_lockless(struct ct_kmem *km,
				      const struct ct_vmcoreinfo *vi,
				      uint64_t prb_sym, struct ct_strbuf *out,
				      struct ct_dmesg_stats *stats)
{
	struct prb_layout l;
	struct ct_error *err = prb_layout_get(vi, &l);
	if (err)
		return err;
	uint64_t rb, descs_va, infos_va, head, tail, data_va;
	uint32_t count_bits, size_bits;
	err = read_u64(km, "printk ring pointer prb", prb_sym, &rb);
	uint64_t dr = rb + l.rb_desc_ring, tr = rb + l.rb_text_ring;
	if (!err)
		err = read_u32(km, "printk descriptor ring", dr +
			       l.dr_count_bits, &count_bits);
	if (!err)
		err = read_u64(km, "printk descriptor ring", dr + l.dr_descs,
			       &descs_va);
	if (!err)
		err = read_u64(km, "printk descriptor ring", dr + l.dr_infos,
			       &infos_va);
	if (!err)
		err = read_u64(km, "printk descriptor ring", dr + l.dr_head +
			       l.counter, &head);
	if (!err)
		err = read_u64(km, "printk descriptor ring", dr + l.dr_tail +
			       l.counter, &tail);
	if (!err)
		err = read_u32(km, "printk text ring", tr + l.data_size_bits,
			       &size_bits);
	if (!err)
		err = read_u64(km, "printk text ring", tr + l.data_data,
			       &data_va);
	if (err)
		return err;
	if (count_bits > MAX_COUNT_BITS || size_bits > MAX_SIZE_BITS ||
	    size_bits < 4)
		return ct_error_corrupt(NULL, 0, "printk ring at "
					"0x%llx: count_bits %u, size_bits %u",
					(unsigned long long)rb, count_bits,
					size_bits);
	struct ring rg = {
		.l = &l,
		.count = (size_t)1 << count_bits,
		.data_size = (size_t)1 << size_bits,
	};
	size_t count = rg.count;
	table_init(&rg.descs, km, descs_va, count * l.desc_size);
	table_init(&rg.infos, km, infos_va, count * l.info_size);
	table_init(&rg.data, km, data_va, (size_t)rg.data_size);
	rg.text = malloc(UINT16_MAX + 1);
	if (!rg.text)
		return &ct_enomem;
	/* tail .. head inclusive; a sane ring holds at most count records,
	 * so a corrupt tail or head cannot make this loop run away */
	uint64_t id = tail & DESC_ID_MASK;
	head &= DESC_ID_MASK;
	/* each byte of the text ring is in one record of a sane ring and
	 * prints as at most 4 ("\xNN"), plus a timestamp per record: a
	 * corrupt ring whose records all name one block stops there */
	uint64_t cap = 4 * rg.data_size + 32 * ((uint64_t)count + 1);
	size_t start = out->len;
	for (size_t n = 0; n <= count; n++) {
		if (out->len - start > cap) {
			stats->skipped += count + 1 - n;
			break;
		}
		ring_record(&rg, id, out, stats);
		if (id == head)
			break;
		id = (id + 1) & DESC_ID_MASK;
	}
	free(rg.text);
	stats->bytes_missing += rg.descs.missing + rg.infos.missing +
				rg.data.missing;
	stats->layout = "lockless";
	return out->failed ? &ct_enomem : NULL;
}

static struct ct_error *read_log_buf(struct ct_kmem *km,
				     const struct ct_vmcoreinfo *vi,
				     uint64_t log_buf_sym,
				     struct ct_strbuf *out,
				     struct ct_dmesg_stats *stats)
{
	uint64_t len_sym, first_sym, next_sym, hdr, ts_off, len_off, tlen_off;
	if (!ct_vmcoreinfo_symbol(vi, "log_buf_len", &len_sym) ||
	    !ct_vmcoreinfo_symbol(vi, "log_first_idx", &first_sym) ||
	    !ct_vmcoreinfo_symbol(vi, "log_next_idx", &next_sym))
		return missing_key("SYMBOL(log_buf_len/log_first_idx/"
				   "log_next_idx)");
	const char *s = "printk_log";
	if (!ct_vmcoreinfo_size(vi, s, &hdr))
		s = "log";	/* 3.x kernels named it struct log */
	char k1[64], k2[64], k3[64];
	snprintf(k1, sizeof(k1), "%s.ts_nsec", s);
	snprintf(k2, sizeof(k2), "%s.len", s);
	snprintf(k3, sizeof(k3), "%s.text_len", s);
	if (!ct_vmcoreinfo_size(vi, s, &hdr) ||
	    !ct_vmcoreinfo_offset(vi, k1, &ts_off) ||
	    !ct_vmcoreinfo_offset(vi, k2, &len_off) ||
	    !ct_vmcoreinfo_offset(vi, k3, &tlen_off))
		return missing_key("SIZE/OFFSET(printk_log...)");
	if (hdr < MIN_OLD_RECORD || hdr > 256 || ts_off + 8 > hdr ||
	    len_off + 2 > hdr || tlen_off + 2 > hdr)
		return ct_error_corrupt(NULL, 0, "VMCOREINFO "
					"printk_log layout does not fit its "
					"size %llu", (unsigned long long)hdr);
	uint64_t buf_va;
	uint32_t buf_len, first, next;
	struct ct_error *err = read_u64(km, "log_buf", log_buf_sym, &buf_va);
	if (!err)
		err = read_u32(km, "log_buf_len", len_sym, &buf_len);
	if (!err)
		err = read_u32(km, "log_first_idx", first_sym, &first);
	if (!err)
		err = read_u32(km, "log_next_idx", next_sym, &next);
	if (err)
		return err;
	if (buf_len == 0 || buf_len > MAX_LOG_BUF)
		return ct_error_corrupt(NULL, 0, "log_buf_len %u",
					buf_len);
	struct table t;
	table_init(&t, km, buf_va, buf_len);
	unsigned char *text = malloc(UINT16_MAX + 1);
	if (!text)
		return &ct_enomem;
	size_t idx = first;
	size_t max = buf_len / MIN_OLD_RECORD + 2;
	for (size_t n = 0; n < max && idx != next; n++) {
		unsigned char rec[256];
		if (!table_get(&t, idx, (size_t)hdr, rec)) {
			stats->skipped++;
			break;	/* no length to go on with */
		}
		size_t rlen = ct_le16(rec + len_off);
		if (rlen == 0) {	/* wrap marker */
			idx = 0;
			continue;
		}
		if (rlen < hdr || rlen > buf_len - idx) {
			stats->skipped++;
			break;	/* a length that cannot be: stop here */
		}
		size_t tlen = ct_le16(rec + tlen_off);
		if (tlen > rlen - hdr)
			tlen = rlen - (size_t)hdr;
		if (!table_get(&t, idx + (size_t)hdr, tlen, text)) {
			stats->skipped++;
		} else {
			put_record(out, ct_le64(rec + ts_off), text, tlen);
			stats->records++;
		}
		idx += rlen;
	}
	free(text);
	stats->bytes_missing += t.missing;
	stats->layout = "log_buf";
	return out->failed ? &ct_enomem : NULL;
}

struct ct_error *ct_printk_read(struct ct_kmem *km,
				const struct ct_vmcoreinfo *vi,
				struct ct_strbuf *out,
				struct ct_dmesg_stats *stats)
{
	struct ct_dmesg_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	uint64_t sym;
	if (ct_vmcoreinfo_symbol(vi, "prb", &sym))
		return read_lockless(km, vi, sym, out, stats);
	if (ct_vmcoreinfo_symbol(vi, "log_buf", &sym))
		return read_log_buf(km, vi, sym, out, stats);
	return missing_key("SYMBOL(prb) or SYMBOL(log_buf)");
}

struct ct_error *ct_vmcore_dmesg(struct ct_vmcore *vc, struct ct_strbuf *out,
				 struct ct_dmesg_stats *stats)
{
	struct ct_error *err = ct_printk_read(vc->kmem, &vc->info, out, stats);
	if (err && err != &ct_enomem)
		err = ct_error_at(err, vc->path, 0, 0, false);
	return err;
}
