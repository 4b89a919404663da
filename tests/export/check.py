#!/usr/bin/env python3
"""Read exports back for the tests (standard library only).

  check.py xlsx2tsv < sheet1.xml        cells of the worksheet, one row per line, tab-separated
                                          (numbers printed as integers when integral; a cell's
                                          type is noted in column 0 when --types is given)
  check.py pdfrows EXPECTED.tsv TEXT     do EXPECTED's rows appear in TEXT (pdftotext -raw),
                                          in order? Whitespace is ignored, since cells wrap
                                          inside their columns; prints "N/M" rows found in order
  check.py count TEXT NEEDLE              occurrences of NEEDLE in TEXT, whitespace ignored
  check.py broken TEXT [--email] < WORDS  the words (whitespace-separated on stdin) that TEXT
                                          (pdftotext -raw) does not hold in one piece; with
                                          --email, an address may break before "@", "." or "-"
                                          only (prints nothing when all are whole)
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'


def col_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord('A') + 1
    return n - 1


def xlsx2tsv(types):
    root = ET.parse(sys.stdin).getroot()
    data = root.find(NS + 'sheetData')
    for row in data:
        cells = {}
        kinds = {}
        for c in row:
            t = c.get('t')
            i = col_index(c.get('r'))
            if t == 'inlineStr':
                cells[i] = ''.join(x.text or '' for x in c.iter(NS + 't'))
                kinds[i] = 's'
            elif t in ('s', 'str'):
                raise SystemExit('unexpected cell type %s' % t)
            else:
                v = c.find(NS + 'v')
                text = v.text if v is not None else ''
                if re.fullmatch(r'-?\d+(\.0+)?', text or ''):
                    text = str(int(float(text)))
                cells[i] = text
                kinds[i] = 'n'
        width = max(cells) + 1 if cells else 0
        width = max(width, 21)
        line = '\t'.join(cells.get(i, '') for i in range(width))
        if types:
            line = ''.join(kinds.get(i, '-') for i in range(width)) + '\t' + line
        print(line)


def squash(s):
    return re.sub(r'\s+', '', s)


def pdfrows(expected, text):
    rows = [l.rstrip('\n').split('\t') for l in open(expected, encoding='utf-8')
            if l.strip() and not l.startswith('#')]
    hay = squash(open(text, encoding='utf-8').read())
    pos = 0
    found = 0
    for r in rows:
        needle = squash(''.join(r))
        at = hay.find(needle, pos)
        if at < 0:
            print('# missing: %s' % '|'.join(r), file=sys.stderr)
            break
        pos = at + len(needle)
        found += 1
    print('%d/%d' % (found, len(rows)))


def count(text, needle):
    print(squash(open(text, encoding='utf-8').read()).count(squash(needle)))


def broken(text, email):
    hay = open(text, encoding='utf-8').read()
    for word in sys.stdin.read().split():
        if email:
            pattern = ''.join((r'\s*' if i > 0 and ch in '@.-' else '') + re.escape(ch)
                              for i, ch in enumerate(word))
        else:
            pattern = re.escape(word)
        if not re.search(pattern, hay):
            print(word)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'xlsx2tsv':
        xlsx2tsv('--types' in sys.argv)
    elif cmd == 'pdfrows':
        pdfrows(sys.argv[2], sys.argv[3])
    elif cmd == 'broken':
        broken(sys.argv[2], '--email' in sys.argv)
    elif cmd == 'count':
        count(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
