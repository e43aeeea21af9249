#!/bin/bash
# SPDX-License-Identifier: MIT
# run-serve.sh - `crashtriage serve` for real: the server on a free
# loopback port over a database `batch` made, driven with curl (and raw
# sockets from python3 where curl is too polite): every page and its JSON,
# hostile evidence (<script>, quotes, javascript: URLs) shown as text, the
# security headers, 404 for unknown and traversal paths, 413 for an
# oversized body, 403 without the CSRF token, 401 without the token, 400
# for malformed HTTP, a slow client that does not stall the others, and a
# bounded load test (50 concurrent clients, a few seconds, no failure;
# figures printed).  Screenshots of the overview and a case page with
# headless Chromium go to $SERVE_SHOTS (default tests/e2e/serve-shots/);
# Chromium driven over DevTools (serve-browser.py) follows the overview's
# links to a case and submits the search form.
. "$top_srcdir/tests/e2e/test-subr.sh"

for tool in curl python3 jq; do
	command -v $tool >/dev/null || skip_all "$tool is not installed"
done

in="$WORK/in"
mkdir -p "$in" "$WORK/spool"
cp "$SEEDS/003_9f4b66f313771443.txt" "$in/fqdn.txt"
cp "$DATA/linux/linux510_gpf_noncanonical.log" "$in/gpf.log"
# no '/' in a file name: the log line holds the closing tag
hostile='x<script>alert(1)<b onmouseover=alert(2)>"q'"'"'javascript:alert(2).txt'
{ cat "$SEEDS/001_f33d63936764796f.txt"
  echo '2024-01-01T00:00:00Z <script>alert(1)</script> "quoted" <a href="javascript:alert(3)">x</a>'
} > "$in/$hostile"
printf 'not a crash at all\n' > "$in/plain.txt"
"$CRASHTRIAGE" batch -q --db "$WORK/r.sqlite" "$in"/* >/dev/null 2>&1
[ -s "$WORK/r.sqlite" ] && ok "batch made a database" ||
	not_ok "batch made a database"

pids=""
# start_server NAME ARGS...: start a server, wait for its port into $port
start_server() {
	local name=$1
	shift
	TMPDIR="$WORK/spool" "$CRASHTRIAGE" serve --db "$WORK/r.sqlite" \
		--listen 127.0.0.1:0 "$@" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" &
	pids="$pids $!"
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's#^listening on http://127.0.0.1:\([0-9]*\)/$#\1#p' \
			"$WORK/$name.out" 2>/dev/null)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	cat "$WORK/$name.err" | sed 's/^/# /'
	return 1
}
stop_servers() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

start_server main && ok "serve listens on a free loopback port" ||
	{ not_ok "serve listens on a free loopback port"; finish; }
base="http://127.0.0.1:$port"

# code URL [CURL ARGS]: the status code
code() {
	local url=$1
	shift
	curl -s -o /dev/null --path-as-is -w '%{http_code}' "$@" "$base$url"
}

# ---- pages ----------------------------------------------------------------
case_id=$(curl -s "$base/api/cases" | jq -r --arg h "$hostile" \
	'.rows[] | select(.name | endswith($h)) | .id')
rule=$(curl -s "$base/api/issues" | jq -r '.rows[0].rule_id')
cluster=$(curl -s "$base/api/clusters" | jq -r '.rows[0].cluster')
for pair in "/|<h1>Overview</h1>" "/issues|<h1>Known issues</h1>" \
	    "/clusters|<h1>Clusters of unknown crashes</h1>" \
	    "/cases|<h1>Cases</h1>" "/failed|<h1>Failed inputs</h1>" \
	    "/search|<h1>Search</h1>" "/issue/$rule|<h1>$rule</h1>" \
	    "/cluster/$cluster|<h1>Cluster $cluster</h1>" \
	    "/case/$case_id|<h2>Matches</h2>"; do
	url=${pair%%|*} want=${pair#*|}
	got=$(curl -s -w '\n%{http_code}' "$base$url")
	if [ "$(echo "$got" | tail -1)" = 200 ] &&
	   echo "$got" | grep -qF -- "$want"; then
		ok "GET $url: 200 with '$want'"
	else
		not_ok "GET $url: 200 with '$want'"
		echo "$got" | tail -1 | sed 's/^/# status /'
	fi
done
curl -s "$base/" > "$WORK/overview.html"
n=$(grep -o '<svg' "$WORK/overview.html" | wc -l)
[ "$n" -ge 2 ] && ok "overview has inline SVG charts ($n)" ||
	not_ok "overview has inline SVG charts ($n)"
grep -q -i -e 'src="http' -e 'href="http' -e '<link ' "$WORK/overview.html" &&
	not_ok "pages fetch nothing from the network" ||
	ok "pages fetch nothing from the network"
curl -s "$base/case/$case_id" > "$WORK/case.html"
gpf_id=$(curl -s "$base/api/cases" | jq -r '.rows[] | select(.name | endswith("gpf.log")) | .id')
curl -s "$base/case/$gpf_id" > "$WORK/gpf.html"
grep -q 'class="generic"' "$WORK/gpf.html" && grep -q '<li>why ' "$WORK/case.html" &&
	ok "case page marks generic frames and shows why lines" ||
	not_ok "case page marks generic frames and shows why lines"
grep -qE '\.txt:[0-9]+' "$WORK/case.html" &&
	ok "case page shows source file:line" ||
	not_ok "case page shows source file:line"

for api in / /issues /clusters /cases /failed "/issue/$rule" \
	   "/cluster/$cluster" "/case/$case_id"; do
	curl -s "$base/api$api" > "$WORK/api.json"
	is_json "$WORK/api.json" && ok "GET /api$api is one JSON object" ||
		not_ok "GET /api$api is one JSON object"
done
curl -s "$base/api/cases" > "$WORK/cases.json"
"$CRASHTRIAGE" report --db "$WORK/r.sqlite" --json | head -1 > "$WORK/report1.json"
jq_check "/api/cases rows have report --json's keys" "$WORK/cases.json" \
	"(.rows[0] | keys) == ($(jq -c keys "$WORK/report1.json"))"
curl -s "$base/api/case/$case_id" > "$WORK/case.json"
jq_check "/api/case has analyze --json's keys and the stored matches" \
	"$WORK/case.json" '.case | has("title") and has("backtraces") and has("fact_list") and (.matches | length > 0)'

# ---- known issues and clusters ------------------------------------------------
curl -s "$base/api/issues" > "$WORK/issues.json"
jq_check "/api/issues: verdict counts, versions, fixed_in per line, workaround" \
	"$WORK/issues.json" '.rows[] | select(.rule_id == "esxi-nsx-fqdn-domain-list") | has("affected") and has("fixed") and has("version_unknown") and has("versions") and (.fixed_in | test("4.2.3.3.*9.0.2")) and (.workaround | length > 0)'
curl -s "$base/issue/esxi-nsx-fqdn-domain-list" > "$WORK/issue.html"
for want in '<h2>Versions of its cases</h2>' '<h2>Workaround</h2>' \
	    '<h2>Fixed in, per release line</h2>' '<td>nsx</td><td>4.2</td><td></td><td>4.2.3.3</td>' \
	    '<li><a rel="noreferrer" href="https://knowledge.broadcom.com/' \
	    '<pre>id: esxi-nsx-fqdn-domain-list'; do
	grep -qF -- "$want" "$WORK/issue.html" && ok "issue page shows '$want'" ||
		not_ok "issue page shows '$want'"
done
curl -s "$base/api/issue/esxi-nsx-fqdn-domain-list" > "$WORK/issue.json"
jq_check "/api/issue: versions and the rule's references" "$WORK/issue.json" \
	'(.versions | length) > 0 and (.rule.references | length) > 0 and .rule.source != null'
curl -s "$base/api/clusters" > "$WORK/clusters.json"
jq_check "/api/clusters: first/last seen with seen_from, hosts, versions, nearest" \
	"$WORK/clusters.json" '.rows[0] | has("first_seen") and has("last_seen") and (.seen_from | IN("evidence", "stored", "mixed")) and has("hosts") and has("versions") and has("nearest")'
curl -s "$base/cluster/$cluster" | grep -qzE '<h2>Shared frames</h2><pre>[^<]+
' && ok "cluster page: shared frames one a line" ||
	not_ok "cluster page: shared frames one a line"

# ---- pagination -------------------------------------------------------------
[ "$(code '/cases?page=2')" = 200 ] && ok "?page=2 is served" ||
	not_ok "?page=2 is served"
for bad in '/cases?page=0' '/cases?page=-1' '/cases?page=x' \
	   '/cases?page=99999999999999999999'; do
	[ "$(code "$bad")" = 400 ] && ok "GET $bad: 400" || not_ok "GET $bad: 400"
done

# ---- hostile evidence -----------------------------------------------------------
for f in "$WORK/case.html" "$WORK/cases.html"; do :; done
curl -s "$base/cases" > "$WORK/cases.html"
for f in case.html cases.html; do
	if grep -qF '<script>alert' "$WORK/$f" || grep -qi 'href="javascript:' "$WORK/$f" ||
	   grep -qF '"q'"'"'javascript' "$WORK/$f"; then
		not_ok "$f: hostile name and log line are not markup"
		grep -oF -e '<script>alert' -e 'href="javascript:' "$WORK/$f" | head -3 | sed 's/^/# /'
	else
		ok "$f: hostile name and log line are not markup"
	fi
done
grep -qF '&lt;script&gt;alert(1)&lt;b onmouseover=alert(2)&gt;&quot;q&#39;javascript:alert(2)' "$WORK/case.html" &&
	ok "hostile file name shows escaped as text" ||
	not_ok "hostile file name shows escaped as text"
grep -qF '\u003cscript\u003e' "$WORK/case.json" && ! grep -qF '<script>' "$WORK/case.json" &&
	ok "JSON escapes < and > (\\u003c)" || not_ok "JSON escapes < and > (\\u003c)"

# ---- headers, paths, methods, bodies ----------------------------------------------
curl -s -D "$WORK/headers" -o /dev/null "$base/"
grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'nonce-" "$WORK/headers" &&
	ok "Content-Security-Policy with a nonce" ||
	not_ok "Content-Security-Policy with a nonce"
grep -qi '^X-Content-Type-Options: nosniff' "$WORK/headers" &&
	ok "X-Content-Type-Options: nosniff" || not_ok "X-Content-Type-Options: nosniff"
n1=$(curl -s -D - -o /dev/null "$base/" | grep -io "nonce-[0-9a-f]*" | head -1)
n2=$(curl -s -D - -o /dev/null "$base/" | grep -io "nonce-[0-9a-f]*" | head -1)
[ -n "$n1" ] && [ "$n1" != "$n2" ] && ok "a new nonce per response" ||
	not_ok "a new nonce per response"
for p in /nope /case/abc /case/ /issue/ '/issue/a%2fb' /cluster/-1 /case/99999 \
	 /../etc/passwd /%2e%2e/etc/passwd '/case/1/../../etc/passwd' \
	 '/static/../../etc/passwd' /api/nope '//etc/passwd'; do
	[ "$(code "$p")" = 404 ] && ok "GET $p: 404" || not_ok "GET $p: 404 (got $(code "$p"))"
done
[ "$(code / -X DELETE)" = 405 ] && ok "DELETE: 405" || not_ok "DELETE: 405"
[ "$(code /cases -X POST -d x=1)" = 405 ] && ok "POST to a page: 405" ||
	not_ok "POST to a page: 405"
[ "$(code /search -d text=abc)" = 403 ] && ok "search without CSRF token: 403" ||
	not_ok "search without CSRF token: 403"
head -c 3000000 /dev/zero | tr '\0' a > "$WORK/big"
[ "$(code /search --data-binary @"$WORK/big")" = 413 ] &&
	ok "oversized body (Content-Length): 413" ||
	not_ok "oversized body (Content-Length): 413"
[ "$(code /search -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big")" = 413 ] &&
	ok "oversized chunked body: 413" || not_ok "oversized chunked body: 413"

# ---- search ---------------------------------------------------------------------
csrf=$(curl -s "$base/search" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s --data-urlencode "csrf=$csrf" \
	--data-urlencode "text@$SEEDS/003_9f4b66f313771443.txt" \
	"$base/search" > "$WORK/search.html"
grep -q 'KNOWN <a href="/issue/esxi-nsx-fqdn-domain-list">' "$WORK/search.html" &&
	ok "search: a seed's backtrace is its known issue" ||
	not_ok "search: a seed's backtrace is its known issue"
curl -s --data-urlencode "csrf=$csrf" \
	--data-urlencode "text@$SEEDS/003_9f4b66f313771443.txt" \
	"$base/api/search" > "$WORK/search.json"
jq_check "search JSON: verdict, nearest issue, the stored case of that signature" \
	"$WORK/search.json" '.case.verdict == "known" and .nearest[0].id == "esxi-nsx-fqdn-domain-list" and (.same_signature | length) == 1'

# the gpf log with its guilty function renamed: one of five frames differs
sed 's/mlx5e_tc_del_fdb_flow/mlx5e_tc_del_other_flow/g' "$in/gpf.log" > "$WORK/near.log"
gpf_cluster=$(curl -s "$base/api/case/$gpf_id" | jq '.row[0].cluster')
curl -s --data-urlencode "csrf=$csrf" --data-urlencode "text@$WORK/near.log" \
	"$base/api/search" > "$WORK/near.json"
jq_check "search: a look-alike's nearest cluster is the original's (distance 0.2, joins)" \
	"$WORK/near.json" "(.same_signature | length) == 0 and .nearest_clusters[0].cluster == $gpf_cluster and .nearest_clusters[0].distance == 0.2 and .nearest_clusters[0].joins == \"yes\""
curl -s --data-urlencode "csrf=$csrf" --data-urlencode "text@$WORK/near.log" \
	"$base/search" > "$WORK/near.html"
grep -q "<h2>Nearest clusters" "$WORK/near.html" &&
	grep -q "<td><a href=\"/cluster/$gpf_cluster\">$gpf_cluster</a></td><td>0.20</td><td>yes</td>" "$WORK/near.html" &&
	ok "search page links the nearest cluster" || not_ok "search page links the nearest cluster"
grep -qzF "$(printf '<textarea name="text">[181230.118204]')" "$WORK/near.html" &&
	! grep -qF 'deleting offloaded rule\n[' "$WORK/near.html" &&
	ok "the search form keeps the text's newlines" ||
	not_ok "the search form keeps the text's newlines"

# ---- upload ----------------------------------------------------------------------
# one log: 303 to its case, which the lists then show
up="$WORK/up"
mkdir -p "$up/bundle"
sed 's/esx-[a-z0-9-]*/uploaded-host-1/g' "$SEEDS/002_"*.txt > "$up/one.log"
ncases() { curl -s "$base/api/" | jq '.totals[0].cases'; }
ninputs() { curl -s "$base/api/" | jq '.totals[0].inputs'; }
# another process writes (a batch): pages go on with the views kept, a
# thread recomputes them, and the overview shows the new case soon after
before=$(ncases)
{ echo "# written by another process"; cat "$DATA/linux/linux515_list_del_bug.log"; } >"$WORK/outside.log"
"$CRASHTRIAGE" batch -q --db "$WORK/r.sqlite" "$WORK/outside.log" >/dev/null 2>&1
got=$(ncases)
case $got in ''|null) not_ok "a page right after another process wrote answers (got '$got')" ;;
	*) ok "a page right after another process wrote answers ($got cases)" ;; esac
for _ in $(seq 100); do
	got=$(ncases)
	[ "$got" = $((before + 1)) ] && break
	sleep 0.1
done
[ "$got" = $((before + 1)) ] &&
	ok "the overview shows another process's new case once recomputed" ||
	not_ok "the overview shows another process's new case ($before -> $got)"
before=$(ncases)
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
	-F "csrf=$csrf" -F "file=@$up/one.log" "$base/upload")
if [[ $loc =~ ^303\ $base/case/([0-9]+)$ ]]; then
	ok "upload of a log: 303 to its case"
	up_id=${BASH_REMATCH[1]}
	[ "$(code "/case/$up_id")" = 200 ] && curl -s "$base/api/cases" |
		jq -e --argjson id "$up_id" '.rows[] | select(.id == $id and (.name | test("^upload/[0-9]+/one[.]log$")))' >/dev/null &&
		ok "the uploaded case is in /cases, named upload/INPUT/one.log, and has its page" ||
		{ not_ok "the uploaded case is in /cases, named upload/INPUT/one.log, and has its page"
		  curl -s "$base/api/cases" | jq -c --argjson id "$up_id" '.rows[] | select(.id == $id)' | sed 's/^/# /'; }
else
	not_ok "upload of a log: 303 to its case (got $loc)"
fi
# (the overview's totals are recomputed on a thread: poll a little)
for _ in $(seq 50); do [ "$(ncases)" = $((before + 1)) ] && break; sleep 0.1; done
[ "$(ncases)" = $((before + 1)) ] && ok "upload stored one case" ||
	not_ok "upload stored one case ($before -> $(ncases))"
# an archive of two crashes made from tests/data: 303 to its input's page
cp "$DATA/linux/linux515_list_del_bug.log" "$DATA/gdb/segv_core_userspace.txt" "$up/bundle/"
# two files at the archive's top: two cases (a top-level folder would be one)
tar -C "$up/bundle" -czf "$up/two.tgz" linux515_list_del_bug.log segv_core_userspace.txt
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
	-F "csrf=$csrf" -F "file=@$up/two.tgz" "$base/upload")
if [[ $loc =~ ^303\ $base/input/([0-9]+)$ ]]; then
	input=${BASH_REMATCH[1]}
	curl -s "$base/api/input/$input" > "$WORK/input.json"
	jq_check "upload of an archive: 303 to its input, its two cases classified" \
		"$WORK/input.json" '(.cases | length) == 2 and ([.cases[].status] | all(. == "unknown" or . == "known"))'
	jq_check "the archive's cases are named upload/$input/two.tgz!MEMBER, not by the temporary folder" \
		"$WORK/input.json" "[.cases[].name] | sort == [\"upload/$input/two.tgz!linux515_list_del_bug.log\", \"upload/$input/two.tgz!segv_core_userspace.txt\"]"
	cid=$(jq -r '.cases[0].id' "$WORK/input.json")
	curl -s "$base/cases" | grep -q "href=\"/case/$cid\"" &&
		ok "the archive's cases are listed in /cases" ||
		not_ok "the archive's cases are listed in /cases"
else
	not_ok "upload of an archive: 303 to its input (got $loc)"
fi
curl -s -F "csrf=$csrf" -F "file=@$up/one.log" "$base/api/upload" > "$WORK/up.json"
jq_check "the same file again: stored once, /api/upload names its case" \
	"$WORK/up.json" ".cases[0].id == ${up_id:-0} and (.cases | length) == 1"
before=$(ninputs)
[ "$(code /upload -F "file=@$up/one.log")" = 403 ] &&
	ok "upload without CSRF token: 403" || not_ok "upload without CSRF token: 403"
[ "$(code /upload -F "file=@$up/one.log" -F "csrf=$csrf")" = 403 ] &&
	ok "upload with the token after the file: 403" ||
	not_ok "upload with the token after the file: 403"
[ "$(code /upload -F csrf=0123 -F "file=@$up/one.log")" = 403 ] &&
	ok "upload with a wrong CSRF token: 403" || not_ok "upload with a wrong CSRF token: 403"
[ "$(code /upload --data-binary @"$up/one.log")" = 415 ] &&
	ok "upload not multipart: 415" || not_ok "upload not multipart: 415"
[ "$(code /upload -F "csrf=$csrf")" = 400 ] &&
	ok "upload without a file: 400" || not_ok "upload without a file: 400"
[ "$(code /api/upload)" = 405 ] && ok "GET /api/upload: 405" || not_ok "GET /api/upload: 405"
[ "$(ninputs)" = "$before" ] && ok "refused uploads store nothing" ||
	not_ok "refused uploads store nothing ($before -> $(ninputs))"
[ -z "$(ls -A "$WORK/spool")" ] && ok "upload temporary files removed" ||
	{ not_ok "upload temporary files removed"; ls -lR "$WORK/spool" | sed 's/^/# /'; }

# ---- raw sockets: malformed HTTP, a slow client -------------------------------------
cat > "$WORK/raw.py" <<'EOF'
import socket, sys, time, urllib.request
port = int(sys.argv[1])
def status(raw):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(raw)
    data = s.recv(200)
    s.close()
    return data.split(b"\r\n")[0].decode(errors="replace")
print("garbage", status(b"GARBAGE\r\n\r\n"))
print("badversion", status(b"GET / HTTP/1.x\r\nHost: x\r\n\r\n"))
print("nohost", status(b"GET / HTTP/1.1\r\n\r\n"))
print("badheader", status(b"GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"))
print("longheader", status(b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 200000 + b"\r\n\r\n"))
# slow clients: sockets that send nothing, or half a request line
slow = []
for i in range(5):
    s = socket.create_connection(("127.0.0.1", port))
    if i % 2:
        s.sendall(b"GET /ca")
    slow.append(s)
t = time.time()
with urllib.request.urlopen("http://127.0.0.1:%d/cases" % port, timeout=5) as r:
    code = r.status
print("while-slow %d %.3f" % (code, time.time() - t))
EOF
python3 "$WORK/raw.py" "$port" > "$WORK/raw.out" 2>&1
sed 's/^/# /' "$WORK/raw.out"
grep -qE '^garbage ?(HTTP/1.1 400.*)?$' "$WORK/raw.out" &&
	ok "request line without a version: 400 or closed unanswered" ||
	not_ok "request line without a version: 400 or closed unanswered"
grep -qE '^badversion HTTP/1.1 (400|505)' "$WORK/raw.out" && ok "bad HTTP version: 400/505" ||
	not_ok "bad HTTP version: 400/505"
grep -q '^nohost HTTP/1.1 400' "$WORK/raw.out" && ok "HTTP/1.1 without Host: 400" ||
	not_ok "HTTP/1.1 without Host: 400"
grep -q '^badheader HTTP/1.1 400' "$WORK/raw.out" && ok "malformed header line: 400" ||
	not_ok "malformed header line: 400"
grep -qE '^longheader HTTP/1.1 (413|431)' "$WORK/raw.out" &&
	ok "200 kB header refused (413/431)" || not_ok "200 kB header refused (413/431)"
awk '/^while-slow/ { exit !($2 == 200 && $3 < 2) }' "$WORK/raw.out" &&
	ok "five slow clients do not stall a request" ||
	not_ok "five slow clients do not stall a request"

# an upload is classified on a thread of its own: a slow one (3 s more per
# case, on demand for tests) does not stall the other clients
mainport=$port
CRASHTRIAGE_TEST_CASE_DELAY=slowupload:3 start_server slowup ||
	not_ok "a second server for the slow upload"
sbase="http://127.0.0.1:$port"
ucsrf=$(curl -s "$sbase/upload" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
{ echo "# slow upload"; cat "$DATA/linux/linux61_kasan_uaf.log"; } >"$WORK/slowupload.log"
curl -s -o /dev/null -w '%{http_code}' -F "csrf=$ucsrf" \
	-F "file=@$WORK/slowupload.log" "$sbase/upload" >"$WORK/slowup.code" &
upid=$!
sleep 1
t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$sbase/cases")
wait $upid
echo "# while an upload is classified: /cases $t; the upload: $(cat "$WORK/slowup.code")"
echo "$t" | awk '{ exit !($1 == 200 && $2 < 1.5) }' && [ "$(cat "$WORK/slowup.code")" = 303 ] &&
	ok "a slow upload being classified does not stall another request" ||
	not_ok "a slow upload being classified does not stall another request (/cases: $t, upload: $(cat "$WORK/slowup.code"))"
port=$mainport

# ---- load: 50 concurrent clients for 3 seconds ----------------------------------------
cat > "$WORK/load.sh" <<EOF
end=\$((\$(date +%s) + 3))
while [ \$(date +%s) -lt \$end ]; do
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$base/cases"
done
EOF
t0=$(date +%s.%N)
seq 50 | xargs -P 50 -I{} bash "$WORK/load.sh" > "$WORK/load.out"
t1=$(date +%s.%N)
total=$(wc -l < "$WORK/load.out")
bad=$(grep -vc '^200 ' "$WORK/load.out")
read -r rps p50 p99 < <(sort -k2 -n "$WORK/load.out" | awk -v t="$(echo "$t1 - $t0" | bc)" \
	'{ a[NR] = $2 } END { printf "%.0f %.1f %.1f\n", NR / t, a[int(NR * 0.5)] * 1000, a[int(NR * 0.99)] * 1000 }')
echo "# load: 50 clients, $total requests of /cases, $bad failed, $rps requests/s, p50 $p50 ms, p99 $p99 ms"
[ "$total" -gt 50 ] && [ "$bad" -eq 0 ] &&
	ok "load test: $total requests, none failed" ||
	not_ok "load test: $total requests, $bad failed"

# ---- upload size cap ------------------------------------------------------------------
mainbase=$base
start_server small --max-upload 64K || not_ok "serve --max-upload 64K starts"
base="http://127.0.0.1:$port"
scsrf=$(curl -s "$base/upload" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
before=$(ninputs)
head -c 200000 /dev/urandom | base64 > "$up/big.log"
[ "$(code /upload -F "csrf=$scsrf" -F "file=@$up/big.log")" = 413 ] &&
	ok "upload over --max-upload (Content-Length): 413" ||
	not_ok "upload over --max-upload (Content-Length): 413"
[ "$(code /upload -H 'Transfer-Encoding: chunked' -F "csrf=$scsrf" -F "file=@$up/big.log")" = 413 ] &&
	ok "chunked upload over --max-upload: 413" ||
	not_ok "chunked upload over --max-upload: 413"
[ "$(ninputs)" = "$before" ] && [ -z "$(ls -A "$WORK/spool")" ] &&
	ok "oversize uploads: nothing stored, no temporary file left" ||
	not_ok "oversize uploads: nothing stored, no temporary file left"
base=$mainbase

# ---- token ---------------------------------------------------------------------------
"$CRASHTRIAGE" serve --db "$WORK/r.sqlite" --listen 0.0.0.0:0 \
	>/dev/null 2>"$WORK/nontoken.err" &
p=$!
sleep 0.5
if kill -0 $p 2>/dev/null; then
	kill $p
	not_ok "a non-loopback address without --token is refused"
else
	wait $p
	[ $? = 2 ] && grep -q 'needs --token' "$WORK/nontoken.err" &&
		ok "a non-loopback address without --token is refused" ||
		not_ok "a non-loopback address without --token is refused"
fi
token=0123456789abcdef0123456789abcdef
echo "$token" > "$WORK/token"
start_server tok --token "$WORK/token" || not_ok "serve with --token starts"
tbase=$base
base="http://127.0.0.1:$port"
[ "$(code /)" = 401 ] && ok "with --token: no token, 401" || not_ok "with --token: no token, 401"
[ "$(code /api/cases)" = 401 ] && ok "with --token: API without token, 401" ||
	not_ok "with --token: API without token, 401"
[ "$(code / -H 'Authorization: Bearer wrong')" = 401 ] &&
	ok "with --token: a wrong token, 401" || not_ok "with --token: a wrong token, 401"
[ "$(code / -H "Authorization: Bearer $token")" = 200 ] &&
	ok "with --token: the bearer token, 200" || not_ok "with --token: the bearer token, 200"
curl -s -c "$WORK/jar" -o /dev/null -d "token=$token" "$base/login"
[ "$(code /cases -b "$WORK/jar")" = 200 ] && ok "with --token: the login form's cookie, 200" ||
	not_ok "with --token: the login form's cookie, 200"
base=$tbase

# ---- screenshots ----------------------------------------------------------------------
browser=$(command -v chromium || command -v chromium-browser || true)
shots=${SERVE_SHOTS:-$top_builddir/tests/e2e/serve-shots}
if [ -z "$browser" ]; then
	skip "screenshots of the overview and a case page" "chromium is not installed"
else
	mkdir -p "$shots"
	rm -f "$shots/overview.png" "$shots/case.png"
	flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	       --disable-background-networking --disable-component-update
	       --disable-sync --user-data-dir=$WORK/profile --window-size=1280,1000"
	# shellcheck disable=SC2086
	timeout 60 "$browser" $flags --screenshot="$shots/overview.png" "$base/" >/dev/null 2>&1
	# shellcheck disable=SC2086
	timeout 60 "$browser" $flags --screenshot="$shots/case.png" "$base/case/$case_id" >/dev/null 2>&1
	# shellcheck disable=SC2086
	timeout 60 "$browser" $flags --virtual-time-budget=2000 --dump-dom \
		"$base/case/$case_id" > "$WORK/dom.html" 2>/dev/null
	[ -s "$shots/overview.png" ] && [ -s "$shots/case.png" ] &&
		ok "screenshots written to $shots" || not_ok "screenshots written to $shots"
	grep -qF '&lt;script&gt;alert(1)' "$WORK/dom.html" && ! grep -qF '<script>alert' "$WORK/dom.html" &&
		ok "chromium shows the hostile name as text" ||
		not_ok "chromium shows the hostile name as text"
	# a browser driven over DevTools: links followed, the form submitted
	timeout 120 python3 "$top_srcdir/tests/e2e/serve-browser.py" "$browser" \
		"$base" "$WORK/profile-cdp" "$SEEDS/003_9f4b66f313771443.txt" \
		esxi-nsx-fqdn-domain-list > "$WORK/browser.out" 2> "$WORK/browser.err"
	n=0
	while read -r line; do
		n=$((n + 1))
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		*) not_ok "${line#not ok - }" ;;
		esac
	done < "$WORK/browser.out"
	[ "$n" -eq 4 ] && ok "the browser ran its four checks" ||
		{ not_ok "the browser ran its four checks ($n)"; tail -5 "$WORK/browser.err" | sed 's/^/# /'; }
fi

finish
