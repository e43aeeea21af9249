#!/bin/sh
# SPDX-License-Identifier: MIT
# run-corpus.sh - every input under tests/data/{gdb,vmkernel,linux,facts}
# against its .expect sidecar (format in tests/data/README.md): kinds,
# panic kind, crash frames, facts, event counts and the lines the panic and
# events are read from, one TAP line each.
#
# Event kinds an .expect does not list must not occur.  The pairs of
# tests/data/KNOWN-EVENTS ("PATH CHECK reason", CHECK event:KIND or
# unlisted:KIND) are what the current build gets wrong: reported as
# "not ok ... # TODO" (XFAIL), and as an XPASS (a failure) once they pass,
# so that a fixed item is taken off the list.
. "$top_srcdir/tests/e2e/test-subr.sh"
KNOWN="$DATA/KNOWN-EVENTS"

# known_reason PATH CHECK: the reason KNOWN-EVENTS gives for the pair
known_reason() {
	awk -v p="$1" -v c="$2" '!/^#/ && $1 == p && $2 == c {
		sub(/^[^ ]+ +[^ ]+ +/, ""); print; exit }' "$KNOWN"
}

# known_result NAME REASON PASSED: the TAP line of a known item
known_result() {
	tap_n=$((tap_n + 1))
	if [ "$3" = yes ]; then
		tap_failed=$((tap_failed + 1))
		echo "ok $tap_n - $1 # TODO stale known item, delete it from KNOWN-EVENTS: $2"
	else
		echo "not ok $tap_n - $1 # TODO known: $2"
	fi
}

# corpus_check CHECK NAME FILTER: jq_check on this input's JSON, unless
# KNOWN-EVENTS lists (input, CHECK)
corpus_check() {
	why=$(known_reason "$name" "$1")
	if [ -z "$why" ]; then
		jq_check "$name: $2" "$json" "$3"
	elif [ "$(jq -e "$3" "$json" 2>&1)" = true ]; then
		known_result "$name: $2" "$why" yes
	else
		known_result "$name: $2" "$why" no
	fi
}

for expect in "$DATA"/gdb/*.expect "$DATA"/vmkernel/*.expect \
	      "$DATA"/linux/*.expect "$DATA"/facts/*.expect; do
	[ -f "$expect" ] || continue
	input=${expect%.expect}
	name=$(basename "$(dirname "$input")")/$(basename "$input")
	json="$WORK/out.json"
	"$CRASHTRIAGE" analyze --json "$input" >"$json" 2>/dev/null
	if ! is_json "$json"; then
		not_ok "$name: analyze printed JSON"
		continue
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		key=${line%%:*}
		value=${line#*: }
		case "$key" in
		kinds)
			want=$(printf '%s\n' $value | sort | tr '\n' ' ')
			got=$(jq -r '[.inputs[].kinds[]] | unique | .[]' "$json" | sort | tr '\n' ' ')
			[ "$want" = "$got" ] && ok "$name: kinds $value" ||
				{ not_ok "$name: kinds $value"; echo "# got: $got"; }
			;;
		panic_kind)
			# compared exactly: "oops" is not any Linux report
			case "$value" in
			none) jq_check "$name: panic kind none" "$json" '.panic.kind == null' ;;
			PSOD|crash|oops|panic|warning|bug|lockup|hung-task|kasan|trace)
				jq_check "$name: panic kind $value" "$json" ".panic.kind == \"$value\"" ;;
			*) not_ok "$name: panic_kind '$value' is not a kind tests/data/README.md names" ;;
			esac
			;;
		crash_frames)
			want=$(printf '%s\n' $value | jq -R . | jq -s -c .)
			nframes=$(printf '%s\n' $value | wc -l)
			jq_check "$name: crash frames $value" "$json" \
				".signature.frames[0:$nframes] == $want"
			;;
		fact)
			k=${value%%=*}
			v=${value#*=}
			jq_check "$name: fact $k=$v" "$json" \
				"any(.fact_list[]; .key == $(printf '%s' "$k" | jq -R .) and .value == $(printf '%s' "$v" | jq -R .))"
			;;
		panic_line)
			jq_check "$name: panic on line $value" "$json" \
				".panic.line == $value"
			;;
		event_line)
			# "KIND LINE": the first event of KIND is on LINE
			set -- $value
			jq_check "$name: first $1 on line $2" "$json" \
				"[.events[] | select(.kind == \"$1\")][0].line == $2"
			;;
		event)
			# "KIND COUNT [field=value...]": COUNT events of KIND, and
			# one of them carries every field given
			set -- $value
			k=$1
			count=$2
			shift 2
			corpus_check "event:$k" "event $k x$count" \
				"([.events[] | select(.kind == \"$k\")] | length) == $count"
			if [ $# -gt 0 ]; then
				f="any(.events[]; .kind == \"$k\""
				for fv in "$@"; do
					f="$f and .fields[$(printf '%s' "${fv%%=*}" | jq -R .)] == $(printf '%s' "${fv#*=}" | jq -R .)"
				done
				corpus_check "event:$k" "event $k with $*" "$f)"
			fi
			;;
		esac
	done <"$expect"
	# the kinds not listed must not occur (known ones aside)
	sed -n 's/^event: \([^ ]*\).*/\1/p' "$expect" | sort -u >"$WORK/listed"
	jq -r '[.events[].kind] | unique | .[]' "$json" >"$WORK/got"
	unlisted=$(grep -v -x -F -f "$WORK/listed" "$WORK/got" | tr '\n' ' ' | sed 's/ $//')
	for k in $(awk -v p="$name" '!/^#/ && $1 == p && $2 ~ /^unlisted:/ {
			sub(/^unlisted:/, "", $2); print $2 }' "$KNOWN"); do
		case " $unlisted " in
		*" $k "*)
			known_result "$name: no unlisted $k event" "$(known_reason "$name" "unlisted:$k")" no
			unlisted=$(echo " $unlisted " | sed "s/ $k / /; s/^ *//; s/ *$//") ;;
		*)	known_result "$name: no unlisted $k event" "$(known_reason "$name" "unlisted:$k")" yes ;;
		esac
	done
	[ -z "$unlisted" ] && ok "$name: no event kinds but the listed ones" ||
		not_ok "$name: event kinds not in the .expect: $unlisted"
done

finish
