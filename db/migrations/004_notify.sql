-- 004_notify: the notification outbox, written by triggers in the same
-- transaction as the change (reference §6.1, §6.2; DESIGN §3, §8).
--
-- Rdvs. An rdv is created in several statements (INSERT INTO rdvs, then
-- rdv_agents, then participations), so notifying from a row trigger would
-- see an rdv without agents, and adding two agents would tell the first one
-- about the second. Instead:
--   * an AFTER ROW trigger on rdvs keeps, per transaction, the image of each
--     rdv before its first notifiable change (rdv.notification_pending;
--     NULL when the rdv was created in the transaction). Changes to
--     rdv_agents reach it through the rdvs.agent_ids cache that 001 keeps;
--   * a deferred constraint trigger on that table compares, at commit, the
--     image with the rdv as committed and writes one outbox row per agent to
--     tell, then forgets the image.
-- Rules (alive = status not excused/revoked; "agents" = rdvs.agent_ids):
--   not alive -> alive (created, or un-cancelled): rdv_created to the agents;
--   alive -> not alive (cancelled, or deleted): rdv_cancelled to the agents
--     it had;
--   alive -> alive with starts_at, ends_at, lieu_id or the agents changed:
--     agents kept get rdv_updated, added ones rdv_created, removed ones
--     rdv_cancelled.
-- Each of these on an rdv that already existed increments rdvs.sequence (the
-- iCalendar SEQUENCE) once per transaction. Nothing is written for an rdv
-- that has already started (starts_at < now()), though its sequence still
-- moves. Recipients are filtered by their rdv_notifications_level, the author
-- being rdv.current_agent_id(): all; others (not the author); soon (not the
-- author, and the old or new start falls today or tomorrow in the
-- territory's calendar); none. Agents without an e-mail or deleted get
-- nothing.
--
-- Plages and absences: an AFTER ROW trigger writes plage_/absence_created,
-- _updated (title, days, times, rule, lieu, organisation changed) or _deleted
-- for the owner agent when its plage_ouverture_notification_level /
-- absence_notification_level is 'all', whoever made the change.
--
-- Seeds (run by a superuser with rdv.seed_today set, see db_seed()) write
-- nothing: demo data must not mail its agents.
--
-- Each outbox insert wakes `rdv notify` through NOTIFY rdv_notify.

-- ------------------------------------------------------------------ per-transaction images

CREATE UNLOGGED TABLE rdv.notification_pending (
    xid xid8 NOT NULL,
    rdv_id integer NOT NULL,
    before jsonb,
    PRIMARY KEY (xid, rdv_id)
);
COMMENT ON TABLE rdv.notification_pending IS
    'rdv-tui: rdv images before their first notifiable change in the running transaction; always empty between transactions';
ALTER TABLE rdv.notification_pending ENABLE ROW LEVEL SECURITY;

-- True while a seed runs: no notification for demo or scale data.
CREATE FUNCTION rdv.notification_muted() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(current_setting('rdv.seed_today', true), '') <> ''
       AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
$$;

-- "Camille Dupont"; an intervenant may have no first name.
CREATE FUNCTION rdv.notification_agent_name(agent_id integer) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT concat_ws(' ', nullif(btrim(a.first_name), ''), a.last_name)
    FROM rdv.agents a WHERE a.id = $1
$$;

-- The attendees of a mail: name and e-mail of each agent that has one.
CREATE FUNCTION rdv.notification_attendees(agent_ids integer[]) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'name', rdv.notification_agent_name(a.id), 'email', a.email) ORDER BY a.id), '[]')
    FROM rdv.agents a
    WHERE a.id = ANY ($1) AND a.email IS NOT NULL
$$;

-- iCalendar local date-time of an instant in a zone: 20260302T093000.
CREATE FUNCTION rdv.notification_ical_time(t timestamptz, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE tz, 'YYYYMMDD"T"HH24MISS')
$$;

-- The stored RRULE with UNTIL as the end of that day in the zone, in UTC
-- (RFC 5545: UNTIL has DTSTART's value type, UTC when DTSTART has a TZID).
CREATE FUNCTION rdv.notification_ical_rrule(rule text, tz text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN rule IS NULL OR rule = '' THEN NULL
        WHEN rdv.rrule_until(rule) IS NULL THEN rule
        ELSE regexp_replace(rule, 'UNTIL=[0-9]{8}',
            'UNTIL=' || to_char((((rdv.rrule_until(rule) + 1)::timestamp AT TIME ZONE tz)
                                  - interval '1 second') AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'))
    END
$$;

-- What a mail about rdv r needs, frozen now. old: the rdv before the change
-- (for "ancien horaire / ancien lieu"), or NULL.
CREATE FUNCTION rdv.notification_rdv_payload(r rdv.rdvs, seq integer, attendee_ids integer[],
                                             old rdv.rdvs, author integer)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'uid', r.uuid::text,
        'sequence', seq,
        'summary', 'RDV ' || coalesce(m.name, 'rendez-vous'),
        'what', coalesce(m.name, 'rendez-vous'),
        'location_type', m.location_type::text,
        'name', r.name,
        'organisation', o.name,
        'time_zone', z.tz,
        'dtstart', rdv.notification_ical_time(r.starts_at, z.tz),
        'dtend', rdv.notification_ical_time(r.ends_at, z.tz),
        'location', CASE WHEN l.id IS NOT NULL THEN l.name || ', ' || l.address END,
        'attendees', rdv.notification_attendees(attendee_ids),
        'usagers', (SELECT coalesce(jsonb_agg(concat_ws(' ', u.first_name, u.last_name)
                                              ORDER BY u.last_name, u.first_name, u.id), '[]')
                    FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id
                    WHERE p.rdv_id = r.id AND p.status NOT IN ('excused', 'revoked')),
        'old_dtstart', CASE WHEN old.starts_at IS DISTINCT FROM r.starts_at
                                 OR old.ends_at IS DISTINCT FROM r.ends_at
                            THEN rdv.notification_ical_time(old.starts_at, z.tz) END,
        'old_dtend', CASE WHEN old.starts_at IS DISTINCT FROM r.starts_at
                               OR old.ends_at IS DISTINCT FROM r.ends_at
                          THEN rdv.notification_ical_time(old.ends_at, z.tz) END,
        'old_location', CASE WHEN old.id IS NOT NULL AND old.lieu_id IS DISTINCT FROM r.lieu_id
                             THEN coalesce((SELECT ol.name || ', ' || ol.address FROM rdv.lieux ol
                                            WHERE ol.id = old.lieu_id), '') END,
        'author', rdv.notification_agent_name(author)))
    -- Outer joins: a payload is always built, even for a deleted rdv whose
    -- motif went with it in the same transaction.
    FROM (SELECT rdv.organisation_time_zone(r.organisation_id) AS tz) z
    LEFT JOIN rdv.motifs m ON m.id = r.motif_id
    LEFT JOIN rdv.organisations o ON o.id = r.organisation_id
    LEFT JOIN rdv.lieux l ON l.id = r.lieu_id
$$;

-- ------------------------------------------------------------------ rdvs: capture

CREATE FUNCTION rdv.rdvs_notify_capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.starts_at, OLD.ends_at, OLD.lieu_id, OLD.status, OLD.agent_ids)
           IS NOT DISTINCT FROM (NEW.starts_at, NEW.ends_at, NEW.lieu_id, NEW.status, NEW.agent_ids) THEN
        RETURN NULL;
    END IF;
    IF rdv.notification_muted() THEN
        RETURN NULL;
    END IF;
    INSERT INTO rdv.notification_pending (xid, rdv_id, before)
    VALUES (pg_current_xact_id(),
            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END)
    ON CONFLICT (xid, rdv_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER rdvs_notify_capture AFTER INSERT OR UPDATE OR DELETE ON rdv.rdvs
    FOR EACH ROW EXECUTE FUNCTION rdv.rdvs_notify_capture();

-- ------------------------------------------------------------------ rdvs: at commit

CREATE FUNCTION rdv.notification_pending_flush() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    b rdv.rdvs;
    a rdv.rdvs;
    b_exists boolean := NEW.before IS NOT NULL;
    a_exists boolean;
    was_alive boolean;
    is_alive boolean;
    agents_b integer[];
    agents_a integer[];
    created_ids integer[] := '{}';
    updated_ids integer[] := '{}';
    cancelled_ids integer[] := '{}';
    whole_cancel boolean := false;
    seq integer;
    author integer := rdv.current_agent_id();
    tz text;
    today date;
    soon boolean;
BEGIN
    DELETE FROM rdv.notification_pending WHERE xid = NEW.xid AND rdv_id = NEW.rdv_id;
    -- A notification problem must not cost the agent their change: anything
    -- but a concurrency failure is reported as a warning and the commit
    -- goes on.
    BEGIN
        IF b_exists THEN
            b := jsonb_populate_record(NULL::rdv.rdvs, NEW.before);
        END IF;
        SELECT * INTO a FROM rdv.rdvs WHERE id = NEW.rdv_id;
        a_exists := FOUND;
        was_alive := b_exists AND b.status NOT IN ('excused', 'revoked');
        is_alive := a_exists AND a.status NOT IN ('excused', 'revoked');
        agents_b := CASE WHEN b_exists THEN b.agent_ids ELSE '{}' END;
        agents_a := CASE WHEN a_exists THEN a.agent_ids ELSE '{}' END;

        IF NOT was_alive AND is_alive THEN
            created_ids := agents_a;
        ELSIF was_alive AND NOT is_alive THEN
            cancelled_ids := agents_b;
            whole_cancel := true;
        ELSIF was_alive AND is_alive
              AND (b.starts_at IS DISTINCT FROM a.starts_at OR b.ends_at IS DISTINCT FROM a.ends_at
                   OR b.lieu_id IS DISTINCT FROM a.lieu_id
                   OR NOT (agents_a @> agents_b AND agents_b @> agents_a)) THEN
            updated_ids := ARRAY(SELECT x FROM unnest(agents_a) x WHERE x = ANY (agents_b));
            created_ids := ARRAY(SELECT x FROM unnest(agents_a) x WHERE NOT (x = ANY (agents_b)));
            cancelled_ids := ARRAY(SELECT x FROM unnest(agents_b) x WHERE NOT (x = ANY (agents_a)));
        ELSE
            RETURN NULL;
        END IF;

        -- Every change of an rdv that calendars already know moves its SEQUENCE.
        IF a_exists AND b_exists THEN
            seq := a.sequence + 1;
            UPDATE rdv.rdvs SET sequence = seq WHERE id = a.id;
        ELSIF b_exists THEN
            seq := b.sequence + 1;
        ELSE
            seq := a.sequence;
        END IF;

        IF (CASE WHEN a_exists THEN a.starts_at ELSE b.starts_at END) < now() THEN
            RETURN NULL;
        END IF;

        tz := rdv.organisation_time_zone(CASE WHEN a_exists THEN a.organisation_id ELSE b.organisation_id END);
        today := (now() AT TIME ZONE tz)::date;
        soon := (a_exists AND (a.starts_at AT TIME ZONE tz)::date BETWEEN today AND today + 1)
             OR (b_exists AND (b.starts_at AT TIME ZONE tz)::date BETWEEN today AND today + 1);

        INSERT INTO rdv.notification_outbox (agent_id, event, object_type, object_id, payload,
                                             author_agent_id)
        SELECT g.id, x.event, 'rdv', NEW.rdv_id,
               CASE
               WHEN x.event = 'rdv_cancelled' AND whole_cancel THEN
                   rdv.notification_rdv_payload(CASE WHEN a_exists THEN a ELSE b END, seq, agents_b,
                                                NULL, author)
               WHEN x.event = 'rdv_cancelled' THEN
                   rdv.notification_rdv_payload(a, seq, ARRAY[g.id], NULL, author)
               WHEN x.event = 'rdv_updated' THEN
                   rdv.notification_rdv_payload(a, seq, agents_a, b, author)
               ELSE
                   rdv.notification_rdv_payload(a, seq, agents_a, NULL, author)
               END,
               author
        FROM (SELECT unnest(created_ids) AS agent_id, 'rdv_created' AS event
              UNION ALL SELECT unnest(updated_ids), 'rdv_updated'
              UNION ALL SELECT unnest(cancelled_ids), 'rdv_cancelled') x
        JOIN rdv.agents g ON g.id = x.agent_id
        WHERE g.email IS NOT NULL AND g.deleted_at IS NULL
          AND CASE g.rdv_notifications_level
              WHEN 'all' THEN true
              WHEN 'others' THEN author IS DISTINCT FROM g.id
              WHEN 'soon' THEN author IS DISTINCT FROM g.id AND soon
              ELSE false END
        ORDER BY g.id;
    EXCEPTION
        WHEN serialization_failure OR deadlock_detected OR lock_not_available
             OR query_canceled THEN
            RAISE;
        WHEN OTHERS THEN
            RAISE WARNING 'notification du rdv % non écrite : %', NEW.rdv_id, SQLERRM;
    END;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER notification_pending_flush AFTER INSERT ON rdv.notification_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION rdv.notification_pending_flush();

-- ------------------------------------------------------------------ plages and absences

CREATE FUNCTION rdv.agendas_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    is_plage boolean := TG_TABLE_NAME = 'plages_ouverture';
    kind text := CASE WHEN TG_TABLE_NAME = 'plages_ouverture' THEN 'plage' ELSE 'absence' END;
    keys text[] := ARRAY['agent_id', 'title', 'first_day', 'start_time', 'end_day', 'end_time',
                         'rrule', 'lieu_id', 'organisation_id'];
    owner integer := (r->>'agent_id')::integer;
    author integer := rdv.current_agent_id();
    tz text;
    org text;
    lieu text;
    seq integer;
    first_day date := (r->>'first_day')::date;
    end_day date := coalesce((r->>'end_day')::date, (r->>'first_day')::date);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (SELECT bool_and(to_jsonb(OLD)->k IS NOT DISTINCT FROM to_jsonb(NEW)->k)
            FROM unnest(keys) k) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF rdv.notification_muted() THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rdv.agents g
                   WHERE g.id = owner AND g.email IS NOT NULL AND g.deleted_at IS NULL
                     AND CASE WHEN is_plage THEN g.plage_ouverture_notification_level
                              ELSE g.absence_notification_level END = 'all') THEN
        RETURN NULL;
    END IF;
    IF is_plage THEN
        SELECT o.name INTO org FROM rdv.organisations o WHERE o.id = (r->>'organisation_id')::integer;
        tz := rdv.organisation_time_zone((r->>'organisation_id')::integer);
        SELECT l.name || ', ' || l.address INTO lieu FROM rdv.lieux l
        WHERE l.id = (r->>'lieu_id')::integer;
    ELSE
        -- An absence has no organisation: the zone of the agent's first one.
        SELECT o.name, rdv.organisation_time_zone(o.id) INTO org, tz
        FROM rdv.agent_roles ar JOIN rdv.organisations o ON o.id = ar.organisation_id
        WHERE ar.agent_id = owner ORDER BY ar.id LIMIT 1;
        tz := coalesce(tz, 'Europe/Paris');
    END IF;
    -- SEQUENCE: the audited changes of this row so far (the audit trigger,
    -- earlier by name, has already logged this one).
    SELECT count(*) INTO seq FROM rdv.audit_log
    WHERE table_name = TG_TABLE_NAME AND row_id = r->>'id' AND action <> 'INSERT';

    INSERT INTO rdv.notification_outbox (agent_id, event, object_type, object_id, payload,
                                         author_agent_id)
    VALUES (owner,
            kind || CASE TG_OP WHEN 'INSERT' THEN '_created' WHEN 'UPDATE' THEN '_updated'
                               ELSE '_deleted' END,
            kind, (r->>'id')::integer,
            jsonb_strip_nulls(jsonb_build_object(
                'uid', CASE WHEN is_plage THEN 'plage_ouverture_' ELSE 'absence_' END
                       || (r->>'id') || '@RDV Solidarités',
                'sequence', seq,
                'summary', CASE WHEN is_plage THEN 'Plage d''ouverture : ' ELSE 'Indisponibilité : ' END
                           || (r->>'title'),
                'what', r->>'title',
                'organisation', org,
                'time_zone', tz,
                'dtstart', to_char(first_day + (r->>'start_time')::time, 'YYYYMMDD"T"HH24MISS'),
                'dtend', to_char(end_day + (r->>'end_time')::time, 'YYYYMMDD"T"HH24MISS'),
                'rrule', rdv.notification_ical_rrule(r->>'rrule', tz),
                'until', to_char(rdv.rrule_until(nullif(r->>'rrule', '')), 'YYYY-MM-DD'),
                'location', lieu,
                'attendees', rdv.notification_attendees(ARRAY[owner]),
                'author', rdv.notification_agent_name(author))),
            author);
    RETURN NULL;
END $$;

CREATE TRIGGER plages_ouverture_notify AFTER INSERT OR UPDATE OR DELETE ON rdv.plages_ouverture
    FOR EACH ROW EXECUTE FUNCTION rdv.agendas_notify();
CREATE TRIGGER absences_notify AFTER INSERT OR UPDATE OR DELETE ON rdv.absences
    FOR EACH ROW EXECUTE FUNCTION rdv.agendas_notify();

-- ------------------------------------------------------------------ waking the worker

CREATE FUNCTION rdv.notification_outbox_wake() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rdv_notify', '');
    RETURN NULL;
END $$;
CREATE TRIGGER notification_outbox_wake AFTER INSERT ON rdv.notification_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.notification_outbox_wake();

-- ------------------------------------------------------------------ rights

-- The helpers above are SECURITY DEFINER and read past row-level security
-- (usager names, e-mails): only the triggers may call them. The worker
-- (rdv_notifier) needs nothing more than 002 gives it: the payload carries
-- everything a mail says.
REVOKE ALL ON rdv.notification_pending FROM PUBLIC;
REVOKE ALL ON FUNCTION rdv.notification_muted(), rdv.notification_agent_name(integer),
    rdv.notification_attendees(integer[]),
    rdv.notification_rdv_payload(rdv.rdvs, integer, integer[], rdv.rdvs, integer) FROM PUBLIC;
