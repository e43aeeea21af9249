#!/bin/sh
# SPDX-License-Identifier: MIT
# run-wrapped.sh - every known issue's examples (rules/kb/*.yaml), pasted
# the ways people paste them (e-mail and markdown quotes, code blocks,
# fences with prose, HTML-escaped <pre>, CRLF, a syslog relay, trailing
# blanks), must still be recognised as that known issue: a known issue is
# never missed because the text was not read.
. "$(dirname "$0")/test-subr.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml not installed"
exec python3 "$top_srcdir/tests/e2e/wrap-examples.py" "$CRASHTRIAGE" \
	"$top_srcdir/rules/kb" --verbose
