#!/bin/sh
# Mail and calendar details integrators would otherwise fix (issue 15): a
# subject longer than a line folded as RFC 2047 asks (encoded words of at
# most 75 characters, lines of at most 76); smtp.from with a display name
# ("Nom <adresse>": the envelope takes the address only); absence and plage
# UIDs in ASCII without spaces, of the deployment's domain, kept when the
# configuration changes, and the old UID kept for an object calendars
# already know; the VTIMEZONE of a zone without daylight saving holds one
# observance.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/notify/lib.sh"
notify_setup
smtp_start

# The raw header of the newest mail: NAME's lines, continuation lines included.
raw_header() {
	f=$(ls -t "$MAILDIR"/new/* | head -1)
	tr -d '\r' <"$f" | awk -v h="$1:" 'index($0, h) == 1 { on = 1; print; next }
		on && /^[ \t]/ { print; next } { on = 0 }'
}
newest() { printf '%s\n' "$(mails)" | tail -1; }

# A long motif name: the subject runs over several lines.
sql -c "UPDATE rdv.motifs SET name = 'Accompagnement à l''ouverture des droits sociaux et à la constitution du dossier de demande d''aide' WHERE id = 1" >/dev/null
D10=$(paris_day 10)
book camille "$D10" 19:00 1 >/dev/null
notify_once >/dev/null
subject="Nouveau RDV : Accompagnement à l'ouverture des droits sociaux et à la constitution du dossier de demande d'aide le $(fr_day "$D10") à 19:00"
is "$(newest | cut -f5)" "$subject" "a long subject decodes to the whole text"
h=$(raw_header Subject)
ok "$(test "$(printf '%s\n' "$h" | wc -l)" -ge 3 && echo 0 || echo 1)" "it is folded over several lines"
is "$(printf '%s\n' "$h" | awk 'length($0) > 76' | wc -l)" "0" "no line of it passes 76 characters"
is "$(printf '%s\n' "$h" | grep -o '=?[^ ]*?=' | awk 'length($0) > 75' | wc -l)" "0" \
	"no encoded word passes 75 characters"
is "$(printf '%s\n' "$h" | sed 1d | grep -vc '^ =?UTF-8?B?[A-Za-z0-9+/=]*?=$')" "0" \
	"each continuation line is one encoded word after a space"

# smtp.from with a display name.
R=$(book camille "$(paris_day 11)" 19:00 1)
PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM="Agenda de la Drôme <agenda@drome.example.fr>" \
	"$RDV" notify --once >/dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "smtp.from may carry a display name"
f=$(ls -t "$MAILDIR"/new/* | head -1)
is "$($PY -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["From"])' "$f")" "Agenda de la Drôme <agenda@drome.example.fr>" "From: shows the name and the address"
is "$(tr -d '\r' <"$f" | sed -n 's/^X-MailFrom: //p')" "agenda@drome.example.fr" "the envelope sender is the address only"
n=$(newest | cut -f1)
c=$("$ICS_CHECK" "$T/out/$n.att.ics")
like "$c" "ORGANIZER mailto:agenda@drome.example.fr" "ORGANIZER is the address"
like "$(tr -d '\r' <"$T/out/$n.att.ics")" "ORGANIZER;CN=Agenda de la Drôme:mailto:agenda@drome.example.fr" \
	"with the name as CN"
PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM="Agenda <agenda@drome.example.fr" \
	"$RDV" notify --once >/dev/null 2>"$T/err"
is "$?:$(cat "$T/err")" "2:rdv: notify : adresse d'expédition « Agenda <agenda@drome.example.fr » invalide (adresse ou « Nom <adresse> » attendu)" \
	"a malformed smtp.from exits 2 and says why"

# Absence UIDs: absence-<id>@<domain>, the domain chosen once for the deployment.
sql -c "UPDATE rdv.agents SET absence_notification_level = 'all' WHERE db_role = 'julien'" >/dev/null
as_agent camille -c "INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
	VALUES ((SELECT id FROM rdv.agents WHERE db_role = 'julien'), 'Formation', date '2030-02-04', '09:00',
	        date '2030-02-04', '17:00')"
A=$(sql -c "SELECT max(id) FROM rdv.absences")
notify_once >/dev/null
n=$(newest | cut -f1)
is "$(newest | cut -f2)" "absence_created" "an absence is mailed"
is "$("$ICS_CHECK" "$T/out/$n.att.ics" | sed -n 's/^UID //p')" "absence-$A@drome.example.fr" \
	"its UID: absence-<id>@<the sender's domain>, ASCII without spaces"
is "$(sql -c "SELECT domain FROM rdv.calendar_uid_domain")" "drome.example.fr" "the domain is kept in the database"
as_agent camille -c "UPDATE rdv.absences SET title = 'Formation continue' WHERE id = $A"
PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM=rdv@autre.example.org RDV_NOTIFY_UID_DOMAIN=autre.example.org \
	"$RDV" notify --once >/dev/null
n=$(newest | cut -f1)
is "$(newest | cut -f2)|$("$ICS_CHECK" "$T/out/$n.att.ics" | sed -n 's/^UID //p')" "absence_updated|absence-$A@drome.example.fr" \
	"a later configuration does not change UIDs: the update reaches the same event"

# An object notified before the upgrade keeps the UID calendars know.
as_agent camille -c "INSERT INTO rdv.plages_ouverture (organisation_id, agent_id, lieu_id, title, first_day,
	start_time, end_time) VALUES (1, (SELECT id FROM rdv.agents WHERE db_role = 'julien'), 2, 'Permanence', date '2030-01-08', '14:00', '16:00')"
P=$(sql -c "SELECT max(id) FROM rdv.plages_ouverture")
sql -c "INSERT INTO rdv.calendar_uids_legacy VALUES ('plage', $P, 'plage_ouverture_$P@RDV Solidarités')" >/dev/null
notify_once >/dev/null
n=$(newest | cut -f1)
is "$("$ICS_CHECK" "$T/out/$n.att.ics" | sed -n 's/^UID //p')" "plage_ouverture_$P@RDV Solidarités" \
	"a plage calendars knew before the upgrade keeps its old UID"
is "$(PGUSER=notifier psql -X -t -A -c "SELECT rdv.calendar_uid('plage', 999999, 'x.example')")" \
	"plage-999999@drome.example.fr" "rdv.calendar_uid(): the worker's function, first domain kept"
is "$(as_agent camille -c "SELECT rdv.calendar_uid('plage', 1, 'x.example')" 2>&1 | sed -n 's/^ERROR: *//p')" \
	"permission denied for function calendar_uid" "agents may not call it"

# A zone without daylight saving: one observance, no transition.
sql -c "UPDATE rdv.territories SET time_zone = 'Indian/Reunion'
	WHERE id = (SELECT territory_id FROM rdv.organisations WHERE id = 1)" >/dev/null
as_agent camille -c "UPDATE rdv.absences SET title = 'Formation à La Réunion' WHERE id = $A"
notify_once >/dev/null
n=$(newest | cut -f1)
vtz=$(tr -d '\r' <"$T/out/$n.att.ics" | sed -n '/BEGIN:VTIMEZONE/,/END:VTIMEZONE/p')
is "$(printf '%s\n' "$vtz" | grep -E '^(TZID|BEGIN|DTSTART|TZOFFSET|RRULE)' | paste -sd' ' -)" \
	"BEGIN:VTIMEZONE TZID:Indian/Reunion BEGIN:STANDARD TZOFFSETFROM:+0400 TZOFFSETTO:+0400 DTSTART:19700101T000000" \
	"Indian/Reunion: one STANDARD observance at +04:00, no spurious transition"
like "$("$ICS_CHECK" "$T/out/$n.att.ics")" "DTSTART_UTC 20300204T050000Z" \
	"and 09:00 in Réunion resolves to 05:00 UTC"
done_testing
