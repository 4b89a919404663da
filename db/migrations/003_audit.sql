-- 003_audit: audit trail and change feed.
--
-- Audit: AFTER ROW triggers on rdvs, rdv_agents, participations,
-- plages_ouverture, absences and usagers append to rdv.audit_log who
-- (rdv.current_agent_id() and session_user), when, table, row id, action,
-- old and new values (jsonb). Updates that only touch trigger-maintained
-- caches (rdvs.agent_ids, users_count, updated_at, …) are not logged: the
-- change that caused them is.
--
-- Change feed: AFTER ROW triggers on rdvs, rdv_agents, plages_ouverture and
-- absences send pg_notify('rdv_changes', payload) where payload is the JSON
-- built by rdv.change_feed_payload(): table, id, action, the agent ids
-- concerned and the territory-local day range touched (old and new values
-- merged). Clients LISTEN rdv_changes and refresh what they show. PostgreSQL
-- delivers notifications at commit, and folds identical payloads of one
-- transaction into one.

-- ------------------------------------------------------------------ audit

-- The organisations an audit row belongs to: admins of these organisations
-- read it.
ALTER TABLE rdv.audit_log ADD COLUMN organisation_ids integer[] NOT NULL DEFAULT '{}';
CREATE INDEX audit_log_organisations_idx ON rdv.audit_log USING gin (organisation_ids);

CREATE FUNCTION rdv.audit_organisation_ids(table_name text, old_row jsonb, new_row jsonb)
RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(DISTINCT o ORDER BY o), '{}') FROM (
        SELECT (r->>'organisation_id')::integer AS o
        FROM unnest(ARRAY[old_row, new_row]) AS r
        WHERE table_name IN ('rdvs', 'plages_ouverture')
        UNION ALL
        SELECT x.organisation_id
        FROM unnest(ARRAY[old_row, new_row]) AS r
        JOIN rdv.rdvs x ON x.id = (r->>'rdv_id')::integer
        WHERE table_name IN ('rdv_agents', 'participations')
        UNION ALL
        SELECT ar.organisation_id
        FROM unnest(ARRAY[old_row, new_row]) AS r
        JOIN rdv.agent_roles ar ON ar.agent_id = (r->>'agent_id')::integer
        WHERE table_name = 'absences'
        UNION ALL
        SELECT p.organisation_id
        FROM unnest(ARRAY[old_row, new_row]) AS r
        JOIN rdv.usager_profiles p ON p.usager_id = (r->>'id')::integer
        WHERE table_name = 'usagers'
    ) s WHERE o IS NOT NULL
$$;

-- Trigger arguments: the columns whose changes alone are not worth a row.
CREATE FUNCTION rdv.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    r jsonb;
    rid text;
BEGIN
    IF TG_OP = 'UPDATE' AND (o - TG_ARGV) = (n - TG_ARGV) THEN
        RETURN NULL;
    END IF;
    r := coalesce(n, o);
    rid := CASE TG_TABLE_NAME
           WHEN 'rdv_agents' THEN (r->>'rdv_id') || ':' || (r->>'agent_id')
           ELSE r->>'id' END;
    INSERT INTO rdv.audit_log (agent_id, db_role, table_name, row_id, action,
                               old_values, new_values, organisation_ids)
    VALUES (rdv.current_agent_id(), session_user, TG_TABLE_NAME, rid, TG_OP, o, n,
            rdv.audit_organisation_ids(TG_TABLE_NAME, o, n));
    RETURN NULL;
END $$;

CREATE TRIGGER rdvs_audit AFTER INSERT OR UPDATE OR DELETE ON rdv.rdvs
    FOR EACH ROW EXECUTE FUNCTION rdv.audit_row('agent_ids', 'users_count', 'updated_at', 'sequence');
CREATE TRIGGER rdv_agents_audit AFTER INSERT OR UPDATE OR DELETE ON rdv.rdv_agents
    FOR EACH ROW EXECUTE FUNCTION rdv.audit_row('during', 'active', 'overlap_acknowledged');
CREATE TRIGGER participations_audit AFTER INSERT OR UPDATE OR DELETE ON rdv.participations
    FOR EACH ROW EXECUTE FUNCTION rdv.audit_row();
CREATE TRIGGER plages_ouverture_audit AFTER INSERT OR UPDATE OR DELETE ON rdv.plages_ouverture
    FOR EACH ROW EXECUTE FUNCTION rdv.audit_row('updated_at');
CREATE TRIGGER absences_audit AFTER INSERT OR UPDATE OR DELETE ON rdv.absences
    FOR EACH ROW EXECUTE FUNCTION rdv.audit_row('updated_at');
CREATE TRIGGER usagers_audit AFTER INSERT OR UPDATE OR DELETE ON rdv.usagers
    FOR EACH ROW EXECUTE FUNCTION rdv.audit_row('updated_at');

-- Admins read the audit rows of their organisations (reference §7.2 "history:
-- admin"); 002 already lets the author read their own rows.
CREATE POLICY audit_log_admin ON rdv.audit_log FOR SELECT TO rdv_agent
    USING (organisation_ids && (SELECT rdv.my_admin_organisation_ids()));

-- ------------------------------------------------------------------ change feed

-- The territory time zone of an organisation (Europe/Paris when unknown).
CREATE FUNCTION rdv.organisation_time_zone(organisation_id integer) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce((SELECT t.time_zone FROM rdv.organisations o
                     JOIN rdv.territories t ON t.id = o.territory_id
                     WHERE o.id = $1), 'Europe/Paris')
$$;

-- The NOTIFY payload for one row change:
--   {"table": "rdvs", "id": 12, "action": "UPDATE", "organisation_id": 1,
--    "agent_ids": [1, 4], "from": "2026-03-02", "to": "2026-03-03"}
-- agent_ids and the day range merge the old and the new row; days are the
-- territory's calendar days. "to" is null for a plage or absence repeating
-- forever. For rdv_agents, "id" is the rdv id.
CREATE FUNCTION rdv.change_feed_payload(table_name text, action text, old_row jsonb, new_row jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    rows_ jsonb[] := array_remove(ARRAY[old_row, new_row], NULL);
    r jsonb := coalesce(new_row, old_row);
    org integer;
    tz text;
    agents integer[] := '{}';
    day_from date;
    day_to date;
    open_ended boolean := false;
    x jsonb;
    during tstzrange;
BEGIN
    IF table_name = 'rdv_agents' THEN
        SELECT organisation_id INTO org FROM rdv.rdvs WHERE id = (r->>'rdv_id')::integer;
    ELSE
        org := (r->>'organisation_id')::integer;
    END IF;
    tz := rdv.organisation_time_zone(org);
    FOREACH x IN ARRAY rows_ LOOP
        CASE table_name
        WHEN 'rdvs' THEN
            agents := agents || ARRAY(SELECT jsonb_array_elements_text(x->'agent_ids')::integer);
            during := tstzrange((x->>'starts_at')::timestamptz, (x->>'ends_at')::timestamptz, '[)');
        WHEN 'rdv_agents' THEN
            agents := agents || (x->>'agent_id')::integer;
            during := (x->>'during')::tstzrange;
        ELSE  -- plages_ouverture, absences
            agents := agents || (x->>'agent_id')::integer;
            during := NULL;
            day_from := least(day_from, (x->>'first_day')::date);
            IF x->>'last_day' IS NULL THEN
                open_ended := true;
            ELSE
                day_to := greatest(day_to, (x->>'last_day')::date);
            END IF;
        END CASE;
        IF during IS NOT NULL THEN
            day_from := least(day_from, (lower(during) AT TIME ZONE tz)::date);
            day_to := greatest(day_to,
                ((upper(during) - interval '1 microsecond') AT TIME ZONE tz)::date);
        END IF;
    END LOOP;
    RETURN jsonb_build_object(
        'table', table_name,
        'id', CASE WHEN table_name = 'rdv_agents' THEN (r->>'rdv_id')::integer
                   ELSE (r->>'id')::integer END,
        'action', action,
        'organisation_id', org,
        'agent_ids', to_jsonb(ARRAY(SELECT DISTINCT a FROM unnest(agents) a
                                    WHERE a IS NOT NULL ORDER BY a)),
        'from', day_from,
        'to', CASE WHEN open_ended THEN NULL ELSE day_to END);
END $$;

-- Trigger arguments: columns whose changes alone do not notify (caches).
CREATE FUNCTION rdv.change_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
    IF TG_OP = 'UPDATE' AND (o - TG_ARGV) = (n - TG_ARGV) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('rdv_changes', rdv.change_feed_payload(TG_TABLE_NAME, TG_OP, o, n)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER rdvs_change_feed AFTER INSERT OR UPDATE OR DELETE ON rdv.rdvs
    FOR EACH ROW EXECUTE FUNCTION rdv.change_feed('agent_ids', 'users_count', 'updated_at', 'sequence');
CREATE TRIGGER rdv_agents_change_feed AFTER INSERT OR UPDATE OR DELETE ON rdv.rdv_agents
    FOR EACH ROW EXECUTE FUNCTION rdv.change_feed('active', 'overlap_acknowledged');
CREATE TRIGGER plages_ouverture_change_feed AFTER INSERT OR UPDATE OR DELETE ON rdv.plages_ouverture
    FOR EACH ROW EXECUTE FUNCTION rdv.change_feed('updated_at');
CREATE TRIGGER absences_change_feed AFTER INSERT OR UPDATE OR DELETE ON rdv.absences
    FOR EACH ROW EXECUTE FUNCTION rdv.change_feed('updated_at');
