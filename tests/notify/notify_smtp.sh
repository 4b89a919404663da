#!/bin/sh
# End to end: agents change an rdv through their own logins, `rdv notify`
# (as the rdv_notifier role) mails a real SMTP server (aiosmtpd on
# loopback), and the mails are read back: recipients per level, French
# subject and body, one multipart message with text/plain, text/calendar;
# method=… and the same calendar as an .ics attachment, parsed with libical:
# same UID, SEQUENCE 0, 1, 2, METHOD REQUEST, REQUEST, CANCEL, TZID and
# VTIMEZONE Europe/Paris. Then a recurring plage, the LISTEN wake-up of the
# long-running worker, and the SMTP settings from the configuration file.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/notify/lib.sh"
notify_setup
smtp_start

D10=$(paris_day 10)
D1=$(paris_day 1)

# Create (camille, 10 days ahead), move to tomorrow (sophie), cancel (camille).
R=$(book camille "$D10" 19:00 1,2,3,4)
move sophie "$R" "$D1" 19:00
as_agent camille -c "UPDATE rdv.rdvs SET status = 'excused' WHERE id = $R"
UUID=$(sql -c "SELECT uuid FROM rdv.rdvs WHERE id = $R")
is "$(outbox_rows)" \
   "1:rdv_created 2:rdv_created 1:rdv_updated 3:rdv_updated 1:rdv_cancelled 2:rdv_cancelled 3:rdv_cancelled" \
   "7 notifications queued"

out=$(notify_once 2>"$T/err")
is "$?" "0" "rdv notify --once exits 0"
is "$(printf '%s\n' "$out" | tail -1)" "7 notification(s) envoyée(s), 0 échec(s)" "it reports 7 sent"
is "$(cat "$T/err")" "" "and nothing on stderr"
is "$(mail_count)" "7" "the SMTP server stored 7 mails"
is "$(sql -c "SELECT count(*) FILTER (WHERE sent_at IS NOT NULL AND attempts = 1 AND last_error IS NULL)
              FROM rdv.notification_outbox")" "7" "every row is marked sent after one attempt"

M=$(mails)
recipients=$(printf '%s\n' "$M" | cut -f2,3 | tr '\t' ' ' | paste -sd, -)
is "$recipients" \
   "rdv_created camille.dupont@drome.example.fr,rdv_created sophie.martin@drome.example.fr,rdv_updated camille.dupont@drome.example.fr,rdv_updated julien.bernard@drome.example.fr,rdv_cancelled camille.dupont@drome.example.fr,rdv_cancelled sophie.martin@drome.example.fr,rdv_cancelled julien.bernard@drome.example.fr" \
   "mails to the right agents: camille (all) 3, sophie (others) created and cancelled, julien (soon) moved to tomorrow and cancelled, nadia (none) nothing"
unlike "$M" "nadia" "no mail to nadia"

# camille's three mails: ids 1, 3, 5.
for i in 1 3 5; do "$ICS_CHECK" "$T/out/$i.att.ics" >"$T/out/$i.check" || echo "ics_check failed on $i"; done
is "$(grep -h '^UID' "$T/out/1.check" "$T/out/3.check" "$T/out/5.check" | sort -u)" "UID $UUID" \
   "the three calendars parse with libical and share one UID, the rdv's uuid"
is "$(grep -h '^SEQUENCE' "$T/out/1.check" "$T/out/3.check" "$T/out/5.check" | paste -sd' ' -)" \
   "SEQUENCE 0 SEQUENCE 1 SEQUENCE 2" "SEQUENCE 0, 1, 2"
is "$(grep -h '^METHOD' "$T/out/1.check" "$T/out/3.check" "$T/out/5.check" | paste -sd' ' -)" \
   "METHOD REQUEST METHOD REQUEST METHOD CANCEL" "METHOD REQUEST, REQUEST, CANCEL"
is "$(grep -h '^STATUS' "$T/out/1.check" "$T/out/3.check" "$T/out/5.check" | paste -sd' ' -)" \
   "STATUS CONFIRMED STATUS CONFIRMED STATUS CANCELLED" "STATUS CONFIRMED, CONFIRMED, CANCELLED"
is "$(cat "$T/out/1.method" "$T/out/3.method" "$T/out/5.method" | paste -sd' ' -)" "REQUEST REQUEST CANCEL" \
   "the text/calendar part's method= parameter follows"
ok "$(cmp -s "$T/out/3.cal.ics" "$T/out/3.att.ics"; echo $?)" "the attachment is the same calendar as the text/calendar part"
is "$(printf '%s\n' "$M" | sed -n 1p | cut -f6,7)" \
   "$(printf 'multipart/mixed,multipart/alternative,text/plain,text/calendar,application/ics\trdv-%s-%s.ics' "$UUID" "$D10")" \
   "one multipart message: text/plain and text/calendar alternatives, then rdv-<uuid>-<date>.ics"

c3=$(cat "$T/out/3.check")
like "$c3" "VTIMEZONE Europe/Paris" "VTIMEZONE with TZID Europe/Paris"
like "$c3" "DTSTART Europe/Paris $(ical_local "$D1" 19:00)" "DTSTART;TZID=Europe/Paris, the new local time"
like "$c3" "DTEND Europe/Paris $(ical_local "$D1" 19:45)" "DTEND 45 minutes later"
like "$c3" "DTSTART_UTC $(ical_utc "$D1" 19:00)" "the embedded VTIMEZONE resolves it to the right instant"
like "$c3" "SUMMARY RDV Premier accueil social" "SUMMARY"
like "$c3" "LOCATION MDS Valence Centre, 12 rue Madier de Montjau, 26000 Valence" "LOCATION"
like "$c3" "ORGANIZER mailto:rdv@drome.example.fr" "ORGANIZER is the sender"
is "$(printf '%s\n' "$c3" | grep '^ATTENDEE' | paste -sd' ' -)" \
   "ATTENDEE mailto:camille.dupont@drome.example.fr ATTENDEE mailto:sophie.martin@drome.example.fr ATTENDEE mailto:julien.bernard@drome.example.fr ATTENDEE mailto:nadia.haddad@drome.example.fr" \
   "one ATTENDEE per agent of the rdv"
Y=$(echo "$D1" | cut -c1-4)
is "$(tr -d '\r' <"$T/out/3.att.ics" | sed -n '/BEGIN:VTIMEZONE/,/END:VTIMEZONE/p' | grep '^DTSTART:' |
      awk -v y="$Y" 'substr($0, 9, 4) < y { old++ } END { print NR < 10 && old == 0 ? "truncated" : NR " observances, " old " before " y }')" \
   "truncated" "the VTIMEZONE is truncated to the event's year on (not the history since 1891)"

# Subjects and bodies, in French.
when10="$(fr_day "$D10")"
when1="$(fr_day "$D1")"
is "$(printf '%s\n' "$M" | cut -f5 | sed -n '1p;3p;5p' | paste -sd'|' -)" \
   "Nouveau RDV : Premier accueil social le $when10 à 19:00|RDV modifié : Premier accueil social le $when1 à 19:00|RDV annulé : Premier accueil social le $when1 à 19:00" \
   "subjects (an update is named by its new date)"
is "$(printf '%s\n' "$M" | sed -n 1p | cut -f4)" "Camille Dupont <camille.dupont@drome.example.fr>" "To: names the agent"
body=$(tr -d '\r' <"$T/out/3.txt")
is "$body" "Bonjour Camille Dupont,

Un rendez-vous de votre agenda a été modifié.

Quoi : RDV Premier accueil social (MDS Valence)
Quand : $when1 de 19:00 à 19:45
Ancien horaire : $when10 de 19:00 à 19:45
Où : MDS Valence Centre, 12 rue Madier de Montjau, 26000 Valence
Avec : Élodie Bézier
Agents : Camille Dupont, Sophie Martin, Julien Bernard, Nadia Haddad
Modification faite par : Sophie Martin

L'invitation jointe (.ics) ajoute ou met à jour l'événement dans votre agenda.

-- 
RDV Service Public : message automatique, merci de ne pas y répondre." \
   "the body says what, when (and before), where, with whom, who changed it"
like "$(tr -d '\r' <"$T/out/6.txt")" "Un rendez-vous a été annulé ou retiré de votre agenda." "the cancellation's body"
like "$(tr -d '\r' <"$T/out/6.txt")" "Modification faite par : Camille Dupont" "and its author"

out=$(notify_once)
is "$out" "0 notification(s) envoyée(s), 0 échec(s)" "a second run sends nothing"
is "$(mail_count)" "7" "still 7 mails"

# A recurring plage of julien (plage level all), created by camille.
as_agent camille -c "INSERT INTO rdv.plages_ouverture (organisation_id, agent_id, lieu_id, title, first_day,
	start_time, end_time, rrule) VALUES (1, 3, 2, 'Permanence du soir', date '2030-01-07', '18:00', '19:00',
	'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20300328')"
PL=$(sql -c "SELECT max(id) FROM rdv.plages_ouverture")
notify_once >/dev/null
M=$(mails)
line=$(printf '%s\n' "$M" | tail -1)
is "$(printf '%s\n' "$line" | cut -f2,3,5,7 | tr '\t' '|')" \
   "plage_created|julien.bernard@drome.example.fr|Plage d'ouverture créée : Permanence du soir|plage-ouverture-$PL-2030-01-07.ics" \
   "plage mail: recipient, subject, attachment name"
n=$(printf '%s\n' "$line" | cut -f1)
c=$("$ICS_CHECK" "$T/out/$n.att.ics")
like "$c" "UID plage-$PL@drome.example.fr" "plage UID: ASCII, no space, the deployment's domain"
like "$c" "RRULE FREQ=WEEKLY;UNTIL=20300328T225959Z;INTERVAL=2;BYDAY=MO,TH" "plage RRULE (UNTIL = end of the last day, Paris)"
like "$c" "DTSTART Europe/Paris 20300107T180000" "plage DTSTART, first occurrence"
like "$c" "METHOD REQUEST" "plage METHOD REQUEST"
like "$(tr -d '\r' <"$T/out/$n.txt")" "Répétition : toutes les 2 semaines, le lundi et le jeudi, jusqu'au 28/03/2030" \
   "the body spells the recurrence in French"
like "$(tr -d '\r' <"$T/out/$n.txt")" "Où : Antenne de Fontbarlettes, 3 rue Pierre Corneille, 26000 Valence" "and the plage's lieu"

# The long-running worker sweeps on start, then wakes up on NOTIFY.
printf 'smtp.url = %s\nsmtp.from = agenda@drome.example.fr\n' "$SMTP_URL" >"$XDG_CONFIG_HOME/rdv/config"
R2=$(book claire "$(paris_day 12)" 19:00 6,7 ccas)   # CCAS: claire (all) is told, thomas (soon) is not
PGUSER=notifier "$RDV" notify >"$T/worker.log" 2>&1 &
WORKER_PID=$!
mail_wait 10
is "$(mail_count)" "9" "started, the worker sweeps what was queued (claire's created)"
R3=$(book claire "$(paris_day 13)" 19:00 6 ccas)
mail_wait 10
is "$(mail_count)" "10" "a booking made while it waits is mailed at once (LISTEN rdv_notify)"
M=$(mails)
like "$(printf '%s\n' "$M" | tail -1)" "rdv_created	claire.faure@drome.example.fr" "to claire"
like "$(grep -l 'X-RDV-Notification: [0-9]* rdv_created' "$MAILDIR"/new/* | xargs grep -h '^From:' | sort -u)" \
   'From: "RDV Service Public" <agenda@drome.example.fr>' "SMTP settings came from the configuration file"
kill -TERM "$WORKER_PID"
wait "$WORKER_PID"
is "$?" "0" "SIGTERM stops the worker cleanly (exit 0)"
WORKER_PID=

# Environment beats the configuration file.
printf 'smtp.url = smtp://127.0.0.1:1\n' >"$XDG_CONFIG_HOME/rdv/config"
book claire "$(paris_day 14)" 19:00 6 ccas >/dev/null
out=$(notify_once)
is "$out" "envoyée : n° 11 rdv_created à claire.faure@drome.example.fr
1 notification(s) envoyée(s), 0 échec(s)" "RDV_SMTP_URL overrides smtp.url; one line per mail sent"

done_testing
