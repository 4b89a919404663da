#!/bin/sh
# What the agenda draws, read off the real screen (issue 11, items 2 and 3):
# for the reported cases and a few seeded random weeks (plages, multi-day and
# recurring absences, the Ascension holiday, overlapping rdvs) inserted into
# a real cluster, every cell of the week view shows the highest-priority
# item the database holds there (rdv > indisponibilité > jour férié > plage >
# empty) and the hour column stays within 00:00–23:59: in the monochrome
# theme at 120×40 (one agent) and 80×24 (two agents side by side), in the
# week and the day views, also after scrolling to 00:00 and back; in the
# default theme an absence never takes a plage's colour.
# tests/ui/agenda_draw.py reads the screens.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 77; }
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
PY="python3 $top_srcdir/tests/ui/agenda_draw.py"
MON=2026-05-11
JULIEN=$(sql -c "SELECT id FROM rdv.agents WHERE db_role = 'julien'")
CAMILLE=$(sql -c "SELECT id FROM rdv.agents WHERE db_role = 'camille'")
EXP="$TMUX_DIR/expected.tsv"
SHOT="$TMUX_DIR/screen.ans"

# The week's items for both agents, cut to days, as the checker wants them.
expected() {
	sql -v mon="$MON" -v ids="{$JULIEN,$CAMILLE}" >"$EXP" <<'EOF'
\pset fieldsep '\t'
WITH days AS (SELECT d::date AS d FROM generate_series(:'mon'::date, :'mon'::date + 6, '1 day') d)
SELECT 'plage', p.agent_id, o.d, extract(epoch FROM p.start_time)::int / 60,
       extract(epoch FROM p.end_time)::int / 60, coalesce(l.name, p.title)
  FROM rdv.plages_ouverture p LEFT JOIN rdv.lieux l ON l.id = p.lieu_id,
       rdv.rrule_occurrences(p.rrule, p.first_day, :'mon'::date, :'mon'::date + 6) o(d)
 WHERE p.agent_id = ANY (:'ids'::int[])
UNION ALL
SELECT 'absence', a.agent_id, days.d,
       CASE WHEN days.d = o.d THEN extract(epoch FROM a.start_time)::int / 60 ELSE 0 END,
       CASE WHEN days.d = o.d + (a.end_day - a.first_day) THEN extract(epoch FROM a.end_time)::int / 60
            ELSE 1440 END, a.title
  FROM rdv.absences a,
       rdv.rrule_occurrences(a.rrule, a.first_day, :'mon'::date - 31, :'mon'::date + 6) o(d), days
 WHERE a.agent_id = ANY (:'ids'::int[]) AND days.d BETWEEN o.d AND o.d + (a.end_day - a.first_day)
UNION ALL
SELECT 'rdv', ra.agent_id, days.d,
       (extract(epoch FROM greatest(r.starts_at AT TIME ZONE 'Europe/Paris', days.d::timestamp)
                           - days.d::timestamp) / 60)::int,
       (extract(epoch FROM least(r.ends_at AT TIME ZONE 'Europe/Paris', days.d + interval '1 day')
                           - days.d::timestamp) / 60)::int, 'rdv'
  FROM rdv.rdvs r JOIN rdv.rdv_agents ra ON ra.rdv_id = r.id, days
 WHERE ra.agent_id = ANY (:'ids'::int[])
   AND r.starts_at AT TIME ZONE 'Europe/Paris' < days.d + interval '1 day'
   AND r.ends_at AT TIME ZONE 'Europe/Paris' > days.d::timestamp;
EOF
	# Public holidays of the week, blocking (the organisation is not open on holidays).
	"$RDV" holidays --year 2026 | awk -F '\t' -v from="$MON" -v to=2026-05-17 \
		'$1 >= from && $1 <= to { print "holiday\t0\t" $1 "\t0\t1440\t" $2 }' >>"$EXP"
}

# load SQL — the week holds these items only.
load() {
	sql -c "DELETE FROM rdv.rdvs WHERE agent_ids && '{$JULIEN,$CAMILLE}';
		DELETE FROM rdv.absences WHERE agent_id IN ($JULIEN, $CAMILLE);
		DELETE FROM rdv.plages_ouverture WHERE agent_id IN ($JULIEN, $CAMILLE);" >/dev/null &&
		printf '%s\n' "$1" | sql >/dev/null && expected && [ -s "$EXP" ]
}

# screen_ok COLS LINES AGENTS [--colour] — poll until the screen checks (the
# view may still be loading), at most 5 s; prints the checker's last verdict.
screen_ok() {
	tries=25
	while :; do
		tmux_screen_colours >"$SHOT"
		verdict=$($PY check "$SHOT" "$EXP" --cols "$1" --lines "$2" --agents "$3" $4)
		st=$?
		[ "$st" = 0 ] && { printf '%s\n' "$verdict" | tail -1; return 0; }
		tries=$((tries - 1))
		if [ "$tries" = 0 ]; then
			printf '%s\n' "$verdict" | sed 's/^/# /' >&2
			tmux_screen | sed 's/^/#   /' >&2
			return 1
		fi
		sleep 0.2
	done
}

# session NAME COLS LINES [ARGS] — the client on the week of 13 May 2026.
session() {
	tmux_stop
	TMUX_SESSION=$1 TMUX_SOCK="$TMUX_DIR/$1.sock"
	tmux_start "$2" "$3" "$RDV tui --db '$CONN' --now 2026-05-13T10:00 $4"
	tmux_wait "✱ A" 15 || echo "# the week did not load"
}

# Show Camille's agenda beside Julien's.
side_by_side() {
	tmux_keys a
	tmux_wait "Agendas affichés côte à côte" 5
	row=$(tmux_screen | grep -n "DUPONT Camille" | cut -d: -f1)
	first=$(tmux_screen | grep -n "^ *\[.\] " | head -1 | cut -d: -f1)
	i=$first
	while [ "$i" -lt "$row" ]; do tmux_keys Down; i=$((i + 1)); done
	tmux_keys Space Enter
	tmux_wait "Agendas de 2 agents" 5
}

# Scroll with k to 00:00 (the cursor's row first), then j down to 23:xx.
scroll_top() {
	tmux_keys -N 300 k
	tries=100
	while [ "$tries" -gt 0 ]; do
		tmux_screen | sed -n "$1p" | grep -q "^00:00" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# The reported cases: an absence over a plage; a multi-day absence over the
# next days' plages; early and late rdvs that widen the hours (they ran past
# midnight at 80×24 with two agents side by side).
REPORTED="BEGIN;
INSERT INTO rdv.plages_ouverture (organisation_id, agent_id, lieu_id, title, first_day, start_time, end_time, rrule)
VALUES (1, $JULIEN, 1, 'Matin', '2026-05-04', '09:00', '12:00', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'),
       (1, $JULIEN, 2, 'Après-midi', '2026-05-05', '14:00', '17:00', 'FREQ=WEEKLY;BYDAY=TU,WE,FR'),
       (1, $CAMILLE, 1, 'Journée', '2026-05-04', '08:00', '18:00', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
VALUES ($JULIEN, 'Réunion', '2026-05-12', '10:00', '2026-05-12', '11:00'),
       ($JULIEN, 'Congé', '2026-05-12', '15:00', '2026-05-15', '10:00'),
       ($CAMILLE, 'Formation', '2026-05-11', '15:00', '2026-05-12', '11:00');
WITH r AS (INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at, name)
           VALUES (1, 1, 1, '2026-05-11 06:00'::timestamp AT TIME ZONE 'Europe/Paris',
                   '2026-05-11 06:45'::timestamp AT TIME ZONE 'Europe/Paris', 'Tôt'),
                  (1, 1, 1, '2026-05-13 22:30'::timestamp AT TIME ZONE 'Europe/Paris',
                   '2026-05-13 23:15'::timestamp AT TIME ZONE 'Europe/Paris', 'Tard') RETURNING id)
INSERT INTO rdv.rdv_agents (rdv_id, agent_id) SELECT id, $CAMILLE FROM r;
COMMIT;"
load "$REPORTED" || { echo "Bail out! the reported week could not be loaded"; exit 1; }
n=$(grep -c . "$EXP")
ok $([ "$n" -gt 10 ]; echo $?) "the reported week: $n items for the checker"

session colour 120 40
v=$(screen_ok 120 40 "$JULIEN" --colour)
ok $? "default theme, 120×40: absences never in a plage's colour ($v)"
cap=$(tmux_screen)
line=$(printf '%s\n' "$cap" | grep "^10:00")
like "$line" " Réunion " "the absence over Tuesday's plage is named"
side_by_side
v=$(screen_ok 120 40 "$JULIEN,$CAMILLE" --colour)
ok $? "default theme, two agents: the same ($v)"

session mono 120 40 "--theme monochrome"
v=$(screen_ok 120 40 "$JULIEN")
ok $? "monochrome, 120×40: every cell as its highest-priority item, hours within the day ($v)"
like "$(tmux_screen | grep '^14:00')" "╱" "the multi-day absence is hatched over Wednesday's plage"
side_by_side
v=$(screen_ok 120 40 "$JULIEN,$CAMILLE")
ok $? "monochrome, 120×40, two agents ($v)"

session mono80 80 24 "--theme monochrome"
side_by_side
v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
ok $? "monochrome, 80×24, two agents side by side: no hour past 23:59 ($v)"
ok $(tmux_screen | cut -c1-5 | grep -qE '^(2[4-9]|3[0-9]):'; [ $? = 1 ]; echo $?) \
	"no 24:00 … 35:00 in the hour column"
scroll_top 5
ok $? "k up to 00:00: the first row is 00:00"
v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
ok $? "at 00:00 ($v)"
tmux_keys -N 300 j
tmux_wait "23:00" 5
v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
ok $? "and back down to 23:00 ($v)"
tmux_keys -N 30 k
tmux_wait_gone "23:00" 5
v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
ok $? "and up again ($v)"
tmux_keys v
tmux_wait "mercredi 13 mai 2026" 5
v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
ok $? "the day view, two agents, the same ($v)"
tmux_keys l l
tmux_wait "jeudi 14 mai 2026" 5
v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
ok $? "the day view of the holiday ($v)"

# Seeded random weeks, monochrome, at both sizes, scrolled to 00:00 and back.
for seed in 1 2 3; do
	load "$($PY gen "$seed" "$MON" "$JULIEN" "$CAMILLE")" ||
		{ echo "Bail out! seed $seed could not be loaded"; exit 1; }
	session "s${seed}a" 120 40 "--theme monochrome"
	v=$(screen_ok 120 40 "$JULIEN")
	ok $? "seed $seed, 120×40, Julien ($v)"
	side_by_side
	v=$(screen_ok 120 40 "$JULIEN,$CAMILLE")
	ok $? "seed $seed, 120×40, two agents ($v)"
	tmux_keys v
	tmux_wait "mercredi 13 mai 2026" 5
	v=$(screen_ok 120 40 "$JULIEN,$CAMILLE")
	ok $? "seed $seed, 120×40, day view ($v)"
	session "s${seed}b" 80 24 "--theme monochrome"
	side_by_side
	v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
	ok $? "seed $seed, 80×24, two agents ($v)"
	scroll_top 5
	v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
	ok $? "seed $seed, 80×24, scrolled to 00:00 ($v)"
	tmux_keys -N 300 j
	tmux_wait "23:00" 5
	v=$(screen_ok 80 24 "$JULIEN,$CAMILLE")
	ok $? "seed $seed, 80×24, and down to 23:00 ($v)"
done
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
