-- 010_rls_speed: the row-level security helpers of 002, unchanged in what
-- they return, rewritten in PL/pgSQL.
--
-- A SQL function with a SET clause is never inlined, so PostgreSQL plans
-- its query again at every call, and every policy calls several of them:
-- about half of each statement's time went there (3-4 ms of a 4 ms
-- week-of-rdvs query). PL/pgSQL keeps each helper's plan for the session,
-- which brings that query to about 1 ms. 002's tests check that every
-- identity still sees and changes exactly the same rows.

CREATE OR REPLACE FUNCTION rdv.current_agent_id() RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT a.id FROM rdv.agents a
    WHERE a.db_role = session_user
      AND a.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                  WHERE r.agent_id = a.id AND r.access_level <> 'intervenant'));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level <> 'intervenant');
END $$;

CREATE OR REPLACE FUNCTION rdv.my_admin_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level = 'admin');
END $$;

CREATE OR REPLACE FUNCTION rdv.my_secretariat_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level <> 'intervenant'
      AND EXISTS (SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id
                  WHERE s.agent_id = r.agent_id AND v.name = 'Secrétariat'));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_full_access_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT o ORDER BY o), '{}')
    FROM unnest((SELECT rdv.my_admin_organisation_ids()) || (SELECT rdv.my_secretariat_organisation_ids())) AS o);
END $$;

CREATE OR REPLACE FUNCTION rdv.my_restricted_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(o ORDER BY o), '{}')
    FROM unnest((SELECT rdv.my_organisation_ids())) AS o
    WHERE NOT (o = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_service_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(s.service_id ORDER BY s.service_id), '{}')
    FROM rdv.agent_services s
    WHERE s.agent_id = (SELECT rdv.current_agent_id()));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_territory_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT o.territory_id ORDER BY o.territory_id), '{}')
    FROM rdv.organisations o
    WHERE o.id = ANY ((SELECT rdv.my_organisation_ids())::integer[]));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_confrere_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM (
        SELECT rdv.current_agent_id() AS x
        UNION ALL
        SELECT r.agent_id FROM rdv.agent_roles r
        WHERE r.organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
          AND EXISTS (SELECT 1 FROM rdv.agent_services s
                      WHERE s.agent_id = r.agent_id AND s.service_id = ANY ((SELECT rdv.my_service_ids())::integer[]))
    ) t WHERE x IS NOT NULL);
END $$;

CREATE OR REPLACE FUNCTION rdv.visible_agent_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM (
        SELECT unnest((SELECT rdv.my_confrere_ids())) AS x
        UNION ALL
        SELECT r.agent_id FROM rdv.agent_roles r
        WHERE r.organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
    ) t);
END $$;

CREATE OR REPLACE FUNCTION rdv.my_admin_agent_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT r.agent_id ORDER BY r.agent_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_motif_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(m.id ORDER BY m.id), '{}')
    FROM rdv.motifs m
    WHERE m.organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
       OR (m.organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
           AND m.service_id = ANY ((SELECT rdv.my_service_ids())::integer[])));
END $$;

CREATE OR REPLACE FUNCTION rdv.my_rdv_motif_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT r.motif_id ORDER BY r.motif_id), '{}')
    FROM rdv.rdvs r
    WHERE r.agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
      AND r.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]));
END $$;

CREATE OR REPLACE FUNCTION rdv.usager_organisation_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM (
        SELECT unnest((SELECT rdv.my_organisation_ids())) AS x
        UNION ALL
        SELECT o.id FROM rdv.organisations o JOIN rdv.territories t ON t.id = o.territory_id
        WHERE t.visible_users_throughout_the_territory
          AND t.id = ANY ((SELECT rdv.my_territory_ids())::integer[])
    ) s);
END $$;
