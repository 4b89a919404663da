#!/bin/sh
# The database stops under a client with a half-filled form: the status line
# says so, the client reconnects by itself when it is back, and the form
# still holds what was typed; saving it then works.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T08:00"
tmux_wait "● connecté" 15
tmux_keys r
tmux_wait "Motif *" 5
tmux_keys S Down Down Down Down Right Down Down Down
tmux_text "Dossier CAF à compléter"
tmux_keys Up Up Up q Down Down Down
tmux_wait "Dossier CAF à compléter" 5
ok $? "a half-filled rdv form (motif, lieu, context)"
like "$(tmux_screen)" "Nouveau rendez-vous" "q on a choice field does not quit the form"

cluster_pause
ok $? "the database stops"
tmux_wait "connexion perdue" 10
ok $? "the status line says the connection is lost"
like "$(tmux_screen)" "Dossier CAF à compléter" "the form is still there"
tmux_text " urgent"
tmux_wait "Dossier CAF à compléter urgent" 5
ok $? "typing goes on while disconnected"

cluster_resume
ok $? "the database starts again"
tmux_wait "● connecté" 15
ok $? "the client reconnects by itself"
like "$(tmux_screen)" "Dossier CAF à compléter urgent" "what was typed is intact"

tmux_keys C-n
tmux_text "rené perrin"
tmux_wait "René PERRIN" 5
tmux_keys Enter
tmux_wait "Usagers *          René PERRIN" 5
tmux_keys Enter
tmux_wait "Confirmer en ignorant les avertissements" 5
tmux_keys Enter
tmux_wait "Rendez-vous enregistré." 5
ok $? "the form saves after the reconnection"
is "$(psql -X -q -t -A -c "SELECT context FROM rdv.rdvs
      WHERE starts_at = '2026-05-13 08:00'::timestamp AT TIME ZONE 'Europe/Paris'")" \
	"Dossier CAF à compléter urgent" "the database holds the context as typed"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
