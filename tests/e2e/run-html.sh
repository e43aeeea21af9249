#!/bin/sh
# SPDX-License-Identifier: MIT
# run-html.sh - the batch report's HTML page in a real browser: headless
# Chromium renders it, the charts are there as SVG, the tables are there,
# and a hostile input name (<script>, quotes) shows as text, never as
# markup.  Skips when Chromium is not installed (.ci/run installs it).
. "$top_srcdir/tests/e2e/test-subr.sh"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	skip "HTML report in a browser" "chromium is not installed"
	finish
fi

# a small batch: a known issue, an unknown crash, and a hostile file name
in="$WORK/in"
mkdir -p "$in"
cp "$SEEDS/003_9f4b66f313771443.txt" "$in/fqdn.txt"
cp "$DATA/linux/linux510_gpf_noncanonical.log" "$in/gpf.log"
hostile='x<script>alert(1)<b onmouseover=alert(2)>"q.txt' # no '/': a path
cp "$SEEDS/001_f33d63936764796f.txt" "$in/$hostile"
"$CRASHTRIAGE" batch -q --db "$WORK/r.sqlite" "$in"/* >/dev/null 2>&1
"$CRASHTRIAGE" report --db "$WORK/r.sqlite" --html "$WORK/report.html" \
	>/dev/null 2>&1
[ -s "$WORK/report.html" ] && ok "report --html wrote a page" ||
	not_ok "report --html wrote a page"
grep -q -i -e 'src="http' -e "href=\"http" -e '<link ' "$WORK/report.html" &&
	not_ok "page needs no network (no external src/href/link)" ||
	ok "page needs no network (no external src/href/link)"

flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update
       --disable-sync --user-data-dir=$WORK/profile"
# shellcheck disable=SC2086
timeout 60 "$browser" $flags --virtual-time-budget=2000 \
	--dump-dom "file://$WORK/report.html" >"$WORK/dom.html" 2>/dev/null
[ -s "$WORK/dom.html" ] && ok "chromium rendered the page" ||
	not_ok "chromium rendered the page"
n=$(grep -o '<svg' "$WORK/dom.html" | wc -l)
[ "$n" -ge 2 ] && ok "charts are inline SVG ($n)" ||
	not_ok "charts are inline SVG ($n)"
grep -q '<rect' "$WORK/dom.html" && ok "charts have bars" ||
	not_ok "charts have bars"
grep -q 'esxi-nsx-fqdn-domain-list' "$WORK/dom.html" &&
	ok "known issue listed" || not_ok "known issue listed"
grep -q '<table' "$WORK/dom.html" && ok "tables rendered" ||
	not_ok "tables rendered"
# the hostile name: escaped text in the DOM, no script element from it
grep -q '&lt;script&gt;alert(1)' "$WORK/dom.html" &&
	ok "hostile name shows as text" || not_ok "hostile name shows as text"
grep -q '<script>alert(1)' "$WORK/dom.html" &&
	not_ok "no script element injected" || ok "no script element injected"
# shellcheck disable=SC2086
timeout 60 "$browser" $flags --window-size=1280,2000 \
	--screenshot="$WORK/report.png" "file://$WORK/report.html" \
	>/dev/null 2>&1
[ -s "$WORK/report.png" ] && ok "screenshot taken" ||
	not_ok "screenshot taken"
[ -n "${KEEP_SCREENSHOT:-}" ] && cp "$WORK/report.png" "$KEEP_SCREENSHOT"

finish
