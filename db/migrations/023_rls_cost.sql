-- Issue 13, goal 6: a cheaper row-level-security check per statement.
--
-- Until now every identity helper called rdv.current_agent_id() itself, and
-- the helpers built on other helpers called them (my_restricted_organisation_ids
-- called my_organisation_ids and my_full_access_organisation_ids, which called
-- my_admin_ and my_secretariat_organisation_ids ...). A policy InitPlan on
-- my_confrere_ids thus ran 7 definer helpers and 6 identity checks; on the
-- pooled role each identity check verifies the session token (HMAC).
--
-- Now each helper the policies call checks the identity ONCE and hands the
-- agent id to internal functions rdv.scope_*(me). Those are PL/pgSQL (cached
-- plans; SQL functions with a sub-select are not inlined and were re-planned
-- at every call, 10x slower), SECURITY INVOKER without a SET clause (no GUC
-- save/restore), executable only by their owner: a client cannot ask for
-- another agent's scope. They run inside the definer helpers, hence as
-- rdv_owner with the helper's pinned search_path, and qualify every name.
-- The helpers keep their names, signatures, results and grants, so no
-- policy changes and visibility is the same.

CREATE FUNCTION rdv.scope_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.agent_id = me AND r.access_level <> 'intervenant');
END $$;

CREATE FUNCTION rdv.scope_admin_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.agent_id = me AND r.access_level = 'admin');
END $$;

CREATE FUNCTION rdv.scope_secretariat_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.agent_id = me AND r.access_level <> 'intervenant'
              AND EXISTS (SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id
                          WHERE s.agent_id = r.agent_id AND v.name = 'Secrétariat'));
END $$;

CREATE FUNCTION rdv.scope_full_access_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT o ORDER BY o), '{}')
            FROM pg_catalog.unnest((SELECT rdv.scope_admin_organisation_ids(me))::integer[]
                                   || (SELECT rdv.scope_secretariat_organisation_ids(me))::integer[]) AS o);
END $$;

CREATE FUNCTION rdv.scope_restricted_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(o ORDER BY o), '{}')
            FROM pg_catalog.unnest((SELECT rdv.scope_organisation_ids(me))::integer[]) AS o
            WHERE NOT (o = ANY ((SELECT rdv.scope_full_access_organisation_ids(me))::integer[])));
END $$;

CREATE FUNCTION rdv.scope_service_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(s.service_id ORDER BY s.service_id), '{}')
            FROM rdv.agent_services s
            WHERE s.agent_id = me);
END $$;

CREATE FUNCTION rdv.scope_territory_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT o.territory_id ORDER BY o.territory_id), '{}')
            FROM rdv.organisations o
            WHERE o.id = ANY ((SELECT rdv.scope_organisation_ids(me))::integer[]));
END $$;

CREATE FUNCTION rdv.scope_confrere_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT x ORDER BY x), '{}') FROM (
                SELECT me AS x
                UNION ALL
                SELECT r.agent_id FROM rdv.agent_roles r
                WHERE r.organisation_id = ANY ((SELECT rdv.scope_restricted_organisation_ids(me))::integer[])
                  AND EXISTS (SELECT 1 FROM rdv.agent_services s
                              WHERE s.agent_id = r.agent_id
                                AND s.service_id = ANY ((SELECT rdv.scope_service_ids(me))::integer[]))
            ) t WHERE x IS NOT NULL);
END $$;

CREATE FUNCTION rdv.scope_visible_agent_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT x ORDER BY x), '{}') FROM (
                SELECT pg_catalog.unnest((SELECT rdv.scope_confrere_ids(me))::integer[]) AS x
                UNION ALL
                SELECT r.agent_id FROM rdv.agent_roles r
                WHERE r.organisation_id = ANY ((SELECT rdv.scope_full_access_organisation_ids(me))::integer[])
            ) t);
END $$;

CREATE FUNCTION rdv.scope_admin_agent_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT r.agent_id ORDER BY r.agent_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.organisation_id = ANY ((SELECT rdv.scope_admin_organisation_ids(me))::integer[]));
END $$;

CREATE FUNCTION rdv.scope_motif_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(m.id ORDER BY m.id), '{}')
            FROM rdv.motifs m
            WHERE m.organisation_id = ANY ((SELECT rdv.scope_full_access_organisation_ids(me))::integer[])
               OR (m.organisation_id = ANY ((SELECT rdv.scope_restricted_organisation_ids(me))::integer[])
                   AND m.service_id = ANY ((SELECT rdv.scope_service_ids(me))::integer[])));
END $$;

CREATE FUNCTION rdv.scope_rdv_motif_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT r.motif_id ORDER BY r.motif_id), '{}')
            FROM rdv.rdvs r
            WHERE r.agent_ids @> ARRAY[me]
              AND r.organisation_id = ANY ((SELECT rdv.scope_organisation_ids(me))::integer[]));
END $$;

CREATE FUNCTION rdv.scope_usager_organisation_ids(me integer) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT x ORDER BY x), '{}') FROM (
                SELECT pg_catalog.unnest((SELECT rdv.scope_organisation_ids(me))::integer[]) AS x
                UNION ALL
                SELECT o.id FROM rdv.organisations o JOIN rdv.territories t ON t.id = o.territory_id
                WHERE t.visible_users_throughout_the_territory
                  AND t.id = ANY ((SELECT rdv.scope_territory_ids(me))::integer[])
            ) s);
END $$;

-- Internal: only their owner (the definer helpers below) executes them.
REVOKE ALL ON FUNCTION
    rdv.scope_organisation_ids(integer),
    rdv.scope_admin_organisation_ids(integer),
    rdv.scope_secretariat_organisation_ids(integer),
    rdv.scope_full_access_organisation_ids(integer),
    rdv.scope_restricted_organisation_ids(integer),
    rdv.scope_service_ids(integer),
    rdv.scope_territory_ids(integer),
    rdv.scope_confrere_ids(integer),
    rdv.scope_visible_agent_ids(integer),
    rdv.scope_admin_agent_ids(integer),
    rdv.scope_motif_ids(integer),
    rdv.scope_rdv_motif_ids(integer),
    rdv.scope_usager_organisation_ids(integer)
    FROM PUBLIC;

-- The helpers the policies call: one identity check each.
CREATE OR REPLACE FUNCTION rdv.my_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN RETURN rdv.scope_organisation_ids(rdv.current_agent_id()); END $$;

CREATE OR REPLACE FUNCTION rdv.my_admin_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN RETURN rdv.scope_admin_organisation_ids(rdv.current_agent_id()); END $$;

CREATE OR REPLACE FUNCTION rdv.my_secretariat_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN RETURN rdv.scope_secretariat_organisation_ids(rdv.current_agent_id()); END $$;

CREATE OR REPLACE FUNCTION rdv.my_full_access_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_full_access_organisation_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.my_restricted_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_restricted_organisation_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.my_service_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN RETURN rdv.scope_service_ids(rdv.current_agent_id()); END $$;

CREATE OR REPLACE FUNCTION rdv.my_territory_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_territory_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.my_confrere_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_confrere_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.visible_agent_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_visible_agent_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.my_admin_agent_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_admin_agent_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.my_motif_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_motif_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.my_rdv_motif_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_rdv_motif_ids(me); END $$;

CREATE OR REPLACE FUNCTION rdv.usager_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE me integer := rdv.current_agent_id();
BEGIN RETURN rdv.scope_usager_organisation_ids(me); END $$;

-- The week load's "à renseigner" count: the organisation set once (an
-- InitPlan), not per row, and no second identity check.
CREATE OR REPLACE FUNCTION rdv.to_fill_count(before date, tz text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
BEGIN
    IF me IS NULL THEN
        RETURN 0;
    END IF;
    RETURN (SELECT count(*)::integer FROM rdv.rdvs r
            WHERE r.agent_ids @> ARRAY[me] AND r.status = 'unknown'
              AND r.organisation_id = ANY ((SELECT rdv.scope_organisation_ids(me))::integer[])
              AND r.starts_at < (before::timestamp AT TIME ZONE tz));
END $$;
