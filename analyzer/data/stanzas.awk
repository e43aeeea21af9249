# stanzas.awk - turn "KEY VALUE" stanzas (blank-line separated, '#'
# comments) into C initialisers { "kind", "family", "literal", "regex" },
# escaping backslashes and quotes for C string literals.
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
function flush() {
	if (kind != "") {
		if (family == "" || literal == "" || regex == "") {
			print "events.txt: incomplete stanza for " kind > "/dev/stderr"
			exit 1
		}
		printf "{ %s, %s, %s, %s },\n", cstr(kind), cstr(family), cstr(literal), cstr(regex)
	}
	kind = family = literal = regex = ""
}
/^#/ { next }
/^[ \t]*$/ { flush(); next }
{
	key = $1
	value = $0
	sub(/^[^ \t]+[ \t]+/, "", value)
	if (key == "kind") kind = value
	else if (key == "family") family = value
	else if (key == "literal") literal = value
	else if (key == "regex") regex = value
	else { print "events.txt: unknown key " key > "/dev/stderr"; exit 1 }
}
END { flush() }
