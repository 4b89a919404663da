#!/usr/bin/python3
"""Helper of tests/ui/agenda_draw.sh.

    agenda_draw.py gen SEED MONDAY AGENT_ID...       random week as SQL (psql, superuser)
    agenda_draw.py check SCREEN EXPECTED --cols C --lines L --agents ID,ID [--colour]

`check` reads a `tmux capture-pane -p -e` capture of the week view and the
items the database holds for that week (EXPECTED: kind, agent, day, start
and end minute, label; one per line, tab-separated, cut to days) and checks
that every cell of the grid is drawn as the highest-priority item there
(rdv > indisponibilité > jour férié > plage > empty), by glyph in the
monochrome theme (plage ·, indisponibilité ╱, férié ░, rdv in reverse or
underline) or, with --colour, that absences never share the plages' colours,
and that the hour column only shows times within 00:00–23:59, evenly spaced.
Prints one line per defect found (at most 20) and exits 1 when any.
"""
import datetime
import random
import re
import sys
import unicodedata

GUTTER = 6
EMPTY, PLAGE, HOLIDAY, ABSENCE, RDV = range(5)
LAYER = {"plage": PLAGE, "holiday": HOLIDAY, "absence": ABSENCE, "rdv": RDV}
NAMES = ["empty", "plage", "jour férié", "indisponibilité", "rdv"]
GLYPH = {PLAGE: "·", ABSENCE: "╱", HOLIDAY: "░"}


def gen(seed, monday, agents):
    """Plages (weekly, fortnightly, once), absences (multi-day, weekly, once), overlapping rdvs."""
    rnd = random.Random(seed)
    mon = datetime.date.fromisoformat(monday)
    out = ["BEGIN;"]
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    def t(m):
        return "%02d:%02d" % (m // 60, m % 60)

    for agent in agents:
        for _ in range(rnd.randint(1, 4)):
            s = rnd.randrange(12, 40) * 30
            e = min(s + rnd.randrange(1, 16) * 30, 1439)
            first = mon - datetime.timedelta(days=7 * rnd.randrange(0, 3) - rnd.randrange(0, 5))
            # A rule's days include the first day's (the database checks it).
            byday = {days[first.weekday()]} | {rnd.choice(days[:5]) for _ in range(2)}
            rule = rnd.choice(["FREQ=WEEKLY;BYDAY=" + ",".join(sorted(byday, key=days.index)),
                               "FREQ=WEEKLY;INTERVAL=2", None])
            out.append("INSERT INTO rdv.plages_ouverture (organisation_id, agent_id, lieu_id, title, "
                       "first_day, start_time, end_time, rrule) VALUES (1, %d, %d, 'Plage', '%s', '%s', "
                       "'%s', %s);" % (agent, rnd.choice([1, 2]), first, t(s), t(e),
                                       "'%s'" % rule if rule else "NULL"))
        for k in range(rnd.randint(1, 3)):
            first = mon + datetime.timedelta(days=rnd.randrange(-3, 6))
            s = rnd.randrange(0, 48) * 30
            kind = rnd.randrange(3)
            title = ["Congé", "Réunion", "Formation"][kind]
            if kind == 0:  # several days: the reported case
                end = first + datetime.timedelta(days=rnd.randint(1, 3))
                e = rnd.randrange(0, 48) * 30
                rule = None
            else:
                end = first
                e = min(s + rnd.randrange(1, 10) * 30, 1439)
                rule = "FREQ=WEEKLY" if kind == 1 else None
                if rule:
                    first -= datetime.timedelta(days=14)
                    end = first
            out.append("INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, "
                       "end_time, rrule) VALUES (%d, '%s', '%s', '%s', '%s', '%s', %s);"
                       % (agent, title, first, t(s), end, t(e), "'%s'" % rule if rule else "NULL"))
        for _ in range(rnd.randint(0, 8)):
            day = mon + datetime.timedelta(days=rnd.randrange(0, 5))
            s = rnd.randrange(6 * 12, 20 * 12) * 5
            length = rnd.randrange(3, 18) * 5
            status = rnd.choice(["unknown", "unknown", "seen", "noshow", "excused", "revoked"])
            out.append("WITH r AS (INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, "
                       "ends_at, status, overlap_acknowledged, name) VALUES (1, %d, 1, "
                       "('%s %s'::timestamp AT TIME ZONE 'Europe/Paris'), "
                       "('%s %s'::timestamp AT TIME ZONE 'Europe/Paris') + interval '%d minutes', "
                       "'%s', true, 'Rdv') RETURNING id) "
                       "INSERT INTO rdv.rdv_agents (rdv_id, agent_id, overlap_acknowledged) "
                       "SELECT id, %d, true FROM r;"
                       % (rnd.choice([1, 2]), day, t(s), day, t(s), length, status, agent))
    out.append("COMMIT;")
    return "\n".join(out)


def parse_screen(text, cols, lines):
    """Cells as (char, reverse, underline, style) where style is the SGR state string."""
    grid = []
    for line in text.split("\n")[:lines]:
        row = []
        rev = ul = False
        sgr = {}
        for m in re.finditer(r"\x1b\[([0-9;:]*)m|(.)", line):
            if m.group(2) is None:
                params = [p for p in m.group(1).split(";")] if m.group(1) else ["0"]
                i = 0
                while i < len(params):
                    p = params[i] or "0"
                    if p == "0":
                        rev = ul = False
                        sgr = {}
                    elif p == "7":
                        rev = True
                    elif p == "27":
                        rev = False
                    elif p == "4" or p.startswith("4:"):
                        ul = p != "4:0"
                    elif p == "24":
                        ul = False
                    elif p in ("38", "48") and i + 2 < len(params) and params[i + 1] == "5":
                        sgr[p] = params[i + 2]
                        i += 2
                    elif p in ("38", "48") and i + 4 < len(params) and params[i + 1] == "2":
                        sgr[p] = ",".join(params[i + 2:i + 5])
                        i += 4
                    elif p in ("39", "49"):
                        sgr.pop("38" if p == "39" else "48", None)
                    elif len(p) == 2 and p[0] in "34" and p[1] in "01234567":
                        sgr[p[0] + "8"] = "b" + p[1]
                    elif len(p) == 3 and p[:2] in ("90", "10"):
                        sgr["38" if p[0] == "9" else "48"] = "h" + p[2]
                    i += 1
                continue
            ch = m.group(2)
            style = "%s/%s/%d%d" % (sgr.get("38", "-"), sgr.get("48", "-"), rev, ul)
            row.append((ch, rev, ul, style))
            if unicodedata.east_asian_width(ch) in ("W", "F"):
                row.append(("", rev, ul, style))
        while len(row) < cols:
            row.append((" ", False, False, "-/-/00"))
        grid.append(row[:cols])
    while len(grid) < lines:
        grid.append([(" ", False, False, "-/-/00")] * cols)
    return grid


def check(screen, expected, cols, lines, agents, colour):
    grid = parse_screen(open(screen, encoding="utf-8").read(), cols, lines)
    problems = []
    text = ["".join(c[0] for c in row) for row in grid]

    def problem(msg):
        problems.append(msg)

    items = []
    for line in open(expected, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 6:
            continue
        items.append((f[0], int(f[1]), datetime.date.fromisoformat(f[2]), int(f[3]), int(f[4]), f[5]))
    header_rows = 4 if len(agents) > 1 else 3
    avail = lines - 1 - header_rows
    year = min(i[2] for i in items).year if items else 2026
    days = [datetime.date(year, int(m), int(d)) for d, m in re.findall(r"(\d\d)/(\d\d)", text[1])]
    if not days:
        return ["no day in the header: %r" % text[1]]

    # The hour column: HH:MM within the day, first + r * step.
    labels = {}
    for r in range(avail):
        s = text[header_rows + r][:GUTTER - 1].strip()
        if not s:
            continue
        m = re.fullmatch(r"(\d\d):(\d\d)", s)
        if not m:
            problem("row %d: hour label %r" % (r, s))
            continue
        h, mi = int(m.group(1)), int(m.group(2))
        if h > 23 or mi > 59:
            problem("row %d: impossible hour %s" % (r, s))
        labels[r] = h * 60 + mi
    if 0 not in labels:
        return problems + ["the first row has no hour"]
    first = labels[0]
    later = sorted(r for r in labels if r > 0)
    step = (labels[later[0]] - first) // later[0] if later else 60
    if step not in (5, 10, 15, 20, 30, 60):
        return problems + ["hours %s: no step" % sorted(labels.items())]
    used = min(avail, (1440 - first) // step)
    for r in range(avail):
        t = first + r * step
        want = r < used and (t % 60 == 0 or step >= 60 or r == 0)
        if want and labels.get(r) != t:
            problem("row %d: hour %s, expected %02d:%02d" % (r, labels.get(r), t // 60, t % 60))
        elif not want and r in labels:
            problem("row %d: hour %02d:%02d shown past the day or off the grid"
                    % (r, labels[r] // 60, labels[r] % 60))

    # The cursor's look (its hour in the gutter differs from the others'): not an item's.
    gutter = [grid[header_rows + r][0][3] for r in labels]
    common = max(set(gutter), key=gutter.count)
    cursor_styles = {s for s in gutter if s != common}

    ncols = len(days) * len(agents)
    colw = (cols - GUTTER) // ncols
    styles = {PLAGE: set(), ABSENCE: set(), HOLIDAY: set()}
    cells = 0
    for i in range(ncols):
        day, agent = days[i // len(agents)], agents[i % len(agents)]
        x = GUTTER + i * colw
        cw = colw if i < ncols - 1 else cols - x
        paint = [EMPTY] * 1440
        labels_of = {PLAGE: set(), ABSENCE: set()}
        for kind, a, d, s, e, label in sorted(items, key=lambda it: LAYER[it[0]]):
            if d != day or (kind != "holiday" and a != agent):
                continue
            for mi in range(max(s, 0), min(e, 1440)):
                paint[mi] = LAYER[kind]
            if LAYER[kind] in labels_of:
                labels_of[LAYER[kind]].add(label)
        prev = None
        for r in range(avail):
            y = header_rows + r
            cell = grid[y][x:x + cw - 1]
            chars = "".join(c[0] for c in cell)
            where = "%s %s, row %d" % (day.strftime("%d/%m"), agent, r)
            if r >= used:
                if chars.strip():
                    problem("%s: drawn past the last hour: %r" % (where, chars))
                continue
            t = first + r * step
            layer = max(paint[t:t + step])
            cells += 1
            where = "%s %s %02d:%02d" % (day.strftime("%d/%m"), agent, t // 60, t % 60)
            cursor = all(c[1] for c in cell) and all(c[0] in " " + GLYPH.get(layer, "") for c in cell)
            if layer == EMPTY:
                if chars.strip():
                    problem("%s: empty expected, drawn %r" % (where, chars))
            elif layer == RDV:
                if any(ch in chars for ch in GLYPH.values()):
                    problem("%s: rdv expected, drawn %r" % (where, chars))
                elif not colour and not all(c[1] or c[2] for c in cell):
                    problem("%s: rdv expected in reverse or underline: %r" % (where, chars))
            elif layer == HOLIDAY:
                if chars != GLYPH[HOLIDAY] * len(chars):
                    problem("%s: jour férié expected, drawn %r" % (where, chars))
                if cell[0][3] not in cursor_styles:
                    styles[HOLIDAY].add(cell[0][3])
            else:
                g = GLYPH[layer] if not colour or layer == ABSENCE else " "
                body = chars.rstrip(g)
                fill = chars[len(body):]
                ok = any((" " + lab + " ").startswith(body) for lab in labels_of[layer] | {"Autre organisation"})
                if not ok:
                    problem("%s: %s expected, drawn %r" % (where, NAMES[layer], chars))
                if layer == ABSENCE and prev != ABSENCE and len(chars) > 2 and \
                        not any((" " + lab).startswith(body.rstrip()) and body.strip()
                                for lab in labels_of[ABSENCE]):
                    problem("%s: the indisponibilité is not named on its first row: %r" % (where, chars))
                if fill and not cursor and cell[len(body)][3] not in cursor_styles:
                    styles[layer].add(cell[len(body)][3])
            prev = layer
    if colour:
        if styles[ABSENCE] & styles[PLAGE]:
            problem("indisponibilités and plages share a look: %s" % (styles[ABSENCE] & styles[PLAGE]))
        if len(styles[ABSENCE]) > 1:
            problem("indisponibilités drawn in several looks: %s" % styles[ABSENCE])
    return problems, cells, first, step, used


def main():
    args = sys.argv[1:]
    if args[0] == "gen":
        print(gen(int(args[1]), args[2], [int(a) for a in args[3:]]))
        return 0
    opt = {k: args[args.index(k) + 1] for k in ("--cols", "--lines", "--agents") if k in args}
    res = check(args[1], args[2], int(opt["--cols"]), int(opt["--lines"]),
                [int(a) for a in opt["--agents"].split(",")], "--colour" in args)
    if isinstance(res, list):
        problems = res
        print("# %s" % "; ".join(problems[:5]))
        return 1
    problems, cells, first, step, used = res
    for p in problems[:20]:
        print("# " + p)
    last = first + (used - 1) * step
    print("%d cells, %d rows %02d:%02d–%02d:%02d every %d min, %d problems"
          % (cells, used, first // 60, first % 60, last // 60, last % 60, step, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
