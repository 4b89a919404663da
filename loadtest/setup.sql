-- loadtest/setup.sql: simulated agents for `make loadtest`, on a database
-- holding `rdv db seed scale` (run as the superuser, once).
--
-- Every agent with a basic or admin role gets a login role lt_<id> (unless
-- it has one) and a row in loadtest.agents: n (1..N, the pgbench client
-- picks n = client_id + 1), its organisation, a motif it may book, a usager
-- of that organisation, a search term, its session token for the pooled
-- mode (signed like rdv.session_token_issue, 24 hours), and the week it
-- shows (its own agenda, the reference week).
SET client_min_messages = warning;
CREATE SCHEMA loadtest;
GRANT USAGE ON SCHEMA loadtest TO rdv_agent;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT a.id FROM rdv.agents a
             WHERE a.deleted_at IS NULL AND a.db_role IS NULL
               AND EXISTS (SELECT 1 FROM rdv.agent_roles x WHERE x.agent_id = a.id
                           AND x.access_level <> 'intervenant') LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lt_' || r.id) THEN
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE rdv_agent', 'lt_' || r.id);
        END IF;
        UPDATE rdv.agents SET db_role = 'lt_' || r.id WHERE id = r.id;
    END LOOP;
END $$;

CREATE TABLE loadtest.agents AS
WITH a AS (
    SELECT a.id AS agent_id, a.db_role,
           (SELECT x.organisation_id FROM rdv.agent_roles x
            WHERE x.agent_id = a.id AND x.access_level <> 'intervenant' ORDER BY x.organisation_id LIMIT 1) AS org
    FROM rdv.agents a
    WHERE a.deleted_at IS NULL AND a.db_role IS NOT NULL
      AND EXISTS (SELECT 1 FROM rdv.agent_roles x WHERE x.agent_id = a.id AND x.access_level <> 'intervenant')
)
SELECT row_number() OVER (ORDER BY hashint4(a.agent_id))::integer AS n, a.agent_id, a.db_role, a.org,
       (SELECT m.id FROM rdv.motifs m
        WHERE m.organisation_id = a.org AND m.deleted_at IS NULL AND NOT m.collectif
          AND (m.service_id IN (SELECT s.service_id FROM rdv.agent_services s WHERE s.agent_id = a.agent_id)
               OR EXISTS (SELECT 1 FROM rdv.agent_roles x WHERE x.agent_id = a.agent_id
                          AND x.organisation_id = a.org AND x.access_level = 'admin'))
        ORDER BY m.id LIMIT 1) AS motif_id,
       (SELECT p.usager_id FROM rdv.usager_profiles p WHERE p.organisation_id = a.org
        ORDER BY hashint4(p.usager_id + a.agent_id) LIMIT 1) AS usager_id,
       NULL::text AS term,
       NULL::text AS token,
       (current_setting('rdv.loadtest_today')::date
        - extract(isodow FROM current_setting('rdv.loadtest_today')::date)::integer + 1) AS week_from
FROM a;
DELETE FROM loadtest.agents WHERE motif_id IS NULL OR usager_id IS NULL;
UPDATE loadtest.agents l SET term = lower(left(u.last_name, 4))
FROM rdv.usagers u WHERE u.id = l.usager_id;
UPDATE loadtest.agents l SET token = t.body || '.' || rdv.hmac_sha256(t.body, t.secret)
FROM (SELECT l2.agent_id, k.secret,
             format('v1.%s.%s.%s.%s', k.kid, l2.agent_id, rdv.epoch_us(clock_timestamp()),
                    rdv.epoch_us(clock_timestamp() + interval '24 hours')) AS body
      FROM loadtest.agents l2,
           LATERAL (SELECT kid, secret FROM rdv.session_keys WHERE retired_at IS NULL
                    ORDER BY kid DESC LIMIT 1) k) t
WHERE t.agent_id = l.agent_id;
-- Renumber 1..N after the deletions.
UPDATE loadtest.agents l SET n = s.rn
FROM (SELECT agent_id, row_number() OVER (ORDER BY n) AS rn FROM loadtest.agents) s
WHERE s.agent_id = l.agent_id;
ALTER TABLE loadtest.agents ADD PRIMARY KEY (n);
-- The pooled role reads the tokens (as any rdv_agent member would read its
-- own token from its client's memory); nothing else.
GRANT SELECT ON loadtest.agents TO rdv_agent;
SELECT count(*) AS simulated_agents FROM loadtest.agents;
