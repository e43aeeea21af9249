#!/bin/sh
# SPDX-License-Identifier: MIT
# run-core-aarch64.sh - real aarch64 cores on an x86_64 machine: the
# fixtures cross-compiled (static, with DWARF) and run under qemu-user,
# which writes the guest's own ELF core (NT_PRSTATUS per thread, no
# NT_FILE, no NT_SIGINFO).  crashtriage must unwind and name the crashing
# thread's frames with file:line, the same as gdb-multiarch on the same
# core, and pick the crashing thread of sixteen.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
XCC=${XCC:-aarch64-linux-gnu-gcc}
BIN="$WORK/bin"
mkdir -p "$BIN"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$XCC" >/dev/null 2>&1 || skip_all "no aarch64 cross compiler ($XCC)"
command -v qemu-aarch64 >/dev/null 2>&1 || skip_all "qemu-user (qemu-aarch64) is not installed"
for p in null thread; do
	"$XCC" -g -O0 -fno-omit-frame-pointer -static -pthread \
		"$FIX/crash-$p.c" -o "$BIN/crash-$p" ||
		fail_all "cannot cross-compile crash-$p"
done

# a64_core NAME: run crash-NAME under qemu-aarch64 in $WORK/NAME; qemu
# writes qemu_crash-NAME_*.core there (and the host may dump qemu itself
# as "core": not ours, removed)
a64_core() {
	dir="$WORK/$1"
	mkdir -p "$dir"
	sh -c 'cd "$1" && ulimit -c unlimited && exec qemu-aarch64 "$2"' \
		sh "$dir" "$BIN/crash-$1" >/dev/null 2>&1
	rm -f "$dir"/core "$dir"/core.*
	for f in "$dir"/qemu_crash-"$1"_*.core; do
		[ -f "$f" ] && mv "$f" "$dir/a64.core" && return 0
	done
	return 1
}
a64_core null || fail_all "qemu-aarch64 wrote no core for crash-null"
a64_core thread || fail_all "qemu-aarch64 wrote no core for crash-thread"

core="$WORK/null/a64.core"
"$CRASHTRIAGE" analyze --json --exe "$BIN/crash-null" "$core" >"$WORK/null.json" 2>"$WORK/null.err"
jq_check "aarch64: the core is read as aarch64" "$WORK/null.json" \
	'.facts["core.arch"] == "aarch64" and .inputs[0].kind == "elf-core"'
jq_check "aarch64: crash_here <- level2 <- level1 <- main with file:line" "$WORK/null.json" \
	'[.backtraces[0].frames[0:4][] | .function] == ["crash_here","level2","level1","main"] and [.backtraces[0].frames[0:4][] | .line] == [6, 11, 16, 21] and .title == "crash in crash_here <- level2 <- level1"'
jq_check "aarch64: the frames are the unwinder's, not a guess" "$WORK/null.json" \
	'[.backtraces[0].frames[0:4][] | .reliable] == [true, true, true, true]'
! grep -q -e Sanitizer -e 'runtime error' "$WORK/null.err" &&
	ok "aarch64: no sanitizer report" || not_ok "aarch64: sanitizer report"

if command -v gdb-multiarch >/dev/null 2>&1; then
	gdb-multiarch -nx -batch -ex bt "$BIN/crash-null" "$core" 2>/dev/null |
		sed -n 's/^#[0-9]*  *\(0x[0-9a-f]* in \)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\) (.* at .*:\([0-9]*\)$/\2:\3/p' \
		| uniq >"$WORK/gdb.txt"
	jq -r '.backtraces[0].frames[] | select(.line != null) | "\(.function):\(.line)"' \
		"$WORK/null.json" >"$WORK/ct.txt"
	[ -s "$WORK/gdb.txt" ] && cmp -s "$WORK/gdb.txt" "$WORK/ct.txt" &&
		ok "aarch64: the same functions and lines as gdb-multiarch" ||
		not_ok "aarch64: gdb-multiarch says $(tr '\n' ' ' <"$WORK/gdb.txt"), crashtriage $(tr '\n' ' ' <"$WORK/ct.txt")"
else
	skip "aarch64: gdb-multiarch agrees" "gdb-multiarch not installed"
fi

"$CRASHTRIAGE" analyze --json "$core" >"$WORK/noexe.json" 2>/dev/null
jq_check "aarch64 without --exe: unwound, the missing program said" "$WORK/noexe.json" \
	'(.backtraces[0].frames | length) >= 4 and ([.notes[] | select(test("no program or library found for the core .*give --exe"))] | length) == 1'

core="$WORK/thread/a64.core"
"$CRASHTRIAGE" analyze --json --exe "$BIN/crash-thread" "$core" >"$WORK/thread.json" 2>/dev/null
jq_check "aarch64: 17 threads, the one that crashed marked from its signal" "$WORK/thread.json" \
	'(.backtraces | length) == 17 and ([.backtraces[] | select(.crashing)] | length) == 1 and ([.backtraces[] | select(.crashing)][0].frames[0:2] | map(.function)) == ["thread_crash","worker"]'
jq_check "aarch64: the thread's start (thread_start) is generic: title ends at worker" "$WORK/thread.json" \
	'.title == "crash in thread_crash <- worker"'

finish
