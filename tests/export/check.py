#!/usr/bin/env python3
"""Read exports back for the tests (standard library only).

  check.py xlsx2tsv FILE.xlsx           cells of the worksheet, one row per line, tab-separated
                                          (numbers printed as integers when integral; date and
                                          time cells as their number format shows them,
                                          dd/mm/yyyy and hh:mm; a cell's type, n, d or s, is
                                          noted in column 0 when --types is given; --serials
                                          prints date cells as stored; --widths prints the
                                          column widths, in whole characters)
  check.py pdfrows EXPECTED.tsv TEXT     do EXPECTED's rows appear in TEXT (pdftotext -raw),
                                          in order? Whitespace is ignored, since cells wrap
                                          inside their columns; prints "N/M" rows found in order
  check.py count TEXT NEEDLE              occurrences of NEEDLE in TEXT, whitespace ignored
  check.py broken TEXT [--email] < WORDS  the words (whitespace-separated on stdin) that TEXT
                                          (pdftotext -raw) does not hold in one piece; with
                                          --email, an address may break before "@", "." or "-"
                                          only (prints nothing when all are whole)
"""
import datetime
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'


def col_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord('A') + 1
    return n - 1


# Built-in number formats that are dates or times (ECMA-376 18.8.30).
BUILTIN_DATES = {14: 'mm-dd-yy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM',
                 19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yy h:mm'}


def date_formats(styles_xml):
    """Style index -> number format code, for the styles whose format is a date or a time."""
    root = ET.fromstring(styles_xml)
    codes = dict(BUILTIN_DATES)
    fmts = root.find(NS + 'numFmts')
    for f in (fmts if fmts is not None else []):
        codes[int(f.get('numFmtId'))] = f.get('formatCode')
    out = {}
    xfs = root.find(NS + 'cellXfs')
    for i, xf in enumerate(xfs if xfs is not None else []):
        code = codes.get(int(xf.get('numFmtId', '0')))
        # A date or time format: d, m, y, h or s outside quotes and brackets.
        if code and re.search(r'[dmyhs]', re.sub(r'"[^"]*"|\[[^]]*\]', '', code.lower())):
            out[i] = code
    return out


def show_date(serial, code):
    """A date cell as its format shows it (the formats the exports use)."""
    base = datetime.datetime(1899, 12, 30)
    t = base + datetime.timedelta(days=float(serial))
    t = t.replace(microsecond=0) + datetime.timedelta(seconds=round(t.microsecond / 1e6))
    shown = {'dd/mm/yyyy': '%d/%m/%Y', 'hh:mm': '%H:%M', 'h:mm': '%H:%M'}.get(code.lower())
    if shown is None:
        raise SystemExit('unexpected date format %s' % code)
    return t.strftime(shown)


def xlsx2tsv(path, types, serials=False, widths=False):
    if path:
        with zipfile.ZipFile(path) as z:
            sheet = z.read('xl/worksheets/sheet1.xml')
            dates = {} if serials else date_formats(z.read('xl/styles.xml'))
        root = ET.fromstring(sheet)
    else:
        root = ET.parse(sys.stdin).getroot()
        dates = {}
    if widths:
        # libxlsxwriter stores a width of w characters as w + 5/7 (cell padding).
        cols = root.find(NS + 'cols')
        print(' '.join(str(int(float(c.get('width')))) for c in (cols if cols is not None else [])))
        return
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
                style = int(c.get('s', '0'))
                if style in dates:
                    text = show_date(text, dates[style])
                    kinds[i] = 'd'
                else:
                    if re.fullmatch(r'-?\d+(\.0+)?', text or ''):
                        text = str(int(float(text)))
                    kinds[i] = 'n'
                cells[i] = text
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
        files = [a for a in sys.argv[2:] if not a.startswith('--')]
        xlsx2tsv(files[0] if files else None, '--types' in sys.argv, '--serials' in sys.argv,
                 '--widths' in sys.argv)
    elif cmd == 'pdfrows':
        pdfrows(sys.argv[2], sys.argv[3])
    elif cmd == 'broken':
        broken(sys.argv[2], '--email' in sys.argv)
    elif cmd == 'count':
        count(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
