#!/bin/sh
# The functions of 008_agenda_admin against the demo (today 2026-05-13):
# recurrence expansion, plage saves and their warnings (reference R-23),
# absences and the rdvs they fall on, motifs, lieux and agents — and that a
# basic agent calling them from psql is refused by the database itself.
#
# Demo ids: agents 1 camille (admin MDS), 2 sophie (secretariat), 3 julien,
# 4 nadia (PMI), 6 claire (admin CCAS); organisations 1 MDS, 2 CCAS; lieux
# 1 MDS Valence Centre, 3 CCAS; motifs 1 Premier accueil (45 min), 2 Suivi
# social (30 min), 3 Entretien téléphonique, 4 Consultation PMI.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
cluster_start
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"

# as ROLE SQL — the result rows (|-separated), or "ERROR <SQLSTATE>: <message>".
as() {
	role=$1
	shift
	printf '\\set VERBOSITY verbose\n%s\n' "$*" |
		psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$PGHOST port=$PGPORT dbname=rdv user=$role" 2>&1 |
		sed -n -e 's/^ERROR:  \([0-9A-Z]*\): /ERROR \1: /p' \
			-e '/^ERROR\|^LOCATION:\|^CONTEXT:\|^DETAIL:\|^HINT:\|^psql:\|^ \|^PL\/pgSQL\|^SQL /!p'
}

# ------------------------------------------------------------ recurrence

is "$(sql -c "SELECT string_agg(d::text, ' ') FROM rdv.rrule_occurrences('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', '2026-05-04', '2026-05-01', '2026-05-31') d")" \
	"2026-05-04 2026-05-07 2026-05-18 2026-05-21" "weekly every 2 weeks on Monday and Thursday, counted from the first day's week"
is "$(sql -c "SELECT string_agg(d::text, ' ') FROM rdv.rrule_occurrences('FREQ=MONTHLY;BYDAY=5FR', '2026-01-30', '2026-01-01', '2026-07-31') d")" \
	"2026-01-30 2026-05-29 2026-07-31" "monthly on the 5th Friday: months without one are skipped"
is "$(sql -c "SELECT string_agg(d::text, ' ') FROM rdv.rrule_occurrences('FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE;UNTIL=20260915', '2026-03-11', '2026-01-01', '2026-12-31') d")" \
	"2026-03-11 2026-05-13 2026-07-08 2026-09-09" "every 2 months on the 2nd Wednesday, until the UNTIL day"
is "$(sql -c "SELECT string_agg(d::text, ' ') FROM rdv.rrule_occurrences(NULL, '2026-05-20', '2026-05-01', '2026-05-31') d")" \
	"2026-05-20" "no rule: the first day only"

# ------------------------------------------------------------ plages

is "$(as julien "SELECT rdv.plage_motif_ids(3, 1)")" "{1,2,3}" \
	"julien may put the Service social motifs in his plages"
is "$(as sophie "SELECT rdv.plage_motif_ids(2, 1)")" "{1,3,4}" \
	"sophie (secretariat, no other service) may put the for_secretariat motifs in hers"
is "$(as camille "SELECT rdv.plage_motif_ids(1, 1)")" "{1,2,3,4,5}" \
	"camille (admin) may use every individual motif of the MDS (not the collectif workshop)"

save() { # role, then plage_save arguments after (id, agent, org)
	role=$1
	shift
	as "$role" "SELECT coalesce(saved_id::text, '-') || '|' || coalesce(warning, '') FROM rdv.plage_save($*)"
}
is "$(save julien "0, 3, 1, 1, 'Renfort', '2026-05-18', '10:00', '11:00', NULL, '{2,1}', false, '2026-05-13'")" \
	"-|Chevauche la plage « Permanence Valence Centre » (09:00–12:00), par exemple le 18/05/2026" \
	"an exceptional plage inside a weekly one: overlap warning (and no motif warning: 45 min fit in 60)"
is "$(save julien "0, 3, 1, 1, 'Renfort', '2026-05-18', '10:00', '10:30', NULL, '{2,1}', false, '2026-05-13'")" \
	"-|Chevauche la plage « Permanence Valence Centre » (09:00–12:00), par exemple le 18/05/2026
-|Le motif « Premier accueil social » dure 45 min, plus que la plage (30 min)" \
	"a 30-minute plage warns that the 45-minute motif is longer"
is "$(sql -c "SELECT count(*) FROM rdv.plages_ouverture WHERE title = 'Renfort'")" "0" \
	"nothing is saved while warnings are not acknowledged"
is "$(save julien "0, 3, 1, 1, 'Renfort', '2026-05-11', '12:00', '13:00', NULL, '{2}', false, '2026-05-13'")" "20|" \
	"touching 12:00 is no overlap (R-24), and a plage in the past is allowed: saved as plage 20"
is "$(save julien "0, 3, 1, 1, 'Renfort', '2026-05-18', '10:00', '11:00', NULL, '{2}', true, '2026-05-13'")" "21|" \
	"acknowledged: the overlapping plage is saved"
is "$(sql -c "SELECT p.title, p.first_day, p.start_time, p.end_time, coalesce(p.rrule, 'NULL'), p.lieu_id, p.organisation_id, (SELECT string_agg(motif_id::text, ',' ORDER BY motif_id) FROM rdv.plage_motifs WHERE plage_id = p.id) FROM rdv.plages_ouverture p WHERE p.id = 21")" \
	"Renfort|2026-05-18|10:00:00|11:00:00|NULL|1|1|2" "plage 21 is stored as given, with its motif"
is "$(save julien "0, 3, 1, 1, 'Jeudis', '2026-05-21', '09:00', '12:00', 'FREQ=WEEKLY;BYDAY=TH', '{2}', false, '2026-05-13'")" "22|" \
	"a weekly Thursday morning plage meets nothing (Fontbarlettes is Thursday afternoon): saved"
is "$(save julien "0, 3, 1, 1, 'Mardis', '2026-05-12', '11:00', '13:00', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260630', '{2}', false, '2026-05-13'")" \
	"-|Chevauche la plage « Permanence Valence Centre » (09:00–12:00), par exemple le 26/05/2026" \
	"two weekly plages: the first shared date from today on (R-23), not the past first day"
is "$(save julien "0, 3, 1, 1, 'Vendredis', '2026-05-15', '09:00', '12:00', 'FREQ=WEEKLY;BYDAY=FR', '{2}', false, '2026-05-13'")" "23|" \
	"weekly on disjoint weekdays: no overlap"
is "$(save julien "0, 3, 1, 1, 'Passé', '2026-05-12', '10:00', '11:00', NULL, '{2}', false, '2026-05-13'")" "24|" \
	"an exceptional plage on a past date of a weekly one: no overlap (R-23), saved as 24"
is "$(save julien "0, 3, 1, 1, 'Mensuelle', '2026-05-20', '09:00', '10:00', 'FREQ=MONTHLY;BYDAY=3WE', '{2}', false, '2026-05-13'")" "25|" \
	"a monthly 3rd-Wednesday plage (first day 20/05) is saved"
is "$(save julien "0, 3, 1, 1, 'Ponctuelle', '2026-06-17', '09:30', '10:30', NULL, '{2}', false, '2026-05-13'")" \
	"-|Chevauche la plage « Mensuelle » (09:00–10:00), par exemple le 17/06/2026" \
	"an exceptional plage on an occurrence of the monthly one"
is "$(save julien "0, 3, 1, 1, 'Ponctuelle', '2026-06-10', '09:30', '10:30', NULL, '{2}', false, '2026-05-13'")" "26|" \
	"the 2nd Wednesday of June is not an occurrence of the 3rd-Wednesday plage"
is "$(save julien "26, 3, 1, 1, 'Ponctuelle', '2026-06-17', '09:30', '10:30', NULL, '{2}', false, '2026-05-13'")" \
	"-|Chevauche la plage « Mensuelle » (09:00–10:00), par exemple le 17/06/2026" \
	"editing plage 26 onto the monthly one's date warns too (and does not meet itself)"
is "$(save julien "26, 3, 1, 1, 'Ponctuelle', '2026-06-10', '09:30', '10:45', NULL, '{1,2}', false, '2026-05-13'")" "26|" \
	"editing plage 26: new end and a second motif"
is "$(sql -c "SELECT end_time, (SELECT string_agg(motif_id::text, ',' ORDER BY motif_id) FROM rdv.plage_motifs WHERE plage_id = 26) FROM rdv.plages_ouverture WHERE id = 26")" \
	"10:45:00|1,2" "plage 26 was updated with its motifs in the same statement"

# Refusals and input problems.
is "$(save julien "0, 3, 1, NULL, 'X', '2026-05-20', '09:00', '10:00', NULL, '{2}'")" \
	"ERROR 22023: Lieu : obligatoire pour le motif sur place « Suivi social »" "a public_office motif needs a lieu"
is "$(save julien "0, 3, 1, NULL, 'X', '2026-05-20', '09:00', '10:00', NULL, '{3}'")" "27|" \
	"a phone motif needs no lieu"
is "$(save julien "0, 3, 1, 1, 'X', '2026-05-20', '09:00', '10:00', NULL, '{}'")" \
	"ERROR 22023: Motifs : cochez au moins un motif" "at least one motif"
is "$(save julien "0, 3, 1, 1, 'X', '2026-05-20', '09:00', '10:00', NULL, '{4}'")" \
	"ERROR 22023: Motifs : « #4 » non utilisable dans les plages de cet agent" \
	"a PMI motif is not usable in julien's plages"
is "$(save julien "0, 3, 1, 3, 'X', '2026-05-20', '09:00', '10:00', NULL, '{2}'")" \
	"ERROR 22023: Lieu : introuvable ou désactivé dans cette organisation" "a CCAS lieu in an MDS plage"
is "$(save julien "0, 3, 1, 1, 'X', '2026-05-20', '10:00', '09:00', NULL, '{2}'")" \
	"ERROR 22023: Fin : doit être après le début (10:00)" "the end after the start"
is "$(save julien "0, 3, 1, 1, 'X', '2026-05-20', '09:00', '10:00', 'FREQ=WEEKLY;BYDAY=TU', '{2}'")" \
	"ERROR 22023: Répétition : le premier jour ne correspond pas à BYDAY" "the first day is an occurrence"
is "$(save julien "0, 3, 1, 1, ' ', '2026-05-20', '09:00', '10:00', NULL, '{2}'")" \
	"ERROR 22023: Titre : obligatoire" "a title"
is "$(save julien "0, 3, 1, 1, 'X', '2017-12-31', '09:00', '10:00', NULL, '{2}'")" \
	"ERROR 22023: Date : date entre le 01/01/2018 et dans cinq ans" "dates from 2018 on"
is "$(save julien "0, 4, 1, 1, 'X', '2026-05-20', '09:00', '10:00', NULL, '{4}'")" \
	"ERROR 22023: Motifs : « #4 » non utilisable dans les plages de cet agent" \
	"julien cannot write nadia's plages: he does not even see her motifs"
is "$(as julien "UPDATE rdv.plages_ouverture SET title = 'x' WHERE id = 5")" "" \
	"julien's plain UPDATE of nadia's plage affects nothing (row-level security)"
is "$(save julien "5, 4, 1, 1, 'X', '2026-05-20', '09:00', '10:00', NULL, '{2}'")" \
	"ERROR 42501: plage introuvable" "plage_save of nadia's plage by julien is refused"
is "$(save sophie "0, 3, 1, 2, 'Par le secrétariat', '2026-05-22', '14:00', '15:00', NULL, '{1}'")" "28|" \
	"sophie (secretariat) creates a plage for julien"
is "$(as julien "DELETE FROM rdv.plages_ouverture WHERE id = 28")" "" "julien deletes it (plain DELETE, one statement)"
is "$(sql -c "SELECT count(*) FROM rdv.plage_motifs WHERE plage_id = 28")" "0" "its motifs went with it"

# ------------------------------------------------------------ absences

is "$(as julien "SELECT rdv.absence_save(0, 3, 'Formation', '2026-05-18', '14:00', '2026-05-19', '11:15', NULL)")" "8" \
	"a two-day absence from Monday 14:00 to Tuesday 11:15 is absence 8"
is "$(as julien "SELECT rdv_id, to_char(starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM HH24:MI'), motif, usagers, status FROM rdv.absence_conflicts(8, 'Europe/Paris')")" \
	"203|19/05 10:30|Suivi social|Sébastien TRAORÉ|unknown
204|19/05 11:00|Entretien téléphonique|Loïc FERRAND|unknown" \
	"it falls on julien's 10:30 and 11:00 rdvs of Tuesday, not on the 11:30 one"
is "$(sql -c "SELECT count(*) FROM rdv.rdvs WHERE id IN (203, 204) AND status = 'unknown'")" "2" \
	"nothing is cancelled automatically"
is "$(as julien "SELECT rdv.rdv_set_status(204, 'revoked')")" "" "julien cancels rdv 204"
is "$(as julien "SELECT rdv_id FROM rdv.absence_conflicts(8, 'Europe/Paris')")" "203" \
	"a cancelled rdv is no longer listed"
is "$(as julien "SELECT rdv.absence_save(0, 3, 'Réunion', '2026-05-05', '11:00', '2026-05-05', '11:30', 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20260526')")" "9" \
	"a weekly Tuesday 11:00–11:30 absence until 26/05"
is "$(as julien "SELECT string_agg(rdv_id::text || ' ' || to_char(starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM HH24:MI'), ', ') FROM rdv.absence_conflicts(9, 'Europe/Paris')")" \
	"$(sql -c "SELECT string_agg(r.id::text || ' ' || to_char(r.starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM HH24:MI'), ', ' ORDER BY r.starts_at, r.id) FROM rdv.rdvs r WHERE r.agent_ids @> '{3}' AND r.status NOT IN ('excused', 'revoked') AND extract(isodow FROM r.starts_at AT TIME ZONE 'Europe/Paris') = 2 AND (r.starts_at AT TIME ZONE 'Europe/Paris')::date BETWEEN '2026-05-05' AND '2026-05-26' AND (r.starts_at AT TIME ZONE 'Europe/Paris')::time < '11:30' AND (r.ends_at AT TIME ZONE 'Europe/Paris')::time > '11:00'")" \
	"a recurring absence lists the rdvs of each occurrence"
is "$(as julien "SELECT rdv.absence_save(0, 3, 'X', '2026-05-18', '09:00', '2026-05-19', '10:00', 'FREQ=WEEKLY')")" \
	"ERROR 22023: Répétition : une indisponibilité sur plusieurs jours ne peut pas se répéter" \
	"a multi-day absence cannot recur"
is "$(as julien "SELECT rdv.absence_save(0, 3, 'X', '2026-05-18', '09:00', '2026-05-18', '09:00', NULL)")" \
	"ERROR 22023: Au : la fin doit être après le début" "the end after the start"
is "$(as julien "SELECT rdv.absence_save(0, 6, 'X', '2026-05-18', '09:00', '2026-05-18', '10:00', NULL)")" \
	"ERROR 42501: new row violates row-level security policy for table \"absences\"" \
	"julien cannot give claire (another organisation) an absence"
is "$(as sophie "SELECT rdv.absence_save(8, 3, 'Formation', '2026-05-18', '14:00', '2026-05-19', '12:00', NULL)")" "8" \
	"sophie (secretariat) extends julien's absence 8 to 12:00"
is "$(as sophie "SELECT string_agg(rdv_id::text, ',') FROM rdv.absence_conflicts(8, 'Europe/Paris')")" "203,206" \
	"extended, it now falls on the 11:30 rdv too"

# Léa works in both organisations: camille (MDS admin) lists only the MDS
# rdv of the absence she gives her, and learns how many others there are.
lea_absence=$(as camille "SELECT rdv.absence_save(0, 5, 'Congés', '2026-05-20', '09:00', '2026-05-22', '18:00', NULL)")
is "$(sql -c "SELECT agent_id, first_day, end_day FROM rdv.absences WHERE id = '$lea_absence'")" "5|2026-05-20|2026-05-22" \
	"camille gives léa a three-day absence"
is "$(as camille "SELECT string_agg(to_char(starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM HH24:MI') || ' ' || motif, ', ') FROM rdv.absence_conflicts($lea_absence, 'Europe/Paris')")" \
	"20/05 09:15 Premier accueil social" "camille sees the MDS rdv it falls on"
is "$(as camille "SELECT rdv.absence_conflict_count($lea_absence, 'Europe/Paris')")" "3" \
	"and that it falls on three in all"
is "$(as lea "SELECT string_agg(to_char(starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM HH24:MI'), ', ') || ' / ' || rdv.absence_conflict_count($lea_absence, 'Europe/Paris') FROM rdv.absence_conflicts($lea_absence, 'Europe/Paris')")" \
	"20/05 09:15, 22/05 09:15, 22/05 10:00 / 3" "léa sees all three"
is "$(as nadia "SELECT rdv.absence_conflict_count($lea_absence, 'Europe/Paris')")" "0" \
	"nadia, who does not see léa, learns nothing"

# ------------------------------------------------------------ motifs, lieux

is "$(as julien "SELECT rdv.motif_save(0, 1, 1, 'Nouveau', 30, 'phone', '#AABBCC', 30, 1440, 'agents')")" \
	"ERROR 42501: réservé aux administrateurs de l'organisation" "a basic agent cannot create a motif"
is "$(as julien "INSERT INTO rdv.motifs (organisation_id, service_id, name) VALUES (1, 1, 'Direct')")" \
	"ERROR 42501: new row violates row-level security policy for table \"motifs\"" \
	"nor insert one directly"
motif=$(as camille "SELECT rdv.motif_save(0, 1, 1, 'Bilan budgétaire', 40, 'public_office', '#aabbcc', 60, 43200, 'everyone')")
is "$(sql -c "SELECT name FROM rdv.motifs WHERE id = '$motif'")" "Bilan budgétaire" "camille creates a motif"
is "$(sql -c "SELECT name, service_id, default_duration_in_min, location_type, color, min_booking_delay_min, max_booking_delay_min, bookable_by, organisation_id FROM rdv.motifs WHERE id = '$motif'")" \
	"Bilan budgétaire|1|40|public_office|#AABBCC|60|43200|everyone|1" "stored as given (colour upper-cased)"
is "$(as camille "SELECT rdv.motif_save(0, 1, 1, 'bilan budgétaire', 30, 'public_office', '#aabbcc', 60, 43200, 'everyone')")" \
	"ERROR 23505: Nom : un motif « bilan budgétaire » existe déjà (même service et même type de lieu)" \
	"names are unique per service and location type"
is "$(as camille "SELECT rdv.motif_save(0, 1, 3, 'Accueil', 30, 'public_office', '#aabbcc', 60, 43200, 'everyone')")" \
	"ERROR 22023: Service : un motif ne peut pas être du service Secrétariat" "not in the Secrétariat service"
is "$(as camille "SELECT rdv.motif_save(0, 1, 1, 'Couleur', 30, 'phone', 'rouge', 60, 43200, 'agents')")" \
	"ERROR 22023: Couleur : #RRGGBB attendu (ex. #1F77B4)" "a colour is #RRGGBB"
is "$(as camille "SELECT rdv.motif_save(0, 2, 4, 'Ailleurs', 30, 'phone', '#aabbcc', 60, 43200, 'agents')")" \
	"ERROR 42501: réservé aux administrateurs de l'organisation" "camille is not admin of the CCAS"
is "$(as camille "SELECT rdv.motif_save($motif, 1, 1, 'Bilan budgétaire', 45, 'phone', '#aabbcc', 60, 43200, 'agents')")" "$motif" \
	"camille edits the motif"
is "$(sql -c "SELECT default_duration_in_min, location_type, bookable_by FROM rdv.motifs WHERE id = $motif")" \
	"45|phone|agents" "the edit is stored"
is "$(as camille "SELECT rdv.motif_save(1, 1, 1, 'Premier accueil social', 45, 'phone', '#1F77B4', 30, 129600, 'agents')")" \
	"ERROR 22023: Type de lieu : ne peut plus changer, des rendez-vous ont ce motif" \
	"a motif with rdvs keeps its location type (reference §1.9)"
is "$(as camille "SELECT rdv.motif_save(1, 1, 1, 'Premier accueil social', 50, 'public_office', '#1F77B4', 30, 129600, 'agents')")" "1" \
	"its duration may change"
is "$(as julien "SELECT rdv.lieu_save(0, 1, 'Annexe', '1 rue Neuve, Valence', NULL)")" \
	"ERROR 42501: réservé aux administrateurs de l'organisation" "a basic agent cannot create a lieu"
is "$(as camille "SELECT rdv.lieu_save(0, 1, 'Annexe', '1 rue Neuve, 26000 Valence', '04 75 00 00 00')")" "4" \
	"camille creates lieu 4"
is "$(as camille "SELECT rdv.lieu_save(4, 1, 'Annexe', '1 rue Neuve, 26000 Valence', '', false)")" "4" \
	"and disables it"
is "$(sql -c "SELECT name, address, coalesce(phone_number, 'NULL'), availability FROM rdv.lieux WHERE id = 4")" \
	"Annexe|1 rue Neuve, 26000 Valence|NULL|disabled" "lieu 4 as stored"

# ------------------------------------------------------------ agents

is "$(as julien "SELECT rdv.agent_create(1, 'Paul', 'Petit', NULL, 'paul', 'basic', '{1}')")" \
	"ERROR 42501: réservé aux administrateurs de l'organisation" "a basic agent cannot create an agent"
is "$(sql -c "SELECT count(*) FROM pg_roles WHERE rolname = 'paul'")" "0" "and no role was created"
is "$(as julien "SELECT rdv.agent_save(3, 1, 'Julien', 'Bernard', NULL, 'admin', '{1}')")" \
	"ERROR 42501: réservé aux administrateurs de l'organisation" "nor make himself admin"
is "$(as julien "UPDATE rdv.agent_roles SET access_level = 'admin' WHERE agent_id = 3")" "" \
	"nor through a plain UPDATE (row-level security: nothing changes)"
is "$(as julien "INSERT INTO rdv.agent_services (agent_id, service_id) VALUES (3, 2)")" \
	"ERROR 42501: new row violates row-level security policy for table \"agent_services\"" \
	"nor give himself another service"
is "$(as camille "SELECT rdv.agent_create(1, 'Paul', 'Petit', 'paul.petit@drome.example.fr', 'Paul\"; DROP ROLE camille; --', 'basic', '{1}')")" \
	"ERROR 22023: Identifiant : lettres minuscules, chiffres, « _ », « . » ou « - » (63 au plus)" \
	"a login outside [a-z0-9_.-] is refused"
is "$(as camille "SELECT rdv.agent_create(1, 'Paul', 'Petit', NULL, 'pg_paul', 'basic', '{1}')")" \
	"ERROR 22023: Identifiant : lettres minuscules, chiffres, « _ », « . » ou « - » (63 au plus)" \
	"pg_ names are reserved"
is "$(as camille "SELECT rdv.agent_create(1, 'Paul', 'Petit', NULL, 'julien', 'basic', '{1}')")" \
	"ERROR 42710: Identifiant : « julien » existe déjà" "an existing role cannot be taken"
is "$(as camille "SELECT rdv.agent_create(1, 'Paul', 'Petit', NULL, 'paul.petit', 'basic', '{}')")" \
	"ERROR 22023: Services : cochez au moins un service" "an agent has a service"
is "$(as camille "SELECT rdv.agent_create(1, 'Paul', 'Petit', 'paul.petit@drome.example.fr', 'paul.petit', 'basic', '{1}')")" "9" \
	"camille creates agent 9, paul.petit"
is "$(sql -c "SELECT a.first_name, a.last_name, a.email, a.db_role, r.organisation_id, r.access_level, (SELECT string_agg(service_id::text, ',') FROM rdv.agent_services WHERE agent_id = 9) FROM rdv.agents a JOIN rdv.agent_roles r ON r.agent_id = a.id WHERE a.id = 9")" \
	"Paul|Petit|paul.petit@drome.example.fr|paul.petit|1|basic|1" "with his role and service"
is "$(sql -c "SELECT rolcanlogin, rolsuper, rolcreaterole, pg_has_role('paul.petit', 'rdv_agent', 'MEMBER') FROM pg_roles WHERE rolname = 'paul.petit'")" \
	"t|f|f|t" "his login role can log in, is a plain member of rdv_agent"
is "$(as paul.petit "SELECT rdv.current_agent_id(), rdv.plage_motif_ids(9, 1)")" "9|{1,2,3,$motif}" \
	"paul.petit logs in as agent 9 and may use the Service social motifs"
is "$(as camille "SELECT rdv.agent_create(1, NULL, 'Legrand', NULL, NULL, 'intervenant', '{2}')")" "10" \
	"an intervenant is created without a login"
is "$(sql -c "SELECT coalesce(db_role, 'NULL'), rdv_notifications_level FROM rdv.agents WHERE id = 10")" "NULL|none" \
	"no role, no notifications"
is "$(as camille "SELECT rdv.agent_save(3, 1, 'Julien', 'Bernard', 'julien.bernard@drome.example.fr', 'basic', '{1,2}')")" "" \
	"camille gives julien access to the PMI service"
is "$(as julien "SELECT rdv.plage_motif_ids(4, 1)")" "{4,5}" \
	"julien now sees nadia, his PMI confrère, and her motifs"
is "$(as julien "SELECT string_agg(id::text, ',' ORDER BY id) FROM rdv.plages_ouverture WHERE agent_id = 4")" "5,6,19" \
	"and nadia's plages: the agenda is shared across services"
is "$(as camille "SELECT rdv.agent_save(1, 1, 'Camille', 'Dupont', NULL, 'basic', '{1}')")" \
	"ERROR 22023: Rôle : l'organisation doit garder au moins un administrateur" \
	"the last admin of the MDS cannot be demoted"
is "$(as camille "SELECT rdv.agent_save(5, 1, 'Léa', 'Rousseau', NULL, 'intervenant', '{1}')")" \
	"ERROR 22023: Rôle : un agent de plusieurs organisations ne peut pas être intervenant" \
	"léa (MDS and CCAS) cannot become an intervenant"
is "$(as camille "SELECT rdv.agent_save(6, 1, 'Claire', 'Faure', NULL, 'basic', '{4}')")" \
	"ERROR 42501: agent introuvable dans cette organisation" "camille cannot edit claire (CCAS)"
is "$(as camille "SELECT rdv.agent_save(9, 1, 'Paul', 'Petit', NULL, 'admin', '{1}')")" "" \
	"camille makes paul.petit admin"
is "$(as camille "SELECT rdv.agent_save(1, 1, 'Camille', 'Dupont', NULL, 'basic', '{1}')")" "" \
	"then she may become basic: the MDS keeps an admin"
is "$(as paul.petit "SELECT rdv.lieu_save(0, 1, 'Salle 2', '12 rue Madier de Montjau, 26000 Valence', NULL)")" "5" \
	"paul.petit, now admin, creates a lieu"
done_testing
