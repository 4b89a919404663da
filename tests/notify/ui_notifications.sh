#!/bin/sh
# Issue 14 in the TUI (julien, a basic agent): the usager record shows
# "Notifications" (the channels the usager accepts and the latest receipts)
# and E flips e-mail; from an rdv (Entrée on it), N opens "Notifications aux
# usagers" with its participations' flags: Espace flips "confirmations et
# changements", r "rappel 48 h avant", each saved in the database; R asks
# for a reminder now, which the database refuses for an rdv already
# started, said in French in the status line.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
NOW="'2026-05-13 10:00 Europe/Paris'::timestamptz"

elodie=$(sql -c "SELECT id FROM rdv.usagers WHERE first_name = 'Élodie' AND last_name = 'Bézier'")
sql -c "UPDATE rdv.usagers SET notify_by_email = true, notify_by_sms = true WHERE id = $elodie" >/dev/null
# The rdv under the cursor when the record opens (as in ui_record_actions.sh).
rdv=$(psql -X -t -A -d rdv -U julien -c "SELECT r.id FROM rdv.participations p JOIN rdv.rdvs r ON r.id = p.rdv_id
                 WHERE p.usager_id = $elodie
                 ORDER BY r.starts_at < $NOW, CASE WHEN r.starts_at >= $NOW THEN r.starts_at END,
                          r.starts_at DESC LIMIT 1")
part=$(sql -c "SELECT id FROM rdv.participations WHERE rdv_id = $rdv AND usager_id = $elodie")
sql -c "INSERT INTO rdv.notification_receipts (rdv_id, participation_id, usager_id, event, channel, recipient,
                                               result, provider_id)
        VALUES ($rdv, $part, $elodie, 'rdv_reminder', 'sms', '+33612345678', 'sent', '1511882900176221')" >/dev/null
flags() { sql -c "SELECT send_lifecycle_notifications::int || ' ' || send_reminder_notification::int FROM rdv.participations WHERE id = $part"; }
before=$(flags)

tmux_start 110 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F4
tmux_wait "Rechercher :" 5
tmux_text "elodie bezier"
tmux_wait "pour « elodie bezier »" 10
tmux_keys Enter
tmux_wait "Notifications : e-mail oui · SMS oui" 10
ok $? "the record shows the channels the usager accepts"
like "$(tmux_screen)" "Rappel  SMS à +33612345678 : envoyé (1511882900176221)" "and the receipt"

tmux_keys E
tmux_wait "Notifications : e-mail non · SMS oui" 10
ok $? "E flips e-mail notifications"
is "$(sql -c "SELECT notify_by_email FROM rdv.usagers WHERE id = $elodie")" "f" "saved in the database"

tmux_keys Enter
tmux_wait "Statut du rendez-vous" 5
# The title shows before the rdv has loaded, and keys other than Échap wait for it.
tmux_wait "Statut actuel" 10
tmux_keys N
tmux_wait "Notifications aux usagers" 5
ok $? "N on the rdv opens its notifications screen"
tmux_wait "Élodie Bézier" 5
ok $? "with its participant"
like "$(tmux_screen)" "SMS    +33612345678                 envoyé (1511882900176221)" "and the rdv's receipts"

tmux_keys Space
tmux_wait "Préférence enregistrée." 5
set -- $before
want_l=$((1 - $1))
want_r=$((1 - $2))
is "$(flags)" "$want_l $2" "Espace flips confirmations et changements"
tmux_keys r
tmux_wait "Préférence enregistrée." 5
# The message comes with the save's reply; the participants' flags reload after it.
tmux_wait "Rappel 48 h avant : $([ "$want_r" = 1 ] && echo oui || echo non)" 10
is "$(flags)" "$want_l $want_r" "r flips the reminder"
like "$(tmux_screen)" "Rappel 48 h avant : $([ "$want_r" = 1 ] && echo oui || echo non)" "the screen shows it"

tmux_keys R
tmux_wait "déjà commencé" 10
ok $? "R on an rdv already started: refused, in French"
tmux_keys Escape
tmux_wait "Statut du rendez-vous" 5
ok $? "Échap goes back to the rdv"
done_testing
