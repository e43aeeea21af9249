#!/bin/sh
# SPDX-License-Identifier: MIT
# run-walk-big.sh - "crashtriage walk" at size: tests/fixtures/walk-big.c
# builds a TAILQ and a list_head of 100,000 elements each, spread over the
# heap between other allocations, and dumps core.  Intact, both walk to
# the end with the right count and no finding (no false positive at
# size); with element 54321's next link poisoned in both lists, each walk
# stops there with one finding at exactly that element and link, and the
# back walk from the tail recovers the other 45,678.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
CC=${CC:-cc}
BIN="$WORK/bin"
mkdir -p "$BIN"
N=100000
BRK=54321

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
"$CC" -g -O0 "$FIX/walk-big.c" -o "$BIN/walk-big" ||
	fail_all "cannot build walk-big"

# ---- cores: the kernel's when core_pattern is a file name, else gcore ----
core_method

# make_core NAME ARGS...: runs walk-big ARGS, leaves $WORK/NAME/core
make_core() {
	name=$1
	shift
	core_of "$WORK/$name" "$BIN/walk-big" "$@"
}

# walk NAME OUT ARGS...: crashtriage walk on NAME's core into OUT.json;
# sets $rc
walk() {
	name=$1 out=$2
	shift 2
	"$CRASHTRIAGE" walk "$WORK/$name/core" "$@" >"$WORK/$out.json" \
		2>"$WORK/$out.err"
	rc=$?
	if grep -q -e 'Sanitizer' -e 'runtime error' "$WORK/$out.err"; then
		not_ok "$out: sanitizer report"
		sed 's/^/# /' "$WORK/$out.err" | head -20
	fi
}

TQ="--root big_root --member tq"
LH="--root big_root --member lh --elem-type big_item --link node"

make_core intact $N || not_ok "intact: no core was produced"
make_core broken $N $BRK || not_ok "broken: no core was produced"

# ---- intact: every element, no finding ----
walk intact tq --json $TQ
[ $rc -eq 0 ] && ok "intact TAILQ: exit 0" || not_ok "intact TAILQ: exit $rc"
jq_check "intact TAILQ: $N elements, no finding" "$WORK/tq.json" \
	".kind == \"tailq\" and .count == $N and (.elements | length) == $N and .findings == []"
jq_check "intact TAILQ: indexes 0..$((N - 1)), distinct addresses" "$WORK/tq.json" \
	"([.elements[].index] == [range($N)]) and ([.elements[].address] | unique | length) == $N"
walk intact lh --json $LH
[ $rc -eq 0 ] && ok "intact list_head: exit 0" || not_ok "intact list_head: exit $rc"
jq_check "intact list_head: $N elements, no finding" "$WORK/lh.json" \
	".kind == \"list_head\" and .count == $N and ([.elements[].address] | unique | length) == $N and .findings == []"
jq_check "intact: no recovery section" "$WORK/lh.json" '.recovered == null'

# ---- element 54321's next poisoned: found there, the rest recovered ----
# elem OUT I: the address of element I
elem() { jq -r ".elements[$2].address" "$WORK/$1.json"; }
# at OUT WANT: the finding's address
at() {
	got=$(jq -r '.findings[0].address' "$WORK/$1.json")
	[ $((got)) -eq $(($2)) ] && ok "$1: finding at 0x$(printf %x $(($2)))" ||
		not_ok "$1: finding at $got, want $(printf 0x%x $(($2)))"
}

walk broken tq-broken --json $TQ
[ $rc -eq 1 ] && ok "broken TAILQ: exit 1" || not_ok "broken TAILQ: exit $rc"
jq_check "broken TAILQ: one finding, poison at element $BRK tqe_next" \
	"$WORK/tq-broken.json" \
	"(.findings | length) == 1 and .findings[0].kind == \"poison\" and .findings[0].element == $BRK and .findings[0].type == \"big_entry\" and .findings[0].field == \"tqe_next\" and (.findings[0].reason | test(\"0x6b6b6b6b6b6b6b6b .*POISON_FREE\"))"
jq_check "broken TAILQ: $((BRK + 1)) elements forward" "$WORK/tq-broken.json" \
	".count == $((BRK + 1))"
# tqe_next follows the unsigned long id
at tq-broken "$(elem tq-broken $BRK) + 8"
jq_check "broken TAILQ: the back walk recovers $((BRK + 1))..$((N - 1)), joined at $BRK" \
	"$WORK/tq-broken.json" \
	".recovered.count == $((N - BRK - 1)) and .recovered.first_index == $((BRK + 1)) and .recovered.last_index == $((N - 1)) and .recovered.joined == $BRK"

walk broken lh-broken --json $LH
[ $rc -eq 1 ] && ok "broken list_head: exit 1" || not_ok "broken list_head: exit $rc"
jq_check "broken list_head: one finding, poison at element $BRK next" \
	"$WORK/lh-broken.json" \
	"(.findings | length) == 1 and .findings[0].kind == \"poison\" and .findings[0].element == $BRK and .findings[0].type == \"big_item\" and .findings[0].field == \"next\" and (.findings[0].reason | test(\"LIST_POISON1\"))"
jq_check "broken list_head: $((BRK + 1)) elements forward" "$WORK/lh-broken.json" \
	".count == $((BRK + 1))"
# node follows the unsigned long key; next is its first member
at lh-broken "$(elem lh-broken $BRK) + 8"
jq_check "broken list_head: the back walk recovers $((BRK + 1))..$((N - 1))" \
	"$WORK/lh-broken.json" \
	".recovered.count == $((N - BRK - 1)) and .recovered.first_index == $((BRK + 1)) and .recovered.last_index == $((N - 1))"

finish
