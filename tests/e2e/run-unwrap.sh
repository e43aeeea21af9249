#!/bin/sh
# SPDX-License-Identifier: MIT
# run-unwrap.sh - every input of the corpus (gdb, vmkernel, linux, facts)
# pasted the ways people paste it (e-mail and markdown quotes, code fences,
# HTML escapes, pager noise, CRLF mail) must read the same as the file
# itself: same kinds, signature, panic, backtraces, events and facts, and
# every origin on the line of the wrapped file that holds it (the input's
# line plus the lines the wrapper adds on top).
. "$top_srcdir/tests/e2e/test-subr.sh"

# What must not change, with line numbers less the wrapper's OFFSET.
project() { # JSON OFFSET
	jq -S --argjson off "$2" '
		def l: if . == null then null else . - $off end;
		{ kinds: [.inputs[].kinds[]] | sort,
		  signature: .signature,
		  panic: (.panic | del(.source) | .line |= l),
		  backtraces: [.backtraces[] |
			{ line: (.line | l), crashing, label: .label,
			  frames: [.frames[] | .function] }],
		  events: [.events[] | { kind, line: (.line | l), text,
					 timestamp, fields }],
		  facts: [.fact_list[] | { key, value, line: (.line | l) }] }' "$1"
}

# wrap STYLE IN OUT: write IN pasted in STYLE; prints the lines added on top
wrap() {
	case "$1" in
	quote)	sed 's/^/> /' "$2" >"$3"; echo 0 ;;
	nested)	sed 's/^/> > /' "$2" >"$3"; echo 0 ;;
	mail)	sed 's/^/>> /; s/$/\r/' "$2" >"$3"; echo 0 ;;
	pipe)	sed 's/^/| /' "$2" >"$3"; echo 0 ;;
	fence)	{ echo '```text'; cat "$2"; echo '```'; } >"$3"; echo 1 ;;
	quoted-fence)
		{ echo '> ```'; sed 's/^/> /' "$2"; echo '> ```'; } >"$3"
		echo 1 ;;
	list-fence)
		{ echo '1. The log:'; echo '   ```console'; sed 's/^/   /' "$2"
		  echo '   ```'; } >"$3"
		echo 2 ;;
	html)	sed "s/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/\"/\&quot;/g; s/'/\&#39;/g" \
			"$2" >"$3"
		echo 0 ;;
	pager)	# a --More-- prompt erased over line 3, less's status at the end
		awk 'NR == 3 { printf "--More--(12%%)\r        \r" } { print }
		     END { print "lines 1-" NR "/" NR " (END)" }' "$2" >"$3"
		echo 0 ;;
	esac
}

for input in "$DATA"/gdb/* "$DATA"/vmkernel/* "$DATA"/linux/* "$DATA"/facts/*; do
	case "$input" in *.expect) continue ;; esac
	name=$(basename "$(dirname "$input")")/$(basename "$input")
	"$CRASHTRIAGE" analyze --json "$input" >"$WORK/plain.json" 2>/dev/null
	project "$WORK/plain.json" 0 >"$WORK/plain.proj"
	for style in quote nested mail pipe fence quoted-fence list-fence \
		     html pager; do
		# HTML twice is another text; fences do not nest
		case "$style:$input" in
		html:*.html|list-fence:*.md|quoted-fence:*.md) continue ;;
		esac
		off=$(wrap "$style" "$input" "$WORK/wrapped")
		"$CRASHTRIAGE" analyze --json "$WORK/wrapped" \
			>"$WORK/wrapped.json" 2>/dev/null
		project "$WORK/wrapped.json" "$off" >"$WORK/wrapped.proj"
		if cmp -s "$WORK/plain.proj" "$WORK/wrapped.proj"; then
			ok "$name: $style reads the same"
		else
			not_ok "$name: $style reads the same"
			diff "$WORK/plain.proj" "$WORK/wrapped.proj" |
				head -10 | sed 's/^/# /'
		fi
	done
done

finish
