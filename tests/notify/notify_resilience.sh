#!/bin/sh
# At-least-once delivery against a real SMTP server (aiosmtpd):
#  - the worker is killed (SIGKILL) in the middle of a batch, the SMTP server
#    frozen mid-conversation: after a restart every notification arrives,
#    and none that had been recorded as sent arrives twice;
#  - two workers at once never send the same row (FOR UPDATE SKIP LOCKED);
#  - with the SMTP server down, failures are recorded (attempts, last_error,
#    back-off) and retried; everything arrives once it is back.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/notify/lib.sh"
notify_setup
smtp_start

# camille books 30 rdvs for herself and sophie: 60 notifications.
D=$(paris_day 20)
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	SELECT 1, 1, 1, (date '$D' + i + time '19:00') AT TIME ZONE 'Europe/Paris',
	       (date '$D' + i + time '19:30') AT TIME ZONE 'Europe/Paris'
	FROM generate_series(0, 29) i;
	INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
	SELECT r.id, a FROM rdv.rdvs r, unnest('{1,2}'::int[]) a
	WHERE r.created_at = now();
	COMMIT;"
is "$(sql -c "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM rdv.notification_outbox")" "60 1 60" \
   "60 notifications queued"

# ---- killed in the middle of a batch
PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM=rdv@drome.example.fr \
	"$RDV" notify >"$T/worker1.log" 2>&1 &
WORKER_PID=$!
mail_wait 5
kill -STOP "$SMTP_PID"     # the worker now hangs inside a mail
sleep 0.3
kill -KILL "$WORKER_PID"
wait "$WORKER_PID" 2>/dev/null
WORKER_PID=
SENT=$(sql -c "SELECT string_agg(id::text, ' ' ORDER BY id) FROM rdv.notification_outbox WHERE sent_at IS NOT NULL")
NSENT=$(echo "$SENT" | wc -w)
kill -CONT "$SMTP_PID"
ok "$([ "$NSENT" -ge 5 ] && [ "$NSENT" -lt 60 ]; echo $?)" \
   "killed mid-batch: $NSENT of 60 recorded as sent, the rest not"
is "$(sql -c "SELECT count(*) FROM rdv.notification_outbox WHERE sent_at IS NULL AND attempts = 0 AND last_error IS NULL")" \
   "$((60 - NSENT))" "the unsent rows are untouched (the claim died with the worker's transaction)"

out=$(notify_once 2>&1)
is "$?" "0" "restarted, the worker drains the outbox"
is "$(sql -c "SELECT count(*) FROM rdv.notification_outbox WHERE sent_at IS NULL")" "0" "every row is now sent"
M=$(mails)
is "$(printf '%s\n' "$M" | cut -f1 | sort -n -u | paste -sd' ' -)" "$(seq 1 60 | paste -sd' ' -)" \
   "every notification arrived"
dups=$(printf '%s\n' "$M" | cut -f1 | sort -n | uniq -d | paste -sd' ' -)
twice_sent=0
for id in $dups; do
	case " $SENT " in *" $id "*) twice_sent=$((twice_sent + 1)) ;; esac
done
is "$twice_sent" "0" "none recorded as sent arrived twice (resent: ${dups:-none})"
ok "$([ "$(mail_count)" -le 61 ]; echo $?)" "at most the one mail in flight was sent again ($(mail_count) mails for 60)"

# ---- two workers at once
mail_reset
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	SELECT 1, 1, 1, (date '$D' + i + time '20:00') AT TIME ZONE 'Europe/Paris',
	       (date '$D' + i + time '20:30') AT TIME ZONE 'Europe/Paris'
	FROM generate_series(0, 19) i;
	INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
	SELECT r.id, a FROM rdv.rdvs r, unnest('{1,2}'::int[]) a
	WHERE r.created_at = now();
	COMMIT;"
notify_once >"$T/w1.log" 2>&1 &
w1=$!
notify_once >"$T/w2.log" 2>&1 &
w2=$!
wait $w1; s1=$?
wait $w2; s2=$?
is "$s1 $s2" "0 0" "two workers ran side by side"
M=$(mails)
is "$(printf '%s\n' "$M" | wc -l) $(printf '%s\n' "$M" | cut -f1 | sort -u | wc -l)" "40 40" \
   "40 notifications, 40 mails, no row taken twice"
is "$(($(grep -c '^envoyée' "$T/w1.log") + $(grep -c '^envoyée' "$T/w2.log")))" "40" "the two logs add up to 40"

# ---- SMTP server down, then up
smtp_stop
mail_reset
m=$(outbox_max)
book camille "$(paris_day 60)" 19:00 1,2 >/dev/null
is "$(outbox_rows "$m")" "1:rdv_created 2:rdv_created" "two more notifications"
N1=$((m + 1)) N2=$((m + 2))
notify_once --backoff 1 --backoff-max 2 >"$T/down.out" 2>"$T/down.err"
is "$?" "1" "--once with the server down exits 1"
is "$(wc -l <"$T/down.err" | tr -d ' ')" "1" "one line on stderr"
like "$(cat "$T/down.err")" "rdv: n° $N1 rdv_created à camille.dupont@drome.example.fr non envoyée : SMTP : Couldn't connect to server" \
   "saying which mail failed and why"
like "$(cat "$T/down.err")" "; nouvel essai dans 1 s" "and when it is retried"
is "$(sql -c "SELECT attempts || ' ' || (sent_at IS NULL) || ' ' || (last_error LIKE 'SMTP : Couldn''t connect to server%')
              || ' ' || (next_attempt_at > created_at) FROM rdv.notification_outbox WHERE id = $N1")" "1 true true true" \
   "the failure is recorded: attempts 1, not sent, last_error, next attempt later"
is "$(sql -c "SELECT attempts || ' ' || (last_error IS NULL) FROM rdv.notification_outbox WHERE id = $N2")" "0 true" \
   "the server being down, the worker stopped instead of failing every row"

PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM=rdv@drome.example.fr \
	"$RDV" notify --backoff 1 --backoff-max 2 >"$T/worker2.log" 2>"$T/worker2.err" &
WORKER_PID=$!
for _ in $(seq 300); do
	[ "$(sql -c "SELECT attempts FROM rdv.notification_outbox WHERE id = $N1")" -ge 3 ] && break
	sleep 0.05
done
is "$(sql -c "SELECT (attempts >= 3) || ' ' || count(*) FILTER (WHERE sent_at IS NOT NULL) OVER ()
              FROM rdv.notification_outbox WHERE id = $N1")" "true 0" \
   "the long-running worker keeps retrying with back-off while the server is down"
smtp_start
mail_wait 2
is "$(mail_count)" "2" "once the server is back, both mails arrive"
is "$(sql -c "SELECT count(*) FROM rdv.notification_outbox WHERE id IN ($N1, $N2) AND sent_at IS NOT NULL")" "2" \
   "and both rows are marked sent"
is "$(mails | cut -f1,3 | tr '\t' ' ' | paste -sd, -)" \
   "$N1 camille.dupont@drome.example.fr,$N2 sophie.martin@drome.example.fr" "each exactly once, to the right agent"
like "$(sql -c "SELECT last_error FROM rdv.notification_outbox WHERE id = $N1")" "Couldn't connect to server" \
   "the last error stays on record"
kill -TERM "$WORKER_PID"
wait "$WORKER_PID"
is "$?" "0" "SIGTERM: the worker exits 0"
WORKER_PID=

done_testing
