-- 013_scoping: what one organisation's agents may write is scoped to that
-- organisation (issue 10, classes 2, 3, 4, 6 and 7).
--
--   2. An admin changes an agent only inside the organisations they
--      administer. Services stay global to the agent, as in the domain
--      (reference §1.4, §1.5: agent_services is per agent): since a service
--      widens what the agent sees in EVERY organisation they work in, an
--      agent's services -- like their identity (names, e-mail, to which
--      every organisation's notifications go) -- are changed only by the
--      agent (identity only) or by an admin of every organisation the agent
--      holds a role in. An admin of some of them still sets the agent's role
--      in their own organisations. Attaching an agent who works in an
--      organisation the caller does not administer is an invitation
--      (rdv.agent_invitations) that the agent accepts or declines.
--   3. Deleting or soft-deleting a usager another organisation also holds is
--      refused: an agent removes the usager from their own organisation
--      (rdv.usager_remove, or DELETE of the usager_profiles row); the record
--      goes when the last organisation lets go of it.
--   4. References agree on the organisation: an rdv's motif and lieu, a
--      plage's lieu and motifs are of the rdv's/plage's organisation
--      (composite foreign keys, triggers); an rdv's agents and a plage's
--      agent hold a role there; a usager's responsible and a merge's
--      survivor are usagers the writer sees.
--   6. Authorship (rdvs.created_by, created_by_agent_id,
--      usagers.created_by_agent_id, usager_merges.merged_by_agent_id, and the
--      created_at/merged_at stamps) is set by the database from the caller
--      and never changes afterwards.
--   7. The last admin of an organisation stays, under concurrency: demoting
--      or deleting an admin role takes a transaction lock on the
--      organisation first, and the count locks the remaining admin rows.
--
-- "Trusted" writers are the superuser and the owner of schema rdv: the
-- migrations, the seeds, and the SECURITY DEFINER functions (which run as
-- the owner and make their own checks). Everybody else -- agents through
-- psql or SECURITY INVOKER functions -- is checked.

-- ------------------------------------------------------------------ helpers

-- Whether role r is the superuser or the owner of schema rdv.
CREATE FUNCTION rdv.role_is_trusted(r name) RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles x WHERE x.rolname = $1 AND x.rolsuper)
        OR $1 = (SELECT pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace n
                 WHERE n.nspname = 'rdv')
$$;

-- Whether the statement being run is an agent's own write (psql, or a
-- SECURITY INVOKER function) rather than the owner's (a SECURITY DEFINER
-- function, a migration, a seed).
CREATE FUNCTION rdv.writer_is_agent() RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    SELECT NOT rdv.role_is_trusted(current_user)
$$;

-- The organisations where an agent holds a role (any level).
CREATE FUNCTION rdv.agent_organisation_ids(agent_id integer) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT coalesce(array_agg(r.organisation_id ORDER BY r.organisation_id), '{}')
    FROM rdv.agent_roles r WHERE r.agent_id = $1
$$;

-- Whether I am admin of every organisation where this agent holds a role
-- (and the agent holds at least one): then a change to what is global to
-- the agent (identity, services) only affects organisations I administer.
CREATE FUNCTION rdv.i_administer_all_of(agent_id integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    mine integer[] := rdv.my_admin_organisation_ids();
BEGIN
    RETURN rdv.current_agent_id() IS NOT NULL
       AND EXISTS (SELECT 1 FROM rdv.agent_roles r WHERE r.agent_id = $1)
       AND NOT EXISTS (SELECT 1 FROM rdv.agent_roles r
                       WHERE r.agent_id = $1 AND NOT (r.organisation_id = ANY (mine)));
END $$;

-- The agents whose every organisation I administer (agent_services policies).
CREATE FUNCTION rdv.my_fully_administered_agent_ids() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    mine integer[] := rdv.my_admin_organisation_ids();
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT r.agent_id ORDER BY r.agent_id), '{}')
            FROM rdv.agent_roles r
            WHERE r.organisation_id = ANY (mine)
              AND NOT EXISTS (SELECT 1 FROM rdv.agent_roles o
                              WHERE o.agent_id = r.agent_id AND NOT (o.organisation_id = ANY (mine))));
END $$;

-- ------------------------------------------------------------------ 7. last admin, under concurrency

-- Before an admin role is demoted, moved or deleted, take a transaction
-- lock on its organisation: two such changes in one organisation run one
-- after the other, and the second one's check (agent_roles_keep_admin,
-- after the row) sees the first one committed.
CREATE FUNCTION rdv.agent_roles_lock_organisation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF OLD.access_level = 'admin' THEN
        -- 7236013: this project's advisory lock space for organisations' admins.
        PERFORM pg_catalog.pg_advisory_xact_lock(7236013, OLD.organisation_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER agent_roles_lock_organisation BEFORE UPDATE OR DELETE ON rdv.agent_roles
    FOR EACH ROW EXECUTE FUNCTION rdv.agent_roles_lock_organisation();

-- The check itself, now with the remaining admin rows locked (FOR SHARE):
-- under READ COMMITTED the lock re-reads a row another transaction changed
-- meanwhile; under REPEATABLE READ or SERIALIZABLE such a row fails the
-- transaction (40001) instead of being counted from an old snapshot.
CREATE OR REPLACE FUNCTION rdv.agent_roles_keep_admin() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    IF OLD.access_level = 'admin'
       AND (TG_OP = 'DELETE' OR NEW.access_level <> 'admin' OR NEW.organisation_id <> OLD.organisation_id) THEN
        SELECT count(*) INTO n FROM (
            SELECT 1 FROM rdv.agent_roles r
            WHERE r.organisation_id = OLD.organisation_id AND r.access_level = 'admin'
            FOR SHARE OF r) s;
        IF n = 0 THEN
            RAISE EXCEPTION 'Rôle : l''organisation doit garder au moins un administrateur'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- ------------------------------------------------------------------ 2. agents: identity, services, invitations

-- Identity: an admin of all the agent's organisations (a basic agent still
-- cannot rename themselves here, as in 002; an admin editing themselves
-- goes through agent_save).
CREATE OR REPLACE FUNCTION rdv.agent_update_profile(agent_id integer, first_name text, last_name text,
                                                    email text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF NOT rdv.i_administer_all_of(agent_update_profile.agent_id) THEN
        RAISE EXCEPTION 'seul un administrateur de toutes les organisations de cet agent modifie son nom et son e-mail'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF btrim(coalesce(agent_update_profile.last_name, '')) = '' THEN
        RAISE EXCEPTION 'Nom : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE rdv.agents a
    SET first_name = agent_update_profile.first_name,
        last_name = agent_update_profile.last_name,
        email = nullif(btrim(agent_update_profile.email), '')
    WHERE a.id = agent_update_profile.agent_id;
END $$;
REVOKE ALL ON FUNCTION rdv.agent_update_profile(integer, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.agent_update_profile(integer, text, text, text) TO rdv_agent;

-- agent_save: the role in this organisation always (an admin of it); the
-- identity and the services only when they change nothing outside the
-- caller's admin organisations, else a French message and nothing saved.
-- Unchanged identity and services pass, so the admin form of a shared
-- agent still saves a role change.
CREATE OR REPLACE FUNCTION rdv.agent_save(agent_id integer, organisation_id integer, first_name text,
                                          last_name text, email text, access_level rdv.access_level,
                                          service_ids integer[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    a rdv.agents;
    new_first text := nullif(btrim(coalesce(agent_save.first_name, '')), '');
    new_last text := btrim(agent_save.last_name);
    new_email text := nullif(btrim(coalesce(agent_save.email, '')), '');
    all_mine boolean;
BEGIN
    PERFORM rdv.agent_check(agent_save.organisation_id, agent_save.first_name, agent_save.last_name,
                            agent_save.email, agent_save.access_level, agent_save.service_ids);
    IF NOT EXISTS (SELECT 1 FROM rdv.agent_roles r
                   WHERE r.agent_id = agent_save.agent_id
                     AND r.organisation_id = agent_save.organisation_id) THEN
        RAISE EXCEPTION 'agent introuvable dans cette organisation' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF agent_save.access_level = 'intervenant' AND EXISTS (
        SELECT 1 FROM rdv.agent_roles r
        WHERE r.agent_id = agent_save.agent_id AND r.organisation_id <> agent_save.organisation_id) THEN
        RAISE EXCEPTION 'Rôle : un agent de plusieurs organisations ne peut pas être intervenant'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO a FROM rdv.agents x WHERE x.id = agent_save.agent_id;
    all_mine := rdv.i_administer_all_of(agent_save.agent_id);
    IF NOT all_mine AND agent_save.agent_id IS DISTINCT FROM rdv.current_agent_id() THEN
        -- The admin list shows last names in capitals and the form sends
        -- them back so: a change of case only is no change, and is not
        -- written either.
        IF a.first_name IS DISTINCT FROM new_first OR lower(a.last_name) IS DISTINCT FROM lower(new_last)
           OR lower(a.email) IS DISTINCT FROM lower(new_email) THEN
            RAISE EXCEPTION 'Nom, e-mail : l''agent travaille aussi dans une organisation que vous n''administrez pas'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        new_first := a.first_name;
        new_last := a.last_name;
        new_email := a.email;
    END IF;
    IF NOT all_mine AND (
        EXISTS (SELECT 1 FROM rdv.agent_services s
                WHERE s.agent_id = agent_save.agent_id AND NOT (s.service_id = ANY (agent_save.service_ids)))
        OR EXISTS (SELECT 1 FROM unnest(agent_save.service_ids) x
                   WHERE NOT EXISTS (SELECT 1 FROM rdv.agent_services s
                                     WHERE s.agent_id = agent_save.agent_id AND s.service_id = x))) THEN
        RAISE EXCEPTION 'Services : l''agent travaille aussi dans une organisation que vous n''administrez pas'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF new_email IS NOT NULL AND EXISTS (
        SELECT 1 FROM rdv.agents x
        WHERE lower(x.email) = lower(new_email) AND x.id <> agent_save.agent_id) THEN
        RAISE EXCEPTION 'E-mail : déjà celui d''un autre agent' USING ERRCODE = 'unique_violation';
    END IF;
    UPDATE rdv.agents x
       SET first_name = new_first, last_name = new_last, email = new_email
     WHERE x.id = agent_save.agent_id
       AND (x.first_name IS DISTINCT FROM new_first OR x.last_name IS DISTINCT FROM new_last
            OR x.email IS DISTINCT FROM new_email);
    UPDATE rdv.agent_roles r SET access_level = agent_save.access_level
     WHERE r.agent_id = agent_save.agent_id AND r.organisation_id = agent_save.organisation_id
       AND r.access_level <> agent_save.access_level;
    DELETE FROM rdv.agent_services s
     WHERE s.agent_id = agent_save.agent_id AND NOT (s.service_id = ANY (agent_save.service_ids));
    INSERT INTO rdv.agent_services (agent_id, service_id)
    SELECT DISTINCT agent_save.agent_id, x FROM unnest(agent_save.service_ids) x
    ON CONFLICT DO NOTHING;
END $$;
REVOKE ALL ON FUNCTION rdv.agent_save(integer, integer, text, text, text, rdv.access_level, integer[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.agent_save(integer, integer, text, text, text, rdv.access_level, integer[])
    TO rdv_agent;

-- Services written directly: only for agents all of whose organisations I
-- administer.
DROP POLICY agent_services_insert ON rdv.agent_services;
DROP POLICY agent_services_delete ON rdv.agent_services;
CREATE POLICY agent_services_insert ON rdv.agent_services FOR INSERT TO rdv_agent
    WITH CHECK (agent_id = ANY ((SELECT rdv.my_fully_administered_agent_ids())::integer[]));
CREATE POLICY agent_services_delete ON rdv.agent_services FOR DELETE TO rdv_agent
    USING (agent_id = ANY ((SELECT rdv.my_fully_administered_agent_ids())::integer[]));

-- Invitations: an admin of organisation_id invites an agent who works in an
-- organisation the admin does not administer; the agent accepts (the role
-- is created) or declines (the invitation goes). The admins of the
-- organisation see and cancel its invitations; the agent sees theirs.
CREATE TABLE rdv.agent_invitations (
    id serial PRIMARY KEY,
    organisation_id integer NOT NULL REFERENCES rdv.organisations ON DELETE CASCADE,
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    access_level rdv.access_level NOT NULL DEFAULT 'basic' CHECK (access_level <> 'intervenant'),
    invited_by_agent_id integer REFERENCES rdv.agents ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, agent_id)
);
ALTER TABLE rdv.agent_invitations ENABLE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON rdv.agent_invitations TO rdv_agent;
CREATE POLICY agent_invitations_select ON rdv.agent_invitations FOR SELECT TO rdv_agent
    USING (agent_id = (SELECT rdv.current_agent_id())
           OR organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));
CREATE POLICY agent_invitations_delete ON rdv.agent_invitations FOR DELETE TO rdv_agent
    USING (agent_id = (SELECT rdv.current_agent_id())
           OR organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[]));

-- Attach an existing agent to one of my admin organisations: directly when
-- every organisation they work in is one I administer, else by an
-- invitation. Returns 'ajouté' or 'invité'.
CREATE FUNCTION rdv.agent_invite(agent_id integer, organisation_id integer,
                                 access_level rdv.access_level DEFAULT 'basic')
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF rdv.current_agent_id() IS NULL
       OR NOT (agent_invite.organisation_id = ANY (rdv.my_admin_organisation_ids())) THEN
        RAISE EXCEPTION 'réservé aux administrateurs de l''organisation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF agent_invite.access_level IS NULL OR agent_invite.access_level = 'intervenant' THEN
        RAISE EXCEPTION 'Rôle : administrateur ou basique' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rdv.agents a
                   WHERE a.id = agent_invite.agent_id AND a.deleted_at IS NULL AND a.db_role IS NOT NULL) THEN
        RAISE EXCEPTION 'agent introuvable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM rdv.agent_roles r
               WHERE r.agent_id = agent_invite.agent_id AND r.organisation_id = agent_invite.organisation_id) THEN
        RAISE EXCEPTION 'cet agent est déjà dans l''organisation' USING ERRCODE = 'unique_violation';
    END IF;
    IF rdv.i_administer_all_of(agent_invite.agent_id) THEN
        INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
        VALUES (agent_invite.agent_id, agent_invite.organisation_id, agent_invite.access_level);
        RETURN 'ajouté';
    END IF;
    INSERT INTO rdv.agent_invitations (organisation_id, agent_id, access_level, invited_by_agent_id)
    VALUES (agent_invite.organisation_id, agent_invite.agent_id, agent_invite.access_level,
            rdv.current_agent_id())
    ON CONFLICT ON CONSTRAINT agent_invitations_organisation_id_agent_id_key
    DO UPDATE SET access_level = EXCLUDED.access_level, invited_by_agent_id = EXCLUDED.invited_by_agent_id,
                  created_at = now();
    RETURN 'invité';
END $$;

-- The invited agent accepts: their role in the organisation is created.
CREATE FUNCTION rdv.agent_invitation_accept(organisation_id integer) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
    inv rdv.agent_invitations;
BEGIN
    DELETE FROM rdv.agent_invitations i
     WHERE i.agent_id = me AND i.organisation_id = agent_invitation_accept.organisation_id
    RETURNING * INTO inv;
    IF me IS NULL OR inv.id IS NULL THEN
        RAISE EXCEPTION 'invitation introuvable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
    VALUES (me, inv.organisation_id, inv.access_level)
    ON CONFLICT DO NOTHING;
END $$;

-- The invited agent declines (or an admin of the organisation cancels).
CREATE FUNCTION rdv.agent_invitation_decline(organisation_id integer, agent_id integer DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    DELETE FROM rdv.agent_invitations i
     WHERE i.organisation_id = agent_invitation_decline.organisation_id
       AND i.agent_id = coalesce(agent_invitation_decline.agent_id, rdv.current_agent_id());
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invitation introuvable' USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

-- My pending invitations, with the organisation's name (which RLS would not
-- show me before I join).
CREATE FUNCTION rdv.my_invitations()
RETURNS TABLE (organisation_id integer, organisation_name text, access_level rdv.access_level,
               invited_by text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT i.organisation_id, o.name, i.access_level,
           nullif(btrim(coalesce(a.first_name, '') || ' ' || coalesce(a.last_name, '')), ''), i.created_at
    FROM rdv.agent_invitations i
    JOIN rdv.organisations o ON o.id = i.organisation_id
    LEFT JOIN rdv.agents a ON a.id = i.invited_by_agent_id
    WHERE i.agent_id = rdv.current_agent_id()
    ORDER BY i.created_at, i.organisation_id
$$;

-- Whether I may give this agent a role in this organisation directly: I am
-- its admin, and the agent works nowhere else than in my admin
-- organisations (or nowhere yet).
CREATE FUNCTION rdv.agent_attachable(agent_id integer, organisation_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT $2 = ANY (rdv.my_admin_organisation_ids())
       AND (rdv.agent_organisation_ids($1) = '{}' OR rdv.i_administer_all_of($1))
$$;

-- Direct inserts of roles by agents: only for an agent who works nowhere
-- but in my admin organisations (a new agent, or one of mine); anyone else
-- is invited. agent_create and agent_invitation_accept run as the owner.
CREATE FUNCTION rdv.agent_roles_attach_check() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF rdv.writer_is_agent() AND NOT rdv.agent_attachable(NEW.agent_id, NEW.organisation_id) THEN
        RAISE EXCEPTION 'cet agent travaille dans une organisation que vous n''administrez pas : invitez-le (rdv.agent_invite)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER agent_roles_attach_check BEFORE INSERT ON rdv.agent_roles
    FOR EACH ROW EXECUTE FUNCTION rdv.agent_roles_attach_check();

-- ------------------------------------------------------------------ 3. usagers held by several organisations

-- Whether a usager I see is also held by an organisation that is not mine
-- (false for a usager I do not see: nothing to tell about it).
CREATE FUNCTION rdv.usager_held_elsewhere(usager_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT rdv.usager_visible($1)
       AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = $1
                     AND NOT (p.organisation_id = ANY (rdv.my_organisation_ids())))
$$;

-- An agent's own DELETE or soft deletion (deleted_at) of a usager another
-- organisation holds is refused: they remove it from their organisation.
CREATE FUNCTION rdv.usagers_scope_check() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF rdv.writer_is_agent()
       AND (TG_OP = 'DELETE' OR (NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL))
       AND rdv.usager_held_elsewhere(OLD.id) THEN
        RAISE EXCEPTION 'usager n° % suivi aussi par une autre organisation : retirez-le seulement de la vôtre (rdv.usager_remove)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usagers_scope_check BEFORE UPDATE OF deleted_at OR DELETE ON rdv.usagers
    FOR EACH ROW EXECUTE FUNCTION rdv.usagers_scope_check();

-- When the last organisation lets go of a usager (its last profile is
-- deleted), the record goes: deleted, or soft-deleted when rdvs still name
-- it. Not when the usager itself is being deleted (the cascade).
CREATE FUNCTION rdv.usager_profiles_last_out() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rdv.usager_profiles p WHERE p.usager_id = OLD.usager_id)
       AND EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = OLD.usager_id) THEN
        IF EXISTS (SELECT 1 FROM rdv.participations pa WHERE pa.usager_id = OLD.usager_id)
           OR EXISTS (SELECT 1 FROM rdv.usager_merges m WHERE m.survivor_id = OLD.usager_id) THEN
            UPDATE rdv.usagers u SET deleted_at = coalesce(u.deleted_at, now()), updated_at = now()
             WHERE u.id = OLD.usager_id;
        ELSE
            DELETE FROM rdv.usagers u WHERE u.id = OLD.usager_id;
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER usager_profiles_last_out AFTER DELETE ON rdv.usager_profiles
    FOR EACH ROW EXECUTE FUNCTION rdv.usager_profiles_last_out();

-- Remove a usager from one of my organisations (default: all of mine that
-- hold it). Returns what happened to the record: 'retiré' (other
-- organisations still hold it), 'supprimé' or 'archivé' (soft-deleted, rdvs
-- name it).
CREATE FUNCTION rdv.usager_remove(usager_id integer, organisation_id integer DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    IF rdv.current_agent_id() IS NULL THEN
        RAISE EXCEPTION 'vous n''êtes pas un agent' USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM rdv.usager_profiles p
     WHERE p.usager_id = usager_remove.usager_id
       AND p.organisation_id = ANY (rdv.my_organisation_ids())
       AND (usager_remove.organisation_id IS NULL OR p.organisation_id = usager_remove.organisation_id);
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION 'usager n° % introuvable dans votre organisation', usager_remove.usager_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Only profiles of my organisations went (explicit filter above: this
    -- function runs as the owner). What is left, read as the owner, is
    -- told only about the usager I just held.
    RETURN rdv.usager_fate(usager_remove.usager_id);
END $$;

CREATE FUNCTION rdv.usager_fate(usager_id integer) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM rdv.usagers u WHERE u.id = $1) THEN 'supprimé'
        WHEN EXISTS (SELECT 1 FROM rdv.usager_profiles p WHERE p.usager_id = $1) THEN 'retiré'
        ELSE 'archivé' END
$$;

-- ------------------------------------------------------------------ 4. references agree on the organisation

ALTER TABLE rdv.motifs ADD CONSTRAINT motifs_id_organisation_key UNIQUE (id, organisation_id);
ALTER TABLE rdv.lieux ADD CONSTRAINT lieux_id_organisation_key UNIQUE (id, organisation_id);

ALTER TABLE rdv.rdvs ADD CONSTRAINT rdvs_motif_same_organisation
    FOREIGN KEY (motif_id, organisation_id) REFERENCES rdv.motifs (id, organisation_id);
ALTER TABLE rdv.rdvs ADD CONSTRAINT rdvs_lieu_same_organisation
    FOREIGN KEY (lieu_id, organisation_id) REFERENCES rdv.lieux (id, organisation_id);
ALTER TABLE rdv.plages_ouverture ADD CONSTRAINT plages_lieu_same_organisation
    FOREIGN KEY (lieu_id, organisation_id) REFERENCES rdv.lieux (id, organisation_id);

-- A plage stays in its organisation, and its agent holds a role there.
CREATE FUNCTION rdv.plages_scope_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    -- Agents, also through SECURITY DEFINER functions; not the owner's seeds.
    IF rdv.role_is_trusted(session_user) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.organisation_id <> OLD.organisation_id THEN
        RAISE EXCEPTION 'une plage ne change pas d''organisation' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rdv.agent_roles r
                   WHERE r.agent_id = NEW.agent_id AND r.organisation_id = NEW.organisation_id) THEN
        RAISE EXCEPTION 'Agent : n''appartient pas à l''organisation de la plage'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER plages_scope_check BEFORE INSERT OR UPDATE OF organisation_id, agent_id
    ON rdv.plages_ouverture FOR EACH ROW EXECUTE FUNCTION rdv.plages_scope_check();

-- A plage's motifs are of its organisation.
CREATE FUNCTION rdv.plage_motifs_scope_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    -- Agents, also through SECURITY DEFINER functions; not the owner's seeds.
    IF rdv.role_is_trusted(session_user) THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rdv.plages_ouverture p JOIN rdv.motifs m ON m.organisation_id = p.organisation_id
                   WHERE p.id = NEW.plage_id AND m.id = NEW.motif_id) THEN
        RAISE EXCEPTION 'Motifs : motif d''une autre organisation que la plage'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER plage_motifs_scope_check BEFORE INSERT OR UPDATE ON rdv.plage_motifs
    FOR EACH ROW EXECUTE FUNCTION rdv.plage_motifs_scope_check();

-- An rdv's agents hold a role in its organisation.
CREATE FUNCTION rdv.rdv_agents_scope_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    -- Agents, also through SECURITY DEFINER functions; not the owner's seeds.
    IF rdv.role_is_trusted(session_user) THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rdv.rdvs d JOIN rdv.agent_roles r ON r.organisation_id = d.organisation_id
                   WHERE d.id = NEW.rdv_id AND r.agent_id = NEW.agent_id) THEN
        RAISE EXCEPTION 'Agents : l''agent n° % n''appartient pas à l''organisation du rendez-vous', NEW.agent_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER rdv_agents_scope_check BEFORE INSERT OR UPDATE OF agent_id, rdv_id ON rdv.rdv_agents
    FOR EACH ROW EXECUTE FUNCTION rdv.rdv_agents_scope_check();

-- A usager's responsible is a usager the writer sees (not deleted).
CREATE FUNCTION rdv.usagers_responsible_check() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF NEW.responsible_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.responsible_id IS DISTINCT FROM OLD.responsible_id)
       AND rdv.writer_is_agent()
       AND NOT rdv.usager_visible(NEW.responsible_id) THEN
        RAISE EXCEPTION 'responsable inconnu' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usagers_responsible_check BEFORE INSERT OR UPDATE OF responsible_id ON rdv.usagers
    FOR EACH ROW EXECUTE FUNCTION rdv.usagers_responsible_check();

-- A merge record written by an agent names usagers they see.
CREATE FUNCTION rdv.usager_merges_scope_check() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF rdv.writer_is_agent() AND NEW.survivor_id IS NOT NULL AND NOT rdv.usager_visible(NEW.survivor_id) THEN
        RAISE EXCEPTION 'usager inconnu' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usager_merges_scope_check BEFORE INSERT ON rdv.usager_merges
    FOR EACH ROW EXECUTE FUNCTION rdv.usager_merges_scope_check();

-- ------------------------------------------------------------------ 6. authorship

-- rdvs: created by the calling agent; never rewritten.
CREATE FUNCTION rdv.rdvs_authorship() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF rdv.role_is_trusted(session_user) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := 'agent';
        NEW.created_by_agent_id := rdv.current_agent_id();
        NEW.created_at := now();
    ELSIF NEW.created_by IS DISTINCT FROM OLD.created_by
          OR NEW.created_by_agent_id IS DISTINCT FROM OLD.created_by_agent_id
          OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'l''auteur d''un rendez-vous ne change pas' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER rdvs_authorship BEFORE INSERT OR UPDATE ON rdv.rdvs
    FOR EACH ROW EXECUTE FUNCTION rdv.rdvs_authorship();

-- usagers: the same for created_by_agent_id and created_at.
CREATE FUNCTION rdv.usagers_authorship() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF rdv.role_is_trusted(session_user) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_by_agent_id := rdv.current_agent_id();
        NEW.created_at := now();
    ELSIF NEW.created_by_agent_id IS DISTINCT FROM OLD.created_by_agent_id
          OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'l''auteur d''une fiche usager ne change pas' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usagers_authorship BEFORE INSERT OR UPDATE ON rdv.usagers
    FOR EACH ROW EXECUTE FUNCTION rdv.usagers_authorship();

-- usager_merges: merged by the caller, now.
CREATE FUNCTION rdv.usager_merges_authorship() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    -- merged_by_agent_id: the insert policy refuses anybody but the caller.
    IF NOT rdv.role_is_trusted(session_user) THEN
        NEW.merged_by_agent_id := coalesce(NEW.merged_by_agent_id, rdv.current_agent_id());
        NEW.merged_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usager_merges_authorship BEFORE INSERT ON rdv.usager_merges
    FOR EACH ROW EXECUTE FUNCTION rdv.usager_merges_authorship();

-- Creation stamps of the other rows agents write: now, then never changed.
CREATE FUNCTION rdv.created_at_stamp() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF NOT rdv.role_is_trusted(session_user) THEN
        IF TG_OP = 'INSERT' THEN
            NEW.created_at := now();
        ELSE
            NEW.created_at := OLD.created_at;
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER created_at_stamp BEFORE INSERT OR UPDATE ON rdv.plages_ouverture
    FOR EACH ROW EXECUTE FUNCTION rdv.created_at_stamp();
CREATE TRIGGER created_at_stamp BEFORE INSERT OR UPDATE ON rdv.absences
    FOR EACH ROW EXECUTE FUNCTION rdv.created_at_stamp();
CREATE TRIGGER created_at_stamp BEFORE INSERT OR UPDATE ON rdv.lieux
    FOR EACH ROW EXECUTE FUNCTION rdv.created_at_stamp();
CREATE TRIGGER created_at_stamp BEFORE INSERT OR UPDATE ON rdv.motifs
    FOR EACH ROW EXECUTE FUNCTION rdv.created_at_stamp();
CREATE TRIGGER created_at_stamp BEFORE INSERT ON rdv.usager_profiles
    FOR EACH ROW EXECUTE FUNCTION rdv.created_at_stamp();
CREATE TRIGGER created_at_stamp BEFORE INSERT ON rdv.participations
    FOR EACH ROW EXECUTE FUNCTION rdv.created_at_stamp();

-- ------------------------------------------------------------------ grants

REVOKE ALL ON FUNCTION rdv.role_is_trusted(name), rdv.writer_is_agent(),
    rdv.agent_organisation_ids(integer), rdv.i_administer_all_of(integer),
    rdv.my_fully_administered_agent_ids(), rdv.agent_roles_lock_organisation(),
    rdv.agent_roles_keep_admin(), rdv.agent_invite(integer, integer, rdv.access_level),
    rdv.agent_invitation_accept(integer), rdv.agent_invitation_decline(integer, integer),
    rdv.my_invitations(), rdv.agent_roles_attach_check(), rdv.agent_attachable(integer, integer),
    rdv.usager_held_elsewhere(integer),
    rdv.usagers_scope_check(), rdv.usager_profiles_last_out(), rdv.usager_remove(integer, integer),
    rdv.usager_fate(integer), rdv.plages_scope_check(), rdv.plage_motifs_scope_check(),
    rdv.rdv_agents_scope_check(), rdv.usagers_responsible_check(), rdv.usager_merges_scope_check(),
    rdv.rdvs_authorship(), rdv.usagers_authorship(), rdv.usager_merges_authorship(),
    rdv.created_at_stamp()
    FROM PUBLIC;
-- What agents call, directly or from the SECURITY INVOKER triggers above
-- (which run as the agent) and the policies.
-- (agent_organisation_ids, i_administer_all_of and usager_fate answer about
-- any id: internal, callable by no agent.)
GRANT EXECUTE ON FUNCTION rdv.role_is_trusted(name), rdv.writer_is_agent(),
    rdv.agent_attachable(integer, integer),
    rdv.my_fully_administered_agent_ids(), rdv.agent_invite(integer, integer, rdv.access_level),
    rdv.agent_invitation_accept(integer), rdv.agent_invitation_decline(integer, integer),
    rdv.my_invitations(), rdv.usager_held_elsewhere(integer), rdv.usager_remove(integer, integer)
    TO rdv_agent;
-- The notification worker updates the outbox only, but keep its triggers
-- callable should it ever write a table above.
GRANT EXECUTE ON FUNCTION rdv.role_is_trusted(name), rdv.writer_is_agent() TO rdv_notifier;
GRANT USAGE ON SEQUENCE rdv.agent_invitations_id_seq TO rdv_agent;
