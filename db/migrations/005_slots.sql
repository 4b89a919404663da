-- 005_slots: what "Trouver un RDV" reads, and booking.
--
-- Busy times count across organisations (spec/slots.md §3 rule 4): an rdv of
-- an agent in an organisation the caller cannot see still blocks the slot.
-- Row-level security hides those rows, so rdv.slots_busy reads them as the
-- owner and hands back times only (who, from, to), never what or with whom,
-- and only for agents the caller may see. Plages themselves are read under
-- the caller's row-level security by the data-access layer (db/slots.c).
--
-- Booking is rdv.rdv_book: the rdv, its agents and its participations in one
-- statement, so a killed client leaves nothing half done. It runs as the
-- caller: the insert policies of 002 are the rights check. Two desks booking
-- one slot meet on the exclusion constraint rdv_agents_no_overlap: one
-- succeeds, the other gets SQLSTATE 23P01 ("Ce créneau vient d'être pris").

-- ------------------------------------------------------------------ busy times

-- Busy times of agents over the local days [from_day, to_day] of a time
-- zone, all organisations together, without details:
--   kind 'rdv':     a non-cancelled rdv (unknown, seen, noshow) of the agent
--                   meeting [from_day 00:00, to_day + 1 00:00) local, as
--                   (starts_at, ends_at);
--   kind 'absence': an absence of the agent that may have an occurrence on
--                   those days, as (first_day, start_time, end_day, end_time,
--                   rrule), wall-clock like the table;
--   kind 'agent':   one row per agent with their short name ("J. BERNARD"),
--                   which the search shows beside each slot.
-- Agents the caller may not see (rdv.visible_agent_ids, the rule of the
-- agents policy) are left out; ids of rdvs and absences, titles, motifs and
-- usagers never come out. The names come from here rather than from a
-- second read of rdv.agents because the visibility rule is the same and is
-- the costly part of both (one evaluation instead of two per search).
CREATE FUNCTION rdv.slots_busy(agents integer[], from_day date, to_day date, zone text)
RETURNS TABLE (agent_id integer, kind text, starts_at timestamptz, ends_at timestamptz,
               first_day date, start_time time, end_day date, end_time time, rrule text,
               name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    -- "agent_id = ANY (array)" rather than a join on unnest(): the planner
    -- then takes one bitmap scan of the (agent_id, during) GiST index for
    -- all the agents instead of guessing a hash join over the whole table.
    WITH a AS (
        SELECT ARRAY(SELECT DISTINCT x FROM unnest(slots_busy.agents) AS x
                     WHERE x = ANY ((SELECT rdv.visible_agent_ids())::integer[])) AS ids
    )
    SELECT ra.agent_id, 'rdv'::text, lower(ra.during), upper(ra.during),
           NULL::date, NULL::time, NULL::date, NULL::time, NULL::text, NULL::text
    FROM rdv.rdv_agents ra
    WHERE ra.agent_id = ANY ((SELECT a.ids FROM a)::integer[])
      AND ra.active
      AND ra.during && tstzrange(slots_busy.from_day::timestamp AT TIME ZONE slots_busy.zone,
                                 (slots_busy.to_day + 1)::timestamp AT TIME ZONE slots_busy.zone,
                                 '[)')
    UNION ALL
    SELECT ab.agent_id, 'absence'::text, NULL::timestamptz, NULL::timestamptz,
           ab.first_day, ab.start_time, ab.end_day, ab.end_time, nullif(ab.rrule, ''), NULL::text
    FROM rdv.absences ab
    WHERE ab.agent_id = ANY ((SELECT a.ids FROM a)::integer[])
      AND ab.first_day <= slots_busy.to_day
      AND (ab.last_day IS NULL OR ab.last_day >= slots_busy.from_day)
    UNION ALL
    SELECT ag.id, 'agent'::text, NULL::timestamptz, NULL::timestamptz,
           NULL::date, NULL::time, NULL::date, NULL::time, NULL::text,
           coalesce(left(nullif(btrim(ag.first_name), ''), 1) || '. ', '') || upper(ag.last_name)
    FROM rdv.agents ag
    WHERE ag.id = ANY ((SELECT a.ids FROM a)::integer[])
$$;
COMMENT ON FUNCTION rdv.slots_busy(integer[], date, date, text) IS
    'Busy times (non-cancelled rdvs, absences) and short names of the visible agents among $1 over local days [$2, $3] of zone $4, all organisations, without details';
REVOKE ALL ON FUNCTION rdv.slots_busy(integer[], date, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.slots_busy(integer[], date, date, text) TO rdv_agent;

-- ------------------------------------------------------------------ booking

-- Book an rdv of a motif at a local wall-clock time of the motif's
-- territory, for duration_min minutes, with agents and usagers, in one
-- transaction. The organisation is the motif's; the author is the caller
-- (created_by 'agent'). Every participant and their family (responsible,
-- relatives) the caller can see gets a profile in the organisation
-- (reference R-32). Returns the new rdv's id.
--
-- SECURITY INVOKER: the caller's insert policies decide (motif usable by
-- the caller in one of their organisations, agents visible, usagers
-- visible); a refusal is SQLSTATE 42501. Bad arguments are 22023. A slot
-- taken meanwhile fails on rdv_agents_no_overlap with 23P01, unless
-- overlap_acknowledged ("Confirmer en ignorant les avertissements").
CREATE FUNCTION rdv.rdv_book(motif_id integer, lieu_id integer, starts_at timestamp,
                             duration_min integer, agent_ids integer[], usager_ids integer[],
                             overlap_acknowledged boolean DEFAULT false,
                             context text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    org integer;
    zone text;
    is_collectif boolean;
    t0 timestamptz;
    new_id integer;
BEGIN
    SELECT m.organisation_id, t.time_zone, m.collectif INTO org, zone, is_collectif
    FROM rdv.motifs m
    JOIN rdv.organisations o ON o.id = m.organisation_id
    JOIN rdv.territories t ON t.id = o.territory_id
    WHERE m.id = rdv_book.motif_id AND m.deleted_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'motif % inconnu', rdv_book.motif_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF rdv_book.starts_at IS NULL OR rdv_book.duration_min IS NULL
       OR rdv_book.duration_min NOT BETWEEN 1 AND 1440 THEN
        RAISE EXCEPTION 'début et durée (1 à 1440 minutes) attendus'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(rdv_book.agent_ids), 0) = 0 OR array_position(rdv_book.agent_ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'au moins un agent est requis' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF array_position(rdv_book.usager_ids, NULL) IS NOT NULL
       OR (NOT is_collectif AND coalesce(cardinality(rdv_book.usager_ids), 0) = 0) THEN
        RAISE EXCEPTION 'au moins un usager est requis pour ce motif'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF rdv_book.lieu_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM rdv.lieux l WHERE l.id = rdv_book.lieu_id AND l.organisation_id = org) THEN
        RAISE EXCEPTION 'lieu % inconnu dans l''organisation du motif', rdv_book.lieu_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    t0 := rdv_book.starts_at AT TIME ZONE zone;
    INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at, context,
                          created_by, created_by_agent_id, overlap_acknowledged)
    VALUES (org, rdv_book.motif_id, rdv_book.lieu_id, t0,
            t0 + make_interval(mins => rdv_book.duration_min),
            nullif(btrim(rdv_book.context), ''), 'agent', rdv.current_agent_id(),
            coalesce(rdv_book.overlap_acknowledged, false))
    RETURNING id INTO new_id;

    -- The exclusion constraint checks here, against committed and
    -- in-flight rows alike: a concurrent booking of the same agent and time
    -- waits for the other transaction, then fails with 23P01.
    INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
    SELECT new_id, a FROM (SELECT DISTINCT unnest(rdv_book.agent_ids) AS a) s ORDER BY a;

    INSERT INTO rdv.participations (rdv_id, usager_id)
    SELECT new_id, u FROM (SELECT DISTINCT unnest(rdv_book.usager_ids) AS u) s ORDER BY u;

    -- R-32: the participants and their whole family belong to the
    -- organisation from now on. Reads go through the caller's row-level
    -- security, so only usagers the caller sees are added.
    INSERT INTO rdv.usager_profiles (organisation_id, usager_id)
    SELECT org, f.id
    FROM (SELECT u.id FROM rdv.usagers u WHERE u.id = ANY (rdv_book.usager_ids)
          UNION
          SELECT u.responsible_id FROM rdv.usagers u
          WHERE u.id = ANY (rdv_book.usager_ids) AND u.responsible_id IS NOT NULL
          UNION
          SELECT r.id FROM rdv.usagers u
          JOIN rdv.usagers r ON r.responsible_id IN (u.id, u.responsible_id)
          WHERE u.id = ANY (rdv_book.usager_ids)) f
    WHERE EXISTS (SELECT 1 FROM rdv.usagers v WHERE v.id = f.id AND v.deleted_at IS NULL)
    ORDER BY f.id
    ON CONFLICT DO NOTHING;

    RETURN new_id;
END $$;
COMMENT ON FUNCTION rdv.rdv_book(integer, integer, timestamp, integer, integer[], integer[], boolean, text) IS
    'Book an rdv (local start, duration) with its agents and participants in one transaction; 23P01 when the slot was taken';
REVOKE ALL ON FUNCTION rdv.rdv_book(integer, integer, timestamp, integer, integer[], integer[], boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.rdv_book(integer, integer, timestamp, integer, integer[], integer[], boolean, text) TO rdv_agent;
