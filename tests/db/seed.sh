#!/bin/sh
# Demo and scale seeds (db/seed/demo.sql, db/seed/scale.sql) on a throwaway
# cluster: exact counts for seed_today = 2026-05-13, the named agents and
# their rights, duplicates, julien's week, invariants (no overlap, caches,
# rdvs inside plages, holidays), loading into a second database of the same
# cluster (login roles already exist) and the scale seed at 0.01 and 0.02.
#
# Migrations run through `rdv db migrate` when $RDV is built (as in
# run-pgtap.sh; RDV_TEST_MIGRATE=psql applies db/migrations/*.sql with psql
# instead). Seeds run through `rdv db seed` when the binary has it, else with
# psql exactly as the binary does (one transaction, settings first).
#
# Environment (exported by the harness): top_srcdir, RDV, PG_BINDIR.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RDV:=}"
TODAY=2026-05-13

# shellcheck source=../lib/cluster.sh
. "$top_srcdir/tests/lib/cluster.sh"

use_rdv_migrate=0
if [ "${RDV_TEST_MIGRATE:-rdv}" = rdv ] && [ -x "$RDV" ]; then
	use_rdv_migrate=1
fi
use_rdv_seed=0

# Apply the migrations to $PGDATABASE.
migrate() {
	if [ "$use_rdv_migrate" = 1 ]; then
		"$RDV" db migrate >>"$CLUSTER_DIR/migrate.log" 2>&1 || return 1
	else
		for f in "$top_srcdir"/db/migrations/*.sql; do
			psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" \
				-f "$top_srcdir/db/hooks/after_migration.sql" \
				>>"$CLUSTER_DIR/migrate.log" 2>&1 || return 1
		done
	fi
	ensure_group
}

# 002_security.sql creates the group the seeds put logins in; be safe without it.
ensure_group() {
	sql -c "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rdv_agent')
		THEN CREATE ROLE rdv_agent NOLOGIN; END IF; END\$\$" >/dev/null
}

# seed demo|scale [scale]: load a seed into $PGDATABASE; stderr in $CLUSTER_DIR/seed.log.
seed() {
	if [ "$use_rdv_seed" = 1 ]; then
		if [ "$1" = demo ]; then
			"$RDV" db seed demo --today "$TODAY"
		else
			"$RDV" db seed scale --scale "$2" --today "$TODAY"
		fi
	else
		psql -X -q -v ON_ERROR_STOP=1 --single-transaction \
			-c "SELECT set_config('rdv.seed_today', '$TODAY', false),
			           set_config('rdv.seed_scale', '${2:-1}', false)" \
			-f "$top_srcdir/db/seed/$1.sql"
	fi >/dev/null 2>"$CLUSTER_DIR/seed.log"
}

# Rdvs that meet one of their agent's absences (occurrences of the rule).
in_absence="SELECT count(*) FROM rdv.rdvs r JOIN rdv.rdv_agents ra ON ra.rdv_id = r.id
	JOIN rdv.absences a ON a.agent_id = ra.agent_id,
	LATERAL (SELECT r.starts_at AT TIME ZONE 'Europe/Paris' AS s, r.ends_at AT TIME ZONE 'Europe/Paris' AS e) l
	WHERE CASE WHEN a.rrule IS NULL THEN
	        tsrange(a.first_day + a.start_time, a.end_day + a.end_time) && tsrange(l.s, l.e)
	      ELSE l.s::date BETWEEN a.first_day AND coalesce(a.last_day, l.s::date)
	        AND extract(isodow FROM l.s) = extract(isodow FROM a.first_day)
	        AND l.s::time < a.end_time AND l.e::time > a.start_time
	        AND CASE WHEN a.rrule LIKE 'FREQ=MONTHLY%'
	                 THEN (extract(day FROM l.s)::int - 1) / 7 + 1 = substring(a.rrule FROM 'BYDAY=([1-5])')::int
	                 ELSE ((date_trunc('week', l.s)::date - date_trunc('week', a.first_day)::date) / 7)
	                      % coalesce(substring(a.rrule FROM 'INTERVAL=([0-9])')::int, 1) = 0 END
	      END"

n=0
ok() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
is() { # got expected description
	n=$((n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3"
		printf '%s\n' "$1" | sed 's/^/#   got:      /'
		printf '%s\n' "$2" | sed 's/^/#   expected: /'
	fi
}
q() { sql -c "$1" 2>&1; }
ms() { date +%s%N | cut -c1-13; }

echo "1..42"

if [ "$use_rdv_migrate" = 1 ]; then
	cluster_start
	ensure_group
else
	CLUSTER_NO_MIGRATE=1 cluster_start
	migrate || { echo "Bail out! migrations failed: $(tail -3 "$CLUSTER_DIR/migrate.log")"; exit 1; }
fi
# Asked only now that PG* point at the throwaway cluster.
if [ -x "$RDV" ] && "$RDV" db seed --help >/dev/null 2>&1; then
	use_rdv_seed=1
fi
echo "# migrations with $([ "$use_rdv_migrate" = 1 ] && echo 'rdv db migrate' || echo psql)," \
	"seeds with $([ "$use_rdv_seed" = 1 ] && echo 'rdv db seed' || echo psql)"

# ------------------------------------------------------------------ demo

t0=$(ms)
seed demo
ok $? "demo seed loads"
echo "# demo seed: $(($(ms) - t0)) ms"
[ -s "$CLUSTER_DIR/seed.log" ] && sed 's/^/# /' "$CLUSTER_DIR/seed.log"

is "$(q "SELECT t.name, t.departement_number, t.time_zone, t.holiday_zone,
                string_agg(o.name || ':' || o.open_on_whit_monday, ', ' ORDER BY o.name)
         FROM rdv.territories t JOIN rdv.organisations o ON o.territory_id = t.id GROUP BY t.id")" \
	"Drôme|26|Europe/Paris|metropole|CCAS Romans-sur-Isère:true, MDS Valence:false" \
	"territory Drôme with its two organisations"

is "$(q "SELECT string_agg(name || ' (' || short_name || ')', ', ' ORDER BY name) FROM rdv.services")" \
	"Conseiller Numérique (Numérique), PMI (Protection Maternelle Infantile) (PMI), Secrétariat (Secrétariat), Service social (Social)" \
	"the four services"

is "$(q "SELECT coalesce(db_role, '-') || ' ' || first_name || ' ' || last_name || ' ' || coalesce(email, '-')
         FROM rdv.agents ORDER BY id")" \
"camille Camille Dupont camille.dupont@drome.example.fr
sophie Sophie Martin sophie.martin@drome.example.fr
julien Julien Bernard julien.bernard@drome.example.fr
nadia Nadia Haddad nadia.haddad@drome.example.fr
lea Léa Rousseau lea.rousseau@drome.example.fr
claire Claire Faure claire.faure@drome.example.fr
thomas Thomas Girard thomas.girard@drome.example.fr
- François Legrand -" \
	"the eight agents, logins and e-mails (the intervenant has neither)"

is "$(q "SELECT a.first_name || ': ' || string_agg(o.name || ' ' || r.access_level, ', ' ORDER BY o.name)
         FROM rdv.agents a JOIN rdv.agent_roles r ON r.agent_id = a.id
         JOIN rdv.organisations o ON o.id = r.organisation_id GROUP BY a.id ORDER BY a.id")" \
"Camille: MDS Valence admin
Sophie: MDS Valence basic
Julien: MDS Valence basic
Nadia: MDS Valence basic
Léa: CCAS Romans-sur-Isère basic, MDS Valence basic
Claire: CCAS Romans-sur-Isère admin
Thomas: CCAS Romans-sur-Isère basic
François: MDS Valence intervenant" \
	"agent roles per organisation"

is "$(q "SELECT a.first_name || ': ' || string_agg(s.short_name, ', ' ORDER BY s.short_name)
         FROM rdv.agents a JOIN rdv.agent_services x ON x.agent_id = a.id
         JOIN rdv.services s ON s.id = x.service_id GROUP BY a.id ORDER BY a.id")" \
"Camille: Social
Sophie: Secrétariat
Julien: Social
Nadia: PMI
Léa: Numérique, Social
Claire: Numérique
Thomas: Numérique
François: PMI" \
	"agent services"

is "$(q "SELECT string_agg(r.rolname || ':' || r.rolcanlogin || ':' || pg_has_role(r.oid, 'rdv_agent', 'MEMBER'),
                           ' ' ORDER BY r.rolname)
         FROM pg_roles r WHERE r.rolname IN (SELECT db_role FROM rdv.agents)")" \
	"camille:true:true claire:true:true julien:true:true lea:true:true nadia:true:true sophie:true:true thomas:true:true" \
	"seven login roles, members of rdv_agent"

is "$(q "SELECT count(*), count(DISTINCT color), count(*) FILTER (WHERE collectif),
                string_agg(DISTINCT default_duration_in_min::text, ',' ORDER BY default_duration_in_min::text),
                string_agg(DISTINCT location_type::text, ',' ORDER BY location_type::text),
                count(*) FILTER (WHERE s.name = 'Secrétariat')
         FROM rdv.motifs m JOIN rdv.services s ON s.id = m.service_id")" \
	"9|9|1|15,20,30,45,60|home,phone,public_office|0" \
	"motifs: distinct colours, durations, location types, one collectif, none of the secretariat"

is "$(q "SELECT count(*), count(*) FILTER (WHERE rrule IS NULL),
                count(*) FILTER (WHERE rrule LIKE '%INTERVAL=2%'), count(*) FILTER (WHERE rrule LIKE '%UNTIL=%'),
                count(*) FILTER (WHERE rrule LIKE 'FREQ=MONTHLY%'),
                (SELECT count(*) FROM rdv.plage_motifs)
         FROM rdv.plages_ouverture")" \
	"19|4|2|3|1|32" \
	"plages: weekly, every other week, with UNTIL, monthly, exceptional, with their motifs"

is "$(q "SELECT p.title || ' ' || p.rrule || ' ' || p.start_time || '-' || p.end_time || ' ' || (p.first_day <= date '$TODAY' - 56)
         FROM rdv.plages_ouverture p JOIN rdv.agents a ON a.id = p.agent_id
         WHERE a.db_role = 'julien' AND p.rrule IS NOT NULL ORDER BY p.id LIMIT 1")" \
	"Permanence Valence Centre FREQ=WEEKLY;BYDAY=MO,TU 09:00:00-12:00:00 true" \
	"julien's Monday and Tuesday morning plage, from well before seed_today"

is "$(q "SELECT count(*), count(*) FILTER (WHERE rrule IS NOT NULL), count(*) FILTER (WHERE end_day > first_day),
                string_agg(rrule, ' ' ORDER BY id) FILTER (WHERE rrule IS NOT NULL)
         FROM rdv.absences")" \
	"7|3|3|FREQ=WEEKLY;BYDAY=WE FREQ=WEEKLY;INTERVAL=2;BYDAY=TH FREQ=MONTHLY;BYDAY=1MO" \
	"absences: three recurring, three over several days"

is "$(q "SELECT count(*), count(email), count(phone_number), count(responsible_id),
                count(*) FILTER (WHERE phone_number !~ '^0[1-9]( [0-9]{2}){4}\$'
                                 OR phone_number_formatted !~ '^\+(33|590|594|596|262|269)[0-9]{9}\$'
                                 OR right(phone_number_formatted, 9) <> substr(replace(phone_number, ' ', ''), 2)),
                count(*) FILTER (WHERE post_code IS NOT NULL AND post_code !~ '^26[0-9]{3}\$')
         FROM rdv.usagers")" \
	"157|101|122|15|0|0" \
	"usagers: e-mails, French phones in E.164 (overseas mobiles with their own code), relatives, Drôme post codes"

is "$(q "SELECT string_agg(c::text || 'x' || n, ' ' ORDER BY c) FROM (
           SELECT c, count(*) n FROM (SELECT usager_id, count(*) c FROM rdv.usager_profiles GROUP BY 1) x
           GROUP BY c) y")" \
	"1x121 2x36" \
	"every usager belongs to one or two organisations"

is "$(q "SELECT k || ' ' || birth_date || ' ' || count(*) || ' ' || count(email) || ' ' || count(DISTINCT phone_number)
         FROM (SELECT lower(unaccent(first_name || ' ' || last_name)) AS k, * FROM rdv.usagers) u
         GROUP BY k, birth_date HAVING count(*) > 1 ORDER BY k")" \
"fatima benali 1985-09-03 2 1 1
jean-pierre dupont 1968-04-12 2 2 1
loic le goff 1979-08-19 2 1 1" \
	"probable duplicates: same name and birth date (one without e-mail, one only by accent)"

is "$(q "SELECT string_agg(last_name || ' ' || coalesce(email, '-'), ', ' ORDER BY last_name)
         FROM rdv.usagers WHERE first_name = 'Marie' AND phone_number = '06 45 67 89 01'")" \
	"Dupond marie.dupond@example.net, Dupont marie.dupont@example.com" \
	"the Dupond / Dupont typo shares a phone and a birth date"

is "$(q "SELECT count(*), string_agg(status || '=' || c, ' ' ORDER BY status) FROM (
           SELECT status::text, count(*) c FROM rdv.rdvs GROUP BY 1) x")" \
	"5|excused=14 noshow=17 revoked=8 seen=100 unknown=161" \
	"300 rdvs, every status present"

is "$(q "SELECT count(*),
                count(*) FILTER (WHERE (starts_at AT TIME ZONE 'Europe/Paris')::date < date '$TODAY' AND status = 'unknown'),
                count(*) FILTER (WHERE (starts_at AT TIME ZONE 'Europe/Paris')::date
                                       BETWEEN date '2026-05-11' AND date '2026-05-17'),
                min((starts_at AT TIME ZONE 'Europe/Paris')::date) >= date '2026-03-30',
                max((starts_at AT TIME ZONE 'Europe/Paris')::date) <= date '2026-06-21'
         FROM rdv.rdvs")" \
	"300|27|70|t|t" \
	"rdvs from 6 weeks before to 6 weeks after, 27 to fill in, 70 in seed_today's week"

is "$(q "SELECT string_agg(to_char(r.starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI') || ' '
                           || m.name || ' ' || u.first_name || ' ' || u.last_name || ' ' || r.status, '; '
                           ORDER BY r.starts_at)
         FROM rdv.rdvs r JOIN rdv.motifs m ON m.id = r.motif_id
         JOIN rdv.participations p ON p.rdv_id = r.id JOIN rdv.usagers u ON u.id = p.usager_id
         WHERE r.agent_ids = ARRAY[(SELECT id FROM rdv.agents WHERE db_role = 'julien')]
           AND (r.starts_at AT TIME ZONE 'Europe/Paris') IN ('2026-05-11 09:00', '2026-05-12 09:00')")" \
	"2026-05-11 09:00 Entretien téléphonique Élodie Bézier seen; 2026-05-12 09:00 Entretien téléphonique Jean-François Lefèvre unknown" \
	"julien's Monday and Tuesday rdvs in seed_today's week, with accented names"

is "$(q "SELECT count(*) FROM rdv.rdv_agents a JOIN rdv.rdv_agents b
           ON a.agent_id = b.agent_id AND a.rdv_id < b.rdv_id AND a.during && b.during
         WHERE a.active AND b.active")" \
	"0" \
	"no agent has two overlapping active rdvs"

is "$(q "SELECT count(*) FROM rdv.rdvs r
         WHERE r.agent_ids <> (SELECT array_agg(agent_id ORDER BY agent_id) FROM rdv.rdv_agents WHERE rdv_id = r.id)
            OR r.users_count <> (SELECT count(*) FROM rdv.participations
                                 WHERE rdv_id = r.id AND status NOT IN ('excused', 'revoked'))
            OR EXISTS (SELECT 1 FROM rdv.rdv_agents a WHERE a.rdv_id = r.id
                       AND (a.during <> tstzrange(r.starts_at, r.ends_at)
                            OR a.active <> (r.status IN ('unknown', 'seen', 'noshow'))))
            OR (r.cancelled_at IS NULL) <> (r.status IN ('unknown', 'seen'))")" \
	"0" \
	"caches agree: agent_ids, users_count, during, active, cancelled_at"

# An individual rdv lies inside a plage of one of its agents (same
# organisation, weekday in the rule, within its hours and dates).
is "$(q "SELECT count(*) FROM rdv.rdvs r JOIN rdv.motifs m ON m.id = r.motif_id
         WHERE NOT m.collectif AND NOT EXISTS (
           SELECT 1 FROM rdv.plages_ouverture p, rdv.rdv_agents a,
                LATERAL (SELECT (r.starts_at AT TIME ZONE 'Europe/Paris') AS s,
                                (r.ends_at AT TIME ZONE 'Europe/Paris') AS e) l
           WHERE a.rdv_id = r.id AND p.agent_id = a.agent_id AND p.organisation_id = r.organisation_id
             AND l.s::date BETWEEN p.first_day AND coalesce(p.last_day, l.s::date)
             AND l.s::time >= p.start_time AND l.e::time <= p.end_time
             AND (p.rrule IS NULL OR p.rrule LIKE '%' || (ARRAY['MO','TU','WE','TH','FR','SA','SU'])[extract(isodow FROM l.s)] || '%')
             AND EXISTS (SELECT 1 FROM rdv.plage_motifs pm WHERE pm.plage_id = p.id AND pm.motif_id = r.motif_id))")" \
	"0" \
	"every individual rdv is inside a plage of its agent, with one of the plage's motifs"

is "$(q "SELECT string_agg(d || ' ' || o, ', ' ORDER BY d) FROM (
           SELECT DISTINCT (r.starts_at AT TIME ZONE 'Europe/Paris')::date AS d, o.name AS o
           FROM rdv.rdvs r JOIN rdv.organisations o ON o.id = r.organisation_id
           WHERE (r.starts_at AT TIME ZONE 'Europe/Paris')::date IN
                 ('2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25')) x")" \
	"2026-05-25 CCAS Romans-sur-Isère" \
	"no rdv on a holiday, except at the CCAS (open on Whit Monday)"

is "$(q "$in_absence")" "0" "no rdv meets an absence of its agent"

is "$(q "SELECT count(*) FILTER (WHERE created_by = 'usager'), count(*) FILTER (WHERE created_by = 'usager' AND created_by_agent_id IS NOT NULL),
                count(*) FILTER (WHERE created_by = 'agent' AND created_by_agent_id IS NULL),
                (SELECT count(*) FROM rdv.participations), (SELECT count(*) FROM rdv.rdvs WHERE name IS NOT NULL)
         FROM rdv.rdvs")" \
	"41|0|0|329|3" \
	"authors (agents and usagers), participations, collective workshops"

# Times of creation (issue 11): nothing is created after the seed's "now"
# (seed_today, 2026-05-13, taken at its start), every rdv is created before
# it starts, a cancellation comes after the booking and before now.
NOWTS="'2026-05-13 00:00 Europe/Paris'::timestamptz"
is "$(q "SELECT count(*) FILTER (WHERE created_at > $NOWTS), count(*) FILTER (WHERE created_at >= starts_at),
                count(*) FILTER (WHERE cancelled_at > $NOWTS AND status IN ('excused', 'revoked')),
                count(*) FILTER (WHERE cancelled_at <= created_at)
         FROM rdv.rdvs")" \
	"0|0|0|0" \
	"rdvs: none created after now or after it starts; cancellations between booking and now"
is "$(q "SELECT (SELECT count(*) FROM rdv.participations WHERE created_at > $NOWTS),
                (SELECT count(*) FROM rdv.plages_ouverture WHERE created_at > $NOWTS),
                (SELECT count(*) FROM rdv.absences WHERE created_at > $NOWTS),
                (SELECT count(*) FROM rdv.usagers WHERE created_at > $NOWTS)")" \
	"0|0|0|0" "participations, plages, absences, usagers: none created after now"
is "$(q "SELECT count(*) FROM rdv.rdvs WHERE starts_at > $NOWTS + interval '21 days'")" \
	"$(q "SELECT count(*) FROM rdv.rdvs WHERE starts_at > $NOWTS + interval '21 days'
	        AND created_at BETWEEN $NOWTS - interval '3 days' AND $NOWTS")" \
	"rdvs booked more than three weeks ahead were booked in the last three days"

is "$(q "SELECT count(*) FROM rdv.notification_outbox")" "0" \
	"the demo queues no notification mail"

# The same file again, into a second database of the same cluster: the login
# roles exist already, and the data is the same.
digest="SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM (
	SELECT r.id, r.uuid, r.organisation_id, r.motif_id, r.lieu_id, r.starts_at, r.ends_at, r.status,
	       r.cancelled_at, r.agent_ids, r.users_count, r.created_at, u.first_name, u.last_name, u.email
	FROM rdv.rdvs r JOIN rdv.participations p ON p.rdv_id = r.id JOIN rdv.usagers u ON u.id = p.usager_id) x"
first=$(q "$digest")
createdb rdv2 && (
	PGDATABASE=rdv2; export PGDATABASE
	migrate && seed demo
)
ok $? "demo seed loads into a second database (login roles already there)"
is "$(PGDATABASE=rdv2 q "$digest")" "$first" "and yields the same rdvs and participants"

seed demo
rc=$?
is "$([ "$rc" -ne 0 ] && echo failed):$(grep -c 'déjà chargées' "$CLUSTER_DIR/seed.log")" "failed:1" \
	"loading the demo twice into one database stops with a clear message"

# ------------------------------------------------------------------ scale

createdb rdv_scale && (PGDATABASE=rdv_scale; export PGDATABASE; migrate) ||
	echo "# could not prepare database rdv_scale"
t0=$(ms)
PGDATABASE=rdv_scale seed scale 0.01
ok $? "scale seed loads at 0.01"
echo "# scale seed at 0.01: $(($(ms) - t0)) ms"
[ -s "$CLUSTER_DIR/seed.log" ] && sed 's/^/# /' "$CLUSTER_DIR/seed.log"

counts="SELECT (SELECT count(*) FROM rdv.organisations), (SELECT count(*) FROM rdv.agents),
	(SELECT count(*) FROM rdv.agents WHERE db_role IS NOT NULL), (SELECT count(*) FROM rdv.lieux),
	(SELECT count(*) FROM rdv.motifs), (SELECT count(*) FROM rdv.plages_ouverture),
	(SELECT count(*) FROM rdv.absences), (SELECT count(*) FROM rdv.absences WHERE rrule IS NOT NULL),
	(SELECT count(*) FROM rdv.usagers), (SELECT count(*) FROM rdv.usager_profiles),
	(SELECT count(*) FROM rdv.rdvs), (SELECT count(*) FROM rdv.rdv_agents),
	(SELECT count(*) FROM rdv.participations)"
is "$(PGDATABASE=rdv_scale q "$counts")" "1|10|1|3|8|50|20|7|1200|1200|2200|2200|2200" \
	"scale 0.01: 1 organisation, 10 agents (1 login), 50 plages, 20 absences, 1200 usagers, 2200 rdvs"

is "$(PGDATABASE=rdv_scale q "SELECT min(c) || '-' || max(c), (SELECT count(DISTINCT status) FROM rdv.rdvs),
        (SELECT count(*) FROM rdv.rdvs WHERE starts_at < '$TODAY') > 0,
        (SELECT count(*) FROM rdv.rdvs WHERE starts_at > '$TODAY') > 0
      FROM (SELECT agent_id, count(*) c FROM rdv.rdv_agents GROUP BY 1) x")" \
	"220-220|5|t|t" \
	"scale: 220 rdvs per agent, past and future, every status"

is "$(PGDATABASE=rdv_scale q "SELECT count(*) FROM rdv.rdv_agents a JOIN rdv.rdv_agents b
           ON a.agent_id = b.agent_id AND a.rdv_id < b.rdv_id AND a.during && b.during
         WHERE a.active AND b.active")" \
	"0" \
	"scale: no agent has two overlapping active rdvs"

is "$(PGDATABASE=rdv_scale q "SELECT count(*) FROM rdv.rdvs r
         WHERE r.agent_ids <> (SELECT array_agg(agent_id ORDER BY agent_id) FROM rdv.rdv_agents WHERE rdv_id = r.id)
            OR r.users_count <> (SELECT count(*) FROM rdv.participations
                                 WHERE rdv_id = r.id AND status NOT IN ('excused', 'revoked'))
            OR EXISTS (SELECT 1 FROM rdv.rdv_agents a WHERE a.rdv_id = r.id
                       AND (a.during <> tstzrange(r.starts_at, r.ends_at)
                            OR a.active <> (r.status IN ('unknown', 'seen', 'noshow'))))
            OR (r.cancelled_at IS NULL) <> (r.status IN ('unknown', 'seen'))
            OR NOT EXISTS (SELECT 1 FROM rdv.participations p JOIN rdv.usager_profiles up
                           ON up.usager_id = p.usager_id AND up.organisation_id = r.organisation_id
                           WHERE p.rdv_id = r.id)")" \
	"0" \
	"scale: caches filled as the triggers would, participants belong to the organisation"

is "$(PGDATABASE=rdv_scale q "SELECT count(*) FROM rdv.rdvs r
         WHERE extract(isodow FROM r.starts_at AT TIME ZONE 'Europe/Paris') > 5
            OR NOT ((r.starts_at AT TIME ZONE 'Europe/Paris')::time >= '09:00'
                     AND (r.ends_at AT TIME ZONE 'Europe/Paris')::time <= '12:00'
                    OR (r.starts_at AT TIME ZONE 'Europe/Paris')::time >= '13:30'
                     AND (r.ends_at AT TIME ZONE 'Europe/Paris')::time <= '17:00')")" \
	"0" \
	"scale: rdvs on weekdays, within plage hours"

is "$(PGDATABASE=rdv_scale q "$in_absence")" "0" "scale: no rdv meets an absence of its agent"

# Triggers back on, and the same indexes and constraints as a fresh schema.
schema="SELECT (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
	         JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'rdv' AND t.tgenabled <> 'O'),
	(SELECT string_agg(indexname || ':' || regexp_replace(indexdef, '^.* USING ', ''), ' ' ORDER BY indexname)
	 FROM pg_indexes WHERE schemaname = 'rdv'),
	(SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint c
	 JOIN pg_namespace s ON s.oid = c.connamespace WHERE s.nspname = 'rdv')"
is "$(PGDATABASE=rdv_scale q "$schema")" "$(PGDATABASE=rdv2 q "$schema")" \
	"scale: triggers enabled again, indexes and constraints rebuilt as the migrations made them"

createdb rdv_scale2 && (PGDATABASE=rdv_scale2; export PGDATABASE; migrate && seed scale 0.02)
ok $? "scale seed loads at 0.02"
is "$(PGDATABASE=rdv_scale2 q "$counts")" "1|20|1|3|8|100|40|13|2400|2400|4400|4400|4400" \
	"scale 0.02: twice the agents, plages, absences, usagers and rdvs"

# Demo and scale data can share a database.
(PGDATABASE=rdv_scale; export PGDATABASE; seed demo)
ok $? "the demo seed loads on top of scale data"
