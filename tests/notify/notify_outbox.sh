#!/bin/sh
# The outbox as the triggers of 004_notify.sql write it (reference §6.1,
# §6.2): one row per agent to tell, per level (demo agents: camille all,
# sophie others, julien soon, nadia none, lea others; plage levels camille
# all, sophie none, julien all; absence levels nadia all, lea none), in the
# change's own transaction, with rdvs.sequence moving once per notified
# change. Changes are made by the agents' own login roles.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/notify/lib.sh"
notify_setup

is "$(sql -c "SELECT string_agg(db_role || ':' || rdv_notifications_level || '/' || plage_ouverture_notification_level
                               || '/' || absence_notification_level, ' ' ORDER BY id) FROM rdv.agents WHERE id <= 5")" \
   "camille:all/all/all sophie:others/none/none julien:soon/all/all nadia:none/none/all lea:others/all/none" \
   "demo agents 1-5 and their levels"
is "$(sql -c "SELECT count(*) FROM rdv.notification_outbox")" "0" "seeding the demo writes no notification"

D10=$(paris_day 10)
D1=$(paris_day 1)

# ---- created: camille books for camille, sophie, julien, nadia, 10 days ahead
m=$(outbox_max)
R=$(book camille "$D10" 19:00 1,2,3,4)
is "$(outbox_rows "$m")" "1:rdv_created 2:rdv_created" \
   "created by camille: camille (all, own action) and sophie (others); not julien (soon, 10 days ahead) nor nadia (none)"
is "$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")" "0" "a new rdv has SEQUENCE 0"
is "$(sql -c "SELECT string_agg(DISTINCT author_agent_id::text || ' ' || object_type || ' ' || object_id, ',')
              FROM rdv.notification_outbox WHERE id > $m")" "1 rdv $R" "rows record the author (camille) and the rdv"
is "$(sql -c "SELECT payload->>'sequence' || ' ' || (payload->>'uid' = (SELECT uuid::text FROM rdv.rdvs WHERE id = $R))
                     || ' ' || (payload->>'dtstart') || ' ' || (payload->>'time_zone') || ' ' || jsonb_array_length(payload->'attendees')
                     || ' ' || (payload->'usagers'->>0) || ' ' || (payload->>'author')
              FROM rdv.notification_outbox WHERE id = $m + 1")" \
   "0 true $(ical_local "$D10" 19:00) Europe/Paris 4 Élodie Bézier Camille Dupont" \
   "payload: sequence, uid = rdvs.uuid, local start, zone, 4 attendees, usager, author"
is "$(sql -c "SELECT count(*) FROM rdv.notification_pending")" "0" "no per-transaction image survives the commit"

# ---- moved by sophie to tomorrow
m=$(outbox_max)
move sophie "$R" "$D1" 19:00
is "$(outbox_rows "$m")" "1:rdv_updated 3:rdv_updated" \
   "moved by sophie: camille (all), julien (soon: tomorrow); not sophie (her own action)"
is "$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")" "1" "the move increments SEQUENCE"
is "$(sql -c "SELECT (payload->>'old_dtstart') || ' ' || (payload->>'dtstart') || ' ' || (payload->>'sequence')
              FROM rdv.notification_outbox WHERE id = $m + 1")" \
   "$(ical_local "$D10" 19:00) $(ical_local "$D1" 19:00) 1" "the update carries the old and the new start"

# ---- agents changed by camille: lea added, nadia removed
m=$(outbox_max)
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES ($R, 5);
	DELETE FROM rdv.rdv_agents WHERE rdv_id = $R AND agent_id = 4;
	COMMIT;"
is "$(outbox_rows "$m")" "1:rdv_updated 2:rdv_updated 3:rdv_updated 5:rdv_created" \
   "agents changed: kept agents get updated, lea (added) created, nadia (removed, none) nothing"
is "$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")" "2" "two agent changes in one transaction: SEQUENCE once"

# ---- a change nobody is told about: the context
m=$(outbox_max)
as_agent camille -c "UPDATE rdv.rdvs SET context = 'Dossier RSA' WHERE id = $R"
is "$(outbox_rows "$m")" "" "editing the context notifies nobody"
is "$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")" "2" "nor moves SEQUENCE"

# ---- cancelled by camille
m=$(outbox_max)
as_agent camille -c "UPDATE rdv.rdvs SET status = 'excused' WHERE id = $R"
is "$(outbox_rows "$m")" "1:rdv_cancelled 2:rdv_cancelled 3:rdv_cancelled 5:rdv_cancelled" \
   "cancelled: camille, sophie, julien (soon), lea"
is "$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")" "3" "the cancellation increments SEQUENCE"

# ---- back to unknown: created again
m=$(outbox_max)
as_agent sophie -c "UPDATE rdv.rdvs SET status = 'unknown' WHERE id = $R"
is "$(outbox_rows "$m")" "1:rdv_created 3:rdv_created 5:rdv_created" \
   "un-cancelled by sophie: created for camille, julien, lea; not sophie"
is "$(sql -c "SELECT sequence FROM rdv.rdvs WHERE id = $R")" "4" "and SEQUENCE moves on"

# ---- removed agent at level all gets a cancellation naming only them
m=$(outbox_max)
as_agent sophie -c "DELETE FROM rdv.rdv_agents WHERE rdv_id = $R AND agent_id = 1"
is "$(outbox_rows "$m")" "1:rdv_cancelled 3:rdv_updated 5:rdv_updated" \
   "camille removed by sophie: camille cancelled, julien and lea updated"
is "$(sql -c "SELECT payload->'attendees'->0->>'email' || ' ' || jsonb_array_length(payload->'attendees')
              FROM rdv.notification_outbox WHERE id = $m + 1")" "camille.dupont@drome.example.fr 1" \
   "the removed agent's cancellation lists only them"

# ---- created and deleted in one transaction: nothing
m=$(outbox_max)
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	VALUES (1, 1, 1, (date '$D10' + time '20:00') AT TIME ZONE 'Europe/Paris',
	        (date '$D10' + time '20:30') AT TIME ZONE 'Europe/Paris');
	INSERT INTO rdv.rdv_agents VALUES (currval('rdv.rdvs_id_seq'), 2);
	DELETE FROM rdv.rdvs WHERE id = currval('rdv.rdvs_id_seq');
	COMMIT;"
is "$(outbox_rows "$m")" "" "an rdv created and deleted in one transaction notifies nobody"

# ---- a rolled-back booking writes nothing
m=$(outbox_max)
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	VALUES (1, 1, 1, (date '$D10' + time '20:00') AT TIME ZONE 'Europe/Paris',
	        (date '$D10' + time '20:30') AT TIME ZONE 'Europe/Paris');
	INSERT INTO rdv.rdv_agents VALUES (currval('rdv.rdvs_id_seq'), 2);
	ROLLBACK;"
is "$(outbox_rows "$m")" "" "a rolled-back booking writes nothing"

# ---- deleted rdv: cancelled with the sequence it would have had
R2=$(book camille "$D10" 21:00 2)
m=$(outbox_max)
as_agent camille -c "DELETE FROM rdv.rdvs WHERE id = $R2"
is "$(sql -c "SELECT string_agg(agent_id || ':' || event || ':' || (payload->>'sequence'), ' ')
              FROM rdv.notification_outbox WHERE id > $m")" "2:rdv_cancelled:1" \
   "deleting an rdv cancels it for sophie, SEQUENCE 1"

# ---- deleted with its motif in one transaction (by the superuser, who may): the commit goes through
MO=$(sql -c "INSERT INTO rdv.motifs (organisation_id, service_id, name)
	SELECT 1, id, 'Motif éphémère' FROM rdv.services WHERE name = 'Service social' RETURNING id" | head -1)
as_agent camille -c "BEGIN;
	INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	VALUES (1, $MO, 1, (date '$D10' + time '21:00') AT TIME ZONE 'Europe/Paris',
	        (date '$D10' + time '21:30') AT TIME ZONE 'Europe/Paris');
	INSERT INTO rdv.rdv_agents VALUES (currval('rdv.rdvs_id_seq'), 2);
	COMMIT;"
m=$(outbox_max)
sql -c "BEGIN;
	DELETE FROM rdv.rdvs WHERE motif_id = $MO;
	DELETE FROM rdv.motifs WHERE id = $MO;
	COMMIT;" 2>"$T/warn"
is "$(sql -c "SELECT count(*) FROM rdv.motifs WHERE id = $MO")" "0" "an rdv and its motif deleted in one transaction: committed"
is "$(sql -c "SELECT string_agg(agent_id || ':' || event || ':' || (payload->>'summary'), ' ')
              FROM rdv.notification_outbox WHERE id > $m")" "2:rdv_cancelled:RDV rendez-vous" \
   "sophie's cancellation is still written, with a generic summary (the motif is gone at commit)"

# ---- already started: nothing, whoever and whatever
P=$(sql -c "SELECT r.id FROM rdv.rdvs r WHERE r.starts_at < now() - interval '1 day'
            AND r.status = 'unknown' AND r.agent_ids @> '{1}' ORDER BY r.id LIMIT 1")
m=$(outbox_max)
as_agent camille -c "UPDATE rdv.rdvs SET status = 'excused' WHERE id = $P"
is "$(outbox_rows "$m")" "" "cancelling an rdv that already started notifies nobody"
is "$(sql -c "SELECT status FROM rdv.rdvs WHERE id = ${P:-0}")" "excused" "(that past rdv of camille was cancelled)"

# ---- plages: the owner's plage level, whoever changes it
m=$(outbox_max)
as_agent camille -c "INSERT INTO rdv.plages_ouverture (organisation_id, agent_id, lieu_id, title, first_day,
	start_time, end_time, rrule) VALUES (1, 3, 1, 'Permanence du soir', date '2030-01-07', '18:00', '19:00',
	'FREQ=WEEKLY;BYDAY=MO;UNTIL=20300325')"
PL=$(sql -c "SELECT max(id) FROM rdv.plages_ouverture")
as_agent camille -c "UPDATE rdv.plages_ouverture SET end_time = '19:30' WHERE id = $PL"
as_agent camille -c "UPDATE rdv.plages_ouverture SET updated_at = now() WHERE id = $PL"
as_agent camille -c "DELETE FROM rdv.plages_ouverture WHERE id = $PL"
is "$(sql -c "SELECT string_agg(agent_id || ':' || event || ':' || (payload->>'sequence'), ' ' ORDER BY id)
              FROM rdv.notification_outbox WHERE id > $m")" \
   "3:plage_created:0 3:plage_updated:1 3:plage_deleted:2" \
   "julien's plage (level all) created, updated, deleted by camille: 3 rows, SEQUENCE 0, 1, 2; touching updated_at alone: none"
is "$(sql -c "SELECT (payload->>'uid') || ' ' || (payload->>'rrule') || ' ' || (payload->>'until') || ' ' || (payload->>'dtend')
              FROM rdv.notification_outbox WHERE id = $m + 2")" \
   "plage_ouverture_$PL@RDV Solidarités FREQ=WEEKLY;BYDAY=MO;UNTIL=20300325T225959Z 2030-03-25 20300107T193000" \
   "plage payload: UID, RRULE with UNTIL at the end of the last day (Paris, UTC), last day, end"
m=$(outbox_max)
as_agent sophie -c "INSERT INTO rdv.plages_ouverture (organisation_id, agent_id, title, first_day, start_time, end_time)
	VALUES (1, 2, 'Rappels', date '2030-01-07', '18:00', '19:00')"
is "$(outbox_rows "$m")" "" "sophie's plage (level none): nothing"

# ---- absences: the owner's absence level
m=$(outbox_max)
as_agent nadia -c "INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
	VALUES (4, 'Formation', date '2030-02-04', '09:00', date '2030-02-05', '17:00')"
as_agent lea -c "INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
	VALUES (5, 'Congé', date '2030-02-04', '09:00', date '2030-02-04', '17:00')"
is "$(sql -c "SELECT string_agg(agent_id || ':' || event || ':' || (payload->>'dtstart') || '-' || (payload->>'dtend'), ' ')
              FROM rdv.notification_outbox WHERE id > $m")" \
   "4:absence_created:20300204T090000-20300205T170000" \
   "nadia's own absence (level all) is notified to her, over two days; lea's (none) is not"

# ---- rights
out=$(as_agent camille -c "SELECT rdv.notification_rdv_payload(r, 0, '{}', NULL, NULL) FROM rdv.rdvs r LIMIT 1" 2>&1)
like "$out" "permission denied for function notification_rdv_payload" \
   "agents cannot call the payload builder (it reads past row-level security)"
out=$(as_agent camille -c "SELECT count(*) FROM rdv.notification_pending" 2>&1)
like "$out" "permission denied for table notification_pending" "agents cannot read the per-transaction images"
is "$(as_agent camille -c "SELECT DISTINCT agent_id FROM rdv.notification_outbox")" "1" \
   "an agent reads only their own outbox rows"
is "$(PGUSER=notifier psql -X -q -t -A -c "SELECT count(*) = (SELECT count(*) FROM rdv.notification_outbox)
     FROM rdv.notification_outbox" 2>&1)" "t" "the notifier role reads every row"

done_testing
