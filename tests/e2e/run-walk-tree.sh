#!/bin/sh
# SPDX-License-Identifier: MIT
# run-walk-tree.sh - "crashtriage walk" over red-black trees in real
# cores: build tests/fixtures/walk-pf.c (pf's table of tables, kept in a
# BSD RB tree with a separate colour, one with the colour packed into
# rbe_parent, and a Linux rb_root), corrupt one tree one way, crash, and
# walk the core.  The fixture prints the findings the walk must make
# ("EXPECT KIND ELEMENT FIELD ADDRESS", element = in-order index); the
# walk must make exactly those: found, classified and located.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
CC=${CC:-cc}
BIN="$WORK/bin"
mkdir -p "$BIN"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
"$CC" -g -O0 -fno-omit-frame-pointer "$FIX/walk-pf.c" -o "$BIN/walk-pf" ||
	fail_all "cannot build walk-pf"
core_method

# make_core NAME ARGS...: runs walk-pf ARGS in $WORK/NAME, leaves core
# there and the fixture's output in expect (stdout) and stderr
make_core() {
	name=$1
	shift
	core_of "$WORK/$name" "$BIN/walk-pf" "$@" || return 1
	# the fixture says what each walk must find
	grep '^EXPECT ' "$WORK/$name/out" >"$WORK/$name/expect"
	return 0	# an intact tree expects nothing
}

sanitizer_clean() {
	! grep -q -e 'Sanitizer' -e 'runtime error' "$1"
}

# walk NAME OUT ARGS...: crashtriage walk on NAME's core into OUT.json
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

# the walk arguments for each layout
args() {
	case $1 in
	rb) echo "--root pfr_ktables --link pfrkt_tree --key pfrkt_t.pfrt_name" ;;
	packed) echo "--root pfr_ktables_packed --link pfrkt_ptree --key pfrkt_t.pfrt_name" ;;
	linux) echo "--root pfr_kseq --elem-type pfr_ktable --link pfrkt_node --key pfrkt_seq" ;;
	esac
}
kind_of() { [ $1 = linux ] && echo linux-rb || echo rb; }

# same_findings OUT EXPECT: the findings are exactly the expected ones
# (kind, element, field, address), in any order
same_findings() {
	jq -r '.findings[] | "\(.kind) \(.element) \(.field) \(.address)"' \
		"$WORK/$1.json" | while read k e f a; do
		printf '%s %s %s 0x%x\n' "$k" "$e" "$f" "$a"; done | sort >"$WORK/$1.got"
	sed -n 's/^EXPECT //p' "$2" | while read k e f a; do
		printf '%s %s %s 0x%x\n' "$k" "$e" "$f" "$a"; done | sort >"$WORK/$1.want"
	if [ -s "$WORK/$1.want" ] && cmp -s "$WORK/$1.got" "$WORK/$1.want"; then
		ok "$1: findings are $(tr '\n' ';' <"$WORK/$1.want" | cut -c1-90)"
	else
		not_ok "$1: findings differ from the fixture's"
		sed 's/^/# got  /' "$WORK/$1.got"
		sed 's/^/# want /' "$WORK/$1.want"
		sed 's/^/# /' "$WORK/$1.err" | head -5
	fi
}

MODES="red-red black-height bad-parent order duplicate root-red poison cycle shared doublefree relink"
make_core intact intact || not_ok "intact: no core was produced"
make_core leftmost leftmost linux || not_ok "leftmost: no core was produced"
make_core big intact rb 100000 || not_ok "big: no core was produced"
for l in rb packed linux; do
	for m in $MODES; do
		make_core $l-$m $m $l || not_ok "$l-$m: no core was produced"
	done
done

# ---- intact trees: every table once, in key order, no finding ----
for l in rb packed linux; do
	walk intact intact-$l --json $(args $l)
	[ $rc -eq 0 ] && ok "intact $l: exit 0" || not_ok "intact $l: exit $rc"
	jq_check "intact $l: kind $(kind_of $l), 200 elements, no finding" \
		"$WORK/intact-$l.json" \
		".kind == \"$(kind_of $l)\" and .count == 200 and .findings == [] and ([.elements[].index] == [range(200)]) and ([.elements[].address] | unique | length) == 200"
done
# the three trees hold the same tables in the same order (by name, and
# by pfrkt_seq = 3k - 200)
jq_check "intact: the three trees walk the same elements in the same order" \
	"$WORK/intact-rb.json" \
	"[.elements[].address] == $(jq -c '[.elements[].address]' "$WORK/intact-packed.json") and [.elements[].address] == $(jq -c '[.elements[].address]' "$WORK/intact-linux.json")"
walk intact intact-auto --json --root pfr_kseq
jq_check "rb_root without --kind or --elem-type: linux-rb, bare nodes, 200" \
	"$WORK/intact-auto.json" '.kind == "linux-rb" and .count == 200 and .findings == []'
jq -r '.elements[].address' "$WORK/intact-linux.json" >"$WORK/e.txt"
jq -r '.elements[].address' "$WORK/intact-auto.json" >"$WORK/n.txt"
d=$(paste "$WORK/e.txt" "$WORK/n.txt" | while read e n; do
	echo $((n - e)); done | sort -u)
off=$(gdb -nx -batch -ex 'p (long)&((struct pfr_ktable *)0)->pfrkt_node' \
	"$BIN/walk-pf" 2>/dev/null | sed -n 's/^\$1 = //p')
if [ -z "$off" ]; then
	if command -v gdb >/dev/null 2>&1; then
		not_ok "rb_node elements: gdb gave no offset of pfrkt_node"
	else
		skip "rb_node elements: container_of by pfrkt_node's offset" "gdb not installed"
	fi
elif [ "$(echo "$d" | wc -l)" -eq 1 ] && [ "$d" = "$off" ]; then
	ok "rb_node elements: container_of by the DWARF offset of pfrkt_node ($d)"
else
	not_ok "rb_node - element offsets '$d', gdb says '$off'"
fi
walk intact intact-kind --json --kind rb --root pfr_ktables --link pfrkt_tree
jq_check "--kind rb without --key: 200, no finding" "$WORK/intact-kind.json" \
	'.kind == "rb" and .count == 200 and .findings == []'

# ---- 100000 tables: no false positive, and how long it takes ----
for l in rb packed linux; do
	t0=$(date +%s%N)
	walk big big-$l --json $(args $l)
	t1=$(date +%s%N)
	echo "# 100000-element $l tree with --key: $(((t1 - t0) / 1000000)) ms"
	jq_check "100000-element $l tree: count, no finding" "$WORK/big-$l.json" \
		'.count == 100000 and .findings == []'
done
walk big big-max --json $(args rb) --max 1000
jq_check "--max 1000: stops with a too-long finding" "$WORK/big-max.json" \
	'.count == 1000 and ([.findings[].kind] == ["too-long"])'

# ---- corruptions: exactly the fixture's findings ----
for l in rb packed linux; do
	for m in $MODES; do
		walk $l-$m $l-$m --json $(args $l)
		[ $rc -eq 1 ] || not_ok "$l-$m: exit $rc, want 1"
		same_findings $l-$m "$WORK/$l-$m/expect"
	done
done

# ---- rb_root_cached: rb_leftmost is the first node in order ----
walk intact intact-cached --json --root pfr_kseq_cached --elem-type pfr_ktable --link pfrkt_node --key pfrkt_seq
jq_check "intact rb_root_cached: linux-rb, same 200 elements, no finding" \
	"$WORK/intact-cached.json" \
	".kind == \"linux-rb\" and .findings == [] and [.elements[].address] == $(jq -c '[.elements[].address]' "$WORK/intact-linux.json")"
walk leftmost leftmost --json --root pfr_kseq_cached --elem-type pfr_ktable --link pfrkt_node --key pfrkt_seq
[ $rc -eq 1 ] || not_ok "leftmost: exit $rc, want 1"
same_findings leftmost "$WORK/leftmost/expect"
walk leftmost leftmost-plain --json $(args linux)
jq_check "leftmost: the rb_root alone has nothing to say" "$WORK/leftmost-plain.json" \
	'.count == 200 and .findings == []'

# ---- what the findings say ----
jq_check "poison: the 0x6b pattern named; the right subtree is lost" \
	"$WORK/rb-poison.json" \
	'(.findings[0].reason | test("0x6b6b6b6b6b6b6b6b .*POISON_FREE")) and .count < 200'
jq_check "cycle: the link to an ancestor is not followed twice" \
	"$WORK/linux-cycle.json" \
	'.count == 200 and (.findings[0].reason | test("ancestor"))'
jq_check "shared: names the element reached before (0)" \
	"$WORK/packed-shared.json" '.findings[0].reason | test("\\(element 0\\)")'
jq_check "order: says which neighbour the key sorts after" "$WORK/rb-order.json" \
	'.findings[0].reason | test("\"zzz\" sorts after element 101.s \"tbl-000101\"")'
jq_check "order, signed integer key: LONG_MAX after 103" "$WORK/linux-order.json" \
	'.findings[0].reason | test("9223372036854775807 sorts after element 101.s 103")'
jq_check "duplicate: the key and the element it equals" "$WORK/packed-duplicate.json" \
	'.findings[0].reason | test("\"tbl-000099\" equals element 99")'
jq_check "black-height: both counts said" "$WORK/rb-black-height.json" \
	'.findings[0].reason | test("1 black nodes on every path down rbe_left, 0 down rbe_right")'

# ---- the double free: glibc aborted, the walk finds the freed table ----
for l in rb packed linux; do
	grep -q "free(): double free detected" "$WORK/$l-doublefree/stderr" &&
		grep -q "free(): double free detected" "$WORK/$l-relink/stderr" &&
		ok "doublefree $l: glibc aborted on the second free" ||
		not_ok "doublefree $l: no glibc double free message"
done
jq_check "doublefree: the freed table is named, with the tcache proof" \
	"$WORK/rb-doublefree.json" \
	'.findings[0].reason | test("^bytes 0-15 are a glibc tcache entry .*key 0x[0-9a-f]+\\); chunk of 0xa0 bytes; pfrkt_t.pfrt_name \"tbl-000066\"$")'
"$CRASHTRIAGE" analyze --json "$WORK/rb-doublefree/core" >"$WORK/df-an.json" 2>/dev/null
jq_check "doublefree: the core is glibc's abort from free()" "$WORK/df-an.json" \
	'[.backtraces[] | select(.crashing) | .frames[].function] | (index("abort") != null) and (index("malloc_printerr") != null) and (index("main") != null)'
walk rb-doublefree df-case --case $(args rb)
jq_check "--case: the freed table in the case model" "$WORK/df-case.json" \
	'[.findings[] | select(.kind == "freed")] | length == 1 and .[0].type == "pfr_ktable" and .[0].member == "pfrkt_t" and .[0].element == 66'
walk rb-red-red rr-case --case $(args rb)
jq_check "--case: a link finding's member is the link path" "$WORK/rr-case.json" \
	'.findings[0].member == "pfrkt_tree.rbe_color"'
walk rb-doublefree df-text $(args rb)
grep -q '^finding  freed: element 66 pfr_ktable.pfrkt_t at 0x' "$WORK/df-text.json" &&
	ok "text: the freed finding line" || not_ok "text: the freed finding line"
grep -q '^walk     RB_HEAD pfr_ktables (pfr_ktablehead) at 0x' "$WORK/df-text.json" &&
	ok "text: the walk line names the kind (RB_HEAD)" || not_ok "text: the walk line"

# ---- errors ----
walk intact twolinks --json --root pfr_ktables
[ $rc -eq 1 ] && grep -q "has 2 RB_ENTRY members; give --link" "$WORK/twolinks.err" &&
	ok "two RB_ENTRY members, no --link: exit 1, said" || not_ok "two links: exit $rc"
walk intact badkey --json --root pfr_ktables --link pfrkt_tree --key pfrkt_tree
[ $rc -eq 1 ] && grep -q "not an integer, a char array or a char pointer" "$WORK/badkey.err" &&
	ok "--key naming a struct: exit 1" || not_ok "--key struct: exit $rc"
walk intact nokey --json --root pfr_ktables --link pfrkt_tree --key no_such
[ $rc -eq 1 ] && grep -q "has no member 'no_such'" "$WORK/nokey.err" &&
	ok "--key naming no member: exit 1" || not_ok "--key no member: exit $rc"
walk intact barekey --json --root pfr_kseq --key pfrkt_seq
[ $rc -eq 1 ] && grep -q "key needs the element struct" "$WORK/barekey.err" &&
	ok "--key over bare rb_nodes: exit 1" || not_ok "--key bare: exit $rc"
walk intact wrongkind --json --root pfr_ktables --kind linux-rb
[ $rc -eq 1 ] && grep -q "no rb_node" "$WORK/wrongkind.err" &&
	ok "--kind linux-rb on an RB_HEAD: exit 1" || not_ok "wrong kind: exit $rc"
walk intact notree --json --root pfr_ktables --kind tailq
[ $rc -eq 1 ] && ok "--kind tailq on an RB_HEAD: exit 1" || not_ok "tailq on tree: exit $rc"
finish
