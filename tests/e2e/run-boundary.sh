#!/bin/sh
# SPDX-License-Identifier: MIT
# run-boundary.sh - the layering rules of the source tree, checked on the
# sources themselves:
#   - the library (analyzer/, symbolizers/, rules/, db/) never prints: no
#     stdout/stderr, printf, puts, putchar, perror in its code (comments
#     aside); the CLI formats and prints;
#   - only db/ includes sqlite3.h;
#   - cli/ and serve/ (the command) include only public headers, and
#     the public headers they include include no private one (followed
#     one level).  A header is
#     private when it is analyzer/internal.h or analyzer/banned.h, when
#     its name ends in -internal.h, or when its opening comment says
#     "private to".
# Each broken rule names the file and line.
. "$top_srcdir/tests/e2e/test-subr.sh"

cd "$top_srcdir" || exit 99
lib_dirs="analyzer symbolizers rules db"

# code lines only: drop lines that are (inside) a block or line comment
code_of() {
	awk '{ l = $0; sub(/^[ \t]+/, "", l)
	       if (l ~ /^(\/\*|\*|\/\/)/) next
	       print FILENAME ":" FNR ": " $0 }' "$@"
}

lib_sources=$(find $lib_dirs -name '*.[ch]' | sort)
[ -n "$lib_sources" ] || { echo "Bail out! no library sources"; exit 99; }

# ---- the library never prints -------------------------------------------
code_of $lib_sources |
	grep -E '\b(stdout|stderr)\b|(^|[^A-Za-z0-9_])(printf|vprintf|puts|putchar|perror|dprintf|vdprintf)[[:space:]]*\(' \
	> "$WORK/prints"
check "the library never prints (no stdout/stderr writes)" \
	test ! -s "$WORK/prints"
sed 's/^/# /' "$WORK/prints"

# the check itself: it sees a print in a library file
printf 'static void f(void)\n{\n\tfprintf(stderr, "x");\n}\n' > "$WORK/planted.c"
code_of "$WORK/planted.c" | grep -qE '\b(stdout|stderr)\b' &&
	ok "the print check finds a planted fprintf(stderr)" ||
	not_ok "the print check finds a planted fprintf(stderr)"

# ---- sqlite3.h only in db/ ------------------------------------------------
grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]sqlite3\.h[>"]' \
	--include='*.[ch]' analyzer symbolizers rules cli tests bench \
	> "$WORK/sqlite" 2>/dev/null
check "only db/ includes sqlite3.h" test ! -s "$WORK/sqlite"
sed 's/^/# /' "$WORK/sqlite"

# ---- cli/ includes only public headers ------------------------------------
is_private() {
	case $1 in
	analyzer/internal.h|analyzer/banned.h|*-internal.h) return 0 ;;
	esac
	[ -f "$1" ] || return 1
	sed -n '1,/\*\//p' "$1" | grep -qi 'private to'
}
# the quoted includes of a file, one a line
includes_of() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"
}
# Each private header the files include, directly or through a public
# header they include (followed one level), one line each.
private_includes() {
	for f in "$@"; do
		includes_of "$f" | while read -r h; do
			if is_private "$h"; then
				echo "$f includes private $h"
				continue
			fi
			[ -f "$h" ] || continue
			includes_of "$h" | while read -r g; do
				is_private "$g" &&
					echo "$f includes $h, which includes private $g"
			done
		done
	done
}
private_includes cli/*.c cli/*.h serve/*.c serve/*.h > "$WORK/private"
check "cli/ and serve/ include only public headers (and they only public ones)" \
	test ! -s "$WORK/private"
sed 's/^/# /' "$WORK/private"

# the check itself: a private header included through a public one counts
printf '/* planted.h - a public header. */\n#include "analyzer/dump/dump.h"\n' \
	> "$WORK/planted.h"
printf '#include "%s"\n' "$WORK/planted.h" > "$WORK/planted-cli.c"
private_includes "$WORK/planted-cli.c" | grep -q 'which includes private analyzer/dump/dump.h' &&
	ok "a private header behind a public one is found" ||
	not_ok "a private header behind a public one is found"

# the check itself: internal.h and a "Private to" header count as private
is_private analyzer/internal.h && is_private analyzer/source.h &&
	! is_private analyzer/crashtriage.h &&
	ok "private headers are recognised (internal.h, source.h; not crashtriage.h)" ||
	not_ok "private headers are recognised (internal.h, source.h; not crashtriage.h)"

finish
