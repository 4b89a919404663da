-- 002_security: roles, grants, helper functions and row-level security.
--
-- Every agent logs in as their own PostgreSQL role, a member of the NOLOGIN
-- group role rdv_agent; rdv.agents.db_role maps the role to the agent
-- (session_user, so that SET SESSION AUTHORIZATION and SECURITY DEFINER
-- functions both see the logged-in agent). Row-level security implements the
-- permission matrix of reference §7.2:
--
--   "my organisations"        orgs where I hold a basic or admin role
--   "full-access"             orgs where I am admin, or where I hold a role
--                             and have the 'Secrétariat' service: I see
--                             everything of them
--   "service-restricted"      my other organisations (basic, not secretary):
--                             I see my own items, my confrères' (agents who
--                             share a service with me) and the rdvs whose
--                             motif is in one of my services
--
-- An agent whose only roles are intervenant (or who has no agent row, or is
-- deleted) has current_agent_id() = NULL and sees nothing.
--
-- Policies call the helpers through scalar sub-selects, e.g.
--   organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])
-- so each helper runs once per query (an InitPlan), not once per row. (The
-- cast matters: "= ANY ((SELECT f()))" would parse as ANY (subquery) and
-- compare with the whole array.)

-- ------------------------------------------------------------------ roles

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rdv_agent') THEN
        CREATE ROLE rdv_agent NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rdv_notifier') THEN
        CREATE ROLE rdv_notifier NOLOGIN;
    END IF;
END $$;

COMMENT ON ROLE rdv_agent IS 'rdv-tui: group of every agent login role';
COMMENT ON ROLE rdv_notifier IS 'rdv-tui: the notification worker (rdv notify)';

-- ------------------------------------------------------------------ helper functions
--
-- SECURITY DEFINER (they read the tables without row-level security),
-- pinned search_path, STABLE. They only ever describe the caller.

CREATE FUNCTION rdv.current_agent_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT a.id FROM rdv.agents a
    WHERE a.db_role = session_user
      AND a.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                  WHERE r.agent_id = a.id AND r.access_level <> 'intervenant')
$$;
COMMENT ON FUNCTION rdv.current_agent_id() IS
    'The logged-in agent (agents.db_role = session_user, not deleted, with a basic or admin role); NULL otherwise';

-- Organisations where I hold a basic or admin role.
CREATE FUNCTION rdv.my_organisation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level <> 'intervenant'
$$;

-- Organisations where I am admin.
CREATE FUNCTION rdv.my_admin_organisation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level = 'admin'
$$;

-- Organisations where I am secretariat: I hold a role there and I have the
-- 'Secrétariat' service.
CREATE FUNCTION rdv.my_secretariat_organisation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level <> 'intervenant'
      AND EXISTS (SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id
                  WHERE s.agent_id = r.agent_id AND v.name = 'Secrétariat')
$$;

-- Organisations I see entirely: admin or secretariat.
CREATE FUNCTION rdv.my_full_access_organisation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT o ORDER BY o), '{}')
    FROM unnest((SELECT rdv.my_admin_organisation_ids()) || (SELECT rdv.my_secretariat_organisation_ids())) AS o
$$;

-- My organisations where I am basic and not secretariat: visibility there is
-- per service.
CREATE FUNCTION rdv.my_restricted_organisation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(o ORDER BY o), '{}')
    FROM unnest((SELECT rdv.my_organisation_ids())) AS o
    WHERE NOT (o = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[]))
$$;

CREATE FUNCTION rdv.my_service_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(s.service_id ORDER BY s.service_id), '{}')
    FROM rdv.agent_services s
    WHERE s.agent_id = (SELECT rdv.current_agent_id())
$$;

CREATE FUNCTION rdv.my_territory_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT o.territory_id ORDER BY o.territory_id), '{}')
    FROM rdv.organisations o
    WHERE o.id = ANY ((SELECT rdv.my_organisation_ids())::integer[])
$$;

-- Me, plus my confrères in my service-restricted organisations: agents
-- holding a role there and sharing at least one service with me.
CREATE FUNCTION rdv.my_confrere_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM (
        SELECT rdv.current_agent_id() AS x
        UNION ALL
        SELECT r.agent_id FROM rdv.agent_roles r
        WHERE r.organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
          AND EXISTS (SELECT 1 FROM rdv.agent_services s
                      WHERE s.agent_id = r.agent_id AND s.service_id = ANY ((SELECT rdv.my_service_ids())::integer[]))
    ) t WHERE x IS NOT NULL
$$;

-- Agents visible to me: me, my confrères, every agent holding a role in one
-- of my full-access organisations (reference §7.2 "Agent visibility").
CREATE FUNCTION rdv.visible_agent_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM (
        SELECT unnest((SELECT rdv.my_confrere_ids())) AS x
        UNION ALL
        SELECT r.agent_id FROM rdv.agent_roles r
        WHERE r.organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
    ) t
$$;

-- Agents holding a role in one of my admin organisations (whose services and
-- roles I manage).
CREATE FUNCTION rdv.my_admin_agent_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT r.agent_id ORDER BY r.agent_id), '{}')
    FROM rdv.agent_roles r
    WHERE r.organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[])
$$;

-- Motifs I may use (search, book, plages): all motifs of my full-access
-- organisations, and those of my services in my service-restricted ones.
CREATE FUNCTION rdv.my_motif_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(m.id ORDER BY m.id), '{}')
    FROM rdv.motifs m
    WHERE m.organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
       OR (m.organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
           AND m.service_id = ANY ((SELECT rdv.my_service_ids())::integer[]))
$$;

-- Motifs of the rdvs I am on in my organisations (so that my own rdvs of
-- another service's motif can still be drawn, reference §7.2 note).
CREATE FUNCTION rdv.my_rdv_motif_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT r.motif_id ORDER BY r.motif_id), '{}')
    FROM rdv.rdvs r
    WHERE r.agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
      AND r.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])
$$;

-- Organisations whose usagers I see: mine, plus every organisation of my
-- territories that have visible_users_throughout_the_territory.
CREATE FUNCTION rdv.usager_organisation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM (
        SELECT unnest((SELECT rdv.my_organisation_ids())) AS x
        UNION ALL
        SELECT o.id FROM rdv.organisations o JOIN rdv.territories t ON t.id = o.territory_id
        WHERE t.visible_users_throughout_the_territory
          AND t.id = ANY ((SELECT rdv.my_territory_ids())::integer[])
    ) s
$$;

-- Whether I see this usager (usagers' SELECT rule). For policies on
-- usager_profiles, which cannot go through usagers' own policy (that one
-- reads usager_profiles: infinite recursion).
CREATE FUNCTION rdv.usager_visible(usager_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = $1
                     AND p.organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[]))
$$;

-- ------------------------------------------------------------------ usager creation
--
-- A plain INSERT INTO rdv.usagers … RETURNING would fail the SELECT policy
-- (the profile that makes the usager visible does not exist yet), so agents
-- create usagers through this function: it checks that I belong to the
-- organisation and adds the profile.
CREATE FUNCTION rdv.usager_create(
    organisation_id integer,
    first_name text,
    last_name text,
    birth_name text DEFAULT NULL,
    birth_date date DEFAULT NULL,
    email text DEFAULT NULL,
    phone_number text DEFAULT NULL,
    address text DEFAULT NULL,
    post_code text DEFAULT NULL,
    city_name text DEFAULT NULL,
    notes text DEFAULT NULL,
    responsible_id integer DEFAULT NULL
) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    me integer := rdv.current_agent_id();
    new_id integer;
BEGIN
    IF me IS NULL OR NOT (usager_create.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])) THEN
        RAISE EXCEPTION 'vous n''appartenez pas à cette organisation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF usager_create.responsible_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM rdv.usager_profiles p
        WHERE p.usager_id = usager_create.responsible_id
          AND p.organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[])) THEN
        RAISE EXCEPTION 'responsable inconnu' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO rdv.usagers (first_name, last_name, birth_name, birth_date, email, phone_number,
                             address, post_code, city_name, notes, responsible_id,
                             created_by_agent_id)
    VALUES (usager_create.first_name, usager_create.last_name, usager_create.birth_name,
            usager_create.birth_date, nullif(btrim(usager_create.email), ''),
            usager_create.phone_number, usager_create.address, usager_create.post_code,
            usager_create.city_name, usager_create.notes, usager_create.responsible_id, me)
    RETURNING id INTO new_id;
    INSERT INTO rdv.usager_profiles (organisation_id, usager_id)
    VALUES (usager_create.organisation_id, new_id);
    RETURN new_id;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_create(integer, text, text, text, date, text, text, text, text,
    text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_create(integer, text, text, text, date, text, text, text,
    text, text, text, integer) TO rdv_agent;

-- An admin edits the names and e-mail of an agent of one of their admin
-- organisations (reference §7.2 "Agent: edit profile"); agents cannot
-- UPDATE these columns directly.
CREATE FUNCTION rdv.agent_update_profile(agent_id integer, first_name text, last_name text,
                                         email text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    IF NOT (agent_update_profile.agent_id = ANY ((SELECT rdv.my_admin_agent_ids())::integer[])) THEN
        RAISE EXCEPTION 'vous n''êtes pas administrateur d''une organisation de cet agent'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE rdv.agents a
    SET first_name = agent_update_profile.first_name,
        last_name = agent_update_profile.last_name,
        email = nullif(btrim(agent_update_profile.email), '')
    WHERE a.id = agent_update_profile.agent_id;
END $$;
REVOKE ALL ON FUNCTION rdv.agent_update_profile(integer, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.agent_update_profile(integer, text, text, text) TO rdv_agent;

-- ------------------------------------------------------------------ grants

GRANT USAGE ON SCHEMA rdv TO rdv_agent, rdv_notifier;

-- Reference data.
GRANT SELECT ON rdv.territories, rdv.services TO rdv_agent;
GRANT SELECT ON rdv.organisations TO rdv_agent;
GRANT UPDATE (name, phone_number, email, horaires, open_on_whit_monday, open_on_holidays)
    ON rdv.organisations TO rdv_agent;
GRANT SELECT, INSERT, UPDATE, DELETE ON rdv.lieux, rdv.motifs TO rdv_agent;

-- Agents: read; update only one's own preferences (column grants + policy).
GRANT SELECT ON rdv.agents TO rdv_agent;
GRANT UPDATE (rdv_notifications_level, plage_ouverture_notification_level,
              absence_notification_level, display_saturdays, display_cancelled_rdv, theme)
    ON rdv.agents TO rdv_agent;
GRANT SELECT, INSERT, DELETE ON rdv.agent_roles TO rdv_agent;
GRANT UPDATE (access_level) ON rdv.agent_roles TO rdv_agent;
GRANT SELECT, INSERT, DELETE ON rdv.agent_services TO rdv_agent;

-- Agendas.
GRANT SELECT, INSERT, UPDATE, DELETE ON rdv.plages_ouverture, rdv.absences TO rdv_agent;
GRANT SELECT, INSERT, DELETE ON rdv.plage_motifs TO rdv_agent;
-- Caches (rdvs.agent_ids, users_count, sequence; rdv_agents.during, active)
-- are the triggers' business: agents may not write them.
GRANT SELECT, DELETE ON rdv.rdvs, rdv.rdv_agents, rdv.participations TO rdv_agent;
GRANT INSERT (organisation_id, motif_id, lieu_id, starts_at, ends_at, status, cancelled_at, context,
              name, max_participants_count, created_by, created_by_agent_id, overlap_acknowledged)
    ON rdv.rdvs TO rdv_agent;
GRANT UPDATE (motif_id, lieu_id, starts_at, ends_at, status, cancelled_at, context, name,
              max_participants_count, overlap_acknowledged)
    ON rdv.rdvs TO rdv_agent;
GRANT INSERT (rdv_id, agent_id), UPDATE (agent_id) ON rdv.rdv_agents TO rdv_agent;
GRANT INSERT (rdv_id, usager_id, status, send_lifecycle_notifications, send_reminder_notification),
      UPDATE (status, send_lifecycle_notifications, send_reminder_notification)
    ON rdv.participations TO rdv_agent;

-- Usagers (creation through rdv.usager_create).
GRANT SELECT, UPDATE, DELETE ON rdv.usagers TO rdv_agent;
GRANT SELECT, INSERT, DELETE ON rdv.usager_profiles TO rdv_agent;
GRANT SELECT, INSERT, DELETE ON rdv.referent_assignations TO rdv_agent;
GRANT SELECT, INSERT ON rdv.usager_merges TO rdv_agent;

-- Own things.
GRANT SELECT, INSERT, UPDATE, DELETE ON rdv.exports TO rdv_agent;
GRANT SELECT ON rdv.notification_outbox TO rdv_agent;
GRANT SELECT ON rdv.audit_log TO rdv_agent;

GRANT USAGE ON SEQUENCE rdv.lieux_id_seq, rdv.motifs_id_seq, rdv.agent_roles_id_seq,
    rdv.plages_ouverture_id_seq, rdv.absences_id_seq, rdv.rdvs_id_seq,
    rdv.participations_id_seq, rdv.usager_merges_id_seq TO rdv_agent;

-- The notification worker: reads and marks the outbox, reads what mails need.
GRANT SELECT, UPDATE ON rdv.notification_outbox TO rdv_notifier;
GRANT SELECT ON rdv.agents, rdv.organisations, rdv.territories, rdv.rdvs, rdv.motifs, rdv.lieux
    TO rdv_notifier;

-- ------------------------------------------------------------------ row-level security

ALTER TABLE rdv.territories ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.services ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.lieux ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.motifs ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.agent_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.agent_services ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.plages_ouverture ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.plage_motifs ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.absences ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.usagers ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.usager_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.referent_assignations ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.rdvs ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.rdv_agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.participations ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.usager_merges ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.notification_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.audit_log ENABLE ROW LEVEL SECURITY;

-- territories: those of my organisations.
CREATE POLICY territories_select ON rdv.territories FOR SELECT TO rdv_agent
    USING (id = ANY ((SELECT rdv.my_territory_ids())::integer[]));

-- organisations: mine; their admins update them.
CREATE POLICY organisations_select ON rdv.organisations FOR SELECT TO rdv_agent
    USING (id = ANY ((SELECT rdv.my_organisation_ids())::integer[]));
CREATE POLICY organisations_update ON rdv.organisations FOR UPDATE TO rdv_agent
    USING (id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]))
    WITH CHECK (id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));

-- services: global reference data, readable by every agent who can log in.
CREATE POLICY services_select ON rdv.services FOR SELECT TO rdv_agent
    USING ((SELECT rdv.current_agent_id()) IS NOT NULL);

-- lieux: all of my organisations; admins manage them. Any member may add a
-- single-use lieu ("lieu ponctuel", reference §9.1 item 17).
CREATE POLICY lieux_select ON rdv.lieux FOR SELECT TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]));
CREATE POLICY lieux_insert ON rdv.lieux FOR INSERT TO rdv_agent
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[])
                OR (availability = 'single_use'
                    AND organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])));
CREATE POLICY lieux_update ON rdv.lieux FOR UPDATE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]))
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
CREATE POLICY lieux_delete ON rdv.lieux FOR DELETE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));

-- motifs: usable ones (full-access orgs, my services elsewhere) plus those of
-- my own rdvs; admins manage them.
CREATE POLICY motifs_select ON rdv.motifs FOR SELECT TO rdv_agent
    USING (id = ANY ((SELECT rdv.my_motif_ids())::integer[]) OR id = ANY ((SELECT rdv.my_rdv_motif_ids())::integer[]));
CREATE POLICY motifs_insert ON rdv.motifs FOR INSERT TO rdv_agent
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
CREATE POLICY motifs_update ON rdv.motifs FOR UPDATE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]))
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
CREATE POLICY motifs_delete ON rdv.motifs FOR DELETE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));

-- agents: visible ones; each updates their own preferences only (columns).
CREATE POLICY agents_select ON rdv.agents FOR SELECT TO rdv_agent
    USING (id = ANY ((SELECT rdv.visible_agent_ids())::integer[]));
CREATE POLICY agents_update_self ON rdv.agents FOR UPDATE TO rdv_agent
    USING (id = (SELECT rdv.current_agent_id()))
    WITH CHECK (id = (SELECT rdv.current_agent_id()));

-- agent_roles: my own, those of my full-access orgs, my confrères' in my
-- service-restricted orgs; admins manage their orgs' roles (not removing
-- themselves).
CREATE POLICY agent_roles_select ON rdv.agent_roles FOR SELECT TO rdv_agent
    USING (agent_id = (SELECT rdv.current_agent_id())
           OR organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
           OR (organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
               AND agent_id = ANY ((SELECT rdv.my_confrere_ids())::integer[])));
CREATE POLICY agent_roles_insert ON rdv.agent_roles FOR INSERT TO rdv_agent
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
CREATE POLICY agent_roles_update ON rdv.agent_roles FOR UPDATE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]))
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
CREATE POLICY agent_roles_delete ON rdv.agent_roles FOR DELETE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[])
           AND agent_id <> (SELECT rdv.current_agent_id()));

-- agent_services: of visible agents; admins manage those of their orgs' agents.
CREATE POLICY agent_services_select ON rdv.agent_services FOR SELECT TO rdv_agent
    USING (agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[]));
CREATE POLICY agent_services_insert ON rdv.agent_services FOR INSERT TO rdv_agent
    WITH CHECK (agent_id = ANY ((SELECT rdv.my_admin_agent_ids())::integer[]));
CREATE POLICY agent_services_delete ON rdv.agent_services FOR DELETE TO rdv_agent
    USING (agent_id = ANY ((SELECT rdv.my_admin_agent_ids())::integer[]));

-- plages_ouverture: all of full-access orgs; own + confrères' elsewhere. Same
-- rule for every operation.
CREATE POLICY plages_all ON rdv.plages_ouverture FOR ALL TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
           OR (organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
               AND agent_id = ANY ((SELECT rdv.my_confrere_ids())::integer[])))
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
           OR (organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
               AND agent_id = ANY ((SELECT rdv.my_confrere_ids())::integer[])));

-- plage_motifs: follow the plage (its RLS applies inside EXISTS); a new link
-- must name a motif I may see.
CREATE POLICY plage_motifs_select ON rdv.plage_motifs FOR SELECT TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.plages_ouverture p WHERE p.id = plage_id));
CREATE POLICY plage_motifs_insert ON rdv.plage_motifs FOR INSERT TO rdv_agent
    WITH CHECK (EXISTS (SELECT 1 FROM rdv.plages_ouverture p WHERE p.id = plage_id)
                AND motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]));
CREATE POLICY plage_motifs_delete ON rdv.plage_motifs FOR DELETE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.plages_ouverture p WHERE p.id = plage_id));

-- absences: of any agent visible to me, every operation.
CREATE POLICY absences_all ON rdv.absences FOR ALL TO rdv_agent
    USING (agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[]))
    WITH CHECK (agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[]));

-- rdvs: full-access orgs; my own in my orgs; my services' motifs in my
-- service-restricted orgs. Booking needs a motif I may use. Hard delete:
-- admins of the rdv's organisation.
CREATE POLICY rdvs_select ON rdv.rdvs FOR SELECT TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
           OR (agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
               AND organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]))
           OR motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]));
CREATE POLICY rdvs_insert ON rdv.rdvs FOR INSERT TO rdv_agent
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])
                AND motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]));
CREATE POLICY rdvs_update ON rdv.rdvs FOR UPDATE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
           OR (agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
               AND organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]))
           OR motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]))
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
           OR (agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
               AND organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]))
           OR motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]));
CREATE POLICY rdvs_delete ON rdv.rdvs FOR DELETE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));

-- rdv_agents: follow the rdv (its RLS applies inside EXISTS); an added agent
-- must be visible to me.
CREATE POLICY rdv_agents_select ON rdv.rdv_agents FOR SELECT TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id));
CREATE POLICY rdv_agents_insert ON rdv.rdv_agents FOR INSERT TO rdv_agent
    WITH CHECK (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id)
                AND agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[]));
CREATE POLICY rdv_agents_update ON rdv.rdv_agents FOR UPDATE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id))
    WITH CHECK (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id)
                AND agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[]));
CREATE POLICY rdv_agents_delete ON rdv.rdv_agents FOR DELETE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id));

-- participations: follow the rdv; a participant must be a usager I see.
CREATE POLICY participations_select ON rdv.participations FOR SELECT TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id));
CREATE POLICY participations_insert ON rdv.participations FOR INSERT TO rdv_agent
    WITH CHECK (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id)
                AND EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = usager_id));
CREATE POLICY participations_update ON rdv.participations FOR UPDATE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id))
    WITH CHECK (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id)
                AND EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = usager_id));
CREATE POLICY participations_delete ON rdv.participations FOR DELETE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id));

-- usagers: those with a profile in an organisation whose usagers I see.
-- No INSERT policy: creation goes through rdv.usager_create.
CREATE POLICY usagers_select ON rdv.usagers FOR SELECT TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = usagers.id
                     AND p.organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[])));
CREATE POLICY usagers_update ON rdv.usagers FOR UPDATE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = usagers.id
                     AND p.organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[])))
    WITH CHECK (EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = usagers.id
                     AND p.organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[])));
CREATE POLICY usagers_delete ON rdv.usagers FOR DELETE TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = usagers.id
                     AND p.organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[])));

-- usager_profiles: of organisations whose usagers I see; I add a usager I see
-- to one of my organisations, and remove profiles from my organisations.
CREATE POLICY usager_profiles_select ON rdv.usager_profiles FOR SELECT TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.usager_organisation_ids())::integer[]));
CREATE POLICY usager_profiles_insert ON rdv.usager_profiles FOR INSERT TO rdv_agent
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])
                AND rdv.usager_visible(usager_id));
CREATE POLICY usager_profiles_delete ON rdv.usager_profiles FOR DELETE TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]));

-- referent_assignations: visible agent and visible usager.
CREATE POLICY referent_assignations_select ON rdv.referent_assignations FOR SELECT TO rdv_agent
    USING (agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[])
           AND EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = usager_id));
CREATE POLICY referent_assignations_insert ON rdv.referent_assignations FOR INSERT TO rdv_agent
    WITH CHECK (agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[])
                AND EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = usager_id));
CREATE POLICY referent_assignations_delete ON rdv.referent_assignations FOR DELETE TO rdv_agent
    USING (agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[])
           AND EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = usager_id));

-- usager_merges: the merge log of my organisations; I record my own merges.
CREATE POLICY usager_merges_select ON rdv.usager_merges FOR SELECT TO rdv_agent
    USING (organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]));
CREATE POLICY usager_merges_insert ON rdv.usager_merges FOR INSERT TO rdv_agent
    WITH CHECK (organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[])
                AND merged_by_agent_id = (SELECT rdv.current_agent_id()));

-- exports: the owner only, every operation.
CREATE POLICY exports_owner ON rdv.exports FOR ALL TO rdv_agent
    USING (agent_id = (SELECT rdv.current_agent_id()))
    WITH CHECK (agent_id = (SELECT rdv.current_agent_id()));

-- notification_outbox: agents read their own rows; the worker reads and
-- marks every row.
CREATE POLICY notification_outbox_own ON rdv.notification_outbox FOR SELECT TO rdv_agent
    USING (agent_id = (SELECT rdv.current_agent_id()));
CREATE POLICY notification_outbox_worker_select ON rdv.notification_outbox FOR SELECT
    TO rdv_notifier USING (true);
CREATE POLICY notification_outbox_worker_update ON rdv.notification_outbox FOR UPDATE
    TO rdv_notifier USING (true) WITH CHECK (true);

-- audit_log: the author reads their own rows (admins get more in 003_audit);
-- nobody writes but the triggers.
CREATE POLICY audit_log_own ON rdv.audit_log FOR SELECT TO rdv_agent
    USING (agent_id = (SELECT rdv.current_agent_id()));

-- What the notification worker reads to build mails.
CREATE POLICY agents_worker ON rdv.agents FOR SELECT TO rdv_notifier USING (true);
CREATE POLICY organisations_worker ON rdv.organisations FOR SELECT TO rdv_notifier USING (true);
CREATE POLICY territories_worker ON rdv.territories FOR SELECT TO rdv_notifier USING (true);
CREATE POLICY rdvs_worker ON rdv.rdvs FOR SELECT TO rdv_notifier USING (true);
CREATE POLICY motifs_worker ON rdv.motifs FOR SELECT TO rdv_notifier USING (true);
CREATE POLICY lieux_worker ON rdv.lieux FOR SELECT TO rdv_notifier USING (true);
