# SPDX-License-Identifier: MIT
# test-subr.sh - sourced by tests/e2e/run-*.sh.  Emits TAP: each check is
# one "ok"/"not ok" line; the plan is printed by finish.
set -u
: "${CRASHTRIAGE:?CRASHTRIAGE must point at the built crashtriage}"
: "${top_srcdir:?top_srcdir must be set}"
DATA="$top_srcdir/tests/data"
SEEDS="$top_srcdir/tests/data/seeds"	# copies of ../shared/seeds
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ct-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# no debug server but the ones a test starts (Debian's profile names one)
unset DEBUGINFOD_URLS
tap_n=0
tap_failed=0
tap_skipped=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $1"; }
# skip NAME REASON: a check that cannot run here because an optional tool
# (or a fact of this machine) is missing; counted as a TAP skip, so that
# it shows in the totals and .ci/run's allow-list decides whether CI may
# skip it.  Never for a fixture that failed to build or to crash.
skip() { tap_n=$((tap_n + 1)); tap_skipped=$((tap_skipped + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# is_json FILE: FILE holds exactly one JSON object ("jq -e ." alone
# passes on an empty file)
is_json() {
	jq -e -s 'length == 1 and (.[0] | type) == "object"' "$1" >/dev/null 2>&1
}

# check NAME COMMAND...: the command's exit status decides
check() {
	local name=$1
	shift
	if "$@" >"$WORK/out" 2>"$WORK/err"; then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/# /' "$WORK/out" "$WORK/err" | head -20
	fi
}

# jq_check NAME FILE FILTER: the jq filter must print true
jq_check() {
	local name=$1 file=$2 filter=$3
	local got
	got=$(jq -e "$filter" "$file" 2>&1)
	if [ "$got" = "true" ]; then
		ok "$name"
	else
		not_ok "$name"
		echo "# filter: $filter"
		echo "# got: $got" | head -5
	fi
}

# skip_all REASON: nothing in this script can run here because an
# optional tool is missing.  A fixture that does not build, or does not
# crash into a core, is no reason to skip: that is fail_all.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# fail_all REASON: the script cannot go on (a fixture failed to build or
# to dump core): a hard error, never a skip.  Checks already printed stay.
fail_all() {
	not_ok "$1"
	echo "Bail out! $1"
	exit 99
}

# core_method: how this machine can produce cores for the tests.  Sets
# use_kernel=yes when core_pattern is a plain file name (the kernel writes
# "core" into the working directory) and have_gdb=yes when gdb's gcore can
# write one instead; skips the script when neither can.  CT_FORCE_GCORE=1
# takes the gcore path where the kernel's would work.
core_method() {
	pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo "|")
	use_kernel=no
	case "$pattern" in
		"|"*|*/*) ;;
		*) (ulimit -c unlimited) 2>/dev/null && use_kernel=yes ;;
	esac
	[ -n "${CT_FORCE_GCORE:-}" ] && use_kernel=no
	have_gdb=no
	command -v gdb >/dev/null 2>&1 && have_gdb=yes
	[ $use_kernel = yes ] || [ $have_gdb = yes ] ||
		skip_all "core_pattern '$pattern' is not a file name and gdb is missing"
}

# core_of DIR PROG ARGS...: run PROG ARGS in DIR so that it crashes and
# leaves DIR/core: the kernel's when core_method chose it (and
# gcore_only is not yes), else gdb's gcore at the crash.  The program's
# output is kept in DIR/out and DIR/stderr; core_env (VAR=value ...) is
# its environment.  Returns 1 when no core came.
core_of() {
	dir=$1 prog=$2
	shift 2
	mkdir -p "$dir"
	if [ $use_kernel = yes ] && [ "${gcore_only:-no}" != yes ]; then
		# in a child shell, so that its "Segmentation fault" report
		# goes to DIR/stderr with the program's
		# shellcheck disable=SC2086
		sh -c 'cd "$1" && ulimit -c unlimited && shift && exec "$@"' \
			sh "$dir" env ${core_env:-} "$prog" "$@" \
			>"$dir/out" 2>"$dir/stderr"
		for f in "$dir"/core "$dir"/core.*; do
			[ -f "$f" ] || continue
			[ "$f" = "$dir/core" ] || mv "$f" "$dir/core"
			return 0
		done
	fi
	[ $have_gdb = yes ] || return 1
	# signals the fixtures handle themselves go on to the program
	# shellcheck disable=SC2086
	(cd "$dir" && env ${core_env:-} gdb -nx -batch \
		-ex 'handle SIGUSR1 SIGUSR2 nostop noprint pass' \
		-ex run -ex "gcore $dir/core" \
		--args "$prog" "$@") >"$dir/out" 2>"$dir/stderr"
	[ -f "$dir/core" ]
}

# finish: the plan; the exit status says whether any check failed, so a
# script run by hand (outside tap-driver) fails too
finish() {
	echo "1..$tap_n"
	[ $tap_skipped -eq 0 ] || echo "# $tap_skipped checks skipped"
	[ $tap_failed -eq 0 ] || { echo "# $tap_failed checks failed"; exit 1; }
	exit 0
}

# results_canon DB: a results database's content in an order that depends
# on content only (no row ids, no storage times): per case its input's
# content hash, member, status, error, host, version, signature, first
# match, counts of its model's rows, and the members of its cluster.
# Two databases with the same cases, analysed alike, print the same.
results_canon() {
	sqlite3 -batch -noheader "$1" "SELECT i.sha256, c.member, c.status,
	  coalesce(c.error, ''), coalesce(c.host, ''), coalesce(c.version, ''),
	  coalesce(s.hash, ''), coalesce(s.title, ''),
	  coalesce((SELECT rule_id || ' ' || coalesce(verdict, '') FROM matches
	            WHERE case_id = c.id AND ord = 0), ''),
	  (SELECT count(*) FROM frames WHERE case_id = c.id),
	  (SELECT count(*) FROM events WHERE case_id = c.id),
	  (SELECT count(*) FROM facts WHERE case_id = c.id),
	  (SELECT count(*) FROM findings WHERE case_id = c.id),
	  (SELECT count(*) FROM case_inputs WHERE case_id = c.id),
	  coalesce((SELECT group_concat(m, ',') FROM (SELECT i2.sha256 || ':' ||
	            c2.member AS m FROM cases c2 JOIN inputs i2 ON i2.id = c2.input_id
	            WHERE c2.cluster_id = c.cluster_id ORDER BY m)), '')
	  FROM cases c JOIN inputs i ON i.id = c.input_id
	  LEFT JOIN signatures s ON s.case_id = c.id ORDER BY 1, 2;
	  SELECT 'input', sha256, path, size, kind, status FROM inputs ORDER BY 2;"
}
