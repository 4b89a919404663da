# Other desks for UI tests on the demo data (seeded, organisation 1): sql,
# JULIEN and SOPHIE (agent ids), usager N and book. Source after cluster.sh,
# once the demo is seeded.
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
JULIEN=$(sql "SELECT id FROM rdv.agents WHERE db_role = 'julien'")
SOPHIE=$(sql "SELECT id FROM rdv.agents WHERE db_role = 'sophie'")
# Four usagers of the organisation with plain ASCII names ("Prénom NOM" on the agenda).
USAGERS=$(sql "SELECT u.id || ':' || u.first_name || ' ' || upper(u.last_name) FROM rdv.usagers u
                WHERE EXISTS (SELECT 1 FROM rdv.usager_profiles p
                               WHERE p.usager_id = u.id AND p.organisation_id = 1)
                  AND u.first_name ~ '^[A-Za-z]+$' AND u.last_name ~ '^[A-Za-z]+$'
                ORDER BY u.id LIMIT 4")
usager() { printf '%s\n' "$USAGERS" | sed -n "${1}p"; }

# book AGENT DAY TIME N — an rdv written by another desk (psql), for the Nth usager.
book() {
	u=$(usager "$4")
	sql "BEGIN;
	     INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at)
	     VALUES (1, 1, 1, (date '$2' + time '$3') AT TIME ZONE 'Europe/Paris',
	             (date '$2' + time '$3' + interval '45 minutes') AT TIME ZONE 'Europe/Paris');
	     INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES (currval('rdv.rdvs_id_seq'), $1);
	     INSERT INTO rdv.participations (rdv_id, usager_id) VALUES (currval('rdv.rdvs_id_seq'), ${u%%:*});
	     COMMIT;" >/dev/null
	echo "${u#*:}"
}
