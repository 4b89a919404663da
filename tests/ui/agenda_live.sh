#!/bin/sh
# Two desks on one agenda: what one books or cancels appears on the other
# by itself (LISTEN/NOTIFY), without a key pressed there.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"

TMUX_SESSION=a tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T08:00"
TMUX_SESSION=b tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T08:00"
TMUX_SESSION=a tmux_wait "● connecté" 15
TMUX_SESSION=b tmux_wait "● connecté" 15
ok $? "two clients show Julien's week"
unlike "$(TMUX_SESSION=b tmux_screen)" "08:00 •" "nothing at 08:00 on Wednesday yet"

# Desk A: a new rdv at the cursor (Wednesday 08:00), outside plages: confirm the warning.
export TMUX_SESSION=a
tmux_keys r
tmux_wait "Motif *" 5
tmux_keys S Down Down Down Down Right C-n
tmux_text "rené perrin"
tmux_wait "René PERRIN" 5
tmux_keys Enter
tmux_wait "Usagers *          René PERRIN" 5
ok $? "desk A fills the form"
tmux_keys Enter
tmux_wait "En dehors des plages d'ouverture de l'agent." 5
ok $? "desk A is warned the time is outside plages"
tmux_keys Enter
tmux_wait "Rendez-vous enregistré." 5
ok $? "desk A confirms and the rdv is saved"

export TMUX_SESSION=b
tmux_wait "08:00 • René PERRIN" 5
ok $? "desk B shows the new rdv by itself"

# Desk A cancels it (status menu); desk B shows it cancelled.
export TMUX_SESSION=a
tmux_wait "08:00 • René PERRIN" 5
tmux_keys s
tmux_wait "Statut actuel" 5
screen=$(tmux_screen)
like "$screen" "Rendez-vous honoré" "today, once started: honoured is offered"
like "$screen" "Annulé (excusé)" "cancelling is offered"
tmux_keys Down Down Enter
tmux_wait "Statut enregistré." 5
ok $? "desk A records 'Annulé (excusé)'"
export TMUX_SESSION=b
tmux_wait "08:00 ✗ René PERRIN" 5
ok $? "desk B shows it cancelled by itself"
is "$(psql -X -q -t -A -c "SELECT r.status || ' ' || p.status FROM rdv.rdvs r
      JOIN rdv.participations p ON p.rdv_id = r.id
     WHERE r.starts_at = '2026-05-13 08:00'::timestamp AT TIME ZONE 'Europe/Paris'")" "excused excused" \
	"the status reached the participation too (R-04)"
TMUX_SESSION=a tmux_keys q
TMUX_SESSION=b tmux_keys q
is "$(TMUX_SESSION=a tmux_exit_status 10)" "0" "desk A quits cleanly"
is "$(TMUX_SESSION=b tmux_exit_status 10)" "0" "desk B quits cleanly"
done_testing
