#!/bin/sh
# Targeted refresh (issue 13, goal 1): two desks show two agents' weeks; a
# change to one agent's week makes only that agent's desk reload its agenda
# (the change feed, rdv.feed), and each desk still shows its own changes.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
JULIEN=$(sql "SELECT id FROM rdv.agents WHERE db_role = 'julien'")
SOPHIE=$(sql "SELECT id FROM rdv.agents WHERE db_role = 'sophie'")
# Four usagers of the organisation with plain ASCII names ("Prénom NOM" on the agenda).
USAGERS=$(sql "SELECT u.id || ':' || u.first_name || ' ' || upper(u.last_name) FROM rdv.usagers u
                WHERE EXISTS (SELECT 1 FROM rdv.usager_profiles p
                               WHERE p.usager_id = u.id AND p.organisation_id = 1)
                  AND u.first_name ~ '^[A-Za-z]+$' AND u.last_name ~ '^[A-Za-z]+$'
                ORDER BY u.id LIMIT 4")
usager() { printf '%s\n' "$USAGERS" | sed -n "${1}p"; }

# book AGENT DAY TIME N — an rdv written by another desk (psql), for the Nth usager.
book() {
	u=$(usager "$4")
	sql "BEGIN;
	     INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	     VALUES (1, 1, 1, (date '$2' + time '$3') AT TIME ZONE 'Europe/Paris',
	             (date '$2' + time '$3' + interval '45 minutes') AT TIME ZONE 'Europe/Paris');
	     INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES (currval('rdv.rdvs_id_seq'), $1);
	     INSERT INTO rdv.participations (rdv_id, usager_id) VALUES (currval('rdv.rdvs_id_seq'), ${u%%:*});
	     COMMIT;" >/dev/null
	echo "${u#*:}"
}

# reloads TRACE — agenda replies so far (RDV_TRACE "reply T 0": the week screen's).
reloads() { grep -c '^reply [0-9.]* 0$' "$1"; }
# feeds TRACE — change feed reads that brought changes ("feed T N", N > 0).
feeds() { grep -c '^feed [0-9.]* [1-9][0-9]*$' "$1"; }
# wait_count FN TRACE N — until FN TRACE reaches N (10 s).
wait_count() {
	tries=200
	while [ "$tries" -gt 0 ] && [ "$($1 "$2")" -lt "$3" ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ "$($1 "$2")" -ge "$3" ]
}

TA=$TMUX_DIR/trace.a
TB=$TMUX_DIR/trace.b
: >"$TA"
: >"$TB"
TMUX_SESSION=a tmux_start 120 40 "RDV_TRACE='$TA' $RDV tui --db 'host=$PGHOST port=$PGPORT dbname=rdv user=julien' --now 2026-05-13T08:00"
TMUX_SESSION=b tmux_start 120 40 "RDV_TRACE='$TB' $RDV tui --db 'host=$PGHOST port=$PGPORT dbname=rdv user=sophie' --now 2026-05-13T08:00"
TMUX_SESSION=a tmux_wait "● connecté" 15
ok $? "desk A shows Julien's week"
TMUX_SESSION=b tmux_wait "● connecté" 15
ok $? "desk B shows Sophie's week"
# The first load: the agenda and the agents' names, and the feed's start cursor.
wait_count reloads "$TA" 2 && wait_count reloads "$TB" 2 &&
	grep -q '^feed ' "$TA" && grep -q '^feed ' "$TB"
ok $? "both desks loaded their week and read the feed's cursor"
a0=$(reloads "$TA")
b0=$(reloads "$TB")
is "$(printf '%s\n' "$USAGERS" | grep -c :)" "4" "four usagers to book"

# 1. Julien, Wednesday 08:00: desk A shows it by itself; desk B reads the change, keeps its agenda.
n1=$(book "$JULIEN" 2026-05-13 08:00 1)
TMUX_SESSION=a tmux_wait "08:00 • $n1" 10
ok $? "desk A shows Julien's new rdv by itself"
wait_count feeds "$TB" 1
ok $? "desk B read the change from the feed"

# 2. Sophie, Thursday 08:00: desk B shows it; desk A reads the change.
n2=$(book "$SOPHIE" 2026-05-14 08:00 2)
echo "# booked: $n1, $n2"
TMUX_SESSION=b tmux_wait "08:00 • $n2" 10
ok $? "desk B shows Sophie's new rdv by itself"
wait_count feeds "$TA" 2
ok $? "desk A read the second change from the feed"

# 3. and 4. Once more each: the reloads that follow a change come in order,
# after any reload an earlier change would have caused on the same desk.
n3=$(book "$JULIEN" 2026-05-15 08:00 3)
TMUX_SESSION=a tmux_wait "08:00 • $n3" 10
ok $? "desk A shows Julien's second rdv by itself"
wait_count feeds "$TB" 3
n4=$(book "$SOPHIE" 2026-05-15 08:00 4)
TMUX_SESSION=b tmux_wait "08:00 • $n4" 10
ok $? "desk B shows Sophie's second rdv by itself"
is "$(($(reloads "$TA") - a0))" "2" "desk A reloaded its agenda for Julien's two changes only"
is "$(($(reloads "$TB") - b0))" "2" "desk B reloaded its agenda for Sophie's two changes only"
unlike "$(TMUX_SESSION=a tmux_screen)" "08:00 • $n2" "desk A does not show Sophie's rdv"
unlike "$(TMUX_SESSION=b tmux_screen)" "08:00 • $n1" "desk B does not show Julien's rdv"

TMUX_SESSION=a tmux_keys q
TMUX_SESSION=b tmux_keys q
is "$(TMUX_SESSION=a tmux_exit_status 10)" "0" "desk A quits cleanly"
is "$(TMUX_SESSION=b tmux_exit_status 10)" "0" "desk B quits cleanly"
done_testing
