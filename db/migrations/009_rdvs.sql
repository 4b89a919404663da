-- 009_rdvs: editing rdvs from the agenda, each change one transaction.
--
-- These functions run as the caller (SECURITY INVOKER): row-level security
-- decides what may be changed, exactly as for a plain UPDATE from psql.

-- Save an existing rdv: time, duration, lieu, agents, usagers, context.
-- Agents removed are dropped first and agents added are inserted last, so
-- the overlap constraint is never checked against a state that only exists
-- halfway through. A slot taken meanwhile fails with 23P01.
CREATE FUNCTION rdv.rdv_save(
    rdv_id integer,
    lieu_id integer,
    starts_at timestamptz,
    duration_min integer,
    agent_ids integer[],
    usager_ids integer[],
    acknowledge boolean DEFAULT false,
    context text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    st rdv.rdv_status;
BEGIN
    IF duration_min IS NULL OR duration_min <= 0 OR duration_min > 1440 THEN
        RAISE EXCEPTION 'durée invalide : % min', duration_min USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(rdv_save.agent_ids), 0) = 0 THEN
        RAISE EXCEPTION 'au moins un agent est requis' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT r.status INTO st FROM rdv.rdvs r WHERE r.id = rdv_save.rdv_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'rendez-vous introuvable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM rdv.rdv_agents ra
     WHERE ra.rdv_id = rdv_save.rdv_id AND NOT (ra.agent_id = ANY (rdv_save.agent_ids));
    UPDATE rdv.rdvs r
       SET lieu_id = nullif(rdv_save.lieu_id, 0),
           starts_at = rdv_save.starts_at,
           ends_at = rdv_save.starts_at + make_interval(mins => rdv_save.duration_min),
           overlap_acknowledged = rdv_save.acknowledge,
           context = nullif(btrim(rdv_save.context), '')
     WHERE r.id = rdv_save.rdv_id;
    -- In id order, as rdv_book does: agents are locked in that order (011).
    INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
    SELECT rdv_save.rdv_id, a FROM (SELECT DISTINCT unnest(rdv_save.agent_ids) AS a) s ORDER BY a
    ON CONFLICT DO NOTHING;
    IF usager_ids IS NOT NULL THEN
        DELETE FROM rdv.participations p
         WHERE p.rdv_id = rdv_save.rdv_id AND NOT (p.usager_id = ANY (rdv_save.usager_ids));
        INSERT INTO rdv.participations (rdv_id, usager_id, status)
        SELECT rdv_save.rdv_id, u, st FROM unnest(rdv_save.usager_ids) AS u
        ON CONFLICT DO NOTHING;
    END IF;
END $$;

-- The statuses an agent may choose from, in the territory's calendar
-- (reference R-03): before its day an rdv can only be cancelled; on its day
-- it can be honoured, or marked a no-show once started; afterwards anything;
-- any other status can be reset to unknown.
CREATE FUNCTION rdv.rdv_allowed_statuses(rdv_id integer) RETURNS rdv.rdv_status[]
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
    SELECT CASE
        WHEN r.status <> 'unknown' THEN ARRAY['unknown']::rdv.rdv_status[]
        WHEN (r.starts_at AT TIME ZONE t.time_zone)::date > (now() AT TIME ZONE t.time_zone)::date
            THEN ARRAY['excused', 'revoked']::rdv.rdv_status[]
        WHEN (r.starts_at AT TIME ZONE t.time_zone)::date = (now() AT TIME ZONE t.time_zone)::date
            THEN CASE WHEN r.starts_at <= now()
                      THEN ARRAY['seen', 'noshow', 'excused', 'revoked']::rdv.rdv_status[]
                      ELSE ARRAY['seen', 'excused', 'revoked']::rdv.rdv_status[] END
        ELSE ARRAY['seen', 'noshow', 'excused', 'revoked']::rdv.rdv_status[]
    END
    FROM rdv.rdvs r
    JOIN rdv.organisations o ON o.id = r.organisation_id
    JOIN rdv.territories t ON t.id = o.territory_id
    WHERE r.id = rdv_allowed_statuses.rdv_id
$$;

-- Change an rdv's status and carry it to its participations (R-04):
-- unknown resets them all; excused/revoked go to those not yet cancelled;
-- seen/noshow go to those still unknown.
CREATE FUNCTION rdv.rdv_set_status(rdv_id integer, status rdv.rdv_status) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    allowed rdv.rdv_status[];
BEGIN
    allowed := rdv.rdv_allowed_statuses(rdv_set_status.rdv_id);
    IF allowed IS NULL THEN
        RAISE EXCEPTION 'rendez-vous introuvable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT (rdv_set_status.status = ANY (allowed)) THEN
        RAISE EXCEPTION 'statut « % » impossible pour ce rendez-vous maintenant', rdv_set_status.status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE rdv.rdvs r SET status = rdv_set_status.status WHERE r.id = rdv_set_status.rdv_id;
    IF rdv_set_status.status = 'unknown' THEN
        UPDATE rdv.participations p SET status = 'unknown' WHERE p.rdv_id = rdv_set_status.rdv_id;
    ELSIF rdv_set_status.status IN ('excused', 'revoked') THEN
        UPDATE rdv.participations p SET status = rdv_set_status.status
         WHERE p.rdv_id = rdv_set_status.rdv_id AND p.status NOT IN ('excused', 'revoked');
    ELSE
        UPDATE rdv.participations p SET status = rdv_set_status.status
         WHERE p.rdv_id = rdv_set_status.rdv_id AND p.status = 'unknown';
    END IF;
END $$;

GRANT EXECUTE ON FUNCTION rdv.rdv_save(integer, integer, timestamptz, integer, integer[], integer[],
    boolean, text) TO rdv_agent;
GRANT EXECUTE ON FUNCTION rdv.rdv_allowed_statuses(integer) TO rdv_agent;
GRANT EXECUTE ON FUNCTION rdv.rdv_set_status(integer, rdv.rdv_status) TO rdv_agent;
