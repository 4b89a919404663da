-- Issue 13, goals 6 and 7: the agents' scopes kept in a table.
--
-- The row-level-security helpers (rdv.my_*_ids, rdv.visible_agent_ids, ...)
-- ran their scope queries again in every policy InitPlan: a week load
-- called rdv.scope_full_access_organisation_ids 18 times, the secretariat
-- and admin queries 18 times each, visible_agent_ids' 700 µs twice; about
-- 150 PL/pgSQL calls and 5 ms of a 12 ms statement whose owner form takes 4.
--
-- A scope changes only when an administrator changes roles, services,
-- motifs, organisations or territories; it is read by every statement. So
-- it is now computed when those tables change and read by agent id:
--
-- * rdv.agent_scopes: one row per agent, the twelve arrays 023 computed
--   (rdv.scope_rdv_motif_ids, which depends on the agent's rdvs, stays
--   computed). RLS on, no policy, no grant: only definer code reads it.
-- * rdv.scope_live_*(me): 023's functions, verbatim, under new names: the
--   definition of a scope.
-- * rdv.scope_*(me) (same names, signatures and callers as 023): the row's
--   array, or the live computation when the agent has no row (a new agent,
--   or a row dropped as below). So a missing row costs time, never
--   visibility.
-- * Statement-level triggers on agent_roles, agent_services, services,
--   motifs, organisations and territories recompute the rows of every agent
--   the change may concern (see rdv.agent_scopes_changed), in the same
--   transaction: a rolled-back change leaves the rows as they were, a
--   committed one is visible with them.
-- * Concurrent changes: the recomputation first locks rdv.agent_scopes in
--   SHARE ROW EXCLUSIVE mode (which conflicts with itself and with writes,
--   not with reads, and which no agent may take: an advisory lock could be
--   taken and held from psql by any agent, stopping every role change), so
--   two transactions changing scopes run their recomputations one after the
--   other, and in READ COMMITTED the second
--   one's queries see the first one's committed change. Under REPEATABLE
--   READ or SERIALIZABLE the snapshot cannot see it: there the trigger
--   DELETES the concerned rows instead (they are computed live until the
--   next change recomputes them), which is correct whatever commits
--   meanwhile.
-- * tests/db/agent_scopes.pgtap checks after every kind of change, and
--   after concurrent ones, that every agent's row equals the live
--   computation.

CREATE TABLE rdv.agent_scopes (
    agent_id integer PRIMARY KEY REFERENCES rdv.agents ON DELETE CASCADE,
    organisation_ids integer[] NOT NULL,
    admin_organisation_ids integer[] NOT NULL,
    secretariat_organisation_ids integer[] NOT NULL,
    full_access_organisation_ids integer[] NOT NULL,
    restricted_organisation_ids integer[] NOT NULL,
    service_ids integer[] NOT NULL,
    territory_ids integer[] NOT NULL,
    confrere_ids integer[] NOT NULL,
    visible_agent_ids integer[] NOT NULL,
    admin_agent_ids integer[] NOT NULL,
    motif_ids integer[] NOT NULL,
    usager_organisation_ids integer[] NOT NULL
);
ALTER TABLE rdv.agent_scopes ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.agent_scopes FROM PUBLIC;
COMMENT ON TABLE rdv.agent_scopes IS
    'rdv-tui: each agent''s scope (rdv.scope_live_*), recomputed by triggers when roles, services, '
    'motifs, organisations or territories change; read only by definer code';

-- ------------------------------------------------------------------ 1. the definition (023, renamed)

CREATE FUNCTION rdv.scope_live_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.agent_id = me AND r.access_level <> 'intervenant');
END $$;

CREATE FUNCTION rdv.scope_live_admin_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.agent_id = me AND r.access_level = 'admin');
END $$;

CREATE FUNCTION rdv.scope_live_secretariat_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.agent_id = me AND r.access_level <> 'intervenant'
              AND EXISTS (SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id
                          WHERE s.agent_id = r.agent_id AND v.name = 'Secrétariat'));
END $$;

CREATE FUNCTION rdv.scope_live_full_access_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT o ORDER BY o), '{}')
            FROM pg_catalog.unnest((SELECT rdv.scope_live_admin_organisation_ids(me))::integer[]
                                   || (SELECT rdv.scope_live_secretariat_organisation_ids(me))::integer[]) AS o);
END $$;

CREATE FUNCTION rdv.scope_live_restricted_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(o ORDER BY o), '{}')
            FROM pg_catalog.unnest((SELECT rdv.scope_live_organisation_ids(me))::integer[]) AS o
            WHERE NOT (o = ANY ((SELECT rdv.scope_live_full_access_organisation_ids(me))::integer[])));
END $$;

CREATE FUNCTION rdv.scope_live_service_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(s.service_id ORDER BY s.service_id), '{}')
            FROM rdv.agent_services s
            WHERE s.agent_id = me);
END $$;

CREATE FUNCTION rdv.scope_live_territory_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT o.territory_id ORDER BY o.territory_id), '{}')
            FROM rdv.organisations o
            WHERE o.id = ANY ((SELECT rdv.scope_live_organisation_ids(me))::integer[]));
END $$;

CREATE FUNCTION rdv.scope_live_confrere_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT x ORDER BY x), '{}') FROM (
                SELECT me AS x
                UNION ALL
                SELECT r.agent_id FROM rdv.agent_roles r
                WHERE r.organisation_id = ANY ((SELECT rdv.scope_live_restricted_organisation_ids(me))::integer[])
                  AND EXISTS (SELECT 1 FROM rdv.agent_services s
                              WHERE s.agent_id = r.agent_id
                                AND s.service_id = ANY ((SELECT rdv.scope_live_service_ids(me))::integer[]))
            ) t WHERE x IS NOT NULL);
END $$;

CREATE FUNCTION rdv.scope_live_visible_agent_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT x ORDER BY x), '{}') FROM (
                SELECT pg_catalog.unnest((SELECT rdv.scope_live_confrere_ids(me))::integer[]) AS x
                UNION ALL
                SELECT r.agent_id FROM rdv.agent_roles r
                WHERE r.organisation_id = ANY ((SELECT rdv.scope_live_full_access_organisation_ids(me))::integer[])
            ) t);
END $$;

CREATE FUNCTION rdv.scope_live_admin_agent_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT r.agent_id ORDER BY r.agent_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.organisation_id = ANY ((SELECT rdv.scope_live_admin_organisation_ids(me))::integer[]));
END $$;

CREATE FUNCTION rdv.scope_live_motif_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(m.id ORDER BY m.id), '{}')
            FROM rdv.motifs m
            WHERE m.organisation_id = ANY ((SELECT rdv.scope_live_full_access_organisation_ids(me))::integer[])
               OR (m.organisation_id = ANY ((SELECT rdv.scope_live_restricted_organisation_ids(me))::integer[])
                   AND m.service_id = ANY ((SELECT rdv.scope_live_service_ids(me))::integer[])));
END $$;

CREATE FUNCTION rdv.scope_live_usager_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT x ORDER BY x), '{}') FROM (
                SELECT pg_catalog.unnest((SELECT rdv.scope_live_organisation_ids(me))::integer[]) AS x
                UNION ALL
                SELECT o.id FROM rdv.organisations o JOIN rdv.territories t ON t.id = o.territory_id
                WHERE t.visible_users_throughout_the_territory
                  AND t.id = ANY ((SELECT rdv.scope_live_territory_ids(me))::integer[])
            ) s);
END $$;

-- ------------------------------------------------------------------ 2. recomputation

-- An agent's row as the definition gives it (in FROM: one call per agent).
CREATE FUNCTION rdv.agent_scope_live(me integer) RETURNS rdv.agent_scopes
LANGUAGE sql STABLE AS $$
    SELECT me,
           rdv.scope_live_organisation_ids(me),
           rdv.scope_live_admin_organisation_ids(me),
           rdv.scope_live_secretariat_organisation_ids(me),
           rdv.scope_live_full_access_organisation_ids(me),
           rdv.scope_live_restricted_organisation_ids(me),
           rdv.scope_live_service_ids(me),
           rdv.scope_live_territory_ids(me),
           rdv.scope_live_confrere_ids(me),
           rdv.scope_live_visible_agent_ids(me),
           rdv.scope_live_admin_agent_ids(me),
           rdv.scope_live_motif_ids(me),
           rdv.scope_live_usager_organisation_ids(me)
$$;

-- The rows of these agents, recomputed (or, outside READ COMMITTED, dropped).
CREATE FUNCTION rdv.agent_scopes_refresh(agents integer[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF agents IS NULL OR pg_catalog.cardinality(agents) = 0 THEN
        RETURN;
    END IF;
    -- One recomputation at a time (see the header); the lock is held until
    -- the transaction ends.
    LOCK TABLE rdv.agent_scopes IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM rdv.agent_scopes s WHERE s.agent_id = ANY (agents);
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RETURN;
    END IF;
    INSERT INTO rdv.agent_scopes
    SELECT l.* FROM rdv.agents a, LATERAL rdv.agent_scope_live(a.id) l
    WHERE a.id = ANY (agents);
END $$;

-- Which agents a change may concern, table by table (an UPDATE counts only
-- when a column a scope reads changed):
--   agent_roles     the agents of the rows, and every agent of their
--                   organisations (their confrères, visible agents and
--                   administered agents change);
--   agent_services  the agents of the rows, and every agent of their
--                   organisations (confrères share a service);
--   services        a name may make a service "Secrétariat": the agents of
--                   the service, and every agent of their organisations;
--   motifs          every agent of the motifs' organisations (old and new);
--   organisations   every agent of the organisations of the territories
--                   concerned (usager organisations span a territory);
--   territories     every agent of their organisations.
-- TRUNCATE recomputes everyone.
CREATE FUNCTION rdv.agent_scopes_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    agents integer[] := '{}';
    orgs integer[] := '{}';
    ids integer[] := '{}';
BEGIN
    -- Taken before the concerned agents are listed: a concurrent change's
    -- new roles are then committed and seen here (READ COMMITTED).
    LOCK TABLE rdv.agent_scopes IN SHARE ROW EXCLUSIVE MODE;
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM rdv.agent_scopes_refresh(ARRAY(SELECT a.id FROM rdv.agents a));
        RETURN NULL;
    END IF;
    CASE TG_TABLE_NAME
    WHEN 'agent_roles' THEN
        IF TG_OP = 'UPDATE' THEN
            SELECT coalesce(pg_catalog.array_agg(v.agent), '{}'), coalesce(pg_catalog.array_agg(v.org), '{}')
              INTO agents, orgs
              FROM old_rows o JOIN new_rows n ON n.id = o.id,
                   LATERAL (VALUES (o.agent_id, o.organisation_id), (n.agent_id, n.organisation_id)) v(agent, org)
             WHERE (o.agent_id, o.organisation_id, o.access_level)
                   IS DISTINCT FROM (n.agent_id, n.organisation_id, n.access_level);
        ELSIF TG_OP = 'INSERT' THEN
            agents := ARRAY(SELECT n.agent_id FROM new_rows n);
            orgs := ARRAY(SELECT n.organisation_id FROM new_rows n);
        ELSE
            agents := ARRAY(SELECT o.agent_id FROM old_rows o);
            orgs := ARRAY(SELECT o.organisation_id FROM old_rows o);
        END IF;
    WHEN 'agent_services' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            agents := agents || ARRAY(SELECT n.agent_id FROM new_rows n);
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            agents := agents || ARRAY(SELECT o.agent_id FROM old_rows o);
        END IF;
        orgs := ARRAY(SELECT r.organisation_id FROM rdv.agent_roles r WHERE r.agent_id = ANY (agents));
    WHEN 'services' THEN
        IF TG_OP = 'UPDATE' THEN
            ids := ARRAY(SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.name IS DISTINCT FROM n.name);
        ELSIF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT n.id FROM new_rows n);
        ELSE
            ids := ARRAY(SELECT o.id FROM old_rows o);
        END IF;
        agents := ARRAY(SELECT s.agent_id FROM rdv.agent_services s WHERE s.service_id = ANY (ids));
        orgs := ARRAY(SELECT r.organisation_id FROM rdv.agent_roles r WHERE r.agent_id = ANY (agents));
    WHEN 'motifs' THEN
        IF TG_OP = 'UPDATE' THEN
            orgs := ARRAY(SELECT x FROM old_rows o JOIN new_rows n ON n.id = o.id,
                              LATERAL (VALUES (o.organisation_id), (n.organisation_id)) v(x)
                          WHERE (o.organisation_id, o.service_id) IS DISTINCT FROM (n.organisation_id, n.service_id));
        ELSIF TG_OP = 'INSERT' THEN
            orgs := ARRAY(SELECT n.organisation_id FROM new_rows n);
        ELSE
            orgs := ARRAY(SELECT o.organisation_id FROM old_rows o);
        END IF;
    WHEN 'organisations' THEN
        IF TG_OP = 'UPDATE' THEN
            SELECT coalesce(pg_catalog.array_agg(v.territory), '{}'), coalesce(pg_catalog.array_agg(DISTINCT o.id), '{}')
              INTO ids, orgs
              FROM old_rows o JOIN new_rows n ON n.id = o.id,
                   LATERAL (VALUES (o.territory_id), (n.territory_id)) v(territory)
             WHERE o.territory_id IS DISTINCT FROM n.territory_id;
        ELSIF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT n.territory_id FROM new_rows n);
            orgs := ARRAY(SELECT n.id FROM new_rows n);
        ELSE
            ids := ARRAY(SELECT o.territory_id FROM old_rows o);
            orgs := ARRAY(SELECT o.id FROM old_rows o);
        END IF;
        orgs := orgs || ARRAY(SELECT g.id FROM rdv.organisations g WHERE g.territory_id = ANY (ids));
    WHEN 'territories' THEN
        IF TG_OP = 'UPDATE' THEN
            ids := ARRAY(SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
                         WHERE o.visible_users_throughout_the_territory
                               IS DISTINCT FROM n.visible_users_throughout_the_territory);
        ELSIF TG_OP = 'INSERT' THEN
            ids := ARRAY(SELECT n.id FROM new_rows n);
        ELSE
            ids := ARRAY(SELECT o.id FROM old_rows o);
        END IF;
        orgs := ARRAY(SELECT g.id FROM rdv.organisations g WHERE g.territory_id = ANY (ids));
    END CASE;
    agents := agents || ARRAY(SELECT r.agent_id FROM rdv.agent_roles r WHERE r.organisation_id = ANY (orgs));
    PERFORM rdv.agent_scopes_refresh(ARRAY(SELECT DISTINCT x FROM pg_catalog.unnest(agents) x
                                           WHERE x IS NOT NULL ORDER BY x));
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agent_roles', 'agent_services', 'services', 'motifs', 'organisations', 'territories'] LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER agent_scopes_insert AFTER INSERT ON rdv.%I '
            'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.agent_scopes_changed()', t);
        EXECUTE pg_catalog.format('CREATE TRIGGER agent_scopes_update AFTER UPDATE ON rdv.%I '
            'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT '
            'EXECUTE FUNCTION rdv.agent_scopes_changed()', t);
        EXECUTE pg_catalog.format('CREATE TRIGGER agent_scopes_delete AFTER DELETE ON rdv.%I '
            'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.agent_scopes_changed()', t);
        EXECUTE pg_catalog.format('CREATE TRIGGER agent_scopes_truncate AFTER TRUNCATE ON rdv.%I '
            'FOR EACH STATEMENT EXECUTE FUNCTION rdv.agent_scopes_changed()', t);
    END LOOP;
END $$;

-- ------------------------------------------------------------------ 3. the readers

CREATE OR REPLACE FUNCTION rdv.scope_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.organisation_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_organisation_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_admin_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.admin_organisation_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_admin_organisation_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_secretariat_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.secretariat_organisation_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_secretariat_organisation_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_full_access_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.full_access_organisation_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_full_access_organisation_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_restricted_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.restricted_organisation_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_restricted_organisation_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_service_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.service_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_service_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_territory_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.territory_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_territory_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_confrere_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.confrere_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_confrere_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_visible_agent_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.visible_agent_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_visible_agent_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_admin_agent_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.admin_agent_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_admin_agent_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_motif_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.motif_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_motif_ids(me);
END $$;

CREATE OR REPLACE FUNCTION rdv.scope_usager_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v integer[];
BEGIN
    SELECT s.usager_organisation_ids INTO v FROM rdv.agent_scopes s WHERE s.agent_id = me;
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN rdv.scope_live_usager_organisation_ids(me);
END $$;

-- ------------------------------------------------------------------ 4. the identity check

-- 025's rules, one query fewer per call: the agent and whether it may act
-- (not deleted, a role that is not intervenant) come with the lookup, on a
-- login of its own and on a remembered token alike. It runs once per policy
-- InitPlan (about 27 times per week load).
CREATE OR REPLACE FUNCTION rdv.current_agent_id() RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    claimed integer;
    valid boolean;
    token text;
BEGIN
    -- A login of its own: the agent of session_user and whether it may act,
    -- in one query.
    SELECT a.id, a.deleted_at IS NULL
                 AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                             WHERE r.agent_id = a.id AND r.access_level <> 'intervenant')
      INTO claimed, valid
      FROM rdv.agents a WHERE a.db_role = session_user;
    IF FOUND THEN
        RETURN CASE WHEN valid THEN claimed END;
    END IF;
    -- rdv.epoch_us written out: that SQL function is not inlined (IMMUTABLE
    -- over the STABLE date_part), and this runs once per policy InitPlan.
    IF pg_catalog.current_setting('rdv.token_at', true)
           IS DISTINCT FROM pg_catalog.int8(pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp())
                                            OPERATOR(pg_catalog.*) 1000000)::text
       OR NOT pg_catalog.pg_has_role(session_user, 'rdv_pool', 'MEMBER') THEN
        RETURN NULL;
    END IF;
    token := pg_catalog.current_setting('rdv.token', true);
    IF token IS NULL OR token = '' THEN
        RETURN NULL;
    END IF;
    -- A remembered token: its signature is not checked again, but its
    -- expiry, its key (live, same secret) and the revocations are, on
    -- every call, as in the full verification (no race with a
    -- concurrent revocation or key change); and the agent, in the same query.
    SELECT a.id, a.deleted_at IS NULL
                 AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                             WHERE r.agent_id = a.id AND r.access_level <> 'intervenant')
      INTO claimed, valid
      FROM rdv.session_verified v
      JOIN rdv.session_keys k ON k.kid = v.kid
      JOIN rdv.agents a ON a.id = v.agent_id
     WHERE v.token_digest = pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8'))
       AND v.valid_until > pg_catalog.int8(pg_catalog.date_part('epoch', pg_catalog.now())
                                           OPERATOR(pg_catalog.*) 1000000)
       AND (k.retired_at IS NULL OR k.retired_at > pg_catalog.now())
       AND pg_catalog.sha256(k.secret) = v.key_digest
       AND NOT EXISTS (
           SELECT 1 FROM rdv.session_revocations r
           WHERE r.agent_id = v.agent_id
             AND pg_catalog.int8(pg_catalog.date_part('epoch', r.revoked_before)
                                 OPERATOR(pg_catalog.*) 1000000) >= v.issued_us);
    IF FOUND THEN
        RETURN CASE WHEN valid THEN claimed END;
    END IF;
    claimed := (SELECT v.agent FROM rdv.session_token_verify(token) v);
    IF claimed IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT a.id FROM rdv.agents a
            WHERE a.id = claimed AND a.deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                          WHERE r.agent_id = a.id AND r.access_level <> 'intervenant'));
END $$;

-- Every agent's row, now.
SELECT rdv.agent_scopes_refresh(ARRAY(SELECT a.id FROM rdv.agents a));

-- ------------------------------------------------------------------ privileges

-- Internal: only their owner (definer code) executes them.
REVOKE ALL ON FUNCTION
    rdv.scope_live_organisation_ids(integer),
    rdv.scope_live_admin_organisation_ids(integer),
    rdv.scope_live_secretariat_organisation_ids(integer),
    rdv.scope_live_full_access_organisation_ids(integer),
    rdv.scope_live_restricted_organisation_ids(integer),
    rdv.scope_live_service_ids(integer),
    rdv.scope_live_territory_ids(integer),
    rdv.scope_live_confrere_ids(integer),
    rdv.scope_live_visible_agent_ids(integer),
    rdv.scope_live_admin_agent_ids(integer),
    rdv.scope_live_motif_ids(integer),
    rdv.scope_live_usager_organisation_ids(integer),
    rdv.agent_scope_live(integer),
    rdv.agent_scopes_refresh(integer[]),
    rdv.agent_scopes_changed()
    FROM PUBLIC;
