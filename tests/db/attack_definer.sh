#!/bin/sh
# SPDX-License-Identifier: MIT
# Attacks of issue 10, classes 1 and 5 (SECURITY.md), as an agent holding
# psql would try them, each login in its own session:
#   - creating temporary objects (a table, a view named like a catalog view, a
#     domain named like a built-in type, a function), or objects anywhere,
#     is refused to every login: basic agent, secretariat, admin of another
#     organisation, the notification worker, a login without an agent row,
#     a login that may only CONNECT;
#   - internal helpers and the owner roles are out of reach;
#   - defence in depth: even a login wrongly given TEMP cannot make a
#     SECURITY DEFINER function or a trigger pick up its temporary objects
#     (nothing runs as the owner, nobody becomes superuser, the outbox row
#     and the audit row are still written);
#   - the change feed tells a LISTENer of another organisation nothing;
#     helpers describe no row the caller cannot see;
#   - the catalog invariants (tests/db/invariants.sql) hold.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

command -v psql >/dev/null 2>&1 || { echo "1..0 # SKIP no psql"; exit 77; }
[ -n "$PG_BINDIR" ] || { echo "1..0 # SKIP no PostgreSQL"; exit 77; }

cluster_start
sql -1 -f "$top_srcdir/tests/db/fixtures.sql" >/dev/null || { echo "Bail out! fixtures"; exit 1; }
# An admin of organisation C only (another organisation for everyone in the
# fixtures), and a login that may only connect.
sql >/dev/null <<'EOF' || { echo "Bail out! extra logins"; exit 1; }
CREATE ROLE t_admin_c LOGIN IN ROLE rdv_agent;
INSERT INTO rdv.agents (id, first_name, last_name, email, db_role)
VALUES (20, 'Cécile', 'Admin-C', 'cecile@c.example.fr', 't_admin_c');
INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level) VALUES (20, 3, 'admin');
INSERT INTO rdv.agent_services (agent_id, service_id) VALUES (20, 1);
CREATE ROLE t_connect LOGIN;
EOF

as_role() { # ROLE SQL: one session of ROLE; errors as their SQLSTATE
	psql -X -q -t -A -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -U "$1" -c "$2" 2>&1
}

# ------------------------------------------------------------------ class 1: nothing to create

# rdv_pool (018_scale): the pooled role, without a token.
for role in t_basic_x t_secr t_admin_c t_notifier t_nobody t_connect rdv_pool; do
	is "$(as_role $role 'CREATE TEMP TABLE agents (id integer)')" "ERROR:  42501" \
		"$role: no temporary table (one shadowing rdv.agents)"
	is "$(as_role $role 'CREATE TEMP VIEW pg_roles AS SELECT session_user AS rolname, true AS rolsuper')" \
		"ERROR:  42501" "$role: no temporary view named like pg_roles"
	is "$(as_role $role 'CREATE VIEW pg_temp.pg_class AS SELECT 1 AS oid')" "ERROR:  42501" \
		"$role: no temporary view named like pg_class"
	is "$(as_role $role 'CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4')" "ERROR:  42501" \
		"$role: no temporary domain named like int4"
	is "$(as_role $role 'CREATE DOMAIN pg_temp.text AS pg_catalog.text')" "ERROR:  42501" \
		"$role: no temporary domain named like text"
	is "$(as_role $role 'CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS $$SELECT 1$$')" \
		"ERROR:  42501" "$role: no temporary function"
	is "$(as_role $role 'CREATE TABLE public.agents (id integer)')" "ERROR:  42501" \
		"$role: nothing created in schema public"
	is "$(as_role $role 'CREATE TABLE rdv.x (id integer)')" "ERROR:  42501" \
		"$role: nothing created in schema rdv"
	is "$(as_role $role 'CREATE SCHEMA evil')" "ERROR:  42501" "$role: no schema"
	is "$(as_role $role 'SET ROLE rdv_owner')" "ERROR:  42501" "$role: cannot become rdv_owner"
	is "$(as_role $role 'SET ROLE rdv_rolemaker')" "ERROR:  42501" "$role: cannot become rdv_rolemaker"
	for call in "rdv.audit_organisation_ids('rdvs', NULL, '{\"organisation_id\": 3}')" \
		"rdv.change_feed_payload('absences', 'INSERT', NULL, (SELECT to_jsonb(a) FROM rdv.absences a LIMIT 1))" \
		"rdv.organisation_time_zone(3)" \
		"rdv.agent_login_create('evil', 'x', 1)" \
		"rdv.notification_muted()" \
		"rdv.notification_agent_name(7)" \
		"rdv.usager_snapshot(1)"; do
		is "$(as_role $role "SELECT $call")" "ERROR:  42501" "$role: may not call ${call%%(*}"
	done
done

is "$(as_role t_connect 'SELECT rdv.current_agent_id()')" "ERROR:  42501" \
	"a login outside rdv_agent reaches no function of rdv"
is "$(as_role t_connect 'SELECT count(*) FROM rdv.rdvs')" "ERROR:  42501" \
	"a login outside rdv_agent reads no table of rdv"
# The same for the pooled role (018_scale): without a token, and with a
# forged one (agent 1, signature of zeros) presented as rdv.session_resume would.
for nobody in t_nobody rdv_pool rdv_pool_forged; do
	login=$nobody pre=
	if [ $nobody = rdv_pool_forged ]; then
		login=rdv_pool
		pre="DO \$d\$ BEGIN PERFORM set_config('rdv.token', 'v1.1.1.1.99999999999999999.$(printf '0%.0s' $(seq 64))', true); PERFORM set_config('rdv.token_at', rdv.epoch_us(transaction_timestamp())::text, true); END \$d\$; "
	fi
is "$(as_role $login "${pre}SELECT count(*) FROM rdv.rdvs UNION ALL SELECT count(*) FROM rdv.usagers
	UNION ALL SELECT count(*) FROM rdv.usager_search('a')
	UNION ALL SELECT count(*) FROM rdv.slots_busy(ARRAY[1, 2, 7], '2026-03-01', '2026-03-31', 'Europe/Paris')
	UNION ALL SELECT count(*) FROM rdv.plage_warnings(NULL, 1, 1, '2026-03-02', '08:00', '18:00', '', ARRAY[1, 2, 3, 4, 5], '2026-03-01')
	UNION ALL SELECT rdv.absence_conflict_count(1, 'Europe/Paris')
	UNION ALL SELECT count(rdv.usager_email_owner('alice.martin@example.fr'))" | tr '\n' ' ')" \
	"0 0 0 0 0 0 0 " "$nobody: a login without an agent reads nothing, through tables or functions"
is "$(as_role $login "${pre}SELECT rdv.usager_create(1, 'A', 'B')")" "ERROR:  42501" \
	"$nobody: a login without an agent creates no usager"
done
is "$(as_role t_admin_c "SELECT rdv.agent_create(1, 'E', 'Vil', NULL, 'evil', 'admin', ARRAY[1])")" \
	"ERROR:  42501" "an admin of another organisation creates no agent in organisation A"
is "$(sql -c "SELECT count(*) FROM pg_roles WHERE rolname = 'evil'")" 0 "… and no role"

# Agent creation still works, through rdv_rolemaker only.
is "$(as_role t_admin "SELECT rdv.agent_create(1, 'Nina', 'Neuve', 'nina@a.example.fr', 'nina.neuve', 'basic', ARRAY[1]) > 0")" \
	"t" "an admin creates an agent with a login"
is "$(sql -c "SELECT r.rolcanlogin, r.rolsuper, r.rolcreaterole, pg_has_role(r.oid, 'rdv_agent', 'MEMBER'),
	(SELECT string_agg(b.rolname, ',' ORDER BY b.rolname) FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
	  WHERE m.member = r.oid)
	FROM pg_roles r WHERE r.rolname = 'nina.neuve'")" "t|f|f|t|rdv_agent" \
	"… a plain login, member of rdv_agent and of nothing else"
is "$(as_role t_admin "SELECT rdv.agent_create(1, 'P', 'G', NULL, 'pg_evil', 'basic', ARRAY[1])" | head -1)" \
	"ERROR:  22023" "… never a pg_ name"
is "$(as_role t_admin "SELECT rdv.agent_create(1, 'P', 'G', NULL, 'postgres', 'basic', ARRAY[1])" | head -1)" \
	"ERROR:  42710" "… never an existing role"
is "$(as_role t_admin "SELECT rdv.agent_create(1, 'P', 'G', NULL, 'a\"b', 'basic', ARRAY[1])" | head -1)" \
	"ERROR:  22023" "… never a name that needs quoting"

# ------------------------------------------------------------------ class 1: defence in depth

# Suppose a DBA gave TEMP back to a secretariat agent: the shadows are
# created, but no SECURITY DEFINER function nor trigger picks them up.
sql -c 'GRANT TEMPORARY ON DATABASE rdv TO t_secr' >/dev/null
outbox_before=$(sql -c 'SELECT count(*) FROM rdv.notification_outbox')
audit_before=$(sql -c 'SELECT coalesce(max(id), 0) FROM rdv.audit_log')
out=$(psql -X -q -t -A -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -U t_secr 2>&1 <<'EOF'
-- Runs as whoever calls it; records it when that is not the session's login
-- (a definer's owner), and tries to make the login a superuser.
CREATE FUNCTION pg_temp.evil() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> session_user THEN
        PERFORM pg_catalog.set_config('attack.ran', current_user, false);
        BEGIN
            EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', session_user);
        EXCEPTION WHEN OTHERS THEN
            PERFORM pg_catalog.set_config('attack.alter', SQLSTATE, false);
        END;
    END IF;
    RETURN true;
END $$;
CREATE DOMAIN pg_temp.int4 AS pg_catalog.int4 CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.jsonb AS pg_catalog.jsonb CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.date AS pg_catalog.date CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.bool AS pg_catalog.bool CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.tstzrange AS pg_catalog.tstzrange CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.interval AS pg_catalog.interval CHECK (pg_temp.evil());
CREATE DOMAIN pg_temp.name AS pg_catalog.name CHECK (pg_temp.evil());
CREATE TEMP VIEW pg_roles AS
    SELECT session_user::pg_catalog.name AS rolname, pg_temp.evil() AS rolsuper, pg_catalog.oid(10) AS oid;
CREATE TEMP VIEW pg_timezone_names AS SELECT 'Mars/Olympus'::pg_catalog.text AS name WHERE pg_temp.evil();
CREATE TEMP VIEW pg_class AS SELECT 1::pg_catalog.oid AS oid WHERE pg_temp.evil();
CREATE TEMP TABLE agent_roles (agent_id pg_catalog.int4, organisation_id pg_catalog.int4, access_level pg_catalog.text);
INSERT INTO agent_roles VALUES (3, 3, 'admin');
CREATE TEMP TABLE agents (id pg_catalog.int4, db_role pg_catalog.name, deleted_at pg_catalog.timestamptz);
CREATE TEMP TABLE usager_profiles (usager_id pg_catalog.int4, organisation_id pg_catalog.int4);
CREATE TEMP TABLE rdvs (id pg_catalog.int4, organisation_id pg_catalog.int4);
-- The seed's switch that mutes the outbox, which rdv.notification_muted
-- ANDs with "the session is a superuser" (read from pg_roles).
SET rdv.seed_today = '2026-03-01';
-- Definer functions, each reading tables, types and catalog views.
SELECT 'orgs', rdv.my_organisation_ids()::pg_catalog.text, rdv.my_admin_organisation_ids()::pg_catalog.text,
       rdv.my_full_access_organisation_ids()::pg_catalog.text;
SELECT 'agents', rdv.visible_agent_ids()::pg_catalog.text;
SELECT 'search', pg_catalog.count(*) FROM rdv.usager_search('mar');
SELECT 'busy', pg_catalog.count(*) >= 0 FROM rdv.slots_busy(ARRAY[1, 2], '2026-03-01', '2026-03-31', 'Europe/Paris');
SELECT 'warnings', pg_catalog.count(*) >= 0
  FROM rdv.plage_warnings(NULL, 1, 1, '2026-03-02', '08:00', '18:00', '', ARRAY[1, 3], '2026-03-01');
SELECT 'conflicts', rdv.absence_conflict_count(1, 'Europe/Paris') >= 0;
SELECT 'authors', pg_catalog.count(*) >= 0 FROM rdv.rdv_authors(ARRAY[1, 2]);
SELECT 'duplicates', pg_catalog.count(*) >= 0 FROM rdv.usager_duplicates();
SELECT 'tz', rdv.valid_time_zone('Mars/Olympus');
-- Triggers: the audit trail, the change feed, the outbox.
INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
VALUES (1, 'Shadowed', current_date + 30, '09:00', current_date + 30, '12:00');
UPDATE rdv.rdvs SET context = 'shadowed' WHERE id = 1;
SELECT 'ran', pg_catalog.concat(pg_catalog.current_setting('attack.ran', true));
EOF
)
is "$(printf '%s\n' "$out" | grep '^orgs')" "orgs|{1}|{}|{1}" \
	"shadowed: my organisations are read from rdv.agent_roles, not a temporary table"
like "$out" "tz|f" "shadowed: time zones are read from pg_catalog.pg_timezone_names"
unlike "$out" "ERROR" "shadowed: every definer function and trigger ran"
is "$(printf '%s\n' "$out" | grep '^ran')" "ran|" "shadowed: no temporary object ran as another role"
is "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = 't_secr'")" "f" "shadowed: nobody became superuser"
is "$(sql -c 'SELECT count(*) FROM rdv.notification_outbox')" "$((outbox_before + 1))" \
	"shadowed: the absence still wrote its outbox row (a temporary pg_roles does not mute it)"
is "$(sql -c "SELECT string_agg(table_name || ':' || agent_id, ',' ORDER BY id) FROM rdv.audit_log WHERE id > $audit_before")" \
	"absences:3,rdvs:3" "shadowed: the audit rows are written, with the right author"
sql -c 'REVOKE TEMPORARY ON DATABASE rdv FROM t_secr' >/dev/null

# Even a definer bug would not reach a superuser: what definers run as.
is "$(sql -c "SELECT string_agg(DISTINCT pg_get_userbyid(p.proowner) || '/' || r.rolsuper, ',')
	FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
	WHERE p.pronamespace = 'rdv'::regnamespace AND p.prosecdef")" "rdv_owner/false,rdv_rolemaker/false" \
	"every SECURITY DEFINER function runs as rdv_owner (or rdv_rolemaker), neither a superuser"

# ------------------------------------------------------------------ class 5: leaks

# The change feed, heard from organisation B while organisation A changes an
# absence, an rdv and a plage: a wake-up, nothing about the rows.
listen=$(psql -X -q -t -A -U t_other 2>&1 <<EOF
LISTEN rdv_changes;
\\! psql -X -q -U t_secr -c "UPDATE rdv.absences SET title = 'Secret A' WHERE id = 1" -c "UPDATE rdv.rdvs SET context = 'secret' WHERE id = 2" -c "UPDATE rdv.plages_ouverture SET title = 'Secret plage' WHERE id = 1"
SELECT 1;
EOF
)
like "$listen" 'Asynchronous notification "rdv_changes" received' "LISTEN as organisation B: woken up by A's changes"
unlike "$listen" "payload" "… with no payload: no id, no dates, no agent"
is "$(printf '%s\n' "$listen" | grep -c 'Asynchronous notification')" 3 "… one wake-up per transaction"

# plage_warnings named every organisation's motifs by id.
out=$(as_role t_other "SELECT * FROM rdv.plage_warnings(NULL, 7, 2, '2026-03-02', '10:00', '10:10', '', ARRAY[1, 2, 3, 4, 5], '2026-03-01')")
like "$out" "Accueil social B" "plage_warnings names the caller's own motif"
unlike "$out" "Suivi social" "plage_warnings does not name another organisation's motif (Suivi social)"
unlike "$out" "PMI" "plage_warnings does not name another organisation's motif (PMI)"
# … nor another organisation's plage title, when the caller names that organisation.
sql -c "INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day, start_time, end_time)
	SELECT 90, 2, 4, l.id, 'Plage secrète de B', '2026-04-06', '09:00', '12:00' FROM rdv.lieux l WHERE l.organisation_id = 2 LIMIT 1" >/dev/null
out=$(as_role t_basic_y "SELECT * FROM rdv.plage_warnings(NULL, 4, 2, '2026-04-06', '10:00', '11:00', '', '{}', '2026-03-01')")
unlike "$out" "secrète" "plage_warnings does not name a plage of an organisation the caller is not in"
like "$out" "autre organisation" "… it only says there is one"

# plage_motif_ids listed another organisation's motifs for an agent the
# caller sees (agent 4 works in A and B; t_basic_y only in A).
is "$(as_role t_basic_y "SELECT rdv.plage_motif_ids(4, 2)")" "{}" \
	"plage_motif_ids lists no motif of an organisation the caller is not in"
is "$(as_role t_other "SELECT rdv.plage_motif_ids(7, 2)")" "{4}" "… but does for one the caller is in"

# The e-mail lookup: who holds an address, only when the caller sees them.
sql -c "UPDATE rdv.usagers SET email = 'only.b@example.fr'
	WHERE id = (SELECT p.usager_id FROM rdv.usager_profiles p GROUP BY p.usager_id
	            HAVING array_agg(p.organisation_id) = '{2}' ORDER BY 1 LIMIT 1)" >/dev/null
is "$(as_role t_basic_x "SELECT coalesce(rdv.usager_email_owner('only.b@example.fr'), 'rien')")" "rien" \
	"the e-mail lookup says nothing of a usager of another organisation"
is "$(as_role t_other "SELECT rdv.usager_email_owner('only.b@example.fr') LIKE '%(fiche n° %'")" "t" \
	"… and names one the caller sees"

# ------------------------------------------------------------------ class 9: control characters

osc52=$(printf 'x\033]52;c;ZXZpbA==\007@example.fr')
is "$(as_role t_secr "UPDATE rdv.usagers SET email = '$osc52' WHERE id = 1" | head -1)" "ERROR:  23514" \
	"a usager's e-mail with ESC ] 52 (OSC 52) is refused"
is "$(as_role t_secr "UPDATE rdv.usagers SET phone_number = '06 12$(printf '\033')[31m' WHERE id = 1" | head -1)" \
	"ERROR:  23514" "a usager's phone number with an escape sequence is refused"
is "$(sql -v VERBOSITY=sqlstate -c "UPDATE rdv.agents SET email = '$osc52' WHERE id = 1" 2>&1 | head -1)" \
	"ERROR:  23514" "an agent's e-mail with OSC 52 is refused, even to the superuser"
is "$(sql -v VERBOSITY=sqlstate -c "UPDATE rdv.agents SET db_role = 'a$(printf '\033')b' WHERE id = 1" 2>&1 | head -1)" \
	"ERROR:  23514" "a login with a control character is refused"
is "$(sql -v VERBOSITY=sqlstate -c "UPDATE rdv.organisations SET email = 'a@b.fr$(printf '\342\200\256')' WHERE id = 1" 2>&1 | head -1)" \
	"ERROR:  23514" "an organisation's e-mail with a bidirectional override is refused"

# ------------------------------------------------------------------ catalog invariants

is "$(sql -f "$top_srcdir/tests/db/invariants.sql")" "" "the catalog invariants hold (tests/db/invariants.sql)"

done_testing
