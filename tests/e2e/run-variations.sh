#!/bin/sh
# SPDX-License-Identifier: MIT
# run-variations.sh - known-issue recognition end to end: the four seeds,
# and every file under tests/data/variations against its .expect sidecar
# (format in tests/data/variations/README.md), with the embedded KB.
. "$top_srcdir/tests/e2e/test-subr.sh"

# expect_match NAME JSON RULE [VERDICT]
expect_match() {
	local name=$1 json=$2 rule=$3 verdict=${4:-}
	if [ "$rule" = none ]; then
		jq_check "$name: no known issue" "$json" '.verdict == "unknown"'
		return
	fi
	jq_check "$name: known as $rule" "$json" \
		".verdict == \"known\" and .matches[0].id == \"$rule\" and .matches[0].passes"
	[ -n "$verdict" ] && jq_check "$name: $rule verdict $verdict" "$json" \
		".matches[0].verdict == \"$verdict\""
}

# the seeds themselves, as the field reports showed them
json="$WORK/seed.json"
"$CRASHTRIAGE" analyze --json "$SEEDS/000_32af8d738af67b81.txt" >"$json" 2>/dev/null
expect_match "seed 000" "$json" esxi-i40en-mdd version-unknown
"$CRASHTRIAGE" analyze --json "$SEEDS/001_f33d63936764796f.txt" >"$json" 2>/dev/null
expect_match "seed 001" "$json" esxi-nsx-dvfilter-double-restore
jq_check "seed 001: same filter restored twice is evidence" "$json" \
	'[.matches[0].why[] | select(test("nic-2786293-eth0-vmware-sfw.2"))] | length > 0'
"$CRASHTRIAGE" analyze --json "$SEEDS/002_942c7e61156a7fc7.txt" >"$json" 2>/dev/null
expect_match "seed 002" "$json" linux-e1000e-tx-hang affected
jq_check "seed 002: no fixed version, workaround given" "$json" \
	'.matches[0].fixed_in == null and (.matches[0].workaround | test("tso off"))'
"$CRASHTRIAGE" analyze --json "$SEEDS/003_9f4b66f313771443.txt" >"$json" 2>/dev/null
expect_match "seed 003" "$json" esxi-nsx-fqdn-domain-list version-unknown
jq_check "seed 003: fix on both lines" "$json" \
	'(.matches[0].fixed_in | test("4.2.3.3")) and (.matches[0].fixed_in | test("9.0.2"))'

# the bundled example: NSX 4.2.1.0 is below the 4.2 line's fix
"$CRASHTRIAGE" analyze --json "$top_srcdir/examples/esxi-fqdn-psod" >"$json" 2>/dev/null
expect_match "example esxi-fqdn-psod" "$json" esxi-nsx-fqdn-domain-list affected

for expect in "$DATA"/variations/*/*.expect; do
	[ -f "$expect" ] || continue
	input=${expect%.expect}
	name=variations/$(basename "$(dirname "$input")")/$(basename "$input")
	"$CRASHTRIAGE" analyze --json "$input" >"$json" 2>/dev/null
	rule=$(sed -n 's/^match: *//p' "$expect" | head -1)
	verdict=$(sed -n 's/^verdict: *//p' "$expect" | head -1)
	expect_match "$name" "$json" "${rule:-none}" "$verdict"
done

finish
