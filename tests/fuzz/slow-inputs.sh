#!/bin/sh
# SPDX-License-Identifier: MIT
# slow-inputs.sh - inputs too big to keep in the corpus, generated here and
# replayed through the fuzz targets under a time bound: each once took
# seconds to minutes (a quadratic scan) and must stay linear.
#
#   gdb-flat-4m  4 MB of one flattened gdb paste, "#N 0x... in fN (...) at
#                a.c:N" run together on one line (issue 11 item 2: every
#                frame marker walked back to the line start, 42 s at -O2;
#                linear since, well under a second)
#   gdb-nohash-4m  4 MB of frame lines whose "#" a paste lost, " N  0x... in
#                fN (a=1) from /lib/libc.so.6", read line by line
. "$top_srcdir/tests/e2e/test-subr.sh"

LIMIT=${CT_SLOW_LIMIT:-10}	# seconds per input, sanitizer builds included
FUZZ="$top_builddir/tests/fuzz"
command -v timeout >/dev/null || skip_all "no timeout(1)"

# one line: "(gdb) where#0 0x... in f0 (a=1, b=0x0) at a.c:0#1 ..." to 4 MB
awk 'BEGIN {
	printf "(gdb) where"
	for (i = 0; n < 4194304; i++) {
		s = sprintf("#%d 0x%016x in f%d (a=1, b=0x0) at a.c:%d",
			    i, 4194304 + i, i % 50, i)
		printf "%s", s
		n += length(s)
	}
	printf "\n"
}' >"$WORK/gdb-flat-4m"

awk 'BEGIN {
	for (i = 0; n < 4194304; i++) {
		s = sprintf(" %d  0x%016x in f%d (a=1) from /lib/libc.so.6",
			    i % 100000, 4194304 + i, i)
		print s
		n += length(s) + 1
	}
}' >"$WORK/gdb-nohash-4m"

# replay TARGET INPUT: the target reads INPUT within LIMIT seconds
replay() {
	local target=$1 input=$2 start end
	start=$(date +%s)
	if timeout "$LIMIT" "$FUZZ/replay-$target" "$input" >"$WORK/out" 2>&1
	then
		end=$(date +%s)
		ok "$target: $(basename "$input") in $((end - start)) s (limit $LIMIT s)"
	else
		not_ok "$target: $(basename "$input") within $LIMIT s"
		tail -5 "$WORK/out" | sed 's/^/# /'
	fi
}

replay gdb "$WORK/gdb-flat-4m"
replay text "$WORK/gdb-flat-4m"
replay gdb "$WORK/gdb-nohash-4m"

finish
