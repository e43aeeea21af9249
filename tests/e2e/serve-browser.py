#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""serve-browser.py - drive headless Chromium through the dashboard over
the DevTools protocol (a minimal WebSocket client on the standard library):
from the overview follow the "Cases" link, then the first case's link, and
submit the search form with a pasted text.  Prints one "ok"/"not ok" line
per check (TAP lines without numbers; run-serve.sh counts them).

  serve-browser.py CHROMIUM BASE_URL PROFILE_DIR SEARCH_TEXT_FILE WANT_ISSUE
"""
import base64, json, os, re, socket, subprocess, sys, time, urllib.request

chromium, base, profile, text_file, want_issue = sys.argv[1:6]
DEADLINE = time.time() + 90


class Ws:
    """Just enough of RFC 6455 for CDP: masked text frames out, whole
    messages in (fragments joined, pings answered)."""

    def __init__(self, url):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        self.s = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n"
                        % (m.group(3), m.group(1), m.group(2), key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused")
        self.n = 0

    def _read(self, n):
        b = b""
        while len(b) < n:
            chunk = self.s.recv(n - len(b))
            if not chunk:
                raise RuntimeError("websocket closed")
            b += chunk
        return b

    def send(self, method, **params):
        self.n += 1
        data = json.dumps({"id": self.n, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                bytes([0x80 | 126]) + n.to_bytes(2, "big") if n < 65536 else
                                bytes([0x80 | 127]) + n.to_bytes(8, "big"))
        self.s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
        return self.n

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7f
            if n == 126:
                n = int.from_bytes(self._read(2), "big")
            elif n == 127:
                n = int.from_bytes(self._read(8), "big")
            payload = self._read(n)
            op = b0 & 0x0f
            if op == 9:             # ping: the protocol wants a pong
                continue
            msg += payload
            if b0 & 0x80:
                return json.loads(msg)

    def call(self, method, **params):
        i = self.send(method, **params)
        while time.time() < DEADLINE:
            m = self.recv()
            if m.get("id") == i:
                return m.get("result", {})
        raise RuntimeError("no answer to " + method)

    def wait_event(self, name):
        while time.time() < DEADLINE:
            if self.recv().get("method") == name:
                return
        raise RuntimeError("no " + name)


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
    sys.stdout.flush()


proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--user-data-dir=" + profile, "--remote-debugging-port=0",
                         "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
try:
    port = None
    while time.time() < DEADLINE and port is None:
        line = proc.stderr.readline().decode(errors="replace")
        if not line and proc.poll() is not None:
            break
        m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = m.group(1)
    if port is None:
        check(False, "chromium's DevTools endpoint")
        sys.exit(0)
    with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=10) as r:
        pages = [t for t in json.load(r) if t.get("type") == "page"]
    ws = Ws(pages[0]["webSocketDebuggerUrl"])
    ws.call("Page.enable")

    def js(expr):
        r = ws.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")

    def click_and_wait(expr):
        # the click navigates: wait for the new page's load event
        ws.send("Runtime.evaluate", expression=expr)
        ws.wait_event("Page.loadEventFired")

    ws.call("Page.navigate", url=base + "/")
    ws.wait_event("Page.loadEventFired")
    check(js("document.querySelector('h1').textContent") == "Overview",
          "browser: the overview renders")
    click_and_wait("document.querySelector('nav a[href=\"/cases\"]').click()")
    check(js("location.pathname") == "/cases" and
          js("document.querySelector('h1').textContent") == "Cases",
          "browser: the overview's Cases link leads to the case list")
    href = js("document.querySelector('a[href^=\"/case/\"]').getAttribute('href')")
    click_and_wait("document.querySelector('a[href^=\"/case/\"]').click()")
    check(href is not None and js("location.pathname") == href and
          js("[...document.querySelectorAll('h2')].some(h => h.textContent == 'Matches')"),
          "browser: a case link leads to its page (%s)" % href)
    ws.call("Page.navigate", url=base + "/search")
    ws.wait_event("Page.loadEventFired")
    with open(text_file, encoding="utf-8", errors="replace") as f:
        text = f.read()
    js("document.querySelector('textarea[name=text]').value = %s" % json.dumps(text))
    click_and_wait("document.querySelector('form[action=\"/search\"] button').click()")
    body = js("document.body.innerHTML") or ""
    check(js("location.pathname") == "/search" and
          ('KNOWN <a href="/issue/%s">' % want_issue) in body,
          "browser: the search form, submitted, finds %s" % want_issue)
finally:
    proc.kill()
    proc.wait()
