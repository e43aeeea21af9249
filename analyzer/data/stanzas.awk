# SPDX-License-Identifier: MIT
# stanzas.awk - turn "KEY VALUE" stanzas (blank-line separated, '#'
# comments) into C initialisers, one string per key in the order of
# -v keys="k1 k2 ..."; keys in -v required="..." must be present, the
# others become NULL when absent.  Backslashes and quotes are escaped for
# C string literals.
function cstr(s,    out, i, ch) {
	# character by character: gsub's backslash rules differ between awks
	out = ""
	for (i = 1; i <= length(s); i++) {
		ch = substr(s, i, 1)
		if (ch == "\\" || ch == "\"")
			out = out "\\"
		out = out ch
	}
	return "\"" out "\""
}
function flush(    i, line) {
	if (seen) {
		for (i = 1; i <= nreq; i++)
			if (!(req[i] in val)) {
				print FILENAME ": stanza ending at line " NR " lacks " req[i] > "/dev/stderr"
				exit 1
			}
		line = "{ "
		for (i = 1; i <= nkeys; i++)
			line = line (i > 1 ? ", " : "") (k[i] in val ? cstr(val[k[i]]) : "NULL")
		print line " },"
	}
	seen = 0
	split("", val)
}
BEGIN {
	nkeys = split(keys, k, " ")
	nreq = split(required, req, " ")
	for (i = 1; i <= nkeys; i++)
		known[k[i]] = 1
}
/^#/ { next }
/^[ \t]*$/ { flush(); next }
{
	key = $1
	value = $0
	sub(/^[^ \t]+[ \t]+/, "", value)
	if (!(key in known)) {
		print FILENAME ":" NR ": unknown key " key > "/dev/stderr"
		exit 1
	}
	val[key] = value
	seen = 1
}
END { flush() }
