/* SPDX-License-Identifier: MIT */
/*
 * kdump-vmcore.c - kdump-compressed dumps (makedumpfile's diskdump and
 * flattened forms, QEMU's "kdump-zlib") into the vmcore pipeline: their
 * VMCOREINFO and physical pages (kdump.c) become a ct_vmcore like an ELF
 * vmcore's, so the log, kallsyms and the case come out the same way.
 *
 * The CPUs' registers come from the ELF notes its sub-header places.
 *
 * Also here: a dump file of either kind opened for analyzer/vmcore.h,
 * and as a symbol list for --map, its kallsyms decoded.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/dump/dump.h"
#include "symbolizers/kallsyms.h"

static enum ct_core_mem kdump_phys(void *state, uint64_t paddr, void *dst,
				   size_t n, size_t *ret_read)
{
	return ct_kdump_read_phys(state, paddr, dst, n, ret_read);
}

static void kdump_release(void *state)
{
	ct_kdump_destroy(state);
}

bool ct_vmcore_sniff_any(const char *buf, size_t len)
{
	return ct_vmcore_sniff(buf, len) || ct_kdump_sniff(buf, len);
}

static struct ct_error *open_kdump(const char *path, const void *buf,
				   size_t len, struct ct_vmcore **ret)
{
	struct ct_kdump *k;
	struct ct_error *err = ct_kdump_open(path, buf, len, &k);
	if (err)
		return err;
	size_t info_len = 0;
	const char *info = ct_kdump_vmcoreinfo(k, &info_len);
	struct ct_kmem_source src = {
		.read_phys = kdump_phys,
		.state = k,
	};
	struct ct_vmcore *vc;
	err = ct_vmcore_open_source(path, ct_kdump_format(k), info, info_len,
				    &src, &vc);
	if (err) {
		ct_kdump_destroy(k);
		return err;
	}
	vc->release = kdump_release;
	vc->release_state = k;
	uint64_t cut;
	if (ct_kdump_is_truncated(k, &cut))
		err = ct_vmcore_add_loss(vc, "the file ends at offset 0x%llx: "
					 "pages stored after it are lost",
					 (unsigned long long)cut);
	if (!err && !info)
		err = ct_vmcore_add_loss(vc, "no VMCOREINFO in the dump: no "
					 "log, no symbols");
	size_t notes_len;
	const unsigned char *notes = ct_kdump_notes(k, &notes_len);
	if (!err && notes)
		err = ct_vmcore_add_notes(vc, notes, notes_len);
	if (!err && !vc->cpu_count)
		err = ct_vmcore_add_loss(vc, "no CPU registers in the dump's "
					 "notes (the log has the panic)");
	if (err) {
		ct_vmcore_destroy(vc);
		return err;
	}
	*ret = vc;
	return NULL;
}

struct ct_error *ct_vmcore_open_any(const char *path, const void *buf,
				    size_t len, struct ct_vmcore **ret)
{
	if (ct_kdump_sniff(buf, len))
		return open_kdump(path, buf, len, ret);
	return ct_vmcore_open_memory(path, buf, len, ret);
}

/* ---- a dump file, for analyzer/vmcore.h and --map -------------------------- */

/* Open the kernel dump mapped at [map, map+len) from path; the vmcore
 * takes the mapping over, also on failure (it is unmapped then). */
static struct ct_error *open_mapped(const char *path, void *map, size_t len,
				    struct ct_vmcore **ret)
{
	struct ct_vmcore *vc;
	struct ct_error *err = ct_vmcore_open_any(path, map, len, &vc);
	if (err) {
		ct_unmap_file(map, len);
		return err;
	}
	vc->map = map;
	vc->map_len = len;
	*ret = vc;
	return NULL;
}

struct ct_error *ct_vmcore_open_file(const char *path, struct ct_vmcore **ret)
{
	void *map;
	size_t len;
	struct ct_error *err = ct_map_file(path, &map, &len);
	if (err)
		return err;
	if (!ct_vmcore_sniff_any(map, len)) {
		ct_unmap_file(map, len);
		return ct_error_at(ct_error_create(CT_ERROR_NOT_RECOGNISED,
						   "not a Linux kernel crash "
						   "dump (ELF vmcore or "
						   "kdump-compressed)"),
				   path, 0, 0, false);
	}
	return open_mapped(path, map, len, ret);
}

size_t ct_vmcore_loss_count(const struct ct_vmcore *vc)
{
	return vc->loss_count;
}

const char *ct_vmcore_loss(const struct ct_vmcore *vc, size_t i)
{
	assert(i < vc->loss_count);
	return vc->losses[i];
}

struct ct_error *ct_vmcore_kallsyms(struct ct_vmcore *vc,
				    struct ct_kallsyms **ret)
{
	return ct_error_at(ct_kallsyms_read(vc->kmem, &vc->info, ret), vc->path,
			   0, 0, false);
}

struct ct_error *ct_symtab_add_dump_or_file(struct ct_symtab *t,
					    const char *path)
{
	void *map;
	size_t len;
	struct ct_error *err = ct_map_file(path, &map, &len);
	if (err || !ct_vmcore_sniff_any(map, len)) {
		if (!err)
			ct_unmap_file(map, len);
		ct_error_destroy(err);	/* the text reader says it again */
		return ct_symtab_add_file(t, path);
	}
	struct ct_vmcore *vc;
	struct ct_kallsyms *ks = NULL;
	err = open_mapped(path, map, len, &vc);
	if (!err) {
		err = ct_vmcore_kallsyms(vc, &ks);
		if (!err)
			err = ct_kallsyms_to_symtab(ks, t);
		ct_kallsyms_destroy(ks);
		ct_vmcore_destroy(vc);
	}
	return err;
}
