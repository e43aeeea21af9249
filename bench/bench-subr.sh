# SPDX-License-Identifier: MIT
# bench-subr.sh - sourced by the bench scripts that need a real core.

# bench_core DIR PROG ARGS...: run DIR/PROG ARGS in DIR until it crashes
# and leave DIR/core (the kernel's when core_pattern is a file name, else
# gdb's gcore), warmed into the page cache for every tool alike; exits
# the script when no core comes.
bench_core() {
	dir=$1 prog=$2
	shift 2
	case $(cat /proc/sys/kernel/core_pattern) in
	"|"*|*/*) ;;
	*)	sh -c 'cd "$1" && ulimit -c unlimited && shift && exec "$@"' \
			sh "$dir" "./$prog" "$@" >/dev/null 2>&1 || true
		for f in "$dir"/core "$dir"/core.*; do
			[ -f "$f" ] && [ "$f" != "$dir/core" ] && mv "$f" "$dir/core"
		done ;;
	esac
	if [ ! -f "$dir/core" ]; then
		gdb -nx -batch -ex run -ex "gcore $dir/core" \
			--args "$dir/$prog" "$@" >/dev/null 2>&1
	fi
	[ -f "$dir/core" ] || { echo "no core could be produced" >&2; exit 1; }
	cat "$dir/core" >/dev/null
}

# bench_best RUNS OUT CMD...: the best of RUNS wall-clock seconds of CMD,
# its stdout in OUT each time.
bench_best() {
	runs=$1 out=$2
	shift 2
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(date +%s.%N)
		"$@" >"$out" 2>/dev/null || true
		t1=$(date +%s.%N)
		b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
		i=$((i + 1))
	done
	echo "$b"
}

# bench_ms SECONDS: "12.34 ms".
bench_ms() { awk -v s="$1" 'BEGIN { printf "%.2f ms", s * 1000 }'; }

# bench_vmcore_dir: the cached QEMU kernel dumps' folder
# (tests/fixtures/make-vmcore.sh), or exit the script when there are none.
bench_vmcore_dir() {
	"$here/tests/fixtures/make-vmcore.sh" || {
		echo "no dumps (make-vmcore.sh failed)" >&2
		exit 1
	}
}
