-- 012_hardening: what an agent holding psql and their own password can do is
-- what the client lets them do, and no more (issue 10, classes 1, 5 and 9;
-- see SECURITY.md). Together with db/hooks/after_migration.sql, which
-- `rdv db migrate` runs after every migration in the same transaction:
--
--   * every SECURITY DEFINER function, every trigger function and every
--     PL/pgSQL helper pins search_path = pg_catalog, rdv, pg_temp, pg_temp
--     explicitly last (left out, PostgreSQL searches the caller's temporary
--     schema FIRST for tables, views and types: a temporary view named
--     pg_roles, a temporary domain named int4… would be picked up and run
--     with the owner's rights);
--   * PUBLIC may not create temporary objects in the database (the hook);
--   * the schema and everything in it belong to rdv_owner, a NOLOGIN role
--     that is not a superuser and cannot create roles (the hook);
--   * creating an agent's login role, which needs CREATEROLE, is isolated in
--     rdv.agent_login_create, owned by the NOLOGIN role rdv_rolemaker and
--     executable by rdv_owner only; it only ever runs
--     CREATE ROLE <checked name> LOGIN IN ROLE rdv_agent;
--   * EXECUTE is granted per role (rdv_agent), never to PUBLIC; internal
--     helpers are executable by no agent;
--   * the change feed says that something changed, never what;
--   * helpers no longer describe rows the caller cannot see;
--   * e-mail addresses, logins and phone numbers hold no control character.

-- ------------------------------------------------------------------ roles

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rdv_owner') THEN
        CREATE ROLE rdv_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
            NOREPLICATION NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rdv_rolemaker') THEN
        CREATE ROLE rdv_rolemaker NOLOGIN NOSUPERUSER NOCREATEDB CREATEROLE NOINHERIT
            NOREPLICATION NOBYPASSRLS;
    END IF;
    -- From PostgreSQL 16 on, CREATEROLE alone no longer lets a role make new
    -- roles members of rdv_agent: it needs ADMIN OPTION on it (but neither
    -- its privileges nor SET ROLE to it).
    IF pg_catalog.current_setting('server_version_num')::integer >= 160000 THEN
        EXECUTE 'GRANT rdv_agent TO rdv_rolemaker WITH ADMIN TRUE, INHERIT FALSE, SET FALSE';
    END IF;
END $$;
COMMENT ON ROLE rdv_owner IS 'rdv-tui: owner of the schema rdv (no login, not a superuser)';
COMMENT ON ROLE rdv_rolemaker IS
    'rdv-tui: creates agents'' login roles through rdv.agent_login_create only (no login)';

-- ------------------------------------------------------------------ agents' login roles

-- The only code that runs with CREATEROLE. Called by rdv.agent_create (as
-- rdv_owner), after its own checks; checks again, as it trusts nobody.
CREATE FUNCTION rdv.agent_login_create(login text, password text, agent_id integer) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF login IS NULL OR login !~ '^[a-z0-9_.-]{1,63}$' OR login LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'Identifiant : lettres minuscules, chiffres, « _ », « . » ou « - » (63 au plus)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = login) THEN
        RAISE EXCEPTION 'Identifiant : « % » existe déjà', login USING ERRCODE = 'duplicate_object';
    END IF;
    IF password IS NOT NULL AND password <> '' THEN
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT '
                                  'NOREPLICATION NOBYPASSRLS PASSWORD %L IN ROLE rdv_agent',
                                  login, password);
    ELSE
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT '
                                  'NOREPLICATION NOBYPASSRLS IN ROLE rdv_agent', login);
    END IF;
    EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', login,
                              'rdv-tui: agent ' || agent_id || ', created by ' || session_user);
END $$;
ALTER FUNCTION rdv.agent_login_create(text, text, integer) OWNER TO rdv_rolemaker;
REVOKE ALL ON FUNCTION rdv.agent_login_create(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.agent_login_create(text, text, integer) TO rdv_owner;

-- agent_create as in 008, but for the role creation, which goes through
-- rdv.agent_login_create (rdv_owner, its owner, cannot create roles).
CREATE OR REPLACE FUNCTION rdv.agent_create(organisation_id integer, first_name text, last_name text,
                                            email text, login text, access_level rdv.access_level,
                                            service_ids integer[], password text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    new_id integer;
    role_name text := nullif(btrim(coalesce(agent_create.login, '')), '');
BEGIN
    PERFORM rdv.agent_check(agent_create.organisation_id, agent_create.first_name,
                            agent_create.last_name, agent_create.email, agent_create.access_level,
                            agent_create.service_ids);
    IF agent_create.access_level = 'intervenant' THEN
        IF role_name IS NOT NULL THEN
            RAISE EXCEPTION 'Identifiant : un intervenant ne se connecte pas (laisser vide)'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    ELSE
        IF role_name IS NULL THEN
            RAISE EXCEPTION 'Identifiant : obligatoire' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF role_name !~ '^[a-z0-9_.-]{1,63}$' OR role_name LIKE 'pg\_%' THEN
            RAISE EXCEPTION 'Identifiant : lettres minuscules, chiffres, « _ », « . » ou « - » (63 au plus)'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = role_name) THEN
            RAISE EXCEPTION 'Identifiant : « % » existe déjà', role_name
                USING ERRCODE = 'duplicate_object';
        END IF;
    END IF;
    IF nullif(btrim(coalesce(agent_create.email, '')), '') IS NOT NULL AND EXISTS (
        SELECT 1 FROM rdv.agents a WHERE lower(a.email) = lower(btrim(agent_create.email))) THEN
        RAISE EXCEPTION 'E-mail : déjà celui d''un autre agent' USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO rdv.agents (first_name, last_name, email, db_role,
                            rdv_notifications_level, plage_ouverture_notification_level,
                            absence_notification_level)
    VALUES (nullif(btrim(coalesce(agent_create.first_name, '')), ''), btrim(agent_create.last_name),
            CASE WHEN agent_create.access_level <> 'intervenant'
                 THEN nullif(btrim(coalesce(agent_create.email, '')), '') END,
            role_name,
            CASE WHEN agent_create.access_level = 'intervenant' THEN 'none' ELSE 'others' END::rdv.rdv_notification_level,
            CASE WHEN agent_create.access_level = 'intervenant' THEN 'none' ELSE 'all' END::rdv.item_notification_level,
            CASE WHEN agent_create.access_level = 'intervenant' THEN 'none' ELSE 'all' END::rdv.item_notification_level)
    RETURNING id INTO new_id;
    INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
    VALUES (new_id, agent_create.organisation_id, agent_create.access_level);
    INSERT INTO rdv.agent_services (agent_id, service_id)
    SELECT DISTINCT new_id, x FROM unnest(agent_create.service_ids) x;
    IF role_name IS NOT NULL THEN
        PERFORM rdv.agent_login_create(role_name, agent_create.password, new_id);
    END IF;
    RETURN new_id;
END $$;

-- ------------------------------------------------------------------ catalog objects qualified

-- 004: a temporary view named pg_roles silenced the outbox.
CREATE OR REPLACE FUNCTION rdv.notification_muted() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT coalesce(pg_catalog.current_setting('rdv.seed_today', true), '') <> ''
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = session_user AND rolsuper)
$$;

CREATE OR REPLACE FUNCTION rdv.valid_time_zone(name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = $1)
$$;

-- ------------------------------------------------------------------ leaks

-- The change feed says that something changed, not what: NOTIFY payloads
-- reach every session that LISTENs on the channel, whatever it may read.
-- Clients refresh what they show (ui/, db/conn.c ignore the payload). Equal
-- payloads of one transaction fold into one notification.
CREATE OR REPLACE FUNCTION rdv.change_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
    IF TG_OP = 'UPDATE' AND (o - TG_ARGV) = (n - TG_ARGV) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_catalog.pg_notify('rdv_changes', '');
    RETURN NULL;
END $$;
COMMENT ON FUNCTION rdv.change_feed_payload(text, text, jsonb, jsonb) IS
    'Internal (no agent may execute it): what a row change touched; no longer sent on rdv_changes';

-- Who holds an e-mail address, for usager_save's message: named only when the
-- caller sees that usager; otherwise NULL, and the message says no more than
-- that the address is taken.
CREATE OR REPLACE FUNCTION rdv.usager_email_owner(email text, except_id integer DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT format('%s %s (fiche n° %s)', u.first_name, upper(u.last_name), u.id)
    FROM rdv.usagers u
    WHERE lower(u.email) = lower(btrim($1)) AND u.id IS DISTINCT FROM $2
      AND rdv.usager_visible(u.id)
    LIMIT 1
$$;

-- plage_motif_ids as in 008, but only for an organisation of the caller (it
-- listed another organisation's motif ids for an agent the caller sees).
CREATE OR REPLACE FUNCTION rdv.plage_motif_ids(agent_id integer, organisation_id integer) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT coalesce(array_agg(m.id ORDER BY m.id), '{}')
    FROM rdv.motifs m
    WHERE m.organisation_id = $2 AND m.deleted_at IS NULL AND NOT m.collectif
      AND $2 = ANY ((SELECT rdv.my_organisation_ids())::integer[])
      AND $1 = ANY ((SELECT rdv.visible_agent_ids())::integer[])
      AND (EXISTS (SELECT 1 FROM rdv.agent_roles r
                   WHERE r.agent_id = $1 AND r.organisation_id = $2 AND r.access_level = 'admin')
           OR m.service_id IN (SELECT s.service_id FROM rdv.agent_services s WHERE s.agent_id = $1)
           OR (m.for_secretariat AND EXISTS (
                   SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id
                   WHERE s.agent_id = $1 AND v.name = 'Secrétariat')))
$$;

-- plage_warnings as in 008, but a motif is named only when the caller may see
-- it (it listed any organisation's motifs by id).
CREATE OR REPLACE FUNCTION rdv.plage_warnings(plage_id integer, agent_id integer, organisation_id integer,
                                              first_day date, start_time time, end_time time, rrule text,
                                              motif_ids integer[], today date DEFAULT current_date)
RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    p record;
    shared date;
    new_rec boolean := coalesce(plage_warnings.rrule, '') <> '';
    new_last date := CASE WHEN coalesce(plage_warnings.rrule, '') = '' THEN plage_warnings.first_day
                          ELSE rdv.rrule_until(plage_warnings.rrule) END;
    m record;
    len int := (extract(epoch FROM plage_warnings.end_time - plage_warnings.start_time) / 60)::int;
BEGIN
    IF NOT (plage_warnings.agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[])) THEN
        RETURN;
    END IF;
    FOR p IN SELECT o.id, o.title, o.organisation_id, o.first_day, o.rrule, o.last_day,
                    o.start_time, o.end_time
             FROM rdv.plages_ouverture o
             WHERE o.agent_id = plage_warnings.agent_id
               AND o.id IS DISTINCT FROM plage_warnings.plage_id
               AND o.start_time < plage_warnings.end_time AND plage_warnings.start_time < o.end_time
             ORDER BY o.first_day, o.start_time, o.id LOOP
        shared := NULL;
        IF NOT new_rec AND coalesce(p.rrule, '') = '' THEN
            IF p.first_day = plage_warnings.first_day THEN
                shared := p.first_day;
            END IF;
        ELSIF NOT new_rec THEN
            IF plage_warnings.first_day >= today
               AND rdv.rrule_occurs(p.rrule, p.first_day, plage_warnings.first_day) THEN
                shared := plage_warnings.first_day;
            END IF;
        ELSIF coalesce(p.rrule, '') = '' THEN
            IF p.first_day >= today
               AND rdv.rrule_occurs(plage_warnings.rrule, plage_warnings.first_day, p.first_day) THEN
                shared := p.first_day;
            END IF;
        ELSE
            SELECT d INTO shared
            FROM rdv.rrule_occurrences(plage_warnings.rrule, plage_warnings.first_day,
                                       greatest(least(p.first_day, plage_warnings.first_day), today),
                                       least(coalesce(p.last_day, today + 183),
                                             coalesce(new_last, today + 183), today + 183)) AS d
            WHERE rdv.rrule_occurs(p.rrule, p.first_day, d)
            ORDER BY d LIMIT 1;
        END IF;
        IF shared IS NOT NULL THEN
            IF p.organisation_id = plage_warnings.organisation_id
               AND p.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]) THEN
                RETURN NEXT format('Chevauche la plage « %s » (%s–%s), par exemple le %s',
                                   p.title, to_char(p.start_time, 'HH24:MI'),
                                   to_char(p.end_time, 'HH24:MI'), rdv.date_fr(shared));
            ELSE
                RETURN NEXT format('Chevauche une plage de l''agent dans une autre organisation, '
                                   'par exemple le %s', rdv.date_fr(shared));
            END IF;
        END IF;
    END LOOP;
    FOR m IN SELECT x.name, x.default_duration_in_min AS duration FROM rdv.motifs x
             WHERE x.id = ANY (plage_warnings.motif_ids) AND x.default_duration_in_min > len
               AND (x.id = ANY ((SELECT rdv.my_motif_ids())::integer[])
                    OR x.id = ANY ((SELECT rdv.my_rdv_motif_ids())::integer[]))
             ORDER BY x.name LOOP
        RETURN NEXT format('Le motif « %s » dure %s min, plus que la plage (%s min)',
                           m.name, m.duration, len);
    END LOOP;
END $$;

-- ------------------------------------------------------------------ search_path everywhere

-- Every SECURITY DEFINER function, every trigger function, every PL/pgSQL
-- function and every function that already pinned a search_path: pg_temp
-- last. (Plain SQL helpers without a setting stay inlinable: they run
-- inside their caller's pinned path, and name catalog objects in pg_catalog
-- first.)
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::pg_catalog.regprocedure AS fn,
                    EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c = 'search_path=pg_catalog') AS catalog_only
             FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'rdv'::pg_catalog.regnamespace
               AND (p.prosecdef
                    OR p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype
                    OR p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'plpgsql')
                    OR EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%'))
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = %s', f.fn,
            CASE WHEN f.catalog_only THEN 'pg_catalog, pg_temp' ELSE 'pg_catalog, rdv, pg_temp' END);
    END LOOP;
END $$;

-- ------------------------------------------------------------------ EXECUTE per role

-- Functions agents call, directly or through policies, checks, defaults and
-- the functions they call as themselves: rdv_agent. Internal helpers (those
-- only SECURITY DEFINER functions and triggers call) and trigger functions
-- (a trigger does not check EXECUTE): nobody. The hook revokes PUBLIC.
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::pg_catalog.regprocedure AS fn
             FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'rdv'::pg_catalog.regnamespace
               AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
               AND p.proname NOT IN ('agent_login_create', 'agent_check', 'audit_organisation_ids',
                                     'change_feed_payload', 'organisation_time_zone',
                                     'notification_muted', 'notification_agent_name',
                                     'notification_attendees', 'notification_rdv_payload',
                                     'usager_in_organisations', 'usager_snapshot')
    LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO rdv_agent', f.fn);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION rdv.audit_organisation_ids(text, jsonb, jsonb),
    rdv.change_feed_payload(text, text, jsonb, jsonb),
    rdv.organisation_time_zone(integer)
    FROM PUBLIC, rdv_agent, rdv_notifier;

-- ------------------------------------------------------------------ control characters

-- No C0 or C1 control character, DEL, nor bidirectional override in what is
-- printed to terminals and written into mail headers: e-mail addresses,
-- logins, phone numbers. Added NOT VALID, then validated when the existing
-- rows pass (a row that does not is reported and must be corrected: the
-- check still applies to every write).
CREATE FUNCTION rdv.no_controls(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT t IS NULL
        OR t !~ '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]'
$$;
GRANT EXECUTE ON FUNCTION rdv.no_controls(text) TO rdv_agent, rdv_notifier;

DO $$
DECLARE
    c record;
    bad bigint;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        ('organisations', 'email'), ('organisations', 'phone_number'),
        ('lieux', 'phone_number'),
        ('agents', 'email'), ('agents', 'db_role'),
        ('usagers', 'email'), ('usagers', 'phone_number')) v(tbl, col)
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE rdv.%I ADD CONSTRAINT %I CHECK (rdv.no_controls(%I)) NOT VALID',
                                  c.tbl, c.tbl || '_' || c.col || '_no_controls', c.col);
        EXECUTE pg_catalog.format('SELECT count(*) FROM rdv.%I WHERE NOT rdv.no_controls(%I)', c.tbl, c.col)
            INTO bad;
        IF bad = 0 THEN
            EXECUTE pg_catalog.format('ALTER TABLE rdv.%I VALIDATE CONSTRAINT %I',
                                      c.tbl, c.tbl || '_' || c.col || '_no_controls');
        ELSE
            RAISE WARNING 'rdv.%.% : % valeur(s) avec des caractères de contrôle, à corriger',
                c.tbl, c.col, bad;
        END IF;
    END LOOP;
END $$;
