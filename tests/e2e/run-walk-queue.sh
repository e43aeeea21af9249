#!/bin/sh
# SPDX-License-Identifier: MIT
# run-walk-queue.sh - "crashtriage walk" over every list kind at once:
# tests/fixtures/walk-queue.c puts five items on a sys/queue.h SLIST,
# LIST, STAILQ and TAILQ and on a Linux-style hlist and list_head, breaks
# all of them the same way (or not) and crashes.  Intact lists walk with
# no finding; each corruption is found, classified (bit-flip, freed,
# foreign, shared, cycle) and located: element index, field, address.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
CC=${CC:-cc}
BIN="$WORK/bin"
mkdir -p "$BIN"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
"$CC" -g -O0 -fno-omit-frame-pointer "$FIX/walk-queue.c" -o "$BIN/walk-queue" ||
	fail_all "cannot build walk-queue"
core_method

# make_core MODE [ENV...]: runs walk-queue MODE (with ENV), leaves
# $WORK/MODE/core
make_core() {
	name=$1
	shift
	core_env="$*"
	core_of "$WORK/$name" "$BIN/walk-queue" "$name"
	rc=$?
	core_env=
	return $rc
}

# walk MODE KIND: crashtriage walk --json on MODE's core, the list KIND,
# into $WORK/MODE-KIND.json; sets $rc
walk() {
	mode=$1 kind=$2
	out="$WORK/$mode-$kind.json"
	case $kind in
	slist) args="--member sl" ;;
	list) args="--member li" ;;
	stailq) args="--member sq" ;;
	tailq) args="--member tq" ;;
	hlist) args="--member hl --elem-type item --link hnode" ;;
	list_head) args="--member lh --elem-type item --link lnode" ;;
	esac
	"$CRASHTRIAGE" walk "$WORK/$mode/core" --json --root qroot $args \
		>"$out" 2>"$WORK/$mode-$kind.err"
	rc=$?
	if grep -q -e 'Sanitizer' -e 'runtime error' "$WORK/$mode-$kind.err"; then
		not_ok "$mode $kind: sanitizer report"
		sed 's/^/# /' "$WORK/$mode-$kind.err" | head -20
	fi
}

# offsets in struct item (see walk-queue.c) of each kind's next and back
# link
next_of() {
	case $1 in
	slist) echo 16 ;; list) echo 24 ;; stailq) echo 40 ;; tailq) echo 48 ;;
	hlist) echo 64 ;; list_head) echo 80 ;;
	esac
}
prev_of() {
	case $1 in
	list) echo 32 ;; tailq) echo 56 ;; hlist) echo 72 ;; list_head) echo 88 ;;
	esac
}
field_next() {
	case $1 in
	slist) echo sle_next ;; list) echo le_next ;; stailq) echo stqe_next ;;
	tailq) echo tqe_next ;; *) echo next ;;
	esac
}
field_prev() {
	case $1 in
	list) echo le_prev ;; tailq) echo tqe_prev ;; hlist) echo pprev ;;
	list_head) echo prev ;;
	esac
}

# first MODE KIND FINDING ELEMENT FIELD ADDRESS COUNT [ONLY]: the first
# finding is FINDING at ELEMENT, FIELD, ADDRESS; COUNT elements reached;
# ONLY=1: it is the only finding
first() {
	mode=$1 kind=$2 fk=$3 el=$4 field=$5 addr=$6 count=$7 only=${8:-1}
	f="$WORK/$mode-$kind.json"
	[ $rc -eq 1 ] && ok "$mode $kind: exit 1" || not_ok "$mode $kind: exit $rc"
	n='true'
	[ "$only" = 1 ] && n='(.findings | length) == 1'
	jq_check "$mode $kind: $fk at element $el $field, $count elements" "$f" \
		"$n and .findings[0].kind == \"$fk\" and .findings[0].element == $el and .findings[0].field == \"$field\" and .count == $count"
	got=$(jq -r '.findings[0].address' "$f")
	[ -n "$got" ] && [ "$got" != null ] && [ $((got)) -eq $(($addr)) ] &&
		ok "$mode $kind: at 0x$(printf %x $(($addr)))" ||
		not_ok "$mode $kind: at $got, want $(printf 0x%x $(($addr)))"
}
# item MODE I: the address of item I in MODE's core, as the program said
item() { sed -n "s/^item $2 \(0x[0-9a-f]*\)$/\1/p" "$WORK/$1/out"; }
# elem MODE KIND I: address of element I in the intact walk
elem() { jq -r ".elements[$3].address" "$WORK/$1-$2.json"; }
head_of() { jq -r .head "$WORK/$1-$2.json"; }
# items MODE: the items' addresses as a JSON array
items() {
	printf '['
	for i in 0 1 2 3 4; do printf '"%s"%s' "$(item $1 $i)" "$([ $i = 4 ] || echo ,)"; done
	printf ']'
}

ALL="slist list stailq tailq hlist list_head"
BACK="list tailq hlist list_head"

make_core intact || not_ok "intact: no core was produced"
for m in bitflip flipread backflip tailflip freed foreign shared cycle; do
	make_core $m || not_ok "$m: no core was produced"
done
make_core perturb MALLOC_PERTURB_=107 GLIBC_TUNABLES=glibc.malloc.tcache_count=0 ||
	not_ok "perturb: no core was produced"

# ---- intact: every kind, 5 elements, the same 5 items, no finding ----
for k in $ALL; do
	walk intact $k
	[ $rc -eq 0 ] && ok "intact $k: exit 0" || not_ok "intact $k: exit $rc"
	jq_check "intact $k: kind $k (from the head), 5 elements, no finding" \
		"$WORK/intact-$k.json" \
		".kind == \"$k\" and .count == 5 and .findings == []"
done
want=$(items intact)
for k in $ALL; do
	jq_check "intact $k: the program's items, in order" \
		"$WORK/intact-$k.json" "[.elements[].address] == $want"
done
"$CRASHTRIAGE" walk "$WORK/intact/core" --json --root qroot --member li \
	--kind list_head >"$WORK/wrongkind.json" 2>"$WORK/wrongkind.err"
rc=$?
[ $rc -eq 1 ] && grep -q "is not a list_head head" "$WORK/wrongkind.err" &&
	ok "--kind list_head on a LIST head: refused" ||
	not_ok "--kind list_head on a LIST head: exit $rc"
"$CRASHTRIAGE" walk "$WORK/intact/core" --json --root qroot --member li \
	--kind list >"$WORK/intact-kind.json" 2>/dev/null
jq_check "--kind list: the LIST walked" "$WORK/intact-kind.json" \
	'.kind == "list" and .count == 5'


# ---- a flipped bit: found, named with the bit, and the walk goes on ----
for k in $ALL; do
	walk bitflip $k
	first bitflip $k bit-flip 1 $(field_next $k) "$(item bitflip 1) + $(next_of $k)" 5
	jq_check "bitflip $k: bit 44, and the corrected item 2" "$WORK/bitflip-$k.json" \
		"(.findings[0].reason | test(\"bit 44\")) and (.findings[0].reason | test(\"$(item bitflip 2)\")) and [.elements[].address] == $(items bitflip)"
done
for k in $BACK; do
	walk flipread $k
	first flipread $k bit-flip 1 $(field_next $k) "$(item flipread 1) + $(next_of $k)" 5
	jq_check "flipread $k: bit 4, found through the back link" "$WORK/flipread-$k.json" \
		"(.findings[0].reason | test(\"bit 4\\\\).*points back here\")) and [.elements[].address] == $(items flipread)"
	walk backflip $k
	first backflip $k bit-flip 2 $(field_prev $k) "$(item backflip 2) + $(prev_of $k)" 5
	case $k in list) b=5 ;; tailq) b=4 ;; hlist) b=7 ;; *) b=6 ;; esac
	jq_check "backflip $k: bit $b of the back link" "$WORK/backflip-$k.json" \
		".findings[0].reason | test(\"one bit \\\\(bit $b\\\\)\")"
done
for k in stailq tailq list_head; do
	walk tailflip $k
	case $k in stailq) tf=stqh_last ;; tailq) tf=tqh_last ;; *) tf=prev ;; esac
	first tailflip $k bit-flip null $tf "$(head_of tailflip $k) + 8" 5
done

# ---- freed memory: the link into it is the bad one ----
for m in freed perturb; do
	for k in $ALL; do
		walk $m $k
		first $m $k freed 1 $(field_next $k) "$(item $m 1) + $(next_of $k)" 2 0
		jq_check "$m $k: 0x6b fill named, the object is item 2" "$WORK/$m-$k.json" \
			"(.findings[0].reason | test(\"freed memory \\\\(the object at $(item $m 2)\\\\).*0x6b\"))"
	done
done

jq_check "freed tailq: the walk back from the tail recovers items 4 and 3, stops at the freed item 2" \
	"$WORK/freed-tailq.json" \
	"[.recovered.elements[].address] == [\"$(item freed 3)\", \"$(item freed 4)\"] and (.recovered.stopped | test(\"^freed: the element at $(item freed 2) \"))"

# ---- foreign: a link into a thread's stack ----
for k in $ALL; do
	walk foreign $k
	first foreign $k foreign 1 $(field_next $k) "$(item foreign 1) + $(next_of $k)" 2
	jq_check "foreign $k: a thread's stack" "$WORK/foreign-$k.json" \
		'.findings[0].reason | test("stack")'
done

# ---- shared: item 2 is on a second list too ----
for k in $BACK; do
	walk shared $k
	# a list_head goes on into the second list, round to item 2 again
	n=3; [ $k = list_head ] && n=5
	first shared $k shared 2 $(field_prev $k) "$(item shared 2) + $(prev_of $k)" $n 0
	if [ $k = list_head ]; then
		# going on into the second list closes a loop back to item 2:
		# that is a cycle, but only after the shared node is named
		jq_check "shared $k: two predecessors first, then the cycle" "$WORK/shared-$k.json" \
			'(.findings[0].reason | test("two predecessors")) and .findings[0].kind == "shared" and any(.findings[]; .kind == "cycle")'
	else
		jq_check "shared $k: two predecessors, not a cycle" "$WORK/shared-$k.json" \
			'(.findings[0].reason | test("two predecessors")) and all(.findings[]; .kind != "cycle")'
	fi
done
jq_check "shared list, hlist: the only finding" "$WORK/shared-list.json" \
	'(.findings | length) == 1'
jq_check "shared hlist: the only finding" "$WORK/shared-hlist.json" \
	'(.findings | length) == 1'
walk shared stailq
first shared stailq bad-tail null stqh_last "$(head_of shared stailq) + 8" 3

# ---- a cycle: Brent, not "shared", though item 1 has two predecessors ----
for k in $ALL; do
	walk cycle $k
	first cycle $k cycle 4 $(field_next $k) "$(item cycle 4) + $(next_of $k)" 5
	jq_check "cycle $k: back at element 1, 4 long" "$WORK/cycle-$k.json" \
		'.findings[0].reason | test("element 1[ :].*cycle of 4")'
done

finish
