# Shared steps of the outage tests (agenda_reconnect.sh, agenda_failover.sh,
# tests/ha/*): a half-filled rdv form, the checks made while the server is
# down, saving it once the client is back. Source after tap.sh and tmux.sh.

# booking_args_sql ROLE — the query of a motif (single, on site), a lieu, the
# agent and a usager of ROLE's organisation in the demo data: "m|l|a|u".
booking_args_sql() {
	echo "SELECT m.id, l.id, a.id, up.usager_id
	FROM rdv.agents a JOIN rdv.agent_roles ar ON ar.agent_id = a.id
	JOIN rdv.motifs m ON m.organisation_id = ar.organisation_id AND NOT m.collectif
		AND m.deleted_at IS NULL AND m.location_type = 'public_office'
	JOIN rdv.lieux l ON l.organisation_id = ar.organisation_id
	JOIN rdv.usager_profiles up ON up.organisation_id = ar.organisation_id
	WHERE a.db_role = '$1' ORDER BY 1, 2, 4 LIMIT 1"
}

# form_fill CONTEXT — a new rdv at the agenda cursor: motif, another lieu,
# CONTEXT, and René PERRIN as usager (the picker needs the server). 0 if done.
form_fill() {
	tmux_keys r
	tmux_wait "Motif *" 5 || return 1
	tmux_keys S Down Down Down Down Right Down Down Down
	tmux_text "$1"
	tmux_wait "Contexte           $1" 5 || return 1
	tmux_keys C-n
	tmux_text "rené perrin"
	tmux_wait "René PERRIN" 5 || return 1
	tmux_keys Enter
	tmux_wait "Usagers *          René PERRIN" 5
}

# status_line — the last line of the screen.
status_line() {
	tmux_screen | tail -n 1
}

# while_down CONTEXT — the checks made while the server is down: the status
# line says so, Entrée (save) says it is not sent and the form stays as typed.
while_down() {
	tmux_wait "○ hors connexion" 10
	ok $? "$label: the status line says 'hors connexion'"
	unlike "$(status_line)" "connecté" "$label: and never 'connecté'"
	tmux_keys Enter
	tmux_wait "hors connexion, saisie conservée" 5
	ok $? "$label: Entrée while down says the form is kept, not sent"
	screen=$(tmux_screen)
	like "$screen" "Contexte           $1" "$label: the context is as typed"
	like "$screen" "Usagers *          René PERRIN" "$label: the usager is still there"
	tmux_wait "○ hors connexion · essai dans" 10
	ok $? "$label: the status line counts down to the next attempt"
	wait_s=$(status_line | sed -n 's/.*essai dans \([0-9]*\) s.*/\1/p')
	[ -n "$wait_s" ] && [ "$wait_s" -le 4 ]
	ok $? "$label: the next attempt is at most 4 s away (${wait_s:-?} s)"
}

# form_save — Entrée, confirming the warnings if any; 0 once saved.
form_save() {
	tmux_keys Enter
	tries=200
	while [ "$tries" -gt 0 ]; do
		s=$(tmux_screen)
		case $s in
		*"Rendez-vous enregistré."*) return 0 ;;
		*"Confirmer en ignorant les avertissements"*)
			tmux_keys Enter
			tmux_wait "Rendez-vous enregistré." 5
			return $?
			;;
		esac
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# back_up CONTEXT — after the server came back: the client reconnects by
# itself (within the 4 s backoff cap, with room for a loaded machine), the
# form is intact and saves; the row is in the database (psql args in $@).
back_up() {
	ctx=$1
	shift
	tmux_wait "● connecté" 12
	ok $? "$label: the client reconnects by itself"
	screen=$(tmux_screen)
	like "$screen" "Contexte           $ctx" "$label: the context is still as typed"
	like "$screen" "Usagers *          René PERRIN" "$label: the usager is still there"
	if [ -n "${TRACE:-}" ]; then
		# Nothing changed during the outage: the client catches up from its
		# feed cursor (RDV_TRACE "catchup T 0") and the agenda under the form
		# does not reload ("reply T 0" is an agenda reply).
		catchup_settle "$TRACE"
		ok $? "$label: the client catches up from its feed cursor"
		is "$(since_link_up "$TRACE" | sed -n 's/^catchup [0-9.]* //p' | head -n 1)" "0" \
			"$label: the catch-up finds no change made during the outage"
		is "$(since_link_up "$TRACE" | grep -c '^reply [0-9.]* 0$')" "0" \
			"$label: so the agenda does not reload after the reconnection"
	fi
	form_save
	ok $? "$label: the form saves once connected again"
	is "$(psql -X -q -t -A "$@" -c "SELECT count(*) FROM rdv.rdvs WHERE context = '$ctx'")" "1" \
		"$label: the database holds the rdv, once"
}

# since_link_up TRACE — the RDV_TRACE lines since the last reconnection.
since_link_up() {
	awk '/^link-up /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$1"
}

# catchup_settle TRACE — wait (10 s) until, after the last reconnection, the
# feed's catch-up read answered and then a frame was drawn with no request
# in flight ("frame T 0"): the reloads it caused are done. 0 if so.
catchup_settle() {
	tries=200
	while [ "$tries" -gt 0 ]; do
		since_link_up "$1" | sed -n '/^catchup /,$p' | grep -q '^frame [0-9.]* 0$' && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# rdv_pid — the client's process (the pane's shell runs it as a child).
rdv_pid() {
	pane=$(tmux -S "$TMUX_SOCK" display-message -p -t "${TMUX_SESSION:-ui}" '#{pane_pid}')
	pgrep -P "$pane" -x rdv | head -n 1
}

# cpu_ticks PID — user + system CPU time used so far, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
