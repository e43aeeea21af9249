#!/bin/sh
# SPDX-License-Identifier: MIT
# run-symbolize.sh - "crashtriage symbolize" against binutils: build a
# small C program with -g, turn its `nm` output into a System.map-like
# file, and check that the map answers the same function as `addr2line
# -fi -e` (its outermost function) for the starts, middles and last
# bytes of its functions; that --exe (DWARF) gives the function,
# file:line and inlined chain of `addr2line -fi`; that a kernel-oops
# text on stdin comes back with every [<address>] decoded from a
# generated map, and PSOD frames from a vmkernel symbol list; and that
# bad maps are refused with file:line.
. "$top_srcdir/tests/e2e/test-subr.sh"

CC=${CC:-cc}
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
command -v nm >/dev/null 2>&1 || skip_all "no nm (binutils)"
command -v addr2line >/dev/null 2>&1 || skip_all "no addr2line (binutils)"

cat >"$WORK/prog.c" <<'EOF'
#include <stdio.h>

static inline __attribute__((always_inline)) int scale(int x)
{
	return x * 7 + 3;
}

static int __attribute__((noinline)) helper(int x)
{
	int y = scale(x);
	return y ^ 0x55;
}

int compute(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += helper(i);
	return s;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", compute(argc));
	return 0;
}
EOF
"$CC" -g -O0 "$WORK/prog.c" -o "$WORK/prog" || fail_all "cannot build prog.c"
nm "$WORK/prog" >"$WORK/prog.map"

# ---- map lookups equal addr2line -f ----
# For each function of the program: its start, start+1, its middle and
# its last byte (sizes from nm -S); addr2line answers from DWARF.
nm -S --defined-only "$WORK/prog" |
	awk '$4 == "helper" || $4 == "compute" || $4 == "main" { print $1, $2 }' \
	>"$WORK/funcs"
addrs=""
while read -r a size; do
	addrs="$addrs $(printf '%x %x %x %x' $((0x$a)) $((0x$a + 1)) \
		$((0x$a + 0x$size / 2)) $((0x$a + 0x$size - 1)))"
done <"$WORK/funcs"
n=0
mismatch=0
for x in $addrs; do
	got=$("$CRASHTRIAGE" symbolize --json --map "$WORK/prog.map" "$x" |
		jq -r .function)
	# the outermost function: the one that holds the address's bytes
	want=$(addr2line -fi -e "$WORK/prog" "0x$x" | tail -2 | head -1)
	n=$((n + 1))
	if [ "$got" != "$want" ]; then
		mismatch=$((mismatch + 1))
		echo "# 0x$x: map says '$got', addr2line '$want'"
	fi
done
if [ $n -ge 12 ] && [ $mismatch = 0 ]; then
	ok "map: $n addresses answer addr2line's function"
else
	not_ok "map: $mismatch of $n addresses differ from addr2line"
fi

# offsets and sizes from the map
helper=$(awk '$3 == "helper" { print $1 }' "$WORK/prog.map")
compute=$(awk '$3 == "compute" { print $1 }' "$WORK/prog.map")
x=$(printf '%x' $((0x$helper + 5)))
"$CRASHTRIAGE" symbolize --json --map "$WORK/prog.map" "$x" >"$WORK/off.json"
jq_check "map: offset is address - start" "$WORK/off.json" \
	".function == \"helper\" and .offset == 5 and .file == null"
jq_check "map: size is the distance to the next symbol" "$WORK/off.json" \
	".size == $((0x$compute - 0x$helper))"

# below every symbol: not found, exit 1
if "$CRASHTRIAGE" symbolize --map "$WORK/prog.map" 1 >"$WORK/out" 2>&1; then
	not_ok "map: an address before the first symbol is not found"
else
	grep -q '^0x1 ??$' "$WORK/out" &&
		ok "map: an address before the first symbol is not found" ||
		not_ok "map: an address before the first symbol is not found"
fi

# ---- --exe: DWARF function and file:line equal addr2line's ----
n=0
mismatch=0
for x in $addrs; do
	got=$("$CRASHTRIAGE" symbolize --json --exe "$WORK/prog" "$x" |
		jq -r '(.inlined | map(.function + " " + .file + ":" +
			(.line | tostring))) + [.function + " " + .file + ":" +
			(.line | tostring)] | join(" ")')
	want=$(addr2line -fi -e "$WORK/prog" "0x$x" | sed 's/ (discriminator [0-9]*)//' |
		paste -sd' ' -)
	n=$((n + 1))
	if [ "$got" != "$want" ]; then
		mismatch=$((mismatch + 1))
		echo "# 0x$x: --exe says '$got', addr2line -fi '$want'"
	fi
done
[ $mismatch = 0 ] && ok "exe: $n addresses answer addr2line -fi" ||
	not_ok "exe: $mismatch of $n addresses differ from addr2line -fi"

# an address inside the inlined scale(): the chain addr2line -fi prints
inl=""
end=$(printf '%d' $((0x$compute)))
a=$((0x$helper))
while [ $a -lt $end ]; do
	x=$(printf '%x' $a)
	if [ "$(addr2line -fi -e "$WORK/prog" "0x$x" | sed -n 1p)" = scale ]
	then
		inl=$x
		break
	fi
	a=$((a + 1))
done
if [ -n "$inl" ]; then
	"$CRASHTRIAGE" symbolize --json --exe "$WORK/prog" "$inl" \
		>"$WORK/inl.json"
	want_line=$(addr2line -fi -e "$WORK/prog" "0x$inl" | sed -n 4p |
		sed 's/.*://; s/ .*//')
	jq_check "exe: scale() inlined into helper() at its call" \
		"$WORK/inl.json" ".function == \"helper\" and
		  .inlined[0].function == \"scale\" and
		  .inlined[0].line == 5 and .line == $want_line"
else
	not_ok "exe: addr2line finds no address inlined from scale()"
fi

# a stripped copy: file:line only through the debug file found by
# build-id in --debug-dir
if command -v objcopy >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1
then
	id=$(readelf -n "$WORK/prog" | awk '/Build ID/ { print $3 }')
	if [ -n "$id" ]; then
		dir="$WORK/dbg/.build-id/$(echo "$id" | cut -c1-2)"
		mkdir -p "$dir"
		objcopy --only-keep-debug "$WORK/prog" \
			"$dir/$(echo "$id" | cut -c3-).debug"
		objcopy --strip-debug "$WORK/prog" "$WORK/prog.stripped"
		"$CRASHTRIAGE" symbolize --json --exe "$WORK/prog.stripped" \
			"$helper" >"$WORK/nodbg.json"
		"$CRASHTRIAGE" symbolize --json --exe "$WORK/prog.stripped" \
			--debug-dir "$WORK/dbg" "$helper" >"$WORK/dbg.json"
		want=$(addr2line -e "$WORK/prog" "0x$helper" | sed 's/.*://')
		jq_check "exe: stripped, no debug dir: function, no file" \
			"$WORK/nodbg.json" '.function == "helper" and .file == null'
		jq_check "exe: stripped, --debug-dir: file:line by build-id" \
			"$WORK/dbg.json" ".function == \"helper\" and .line == $want"
	else
		skip "exe: stripped, file:line by build-id" "the linker wrote no build-id"
	fi
else
	skip "exe: stripped, file:line by build-id" "objcopy or readelf missing"
fi

# ---- stdin: an oops with [<address>] frames and a generated map ----
cat >"$WORK/System.map" <<'EOF'
ffffffff81000000 T _stext
ffffffff81234500 T do_sys_open
ffffffff81234600 t do_filp_open
ffffffff81234700 D some_table
ffffffff81234800 T vfs_read
ffffffff81234900 T _etext
ffffffffc0a01000 t e1000_clean	[e1000]
ffffffffc0a01400 t e1000_xmit	[e1000]
EOF
cat >"$WORK/oops.txt" <<'EOF'
BUG: unable to handle kernel NULL pointer dereference at 0000000000000008
IP: [<ffffffff81234612>] some text
Call Trace:
 [<ffffffff81234612>] ? 
 [<ffffffff81234880>] 
 [<ffffffffc0a01010>] 
 [<ffffffff80000000>] 
 [<ffffffffc0a01400>] 
RAX: 0x0000000000000246 RBX: 0xffffffff81234501
EOF
"$CRASHTRIAGE" symbolize --map "$WORK/System.map" - <"$WORK/oops.txt" \
	>"$WORK/oops.out" 2>"$WORK/err"
cat >"$WORK/oops.want" <<'EOF'
BUG: unable to handle kernel NULL pointer dereference at 0000000000000008
IP: [<ffffffff81234612>] do_filp_open+0x12/0x200 some text
Call Trace:
 [<ffffffff81234612>] do_filp_open+0x12/0x200 ? 
 [<ffffffff81234880>] vfs_read+0x80/0x100 
 [<ffffffffc0a01010>] e1000_clean+0x10/0x400 [e1000] 
 [<ffffffff80000000>] 
 [<ffffffffc0a01400>] 
RAX: 0x0000000000000246 RBX: 0xffffffff81234501 do_sys_open+0x1/0x100
EOF
if diff -u "$WORK/oops.want" "$WORK/oops.out" >"$WORK/diff"; then
	ok "stdin: oops addresses decoded from System.map"
else
	not_ok "stdin: oops addresses decoded from System.map"
	sed 's/^/# /' "$WORK/diff" "$WORK/err"
fi

# PSOD frames with a name-first vmkernel symbol list
cat >"$WORK/vmk.list" <<'EOF'
# name address module
vmk_Panic 0x418000100000 vmkernel
Net_Poll 0x418000200000 vmkernel
nmlx5_Rx 0x418000300000 nmlx5_core
end_marker 0x418000400000 vmkernel
EOF
printf '%s\n' '0x451a1b2bf0c0:[0x418000200042]Net_Poll@vmkernel#nover+0x42 stack: 0x1' \
	'0x451a1b2bf100:[0x418000300010]UNKNOWN stack: 0x2' \
	| "$CRASHTRIAGE" symbolize --json --map "$WORK/vmk.list" - \
	>"$WORK/psod.json"
jq -s -e 'length == 2 and .[0].function == "Net_Poll" and
	.[0].offset == 66 and .[1].function == "nmlx5_Rx" and
	.[1].module == "nmlx5_core"' "$WORK/psod.json" >/dev/null 2>&1 &&
	ok "stdin --json: PSOD frames decoded from a vmkernel symbol list" ||
	not_ok "stdin --json: PSOD frames decoded from a vmkernel symbol list"

# ---- bad input is refused, naming file:line ----
printf 'ffffffff81000000 T _stext\nnot a symbol line at all\n' >"$WORK/bad.map"
if "$CRASHTRIAGE" symbolize --map "$WORK/bad.map" 0x1 >"$WORK/out" \
	2>"$WORK/err"; then
	not_ok "a bad map line is refused"
else
	grep -q "bad.map':2: " "$WORK/err" && ok "a bad map line is refused" ||
		not_ok "a bad map line is refused"
fi
"$CRASHTRIAGE" symbolize --map "$WORK/prog.map" zz >/dev/null 2>&1
[ $? = 2 ] && ok "a bad address is a usage error" ||
	not_ok "a bad address is a usage error"
finish
