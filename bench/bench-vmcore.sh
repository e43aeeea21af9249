#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-vmcore.sh - time to print the kernel log of a real kernel crash dump:
# "crashtriage dmesg" next to kexec-tools' "vmcore-dmesg" on the same QEMU
# dump (paging: true, the only form vmcore-dmesg reads) in the same run,
# with the ratio; also "crashtriage dmesg" on the physical-only dump (page
# tables walked) and "crashtriage analyze".  Not a test: nothing fails on a
# slow machine.
#
#   bench/bench-vmcore.sh [RUNS]     (default 20 runs, best of each)
#
# Dumps come from tests/fixtures/make-vmcore.sh (cached).  Needs a built
# tree: CRASHTRIAGE=path/to/crashtriage (default ./crashtriage); build it
# without sanitizers for figures worth quoting.
set -eu
runs=${1:-20}
here=$(cd "$(dirname "$0")/.." && pwd)
ct=${CRASHTRIAGE:-./crashtriage}
dir=$("$here/tests/fixtures/make-vmcore.sh") || {
	echo "no dumps (make-vmcore.sh failed)" >&2
	exit 1
}
paging=$dir/vmcore-paging.elf
phys=$dir/vmcore-phys.elf
tmp=${TMPDIR:-/tmp}/ct-bench-vmcore.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cat "$paging" "$phys" >/dev/null	# warm the page cache for every tool

now() { date +%s.%N; }
# best of $runs wall-clock seconds for a command
best() {
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		"$@" >"$tmp/out" 2>/dev/null || true
		t1=$(now)
		b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
		i=$((i + 1))
	done
	echo "$b"
}
ms() { awk -v s="$1" 'BEGIN { printf "%.2f ms", s * 1000 }'; }

t_ct=$(best "$ct" dmesg "$paging")
"$ct" dmesg "$paging" >"$tmp/ct.txt" 2>/dev/null
t_phys=$(best "$ct" dmesg "$phys")
t_an=$(best "$ct" analyze --json "$phys")
echo "dump                  $paging ($(wc -c <"$paging") bytes)"
echo "records               $(wc -l <"$tmp/ct.txt") lines"
echo "crashtriage dmesg     $(ms "$t_ct") (paging dump, best of $runs)"
echo "crashtriage dmesg     $(ms "$t_phys") (physical-only dump, page tables)"
echo "crashtriage analyze   $(ms "$t_an") (physical-only dump, log + kallsyms)"
vd=$(command -v vmcore-dmesg || echo /usr/sbin/vmcore-dmesg)
if [ -x "$vd" ]; then
	t_vd=$(best "$vd" "$paging")
	"$vd" "$paging" >"$tmp/vd.txt" 2>/dev/null || true
	same=differs
	cmp -s "$tmp/ct.txt" "$tmp/vd.txt" && same=identical
	echo "vmcore-dmesg          $(ms "$t_vd") (paging dump, best of $runs)"
	echo "output                $same"
	awk -v a="$t_ct" -v b="$t_vd" \
		'BEGIN { printf "ratio                 crashtriage/vmcore-dmesg = %.2f\n", a / b }'
else
	echo "vmcore-dmesg          not installed (apt-get install kexec-tools)"
fi
