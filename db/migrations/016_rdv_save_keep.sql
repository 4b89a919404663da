-- 016_rdv_save_keep: saving an rdv keeps the agents the saver may not list.
--
-- A basic agent sees an rdv shared with a colleague of another service (a
-- secretary, say) but may not list that colleague (row-level security on
-- agents and on the rdv_agents insert policy). 009's rdv_save re-inserted
-- every agent of the form with ON CONFLICT DO NOTHING, which still checks
-- the insert policy: saving such an rdv was refused, and a form without the
-- colleague would have dropped them. Now only the agents not already on the
-- rdv are inserted; those already there (read from rdvs.agent_ids, kept in
-- step by rdv_agent_ids_sync) are left alone.
CREATE OR REPLACE FUNCTION rdv.rdv_save(
    rdv_id integer,
    lieu_id integer,
    starts_at timestamptz,
    duration_min integer,
    agent_ids integer[],
    usager_ids integer[],
    acknowledge boolean DEFAULT false,
    context text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
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
    SELECT rdv_save.rdv_id, a FROM (SELECT DISTINCT unnest(rdv_save.agent_ids) AS a) s
     WHERE NOT (s.a = ANY ((SELECT r.agent_ids FROM rdv.rdvs r WHERE r.id = rdv_save.rdv_id)::integer[]))
     ORDER BY a
    ON CONFLICT DO NOTHING;
    IF usager_ids IS NOT NULL THEN
        DELETE FROM rdv.participations p
         WHERE p.rdv_id = rdv_save.rdv_id AND NOT (p.usager_id = ANY (rdv_save.usager_ids));
        INSERT INTO rdv.participations (rdv_id, usager_id, status)
        SELECT rdv_save.rdv_id, u, st FROM unnest(rdv_save.usager_ids) AS u
        ON CONFLICT DO NOTHING;
    END IF;
END $$;
REVOKE ALL ON FUNCTION rdv.rdv_save(integer, integer, timestamptz, integer, integer[], integer[],
    boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.rdv_save(integer, integer, timestamptz, integer, integer[], integer[],
    boolean, text) TO rdv_agent;
