#!/bin/bash
# SPDX-License-Identifier: MIT
# run-vmcore-walk.sh - "crashtriage walk" on a real Linux kernel dump with
# no debug package, against what the guest itself said it broke.
#
# tests/fixtures/make-vmcore.sh --hung boots Debian's 6.1 cloud kernel with
# tests/fixtures/ct-hang loaded: its objects (struct ct_obj, whose BTF the
# module carries, split on the kernel's) sit on six lists and two rb trees,
# one corruption each, and the guest prints every element's address and
# every corruption before the panic (walk-truth.txt).  Each walk must name
# the exact element and field the guest broke, at its address, and find
# nothing on the intact list and tree; the types come from the module's
# own BTF read out of the dump, the roots from the module's symbols.  A
# rule that names the broken name list matches from analyze and batch.
. "$(dirname "$0")/test-subr.sh"
command -v jq >/dev/null || skip_all "jq not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

dir=$("$top_srcdir/tests/fixtures/make-vmcore.sh" --hung 2>"$WORK/make.err")
rc=$?
[ $rc = 77 ] && skip_all "$(tail -n1 "$WORK/make.err")"
if [ $rc != 0 ] || [ ! -s "$dir/walk-truth.txt" ]; then
	sed 's/^/# /' "$WORK/make.err"
	fail_all "make-vmcore.sh --hung made no dump with walk-truth.txt (exit $rc)"
fi
dump=$dir/vmcore.kdump-flat
truth=$dir/walk-truth.txt

# elems NAME: the guest's element addresses of list or tree NAME, in order
elems() { awk -v n="$1" '$2 == "elem" && $3 == n { print $5 }' "$truth"; }
# corrupt NAME FIELD: a word of the guest's "corrupt NAME ..." line
corrupt() {
	awk -v n="$1" -v f="$2" '$2 == "corrupt" && $3 == n {
		for (i = 4; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' "$truth"
}
# offset MEMBER: of struct ct_obj, as the guest printed its layout
offset() { awk -v m="$1" '$2 == "layout" { for (i = 5; i < NF; i++) if ($i == m) print $(i + 1) }' "$truth"; }
hex_add() { printf '0x%x' $(($1 + $2)); }

# walk NAME [ARGS...]: walk list or tree NAME into $WORK/NAME.json
walk() {
	local name=$1
	shift
	"$CRASHTRIAGE" walk --json "$dump" --root "$name" --elem-type ct_obj "$@" \
		>"$WORK/$name.json" 2>"$WORK/$name.err"
}
# same_elements NAME: the walk's elements are the guest's, in order
same_elements() {
	test "$(jq -r '.elements[].address' "$WORK/$1.json")" = "$(elems "$1")"
}

check "the guest loaded the module's BTF" grep -q '^ct_hang: btf ct_hang [1-9]' "$truth"
check "the guest printed its corruptions" test "$(grep -c ' corrupt ' "$truth")" = 5

walk ct_list_good --link link
check "intact list: exit 0" test $? = 0
check "intact list: the guest's 5 elements, in order" same_elements ct_list_good
jq_check "intact list: no finding, every pointer member checked (name, peer, fn: module BTF)" \
	"$WORK/ct_list_good.json" '(.findings | length == 0) and .count == 5 and
	 (.member_note | test("struct ct_obj: 3 pointer members checked"))'

walk ct_list_bad_next --link link
check "bit flip: exit 1" test $? = 1
e2=$(elems ct_list_bad_next | sed -n 3p)
jq_check "bit flip: element 2's next, at its address, bit 56, the walk goes on to all 5" \
	"$WORK/ct_list_bad_next.json" \
	"(.findings | length == 1) and .findings[0].kind == \"bit-flip\" and
	 .findings[0].element == 2 and .findings[0].field == \"next\" and
	 .findings[0].address == \"$(hex_add "$e2" "$(($(offset link)))")\" and
	 (.findings[0].reason | test(\"$(corrupt ct_list_bad_next value) .*bit 56\")) and .count == 5"
check "bit flip: the elements are the guest's (the link corrected)" same_elements ct_list_bad_next

walk ct_list_freed --link link
freed=$(corrupt ct_list_freed at)
e1=$(elems ct_list_freed | sed -n 2p)
jq_check "freed element: element 1's next points into it (the object the guest freed), the rest recovered from the tail" \
	"$WORK/ct_list_freed.json" \
	"([.findings[] | select(.kind == \"freed\" and .element == 1 and .field == \"next\" and
	   .address == \"$(hex_add "$e1" "$(($(offset link)))")\" and (.reason | contains(\"$freed\")))] | length == 1)
	 and .count == 2 and .recovered.count == 2"
jq_check "freed element: element 1's peer, a member pointer to it, found by the member checks" \
	"$WORK/ct_list_freed.json" \
	"[.findings[] | select(.kind == \"freed\" and .element == 1 and .field == \"peer\")] | length == 1"

walk ct_list_back --link link
e3=$(elems ct_list_back | sed -n 4p)
jq_check "broken back link: element 3's prev, at its address, with the value the guest wrote" \
	"$WORK/ct_list_back.json" \
	"(.findings | length == 1) and .findings[0].kind == \"bad-back-link\" and
	 .findings[0].element == 3 and .findings[0].field == \"prev\" and
	 .findings[0].address == \"$(hex_add "$e3" "$(($(offset link) + 8))")\" and
	 (.findings[0].reason | contains(\"$(corrupt ct_list_back value)\")) and .count == 5"

walk ct_list_badname --link link
e2=$(elems ct_list_badname | sed -n 3p)
jq_check "bad name pointer (the seed's FQDN corruption): a plain walk finds element 2's name, unmapped" \
	"$WORK/ct_list_badname.json" \
	"(.findings | length == 1) and .findings[0].kind == \"unmapped\" and
	 .findings[0].element == 2 and .findings[0].field == \"name\" and
	 .findings[0].address == \"$e2\" and
	 (.findings[0].reason | contains(\"$(corrupt ct_list_badname value)\"))"
walk ct_list_badname --link link --string name
jq_check "bad name pointer, --string name: the same element and field" \
	"$WORK/ct_list_badname.json" \
	'(.findings | length == 1) and .findings[0].element == 2 and .findings[0].field == "name"'
walk ct_list_badname --link link --no-members
jq_check "bad name pointer, --no-members: the links alone are clean" \
	"$WORK/ct_list_badname.json" '(.findings | length == 0) and .count == 5'
walk ct_list_good --link link --string name
jq_check "intact list, --string name: every name a string" \
	"$WORK/ct_list_good.json" '(.findings | length == 0) and .count == 5'

walk ct_tree_good --kind linux-rb --link node
check "intact rb tree: the guest's 7 nodes, in key order" same_elements ct_tree_good
jq_check "intact rb tree: no finding" "$WORK/ct_tree_good.json" '.findings | length == 0'
walk ct_tree_good --kind linux-rb --link node --key id
jq_check "intact rb tree, --key id (from the module's BTF): in order, no finding" \
	"$WORK/ct_tree_good.json" '(.findings | length == 0) and .count == 7'
walk ct_tree_good --kind linux-rb --link node --key name
jq_check "intact rb tree, --key name (not its key): out of order, said" \
	"$WORK/ct_tree_good.json" '[.findings[] | select(.kind == "order")] | length > 0'
walk ct_tree_bad --kind linux-rb --link node --key id
at=$(corrupt ct_tree_bad at)
jq_check "rb tree with a bad parent: that node's __rb_parent_color, at its address" \
	"$WORK/ct_tree_bad.json" \
	"(.findings | length == 1) and .findings[0].kind == \"bad-parent\" and
	 .findings[0].field == \"__rb_parent_color\" and
	 .findings[0].address == \"$(hex_add "$at" "$(($(offset node)))")\" and
	 (.findings[0].reason | contains(\"$(corrupt ct_tree_bad value)\"))"

# a rule naming the broken name list: matched from analyze and batch
mkdir -p "$WORK/kb"
cat >"$WORK/kb/test-ct-obj-name.yaml" <<'EOF'
id: test-ct-obj-name
title: "test: ct_obj name pointer corrupt"
product: linux
component: "tests/fixtures/ct-hang"
references:
  - "tests/e2e/run-vmcore-walk.sh"
summary: >
  A test rule: a ct_obj on ct_list_badname whose name points at unmapped
  memory, found by walking the list in the dump.
workaround: >
  None.
threshold: 0.5
signals:
  - finding:
      kind: unmapped
      type: ct_obj
    weight: 1.0
walks:
  - root: ct_list_badname
    elem_type: ct_obj
    link: link
EOF
CRASHTRIAGE_KB="$WORK/kb" "$CRASHTRIAGE" analyze --json "$dump" >"$WORK/an.json" 2>/dev/null
jq_check "analyze: the rule's walk finds the name and the rule matches" "$WORK/an.json" \
	'.verdict == "known" and .matches[0].id == "test-ct-obj-name" and .matches[0].passes and
	 ([.findings[] | select(.kind == "unmapped" and .member == "name" and .element == 2)] | length == 1)'
CRASHTRIAGE_KB="$WORK/kb" "$CRASHTRIAGE" batch --db "$WORK/b.sqlite" "$dump" >/dev/null 2>&1
check "batch: the stored case matches the rule too" \
	test "$(sqlite3 "$WORK/b.sqlite" "SELECT count(*) FROM matches WHERE rule_id = 'test-ct-obj-name' AND ord = 0 AND passes = 1" 2>&1)" = 1
finish
