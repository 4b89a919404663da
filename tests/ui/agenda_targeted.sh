#!/bin/sh
# Targeted refresh (issue 13, goals 1 and 2): two desks show two agents'
# weeks; a change to one agent's week makes only that agent's desk reload its
# agenda (the change feed, rdv.feed), and each desk still shows its own
# changes. Then: another organisation's rdv of an agent shown (busy times,
# rdv.feed_busy) reloads the week, others do not; "Trouver un RDV", the rdvs
# to fill in, the list of rdvs and a usager record reload only for what they
# show (replies counted per screen from RDV_TRACE "reply T I").
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
. "$top_srcdir/tests/ui/desks_lib.sh"

# reloads TRACE — agenda replies so far (RDV_TRACE "reply T 0": the week screen's).
reloads() { grep -c '^reply [0-9.]* 0$' "$1"; }
# feeds TRACE — change feed reads that brought changes ("feed T N", N > 0).
feeds() { grep -c '^feed [0-9.]* [1-9][0-9]*$' "$1"; }
# wait_count FN TRACE N — until FN TRACE reaches N (30 s: the machine may be loaded).
wait_count() {
	tries=600
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

# ---- Busy times in another organisation (rdv.feed_busy, migration 024).
# Desk A shows Léa's agenda alone: she also works at the CCAS, which Julien
# does not belong to; her rdvs there show as "occupé". The feed hides them
# from Julien; the busy check tells the week anyway.
LEA=$(sql "SELECT id FROM rdv.agents WHERE db_role = 'lea'")
CLAIRE=$(sql "SELECT id FROM rdv.agents WHERE db_role = 'claire'")
CCAS=$(sql "SELECT id FROM rdv.organisations WHERE name LIKE 'CCAS%'")
CCAS_MOTIF=$(sql "SELECT min(id) FROM rdv.motifs WHERE organisation_id = $CCAS")
# book_ccas AGENT DAY TIME — an rdv of the CCAS written by one of its desks.
book_ccas() {
	sql "BEGIN;
	     INSERT INTO rdv.rdvs (organisation_id, motif_id, starts_at, ends_at)
	     VALUES ($CCAS, $CCAS_MOTIF, (date '$2' + time '$3') AT TIME ZONE 'Europe/Paris',
	             (date '$2' + time '$3' + interval '45 minutes') AT TIME ZONE 'Europe/Paris');
	     INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES (currval('rdv.rdvs_id_seq'), $1);
	     COMMIT;" >/dev/null
}
# all_feeds TRACE — every feed read so far.
all_feeds() { grep -c '^feed ' "$1"; }
# replies_at TRACE I — replies to the screen at index I of the stack;
# replies_at0 / replies_at1 TRACE: the same for wait_count.
replies_at() { grep -c "^reply [0-9.]* $2\$" "$1"; }
replies_at0() { replies_at "$1" 0; }
replies_at1() { replies_at "$1" 1; }
replies_at2() { replies_at "$1" 2; }
# idle TRACE — until the last frame drawn had no request in flight (30 s).
idle() {
	tries=600
	while [ "$tries" -gt 0 ] && ! grep '^frame ' "$1" | tail -n 1 | grep -q ' 0$'; do
		sleep 0.05
		tries=$((tries - 1))
	done
	grep '^frame ' "$1" | tail -n 1 | grep -q ' 0$'
}
TMUX_SESSION=a tmux_keys a
TMUX_SESSION=a tmux_wait "Agendas affichés côte à côte" 5
# Julien (ticked) comes first, then Camille, then Léa.
TMUX_SESSION=a tmux_keys Space Down Down Space Enter
TMUX_SESSION=a tmux_wait "Agenda de L. ROUSSEAU" 5
ok $? "desk A shows Léa's agenda alone"
TMUX_SESSION=a tmux_wait "occupé" 10
ok $? "… with her CCAS rdvs as busy times"
busy0=$(TMUX_SESSION=a tmux_screen | grep -o '[0-9][0-9]:[0-9][0-9] occupé' | wc -l | tr -d ' ')
a1=$(reloads "$TA")
f1=$(all_feeds "$TA")
busies() { grep -c '^busy ' "$1"; }
k1=$(busies "$TA")
# Not shown: Léa at the CCAS in three weeks, Claire (CCAS only) this week.
book_ccas "$LEA" 2026-06-05 14:00
wait_count all_feeds "$TA" $((f1 + 1))
ok $? "desk A read the feed after a CCAS rdv of Léa in another week"
book_ccas "$CLAIRE" 2026-05-16 10:00
wait_count all_feeds "$TA" $((f1 + 2))
ok $? "desk A read the feed after a CCAS rdv of Claire, whom it does not show"
# Shown: Léa at the CCAS on Friday 14:00.
book_ccas "$LEA" 2026-05-15 14:00
TMUX_SESSION=a tmux_wait "14:00 occupé" 10
ok $? "desk A shows Léa's new CCAS rdv as busy by itself"
ok "$([ "$(busies "$TA")" -gt "$k1" ]; echo $?)" "the feed said Léa's busy times changed (RDV_TRACE busy)"
is "$(TMUX_SESSION=a tmux_screen | grep -o '[0-9][0-9]:[0-9][0-9] occupé' | wc -l | tr -d ' ')" "$((busy0 + 1))" \
	"one more busy block"
is "$(($(reloads "$TA") - a1))" "1" "desk A reloaded once: for Léa's week only, not the other two"

# ---- Trouver un RDV (desk A; F3 replaces the stack: the search is screen 0):
# changes from the first day searched on, and the busy times of the agents it
# may offer (any organisation).
TMUX_SESSION=a tmux_keys F3
TMUX_SESSION=a tmux_wait "À partir du" 5
TMUX_SESSION=a tmux_keys S Enter
TMUX_SESSION=a tmux_wait "Suivi social · du mer. 13/05 au mar. 19/05/2026" 10 && idle "$TA"
ok $? "desk A searches Suivi social from today"
s0=$(replies_at "$TA" 0)
f1=$(all_feeds "$TA")
# Before the first day searched, and Claire at the CCAS (not offered here): no new search.
book "$JULIEN" 2026-05-11 07:00 1 >/dev/null
wait_count all_feeds "$TA" $((f1 + 1))
book_ccas "$CLAIRE" 2026-05-20 10:00
wait_count all_feeds "$TA" $((f1 + 2))
ok $? "desk A read the feed after Julien's rdv of Monday and Claire's at the CCAS"
idle "$TA"
s1=$(replies_at "$TA" 0)
# Léa at the CCAS on Tuesday 19: she is offered here, her busy times changed.
book_ccas "$LEA" 2026-05-19 07:00
wait_count replies_at0 "$TA" $((s1 + 1)) && idle "$TA"
ok $? "Léa's CCAS rdv within the search sends it again"
is "$s1" "$s0" "the search was not sent again for Julien's Monday nor for Claire"

# ---- Rendez-vous à renseigner (desk B, Sophie): only her own past rdvs.
TMUX_SESSION=b tmux_keys u
TMUX_SESSION=b tmux_wait "Rendez-vous à renseigner" 5
ok $? "desk B opens Sophie's rdvs to fill in"
wait_count replies_at1 "$TB" 1
t1=$(replies_at "$TB" 1)
f1=$(all_feeds "$TB")
book "$JULIEN" 2026-05-12 07:00 1 >/dev/null
wait_count all_feeds "$TB" $((f1 + 1))
book "$SOPHIE" 2026-05-20 07:00 2 >/dev/null
wait_count all_feeds "$TB" $((f1 + 2))
ok $? "desk B read the feed after Julien's past rdv and Sophie's future one"
n5=$(book "$SOPHIE" 2026-05-12 07:00 3)
wait_count replies_at1 "$TB" $((t1 + 1))
ok $? "Sophie's new past rdv ($n5) reloads the list by itself"
is "$(($(replies_at "$TB" 1) - t1))" "1" "the list reloaded once: not for Julien's rdv nor for a future one"
TMUX_SESSION=b tmux_keys Escape
TMUX_SESSION=b tmux_wait_gone "Rendez-vous à renseigner" 5

# ---- Liste des RDV (desk B; F5 replaces the stack: the list is screen 0):
# rdvs only, not plages nor absences.
TMUX_SESSION=b tmux_keys F5
TMUX_SESSION=b tmux_wait "Liste des RDV · " 10 && TMUX_SESSION=b tmux_wait "/2026" 10 && idle "$TB"
ok $? "desk B opens the list of rdvs"
l1=$(replies_at "$TB" 0)
f1=$(all_feeds "$TB")
sql "INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
     VALUES ($SOPHIE, 'Réunion', '2026-05-19', '09:00', '2026-05-19', '10:00')" >/dev/null
wait_count all_feeds "$TB" $((f1 + 1))
ok $? "desk B read the feed after an absence"
# (Sophie's: she does not see Julien's rdvs, so the feed does not show them to her.)
book "$SOPHIE" 2026-05-21 07:00 4 >/dev/null
wait_count all_feeds "$TB" $((f1 + 2))
wait_count replies_at0 "$TB" $((l1 + 1))
ok $? "a new rdv reloads the list"
is "$(($(replies_at "$TB" 0) - l1))" "1" "the list reloaded once: not for the absence"

# ---- Fiche usager (desk B, Sophie): a change to one of the rdvs it lists,
# or a new rdv; not a change to an rdv of somebody else.
TMUX_SESSION=b tmux_keys F4
TMUX_SESSION=b tmux_wait "Rechercher :" 10
TMUX_SESSION=b tmux_text "bezeir"
TMUX_SESSION=b tmux_wait "Élodie BÉZIER" 20
TMUX_SESSION=b tmux_keys Enter
TMUX_SESSION=b tmux_wait "Fiche usager · Élodie BÉZIER" 20 && TMUX_SESSION=b tmux_wait "Statistiques" 20 && idle "$TB"
ok $? "desk B opens Élodie Bézier's record"
ELODIE=$(sql "SELECT id FROM rdv.usagers WHERE first_name = 'Élodie' AND last_name = 'Bézier'")
# As Sophie: one rdv of Élodie's she sees, one rdv of someone else's she sees.
MINE=$(psql -X -q -t -A -U sophie -c "SELECT min(rdv_id) FROM rdv.participations WHERE usager_id = $ELODIE")
OTHER=$(psql -X -q -t -A -U sophie -c "SELECT min(r.id) FROM rdv.rdvs r WHERE NOT EXISTS
          (SELECT 1 FROM rdv.participations p WHERE p.rdv_id = r.id AND p.usager_id = $ELODIE)")
ok "$([ -n "$MINE" ] && [ -n "$OTHER" ]; echo $?)" "Sophie sees an rdv of Élodie's ($MINE) and another one ($OTHER)"
r1=$(replies_at "$TB" 1)
f1=$(all_feeds "$TB")
sql "UPDATE rdv.rdvs SET context = 'autre fiche' WHERE id = $OTHER" >/dev/null
wait_count all_feeds "$TB" $((f1 + 1)) && idle "$TB"
ok $? "desk B read the feed after a change to another usager's rdv"
is "$(replies_at "$TB" 1)" "$r1" "the record does not reload for it"
sql "UPDATE rdv.rdvs SET context = 'sa fiche' WHERE id = $MINE" >/dev/null
wait_count replies_at1 "$TB" $((r1 + 1))
ok $? "a change to one of Élodie's rdvs reloads her record"

TMUX_SESSION=a tmux_keys q
TMUX_SESSION=b tmux_keys q
is "$(TMUX_SESSION=a tmux_exit_status 10)" "0" "desk A quits cleanly"
is "$(TMUX_SESSION=b tmux_exit_status 10)" "0" "desk B quits cleanly"
done_testing
