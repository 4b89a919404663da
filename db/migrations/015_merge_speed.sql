-- 015_merge_speed: participations audited and counted once per statement;
-- calendar UIDs of plages and absences fit for calendars (last section).
--
-- A usager merge moves every participation of one usager in one UPDATE.
-- With the row triggers of 001 (participations_count) and 003
-- (participations_audit), each moved row called two PL/pgSQL functions, one
-- audit_organisation_ids() look-up and one UPDATE of its rdv (itself firing
-- the four row triggers of rdvs): ~0.4 ms a row, 390 ms for 1,000.
--
-- Both become statement-level triggers reading the transition tables:
--   * the audit rows are the same ones, column for column (agent, role,
--     table, row id, action, old and new values, organisations), written by
--     one INSERT … SELECT in participation id order. As before, an UPDATE
--     that changes nothing in a row is still logged (audit_row() was given no
--     column to ignore, so its no-change test never held). Old and new images of an UPDATE are paired by the
--     participation id, which nothing updates;
--   * rdvs.users_count is recomputed once per rdv the statement touched, and
--     written only where it changes. So moving a participation from one
--     usager to another no longer rewrites its rdv: rdvs.updated_at no longer
--     moves when only the participants' identities change (the audit trail
--     has the participation change, and neither the audit, the change feed
--     nor the outbox ever looked at users_count or updated_at).
-- The outbox is untouched: rdvs_notify_capture ignores users_count.

DROP TRIGGER participations_audit ON rdv.participations;
DROP TRIGGER participations_count ON rdv.participations;

-- The audit rows of one statement on participations. Same content as
-- rdv.audit_row() wrote row by row; organisation_ids inlines
-- rdv.audit_organisation_ids() for participations (the organisations of the
-- old and the new rdv).
CREATE FUNCTION rdv.participations_audit_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
BEGIN
    -- Trigger function: only PostgreSQL calls it, as a trigger.
    IF TG_WHEN IS DISTINCT FROM 'AFTER' OR TG_LEVEL IS DISTINCT FROM 'STATEMENT'
       OR TG_TABLE_SCHEMA IS DISTINCT FROM 'rdv' OR TG_TABLE_NAME IS DISTINCT FROM 'participations' THEN
        RAISE EXCEPTION 'rdv.participations_audit_statement : déclencheur de rdv.participations uniquement';
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO rdv.audit_log (agent_id, db_role, table_name, row_id, action,
                                   old_values, new_values, organisation_ids)
        SELECT me, session_user, 'participations', n.id::text, 'INSERT', NULL, to_jsonb(n),
               CASE WHEN r.organisation_id IS NULL THEN '{}' ELSE ARRAY[r.organisation_id] END
        FROM new_rows n LEFT JOIN rdv.rdvs r ON r.id = n.rdv_id
        ORDER BY n.id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO rdv.audit_log (agent_id, db_role, table_name, row_id, action,
                                   old_values, new_values, organisation_ids)
        SELECT me, session_user, 'participations', o.id::text, 'DELETE', to_jsonb(o), NULL,
               CASE WHEN r.organisation_id IS NULL THEN '{}' ELSE ARRAY[r.organisation_id] END
        FROM old_rows o LEFT JOIN rdv.rdvs r ON r.id = o.rdv_id
        ORDER BY o.id;
    ELSE
        INSERT INTO rdv.audit_log (agent_id, db_role, table_name, row_id, action,
                                   old_values, new_values, organisation_ids)
        SELECT me, session_user, 'participations', n.id::text, 'UPDATE', to_jsonb(o), to_jsonb(n),
               CASE WHEN ro.organisation_id IS NULL AND rn.organisation_id IS NULL THEN '{}'
                    WHEN ro.organisation_id IS NULL THEN ARRAY[rn.organisation_id]
                    WHEN rn.organisation_id IS NULL OR rn.organisation_id = ro.organisation_id
                        THEN ARRAY[ro.organisation_id]
                    ELSE ARRAY[least(ro.organisation_id, rn.organisation_id),
                               greatest(ro.organisation_id, rn.organisation_id)] END
        FROM old_rows o
        JOIN new_rows n ON n.id = o.id
        LEFT JOIN rdv.rdvs ro ON ro.id = o.rdv_id
        LEFT JOIN rdv.rdvs rn ON rn.id = n.rdv_id
        ORDER BY n.id;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rdv.participations_audit_statement() FROM PUBLIC;

-- rdvs.users_count (non-cancelled participations) of the rdvs one statement
-- on participations touched, written where it changed.
CREATE FUNCTION rdv.participations_count_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    ids integer[];
BEGIN
    IF TG_WHEN IS DISTINCT FROM 'AFTER' OR TG_LEVEL IS DISTINCT FROM 'STATEMENT'
       OR TG_TABLE_SCHEMA IS DISTINCT FROM 'rdv' OR TG_TABLE_NAME IS DISTINCT FROM 'participations' THEN
        RAISE EXCEPTION 'rdv.participations_count_statement : déclencheur de rdv.participations uniquement';
    END IF;
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT rdv_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT rdv_id FROM old_rows);
    ELSE
        -- Only a change of rdv or of status can change a count.
        ids := ARRAY(SELECT DISTINCT x FROM old_rows o JOIN new_rows n ON n.id = o.id,
                            LATERAL (VALUES (o.rdv_id), (n.rdv_id)) v(x)
                     WHERE o.rdv_id <> n.rdv_id OR o.status <> n.status);
    END IF;
    IF cardinality(ids) = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE rdv.rdvs r SET users_count = c.n
    FROM (SELECT i.id, (SELECT count(*) FROM rdv.participations p
                        WHERE p.rdv_id = i.id AND p.status NOT IN ('excused', 'revoked')) AS n
          FROM unnest(ids) AS i(id)) c
    WHERE r.id = c.id AND r.users_count IS DISTINCT FROM c.n;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rdv.participations_count_statement() FROM PUBLIC;

-- Transition tables allow one event per trigger.
CREATE TRIGGER participations_audit_insert AFTER INSERT ON rdv.participations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_audit_statement();
CREATE TRIGGER participations_audit_update AFTER UPDATE ON rdv.participations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_audit_statement();
CREATE TRIGGER participations_audit_delete AFTER DELETE ON rdv.participations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_audit_statement();
CREATE TRIGGER participations_count_insert AFTER INSERT ON rdv.participations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_count_statement();
CREATE TRIGGER participations_count_update AFTER UPDATE ON rdv.participations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_count_statement();
CREATE TRIGGER participations_count_delete AFTER DELETE ON rdv.participations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_count_statement();

-- ------------------------------------------------------------------ calendar UIDs of plages and absences
--
-- 004 names a plage's or an absence's calendar event
-- "plage_ouverture_<id>@RDV Solidarités": a space, a non-ASCII letter, and
-- the same UID in every deployment (two départements' plage 12 collide in a
-- calendar subscribed to both). From now on the UID is
-- "plage-<id>@<domain>" / "absence-<id>@<domain>", where <domain> is the
-- deployment's: the first one `rdv notify` proposes (its notify.uid_domain,
-- else the domain of smtp.from, else the host name) is kept here for good,
-- so UIDs never change with later configuration.
--
-- Calendars already hold events under the old UIDs, and a calendar matches
-- an update or a cancellation to its event by UID only: an object that was
-- notified before this migration keeps its old UID forever (recorded below
-- from the outbox), or its next update would add a second event and its
-- deletion would leave the first one behind.

CREATE TABLE rdv.calendar_uid_domain (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    domain text NOT NULL CHECK (domain ~ '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$'),
    chosen_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE rdv.calendar_uid_domain IS
    'rdv-tui: right-hand side of plage and absence calendar UIDs, chosen once by rdv notify';

CREATE TABLE rdv.calendar_uids_legacy (
    object_type text NOT NULL CHECK (object_type IN ('plage', 'absence')),
    object_id integer NOT NULL,
    uid text NOT NULL,
    PRIMARY KEY (object_type, object_id)
);
COMMENT ON TABLE rdv.calendar_uids_legacy IS
    'rdv-tui: plages and absences notified before 015, which keep the UID calendars know';
INSERT INTO rdv.calendar_uids_legacy (object_type, object_id, uid)
SELECT DISTINCT ON (o.object_type, o.object_id) o.object_type, o.object_id, o.payload->>'uid'
FROM rdv.notification_outbox o
WHERE o.object_type IN ('plage', 'absence') AND o.payload->>'uid' IS NOT NULL
ORDER BY o.object_type, o.object_id, o.id;

-- Only rdv.calendar_uid() reads and writes them.
ALTER TABLE rdv.calendar_uid_domain ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.calendar_uids_legacy ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.calendar_uid_domain, rdv.calendar_uids_legacy FROM PUBLIC;

-- The UID of a plage's or an absence's calendar event; domain: the one
-- proposed, kept only if none was chosen before. For the worker only.
CREATE FUNCTION rdv.calendar_uid(object_type text, object_id integer, domain text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    uid text;
    chosen text;
BEGIN
    IF NOT pg_catalog.pg_has_role(session_user, 'rdv_notifier', 'MEMBER') THEN
        RAISE EXCEPTION 'réservé au service de notification' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF calendar_uid.object_type IS NULL OR calendar_uid.object_type NOT IN ('plage', 'absence')
       OR calendar_uid.object_id IS NULL THEN
        RAISE EXCEPTION 'objet de calendrier invalide' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT l.uid INTO uid FROM rdv.calendar_uids_legacy l
    WHERE l.object_type = calendar_uid.object_type AND l.object_id = calendar_uid.object_id;
    IF FOUND THEN
        RETURN uid;
    END IF;
    SELECT c.domain INTO chosen FROM rdv.calendar_uid_domain c;
    IF chosen IS NULL THEN
        IF calendar_uid.domain IS NULL
           OR pg_catalog.lower(calendar_uid.domain) !~ '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' THEN
            RAISE EXCEPTION 'domaine des UID de calendrier invalide : %', calendar_uid.domain
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        INSERT INTO rdv.calendar_uid_domain (domain) VALUES (pg_catalog.lower(calendar_uid.domain))
        ON CONFLICT (only_row) DO NOTHING;
        SELECT c.domain INTO chosen FROM rdv.calendar_uid_domain c;
    END IF;
    RETURN calendar_uid.object_type || '-' || calendar_uid.object_id || '@' || chosen;
END $$;
REVOKE ALL ON FUNCTION rdv.calendar_uid(text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.calendar_uid(text, integer, text) TO rdv_notifier;
