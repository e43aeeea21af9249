#!/bin/sh
# SPDX-License-Identifier: MIT
# run-core.sh - ELF cores end to end: build the fixture programs in
# tests/fixtures with debug info, let them crash into real cores (the
# kernel's, or gdb's gcore where core_pattern pipes elsewhere), and check
# crashtriage's crashing thread against eu-stack and gdb on the same core:
# same functions in the same order, same file:line for the fixture's own
# frames.  Then cut one core at many offsets: no crash, no sanitizer
# report, and the notes say what was lost.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
CC=${CC:-cc}
CFLAGS_FIX="-g -O0 -fno-omit-frame-pointer"
BIN="$WORK/bin"
mkdir -p "$BIN"


command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"

# ---- build the fixtures ----
"$CC" $CFLAGS_FIX -fPIC -shared "$FIX/crashlib.c" -o "$BIN/libcrashlib.so" \
	|| fail_all "cannot build the fixture library"
for p in null abort thread recurse signal overflow; do
	"$CC" $CFLAGS_FIX -pthread "$FIX/crash-$p.c" -o "$BIN/crash-$p" ||
		fail_all "cannot build crash-$p"
done
"$CC" -g -O2 "$FIX/crash-inline.c" -o "$BIN/crash-inline" ||
	fail_all "cannot build crash-inline"
"$CC" $CFLAGS_FIX "$FIX/crash-solib.c" -L"$BIN" -lcrashlib \
	-Wl,-rpath,"$BIN" -o "$BIN/crash-solib" ||
	fail_all "cannot build crash-solib"

# ---- produce cores ----
# The kernel writes "core" (or "core.PID") into the working directory when
# core_pattern is a plain name; otherwise gdb's gcore writes one.
core_method
echo "# cores from: $([ $use_kernel = yes ] && echo kernel || echo gcore)"

# make_core NAME ARGS...: leaves $WORK/NAME/core, or returns 1.  NAME is
# a fixture (crash-NAME), or FIXTURE-gcore to have gdb write the core.
make_core() {
	name=$1
	shift
	gcore_only=no
	[ "$name" = "${name%-gcore}" ] || gcore_only=yes
	core_of "$WORK/$name" "$BIN/crash-${name%-gcore}" "$@"
}

# sanitizer_clean FILE: no sanitizer report in a stderr capture
sanitizer_clean() {
	! grep -q -e 'Sanitizer' -e 'runtime error' "$1"
}

# crashing-thread function names from crashtriage JSON, the whole stack
# (past main: __libc_start_call_main, __libc_start_main, _start; for a
# thread start_thread and clone3), where the thread-entry frames are
ct_names() {
	jq -r '.backtraces[] | select(.crashing) | .frames[] | .function // "??"' "$1"
}

# eu-stack function names of thread TID, the whole stack (with inlined
# frames when EU_FLAGS=-i)
eu_names() { # core exe tid
	eu-stack ${EU_FLAGS:-} --core="$1" -e "$2" 2>/dev/null | awk -v tid="$3" '
		/^TID / { on = ($2 == tid ":") ; next }
		on && /^#[0-9]/ { print ($3 == "" ? "??" : $3) }'
}

# gdb frames of thread LWP TID as "function file:line" (file:line may be
# absent), up to main; "<signal handler called>" becomes __restore_rt
gdb_frames() { # core exe tid
	gdb -nx -batch -ex 'thread apply all bt' "$2" "$1" 2>/dev/null | awk -v tid="$3" '
		/^Thread / { on = index($0, "LWP " tid ")") > 0; next }
		on && /^#[0-9]/ {
			if ($0 ~ /<signal handler called>/) { print "__restore_rt"; next }
			line = $0
			sub(/^#[0-9]+ +/, "", line)
			sub(/^0x[0-9a-f]+ in /, "", line)
			fn = line; sub(/ .*/, "", fn)
			at = ""
			if (match(line, / at [^ ]+:[0-9]+$/))
				at = substr(line, RSTART + 4, RLENGTH - 4)
			print fn (at == "" ? "" : " " at)
		}' | sed '/^main /q'
}

# check_core NAME EXPECTED_OWN_FRAMES SIGNAL [ARGS...]
check_core() {
	name=$1 own=$2 sig=$3
	shift 3
	if ! make_core "$name" "$@"; then
		not_ok "$name: no core was produced"
		return
	fi
	core="$WORK/$name/core" exe="$BIN/crash-${name%-gcore}" j="$WORK/$name.json"
	"$CRASHTRIAGE" analyze --json "$core" >"$j" 2>"$WORK/$name.err"
	rc=$?
	[ $rc -eq 0 ] && sanitizer_clean "$WORK/$name.err" &&
		ok "$name: analyzed (exit 0, no sanitizer report)" ||
		{ not_ok "$name: analyzed (exit $rc)"; sed 's/^/# /' "$WORK/$name.err" | head; }
	jq_check "$name: kind elf-core" "$j" '.inputs[0].kinds == ["elf-core"]'
	jq_check "$name: signal $sig" "$j" ".facts[\"core.signal\"] == \"$sig\""
	jq_check "$name: panic is a crash" "$j" '.panic.kind == "crash"'
	jq_check "$name: executable found from the core" "$j" \
		".facts[\"core.executable\"] == \"$exe\""
	tid=$(jq -r '.facts["core.crashing_tid"]' "$j")
	ct_names "$j" >"$WORK/$name.ct"
	# the fixture's own frames, in order
	got=$(jq -r '.backtraces[] | select(.crashing) | .frames[] | .function // "??"' "$j" |
		grep -x -F "$(echo $own | tr ' ' '\n')" | uniq | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$own" ] && ok "$name: own frames '$own'" ||
		{ not_ok "$name: own frames"; echo "# got: $got"; }
	# frame 0 of a fixture's own code is at its CRASH-LINE
	first=$(echo $own | cut -d' ' -f1)
	src=$(jq -r --arg f "$first" '[.backtraces[] | select(.crashing) | .frames[] | select(.function == $f)][0].file' "$j")
	want=$(grep -n CRASH-LINE "$src" 2>/dev/null | cut -d: -f1)
	line=$(jq -r --arg f "$first" '[.backtraces[] | select(.crashing) | .frames[] | select(.function == $f)][0].line' "$j")
	[ -n "$want" ] && [ "$line" = "$want" ] &&
		ok "$name: $first at its CRASH-LINE ($want)" ||
		not_ok "$name: $first at line $line, CRASH-LINE is '$want'"
	if command -v eu-stack >/dev/null 2>&1; then
		eu_names "$core" "$exe" "$tid" >"$WORK/$name.eu"
		if [ -n "${EU_FLAGS:-}" ]; then
			# eu-stack -i names glibc's frames by their DWARF
			# names (__libc_start_main_impl), where its plain
			# mode and crashtriage use the symbol: up to main
			sed -i '/^main$/q' "$WORK/$name.eu"
			sed -i '/^main$/q' "$WORK/$name.ct"
		fi
		if [ -s "$WORK/$name.eu" ] && cmp -s "$WORK/$name.ct" "$WORK/$name.eu"; then
			ok "$name: same frames as eu-stack ($(wc -l <"$WORK/$name.eu"))"
		else
			not_ok "$name: same frames as eu-stack"
			diff "$WORK/$name.ct" "$WORK/$name.eu" | sed 's/^/# /' | head -20
		fi
	else
		skip "$name: same frames as eu-stack" "eu-stack not installed"
	fi
	if [ $have_gdb = yes ]; then
		gdb_frames "$core" "$exe" "$tid" >"$WORK/$name.gdb"
		# gdb's view of the fixture's own frames: names and file:line
		for f in $own; do grep -m1 "^$f " "$WORK/$name.gdb" || echo "$f"; done \
			>"$WORK/$name.gdb-own" 2>/dev/null
		for f in $own; do
			jq -r --arg f "$f" '[.backtraces[] | select(.crashing) | .frames[] | select(.function == $f)][0] | "\(.function) \(.file):\(.line)"' "$j"
		done >"$WORK/$name.ct-own"
		gdb_seq=$(cut -d' ' -f1 "$WORK/$name.gdb" | grep -x -F "$(echo $own | tr ' ' '\n')" | uniq | tr '\n' ' ' | sed 's/ $//')
		if [ "$gdb_seq" = "$own" ] && cmp -s "$WORK/$name.ct-own" "$WORK/$name.gdb-own"; then
			ok "$name: same own frames and file:line as gdb"
		else
			not_ok "$name: same own frames and file:line as gdb"
			echo "# gdb order: $gdb_seq"
			diff "$WORK/$name.ct-own" "$WORK/$name.gdb-own" | sed 's/^/# /' | head -20
		fi
		# the thread gdb calls current is the one we call crashing:
		# the "*" of "info threads", printed for one thread as for
		# many (gdb says "Current thread is" only when there are
		# several); no answer from gdb is a failure, not a pass
		cur=$(gdb -nx -batch -ex 'info threads' "$exe" "$core" 2>/dev/null |
			sed -n 's/^\* .*(LWP \([0-9]*\)).*/\1/p')
		[ -n "$cur" ] && [ "$cur" = "$tid" ] &&
			ok "$name: crashing thread $tid is gdb's current thread" ||
			not_ok "$name: crashing thread '$tid', gdb's current thread '$cur'"
	else
		skip "$name: same frames as gdb" "gdb not installed"
		skip "$name: crashing thread is gdb's" "gdb not installed"
	fi
}

check_core null "crash_here level2 level1 main" SIGSEGV
check_core abort "give_up main" SIGABRT
check_core thread "thread_crash worker" SIGSEGV 16
check_core recurse "recurse main" SIGSEGV
check_core solib "lib_crash lib_entry call_lib main" SIGSEGV
check_core signal "handler send_signal main" SIGSEGV

# ---- a stack overflow: unbounded recursion into the guard page ----
if make_core overflow; then
	j="$WORK/overflow.json"
	"$CRASHTRIAGE" analyze --json "$WORK/overflow/core" >"$j" 2>"$WORK/overflow.err"
	jq_check "overflow: SIGSEGV past the stack's end said to be a stack overflow" "$j" \
		'.facts["core.stack_overflow"] == "yes" and (.panic.message | test("^SIGSEGV \\(SEGV_MAPERR\\) at 0x[0-9a-f]+ in thread [0-9]+: stack overflow$"))'
	jq_check "overflow: the recursion, capped at 512 frames, the cap said" "$j" \
		'(.backtraces[0].frames | length) == 512 and ([.backtraces[0].frames[0:100][].function] | unique) == ["overflow"] and ([.notes[] | select(test("more than 512 frames"))] | length == 1)'
	jq_check "overflow: titled by the recursing function" "$j" \
		'.title == "crash in overflow <- overflow <- overflow"'
	if command -v eu-stack >/dev/null 2>&1; then
		eu-stack --core="$WORK/overflow/core" -e "$BIN/crash-overflow" 2>/dev/null |
			awk '/^#[0-9]/ { print $3 }' | head -200 >"$WORK/overflow.eu"
		jq -r '.backtraces[0].frames[0:200][] | .function' "$j" >"$WORK/overflow.ct"
		[ "$(wc -l <"$WORK/overflow.eu")" -eq 200 ] &&
			cmp -s "$WORK/overflow.eu" "$WORK/overflow.ct" &&
			ok "overflow: the first 200 frames as eu-stack's" ||
			not_ok "overflow: the first 200 frames as eu-stack's"
	else
		skip "overflow: the first 200 frames as eu-stack's" "eu-stack not installed"
	fi
	sanitizer_clean "$WORK/overflow.err" && ok "overflow: no sanitizer report" ||
		not_ok "overflow: sanitizer report"
	jq_check "null: a NULL dereference is no stack overflow" "$WORK/null.json" \
		'.facts["core.stack_overflow"] == null and (.panic.message | test("overflow") | not)'
else
	not_ok "overflow: no core was produced"
fi
EU_FLAGS=-i check_core inline "inner middle outer main" SIGSEGV
# a gdb-written core: other note order, NT_SIGINFO for every thread
if [ $have_gdb = yes ]; then
	check_core thread-gcore "thread_crash worker" SIGSEGV 16
else
	skip "thread-gcore" "gdb not installed"
fi

j="$WORK/null.json"
jq_check "null: fault address 0x0" "$j" '.facts["core.fault_address"] == "0x0"'
jq_check "null: SEGV_MAPERR" "$j" '.facts["core.signal_code"] == "SEGV_MAPERR"'
jq_check "null: pc fact is frame 0's address" "$j" '.facts["core.pc"] == .backtraces[0].frames[0].address'
jq_check "null: no sender for a fault" "$j" '.facts["core.signal_sender_pid"] == null'
jq_check "null: title names the crashing function" "$j" '.title == "crash in crash_here <- level2 <- level1"'
jq_check "null: nothing lost from a whole core" "$j" '.notes | length == 0'
j="$WORK/thread.json"
jq_check "thread: 17 threads, one backtrace each" "$j" '(.backtraces | length) == 17 and .facts["core.threads"] == "17"'
jq_check "thread: one crashing thread, labelled with its tid" "$j" '([.backtraces[] | select(.crashing)] | length) == 1 and ([.backtraces[] | select(.crashing)][0].label == "thread " + .facts["core.crashing_tid"])'
jq_check "thread: crashing tid is not the pid" "$j" '.facts["core.crashing_tid"] != .facts["core.pid"]'
j="$WORK/recurse.json"
jq_check "recurse: 200 recurse frames" "$j" '[.backtraces[0].frames[] | select(.function == "recurse")] | length == 200'
if [ $have_gdb = yes ]; then
	n=$(grep -c '^recurse ' "$WORK/recurse.gdb")
	[ "$n" = 200 ] && ok "recurse: gdb also sees 200" || not_ok "recurse: gdb sees $n"
else
	skip "recurse: gdb also sees 200" "gdb not installed"
fi
j="$WORK/abort.json"
jq_check "abort: abort() and raise are generic, give_up is not" "$j" \
	'([.backtraces[0].frames[] | select(.function == "abort")][0].generic) and ([.backtraces[0].frames[] | select(.function == "give_up")][0].generic | not)'
jq_check "abort: title" "$j" '.title == "crash in give_up <- main"'
jq_check "abort: sent by the process itself" "$j" '.facts["core.signal_sender_pid"] == .facts["core.pid"]'
j="$WORK/signal.json"
jq_check "signal: the trampoline splits the contexts, the handler is the crash" "$j" \
	'.title == "crash in handler <- send_signal <- main"'
j="$WORK/thread.json"
jq_check "thread: title skips the thread entry" "$j" '.title == "crash in thread_crash <- worker"'
j="$WORK/inline.json"
jq_check "inline: inner and middle are inlined into outer" "$j" \
	'[.backtraces[0].frames[0:4][] | .inlined] == [true, true, false, false]'
jq_check "inline: lines of the call sites" "$j" \
	'[.backtraces[0].frames[0:3][] | .line] == [8, 13, 19]'
j="$WORK/solib.json"
jq_check "solib: lib_crash is in libcrashlib.so" "$j" '.backtraces[0].frames[0].module == "libcrashlib.so"'

# ---- options: --exe, --unwinder ----
core="$WORK/null/core"
"$CRASHTRIAGE" analyze --json --exe "$BIN/crash-null" --unwinder=dwfl "$core" >"$WORK/opt.json" 2>"$WORK/opt.err"
jq_check "--exe --unwinder=dwfl" "$WORK/opt.json" '.title == "crash in crash_here <- level2 <- level1"'
"$CRASHTRIAGE" analyze --json --unwinder=libunwind "$core" >"$WORK/lu.json" 2>"$WORK/lu.err"
sanitizer_clean "$WORK/lu.err" && ok "--unwinder=libunwind: no sanitizer report" || not_ok "--unwinder=libunwind: sanitizer report"
# libunwind reads the text the kernel left out only from files mapped at
# offset 0, so past the first frame it may guess: only frame 0 is checked
jq_check "--unwinder=libunwind: frame 0" "$WORK/lu.json" '.backtraces[0].frames[0].function == "crash_here"'
"$CRASHTRIAGE" analyze --unwinder=nosuch "$core" >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown unwinder is a usage error" || not_ok "unknown unwinder is a usage error"

# debuginfod_check CORE BUILD-ID: a debuginfod server on this machine
# serves the stripped program's debug file; with DEBUGINFOD_URLS naming
# it, analyze gets file:line with no --debug-dir and says where from
debuginfod_check() {
	if ! command -v debuginfod >/dev/null 2>&1; then
		skip "debuginfod: file:line fetched" "debuginfod not installed"
		return
	fi
	mkdir -p "$WORK/dsrv"
	cp "$dbg/$(echo "$2" | cut -c3-).debug" "$WORK/dsrv/stripped.debug"
	port=$((20000 + $$ % 20000))
	debuginfod -p $port -F "$WORK/dsrv" -d "$WORK/dsrv.sqlite" \
		>"$WORK/dsrv.log" 2>&1 &
	dpid=$!
	# the server scans its folder in the background: ask until it
	# answers (each try with its own client cache: misses are cached)
	tries=0
	while [ $tries -lt 120 ]; do	# up to a minute on a loaded machine
		tries=$((tries + 1))
		DEBUGINFOD_URLS=http://127.0.0.1:$port \
			DEBUGINFOD_CACHE_PATH="$WORK/dcache$tries" \
			"$CRASHTRIAGE" analyze --json "$1" >"$WORK/s2.json" 2>/dev/null
		jq -e '.backtraces[0].frames[0].line > 0' "$WORK/s2.json" \
			>/dev/null 2>&1 && break
		sleep 0.5
	done
	kill $dpid 2>/dev/null
	wait $dpid 2>/dev/null
	jq_check "debuginfod: names and file:line with no --debug-dir" "$WORK/s2.json" \
		'[.backtraces[0].frames[].function][0:4] == ["crash_here","level2","level1","main"] and .backtraces[0].frames[0].line > 0'
	jq_check "debuginfod: a note says the debug info came from it" "$WORK/s2.json" \
		"[.notes[] | select(test(\"debug info from debuginfod for .*crash-stripped \\\\(build-id $2\\\\)\"))] | length == 1"
}

# ---- a stripped program whose debug file is found only by build-id ----
id=$(eu-readelf -n "$BIN/crash-null" 2>/dev/null | awk '/Build ID:/ { print $3; exit }')
if [ -n "$id" ] && command -v objcopy >/dev/null 2>&1; then
	dbg="$WORK/debug/.build-id/$(echo "$id" | cut -c1-2)"
	mkdir -p "$dbg"
	cp "$BIN/crash-null" "$BIN/crash-stripped"
	objcopy --only-keep-debug "$BIN/crash-stripped" "$dbg/$(echo "$id" | cut -c3-).debug"
	objcopy --strip-all "$BIN/crash-stripped"
	if make_core stripped; then
		core="$WORK/stripped/core"
		"$CRASHTRIAGE" analyze --json "$core" >"$WORK/s0.json" 2>/dev/null
		jq_check "stripped: no names without the debug file" "$WORK/s0.json" \
			'[.backtraces[0].frames[] | select(.function == "level2")] | length == 0'
		jq_check "stripped: the missing debug info is noted" "$WORK/s0.json" \
			"[.notes[] | select(test(\"no debug info for '.*crash-stripped' \\\\(build-id $id\\\\)\"))] | length == 1"
		jq_check "stripped: build-id fact" "$WORK/s0.json" ".facts[\"core.build_id\"] == \"$id\""
		"$CRASHTRIAGE" analyze --json --debug-dir "$WORK/debug" "$core" >"$WORK/s1.json" 2>/dev/null
		jq_check "stripped: --debug-dir finds the debug file by build-id" "$WORK/s1.json" \
			'[.backtraces[0].frames[].function][0:4] == ["crash_here","level2","level1","main"] and .backtraces[0].frames[0].line > 0'
		debuginfod_check "$core" "$id"
	else
		not_ok "stripped: no core was produced"
	fi
else
	skip "stripped: debug file by build-id" "no build-id or objcopy"
fi

# ---- a stripped program without a build-id: its debuglink names the file ----
if command -v objcopy >/dev/null 2>&1 &&
   "$CC" $CFLAGS_FIX -Wl,--build-id=none "$FIX/crash-null.c" \
	-o "$BIN/crash-dl" 2>/dev/null; then
	mkdir -p "$WORK/dldebug"
	objcopy --only-keep-debug "$BIN/crash-dl" "$WORK/dldebug/crash-dl.dbg"
	objcopy --strip-all "$BIN/crash-dl"
	objcopy --add-gnu-debuglink="$WORK/dldebug/crash-dl.dbg" "$BIN/crash-dl"
	# as gdb looks: DEBUG-DIR/<the program's folder>/<the link's name>
	mkdir -p "$WORK/dldir$BIN"
	mv "$WORK/dldebug/crash-dl.dbg" "$WORK/dldir$BIN/crash-dl.dbg"
	if make_core dl; then
		"$CRASHTRIAGE" analyze --json "$WORK/dl/core" >"$WORK/dl0.json" 2>/dev/null
		"$CRASHTRIAGE" analyze --json --debug-dir "$WORK/dldir" "$WORK/dl/core" >"$WORK/dl1.json" 2>/dev/null
		jq_check "debuglink: no names without the debug file, no build-id" "$WORK/dl0.json" \
			'(.facts["core.build_id"] == null) and ([.backtraces[0].frames[] | select(.function == "level2")] | length == 0)'
		jq_check "debuglink: --debug-dir finds the file the debuglink names" "$WORK/dl1.json" \
			'[.backtraces[0].frames[].function][0:4] == ["crash_here","level2","level1","main"] and .backtraces[0].frames[0].line > 0'
		# and beside the program, in its .debug folder, with no option
		mkdir -p "$BIN/.debug"
		cp "$WORK/dldir$BIN/crash-dl.dbg" "$BIN/.debug/"
		"$CRASHTRIAGE" analyze --json "$WORK/dl/core" >"$WORK/dl2.json" 2>/dev/null
		rm -rf "$BIN/.debug"
		jq_check "debuglink: found in the program's .debug folder" "$WORK/dl2.json" \
			'[.backtraces[0].frames[].function][0:4] == ["crash_here","level2","level1","main"] and .backtraces[0].frames[0].line > 0'
	else
		not_ok "debuglink: no core was produced"
	fi
else
	skip "debuglink" "objcopy or --build-id=none unavailable"
fi

# ---- files that are no longer where the core says ----
mv "$BIN/crash-null" "$BIN/crash-null.moved"
"$CRASHTRIAGE" analyze --json "$WORK/null/core" >"$WORK/m0.json" 2>/dev/null
jq_check "moved executable: noted" "$WORK/m0.json" \
	'[.notes[] | select(test("executable .*crash-null.* not found"))] | length == 1'
"$CRASHTRIAGE" analyze --json --exe "$BIN/crash-null.moved" "$WORK/null/core" >"$WORK/m1.json" 2>/dev/null
jq_check "moved executable: --exe brings the names back" "$WORK/m1.json" \
	'[.backtraces[0].frames[].function][0:4] == ["crash_here","level2","level1","main"] and (.notes | length == 0)'
mv "$BIN/crash-null.moved" "$BIN/crash-null"
mv "$BIN/libcrashlib.so" "$BIN/libcrashlib.so.moved"
"$CRASHTRIAGE" analyze --json "$WORK/solib/core" >"$WORK/m2.json" 2>/dev/null
jq_check "moved library: noted with its build-id" "$WORK/m2.json" \
	'[.notes[] | select(test("1 libraries not found where the core says: .*libcrashlib.so \\(build-id [0-9a-f]+\\)"))] | length == 1'
mv "$BIN/libcrashlib.so.moved" "$BIN/libcrashlib.so"

# ---- a forged core that names a FIFO as a mapped file ----
# (no process can map a FIFO; libdwfl and eu-stack would block opening it)
mkfifo "$BIN/fifo-nulll"
LC_ALL=C sed "s|$BIN/crash-null|$BIN/fifo-nulll|g" "$WORK/null/core" >"$WORK/forged"
timeout 60 "$CRASHTRIAGE" analyze --json "$WORK/forged" >"$WORK/forged.json" 2>"$WORK/forged.err"
rc=$?
[ $rc -eq 0 ] && sanitizer_clean "$WORK/forged.err" && ok "forged FIFO mapping: no hang" ||
	not_ok "forged FIFO mapping: exit $rc"
jq_check "forged FIFO mapping: noted, frames from the frame-pointer chain" "$WORK/forged.json" \
	'([.notes[] | select(test("FIFO or socket"))] | length == 1) and ([.backtraces[0].frames[] | select(.reliable | not)] | length > 0)'

# ---- a core whose PT_NOTE header is lost: the notes found by a search ----
# no_note_header CORE OUT: OUT is CORE with its PT_NOTE program header's
# type zeroed (PT_NULL), so no header leads to the notes any more
no_note_header() {
	phoff=$(od -An -tu8 -j32 -N8 "$1" | tr -d ' ')
	idx=$(readelf -lW "$1" | awk '/^  [A-Z]/ && $1 != "Type" {
		if ($1 == "NOTE") { print n + 0; exit } n++ }')
	[ -n "$phoff" ] && [ -n "$idx" ] || return 1
	cp "$1" "$2" &&
		printf '\000\000\000\000' | dd of="$2" bs=1 \
			seek=$((phoff + idx * 56)) conv=notrunc 2>/dev/null
}
if ! command -v readelf >/dev/null 2>&1; then
	skip "no PT_NOTE header" "readelf missing"
elif ! no_note_header "$WORK/null/core" "$WORK/nonote-null" ||
     ! no_note_header "$WORK/thread/core" "$WORK/nonote-thread"; then
	not_ok "no PT_NOTE header: the cores' NOTE headers could not be zeroed"
else
	"$CRASHTRIAGE" analyze --json "$WORK/nonote-null" >"$WORK/nn.json" 2>"$WORK/nn.err"
	jq_check "no PT_NOTE header: registers and signal found by searching the file" "$WORK/nn.json" \
		'(.panic.message | test("SIGSEGV")) and (.backtraces | length) == 1 and ([.notes[] | select(test("no PT_NOTE led to the notes: 1 thread found by searching the file, notes at offset 0x"))] | length == 1)'
	jq_check "no PT_NOTE header: the program found, the crash frame named, the chain unreliable" "$WORK/nn.json" \
		'.backtraces[0].frames[0].function == "crash_here" and .backtraces[0].frames[0].reliable and ([.backtraces[0].frames[].function][0:4] == ["crash_here","level2","level1","main"]) and (.backtraces[0].frames[1].reliable | not)'
	"$CRASHTRIAGE" analyze --json "$WORK/nonote-thread" >"$WORK/nt.json" 2>"$WORK/nt.err"
	jq_check "no PT_NOTE header, 16 threads: all found, the crashing one from NT_SIGINFO" "$WORK/nt.json" \
		'(.backtraces | length) == 17 and ([.backtraces[] | select(.crashing)] | length) == 1 and ([.backtraces[] | select(.crashing)][0].frames[0].function == "thread_crash")'
	sanitizer_clean "$WORK/nn.err" && sanitizer_clean "$WORK/nt.err" &&
		ok "no PT_NOTE header: no sanitizer report" ||
		not_ok "no PT_NOTE header: sanitizer report"
fi

# ---- truncation matrix ----
core="$WORK/thread/core"
size=$(wc -c <"$core")
# offsets of the notes and of the crashing thread's stack segment
# (without eu-readelf: where kernels put them, and no stack cuts)
notes=$(eu-readelf -l "$core" 2>/dev/null | awk '$1 == "NOTE" { print $2, $5; exit }')
[ -n "$notes" ] || notes="64 4096"
note_off=$(($(echo "$notes" | cut -d' ' -f1)))
note_len=$(($(echo "$notes" | cut -d' ' -f2)))
sp=$(eu-readelf -n "$core" 2>/dev/null | awk '/rsp:/ { print $NF; exit }')
stack=$(eu-readelf -l "$core" 2>/dev/null | awk -v sp="$sp" '
	$1 == "LOAD" { print $2, $3, $6 }' | while read off va msz; do
		if [ $((va)) -le $((sp)) ] && [ $((sp)) -lt $((va + msz)) ]; then
			echo "$((off)) $((msz))"; break
		fi
	done)
stack_off=${stack%% *}
stack_len=${stack##* }
cuts="1 16 63 64 100 120 $((note_off)) $((note_off + 20)) \
	$((note_off + note_len / 3)) $((note_off + note_len / 2)) \
	$((note_off + note_len - 1)) $((note_off + note_len))"
[ -n "$stack_off" ] && cuts="$cuts $((stack_off)) $((stack_off + stack_len / 2)) $((stack_off + stack_len - 8))"
cuts="$cuts $((size / 3)) $((size / 2)) $((size - 4096)) $((size - 1))"
# and a dense sweep over the small single-thread core: every 97th byte of
# the headers and notes, then every 8 KB
small="$WORK/null/core"
small_size=$(wc -c <"$small")
small_notes=$(eu-readelf -l "$small" 2>/dev/null | awk '$1 == "NOTE" { print $2, $5; exit }')
[ -n "$small_notes" ] || small_notes="64 4096"
sn_off=$(($(echo "$small_notes" | cut -d' ' -f1)))
sn_end=$((sn_off + $(echo "$small_notes" | cut -d' ' -f2)))
# (the kernel puts the notes first, gdb's gcore last)
small_cuts=$(awk -v off="$sn_off" -v end="$sn_end" -v size="$small_size" 'BEGIN {
	for (o = 1; o < 4096; o += 97) print o
	for (o = off; o < end + 200 && o < size; o += 97) print o
	for (o = 4096; o < size; o += 8192) print o
	for (o = size - 2048; o < size; o += 97) print o }' | sort -n -u)
echo "# core $size bytes, notes at $note_off+$note_len, stack at ${stack_off:-?}+${stack_len:-?}"
bad=0 n=0 unsaid=0 short=0
for cut in $cuts small $small_cuts; do
	if [ "$cut" = small ]; then
		core=$small size=$small_size
		continue
	fi
	[ "$cut" -gt 0 ] && [ "$cut" -lt "$size" ] || continue
	n=$((n + 1))
	# (named "piece": the loss must be stated in words, and a path
	# with "cut" in it would match them)
	head -c "$cut" "$core" >"$WORK/piece"
	"$CRASHTRIAGE" analyze --json "$WORK/piece" >"$WORK/cut.json" 2>"$WORK/cut.err"
	rc=$?
	if [ $rc -gt 1 ] || ! sanitizer_clean "$WORK/cut.err" ||
	   ! is_json "$WORK/cut.json"; then
		bad=$((bad + 1))
		echo "# cut at $cut: exit $rc"
		sed 's/^/#   /' "$WORK/cut.err" | head -5
		continue
	fi
	# the loss is stated: in the notes, or as the input's error
	# (the input's own path is taken out of its error first).  Under 20
	# bytes (e_ident, e_type, e_machine) nothing says the file is a
	# core: there the truth is "not recognised", and that is checked
	if [ "$cut" -lt 20 ]; then
		short=$((short + 1))
		jq -e '.inputs[0].kinds == [] and (.inputs[0].error | test("not recognised as any input kind"))' \
			"$WORK/cut.json" >/dev/null ||
			{ unsaid=$((unsaid + 1)); echo "# cut at $cut: not said to be unrecognised"; }
	elif ! jq -e --arg p "$WORK/piece" '([.notes[] | split($p) | join("") | select(test("cut off|past the end|ends inside|partial"))] | length > 0) or (.inputs[0].error // "" | split($p) | join("") | test("ends inside|truncated|cut"))' \
		"$WORK/cut.json" >/dev/null; then
		unsaid=$((unsaid + 1))
		echo "# cut at $cut: loss not stated"
	fi
	[ "$core" = "$small" ] && continue
	case $cut in
	$((stack_off + stack_len / 2)))
		cp "$WORK/cut.json" "$WORK/cut-stack.json" ;;
	$((note_off + note_len / 2)))
		cp "$WORK/cut.json" "$WORK/cut-notes.json" ;;
	esac
done
[ $bad -eq 0 ] && ok "truncation: $n cuts, no crash, no sanitizer report" ||
	not_ok "truncation: $bad of $n cuts crashed or reported"
[ $unsaid -eq 0 ] && [ $short -lt $n ] &&
	ok "truncation: every cut states the loss ($short too short to be known as a core: said unrecognised)" ||
	not_ok "truncation: $unsaid of $n cuts do not state the loss"
if [ -f "$WORK/cut-stack.json" ] && [ "$note_off" -gt "$stack_off" ]; then
	# gcore's layout: the notes come after the stack and are lost
	jq_check "cut in the stack: the lost notes are named" "$WORK/cut-stack.json" \
		'[.notes[] | select(test("notes at file offset 0x[0-9a-f]+ .* past the end"))] | length > 0'
elif [ -f "$WORK/cut-stack.json" ]; then
	jq_check "cut in the stack: signal still read" "$WORK/cut-stack.json" '.facts["core.signal"] == "SIGSEGV"'
	jq_check "cut in the stack: crashing thread keeps its pc frame" "$WORK/cut-stack.json" '[.backtraces[] | select(.crashing) | .frames[]] | length >= 1'
	jq_check "cut in the stack: the cut offset is named" "$WORK/cut-stack.json" \
		"[.notes[] | select(test(\"cut off at file offset 0x\"))] | length > 0"
fi
if [ -f "$WORK/cut-notes.json" ]; then
	jq_check "cut in the notes: notes loss named" "$WORK/cut-notes.json" \
		'[.notes[] | select(test("notes cut off at file offset 0x"))] | length > 0'
fi

finish
