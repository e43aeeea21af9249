#!/bin/sh
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
	skip_all "cannot build walk-fqdn"
core_method

for m in intact namebad poison headfirst; do
	core_of "$WORK/$m" "$BIN/walk-fqdn" $m ||
		skip_all "no core from walk-fqdn $m"
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

# the embedded KB has no walks: no walk notes, no findings
analyze poison embedded
jq_check "embedded KB: no rule names a walk, nothing walked" "$WORK/embedded.json" \
	'(.findings | length) == 0 and ([.notes[] | select(test("walked"))] | length == 0)'

# the shipped FQDN rule matches on an element finding of the list too
"$CRASHTRIAGE" walk "$WORK/poison/core" --case --root fqdn_root \
	--type fqdn_node --member domain_list >"$WORK/poison-case.json" 2>/dev/null
jq_check "walk --case: an element finding carries the structure; the FQDN rule sees it" "$WORK/poison-case.json" \
	'.findings[0].structure == "fqdn_node.domain_list" and ([.matches[] | select(.id == "esxi-nsx-fqdn-domain-list")] | length == 1)'

# the walks go through a compiled knowledge base unchanged
"$CRASHTRIAGE" kb build --rules "$RULES" -o "$WORK/walk.sqlite" >/dev/null 2>&1
n=$(sqlite3 "$WORK/walk.sqlite" "SELECT count(*) FROM walk" 2>/dev/null)
[ "$n" = 2 ] && ok "kb build stores both walks" || not_ok "kb build walks: '$n'"
analyze namebad namebad-db --kb "$WORK/walk.sqlite"
jq_check "--kb: the compiled walk finds the same" "$WORK/namebad-db.json" \
	'.matches[0].id == "test-fqdn-walk" and ([.findings[] | select(.member == "name" and .element == 2)] | length == 1)'

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
