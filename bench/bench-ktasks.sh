#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-ktasks.sh - time to list a real kernel dump's tasks and unwind every
# stack with no debug package: "crashtriage ps" and "crashtriage bt --all"
# (BTF and ORC from the dump) on the physical-only and kdump-compressed
# QEMU dumps of tests/fixtures/make-vmcore.sh, next to "crashtriage dmesg"
# on the same dump for scale, and drgn's for_each_task + stack_trace when
# it can do that without the kernel's debug info (Debian 12's drgn 0.0.22
# cannot: it needs vmlinux DWARF for the types, and so does crash).  Not a
# test: nothing fails on a slow machine.
#
#   bench/bench-ktasks.sh [RUNS]     (default 20 runs, best of each)
#
# Needs a built tree: CRASHTRIAGE=path/to/crashtriage (default
# ./crashtriage); build it without sanitizers for figures worth quoting.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/bench-subr.sh"
runs=${1:-20}
ct=${CRASHTRIAGE:-./crashtriage}
dir=$(bench_vmcore_dir)
phys=$dir/vmcore-phys.elf
kdump=$dir/vmcore.kdump-flat
tmp=${TMPDIR:-/tmp}/ct-bench-ktasks.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cat "$phys" "$kdump" >/dev/null	# warm the page cache

best() { bench_best "$runs" "$tmp/out" "$@"; }
ms() { bench_ms "$1"; }

tasks=$("$ct" ps "$phys" 2>/dev/null | tail -n +2 | wc -l)
frames=$("$ct" bt --all "$phys" 2>/dev/null | grep -c '^ #' || true)
echo "dump (physical only)    $phys: $tasks tasks, $frames frames"
echo "crashtriage dmesg       $(ms "$(best "$ct" dmesg "$phys")")"
echo "crashtriage ps          $(ms "$(best "$ct" ps "$phys")")"
echo "crashtriage bt --all    $(ms "$(best "$ct" bt --all "$phys")")"
echo "kdump-compressed        $kdump"
echo "crashtriage ps          $(ms "$(best "$ct" ps "$kdump")")"
echo "crashtriage bt --all    $(ms "$(best "$ct" bt --all "$kdump")")"
if command -v drgn >/dev/null; then
	cat >"$tmp/drgn.py" <<'PY'
from drgn.helpers.linux.pid import for_each_task
print(sum(1 for t in for_each_task(prog) if prog.stack_trace(t) or True))
PY
	if drgn -q -c "$phys" "$tmp/drgn.py" >"$tmp/drgn.out" 2>&1 &&
	   [ "$(tail -n1 "$tmp/drgn.out")" -gt 0 ] 2>/dev/null; then
		echo "drgn tasks+stacks       $(ms "$(best drgn -q -c "$phys" "$tmp/drgn.py")")"
	else
		echo "drgn                    cannot ($(drgn --version 2>&1 | head -n1)): $(tail -n1 "$tmp/drgn.out")"
		echo "                        (it needs the kernel's DWARF: the -dbg package, not installed)"
	fi
else
	echo "drgn                    not installed (apt-get install python3-drgn)"
fi
