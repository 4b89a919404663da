#!/bin/sh
# Messages to usagers end to end (issue 14): agents change rdvs through
# their own logins, `rdv notify` (rdv_notifier) sends e-mails to a real SMTP
# server (aiosmtpd) and SMS to a fake Brevo API on loopback
# (fake_brevo.py checks every request as Brevo documents it). The mails are
# parsed with Python's email package and the calendars with
# python3-icalendar. Covers: created / updated / cancelled / restored by both
# channels, UID stable and SEQUENCE rising, a provider outage (5xx: retried,
# nothing lost), an invalid number (400: recorded once, never retried),
# reminders across a worker restart (killed with SIGKILL), a moved rdv
# (old reminder dropped, a new one for the new start), "send a reminder
# now", and receipts.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/notify/lib.sh"
if ! /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	echo "1..0 # SKIP python3-icalendar absent (apt-get install python3-icalendar)"
	exit 77
fi
notify_setup
smtp_start

# ---- the fake SMS provider
SMS_DIR="$T/sms"
mkdir -p "$SMS_DIR"
echo "k-secret-test" >"$SMS_DIR/key"
echo ok >"$SMS_DIR/mode"
SMS_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY "$top_srcdir/tests/notify/fake_brevo.py" "$SMS_PORT" "$SMS_DIR" >"$T/fake_brevo.log" 2>&1 &
SMS_PID=$!
trap 'kill "$SMS_PID" 2>/dev/null; notify_cleanup' EXIT
$PY -c 'import socket, sys, time
for _ in range(400):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.025)
sys.exit(1)' "$SMS_PORT" || { echo "Bail out! fake_brevo did not start"; exit 1; }

export RDV_SMS_PROVIDER=brevo RDV_SMS_URL="http://127.0.0.1:$SMS_PORT" RDV_SMS_API_KEY=k-secret-test \
	RDV_SMS_SENDER=RDV26
sms_count() { [ -f "$SMS_DIR/requests.jsonl" ] && wc -l <"$SMS_DIR/requests.jsonl" || echo 0; }
# Field of request N (1-based): verdict, content, recipient, problems.
sms_field() {
	$PY -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1]
v = {"verdict": r["verdict"], "problems": ",".join(r["problems"])}
v.update(r["body"] if isinstance(r["body"], dict) else {})
print(v.get(sys.argv[3], ""))' "$SMS_DIR/requests.jsonl" "$1" "$2"
}
usager_mails() { $PY "$top_srcdir/tests/notify/usager_mails.py" "$MAILDIR"; }
receipts() {
	sql -c "SELECT coalesce(string_agg(event || '/' || channel || '/' || result, ' ' ORDER BY id), '')
	        FROM rdv.notification_receipts WHERE id > ${1:-0}"
}
receipt_max() { sql -c "SELECT coalesce(max(id), 0) FROM rdv.notification_receipts"; }

# Usager 1 (the one book() uses) has an e-mail and a mobile; nothing queued yet.
sql -c "UPDATE rdv.usagers SET email = 'usager.un@example.org', phone_number = '06 12 34 56 78',
               notify_by_email = true, notify_by_sms = true WHERE id = 1" >/dev/null
sql -c "UPDATE rdv.organisations SET phone_number = '04 75 00 00 00' WHERE id = 1" >/dev/null
U1=$(sql -c "SELECT first_name || ' ' || last_name FROM rdv.usagers WHERE id = 1")
LIEU_PHONE=$(sql -c "SELECT coalesce(phone_number, '04 75 00 00 00') FROM rdv.lieux WHERE id = 1")
LIEU=$(sql -c "SELECT name || ', ' || address FROM rdv.lieux WHERE id = 1")

D10=$(paris_day 10)
# ---- created
R=$(book camille "$D10" 10:00 1)
UUID=$(sql -c "SELECT uuid FROM rdv.rdvs WHERE id = $R")
is "$(sql -c "SELECT string_agg(event || '/' || channel, ' ' ORDER BY id) FROM rdv.usager_outbox")" \
   "rdv_created/email rdv_created/sms" "booking queues a confirmation by e-mail and by SMS"
notify_once >"$T/once1.log" 2>&1
is "$?" "0" "rdv notify --once sends it"
M=$(usager_mails)
is "$(printf '%s\n' "$M" | cut -f1,2)" "$(printf 'rdv_created\tusager.un@example.org')" \
   "one mail to the usager"
is "$(printf '%s\n' "$M" | cut -f3)" "RDV confirmé : Premier accueil social le $(fr_day "$D10") à 10:00" \
   "subject: confirmed, with the Paris date and time"
is "$(printf '%s\n' "$M" | cut -f4-7 | tr '\t' ' ')" "$UUID 0 REQUEST CONFIRMED" \
   "python3-icalendar reads UID = the rdv's uuid, SEQUENCE 0, METHOD REQUEST"
is "$(printf '%s\n' "$M" | cut -f8)" "${D10}T10:00 Europe/Paris" "DTSTART 10:00 in Europe/Paris"
is "$(printf '%s\n' "$M" | cut -f9)" "mailto:usager.un@example.org" "the usager is the only attendee"
like "$(printf '%s\n' "$M" | cut -f10)" "Bonjour $U1, | Votre rendez-vous est confirmé." "French body"
like "$(printf '%s\n' "$M" | cut -f10)" "Pour le modifier ou l'annuler, appelez le : $LIEU_PHONE" \
   "the lieu's number for changes"
is "$(sms_count)" "1" "one SMS request"
is "$(sms_field 1 verdict)" "sent" "the fake Brevo API accepts the request as documented"
is "$(sms_field 1 recipient)" "33612345678" "recipient: the number with its country code"
is "$(sms_field 1 sender)" "RDV26" "sender from the configuration"
SMS1=$(sms_field 1 content)
is "$SMS1" "RDV confirmé : Premier accueil social $(fr_day "$D10" | cut -c1-3). $(date -d "$D10" +%d/%m) à 10h00, $LIEU. Modif/annul. : $LIEU_PHONE" \
   "SMS text: confirmed, motif, date, time, lieu, phone"
ok "$($PY -c 'import sys; t = sys.argv[1]
basic = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&\x27()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
ext = set("^{}\\[~]|€")
n = sum(1 if c in basic else 2 if c in ext else 999 for c in t)
sys.exit(0 if n <= 160 else 1)' "$SMS1"; echo $?)" "the SMS is GSM-7 and at most 160 septets"
is "$(receipts)" "rdv_created/email/sent rdv_created/sms/sent" "two receipts: sent"
is "$(sql -c "SELECT provider_id FROM rdv.notification_receipts WHERE channel = 'sms'")" \
   "$($PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["messageId"])' "$SMS_DIR/requests.jsonl")" \
   "the SMS receipt keeps the provider's messageId"

# ---- an agent-only change, then a move
mail_reset
as_agent camille -c "INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES ($R, 2)"
is "$(sql -c "SELECT count(*) FROM rdv.usager_outbox WHERE done_at IS NULL")" "0" \
   "adding an agent tells the usager nothing"
move sophie "$R" "$D10" 11:00
notify_once >"$T/once2.log" 2>&1
M=$(usager_mails)
SEQ=$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")
is "$(printf '%s\n' "$M" | cut -f1,4,5 | tr '\t' ' ')" "rdv_updated $UUID $SEQ" \
   "moved: updated, same UID, SEQUENCE the rdv's ($SEQ)"
ok "$([ "$SEQ" -ge 1 ]; echo $?)" "SEQUENCE increased"
like "$(printf '%s\n' "$M" | cut -f10)" "Ancien horaire : $(fr_day "$D10") de 10:00 à 10:45" "with the old time"
like "$(sms_field 2 content)" "RDV modifié : Premier accueil social" "SMS: modified"

# ---- provider outage: 5xx retried with back-off, nothing lost
mail_reset
echo 500 >"$SMS_DIR/mode"
as_agent camille -c "UPDATE rdv.rdvs SET status = 'revoked' WHERE id = $R"
notify_once >"$T/once3.log" 2>"$T/once3.err"
is "$?" "1" "with the provider down, --once exits 1"
is "$(sms_field 3 verdict)" "500" "the provider answered 500"
is "$(sql -c "SELECT attempts || ' ' || (next_attempt_at > now()) || ' ' || (done_at IS NULL)
              FROM rdv.usager_outbox WHERE channel = 'sms' AND event = 'rdv_cancelled'")" "1 true true" \
   "the SMS stays queued with a back-off"
is "$(usager_mails | cut -f1,6,7 | tr '\t' ' ')" "rdv_cancelled CANCEL CANCELLED" "the e-mail went: METHOD CANCEL"
echo ok >"$SMS_DIR/mode"
sql -c "UPDATE rdv.usager_outbox SET next_attempt_at = now() WHERE done_at IS NULL" >/dev/null  # back-off over
notify_once >"$T/once4.log" 2>&1
is "$?" "0" "the provider is back: sent"
is "$(sms_field 4 verdict) $(sms_count)" "sent 4" "exactly one more request"
like "$(sms_field 4 content)" "RDV annulé : Premier accueil social" "SMS: cancelled"

# ---- invalid number: 400, recorded once, never retried
sql -c "UPDATE rdv.usagers SET phone_number = '06 99 99 99 99' WHERE id = 1" >/dev/null
echo 33699999999 >"$SMS_DIR/invalid"
RM=$(receipt_max)
as_agent camille -c "UPDATE rdv.rdvs SET status = 'unknown' WHERE id = $R;
                     UPDATE rdv.participations SET status = 'unknown' WHERE rdv_id = $R"
notify_once >"$T/once5.log" 2>&1
is "$(receipts "$RM")" "rdv_restored/email/sent rdv_restored/sms/failed" \
   "restored: e-mail sent, SMS refused for good"
like "$(sql -c "SELECT error FROM rdv.notification_receipts WHERE result = 'failed'")" "Invalid phone number" \
   "the provider's reason is kept"
N=$(sms_count)
notify_once >"$T/once6.log" 2>&1
is "$(sms_count)" "$N" "an invalid number is not retried"
sql -c "UPDATE rdv.usagers SET phone_number = '06 12 34 56 78' WHERE id = 1" >/dev/null

# ---- reminders across a worker restart
# An rdv 30 h ahead booked while the worker was down for days (no lifecycle
# message: written muted, as a seed).
mute_insert() {
	sql -c "BEGIN; SET LOCAL rdv.seed_today = 'x';
		INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at, created_by_agent_id)
		VALUES (1, 1, 1, date_trunc('minute', now()) + interval '$1', date_trunc('minute', now()) + interval '$1 30 minutes', 1);
		INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES (currval('rdv.rdvs_id_seq'), 1);
		INSERT INTO rdv.participations (rdv_id, usager_id) VALUES (currval('rdv.rdvs_id_seq'), 1);
		COMMIT; SELECT currval('rdv.rdvs_id_seq');" | tail -1
}
mail_reset
R2=$(mute_insert '30 hours')
RM=$(receipt_max)
N=$(sms_count)
PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM=rdv@drome.example.fr "$RDV" notify >"$T/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 600); do
	[ "$(sql -c "SELECT count(*) FROM rdv.notification_receipts WHERE id > $RM")" -ge 2 ] && break
	sleep 0.05
done
kill -KILL "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null; WORKER_PID=
is "$(receipts "$RM")" "rdv_reminder/email/sent rdv_reminder/sms/sent" \
   "the long-running worker schedules and sends the reminder itself (catching up)"
like "$(usager_mails | cut -f3)" "Rappel : RDV Premier accueil social le " "reminder mail subject"
like "$(sms_field $((N + 1)) content)" "Rappel RDV : Premier accueil social " "reminder SMS"
notify_once >"$T/once7.log" 2>&1
is "$(tail -1 "$T/once7.log")" "0 notification(s) envoyée(s), 0 échec(s)" "after a restart: no second reminder"
is "$(sql -c "SELECT count(*) FROM rdv.usager_outbox WHERE rdv_id = $R2 AND event = 'rdv_reminder' AND done_at IS NULL")" \
   "0" "nothing left queued"

# ---- a moved rdv: the reminder follows it
R3=$(mute_insert '20 hours')
PGUSER=notifier psql -X -q -t -A -c "SELECT written FROM rdv.usager_reminders_schedule()" >"$T/sched"
is "$(cat "$T/sched")" "2" "a reminder is queued for the rdv 20 h ahead"
as_agent camille -c "UPDATE rdv.rdvs SET starts_at = starts_at + interval '4 days', ends_at = ends_at + interval '4 days'
                     WHERE id = $R3"
RM=$(receipt_max)
notify_once >"$T/once8.log" 2>&1
is "$(receipts "$RM")" "rdv_reminder/email/dropped rdv_reminder/sms/dropped rdv_updated/email/sent rdv_updated/sms/sent" \
   "moved away: the queued reminder is dropped (receipt), the change is sent"
# Time passes: the rdv is now 30 h ahead again (moved without telling).
sql -c "BEGIN; SET LOCAL rdv.seed_today = 'x';
        UPDATE rdv.rdvs SET starts_at = starts_at - interval '4 days' + interval '14 hours',
               ends_at = ends_at - interval '4 days' + interval '14 hours' WHERE id = $R3; COMMIT" >/dev/null
RM=$(receipt_max)
notify_once >"$T/once9.log" 2>&1
is "$(receipts "$RM")" "rdv_reminder/email/sent rdv_reminder/sms/sent" "a reminder for the new start"

# ---- "envoyer un rappel maintenant"
RM=$(receipt_max)
is "$(as_agent camille -c "SELECT rdv.usager_reminder_now($R3)")" "2" "an agent asks for a reminder now"
notify_once >"$T/once10.log" 2>&1
is "$(receipts "$RM")" "rdv_reminder/email/sent rdv_reminder/sms/sent" "sent at once"

# ---- receipts are read like the rdv
is "$(as_agent camille -c "SELECT count(*) > 0 FROM rdv.notification_receipts WHERE rdv_id = $R")" "t" \
   "an agent of the organisation reads the receipts"
is "$(as_agent thomas -c "SELECT count(*) FROM rdv.notification_receipts" 2>&1)" "0" \
   "an agent of another organisation reads none"
# ---- killed mid-batch: nothing recorded as sent goes out twice
mail_reset
D20=$(paris_day 20)
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at, created_by_agent_id)
	SELECT 1, 1, 1, (date '$D20' + i + time '09:00') AT TIME ZONE 'Europe/Paris',
	       (date '$D20' + i + time '09:30') AT TIME ZONE 'Europe/Paris', rdv.current_agent_id()
	FROM generate_series(0, 9) i;
	INSERT INTO rdv.rdv_agents (rdv_id, agent_id) SELECT id, 1 FROM rdv.rdvs WHERE created_at = now();
	INSERT INTO rdv.participations (rdv_id, usager_id) SELECT id, 1 FROM rdv.rdvs WHERE created_at = now();
	COMMIT;" >/dev/null
FIRST=$(sql -c "SELECT min(id) FROM rdv.usager_outbox WHERE done_at IS NULL")
is "$(sql -c "SELECT count(*) FROM rdv.usager_outbox WHERE id >= $FIRST")" "20" "20 messages queued"
N0=$(sms_count)
PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM=rdv@drome.example.fr "$RDV" notify >"$T/worker2.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 600); do
	[ "$(sql -c "SELECT count(*) FROM rdv.notification_receipts WHERE outbox_id >= $FIRST")" -ge 5 ] && break
	sleep 0.05
done
kill -STOP "$SMTP_PID" "$SMS_PID"   # the worker now hangs inside a send
kill -KILL "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null; WORKER_PID=
kill -CONT "$SMTP_PID" "$SMS_PID"
SENT_BEFORE=$(sql -c "SELECT string_agg(outbox_id::text, ' ') FROM rdv.notification_receipts
                      WHERE outbox_id >= $FIRST AND result = 'sent' AND channel = 'email'")
notify_once >"$T/once11.log" 2>&1
is "$(sql -c "SELECT count(*) FROM rdv.usager_outbox WHERE id >= $FIRST AND done_at IS NOT NULL")" "20" \
   "after the restart every message is done"
is "$(sql -c "SELECT count(*) FROM rdv.notification_receipts WHERE outbox_id >= $FIRST")" "20" "one receipt each"
twice=
for id in $SENT_BEFORE; do
	n=$(grep -l "^X-RDV-Notification: u$id " "$MAILDIR"/new/* 2>/dev/null | wc -l)
	[ "$n" = 1 ] || twice="$twice $id:$n"
done
is "$twice" "" "no e-mail recorded as sent before the kill arrived twice"
umails=$(grep -l '^X-RDV-Notification: u' "$MAILDIR"/new/* | wc -l)
ok "$([ "$umails" -ge 10 ] && [ "$umails" -le 11 ]; echo $?)" \
   "10 e-mails to the usager, 11 at most (the one in flight may go again): $umails"
ok "$([ $(( $(sms_count) - N0 )) -ge 10 ] && [ $(( $(sms_count) - N0 )) -le 11 ]; echo $?)" \
   "10 SMS requests, 11 at most: $(( $(sms_count) - N0 ))"

# ---- the export's "résultat des notifications" (reference §5.2 column 16)
"$RDV" export rdvs --db "host=$PGHOST port=$PGPORT dbname=rdv user=camille" --format xlsx \
	-o "$T/export.xlsx" >"$T/export.log" 2>&1
col16=$($PY "$top_srcdir/tests/export/check.py" xlsx2tsv "$T/export.xlsx" | awk -F'\t' 'NR > 1 { print $16 }' | sort | uniq -c | awk '{ print $2 }' | paste -sd, -)
is "$col16" ",Traité,Échec" "export: Échec for the rdv with a refused SMS, Traité for those sent, empty elsewhere"
all_ok=$($PY -c 'import json, sys
print(all(json.loads(l)["verdict"] in ("sent", "500", "invalid") for l in open(sys.argv[1])))' "$SMS_DIR/requests.jsonl")
is "$all_ok" "True" "every SMS request was well-formed for the API"
done_testing
