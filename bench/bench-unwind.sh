#!/bin/sh
# SPDX-License-Identifier: MIT
# bench-unwind.sh - time to unwind and symbolize every thread of a 64-thread
# core: "crashtriage analyze" next to "eu-stack" and "gdb -batch -ex 'thread
# apply all bt'" on the same core in the same run, with the ratios.  Not a
# test: nothing fails on a slow machine.
#
#   bench/bench-unwind.sh [THREADS [RUNS]]     (default 64 threads, 5 runs)
#
# Needs a built tree: CRASHTRIAGE=path/to/crashtriage (default
# ./crashtriage); build it without sanitizers for figures worth quoting.
set -eu
threads=${1:-64}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
ct=${CRASHTRIAGE:-./crashtriage}
tmp=${TMPDIR:-/tmp}/ct-bench-unwind.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -g -O0 -fno-omit-frame-pointer -pthread \
	-o "$tmp/crash-thread" "$here/tests/fixtures/crash-thread.c"

. "$here/bench/bench-subr.sh"
bench_core "$tmp" crash-thread "$threads"
exe="$tmp/crash-thread"
core="$tmp/core"

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

t_ct=$(best "$ct" analyze --json --exe "$exe" "$core")
"$ct" analyze --json --exe "$exe" "$core" >"$tmp/ct.json"
n_ct=$(jq '[.backtraces[].frames[]] | length' "$tmp/ct.json" 2>/dev/null || echo "?")
b_ct=$(jq '.backtraces | length' "$tmp/ct.json" 2>/dev/null || echo "?")
t_lu=$(best "$ct" analyze --json --unwinder=libunwind --exe "$exe" "$core")
t_eu=$(best eu-stack --core="$core" -e "$exe")
eu-stack --core="$core" -e "$exe" >"$tmp/eu.txt" 2>/dev/null || true
n_eu=$(grep -c '^#' "$tmp/eu.txt" || true)
t_eus=$(best eu-stack -s -i --core="$core" -e "$exe")
t_gdb=$(best gdb -nx -batch -ex 'thread apply all bt' "$exe" "$core")
gdb -nx -batch -ex 'thread apply all bt' "$exe" "$core" >"$tmp/gdb.txt" 2>/dev/null || true
n_gdb=$(grep -c '^#' "$tmp/gdb.txt" || true)

size=$(stat -c %s "$core")
echo "core: $threads+1 threads, $((size / 1048576)) MB; best of $runs runs"
printf '%-34s %8.3f s  %s\n' "crashtriage (libdwfl, file:line)" "$t_ct" \
	"$b_ct threads, $n_ct frames"
printf '%-34s %8.3f s\n' "crashtriage --unwinder=libunwind" "$t_lu"
printf '%-34s %8.3f s  %s\n' "eu-stack" "$t_eu" "$n_eu frames"
printf '%-34s %8.3f s\n' "eu-stack -s -i (file:line, inlines)" "$t_eus"
printf '%-34s %8.3f s  %s\n' "gdb thread apply all bt" "$t_gdb" "$n_gdb frames"
echo "$t_ct $t_eu $t_eus $t_gdb" | awk '{
	printf "ratio crashtriage / eu-stack    %.2f\n", $1 / $2
	printf "ratio crashtriage / eu-stack -s -i %.2f\n", $1 / $3
	printf "ratio crashtriage / gdb         %.2f\n", $1 / $4 }'
