#!/bin/sh
# run-corpus.sh - every input under tests/data/{gdb,vmkernel,linux,facts}
# against its .expect sidecar (format in tests/data/README.md): kinds,
# panic kind, crash frames, facts, event counts and the lines the panic and
# events are read from, one TAP line each.
. "$top_srcdir/tests/e2e/test-subr.sh"

for expect in "$DATA"/gdb/*.expect "$DATA"/vmkernel/*.expect \
	      "$DATA"/linux/*.expect "$DATA"/facts/*.expect; do
	[ -f "$expect" ] || continue
	input=${expect%.expect}
	name=$(basename "$(dirname "$input")")/$(basename "$input")
	json="$WORK/out.json"
	"$CRASHTRIAGE" analyze --json "$input" >"$json" 2>/dev/null
	if ! jq -e . "$json" >/dev/null 2>&1; then
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
			case "$value" in
			none) f='.panic.kind == null' ;;
			PSOD|crash) f=".panic.kind == \"$value\"" ;;
			*) f='.panic.kind != null and .panic.kind != "PSOD" and .panic.kind != "crash"' ;;
			esac
			jq_check "$name: panic kind $value" "$json" "$f"
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
			jq_check "$name: event $k x$count" "$json" \
				"([.events[] | select(.kind == \"$k\")] | length) == $count"
			if [ $# -gt 0 ]; then
				f="any(.events[]; .kind == \"$k\""
				for fv in "$@"; do
					f="$f and .fields[$(printf '%s' "${fv%%=*}" | jq -R .)] == $(printf '%s' "${fv#*=}" | jq -R .)"
				done
				jq_check "$name: event $k with $*" "$json" "$f)"
			fi
			;;
		esac
	done <"$expect"
done

finish
