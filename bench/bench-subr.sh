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
