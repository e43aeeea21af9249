#!/bin/sh
# SPDX-License-Identifier: MIT
# run-walk.sh - "crashtriage walk" over real cores: build
# tests/fixtures/walk-fqdn.c with debug info, let it build an fqdn_node
# whose domain_list TAILQ and addr_list list_head are intact or corrupted
# one way, crash (in strlen on a corrupt name, as the NSX FQDN crash did)
# and dump core the way run-core.sh does.  The intact lists must walk with
# the right count and no finding; each corruption must be found,
# classified and located: element index, field, address.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
CC=${CC:-cc}
BIN="$WORK/bin"
mkdir -p "$BIN"


command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
"$CC" -g -O0 -fno-omit-frame-pointer "$FIX/walk-fqdn.c" -o "$BIN/walk-fqdn" ||
	fail_all "cannot build walk-fqdn"

# ---- cores: the kernel's when core_pattern is a file name, else gcore ----
core_method

# make_core NAME ARGS...: runs walk-fqdn ARGS, leaves $WORK/NAME/core
make_core() {
	name=$1
	shift
	core_of "$WORK/$name" "$BIN/walk-fqdn" "$@"
}

sanitizer_clean() {
	! grep -q -e 'Sanitizer' -e 'runtime error' "$1"
}

# walk NAME OUT ARGS...: crashtriage walk on NAME's core into OUT.json;
# sets $rc
walk() {
	name=$1 out=$2
	shift 2
	"$CRASHTRIAGE" walk "$WORK/$name/core" "$@" >"$WORK/$out.json" \
		2>"$WORK/$out.err"
	rc=$?
	if ! sanitizer_clean "$WORK/$out.err"; then
		not_ok "$out: sanitizer report"
		sed 's/^/# /' "$WORK/$out.err" | head -20
	fi
}

TQ="--root fqdn_root --type fqdn_node --member domain_list"
LH="--root fqdn_root --member addr_list --elem-type fqdn_addr --link node"

for m in intact tail poison cycle unmapped misaligned backlink \
	 notdumped listpoison listprev listnull headfirst listprevpoison \
	 listcycle; do
	make_core $m $m || not_ok "$m: no core was produced"
done
make_core empty empty 0 || not_ok "empty: no core was produced"
for m in namebad nameunterm nameunprint twobreaks backcycle labelfull \
	 members; do
	make_core $m $m || not_ok "$m: no core was produced"
done
make_core big intact 100000 || not_ok "big: no core was produced"

# ---- intact lists: the right count, no finding ----
walk intact intact --json $TQ
[ $rc -eq 0 ] && ok "intact TAILQ: exit 0" || not_ok "intact TAILQ: exit $rc"
jq_check "intact TAILQ: 5 elements, no finding" "$WORK/intact.json" \
	'.kind == "tailq" and .count == 5 and (.elements | length) == 5 and .findings == []'
jq_check "intact TAILQ: indexes 0..4, distinct addresses" "$WORK/intact.json" \
	'([.elements[].index] == [0,1,2,3,4]) and ([.elements[].address] | unique | length) == 5'
walk intact intact-list --json $LH
jq_check "intact list_head: 5 elements, no finding" "$WORK/intact-list.json" \
	'.kind == "list_head" and .count == 5 and .findings == []'
walk intact intact-nodes --json --root fqdn_root --member addr_list
jq_check "intact list_head, bare nodes: 5, no finding" "$WORK/intact-nodes.json" \
	'.count == 5 and .findings == []'
# node addresses are the element addresses plus the offset of "node"
jq -r '.elements[].address' "$WORK/intact-list.json" >"$WORK/e.txt"
jq -r '.elements[].address' "$WORK/intact-nodes.json" >"$WORK/n.txt"
d=$(paste "$WORK/e.txt" "$WORK/n.txt" | while read e n; do
	echo $((n - e)); done | sort -u)
[ "$d" = 8 ] && ok "list_head: container_of by the DWARF offset of 'node' (8)" ||
	not_ok "list_head: node - element offsets '$d'"

# the same head reached three ways
walk intact via-table --json --root fqdn_table.root --member domain_list
root=$(jq -r .root "$WORK/intact.json")
walk intact via-addr --json --root "$root" --type fqdn_node --member domain_list
jq_check "root 'fqdn_table.root': same elements" "$WORK/via-table.json" \
	"[.elements[].address] == $(jq -c '[.elements[].address]' "$WORK/intact.json")"
jq_check "root as an address with --type: same elements" "$WORK/via-addr.json" \
	"[.elements[].address] == $(jq -c '[.elements[].address]' "$WORK/intact.json")"
walk intact linkpath --json $TQ --elem-type domain_entry --link entries.tqe_next
jq_check "--elem-type --link entries.tqe_next: same walk" "$WORK/linkpath.json" \
	'.count == 5 and .findings == []'

# gdb agrees on the elements
if [ $have_gdb = yes ]; then
	gdb -nx -batch -ex 'p fqdn_root->domain_list.tqh_first' \
		-ex 'p fqdn_root->domain_list.tqh_first->entries.tqe_next->entries.tqe_next->entries.tqe_next->entries.tqe_next' \
		-ex 'p (long)&((struct domain_entry *)0)->entries.tqe_next' \
		-ex 'p (long)&((struct domain_entry *)0)->entries.tqe_prev' \
		"$BIN/walk-fqdn" "$WORK/intact/core" 2>/dev/null |
		sed -n 's/^\$[0-9]* = .*\(0x[0-9a-f]*\).*/\1/p; s/^\$[0-9]* = \([0-9][0-9]*\)$/\1/p' >"$WORK/gdb.txt"
	g0=$(sed -n 1p "$WORK/gdb.txt") g4=$(sed -n 2p "$WORK/gdb.txt")
	NEXT=$(sed -n 3p "$WORK/gdb.txt") PREV=$(sed -n 4p "$WORK/gdb.txt")
	jq_check "gdb: same first and fifth element" "$WORK/intact.json" \
		".elements[0].address == \"$g0\" and .elements[4].address == \"$g4\""
else
	skip "gdb: same elements" "gdb not installed"
fi
: "${NEXT:=16}" "${PREV:=24}"

walk big big --json $TQ
jq_check "100000-element TAILQ: count, no finding" "$WORK/big.json" \
	'.count == 100000 and .findings == []'
walk big big-list --json $LH
jq_check "100000-element list_head: count, no finding" "$WORK/big-list.json" \
	'.count == 100000 and .findings == []'
walk big big-max --json --max 1000 $TQ
jq_check "--max 1000: stops with a too-long finding at element 999" "$WORK/big-max.json" \
	'.count == 1000 and (.findings | length) == 1 and .findings[0].kind == "too-long" and .findings[0].element == 999'

# ---- corruptions: found, classified, located ----
# located NAME OUT KIND ELEMENT FIELD: exactly one finding, as said, and
# its address is the field's address in that element (or the head).  The
# corrupt modes also leave the last entry's name 0x6b6b...: for a link
# FIELD, the member checks' finding on a name is not counted (victim_name
# checks it)
located() {
	name=$1 out=$2 kind=$3 el=$4 field=$5
	[ $rc -eq 1 ] && ok "$name: exit 1 on corruption" || not_ok "$name: exit $rc"
	jq_check "$name: one finding, $kind at element $el field $field" "$WORK/$out.json" \
		"[.findings[] | select(.field != \"name\" or \"$field\" == \"name\")] | length == 1 and .[0].kind == \"$kind\" and .[0].element == $el and .[0].field == \"$field\""
}
# addr_is OUT WANT: the finding's address
addr_is() {
	got=$(jq -r '.findings[0].address' "$WORK/$1.json")
	[ $((got)) -eq $(($2)) ] && ok "$1: finding at 0x$(printf %x $(($2)))" ||
		not_ok "$1: finding at $got, want $(printf 0x%x $(($2)))"
}
elem() { jq -r ".elements[$2].address" "$WORK/$1.json"; }

walk tail tail --json $TQ
located tail tail bad-tail null tqh_last
head=$(jq -r .head "$WORK/tail.json")
addr_is tail "$head + 8"
jq_check "tail: says where tqh_last points (element 1's tqe_next)" "$WORK/tail.json" \
	'.count == 5 and (.findings[0].reason | test("element 1.s tqe_next"))'

walk poison poison --json $TQ
located poison poison poison 2 tqe_next
addr_is poison "$(elem poison 2) + $NEXT"
jq_check "poison: 3 elements reached, 0x6b named" "$WORK/poison.json" \
	'.count == 3 and (.findings[0].reason | test("0x6b6b6b6b6b6b6b6b.*POISON_FREE"))'

walk cycle cycle --json $TQ
located cycle cycle cycle 4 tqe_next
addr_is cycle "$(elem cycle 4) + $NEXT"
jq_check "cycle: 5 distinct elements, back at element 1, length 4" "$WORK/cycle.json" \
	'.count == 5 and (.findings[0].reason | test("element 1 .*cycle of 4"))'

walk unmapped unmapped --json $TQ
located unmapped unmapped unmapped 3 tqe_next
jq_check "unmapped: 0x10000 never mapped" "$WORK/unmapped.json" \
	'.count == 4 and (.findings[0].reason | test("0x10000 .*never mapped"))'

# the kernel leaves file-backed text out of a core; gcore may not
walk notdumped notdumped --json $TQ
if [ $use_kernel = yes ]; then
	located notdumped notdumped not-dumped 2 tqe_next
	jq_check "notdumped: mapped but left out, not 'never mapped'" "$WORK/notdumped.json" \
		'.findings[0].reason | test("left out of the dump")'
else
	skip "notdumped" "cores come from gcore, which may dump the text"
fi

walk misaligned misaligned --json $TQ
located misaligned misaligned misaligned 1 tqe_next
addr_is misaligned "$(elem misaligned 1) + $NEXT"

walk backlink backlink --json $TQ
located backlink backlink bad-back-link 3 tqe_prev
addr_is backlink "$(elem backlink 3) + $PREV"
jq_check "backlink: the walk goes on to the end" "$WORK/backlink.json" '.count == 5'

walk headfirst headfirst --json $TQ
[ $rc -eq 1 ] && ok "headfirst: exit 1" || not_ok "headfirst: exit $rc"
jq_check "headfirst: tqh_first 0x5a poison, tqh_last LIST_POISON2, both at the head" \
	"$WORK/headfirst.json" \
	'.count == 0 and ([.findings[] | [.kind, .element, .field]] == [["poison", null, "tqh_first"], ["poison", null, "tqh_last"]]) and (.findings[0].reason | test("POISON_INUSE")) and (.findings[1].reason | test("LIST_POISON2"))'
addr_is headfirst "$(jq -r .head "$WORK/headfirst.json")"

walk empty empty --json $TQ
located empty empty bad-tail null tqh_last
jq_check "empty: count 0, tqh_first named" "$WORK/empty.json" \
	'.count == 0 and (.findings[0].reason | test("empty"))'

walk listpoison listpoison --json $LH
located listpoison listpoison poison 2 next
addr_is listpoison "$(elem listpoison 2) + 8"
jq_check "listpoison: LIST_POISON1 named" "$WORK/listpoison.json" \
	'.findings[0].reason | test("LIST_POISON1")'
walk listprev listprev --json $LH
located listprev listprev bad-back-link 1 prev
addr_is listprev "$(elem listprev 1) + 16"
walk listnull listnull --json $LH
located listnull listnull null 3 next
walk listcycle listcycle --json $LH
located listcycle listcycle cycle 4 next
addr_is listcycle "$(elem listcycle 4) + 8"
jq_check "listcycle: 5 distinct elements, back at element 2, length 3" "$WORK/listcycle.json" \
	'.count == 5 and (.findings[0].reason | test("element 2: a cycle of 3"))'
walk listprevpoison listprevpoison --json $LH
located listprevpoison listprevpoison poison 4 prev
jq_check "listprevpoison: 0xdead000000000122 is LIST_POISON2" "$WORK/listprevpoison.json" \
	'.findings[0].reason | test("0xdead000000000122 is LIST_POISON2")'

# ---- string members: the name of each domain_entry ----
STR="$TQ --string name"
walk intact intact-str --json $STR
[ $rc -eq 0 ] && ok "intact names: exit 0" || not_ok "intact names: exit $rc"
jq_check "intact names: 5 elements, no finding" "$WORK/intact-str.json" \
	'.count == 5 and .findings == []'
walk big big-str --json $STR
jq_check "100000 intact names: no finding" "$WORK/big-str.json" \
	'.count == 100000 and .findings == []'
walk namebad namebad --json $STR
located namebad namebad unmapped 2 name
addr_is namebad "$(elem namebad 2)"
jq_check "namebad: lists intact, 0x10000 never mapped" "$WORK/namebad.json" \
	'.count == 5 and (.findings[0].reason | test("0x10000 .*never mapped"))'
walk namebad namebad-nostr --json $TQ
jq_check "namebad without --string: the links intact, the name found by the member checks" \
	"$WORK/namebad-nostr.json" \
	'.count == 5 and ([.findings[] | [.kind, .element, .field]] == [["unmapped", 2, "name"]]) and (.findings[0].reason | test("0x10000: never mapped"))'
walk namebad namebad-nomem --json $TQ --no-members
jq_check "namebad --no-members: only the links, intact" "$WORK/namebad-nomem.json" \
	'.count == 5 and .findings == []'
walk nameunterm nameunterm --json $STR
located nameunterm nameunterm unterminated 2 name
jq_check "nameunterm: no NUL in 3996 bytes, then never mapped" "$WORK/nameunterm.json" \
	'.findings[0].reason | test("no NUL in the 3996 bytes .*never mapped")'
walk nameunprint nameunprint --json $STR
located nameunprint nameunprint unprintable 2 name
jq_check "nameunprint: byte 0x01 at offset 9" "$WORK/nameunprint.json" \
	'.findings[0].reason | test("byte 0x01 at offset 9 ")'
walk poison poison-str --json $STR
jq_check "poison, --string: the 0x6b name of element 4 (recovered from the tail) is found" \
	"$WORK/poison-str.json" \
	'[.findings[] | [.kind, .element, .field]] == [["poison", 2, "tqe_next"], ["poison", 4, "name"]]'
walk intact labels --json $STR --string label
jq_check "intact char[16] labels and names: no finding" "$WORK/labels.json" \
	'.count == 5 and .findings == []'
walk labelfull labelfull --json $STR --string label
located labelfull labelfull unterminated 3 label
addr_is labelfull "$(elem labelfull 3) + 32"
jq_check "labelfull: no NUL in the whole 16-byte array" "$WORK/labelfull.json" \
	'.findings[0].reason | test("no NUL in 16 bytes \\(the whole array\\)")'
walk nameunprint strlist --json $LH --string name
[ $rc -eq 1 ] && grep -q "struct 'fqdn_addr' has no member 'name'" "$WORK/strlist.err" &&
	ok "--string naming no member: exit 1, named" || not_ok "--string no member: exit $rc"
walk intact strnotchar --json $TQ --string refcnt
[ $rc -eq 1 ] && grep -q "not a char pointer" "$WORK/strnotchar.err" &&
	ok "--string on an unsigned: exit 1" || not_ok "--string unsigned: exit $rc"
walk namebad namebad-case --case $STR
jq_check "--case: the name finding in the case model" "$WORK/namebad-case.json" \
	'(.findings | length) == 1 and .findings[0].type == "domain_entry" and .findings[0].member == "name" and .findings[0].element == 2 and .findings[0].kind == "unmapped"'

# ---- every pointer member, by default (no --string) ----
jq_check "tail, plain walk: the last entry's 0x6b6b... name found by the member checks" \
	"$WORK/tail.json" \
	'[.findings[] | select(.field == "name") | [.kind, .element]] == [["poison", 4]]'
walk members members --json $TQ
[ $rc -eq 1 ] && ok "members: exit 1" || not_ok "members: exit $rc"
jq_check "members: exactly entry 1's unmapped name, 2's freed name, 3's misaligned addr" \
	"$WORK/members.json" \
	'.count == 5 and [.findings[] | [.kind, .element, .field, .type]] == [["unmapped", 1, "name", "domain_entry"], ["freed", 2, "name", "domain_entry"], ["misaligned", 3, "addr", "domain_entry"]]'
jq_check "members: each at its member's address, reasons said" "$WORK/members.json" \
	'.elements as $e | (.findings[0].address == $e[1].address) and (.findings[1].address == $e[2].address) and ((.findings[2].address | ltrimstr("0x") | explode | length) > 0) and (.findings[0].reason | test("0x10000: never mapped")) and (.findings[1].reason | test("freed memory: .* bytes are the free poison 0x6b")) and (.findings[2].reason | test("not aligned to 8 bytes"))'
addr=$(jq -r '.findings[2].address' "$WORK/members.json")
e3=$(elem members 3)
[ $((addr - e3)) -eq 48 ] && ok "members: addr finding at element 3 + 48" ||
	not_ok "members: addr finding at $addr, element 3 at $e3"
jq_check "members: the union with a number variant is not checked, and said" \
	"$WORK/members.json" '.member_note | test("6 pointer members checked; unions holding non-pointers not checked")'
walk members members-off --json $TQ --no-members
[ $rc -eq 0 ] && ok "members --no-members: exit 0" || not_ok "members --no-members: exit $rc"
jq_check "members --no-members: no finding, no note" "$WORK/members-off.json" \
	'.count == 5 and .findings == [] and (has("member_note") | not)'
walk members members-list --json $LH
jq_check "members: the list_head of fqdn_addr (no pointer but its link) is clean" \
	"$WORK/members-list.json" '.count == 5 and .findings == []'
walk members members-text $TQ
grep -q '^finding  freed: element 2 domain_entry.name at 0x' "$WORK/members-text.json" &&
	grep -q '^note     struct domain_entry: 6 pointer members checked' "$WORK/members-text.json" &&
	ok "members: text findings and note" || not_ok "members: text findings and note"
walk members members-case --case $TQ
jq_check "members --case: the members in the case model" "$WORK/members-case.json" \
	'[.findings[] | [.kind, .type, .member, .element]] == [["unmapped", "domain_entry", "name", 1], ["freed", "domain_entry", "name", 2], ["misaligned", "domain_entry", "addr", 3]]'

# ---- walking back from the tail when the forward walk breaks ----
# recovered NAME COUNT FIRST LAST JOINED: the back walk recovered exactly
# the COUNT elements after the break, indexes FIRST..LAST, meeting the
# forward walk at element JOINED, and did not stop on its own
recovered() {
	jq_check "$1: $2 recovered from the tail, indexes $3..$4, joined at $5" "$WORK/$1.json" \
		".recovered.count == $2 and (.recovered.elements | length) == $2 and .recovered.first_index == $3 and .recovered.last_index == $4 and .recovered.joined == $5 and .recovered.break_after == (.count - 1) and .recovered.stopped == null and ([.recovered.elements[].index] == [range($3; $4 + 1)]) and ((.elements + .recovered.elements | map(.address) | unique | length) == .count + $2)"
}
recovered poison 2 3 4 2
recovered unmapped 1 4 4 3
recovered misaligned 3 2 4 1
recovered listpoison 2 3 4 2
recovered listnull 1 4 4 3
walk listpoison listpoison-nodes --json --root fqdn_root --member addr_list
recovered listpoison-nodes 2 3 4 2
walk intact strnodes --json --root fqdn_root --member addr_list --string name
[ $rc -eq 1 ] && grep -q "string members need an element struct" "$WORK/strnodes.err" &&
	ok "--string over bare list nodes: exit 1, said" || not_ok "--string bare nodes: exit $rc"
jq_check "cycle: the tail is an element reached: nothing to recover" "$WORK/cycle.json" \
	'.recovered.count == 0 and .recovered.joined == 4'
jq_check "intact, too-long, bad tqh_last: no back walk" "$WORK/intact.json" \
	'has("recovered") | not'
jq_check "--max: no back walk" "$WORK/big-max.json" 'has("recovered") | not'
jq_check "headfirst: tqh_last poison, no back walk" "$WORK/headfirst.json" 'has("recovered") | not'
if [ $have_gdb = yes ]; then
	# the last element recovered is the one tqh_last names
	t=$(gdb -nx -batch -ex 'p fqdn_root->domain_list.tqh_last' \
		"$BIN/walk-fqdn" "$WORK/poison/core" 2>/dev/null |
		sed -n 's/^\$[0-9]* = .*\(0x[0-9a-f]*\).*/\1/p')
	got=$(jq -r '.recovered.elements[1].address' "$WORK/poison.json")
	[ -n "$t" ] && [ $((got)) -eq $((t - NEXT)) ] &&
		ok "poison: recovered element 4 is tqh_last's element (gdb)" ||
		not_ok "poison: recovered element 4 $got, tqh_last $t"
else
	skip "poison: gdb agrees" "gdb not installed"
fi
walk twobreaks twobreaks --json $TQ
jq_check "twobreaks: back walk recovers 4 and 3, stops at 3's unmapped tqe_prev, no indexes" \
	"$WORK/twobreaks.json" \
	'.recovered as $r | .count == 2 and $r.count == 2 and $r.joined == null and $r.first_index == null and ($r.stopped | test("^unmapped: tqe_prev of " + $r.elements[0].address + " is 0x10000 ")) and ($r.elements | map(has("index")) == [false, false])'
walk backcycle backcycle --json $TQ
jq_check "backcycle: back links 4, 3, 4: two recovered, each once, cycle said" \
	"$WORK/backcycle.json" \
	'.count == 2 and .recovered.count == 2 and (.recovered.elements | map(.address) | unique | length) == 2 and (.recovered.stopped | test("cycle")) and .recovered.joined == null'
walk twobreaks twobreaks-text $TQ
grep -q '^  \[tail-1\] 0x' "$WORK/twobreaks-text.json" &&
	ok "text: recovered elements without indexes counted from the tail" ||
	not_ok "text: recovered elements without indexes"
walk poison poison-text $TQ
grep -q '^recovered 2 from the tail: elements 3..4' "$WORK/poison-text.json" &&
	ok "text: the recovered line" || not_ok "text: the recovered line"

# ---- the findings in the case model ----
walk poison poison-case --case $TQ
jq_check "--case: finding in the case model with type, member, element" "$WORK/poison-case.json" \
	'(.findings | length) == 2 and .findings[0].kind == "poison" and .findings[0].type == "domain_entry" and .findings[0].member == "entries.tqe_next" and .findings[0].element == 2 and ([.findings[1] | .kind, .type, .member, .element] == ["poison", "domain_entry", "name", 4])'
walk tail tail-case --case $TQ
jq_check "--case: head finding belongs to fqdn_node, member domain_list.tqh_last" "$WORK/tail-case.json" \
	'.findings[0].type == "fqdn_node" and .findings[0].member == "domain_list.tqh_last" and .findings[0].element == null'
jq_check "--case: the case is the core's (crashing thread, signal)" "$WORK/tail-case.json" \
	'(.inputs[0].kind == "elf-core") and ([.backtraces[] | select(.crashing)] | length == 1)'
jq_check "--case: a corrupt fqdn_node.domain_list is evidence for the FQDN known issue" "$WORK/tail-case.json" \
	'[.matches[] | select(.id == "esxi-nsx-fqdn-domain-list")][0].why | any(test("fqdn_node.domain_list"))'
walk headfirst headfirst-case --case $TQ
jq_check "--case: the seed's bad tqh_first/tqh_last match the FQDN issue" "$WORK/headfirst-case.json" \
	'.matches[0].id == "esxi-nsx-fqdn-domain-list"'
walk intact intact-case --case $TQ
jq_check "--case: an intact list is no evidence" "$WORK/intact-case.json" \
	'(.findings | length) == 0 and ([.matches[] | select(.id == "esxi-nsx-fqdn-domain-list")] | length) == 0'

# ---- the crash itself is strlen on a corrupt name ----
"$CRASHTRIAGE" analyze --json "$WORK/poison/core" >"$WORK/an.json" 2>/dev/null
jq_check "corrupt modes crash in strlen under crash_strlen" "$WORK/an.json" \
	'[.backtraces[] | select(.crashing) | .frames[].function] | (index("crash_strlen") != null) and (.[0] | test("strlen"))'

# ---- text output and errors ----
walk cycle cycle-text $TQ
grep -q '^finding  cycle: element 4 domain_entry.tqe_next at 0x' "$WORK/cycle-text.json" &&
	ok "text: the finding line" || not_ok "text: the finding line"
walk intact nomember --member no_such_list --root fqdn_root
[ $rc -eq 1 ] && grep -q "has no member 'no_such_list'" "$WORK/nomember.err" &&
	ok "unknown member: exit 1, named" || not_ok "unknown member: exit $rc"
walk intact nosym --member domain_list --root no_such_symbol
[ $rc -eq 1 ] && grep -q "no global variable 'no_such_symbol'" "$WORK/nosym.err" &&
	ok "unknown symbol: exit 1, named" || not_ok "unknown symbol: exit $rc"
walk intact wrongtype --member domain_list --root fqdn_root --type fqdn_addr
[ $rc -eq 1 ] && grep -q "not fqdn_addr" "$WORK/wrongtype.err" &&
	ok "root of another type: exit 1" || not_ok "root of another type: exit $rc"
walk intact badaddr --member domain_list --root 0x10 --type fqdn_node
[ $rc -eq 1 ] && grep -q "never mapped" "$WORK/badaddr.err" &&
	ok "unmapped root address: exit 1, said" || not_ok "unmapped root address: exit $rc"
walk intact usage --member domain_list
[ $rc -eq 2 ] && ok "no --root: usage error" || not_ok "no --root: exit $rc"
mkfifo "$WORK/fifo"
timeout 60 "$CRASHTRIAGE" walk "$WORK/intact/core" --exe "$WORK/fifo" $TQ \
	>/dev/null 2>"$WORK/fifo.err"
rc=$?
[ $rc -eq 1 ] && grep -q "not a regular file" "$WORK/fifo.err" &&
	ok "--exe naming a FIFO: no hang, exit 1" || not_ok "--exe FIFO: exit $rc"
"$CRASHTRIAGE" walk "$FIX/walk-fqdn.c" $TQ >/dev/null 2>"$WORK/notcore.err"
rc=$?
[ $rc -eq 1 ] && sanitizer_clean "$WORK/notcore.err" &&
	ok "not a core: exit 1" || not_ok "not a core: exit $rc"

# a core cut inside the heap: the element at the cut is "truncated", not
# "unmapped", and the walk stops there
size=$(wc -c <"$WORK/big/core")
head -c $((size / 3)) "$WORK/big/core" >"$WORK/big/cut"
# (by address: gcore writes the notes last, so the cut loses the auxv)
broot=$(jq -r .root "$WORK/big.json")
"$CRASHTRIAGE" walk "$WORK/big/cut" --json --exe "$BIN/walk-fqdn" \
	--root "$broot" --type fqdn_node --member domain_list \
	>"$WORK/cut.json" 2>"$WORK/cut.err"
rc=$?
[ $rc -eq 1 ] && sanitizer_clean "$WORK/cut.err" &&
	ok "core cut short: exit 1, no sanitizer report" || not_ok "core cut short: exit $rc"
jq_check "core cut short: truncated at the last element reached, and tqh_last points past the cut" "$WORK/cut.json" \
	'.count > 0 and .count < 100000 and ([.findings[] | [.kind, .field]] == [["truncated", "tqe_next"], ["truncated", "tqh_last"]]) and .findings[0].element == .count - 1 and .findings[1].element == null'
if [ "$(od -An -tx1 -j16 -N1 "$BIN/walk-fqdn" | tr -d ' ')" = 03 ]; then
	"$CRASHTRIAGE" walk "$WORK/big/cut" --exe "$BIN/walk-fqdn" $TQ \
		>/dev/null 2>"$WORK/cut2.err"
	rc=$?
	# the kernel writes the notes first: the cut keeps AT_ENTRY
	if [ $rc -eq 1 ] && { [ $use_kernel = yes ] ||
		grep -q "no AT_ENTRY" "$WORK/cut2.err"; }; then
		ok "core cut short, root by symbol: exit 1, load address said"
	else
		not_ok "core cut short, root by symbol: exit $rc"
		sed 's/^/# /' "$WORK/cut2.err"
	fi
fi
finish
