#!/bin/sh
# "Trouver un RDV" for every demo agent, in each of their organisations, for
# every motif they may use, over three consecutive weeks: the screen shows the
# same number of slots as `rdv slots` (the same core, from the command line)
# and the earliest one first, or says "Aucune disponibilité" with the next
# availability `rdv slots --first` finds (or that there is none in six
# months). Each first week is shown at 80×24, then again after a resize to
# 120×40 (another layout), then back. The program must never crash: under
# the ASan build any sanitizer report fails the test.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
command -v tmux >/dev/null 2>&1 || { echo "1..0 # SKIP tmux not found"; exit 77; }
[ -x "$PG_BINDIR/initdb" ] || { echo "1..0 # SKIP PostgreSQL not found"; exit 77; }
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
NOW=2026-05-13T08:00
W0=2026-05-13
# Sanitizer reports (ASan build) land in files, not on the curses screen.
ASAN_OPTIONS="log_path=$TMUX_DIR/san${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="log_path=$TMUX_DIR/san:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }

# French labels as the program writes them, with one date(1) call a date.
abbr() { n=$1; set -- lun. mar. mer. jeu. ven. sam. dim.; shift $((n - 1)); echo "$1"; }
# label DATE — sets L_ABBR ("mer."), L_DDMM ("13/05"), L_YEAR, L_LONG ("mercredi 13 mai 2026")
label() {
	set -- $(date -d "$1" '+%u %d/%m %Y %-d %-m')
	L_ABBR=$(abbr "$1") L_DDMM=$2 L_YEAR=$3
	wd=$1 d=$4 m=$5
	set -- lundi mardi mercredi jeudi vendredi samedi dimanche
	shift $((wd - 1))
	L_LONG="$1 $d"
	set -- janvier février mars avril mai juin juillet août septembre octobre novembre décembre
	shift $((m - 1))
	L_LONG="$L_LONG $1 $L_YEAR"
}
# "mercredi 10 juin 2026 à 09h00" from 2026-06-10T09:00
when_fr() {
	label "${1%T*}"
	t=${1#*T}
	echo "$L_LONG à ${t%%:*}h$(echo "$t" | cut -c4-5)"
}
plus() { date -d "$1 + $2 days" +%F; }

san_clean() {
	if ls "$TMUX_DIR"/san.* >/dev/null 2>&1; then
		ok 1 "$1: no sanitizer report"
		head -40 "$TMUX_DIR"/san.* | sed 's/^/#   /'
		rm -f "$TMUX_DIR"/san.*
		return 1
	fi
	ok 0 "$1: no sanitizer report"
}

# alive — the program has not exited (crash or otherwise).
alive() { [ ! -s "$TMUX_DIR/exit.ui" ]; }

# check_week LABEL MOTIF_ID MOTIF_NAME FROM
check_week() {
	label=$1 id=$2 name=$3 from=$4
	to=$(plus "$from" 6)
	label "$to"
	to_abbr=$L_ABBR to_ddmm=$L_DDMM to_year=$L_YEAR
	label "$from"
	week="$label, week of $L_DDMM"
	summary="$name · du $L_ABBR $L_DDMM au $to_abbr $to_ddmm/$to_year · "
	if ! tmux_wait "$summary" 20; then
		ok 1 "$week: results shown"
		tmux_screen | sed 's/^/#   | /'
		alive || echo "#   the program exited with status $(cat "$TMUX_DIR/exit.ui")"
		for f in "$TMUX_DIR"/san.*; do [ -f "$f" ] && head -30 "$f" | sed 's/^/#   san: /'; done
		return 1
	fi
	screen=$(tmux_screen)
	got=$(printf '%s\n' "$screen" | grep -F -- "$summary" |
		sed -n 's/.* · \([0-9][0-9]*\) créneaux\{0,1\} *$/\1/p')
	# The week's lines of the three weeks rdv slots found for this motif.
	awk -F '\t' -v from="$from" -v to="$to" 'substr($1, 1, 10) >= from && substr($1, 1, 10) <= to' \
		"$TMUX_DIR/cli3" >"$TMUX_DIR/cli"
	want=$(wc -l <"$TMUX_DIR/cli" | tr -d ' ')
	is "$got" "$want" "$week: as many slots as rdv slots finds"
	if [ "$want" -gt 0 ]; then
		first=$(head -1 "$TMUX_DIR/cli" | cut -f1)
		day=${first%T*} hhmm=$(echo "$first" | cut -c12-16)
		from_ddmm=$L_DDMM
		label "$day"
		# The summary can be on screen a moment before the lines under it
		# (seen once): wait for the line, then look at the whole screen.
		tmux_wait "  $L_ABBR $L_DDMM    $hhmm " 5 && screen=$(tmux_screen)
		like "$screen" "  $L_ABBR $L_DDMM    $hhmm " "$week: the earliest slot ($day $hhmm) comes first"
		L_DDMM=$from_ddmm
	else
		like "$screen" "Aucune disponibilité du $L_DDMM au $to_ddmm/$to_year." "$week: says there is no slot"
		"$RDV" slots --motif "$id" --from "$from" --side agent --now "$NOW" --first \
			--db "$CONN" >"$TMUX_DIR/cli" 2>&1 </dev/null
		if [ -s "$TMUX_DIR/cli" ]; then
			like "$screen" "Prochaine disponibilité le $(when_fr "$(head -1 "$TMUX_DIR/cli" | cut -f1)")" \
				"$week: offers the next availability"
		else
			like "$screen" "Aucune disponibilité dans les 6 prochains mois" "$week: says none in six months"
		fi
	fi
	# Another width, another layout (5 slots a line instead of 3), then back.
	[ "$from" = "$W0" ] || return 0
	tmux_resize 120 40
	tmux_wait "$WIDE" 10 && tmux_wait "$summary" 10
	ok $? "$week: shown again at 120×40"
	tmux_resize 80 24
	tmux_wait_gone "$WIDE" 10 && tmux_wait "$summary" 10
	ok $? "$week: and back at 80×24"
}
WIDE=$(printf '%120s' '' | sed 's/ /─/g')

q "SELECT a.db_role, r.organisation_id, a.first_name || ' ' || upper(a.last_name)
     FROM rdv.agents a JOIN rdv.agent_roles r ON r.agent_id = a.id
    WHERE a.db_role IS NOT NULL ORDER BY a.id, r.organisation_id" >"$TMUX_DIR/sessions"
is "$(wc -l <"$TMUX_DIR/sessions" | tr -d ' ')" "8" \
	"the demo has 8 agent sessions (7 logins, Léa in two organisations)"

while IFS='|' read -r login org person <&3; do
	# SEARCH_MATRIX_LOGINS="julien lea" runs those sessions only (to replay one).
	case " ${SEARCH_MATRIX_LOGINS:-$login} " in *" $login "*) ;; *) continue ;; esac
	CONN="host=$PGHOST port=$PGPORT dbname=rdv user=$login"
	psql -X -q -t -A -v ON_ERROR_STOP=1 "$CONN" -c \
		"SELECT m.id || '|' || m.name FROM rdv.motifs m
		  WHERE m.organisation_id = $org AND m.deleted_at IS NULL
		    AND m.id = ANY (rdv.my_motif_ids()) ORDER BY m.name, m.id" >"$TMUX_DIR/motifs" </dev/null
	nm=$(wc -l <"$TMUX_DIR/motifs" | tr -d ' ')
	ok $([ "$nm" -gt 0 ]; echo $?) "$login (organisation $org) may use $nm motif(s)"
	# A tmux server of its own: a new session never races the old server's exit.
	tmux_stop
	TMUX_SOCK=$TMUX_DIR/tmux.$login.$org.sock
	tmux_start 80 24 "$RDV tui --db '$CONN' --org $org --now $NOW 2>>$TMUX_DIR/stderr"
	if ! tmux_wait "$person" 20; then
		ok 1 "$login: the client starts"
		tmux_screen | sed 's/^/#   | /'
		continue
	fi
	tmux_keys F3
	tmux_wait "À partir du" 10
	ok $? "$login: F3 opens Trouver un RDV"
	i=0
	while IFS='|' read -r id name <&4; do
		label="$login/$org: $name"
		# The criteria keep their focus: from the date field back to Motif.
		[ $i -gt 0 ] && tmux_keys Up Up Up
		tmux_keys Right
		if ! tmux_wait "‹ $name (" 10; then
			ok 1 "$label: offered in the Motif field"
			tmux_screen | sed 's/^/#   | /'
			break
		fi
		"$RDV" slots --motif "$id" --from $W0 --to "$(plus $W0 20)" --side agent --now "$NOW" \
			--db "$CONN" >"$TMUX_DIR/cli3" 2>&1 </dev/null
		tmux_keys Down Down Down C-u
		tmux_text "$(date -d $W0 +%d/%m/%Y)"
		tmux_keys Enter
		# A dead client fails once, not once per remaining check.
		check_week "$label" "$id" "$name" "$W0" || alive || break
		tmux_keys n
		check_week "$label" "$id" "$name" "$(plus $W0 7)" || alive || break
		tmux_keys n
		check_week "$label" "$id" "$name" "$(plus $W0 14)" || alive || break
		tmux_keys Escape
		i=$((i + 1))
	done 4<"$TMUX_DIR/motifs"
	alive
	ok $? "$login: the client is still running after $i motif(s)"
	tmux_keys F2
	tmux_wait "Semaine" 10
	tmux_keys q
	is "$(tmux_exit_status 15)" "0" "$login: quits cleanly"
	san_clean "$login"
done 3<"$TMUX_DIR/sessions" </dev/null
if [ -s "$TMUX_DIR/stderr" ]; then
	ok 1 "nothing written on stderr"
	sed 's/^/#   /' "$TMUX_DIR/stderr" | head -20
else
	ok 0 "nothing written on stderr"
fi
done_testing
