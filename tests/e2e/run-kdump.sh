#!/bin/bash
# SPDX-License-Identifier: MIT
# run-kdump.sh - kdump-compressed kernel dumps end to end, against a real
# kernel crash: tests/fixtures/make-vmcore.sh boots Debian's cloud kernel
# under QEMU, panics it and dumps the stopped guest three ways (cached in
# /var/tmp/crashtriage-vmcore).  The kdump reader must agree with the
# other tools and dumps of the same memory:
#   - rearranging the flattened stream gives makedumpfile -R's bytes;
#   - VMCOREINFO equals the ELF dump's VMCOREINFO note;
#   - physical memory equals the physical ELF dump's, page for page;
#   - addresses the machine did not have are UNMAPPED;
#   - dumps cut anywhere fail with the file and offset, or read what is
#     left and call the rest TRUNCATED; hostile records are refused.
# The seed dumps of tests/fuzz/corpus/kdump are checked first; the real
# dumps are skipped when make-vmcore.sh cannot run here (exit 77).
. "$top_srcdir/tests/e2e/test-subr.sh"

H="$top_builddir/tests/kdump-helper"
[ -x "$H" ] || skip_all "tests/kdump-helper is not built"
# stored and zlib pages are read without libkdumpfile: the same checks
# hold in a build without it

# is NAME EXPECTED GOT: string equality as one TAP line
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# expected: $2"
		echo "# got:      $3" | head -5
	fi
}

# ---- the seed dumps (tests/fuzz/make-kdump-seeds.py), no QEMU needed --------
# 16 frames: 0-7 dumped, 8-11 excluded, 12-15 not in the machine; frame N
# of the pattern pages 0, 3, 6 is N repeated.
SEED="$top_srcdir/tests/fuzz/corpus/kdump"
statuses() { # DUMP: the status of each of the 16 frames and 1 past them
	local p out=""
	for p in $(seq 0 16); do
		out="$out $("$H" read "$1" $((p * 4096)) 4096 2>&1 >/dev/null | cut -d' ' -f1)"
	done
	echo $out
}
want="OK OK OK OK OK OK OK OK NOT_DUMPED NOT_DUMPED NOT_DUMPED NOT_DUMPED UNMAPPED UNMAPPED UNMAPPED UNMAPPED UNMAPPED"
for f in tiny.kdump tiny.flat scattered.flat bigendian.kdump; do
	is "seed $f: frame statuses" "$want" "$(statuses "$SEED/$f")"
done
is "seed cut.flat: the cut frames are TRUNCATED" \
	"OK OK OK OK OK TRUNCATED TRUNCATED TRUNCATED NOT_DUMPED NOT_DUMPED NOT_DUMPED NOT_DUMPED UNMAPPED UNMAPPED UNMAPPED UNMAPPED UNMAPPED" \
	"$(statuses "$SEED/cut.flat")"
pages() { # DUMP: sha256 of frames 0-7 as read
	"$H" read "$1" 0 32768 2>/dev/null | sha256sum | cut -d' ' -f1
}
want=$(pages "$SEED/tiny.kdump")
for f in tiny.flat scattered.flat bigendian.kdump; do
	is "seed $f: the same page bytes as tiny.kdump" "$want" "$(pages "$SEED/$f")"
done
"$H" read "$SEED/tiny.kdump" 0x3000 4096 >"$WORK/frame3" 2>/dev/null
is "seed tiny.kdump: frame 3 is 4096 bytes of 0x03" "4096 0" \
	"$(wc -c <"$WORK/frame3") $(tr -d '\003' <"$WORK/frame3" | wc -c)"
if grep -q '^#define HAVE_LIBKDUMPFILE 1' "$top_builddir/config.h"; then
	CRASHTRIAGE_KDUMP_READER=libkdumpfile "$H" read "$SEED/tiny.kdump" \
		0x3000 4096 >"$WORK/frame3-lib" 2>/dev/null
	check "seed tiny.kdump: frame 3 through libkdumpfile is the same" \
		cmp "$WORK/frame3" "$WORK/frame3-lib"
fi
for f in tiny.flat scattered.flat; do
	rm -f "$WORK/seed.dump"	# each producer's own file is compared
	"$H" rearrange "$SEED/$f" "$WORK/seed.dump" >/dev/null 2>&1
	check "seed $f rearranges to tiny.kdump" cmp "$WORK/seed.dump" "$SEED/tiny.kdump"
done
if command -v makedumpfile >/dev/null 2>&1; then
	rm -f "$WORK/seed.dump"
	makedumpfile -R "$WORK/seed.dump" <"$SEED/scattered.flat" >/dev/null 2>&1
	check "makedumpfile -R agrees on scattered.flat" \
		cmp "$WORK/seed.dump" "$SEED/tiny.kdump"
fi
is "seed VMCOREINFO" "OSRELEASE=6.1.0-seed" \
	"$("$H" vmcoreinfo "$SEED/scattered.flat" | head -n1)"

# ---- real dumps of a crashed kernel ------------------------------------------
dir=$("$top_srcdir/tests/fixtures/make-vmcore.sh" 2>"$WORK/make-vmcore.err")
rc=$?
if [ $rc = 77 ]; then
	skip "real kernel dumps" "$(tail -n1 "$WORK/make-vmcore.err")"
	finish
fi
if [ $rc != 0 ] || [ ! -f "$dir/stamp" ]; then
	not_ok "make-vmcore.sh produced the dumps (exit $rc)"
	sed 's/^/# /' "$WORK/make-vmcore.err" | tail -20
	finish
fi
ok "make-vmcore.sh produced the dumps in $dir"
FLAT=$dir/vmcore.kdump-flat
PHYS=$dir/vmcore-phys.elf
PAGING=$dir/vmcore-paging.elf
kver=$(cat "$dir/stamp")

# ---- the flattened stream, rearranged --------------------------------------
"$H" rearrange "$FLAT" "$WORK/mine.dump" >"$WORK/rearrange.out" 2>&1
is "rearrange reads the whole stream" "truncated 0" \
	"$(grep -o 'truncated [01]' "$WORK/rearrange.out")"
if command -v makedumpfile >/dev/null 2>&1; then
	makedumpfile -R "$WORK/theirs.dump" <"$FLAT" >/dev/null 2>&1
	check "rearranged bytes equal makedumpfile -R's" \
		cmp "$WORK/mine.dump" "$WORK/theirs.dump"
	rm -f "$WORK/theirs.dump"
else
	skip "rearranged bytes equal makedumpfile -R's" "makedumpfile not installed"
fi
check "the rearranged image starts with the diskdump signature" \
	sh -c 'head -c 8 "$1" | grep -q "^KDUMP   $"' sh "$WORK/mine.dump"

"$H" info "$FLAT" >"$WORK/info" 2>&1
is "flattened format" "format kdump-flattened" "$(grep '^format' "$WORK/info")"
is "page size" "page_size 4096" "$(grep '^page_size' "$WORK/info")"
is "not truncated" "truncated 0" "$(grep '^truncated' "$WORK/info")"
"$H" info "$WORK/mine.dump" >"$WORK/info2" 2>&1
is "diskdump format" "format kdump" "$(grep '^format' "$WORK/info2")"

# ---- VMCOREINFO -----------------------------------------------------------
"$H" elfnote "$PAGING" VMCOREINFO >"$WORK/vmcoreinfo.elf" 2>"$WORK/err"
"$H" vmcoreinfo "$FLAT" >"$WORK/vmcoreinfo.flat" 2>>"$WORK/err"
"$H" vmcoreinfo "$WORK/mine.dump" >"$WORK/vmcoreinfo.dd" 2>>"$WORK/err"
check "the ELF dump has a VMCOREINFO note" test -s "$WORK/vmcoreinfo.elf"
check "flattened VMCOREINFO equals the ELF note" \
	cmp "$WORK/vmcoreinfo.elf" "$WORK/vmcoreinfo.flat"
check "diskdump VMCOREINFO equals the ELF note" \
	cmp "$WORK/vmcoreinfo.elf" "$WORK/vmcoreinfo.dd"
check "VMCOREINFO names the booted kernel" \
	grep -qx "OSRELEASE=$kver" "$WORK/vmcoreinfo.flat"

# ---- physical memory against the physical ELF dump -----------------------
# Where the kernel's own VMCOREINFO text lies in memory, and its image:
# _stext is at a kernel virtual address; physical = virtual
# - __START_KERNEL_map + phys_base (NUMBER(phys_base) in VMCOREINFO).
info_at=$("$H" find "$PHYS" "$(head -c 48 "$WORK/vmcoreinfo.elf")")
check "the VMCOREINFO text is found in physical memory" test -n "$info_at"
info_len=$(wc -c <"$WORK/vmcoreinfo.elf")
phys_base=$(sed -n 's/^NUMBER(phys_base)=//p' "$WORK/vmcoreinfo.elf")
stext=$(awk '$3 == "_stext" { print $1 }' "$dir/kallsyms-truth.txt")
prb=$(awk '$3 == "prb" { print $1 }' "$dir/kallsyms-truth.txt")
kphys() { printf '0x%x' $(( 0x$1 - 0xffffffff80000000 + ${phys_base:-0} )); }
addrs="0x0 4096  0x0 1  0xfff 2  0x1000 8192  0x9f000 4096  0xa0000 4096
	0xf0000 65536  0x100000 4096  0x1000000 4096  0x1234567 9000
	0x2000000 4096  0x3fff000 8192  0x7654321 100  0x8000000 4096
	0xabcdef0 5000  0xfffe000 8192  0xffff000 4096  0xfffc0000 4096
	0xfffff000 4096"
[ -n "$info_at" ] && addrs="$addrs $info_at $info_len
	$(printf '0x%x' $(( info_at & ~0xfff ))) 4096"
[ -n "$stext" ] && addrs="$addrs $(kphys "$stext") 4096"
[ -n "$prb" ] && addrs="$addrs $(kphys "$prb") 64"
# shellcheck disable=SC2086
"$H" compare "$FLAT" "$PHYS" $addrs >"$WORK/compare" 2>&1
n_same=$(grep -c ' same$' "$WORK/compare")
n_all=$(wc -l <"$WORK/compare")
check "at least 20 addresses compared" test "$n_all" -ge 20
if [ "$n_same" = "$n_all" ]; then
	ok "all $n_all reads equal the physical ELF dump"
else
	not_ok "all $n_all reads equal the physical ELF dump ($n_same did)"
	grep -v ' same$' "$WORK/compare" | sed 's/^/# /' | head -10
fi
[ -n "$info_at" ] && is "the VMCOREINFO page reads back" "same" \
	"$(grep "^$info_at " "$WORK/compare" | awk '{ print $3 }')"
[ -n "$stext" ] && is "the page at _stext reads back" "same" \
	"$(grep "^$(kphys "$stext") " "$WORK/compare" | awk '{ print $3 }')"

"$H" compare "$FLAT" "$PHYS" 0x10000000 16 0x20000000 4096 0x100000000 8 \
	0x200000000 16 0xfffffffffffff000 8192 >"$WORK/past" 2>&1
is "addresses the machine did not have are UNMAPPED" \
	"UNMAPPED UNMAPPED UNMAPPED UNMAPPED UNMAPPED" \
	"$(awk '{ printf "%s%s", sep, $3; sep = " " }' "$WORK/past")"
"$H" compare "$FLAT" "$PHYS" 0xffff800 4096 >"$WORK/edge" 2>&1
is "a read running off the last page stops there" \
	"0xffff800 4096 UNMAPPED 2048" "$(cat "$WORK/edge")"

"$H" sweep "$FLAT" "$PHYS" >"$WORK/sweep" 2>&1
pages=$(sed -n 's/^same \([0-9]*\) differ 0 not_dumped 0 truncated 0 unmapped 0$/\1/p' "$WORK/sweep")
if [ -n "$pages" ] && [ "$pages" -gt 60000 ]; then
	ok "every physical page equals the ELF dump's ($pages pages)"
else
	not_ok "every physical page equals the ELF dump's"
	sed 's/^/# /' "$WORK/sweep"
fi
# the same pages through libkdumpfile: its reading and ours agree
if grep -q '^#define HAVE_LIBKDUMPFILE 1' "$top_builddir/config.h"; then
	CRASHTRIAGE_KDUMP_READER=libkdumpfile "$H" sweep "$FLAT" "$PHYS" \
		>"$WORK/sweep-lib" 2>&1
	is "every page read through libkdumpfile is the same" \
		"same $pages differ 0 not_dumped 0 truncated 0 unmapped 0" \
		"$(cat "$WORK/sweep-lib")"
else
	skip "pages through libkdumpfile" "built without libkdumpfile"
fi
"$H" sweep "$WORK/mine.dump" "$PHYS" >"$WORK/sweep2" 2>&1
is "the diskdump file reads the same" "$(cat "$WORK/sweep")" \
	"$(cat "$WORK/sweep2")"

# ---- cut short -------------------------------------------------------------
# cut_check FILE OFFSET NAME: the reader either refuses with the file and
# an offset, or opens and reads only bytes that equal the ELF dump's (every
# 7th page, to keep the test quick).
cut_check() {
	local src=$1 at=$2 name=$3
	local f="$WORK/cut-$name-$at"
	head -c "$at" "$src" >"$f"
	"$H" sweep "$f" "$PHYS" 7 >"$WORK/cut.out" 2>"$WORK/cut.err"
	local rc=$?
	if [ $rc = 1 ] && grep -Eq "^kdump-helper: '$f' at offset 0x[0-9a-f]+: " "$WORK/cut.err"; then
		ok "$name cut at $at: refused, naming the file and offset"
	elif [ $rc = 0 ] && grep -Eq '^same [0-9]+ differ 0 not_dumped [0-9]+ truncated [1-9][0-9]* unmapped 0$' "$WORK/cut.out"; then
		ok "$name cut at $at: $(cat "$WORK/cut.out")"
	else
		not_ok "$name cut at $at (exit $rc)"
		sed 's/^/# /' "$WORK/cut.out" "$WORK/cut.err" | head -10
	fi
	rm -f "$f"
}
len=$(wc -c <"$FLAT")
for at in 16 40 4096 4111 4200 6000 20000 200000 3000000 $((len / 2)) \
	  $((len - 100)) $((len - 20)); do
	cut_check "$FLAT" "$at" flattened
done
dlen=$(wc -c <"$WORK/mine.dump")
for at in 8 500 5000 200000 $((dlen / 3)) $((dlen - 1)); do
	cut_check "$WORK/mine.dump" "$at" diskdump
done
# a cut stream says where it was cut
head -c $((len / 2)) "$FLAT" >"$WORK/half"
"$H" info "$WORK/half" >"$WORK/half.info" 2>&1
check "a stream cut in half opens and says where the cut is" \
	grep -Eq '^truncated_at 0x[0-9a-f]+$' "$WORK/half.info"

# ---- hostile records ---------------------------------------------------------
# be64 N: N as 8 big-endian bytes
be64() {
	local i s=""
	for i in 56 48 40 32 24 16 8 0; do
		s+=$(printf '\\x%02x' $(( ($1 >> i) & 255 )))
	done
	printf "$s"
}
# record FILE OFFSET SIZE [DATA_BYTES]: append a record
record() {
	{ be64 "$2"; be64 "$3"; } >>"$1"
	[ -n "${4:-}" ] && head -c "$4" /dev/zero >>"$1"
	return 0
}
hostile() { # NAME FILE PATTERN: refused with a message matching PATTERN
	"$H" info "$2" >"$WORK/h.out" 2>"$WORK/h.err"
	if [ $? = 1 ] && grep -Eq "$3" "$WORK/h.err"; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' "$WORK/h.out" "$WORK/h.err" | head -5
	fi
}
head -c 4096 "$FLAT" >"$WORK/far"
record "$WORK/far" $((1 << 62)) 16 16
hostile "a record placed at 2^62 is refused" "$WORK/far" \
	"at offset 0x1000: flattened record puts data at"
head -c 4096 "$FLAT" >"$WORK/neg"
record "$WORK/neg" 0 -5
hostile "a negative record size is refused" "$WORK/neg" \
	"at offset 0x1000: flattened record with negative"
head -c 4096 "$FLAT" >"$WORK/big"
record "$WORK/big" 0 $((1 << 40))
hostile "a record larger than the file is refused" "$WORK/big" \
	"at offset 0x1000: flattened record puts data at"
head -c 4096 "$FLAT" >"$WORK/empty"
record "$WORK/empty" -1 -1
hostile "a stream with no records has no header" "$WORK/empty" \
	"never writes its diskdump header"

finish
