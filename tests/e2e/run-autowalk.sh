#!/bin/sh
# SPDX-License-Identifier: MIT
# run-autowalk.sh - rules that name structures: "crashtriage analyze" on a
# real core walks what a rule's "walks:" names when the core's program
# defines the root, puts the findings (with the structure they were found
# in) into the case, and the rule's finding signal matches on them.  An
# intact list gives no finding and no match; a rule whose root the program
# lacks is not tried; the walks survive "kb build" into SQLite.
. "$top_srcdir/tests/e2e/test-subr.sh"

FIX="$top_srcdir/tests/fixtures"
RULES="$top_srcdir/tests/data/rules-walk"
CC=${CC:-cc}
BIN="$WORK/bin"
mkdir -p "$BIN"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
"$CC" -g -O0 -fno-omit-frame-pointer "$FIX/walk-fqdn.c" -o "$BIN/walk-fqdn" ||
	fail_all "cannot build walk-fqdn"
core_method

for m in intact namebad poison headfirst; do
	core_of "$WORK/$m" "$BIN/walk-fqdn" $m ||
		fail_all "no core from walk-fqdn $m"
done

# analyze NAME OUT ARGS...: analyze --json NAME's core into OUT.json
analyze() {
	name=$1 out=$2
	shift 2
	"$CRASHTRIAGE" analyze --json "$@" "$WORK/$name/core" \
		>"$WORK/$out.json" 2>"$WORK/$out.err"
	rc=$?
}

analyze namebad namebad --rules "$RULES"
jq_check "namebad: the rule's walk found entry 2's name never mapped" "$WORK/namebad.json" \
	'[.findings[] | select(.kind == "unmapped" and .member == "name" and .element == 2 and .type == "domain_entry" and .structure == "fqdn_node.domain_list")] | length == 1'
jq_check "namebad: the element finding matches the rule on fqdn_node.domain_list" "$WORK/namebad.json" \
	'.matches[0].id == "test-fqdn-walk" and .matches[0].passes and (.matches[0].why | any(test("finding unmapped")))'
jq_check "namebad: a note says what was walked" "$WORK/namebad.json" \
	'[.notes[] | select(test("walked fqdn_root.domain_list for rule test-fqdn-walk: 5 elements, 1 finding"))] | length == 1'
jq_check "namebad: the walk whose root the program lacks is not tried" "$WORK/namebad.json" \
	'[.notes[] | select(test("no_such_variable"))] | length == 0'

analyze poison poison --rules "$RULES"
jq_check "poison: entry 2's poisoned tqe_next found, the rule matches" "$WORK/poison.json" \
	'([.findings[] | select(.kind == "poison" and .element == 2 and .member == "entries.tqe_next")] | length == 1) and .matches[0].id == "test-fqdn-walk"'

analyze intact intact --rules "$RULES"
jq_check "intact: walked, no finding, no match" "$WORK/intact.json" \
	'(.findings | length) == 0 and (.matches | length) == 0 and ([.notes[] | select(test("walked fqdn_root.domain_list .*: 5 elements, 0 findings"))] | length == 1)'

# the embedded KB walks pf's pfr_ktables: not in this program, not tried
analyze poison embedded
jq_check "embedded KB: no root of its walks in this program, nothing walked" "$WORK/embedded.json" \
	'(.findings | length) == 0 and ([.notes[] | select(test("walked"))] | length == 0)'

# the seed 001 story in a real core: a pf table freed while still in
# pfr_ktables, then freed again (glibc aborts); the shipped double-restore
# rule walks pfr_ktables by itself, finds the freed table, and matches
if "$CC" -g -O0 -fno-omit-frame-pointer -I"$FIX" "$FIX/walk-pf.c" \
	-o "$BIN/walk-pf" &&
   core_of "$WORK/pf-doublefree" "$BIN/walk-pf" doublefree &&
   core_of "$WORK/pf-intact" "$BIN/walk-pf" intact; then
	analyze pf-doublefree pf-doublefree
	jq_check "pf doublefree: the embedded rule's walk finds the freed pfr_ktable" "$WORK/pf-doublefree.json" \
		'[.findings[] | select(.kind == "freed" and .type == "pfr_ktable" and .structure == "pfr_ktablehead")] | length == 1'
	jq_check "pf doublefree: esxi-nsx-dvfilter-double-restore matches on it" "$WORK/pf-doublefree.json" \
		'.matches[0].passes and .matches[0].id == "esxi-nsx-dvfilter-double-restore" and (.matches[0].why | any(test("finding freed in pfr_ktable")))'
	jq_check "pf doublefree: the title is the caller of free, not the allocator" "$WORK/pf-doublefree.json" \
		'.title == "crash in main"'
	jq_check "pf doublefree: a note says pfr_ktables was walked" "$WORK/pf-doublefree.json" \
		'[.notes[] | select(test("walked pfr_ktables for rule esxi-nsx-dvfilter-double-restore: [0-9]+ elements, 1 finding"))] | length == 1'
	analyze pf-intact pf-intact
	jq_check "pf intact: walked, no finding, no match" "$WORK/pf-intact.json" \
		'(.findings | length) == 0 and ([.matches[] | select(.id == "esxi-nsx-dvfilter-double-restore")] | length) == 0 and ([.notes[] | select(test("walked pfr_ktables .*0 findings"))] | length == 1)'
else
	not_ok "pf: the double-restore rule's walk: walk-pf did not build or dump core"
fi

# the shipped FQDN rule matches on an element finding of the list too
"$CRASHTRIAGE" walk "$WORK/poison/core" --case --root fqdn_root \
	--type fqdn_node --member domain_list >"$WORK/poison-case.json" 2>/dev/null
jq_check "walk --case: an element finding carries the structure; the FQDN rule sees it" "$WORK/poison-case.json" \
	'.findings[0].structure == "fqdn_node.domain_list" and ([.matches[] | select(.id == "esxi-nsx-fqdn-domain-list")] | length == 1)'

# the walks go through a compiled knowledge base unchanged
"$CRASHTRIAGE" kb build --rules "$RULES" -o "$WORK/walk.sqlite" >/dev/null 2>&1
n=$(sqlite3 "$WORK/walk.sqlite" "SELECT count(*) FROM walk" 2>/dev/null)
[ "$n" = 2 ] && ok "kb build stores both walks" || not_ok "kb build walks: '$n'"
s=$(sqlite3 "$WORK/walk.sqlite" "SELECT seq || ':' || text FROM walk_string" 2>/dev/null)
[ "$s" = "0:name" ] && ok "kb build stores the walk's string member as a row" ||
	not_ok "kb build walk strings: '$s'"
analyze namebad namebad-db --kb "$WORK/walk.sqlite"
jq_check "--kb: the compiled walk finds the same" "$WORK/namebad-db.json" \
	'.matches[0].id == "test-fqdn-walk" and ([.findings[] | select(.member == "name" and .element == 2)] | length == 1)'

# batch walks too: a core on disk where it is, a core inside an archive
# from a temporary copy that is removed after; the findings and the match
# are those analyze gives
mkdir -p "$WORK/bw/disk" "$WORK/bw/tmp"
cp "$WORK/namebad/core" "$WORK/bw/disk/core"
tar -czf "$WORK/bw/cores.tgz" -C "$WORK/namebad" core
TMPDIR="$WORK/bw/tmp" "$CRASHTRIAGE" batch -q --rules "$RULES" --db "$WORK/bw/r.sqlite" \
	"$WORK/bw/disk/core" "$WORK/bw/cores.tgz" >/dev/null 2>&1
for where in "bw/disk/core" "cores.tgz!core"; do
	got=$(sqlite3 "$WORK/bw/r.sqlite" "SELECT (SELECT count(*) FROM findings f WHERE f.case_id = c.id
		AND f.kind = 'unmapped' AND f.member = 'name' AND f.element = 2) || ' ' ||
		coalesce((SELECT rule_id FROM matches m WHERE m.case_id = c.id AND m.ord = 0), '-')
		FROM cases c WHERE c.name LIKE '%$where'")
	[ "$got" = "1 test-fqdn-walk" ] && ok "batch walks a core ($where): the finding, the match" ||
		not_ok "batch walks a core ($where): got '$got'"
done
left=$(find "$WORK/bw/tmp" -type f | wc -l)
[ "$left" = 0 ] && ok "batch leaves no spooled core behind" ||
	not_ok "batch leaves no spooled core behind ($left files)"

# a bad walk in a rule is an error naming file and line
mkdir -p "$WORK/badrules"
{ sed '/^walks:/,$d' "$RULES/test-fqdn-walk.yaml"
  printf 'walks:\n  - root: fqdn_root\n    member: domain_list\n    kind: btree\n'
} >"$WORK/badrules/test-fqdn-walk.yaml"
"$CRASHTRIAGE" kb check --rules "$WORK/badrules" >"$WORK/bad.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "test-fqdn-walk.yaml:[0-9]*:[0-9]*: walks: unknown kind 'btree'" "$WORK/bad.out" &&
	ok "kb check: unknown walk kind named with file:line:column" ||
	not_ok "kb check bad walk: rc $rc: $(head -3 "$WORK/bad.out")"

finish
