#!/bin/sh
# SPDX-License-Identifier: MIT
# run-real.sh - real third-party crash text under tests/data/real/ (format
# in tests/data/real/README.md) against its .expect sidecar: the input kind
# is recognised, the guilty function agrees with the triager's (or, for a
# file with no crash, no title is given), and the verdict names the known
# issue the .expect's "known:" line gives, or none.  One TAP line per check.
#
# The product is improved in parallel, so a disagreement listed in
# tests/data/real/KNOWN-MISSES ("PATH CHECK reason...", CHECK one of kind,
# guilty, silence, known) is reported "not ok ... # TODO known miss" (XFAIL).  A
# listed miss that now passes is a plain "ok" plus "# stale known miss:"
# so the list can be pruned; an unlisted disagreement fails.  Every
# disagreement is also printed as "# miss: PATH CHECK got: ...", so
#   sed -n 's/^# miss: //p' tests/e2e/run-real.sh.log >tests/data/real/KNOWN-MISSES
# regenerates the list from a run.
. "$top_srcdir/tests/e2e/test-subr.sh"

REAL="$DATA/real"
MISSES="$REAL/KNOWN-MISSES"
kinds_ok=0 kinds_n=0 guilty_ok=0 guilty_n=0 known_ok=0 known_n=0
false_known=0

# strip compiler clone suffixes: spool_reap.isra.0 -> spool_reap
norm() {
	printf '%s\n' "$1" | sed -E 's/\.(isra|constprop|part|cold|lto_priv)(\.[0-9]+)*//g'
}

# is_known PATH CHECK: the pair is listed in KNOWN-MISSES
is_known() {
	[ -f "$MISSES" ] && grep -q "^$1 $2\( \|\$\)" "$MISSES"
}

# verdict PATH CHECK PASSED DESCRIPTION [DETAIL]
verdict() {
	if [ "$3" = yes ]; then
		ok "$1: $4"
		is_known "$1" "$2" && echo "# stale known miss: $1 $2"
	elif is_known "$1" "$2"; then
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - $1: $4 # TODO known miss"
	else
		not_ok "$1: $4"
	fi
	if [ "$3" != yes ]; then
		[ -z "${5:-}" ] || echo "# $5"
		# one line per disagreement, in KNOWN-MISSES form
		echo "# miss: $1 $2 ${5:-}"
	fi
	return 0
}

for expect in "$REAL"/*/*.expect; do
	[ -f "$expect" ] || continue
	input=${expect%.expect}
	name=${input#"$REAL"/}
	json="$WORK/out.json"
	"$CRASHTRIAGE" analyze --json "$input" >"$json" 2>/dev/null
	if ! jq -e . "$json" >/dev/null 2>&1; then
		echo '{}' >"$json"
	fi
	kind=$(sed -n 's/^kind: *//p' "$expect" | head -1)
	guilty=$(sed -n 's/^guilty: *//p' "$expect" | head -1)

	# (a) the input is recognised as the expected kind
	got=$(jq -r '[.inputs[]?.kinds[]?, .inputs[]?.kind] | map(select(. != null)) | unique | join(" ")' "$json")
	kinds_n=$((kinds_n + 1))
	pass=no
	case " $got " in *" $kind "*) pass=yes; kinds_ok=$((kinds_ok + 1)) ;; esac
	verdict "$name" kind $pass "kind $kind" "got: ${got:-nothing}"

	if [ -n "$guilty" ]; then
		# (b) the guilty function agrees
		got=$(jq -r '(if (.guilty | type) == "string" then .guilty
			elif (.guilty | type) == "object" then .guilty.function
			else null end) // .signature.frames[0] // ""' "$json")
		guilty_n=$((guilty_n + 1))
		pass=no
		if [ "$(norm "$got")" = "$(norm "$guilty")" ]; then
			pass=yes
			guilty_ok=$((guilty_ok + 1))
		fi
		verdict "$name" guilty $pass "guilty $guilty" "got: ${got:-nothing}"
	else
		# (c) no crash in the text: no title
		got=$(jq -r '.title // ""' "$json")
		pass=no
		[ -z "$got" ] && pass=yes
		verdict "$name" silence $pass "no crash, no title" "got: $got"
	fi

	# (d) the known issue, when the text is a knowledge-base article's
	# own evidence; else none: no false KNOWN verdict on real text
	known=$(sed -n 's/^known: *//p' "$expect" | head -1)
	got=$(jq -r '[.matches[]? | select(.passes) | .id][0] // "none"' "$json")
	pass=no
	[ "$got" = "${known:-none}" ] && pass=yes
	[ -n "$known" ] && known_n=$((known_n + 1))
	[ -n "$known" ] && [ $pass = yes ] && known_ok=$((known_ok + 1))
	[ -z "$known" ] && [ $pass = no ] && false_known=$((false_known + 1))
	verdict "$name" known $pass "known ${known:-none}" "got: $got"
done

echo "# real: kinds recognised $kinds_ok/$kinds_n, guilty agrees $guilty_ok/$guilty_n, known issues found $known_ok/$known_n, false KNOWN $false_known"
finish
