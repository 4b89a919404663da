-- 020_usager_notify_statement: the usager notification capture of 017 keeps
-- the image of an rdv's participations before a change of their status or a
-- removal per statement, not per row, as 015 made the audit and the counts:
-- a merge moves a usager's participations with one UPDATE and must not call a
-- PL/pgSQL function per row (tests/usagers/merge_trail.pgtap). Inserts stay a
-- row trigger (one participation at a time, and a merge inserts none).
--
-- Same image as 017's row trigger: per transaction and rdv, the first change
-- wins (ON CONFLICT DO NOTHING); parts are the rdv's participations as they
-- were before the statement (the rows the statement did not touch as they are,
-- the touched ones from the OLD transition table). Only a status change counts
-- for an UPDATE (017: a merge changes usager_id, which tells nobody).

DROP TRIGGER participations_usager_notify_capture ON rdv.participations;
CREATE TRIGGER participations_usager_notify_capture AFTER INSERT ON rdv.participations
    FOR EACH ROW EXECUTE FUNCTION rdv.usager_notify_capture();

CREATE FUNCTION rdv.participations_usager_notify_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO rdv.usager_notification_pending (xid, rdv_id, before, parts)
        SELECT pg_catalog.pg_current_xact_id(), r.id, to_jsonb(r),
               (SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'usager_id', q.usager_id,
                           'status', q.status, 'lifecycle', q.send_lifecycle_notifications)), '[]')
                  FROM (SELECT p.id, p.usager_id, p.status, p.send_lifecycle_notifications
                          FROM rdv.participations p
                         WHERE p.rdv_id = r.id
                           AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = p.id)
                        UNION ALL
                        SELECT o.id, o.usager_id, o.status, o.send_lifecycle_notifications
                          FROM old_rows o WHERE o.rdv_id = r.id) q)
          FROM rdv.rdvs r
         WHERE r.id IN (SELECT n.rdv_id FROM old_rows o JOIN new_rows n ON n.id = o.id
                         WHERE o.status IS DISTINCT FROM n.status)
        ON CONFLICT (xid, rdv_id) DO NOTHING;
    ELSE
        -- DELETE: the removed participations are gone from the table; a
        -- deleted rdv (cascade) has no row left and tells nobody (017).
        INSERT INTO rdv.usager_notification_pending (xid, rdv_id, before, parts)
        SELECT pg_catalog.pg_current_xact_id(), r.id, to_jsonb(r),
               (SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'usager_id', q.usager_id,
                           'status', q.status, 'lifecycle', q.send_lifecycle_notifications)), '[]')
                  FROM (SELECT p.id, p.usager_id, p.status, p.send_lifecycle_notifications
                          FROM rdv.participations p WHERE p.rdv_id = r.id
                        UNION ALL
                        SELECT o.id, o.usager_id, o.status, o.send_lifecycle_notifications
                          FROM old_rows o WHERE o.rdv_id = r.id) q)
          FROM rdv.rdvs r
         WHERE r.id IN (SELECT o.rdv_id FROM old_rows o)
        ON CONFLICT (xid, rdv_id) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rdv.participations_usager_notify_statement() FROM PUBLIC;

CREATE TRIGGER participations_usager_notify_update AFTER UPDATE ON rdv.participations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_usager_notify_statement();
CREATE TRIGGER participations_usager_notify_delete AFTER DELETE ON rdv.participations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.participations_usager_notify_statement();
