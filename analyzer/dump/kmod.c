/* SPDX-License-Identifier: MIT */
/*
 * kmod.c - the loaded modules of a kernel dump (analyzer/vmcore.h): the
 * list at kallsyms' "modules" walked with struct module's offsets from
 * BTF (bounded, loops stopped), each module's name, version and
 * srcversion (MODULE_VERSION, when it has one), state and taints, the
 * range of its code, its own ORC table (module.arch: num_orcs,
 * orc_unwind_ip, orc_unwind; sorted by the kernel at load) and its own
 * symbols (module.kallsyms: Elf64_Sym and strtab), so that stacks unwind
 * through module code and its frames have names.
 *
 * Module code lies where struct module says: core_layout (before 6.4) or
 * mem[MOD_TEXT] (6.4 on).
 */
#include <stdio.h>

#include "analyzer/dump/dump.h"
#include "analyzer/bytes.h"
#include "analyzer/error.h"
#include "symbolizers/kallsyms.h"

enum {
	MODULE_NAME_LEN = 56,
	MOD_STRING_MAX = 64,	/* bytes of a version string kept */
	ELF64_SYM_SIZE = 24,
	MOD_SYMS_MAX = 1u << 16, /* symbols of one module read */
	MOD_STRTAB_MAX = 1u << 20, /* bytes of its strtab read */
	MOD_TEXT_MAX = 1u << 30, /* a module's code, at most */
	SYM_TYPE_MAX = 2,	/* symbol types kept: STT_NOTYPE, _OBJECT, _FUNC */
};

/* struct module's offsets, from BTF. */
struct mod_layout {
	uint64_t list, name, version, srcversion, state, taints;
	uint64_t text_base, text_size;	/* core_layout or mem[MOD_TEXT] */
	uint64_t num_orcs, orc_ip, orc;	/* arch */
	uint64_t kallsyms;		/* struct mod_kallsyms * */
	uint64_t ks_symtab, ks_num, ks_strtab;
	bool has_orc, has_kallsyms;
};

static bool mod_layout(const struct ct_kbtf *b, struct mod_layout *l)
{
	struct ct_kbtf_field f, g;
#define MEMBER(path, dst) \
	(ct_kbtf_member(b, "module", (path), &f) ? ((dst) = f.offset, true) \
						  : false)
	if (!MEMBER("list", l->list) || !MEMBER("name", l->name) ||
	    !MEMBER("state", l->state))
		return false;
	(void)MEMBER("version", l->version);
	(void)MEMBER("srcversion", l->srcversion);
	(void)MEMBER("taints", l->taints);
	if (MEMBER("core_layout.base", l->text_base)) {
		if (!MEMBER("core_layout.text_size", l->text_size))
			return false;
	} else if (ct_kbtf_member(b, "module", "mem", &f) &&
		   ct_kbtf_member(b, "module_memory", "base", &g)) {
		l->text_base = f.offset + g.offset;	/* mem[MOD_TEXT] */
		if (!ct_kbtf_member(b, "module_memory", "size", &g))
			return false;
		l->text_size = f.offset + g.offset;
	} else {
		return false;
	}
	l->has_orc = MEMBER("arch.num_orcs", l->num_orcs) &&
		     MEMBER("arch.orc_unwind_ip", l->orc_ip) &&
		     MEMBER("arch.orc_unwind", l->orc);
	l->has_kallsyms = MEMBER("kallsyms", l->kallsyms);
#undef MEMBER
	if (l->has_kallsyms) {
		l->has_kallsyms =
			ct_kbtf_member(b, "mod_kallsyms", "symtab", &f) &&
			(l->ks_symtab = f.offset, true) &&
			ct_kbtf_member(b, "mod_kallsyms", "num_symtab", &f) &&
			(l->ks_num = f.offset, true) &&
			ct_kbtf_member(b, "mod_kallsyms", "strtab", &f) &&
			(l->ks_strtab = f.offset, true);
	}
	return true;
}

/* A NUL-terminated string at the pointer stored at addr, printable. */
static void read_string_at(struct ct_kmem *km, uint64_t addr, char *dst,
			   size_t max)
{
	uint64_t p;
	dst[0] = '\0';
	if (!ct_kmem_read_u64(km, addr, &p) || !p)
		return;
	size_t got;
	(void)ct_kmem_read(km, p, dst, max - 1, &got);
	dst[got] = '\0';
	for (size_t i = 0; i < got; i++) {
		if (!dst[i])
			break;
		if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] >= 0x7f)
			dst[i] = '?';
	}
}

static int sym_cmp(const void *a, const void *b)
{
	const struct ct_kmod_sym *x = a, *y = b;
	return x->address < y->address ? -1 : x->address > y->address;
}

/* The module's own symbols, code (frames' names) and data (walks' roots). */
static struct ct_error *read_symbols(struct ct_kernel *k,
				     const struct mod_layout *l,
				     struct ct_kmod_data *d)
{
	uint64_t ks, symtab, strtab;
	uint32_t num;
	if (!ct_kmem_read_u64(k->km, d->mod.address + l->kallsyms, &ks) ||
	    !ks || !ct_kmem_read_u64(k->km, ks + l->ks_symtab, &symtab) ||
	    !ct_kmem_read_u32(k->km, ks + l->ks_num, &num) ||
	    !ct_kmem_read_u64(k->km, ks + l->ks_strtab, &strtab))
		return NULL;
	if (num > MOD_SYMS_MAX)
		num = MOD_SYMS_MAX;
	/* one budget for all modules, as for ORC: a crafted dump cannot
	 * make thousands of modules each claim the most */
	size_t left = CT_KMOD_MAX_SYM_BYTES - k->mod_sym_bytes;
	if ((size_t)num * ELF64_SYM_SIZE + MOD_STRTAB_MAX > left)
		return ct_kernel_add_note(k, "module %s: its symbols not read "
					  "(the modules' budget of %u MiB is "
					  "spent)", d->mod.name,
					  CT_KMOD_MAX_SYM_BYTES >> 20);
	unsigned char *raw = malloc((size_t)num * ELF64_SYM_SIZE + 1);
	d->syms = calloc(num ? num : 1, sizeof(*d->syms));
	if (!raw || !d->syms) {
		free(raw);
		return &ct_enomem;
	}
	size_t got, str_len;
	(void)ct_kmem_read(k->km, symtab, raw, (size_t)num * ELF64_SYM_SIZE,
			   &got);
	num = (uint32_t)(got / ELF64_SYM_SIZE);
	/* the strtab has no stored length: read up to the last name the
	 * symbols use, and a name's worth more */
	size_t want = 0;
	for (uint32_t i = 0; i < num; i++)
		if (ct_le32(raw + (size_t)i * ELF64_SYM_SIZE) > want)
			want = ct_le32(raw + (size_t)i * ELF64_SYM_SIZE);
	want += CT_KALLSYMS_MAX_NAME;
	if (want > MOD_STRTAB_MAX)
		want = MOD_STRTAB_MAX;
	char *str = malloc(want + 1);
	if (!str) {
		free(raw);
		return &ct_enomem;
	}
	(void)ct_kmem_read(k->km, strtab, str, want, &str_len);
	str[str_len] = '\0';
	size_t code = 0;
	for (uint32_t i = 0; i < num; i++) {
		const unsigned char *s = raw + (size_t)i * ELF64_SYM_SIZE;
		uint32_t name = ct_le32(s);
		unsigned type = s[4] & 0xf;	/* ELF64_ST_TYPE(st_info) */
		uint64_t value = ct_le64(s + 8);
		if (!name || name >= str_len || !str[name] || !value ||
		    type > SYM_TYPE_MAX)
			continue;
		/* code for names of frames, data for walks' roots */
		code += value >= d->mod.text_lo && value < d->mod.text_hi;
		d->syms[d->sym_count++] = (struct ct_kmod_sym){
			.address = value, .name = name };
	}
	qsort(d->syms, d->sym_count, sizeof(*d->syms), sym_cmp);
	d->strtab = str;
	d->strtab_len = str_len;
	k->mod_sym_bytes += (size_t)num * ELF64_SYM_SIZE + str_len;
	d->mod.symbols = code;
	free(raw);
	return NULL;
}

/* The module's ORC table, when it has one. */
static struct ct_error *read_module_orc(struct ct_kernel *k,
					const struct mod_layout *l,
					struct ct_kmod_data *d)
{
	uint32_t n;
	uint64_t ip_va, orc_va;
	uint64_t m = d->mod.address;
	/* one budget for all modules: a crafted dump cannot make each of
	 * thousands of modules hold a table as large as the kernel's */
	if (!ct_kmem_read_u32(k->km, m + l->num_orcs, &n) || !n ||
	    n > CT_ORC_MAX_ENTRIES - k->mod_orc_entries ||
	    !ct_kmem_read_u64(k->km, m + l->orc_ip, &ip_va) ||
	    !ct_kmem_read_u64(k->km, m + l->orc, &orc_va))
		return NULL;
	unsigned char *ips = malloc((size_t)n * 4);
	unsigned char *ents = malloc((size_t)n * CT_ORC_ENTRY_SIZE);
	struct ct_error *err = NULL;
	size_t g1, g2;
	if (!ips || !ents) {
		err = &ct_enomem;
	} else if (ct_kmem_read(k->km, ip_va, ips, (size_t)n * 4, &g1) ==
			   CT_CORE_MEM_OK &&
		   ct_kmem_read(k->km, orc_va, ents,
				(size_t)n * CT_ORC_ENTRY_SIZE, &g2) ==
			   CT_CORE_MEM_OK) {
		struct ct_error *e = ct_orc_init(&d->orc, ips, ip_va, ents, n,
						 ct_kernel_orc_version(k));
		if (e == &ct_enomem)
			err = e;
		else if (e)
			err = ct_kernel_add_note(k, "module %s: ORC: %s",
						 d->mod.name, e->message);
		if (e && e != &ct_enomem)
			ct_error_destroy(e);
		d->mod.orc_entries = d->orc.count;
		k->mod_orc_entries += d->orc.count;
	} else {
		err = ct_kernel_add_note(k, "module %s: its ORC table cannot "
					 "be read", d->mod.name);
	}
	free(ips);
	free(ents);
	return err;
}

static const char *state_name(uint32_t s)
{
	static const char *const names[] = { "live", "coming", "going",
					     "unformed" };
	return s < 4 ? names[s] : "?";
}

static struct ct_error *read_module(struct ct_kernel *k,
				    const struct mod_layout *l, uint64_t m)
{
	if (!ct_grow((void **)&k->mods, &k->mod_cap, k->mod_count + 1,
		     sizeof(*k->mods)))
		return &ct_enomem;
	struct ct_kmod_data *d = &k->mods[k->mod_count];
	memset(d, 0, sizeof(*d));
	d->mod.address = m;
	size_t got;
	char name[MODULE_NAME_LEN];
	if (ct_kmem_read(k->km, m + l->name, name, sizeof(name), &got) !=
	    CT_CORE_MEM_OK)
		return ct_kernel_add_note(k, "the module at 0x%llx cannot be "
					  "read", (unsigned long long)m);
	size_t n = 0;
	for (; n < sizeof(name) && name[n]; n++)
		d->mod.name[n] = (name[n] > 0x20 && name[n] < 0x7f) ? name[n]
								    : '?';
	d->mod.name[n] = '\0';
	if (l->version)
		read_string_at(k->km, m + l->version, d->mod.version,
			       sizeof(d->mod.version));
	if (l->srcversion)
		read_string_at(k->km, m + l->srcversion, d->mod.srcversion,
			       sizeof(d->mod.srcversion));
	uint32_t st = UINT32_MAX;	/* unread: "?" */
	(void)ct_kmem_read_u32(k->km, m + l->state, &st);
	d->mod.state = state_name(st);
	if (l->taints)
		(void)ct_kmem_read_u64(k->km, m + l->taints, &d->mod.taints);
	uint64_t base;
	uint32_t size;
	if (ct_kmem_read_u64(k->km, m + l->text_base, &base) &&
	    ct_kmem_read_u32(k->km, m + l->text_size, &size) &&
	    size <= MOD_TEXT_MAX && base + size > base) {
		if (base < CT_KERNEL_MODULES_LO ||
		    base + size > CT_KERNEL_MODULES_HI) {
			k->mod_count++;
			return ct_kernel_add_note(k, "module %s: its code "
						  "0x%llx+0x%x is outside the "
						  "module area: not used",
						  d->mod.name,
						  (unsigned long long)base,
						  size);
		}
		d->mod.text_lo = base;
		d->mod.text_hi = base + size;
	}
	k->mod_count++;
	struct ct_error *err = NULL;
	if (l->has_orc && d->mod.text_hi)
		err = read_module_orc(k, l, d);
	if (!err && l->has_kallsyms && d->mod.text_hi)
		err = read_symbols(k, l, d);
	return err;
}

struct ct_error *ct_kernel_modules(struct ct_kernel *k,
				   const struct ct_kmodule **ret,
				   size_t *ret_count)
{
	if (!k->mods_read) {
		k->mods_read = true;
		struct mod_layout l = { 0 };
		const struct ct_kallsyms_sym *sym;
		uint64_t head, next;
		struct ct_error *err = NULL;
		if (!k->btf || !mod_layout(k->btf, &l)) {
			err = ct_kernel_add_note(k, "no module list: %s",
						 k->btf ? "BTF lacks struct "
							  "module's members"
							: "no BTF");
		} else if (!(sym = ct_kallsyms_find(k->ks, "modules"))) {
			err = ct_kernel_add_note(k, "no module list: kallsyms "
						 "has no 'modules'");
		} else {
			head = sym->address;
			uint64_t prev = head;
			for (size_t n = 0;; n++) {
				if (!ct_kmem_read_u64(k->km, prev, &next)) {
					err = ct_kernel_add_note(
						k, "the module list is broken "
						"after %zu modules: 0x%llx "
						"cannot be read", n,
						(unsigned long long)prev);
					break;
				}
				if (next == head)
					break;
				/* a link back to a module read already loops
				 * (checked against each: at most CT_KMOD_MAX) */
				bool again = next == prev;
				for (size_t i = 0; !again && i < k->mod_count;
				     i++)
					again = k->mods[i].mod.address ==
						next - l.list;
				if (n >= CT_KMOD_MAX || (next & 7) || again) {
					err = ct_kernel_add_note(
						k, "the module list is broken "
						"or loops after %zu modules "
						"(next 0x%llx)", n,
						(unsigned long long)next);
					break;
				}
				err = read_module(k, &l, next - l.list);
				if (err)
					break;
				prev = next;
			}
		}
		if (err) {
			/* out of memory: drop the half list, so that a
			 * retry starts over */
			for (size_t i = 0; i < k->mod_count; i++)
				ct_kmod_data_deinit(&k->mods[i]);
			k->mod_count = 0;
			k->mod_orc_entries = 0;
			k->mod_sym_bytes = 0;
			k->mods_read = false;
			return err;
		}
		if (k->mod_count) {
			k->mod_view = calloc(k->mod_count, sizeof(*k->mod_view));
			if (!k->mod_view)
				return &ct_enomem;
			for (size_t i = 0; i < k->mod_count; i++)
				k->mod_view[i] = k->mods[i].mod;
		}
	}
	*ret = k->mod_view;
	*ret_count = k->mod_count;
	return NULL;
}

const struct ct_kmod_data *ct_kernel_module_at(const struct ct_kernel *k,
					       uint64_t addr)
{
	for (size_t i = 0; i < k->mod_count; i++)
		if (addr >= k->mods[i].mod.text_lo &&
		    addr < k->mods[i].mod.text_hi)
			return &k->mods[i];
	return NULL;
}

const char *ct_kmod_symbol(const struct ct_kmod_data *d, uint64_t addr,
			   uint64_t *ret_offset)
{
	size_t lo = 0, hi = d->sym_count;
	if (!hi || addr < d->syms[0].address)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->syms[mid].address <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* the symbols hold data too: a code address needs a code symbol */
	if ((addr >= d->mod.text_lo && addr < d->mod.text_hi) !=
	    (d->syms[lo].address >= d->mod.text_lo &&
	     d->syms[lo].address < d->mod.text_hi))
		return NULL;
	*ret_offset = addr - d->syms[lo].address;
	return d->strtab + d->syms[lo].name;
}

bool ct_kernel_symbol(struct ct_kernel *k, const char *name,
		      uint64_t *ret_address)
{
	const struct ct_kallsyms_sym *s = ct_kallsyms_find(k->ks, name);
	if (s) {
		*ret_address = s->address;
		return true;
	}
	const struct ct_kmodule *view;
	size_t n;
	struct ct_error *err = ct_kernel_modules(k, &view, &n);
	if (err) {
		ct_error_destroy(err);
		return false;
	}
	for (size_t i = 0; i < k->mod_count; i++) {
		const struct ct_kmod_data *d = &k->mods[i];
		for (size_t j = 0; j < d->sym_count; j++)
			if (strcmp(d->strtab + d->syms[j].name, name) == 0) {
				*ret_address = d->syms[j].address;
				return true;
			}
	}
	return false;
}

/* The kernel's copy of each module's .BTF (kernel/bpf/btf.c: struct
 * btf_module { list, module, btf } on btf_modules; struct btf's data and
 * data_size), parsed as split BTF into the module's d->btf. */
static struct ct_error *read_module_btf(struct ct_kernel *k)
{
	struct ct_kbtf_field f;
	uint64_t l_list, l_mod, l_btf, b_data, b_size;
#define OFF(type, path, dst) \
	(ct_kbtf_member(k->btf, (type), (path), &f) ? ((dst) = f.offset, true) \
						     : false)
	if (!OFF("btf_module", "list", l_list) ||
	    !OFF("btf_module", "module", l_mod) ||
	    !OFF("btf_module", "btf", l_btf) || !OFF("btf", "data", b_data) ||
	    !OFF("btf", "data_size", b_size))
		return ct_kernel_add_note(k, "no module BTF: the kernel's BTF "
					  "lacks struct btf_module or btf");
#undef OFF
	uint64_t head;
	if (!ct_kernel_symbol(k, "btf_modules", &head))
		return ct_kernel_add_note(k, "no module BTF: kallsyms has no "
					  "btf_modules");
	uint64_t link = head, next;
	size_t btf_bytes = 0;	/* read for modules so far */
	for (size_t n = 0;; n++) {
		if (!ct_kmem_read_u64(k->km, link, &next))
			return ct_kernel_add_note(k, "the module BTF list is "
						  "broken after %zu entries",
						  n);
		if (next == head)
			return NULL;
		if (n >= CT_KMOD_MAX || (next & 7))
			return ct_kernel_add_note(k, "the module BTF list is "
						  "broken or loops after %zu "
						  "entries", n);
		link = next;
		uint64_t e = next - l_list, mod, btf, data;
		uint32_t size;
		struct ct_kmod_data *d = NULL;
		if (!ct_kmem_read_u64(k->km, e + l_mod, &mod) ||
		    !ct_kmem_read_u64(k->km, e + l_btf, &btf))
			continue;
		for (size_t i = 0; i < k->mod_count && !d; i++)
			if (k->mods[i].mod.address == mod && !k->mods[i].btf)
				d = &k->mods[i];
		if (!d || !ct_kmem_read_u64(k->km, btf + b_data, &data) ||
		    !ct_kmem_read_u32(k->km, btf + b_size, &size))
			continue;
		/* one budget for all modules' BTF, as for their ORC: a
		 * crafted dump cannot make each claim the most */
		if (!size || size > CT_KBTF_MAX_BYTES - btf_bytes) {
			struct ct_error *err = ct_kernel_add_note(
				k, "module %s: BTF of %u bytes not read (%zu "
				"read of the modules' %u MiB)", d->mod.name,
				size, btf_bytes, CT_KBTF_MAX_BYTES >> 20);
			if (err)
				return err;
			continue;
		}
		btf_bytes += size;
		unsigned char *buf = malloc(size);
		if (!buf)
			return &ct_enomem;
		size_t got;
		enum ct_core_mem st = ct_kmem_read(k->km, data, buf, size, &got);
		struct ct_error *e2 = st == CT_CORE_MEM_OK
			? ct_kbtf_parse_split(buf, size, k->btf, &d->btf)
			: ct_error_create(CT_ERROR_NOT_FOUND, "byte %zu of "
					  "%u is %s", got, size,
					  ct_kmem_status_name(st));
		free(buf);
		if (e2 == &ct_enomem)
			return e2;
		if (e2) {
			struct ct_error *err = ct_kernel_add_note(
				k, "module %s: its BTF: %s", d->mod.name,
				e2->message);
			ct_error_destroy(e2);
			if (err)
				return err;
		}
	}
}

const struct ct_kbtf *ct_kernel_btf_for(struct ct_kernel *k, const char *name)
{
	uint32_t id;
	if (!k->btf)
		return NULL;
	if (ct_kbtf_find_struct(k->btf, name, &id))
		return k->btf;
	if (!k->mod_btf_read) {
		const struct ct_kmodule *view;
		size_t n;
		struct ct_error *err = ct_kernel_modules(k, &view, &n);
		if (!err)
			err = read_module_btf(k);
		k->mod_btf_read = err != &ct_enomem;
		ct_error_destroy(err);
	}
	for (size_t i = 0; i < k->mod_count; i++)
		if (k->mods[i].btf && ct_kbtf_find_struct(k->mods[i].btf, name,
							   &id))
			return k->mods[i].btf;
	return NULL;
}

void ct_kmod_data_deinit(struct ct_kmod_data *d)
{
	ct_kbtf_destroy(d->btf);
	ct_orc_deinit(&d->orc);
	free(d->syms);
	free(d->strtab);
}
