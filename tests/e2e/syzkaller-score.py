#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""syzkaller-score.py - how often crashtriage names the guilty frame a
triager expects, over syzkaller's report-parser test logs.

Usage: syzkaller-score.py CRASHTRIAGE DIR [--verbose] [--tap [--floor PCT]]

Each file in DIR is a header (TITLE:, ALT:, FRAME:, CORRUPTED: ...), one empty
line, then the console log; a "REPORT:" part after the log is syzkaller's own
cut and is not input.  The expected guilty frame is FRAME: when given, else
the first word after the last " in " of TITLE ("(2)" counters dropped).
A file agrees when:
  - it has no TITLE and crashtriage reports no crash;
  - it is CORRUPTED (or its title's function is "corrupted") and
    crashtriage flags the report corrupted, or names the
    expected frame when the title has one;
  - its title names no function and crashtriage names no guilty frame or
    flags the report corrupted... (counted apart: "frameless");
  - otherwise .guilty equals the expected function, compiler clone suffixes
    (.isra.N .constprop.N .part.N .cold) removed on both sides.
"""
import json, os, re, subprocess, sys, tempfile

CLONE = re.compile(r'(\.(isra|constprop|part|cold|llvm|lto_priv|localalias)(\.(\d+|NUM))?)+$')

def norm(f):
    if f is None:
        return None
    f = f.strip()
    f = CLONE.sub('', f)
    return f

def parse(path):
    with open(path, 'rb') as fh:
        data = fh.read().decode('utf-8', 'replace').replace('\r', '')
    head, _, body = data.partition('\n\n')
    if not head.strip() or ':' not in head.split('\n')[0]:
        # no header: the whole file is the log
        pass
    hdr = {}
    for line in head.split('\n'):
        k, sep, v = line.partition(': ')
        if sep:
            hdr.setdefault(k.strip(), []).append(v.strip())
    cut = re.search(r'\n\nREPORT:\n', '\n' + body)
    if cut:
        body = ('\n' + body)[:cut.start()].lstrip('\n')
    return hdr, body

def expected(hdr):
    title = hdr.get('TITLE', [None])[0]
    if title is None:
        return None, None
    if 'FRAME' in hdr:
        return title, hdr['FRAME'][0]
    t = re.sub(r' \(\d+\)$', '', title)
    if ' in ' not in t:
        return title, ''
    rest = t.rsplit(' in ', 1)[1]
    word = rest.split(' ')[0]
    return title, word

def main():
    exe, folder = sys.argv[1], sys.argv[2]
    verbose = '--verbose' in sys.argv
    tap = '--tap' in sys.argv
    floor = 90.0
    if '--floor' in sys.argv:
        floor = float(sys.argv[sys.argv.index('--floor') + 1])
    names = sorted((n for n in os.listdir(folder) if n.isdigit()), key=int)
    tmp = tempfile.mkdtemp()
    stats = dict(total=0, agree=0, quiet=0, quiet_ok=0, framed=0,
                 framed_ok=0, corrupted=0, corrupted_ok=0, frameless=0,
                 frameless_ok=0, false_crash=0, false_corrupted=0)
    misses = []
    for n in names:
        hdr, body = parse(os.path.join(folder, n))
        inp = os.path.join(tmp, n)
        with open(inp, 'w') as fh:
            fh.write(body)
        r = subprocess.run([exe, 'analyze', '--json', inp],
                           capture_output=True, text=True)
        try:
            j = json.loads(r.stdout) if r.stdout.strip() else {}
        except ValueError:
            j = {}
        os.unlink(inp)
        got = j.get('guilty')
        if got is None and 'guilty' not in j:   # before the key existed
            fr = (j.get('signature') or {}).get('frames') or []
            got = fr[0] if fr else None
        got = norm(got)
        corrupted = bool(j.get('corrupted'))
        title_got = j.get('title')
        title, want = expected(hdr)
        want = norm(want)
        stats['total'] += 1
        if title is None:
            stats['quiet'] += 1
            ok = title_got is None
            stats['quiet_ok'] += ok
            if not ok:
                stats['false_crash'] += 1
        elif 'CORRUPTED' in hdr or want == 'corrupted':
            stats['corrupted'] += 1
            ok = corrupted or (bool(want) and want != 'corrupted'
                               and got == want)
            stats['corrupted_ok'] += ok
        elif not want:
            stats['frameless'] += 1
            ok = title_got is not None and not got
            stats['frameless_ok'] += ok
        else:
            stats['framed'] += 1
            ok = got == want
            stats['false_corrupted'] += corrupted
            stats['framed_ok'] += ok
        stats['agree'] += ok
        if not ok:
            misses.append((n, title, want, got, title_got))
    for n, title, want, got, tg in misses:
        if verbose:
            print('# miss %s: want %r (%s) got %r (%s)' % (n, want, title, got, tg))
    s = stats
    pct = 100.0 * s['agree'] / max(1, s['total'])
    print('# syzkaller dev set: %d/%d agree (%.1f%%); framed %d/%d, '
          'corrupted %d/%d, frameless %d/%d, quiet %d/%d (false crashes %d); '
          'framed reports flagged corrupted %d'
          % (s['agree'], s['total'], pct, s['framed_ok'], s['framed'],
             s['corrupted_ok'], s['corrupted'], s['frameless_ok'],
             s['frameless'], s['quiet_ok'], s['quiet'], s['false_crash'],
             s['false_corrupted']))
    if tap:
        print('1..2')
        print('%s 1 - guilty frame agreement %.1f%% >= %.1f%% (target 90%%)'
              % ('ok' if pct >= floor else 'not ok', pct, floor))
        print('%s 2 - no-crash logs stay quiet (%d of %d)'
              % ('ok' if s['quiet_ok'] == s['quiet'] else 'not ok',
                 s['quiet_ok'], s['quiet']))

if __name__ == '__main__':
    main()
