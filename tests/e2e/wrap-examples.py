#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""wrap-examples.py - every known issue's examples, pasted the ways people
paste them, must still be recognised as that known issue.

Usage: wrap-examples.py CRASHTRIAGE RULES_DIR [--verbose]

For each rule file (rules/kb/*.yaml) and each of its examples, the example
is first analysed as it is: it must be KNOWN as its rule (kb check says so
too).  Then it is wrapped: quoted as in e-mail and markdown, nested in
quotes, indented as a markdown code block, fenced with prose around it,
HTML-escaped inside <pre>, with CRLF line ends, behind a syslog relay's
prefix, with trailing blanks.  Each wrapped text must give the same known
issue.  Prints TAP, one test per rule and wrapping.
"""
import html, json, os, re, subprocess, sys, tempfile
import yaml

def wraps(family):
    def quote(p):
        return lambda t: ''.join(p + l + '\n' for l in t.splitlines())
    def syslog(t):
        if family == 'linux':
            p = 'Dec  6 12:00:01 host1 kernel: '
            return ''.join(p + l + '\n' for l in t.splitlines())
        # an ESXi host's remote syslog: the collector's header replaces
        # the line's own stamp ("2012-03-08T11:27:45.100Z cpu3:..." ->
        # "<header> vmkernel: cpu3:...")
        p = '2024-12-06T12:00:01.123Z esx01.example.com vmkernel: '
        stamp = re.compile(r'^\d{4}-\d\d-\d\dT[\d:.]+Z ')
        return ''.join(p + stamp.sub('', l) + '\n' for l in t.splitlines())
    return [
        ('email quote', quote('> ')),
        ('nested quote', quote('> > ')),
        ('markdown code block', quote('    ')),
        ('fenced with prose', lambda t:
            'Hi all, our host crashed last night, trace below:\n\n```\n'
            + t + ('' if t.endswith('\n') else '\n') +
            '```\n\nAny idea? Thanks.\n'),
        ('html escaped', lambda t:
            '<p>Seen on the host:</p>\n<pre>' + html.escape(t) + '</pre>\n'),
        ('crlf', lambda t: t.replace('\n', '\r\n')),
        ('syslog relay', syslog),
        ('trailing blanks', lambda t:
            ''.join(l + ' \t\n' for l in t.splitlines())),
    ]

SYSLOG = re.compile(r'^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ', re.M)

def applies(label, text):
    """A syslog relay forwards log lines: not a gdb session, nor a line
    that already went through syslog."""
    if label != 'syslog relay':
        return True
    return not re.search(r'^\s*(\(gdb\)|#\d)', text, re.M) and \
        '#0' not in text and not SYSLOG.search(text)

def verdict(exe, text, tmp):
    path = os.path.join(tmp, 'paste.txt')
    with open(path, 'w') as fh:
        fh.write(text)
    r = subprocess.run([exe, 'analyze', '--json', path], capture_output=True,
                       text=True)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        return None
    for m in j.get('matches', []):
        if m.get('passes'):
            return m.get('id')
    return None

def main():
    exe, rules = sys.argv[1], sys.argv[2]
    verbose = '--verbose' in sys.argv
    tmp = tempfile.mkdtemp()
    n = bad = 0
    lines = []
    for name in sorted(os.listdir(rules)):
        if not name.endswith('.yaml'):
            continue
        with open(os.path.join(rules, name)) as fh:
            rule = yaml.safe_load(fh)
        rid = rule['id']
        family = 'linux' if rule.get('product') == 'linux' else 'esxi'
        examples = rule.get('examples') or []
        known = [e for e in examples if verdict(exe, e, tmp) == rid]
        for label, wrap in wraps(family):
            cases = [e for e in known if applies(label, e)]
            if not cases:
                continue
            n += 1
            got = [verdict(exe, wrap(e), tmp) for e in cases]
            ok = all(g == rid for g in got)
            bad += not ok
            lines.append('%s %d - %s: %s' % ('ok' if ok else 'not ok', n,
                                             rid, label))
            if not ok and verbose:
                lines.append('# got %s' % got)
    print('1..%d' % n)
    print('\n'.join(lines))
    print('# wrapped examples: %d of %d wrappings keep their known issue'
          % (n - bad, n))

if __name__ == '__main__':
    main()
