-- 017_usager_notify: usagers are told, by e-mail and SMS, when their rdv is
-- created, changed, cancelled or restored, and reminded about 48 h before
-- (issue 14; reference §6.1 N-01 … N-08, R-13).
--
-- Writing. As in 004, an rdv is changed in several statements (rdvs, then
-- participations; statuses propagate both ways), so row triggers on rdvs and
-- participations only keep, per transaction and rdv, the image before the
-- first change (rdv row and its participations: usager_notification_pending),
-- and a deferred constraint trigger compares it at commit with what is
-- committed. Per participation (usager), alive = the rdv and the
-- participation are both not excused/revoked:
--   participation new in an rdv new in the transaction, alive   -> rdv_created
--   participation new in an existing rdv (roster edit), alive   -> rdv_created
--   alive -> not alive (rdv or participation cancelled, removed) -> rdv_cancelled
--   not alive -> alive, participation existing                 -> rdv_restored
--   alive -> alive, starts_at or lieu changed                    -> rdv_updated
-- Only starts_at and the lieu count (N-03): a change of agents, duration or
-- context tells the usager nothing. Nothing at all when the rdv has started
-- (N-01), or for a participation whose send_lifecycle_notifications is off
-- (the flag after the change, or before it for a removed participation).
-- A hard-deleted rdv (admins only, R-10) tells the usagers nothing.
--
-- Recipients (N-08): the usager, or the responsible for a relative; several
-- participations reaching the same person in one rdv give one message (the
-- relatives named in it). Channels: 'email' when the recipient has an e-mail
-- and notify_by_email; 'sms' when their number is a French or overseas
-- mobile and notify_by_sms. One usager_outbox row per recipient, event and
-- channel; what the message says is frozen in its payload at commit (the
-- addresses too). The calendar UID is the rdv's uuid (as for the agents) and
-- SEQUENCE the rdv's sequence after this change (004 moves it).
--
-- Reminders (N-07). rdv.usager_reminders_schedule(), called by `rdv notify`
-- (no cron), writes one 'rdv_reminder' row per recipient and channel for every
-- alive participation with send_reminder_notification whose rdv starts within
-- the next 48 h and has not started, unless one was already written for that
-- participation, channel and start (unique index: exactly once, whatever the
-- number of workers or restarts; a worker down for a day catches up, never
-- after the start). Moving the rdv changes its start: a reminder already
-- queued for the old start is dropped at send time (the worker checks the
-- rdv still starts then and is alive), a new one is due 48 h before the new
-- start. A participation told of this very start by a lifecycle message
-- written inside the 48 h window gets no reminder on top (the confirmation
-- of an rdv booked for tomorrow is its reminder). Agents can ask for a
-- reminder now: rdv.usager_reminder_now(rdv_id).
--
-- Receipts: the worker writes one rdv.notification_receipts row per final
-- outcome of a usager message (sent, refused for good, dropped because the
-- rdv moved/was cancelled/started), in the transaction that marks the
-- outbox row done. Agents read the receipts of the rdvs they may read (the
-- rdvs_select policy through the sub-select); nobody but the worker writes.

-- ------------------------------------------------------------------ motif visibility (R-13)

CREATE TYPE rdv.motif_visibility AS ENUM ('visible_and_notified', 'visible_and_not_notified',
                                          'invisible');
ALTER TABLE rdv.motifs ADD COLUMN visibility_type rdv.motif_visibility NOT NULL
    DEFAULT 'visible_and_notified';

-- The participation flags default from the motif: a NULL (or omitted) flag
-- is on only for visible_and_notified motifs. NOT NULL is checked after
-- BEFORE triggers, so the columns lose their DEFAULT true.
ALTER TABLE rdv.participations ALTER COLUMN send_lifecycle_notifications DROP DEFAULT,
                               ALTER COLUMN send_reminder_notification DROP DEFAULT;

CREATE FUNCTION rdv.participations_notify_defaults() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    notified boolean;
BEGIN
    IF NEW.send_lifecycle_notifications IS NULL OR NEW.send_reminder_notification IS NULL THEN
        SELECT coalesce(m.visibility_type = 'visible_and_notified', true) INTO notified
        FROM rdv.rdvs r LEFT JOIN rdv.motifs m ON m.id = r.motif_id WHERE r.id = NEW.rdv_id;
        NEW.send_lifecycle_notifications := coalesce(NEW.send_lifecycle_notifications, notified, true);
        NEW.send_reminder_notification := coalesce(NEW.send_reminder_notification, notified, true);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER participations_notify_defaults BEFORE INSERT ON rdv.participations
    FOR EACH ROW EXECUTE FUNCTION rdv.participations_notify_defaults();

-- ------------------------------------------------------------------ mobiles

-- A French (+336, +337) or overseas (Guadeloupe, Guyane, Martinique, La
-- Réunion, Mayotte) mobile number in E.164, as rdv.phone_e164() writes them.
CREATE FUNCTION rdv.phone_is_mobile(e164 text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(e164 ~ '^\+33[67][0-9]{8}$'
                    OR e164 ~ '^\+590(690|691)[0-9]{6}$'
                    OR e164 ~ '^\+594694[0-9]{6}$'
                    OR e164 ~ '^\+596(696|697)[0-9]{6}$'
                    OR e164 ~ '^\+262(692|693|639)[0-9]{6}$', false)
$$;
REVOKE ALL ON FUNCTION rdv.phone_is_mobile(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.phone_is_mobile(text) TO rdv_agent, rdv_notifier;

-- ------------------------------------------------------------------ outbox and receipts

CREATE TABLE rdv.usager_outbox (
    id bigserial PRIMARY KEY,
    rdv_id integer NOT NULL REFERENCES rdv.rdvs ON DELETE CASCADE,
    participation_id integer NOT NULL,          -- the first one told (relatives: several)
    recipient_id integer NOT NULL REFERENCES rdv.usagers ON DELETE CASCADE,
    event text NOT NULL CHECK (event IN ('rdv_created', 'rdv_updated', 'rdv_cancelled',
                                         'rdv_restored', 'rdv_reminder')),
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    payload jsonb NOT NULL,
    -- reminders: the start they were written for (moved rdv: dropped).
    starts_at timestamptz NOT NULL,
    manual boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    done_at timestamptz,                        -- sent, refused for good, or dropped
    last_error text
);
CREATE INDEX usager_outbox_pending_idx ON rdv.usager_outbox (next_attempt_at) WHERE done_at IS NULL;
CREATE INDEX usager_outbox_rdv_idx ON rdv.usager_outbox (rdv_id);
-- Exactly one automatic reminder per participation, channel and start.
CREATE UNIQUE INDEX usager_outbox_reminder_once ON rdv.usager_outbox (participation_id, channel, starts_at)
    WHERE event = 'rdv_reminder' AND NOT manual;
COMMENT ON TABLE rdv.usager_outbox IS
    'rdv-tui: messages to usagers (e-mail, SMS), written by triggers and rdv.usager_reminders_schedule(); drained by rdv notify';

CREATE TABLE rdv.notification_receipts (
    id bigserial PRIMARY KEY,
    rdv_id integer NOT NULL REFERENCES rdv.rdvs ON DELETE CASCADE,
    participation_id integer,
    usager_id integer REFERENCES rdv.usagers ON DELETE CASCADE,  -- the recipient
    outbox_id bigint,
    event text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient text NOT NULL,                    -- address or E.164 number
    result text NOT NULL CHECK (result IN ('sent', 'failed', 'dropped')),
    provider_id text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_receipts_rdv_idx ON rdv.notification_receipts (rdv_id);
CREATE INDEX notification_receipts_usager_idx ON rdv.notification_receipts (usager_id, created_at);
CREATE UNIQUE INDEX notification_receipts_once ON rdv.notification_receipts (outbox_id)
    WHERE outbox_id IS NOT NULL;
COMMENT ON TABLE rdv.notification_receipts IS
    'rdv-tui: one row per final outcome of a message to a usager; readable like its rdv';

ALTER TABLE rdv.usager_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdv.notification_receipts ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.usager_outbox, rdv.notification_receipts FROM PUBLIC;

-- Agents: read receipts of the rdvs they may read; nothing else.
GRANT SELECT ON rdv.notification_receipts TO rdv_agent;
CREATE POLICY notification_receipts_select ON rdv.notification_receipts FOR SELECT TO rdv_agent
    USING (EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.id = rdv_id));

-- The worker: read and mark its outbox, write receipts (never read the
-- usagers' table: the payload carries the addresses).
GRANT SELECT, UPDATE (attempts, next_attempt_at, done_at, last_error) ON rdv.usager_outbox TO rdv_notifier;
GRANT SELECT, INSERT ON rdv.notification_receipts TO rdv_notifier;
GRANT USAGE ON SEQUENCE rdv.notification_receipts_id_seq TO rdv_notifier;
GRANT SELECT ON rdv.participations TO rdv_notifier;
CREATE POLICY usager_outbox_worker_select ON rdv.usager_outbox FOR SELECT TO rdv_notifier USING (true);
CREATE POLICY usager_outbox_worker_update ON rdv.usager_outbox FOR UPDATE TO rdv_notifier
    USING (true) WITH CHECK (true);
CREATE POLICY notification_receipts_worker_select ON rdv.notification_receipts FOR SELECT
    TO rdv_notifier USING (true);
CREATE POLICY notification_receipts_worker_insert ON rdv.notification_receipts FOR INSERT
    TO rdv_notifier WITH CHECK (true);
CREATE POLICY participations_worker ON rdv.participations FOR SELECT TO rdv_notifier USING (true);

CREATE TRIGGER usager_outbox_wake AFTER INSERT ON rdv.usager_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.notification_outbox_wake();

-- ------------------------------------------------------------------ payload

-- What a message about rdv r to one recipient says, frozen now. ev: the
-- event; parts: the participations concerned (the recipient's own or their
-- relatives'); old: the rdv before an update.
CREATE FUNCTION rdv.usager_notification_payload(r rdv.rdvs, ev text, recipient rdv.usagers,
                                                part_ids integer[], seq integer, old rdv.rdvs)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'uid', r.uuid::text,
        'sequence', seq,
        'summary', 'RDV ' || coalesce(m.name, 'rendez-vous'),
        'what', coalesce(m.name, 'rendez-vous'),
        'location_type', m.location_type::text,
        'name', r.name,
        'collectif', coalesce(m.collectif, false),
        'organisation', o.name,
        'organisation_phone', coalesce(nullif(btrim(l.phone_number), ''), nullif(btrim(o.phone_number), '')),
        'time_zone', z.tz,
        'dtstart', rdv.notification_ical_time(r.starts_at, z.tz),
        'dtend', rdv.notification_ical_time(r.ends_at, z.tz),
        'location', CASE WHEN l.id IS NOT NULL THEN l.name || ', ' || l.address END,
        'old_dtstart', CASE WHEN old.starts_at IS DISTINCT FROM r.starts_at
                            THEN rdv.notification_ical_time(old.starts_at, z.tz) END,
        'old_dtend', CASE WHEN old.starts_at IS DISTINCT FROM r.starts_at
                          THEN rdv.notification_ical_time(old.ends_at, z.tz) END,
        'old_location', CASE WHEN old.id IS NOT NULL AND old.lieu_id IS DISTINCT FROM r.lieu_id
                             THEN coalesce((SELECT ol.name || ', ' || ol.address FROM rdv.lieux ol
                                            WHERE ol.id = old.lieu_id), '') END,
        'to_name', concat_ws(' ', recipient.first_name, recipient.last_name),
        'to_email', recipient.email,
        'to_phone', recipient.phone_number_formatted,
        -- The relatives the message is about (never other participants).
        'for', (SELECT coalesce(jsonb_agg(concat_ws(' ', u.first_name, u.last_name) ORDER BY u.id), '[]')
                FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id
                WHERE p.id = ANY (part_ids) AND u.id <> recipient.id),
        'self', EXISTS (SELECT 1 FROM rdv.participations p
                        WHERE p.id = ANY (part_ids) AND p.usager_id = recipient.id)))
    FROM (SELECT rdv.organisation_time_zone(r.organisation_id) AS tz) z
    LEFT JOIN rdv.motifs m ON m.id = r.motif_id
    LEFT JOIN rdv.organisations o ON o.id = r.organisation_id
    LEFT JOIN rdv.lieux l ON l.id = r.lieu_id
$$;
REVOKE ALL ON FUNCTION rdv.usager_notification_payload(rdv.rdvs, text, rdv.usagers, integer[], integer,
                                                      rdv.rdvs) FROM PUBLIC;

-- Write the rows for one event: parts are (participation id, usager id).
-- Called by the flush and the reminder functions only (no EXECUTE grant).
CREATE FUNCTION rdv.usager_notification_write(r rdv.rdvs, ev text, part_ids integer[], seq integer,
                                              old rdv.rdvs, is_manual boolean)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    rec record;
    n integer := 0;
    k integer;
BEGIN
    FOR rec IN
        SELECT rc AS recipient, array_agg(p.id ORDER BY p.id) AS ids
        FROM rdv.participations p
        JOIN rdv.usagers u ON u.id = p.usager_id
        JOIN rdv.usagers rc ON rc.id = coalesce(u.responsible_id, u.id)
        WHERE p.id = ANY (part_ids) AND rc.deleted_at IS NULL
        GROUP BY rc
    LOOP
        INSERT INTO rdv.usager_outbox (rdv_id, participation_id, recipient_id, event, channel,
                                       payload, starts_at, manual)
        SELECT r.id, rec.ids[1], (rec.recipient).id, ev, ch.channel,
               rdv.usager_notification_payload(r, ev, rec.recipient, rec.ids, seq, old),
               r.starts_at, is_manual
        FROM (VALUES ('email'), ('sms')) ch(channel)
        WHERE (ch.channel = 'email' AND (rec.recipient).notify_by_email
               AND (rec.recipient).email IS NOT NULL)
           OR (ch.channel = 'sms' AND (rec.recipient).notify_by_sms
               AND rdv.phone_is_mobile((rec.recipient).phone_number_formatted))
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS k = ROW_COUNT;
        n := n + k;
    END LOOP;
    RETURN n;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_notification_write(rdv.rdvs, text, integer[], integer, rdv.rdvs, boolean)
    FROM PUBLIC;

-- ------------------------------------------------------------------ capture

CREATE UNLOGGED TABLE rdv.usager_notification_pending (
    xid xid8 NOT NULL,
    rdv_id integer NOT NULL,
    before jsonb,          -- the rdv row, NULL when created in the transaction
    parts jsonb NOT NULL,  -- its participations then: [{id, usager_id, status, lifecycle}]
    PRIMARY KEY (xid, rdv_id)
);
ALTER TABLE rdv.usager_notification_pending ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.usager_notification_pending FROM PUBLIC;

CREATE FUNCTION rdv.usager_notify_capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    rid integer;
    img jsonb;
    parts jsonb;
BEGIN
    IF rdv.notification_muted() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'rdvs' THEN
        IF TG_OP = 'UPDATE' AND (OLD.starts_at, OLD.lieu_id, OLD.status)
                                IS NOT DISTINCT FROM (NEW.starts_at, NEW.lieu_id, NEW.status) THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
        rid := NEW.id;
        IF EXISTS (SELECT 1 FROM rdv.usager_notification_pending
                   WHERE xid = pg_current_xact_id() AND rdv_id = rid) THEN
            RETURN NULL;
        END IF;
        img := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'usager_id', p.usager_id,
                   'status', p.status, 'lifecycle', p.send_lifecycle_notifications)), '[]')
          INTO parts FROM rdv.participations p WHERE p.rdv_id = rid;
        IF TG_OP = 'INSERT' THEN
            parts := '[]';
        END IF;
    ELSE
        IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
            RETURN NULL;
        END IF;
        rid := CASE WHEN TG_OP = 'DELETE' THEN OLD.rdv_id ELSE NEW.rdv_id END;
        IF EXISTS (SELECT 1 FROM rdv.usager_notification_pending
                   WHERE xid = pg_current_xact_id() AND rdv_id = rid) THEN
            RETURN NULL;
        END IF;
        SELECT to_jsonb(r) INTO img FROM rdv.rdvs r WHERE r.id = rid;
        IF img IS NULL THEN
            RETURN NULL;   -- the rdv is being deleted
        END IF;
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'usager_id', p.usager_id,
                   'status', p.status, 'lifecycle', p.send_lifecycle_notifications)), '[]')
          INTO parts FROM rdv.participations p
         WHERE p.rdv_id = rid AND p.id <> CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
        IF TG_OP <> 'INSERT' THEN
            parts := parts || jsonb_build_array(jsonb_build_object('id', OLD.id,
                         'usager_id', OLD.usager_id, 'status', OLD.status,
                         'lifecycle', OLD.send_lifecycle_notifications));
        END IF;
    END IF;
    INSERT INTO rdv.usager_notification_pending (xid, rdv_id, before, parts)
    VALUES (pg_current_xact_id(), rid, img, parts)
    ON CONFLICT (xid, rdv_id) DO NOTHING;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_notify_capture() FROM PUBLIC;

CREATE TRIGGER rdvs_usager_notify_capture AFTER INSERT OR UPDATE ON rdv.rdvs
    FOR EACH ROW EXECUTE FUNCTION rdv.usager_notify_capture();
CREATE TRIGGER participations_usager_notify_capture AFTER INSERT OR UPDATE OR DELETE
    ON rdv.participations FOR EACH ROW EXECUTE FUNCTION rdv.usager_notify_capture();

-- ------------------------------------------------------------------ at commit

CREATE FUNCTION rdv.usager_notification_flush() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    b rdv.rdvs;
    a rdv.rdvs;
    b_exists boolean := NEW.before IS NOT NULL;
    rdv_was_alive boolean;
    rdv_is_alive boolean;
    moved boolean;
    seq integer;
    created_ids integer[] := '{}';
    updated_ids integer[] := '{}';
    cancelled_ids integer[] := '{}';
    restored_ids integer[] := '{}';
    x record;
    was boolean;
    now_alive boolean;
BEGIN
    DELETE FROM rdv.usager_notification_pending WHERE xid = NEW.xid AND rdv_id = NEW.rdv_id;
    BEGIN
        SELECT * INTO a FROM rdv.rdvs WHERE id = NEW.rdv_id;
        IF NOT FOUND THEN
            RETURN NULL;   -- deleted: nothing for the usagers
        END IF;
        IF b_exists THEN
            b := jsonb_populate_record(NULL::rdv.rdvs, NEW.before);
        END IF;
        -- N-01: never about an rdv that has started (before or after the change).
        IF a.starts_at <= now() OR (b_exists AND b.starts_at <= now()) THEN
            RETURN NULL;
        END IF;
        rdv_was_alive := b_exists AND b.status NOT IN ('excused', 'revoked');
        rdv_is_alive := a.status NOT IN ('excused', 'revoked');
        moved := b_exists AND (b.starts_at IS DISTINCT FROM a.starts_at OR b.lieu_id IS DISTINCT FROM a.lieu_id);

        FOR x IN
            SELECT coalesce(n.id, (o.e->>'id')::integer) AS id,
                   o.e IS NOT NULL AS existed,
                   o.e IS NOT NULL AND (o.e->>'status') NOT IN ('excused', 'revoked') AS was_alive,
                   n.id IS NOT NULL AND n.status NOT IN ('excused', 'revoked') AS is_alive,
                   coalesce(n.send_lifecycle_notifications, (o.e->>'lifecycle')::boolean) AS lifecycle
            FROM (SELECT e FROM jsonb_array_elements(NEW.parts) e) o
            FULL JOIN (SELECT * FROM rdv.participations WHERE rdv_id = a.id) n
              ON n.id = (o.e->>'id')::integer
        LOOP
            CONTINUE WHEN NOT x.lifecycle;
            was := b_exists AND rdv_was_alive AND x.existed AND x.was_alive;
            now_alive := rdv_is_alive AND x.is_alive;
            IF NOT was AND now_alive THEN
                IF x.existed THEN
                    restored_ids := restored_ids || x.id;
                ELSE
                    created_ids := created_ids || x.id;
                END IF;
            ELSIF was AND NOT now_alive THEN
                cancelled_ids := cancelled_ids || x.id;
            ELSIF was AND now_alive AND moved THEN
                updated_ids := updated_ids || x.id;
            END IF;
        END LOOP;

        -- SEQUENCE as the agents' calendars get it: 004 moves it once per
        -- transaction at its own flush, which may still be to come.
        seq := a.sequence;
        IF b_exists AND EXISTS (SELECT 1 FROM rdv.notification_pending p
                                WHERE p.xid = NEW.xid AND p.rdv_id = NEW.rdv_id)
           AND (rdv_was_alive <> rdv_is_alive OR moved) THEN
            seq := seq + 1;
        END IF;

        -- The participations of a removed row are gone: cancel messages are
        -- written from the rows as they were.
        IF cardinality(created_ids) > 0 THEN
            PERFORM rdv.usager_notification_write(a, 'rdv_created', created_ids, seq, NULL, false);
        END IF;
        IF cardinality(restored_ids) > 0 THEN
            PERFORM rdv.usager_notification_write(a, 'rdv_restored', restored_ids, seq, NULL, false);
        END IF;
        IF cardinality(updated_ids) > 0 THEN
            PERFORM rdv.usager_notification_write(a, 'rdv_updated', updated_ids, seq, b, false);
        END IF;
        IF cardinality(cancelled_ids) > 0 THEN
            PERFORM rdv.usager_notification_cancel_write(a, cancelled_ids, NEW.parts, seq);
        END IF;
    EXCEPTION
        WHEN serialization_failure OR deadlock_detected OR lock_not_available
             OR query_canceled THEN
            RAISE;
        WHEN OTHERS THEN
            RAISE WARNING 'notification aux usagers du rdv % non écrite : %', NEW.rdv_id, SQLERRM;
    END;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_notification_flush() FROM PUBLIC;

-- Cancellations: some participations may have been deleted (roster edit);
-- they are written from their image, through a temporary stand-in row set.
CREATE FUNCTION rdv.usager_notification_cancel_write(a rdv.rdvs, ids integer[], parts jsonb, seq integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    live integer[];
    gone record;
    rc rdv.usagers;
BEGIN
    live := ARRAY(SELECT p.id FROM rdv.participations p WHERE p.id = ANY (ids));
    IF cardinality(live) > 0 THEN
        PERFORM rdv.usager_notification_write(a, 'rdv_cancelled', live, seq, NULL, false);
    END IF;
    FOR gone IN
        SELECT rc0 AS recipient, min((e->>'id')::integer) AS pid
        FROM jsonb_array_elements(parts) e
        JOIN rdv.usagers u ON u.id = (e->>'usager_id')::integer
        JOIN rdv.usagers rc0 ON rc0.id = coalesce(u.responsible_id, u.id)
        WHERE (e->>'id')::integer = ANY (ids) AND NOT ((e->>'id')::integer = ANY (live))
          AND rc0.deleted_at IS NULL
        GROUP BY rc0
    LOOP
        rc := gone.recipient;
        INSERT INTO rdv.usager_outbox (rdv_id, participation_id, recipient_id, event, channel,
                                       payload, starts_at)
        SELECT a.id, gone.pid, rc.id, 'rdv_cancelled', ch.channel,
               rdv.usager_notification_payload(a, 'rdv_cancelled', rc, '{}', seq, NULL)
                   || jsonb_build_object('self', true),
               a.starts_at
        FROM (VALUES ('email'), ('sms')) ch(channel)
        WHERE (ch.channel = 'email' AND rc.notify_by_email AND rc.email IS NOT NULL)
           OR (ch.channel = 'sms' AND rc.notify_by_sms AND rdv.phone_is_mobile(rc.phone_number_formatted));
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_notification_cancel_write(rdv.rdvs, integer[], jsonb, integer) FROM PUBLIC;

CREATE CONSTRAINT TRIGGER usager_notification_flush AFTER INSERT ON rdv.usager_notification_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION rdv.usager_notification_flush();

-- ------------------------------------------------------------------ reminders

-- Write the reminders now due (see the head of this file). Returns the
-- number written; *next: seconds until the next one falls due (NULL: none
-- known). Only the worker calls it.
CREATE FUNCTION rdv.usager_reminders_schedule(OUT written integer, OUT next_in double precision)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    x record;
    k integer;
BEGIN
    IF NOT pg_catalog.pg_has_role(session_user, 'rdv_notifier', 'MEMBER') THEN
        RAISE EXCEPTION 'réservé au service de notification' USING ERRCODE = '42501';
    END IF;
    written := 0;
    FOR x IN
        SELECT r AS rdv, array_agg(p.id ORDER BY p.id) AS ids
        FROM rdv.rdvs r
        JOIN rdv.participations p ON p.rdv_id = r.id
        WHERE r.starts_at > now() AND r.starts_at <= now() + interval '48 hours'
          AND r.status NOT IN ('excused', 'revoked')
          AND p.status NOT IN ('excused', 'revoked')
          AND p.send_reminder_notification
          AND NOT EXISTS (SELECT 1 FROM rdv.usager_outbox q
                          WHERE q.participation_id = p.id AND q.event = 'rdv_reminder'
                            AND NOT q.manual AND q.starts_at = r.starts_at)
          -- Told of this start inside the window already (booked late, moved late).
          AND NOT EXISTS (SELECT 1 FROM rdv.usager_outbox q
                          WHERE q.rdv_id = r.id AND q.participation_id = p.id
                            AND q.event IN ('rdv_created', 'rdv_updated', 'rdv_restored')
                            AND q.starts_at = r.starts_at
                            AND q.created_at >= r.starts_at - interval '48 hours')
        GROUP BY r
    LOOP
        -- One reminder per participation: relatives grouped by recipient,
        -- each participation keyed in the unique index through its first id.
        k := rdv.usager_notification_write(x.rdv, 'rdv_reminder', x.ids, (x.rdv).sequence, NULL, false);
        written := written + k;
        -- Participations folded into another's message must not be picked up
        -- again: mark them with a row of their own that is already done.
        INSERT INTO rdv.usager_outbox (rdv_id, participation_id, recipient_id, event, channel, payload,
                                       starts_at, done_at, last_error)
        SELECT (x.rdv).id, p.id, coalesce(u.responsible_id, u.id), 'rdv_reminder', ch.channel, '{}',
               (x.rdv).starts_at, now(), 'regroupé avec un autre message'
        FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id
        CROSS JOIN (VALUES ('email'), ('sms')) ch(channel)
        WHERE p.id = ANY (x.ids)
        ON CONFLICT DO NOTHING;
    END LOOP;
    SELECT extract(epoch FROM min(r.starts_at - interval '48 hours') - now())
      INTO next_in
      FROM rdv.rdvs r
     WHERE r.starts_at - interval '48 hours' > now()
       AND r.status NOT IN ('excused', 'revoked');
END $$;
REVOKE ALL ON FUNCTION rdv.usager_reminders_schedule() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_reminders_schedule() TO rdv_notifier;

-- "Envoyer un rappel maintenant": one reminder now to every alive
-- participation of an rdv I may see, whatever its flags (the agent asks).
-- Returns the number of messages written.
CREATE FUNCTION rdv.usager_reminder_now(p_rdv_id integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    r rdv.rdvs;
    me integer := rdv.current_agent_id();
    ids integer[];
BEGIN
    SELECT * INTO r FROM rdv.rdvs x WHERE x.id = p_rdv_id;
    IF me IS NULL OR NOT FOUND
       OR NOT (r.organisation_id = ANY (rdv.my_full_access_organisation_ids())
               OR (r.agent_ids @> ARRAY[me] AND r.organisation_id = ANY (rdv.my_organisation_ids()))
               OR r.motif_id = ANY (rdv.my_motif_ids())) THEN
        RAISE EXCEPTION 'rdv introuvable' USING ERRCODE = '42501';
    END IF;
    IF r.starts_at <= now() THEN
        RAISE EXCEPTION 'le rendez-vous a déjà commencé' USING ERRCODE = '22023';
    END IF;
    IF r.status IN ('excused', 'revoked') THEN
        RAISE EXCEPTION 'le rendez-vous est annulé' USING ERRCODE = '22023';
    END IF;
    ids := ARRAY(SELECT p.id FROM rdv.participations p
                 WHERE p.rdv_id = r.id AND p.status NOT IN ('excused', 'revoked') ORDER BY p.id);
    RETURN rdv.usager_notification_write(r, 'rdv_reminder', ids, r.sequence, NULL, true);
END $$;
REVOKE ALL ON FUNCTION rdv.usager_reminder_now(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_reminder_now(integer) TO rdv_agent;
