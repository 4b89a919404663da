-- 019_plage_warning_kinds: a plage's warnings as data; their French text is
-- the client's (src/core/warning.c: one sentence per kind, for the plage,
-- rdv and booking paths alike).
--
-- rdv.plage_warning_items is 012's rdv.plage_warnings returning a kind and
-- its parameters instead of a sentence: 'plage_overlap' (w_day, and the
-- other plage's w_title, w_start, w_end when the caller may see it: NULL for
-- another organisation's) and 'motif_too_long' (w_motif, w_duration,
-- w_length). rdv.plage_store is 008's rdv.plage_save returning those
-- columns; the client calls it. rdv.plage_save and rdv.plage_warnings keep
-- their signature and their sentences for SQL callers, now as thin
-- wrappers over the two (their wording is rdv.plage_warning_text's, kept
-- word for word with warning_text()).

CREATE FUNCTION rdv.plage_warning_items(plage_id integer, agent_id integer, organisation_id integer,
                                              first_day date, start_time time, end_time time, rrule text,
                                              motif_ids integer[], today date DEFAULT current_date)
RETURNS TABLE (w_kind text, w_day date, w_title text, w_start time, w_end time, w_motif text,
               w_duration integer, w_length integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    p record;
    shared date;
    new_rec boolean := coalesce(plage_warning_items.rrule, '') <> '';
    new_last date := CASE WHEN coalesce(plage_warning_items.rrule, '') = '' THEN plage_warning_items.first_day
                          ELSE rdv.rrule_until(plage_warning_items.rrule) END;
    m record;
    len int := (extract(epoch FROM plage_warning_items.end_time - plage_warning_items.start_time) / 60)::int;
BEGIN
    IF NOT (plage_warning_items.agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[])) THEN
        RETURN;
    END IF;
    FOR p IN SELECT o.id, o.title, o.organisation_id, o.first_day, o.rrule, o.last_day,
                    o.start_time, o.end_time
             FROM rdv.plages_ouverture o
             WHERE o.agent_id = plage_warning_items.agent_id
               AND o.id IS DISTINCT FROM plage_warning_items.plage_id
               AND o.start_time < plage_warning_items.end_time AND plage_warning_items.start_time < o.end_time
             ORDER BY o.first_day, o.start_time, o.id LOOP
        shared := NULL;
        IF NOT new_rec AND coalesce(p.rrule, '') = '' THEN
            IF p.first_day = plage_warning_items.first_day THEN
                shared := p.first_day;
            END IF;
        ELSIF NOT new_rec THEN
            IF plage_warning_items.first_day >= today
               AND rdv.rrule_occurs(p.rrule, p.first_day, plage_warning_items.first_day) THEN
                shared := plage_warning_items.first_day;
            END IF;
        ELSIF coalesce(p.rrule, '') = '' THEN
            IF p.first_day >= today
               AND rdv.rrule_occurs(plage_warning_items.rrule, plage_warning_items.first_day, p.first_day) THEN
                shared := p.first_day;
            END IF;
        ELSE
            SELECT d INTO shared
            FROM rdv.rrule_occurrences(plage_warning_items.rrule, plage_warning_items.first_day,
                                       greatest(least(p.first_day, plage_warning_items.first_day), today),
                                       least(coalesce(p.last_day, today + 183),
                                             coalesce(new_last, today + 183), today + 183)) AS d
            WHERE rdv.rrule_occurs(p.rrule, p.first_day, d)
            ORDER BY d LIMIT 1;
        END IF;
        IF shared IS NOT NULL THEN
            -- Another organisation's plage: when, not what.
            w_kind := 'plage_overlap'; w_day := shared;
            IF p.organisation_id = plage_warning_items.organisation_id
               AND p.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]) THEN
                w_title := p.title; w_start := p.start_time; w_end := p.end_time;
            ELSE
                w_title := NULL; w_start := NULL; w_end := NULL;
            END IF;
            w_motif := NULL; w_duration := NULL; w_length := NULL;
            RETURN NEXT;
        END IF;
    END LOOP;
    FOR m IN SELECT x.name, x.default_duration_in_min AS duration FROM rdv.motifs x
             WHERE x.id = ANY (plage_warning_items.motif_ids) AND x.default_duration_in_min > len
               AND (x.id = ANY ((SELECT rdv.my_motif_ids())::integer[])
                    OR x.id = ANY ((SELECT rdv.my_rdv_motif_ids())::integer[]))
             ORDER BY x.name LOOP
        w_kind := 'motif_too_long'; w_day := NULL; w_title := NULL; w_start := NULL; w_end := NULL;
        w_motif := m.name; w_duration := m.duration; w_length := len;
        RETURN NEXT;
    END LOOP;
END $$;

CREATE FUNCTION rdv.plage_store(plage_id integer, agent_id integer, organisation_id integer,
                               lieu_id integer, title text, first_day date, start_time time,
                               end_time time, rrule text, motif_ids integer[],
                               acknowledge boolean DEFAULT false, today date DEFAULT current_date)
RETURNS TABLE (saved_id integer, w_kind text, w_day date, w_title text, w_start time, w_end time,
               w_motif text, w_duration integer, w_length integer)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    p_id integer := nullif(plage_store.plage_id, 0);
    p_lieu integer := nullif(plage_store.lieu_id, 0);
    p_rule text := nullif(btrim(coalesce(plage_store.rrule, '')), '');
    p_org integer := plage_store.organisation_id;
    usable integer[];
    msg text;
    bad text;
    n integer := 0;
    w record;
BEGIN
    IF rdv.current_agent_id() IS NULL THEN
        RAISE EXCEPTION 'vous n''êtes pas un agent' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_id IS NOT NULL THEN
        -- The organisation of a plage does not change.
        SELECT o.organisation_id INTO p_org FROM rdv.plages_ouverture o WHERE o.id = p_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'plage introuvable' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF btrim(coalesce(plage_store.title, '')) = '' THEN
        RAISE EXCEPTION 'Titre : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF plage_store.first_day IS NULL OR plage_store.start_time IS NULL OR plage_store.end_time IS NULL THEN
        RAISE EXCEPTION 'Date : date et heures obligatoires' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    msg := rdv.agenda_date_error('Date', plage_store.first_day);
    IF msg IS NULL AND rdv.rrule_until(p_rule) IS NOT NULL THEN
        msg := rdv.agenda_date_error('Jusqu''au', rdv.rrule_until(p_rule));
    END IF;
    IF msg IS NOT NULL THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF plage_store.end_time <= plage_store.start_time THEN
        RAISE EXCEPTION 'Fin : doit être après le début (%)', to_char(plage_store.start_time, 'HH24:MI')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    msg := rdv.rrule_error(p_rule, plage_store.first_day);
    IF msg IS NOT NULL THEN
        RAISE EXCEPTION 'Répétition : %', msg USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(plage_store.motif_ids), 0) = 0 THEN
        RAISE EXCEPTION 'Motifs : cochez au moins un motif' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    usable := rdv.plage_motif_ids(plage_store.agent_id, p_org);
    SELECT string_agg(coalesce(m.name, '#' || x::text), ', ') INTO bad
    FROM unnest(plage_store.motif_ids) x LEFT JOIN rdv.motifs m ON m.id = x
    WHERE NOT (x = ANY (usable));
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'Motifs : « % » non utilisable dans les plages de cet agent', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT m.name INTO bad FROM rdv.motifs m
    WHERE m.id = ANY (plage_store.motif_ids) AND m.location_type = 'public_office'
    ORDER BY m.name LIMIT 1;
    IF bad IS NOT NULL AND p_lieu IS NULL THEN
        RAISE EXCEPTION 'Lieu : obligatoire pour le motif sur place « % »', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_lieu IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM rdv.lieux l
        WHERE l.id = p_lieu AND l.organisation_id = p_org AND l.availability = 'enabled') THEN
        RAISE EXCEPTION 'Lieu : introuvable ou désactivé dans cette organisation'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF NOT plage_store.acknowledge THEN
        FOR w IN SELECT * FROM rdv.plage_warning_items(p_id, plage_store.agent_id, p_org,
                                                       plage_store.first_day, plage_store.start_time,
                                                       plage_store.end_time, p_rule,
                                                       plage_store.motif_ids, plage_store.today) LOOP
            saved_id := NULL;
            w_kind := w.w_kind; w_day := w.w_day; w_title := w.w_title;
            w_start := w.w_start; w_end := w.w_end; w_motif := w.w_motif;
            w_duration := w.w_duration; w_length := w.w_length;
            n := n + 1;
            RETURN NEXT;
        END LOOP;
        IF n > 0 THEN
            RETURN;
        END IF;
    END IF;

    IF p_id IS NULL THEN
        p_id := nextval('rdv.plages_ouverture_id_seq');
        INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day,
                                          start_time, end_time, rrule)
        VALUES (p_id, p_org, plage_store.agent_id, p_lieu, btrim(plage_store.title),
                plage_store.first_day, plage_store.start_time, plage_store.end_time, p_rule);
    ELSE
        UPDATE rdv.plages_ouverture o
           SET agent_id = plage_store.agent_id, lieu_id = p_lieu, title = btrim(plage_store.title),
               first_day = plage_store.first_day, start_time = plage_store.start_time,
               end_time = plage_store.end_time, rrule = p_rule, updated_at = now()
         WHERE o.id = p_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'plage introuvable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        DELETE FROM rdv.plage_motifs pm
         WHERE pm.plage_id = p_id AND NOT (pm.motif_id = ANY (plage_store.motif_ids));
    END IF;
    INSERT INTO rdv.plage_motifs (plage_id, motif_id)
    SELECT p_id, x FROM unnest(plage_store.motif_ids) AS x
    ON CONFLICT DO NOTHING;
    saved_id := p_id;
    RETURN NEXT;
END $$;

-- The French sentence of a plage warning, for the SQL callers of
-- rdv.plage_save and rdv.plage_warnings (the client builds its own,
-- src/core/warning.c). Pure: no table read.
CREATE FUNCTION rdv.plage_warning_text(kind text, day date, title text, start_time time,
                                       end_time time, motif text, duration integer, length integer)
RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT CASE
        WHEN kind = 'plage_overlap' AND title IS NOT NULL THEN
            format('Chevauche la plage « %s » (%s–%s), par exemple le %s', title,
                   to_char(start_time, 'HH24:MI'), to_char(end_time, 'HH24:MI'), rdv.date_fr(day))
        WHEN kind = 'plage_overlap' THEN
            format('Chevauche une plage de l''agent dans une autre organisation, par exemple le %s',
                   rdv.date_fr(day))
        WHEN kind = 'motif_too_long' THEN
            format('Le motif « %s » dure %s min, plus que la plage (%s min)', motif, duration, length)
        ELSE kind
    END
$$;

CREATE OR REPLACE FUNCTION rdv.plage_warnings(plage_id integer, agent_id integer, organisation_id integer,
                                              first_day date, start_time time, end_time time, rrule text,
                                              motif_ids integer[], today date DEFAULT current_date)
RETURNS SETOF text
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT rdv.plage_warning_text(w.w_kind, w.w_day, w.w_title, w.w_start, w.w_end, w.w_motif,
                                  w.w_duration, w.w_length)
    FROM rdv.plage_warning_items($1, $2, $3, $4, $5, $6, $7, $8, $9) w
$$;

CREATE OR REPLACE FUNCTION rdv.plage_save(plage_id integer, agent_id integer, organisation_id integer,
                                          lieu_id integer, title text, first_day date, start_time time,
                                          end_time time, rrule text, motif_ids integer[],
                                          acknowledge boolean DEFAULT false, today date DEFAULT current_date)
RETURNS TABLE (saved_id integer, warning text)
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT s.saved_id,
           CASE WHEN s.w_kind IS NOT NULL
                THEN rdv.plage_warning_text(s.w_kind, s.w_day, s.w_title, s.w_start, s.w_end,
                                            s.w_motif, s.w_duration, s.w_length) END
    FROM rdv.plage_store($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) s
$$;

REVOKE ALL ON FUNCTION
    rdv.plage_warning_items(integer, integer, integer, date, time, time, text, integer[], date),
    rdv.plage_store(integer, integer, integer, integer, text, date, time, time, text, integer[], boolean, date),
    rdv.plage_warning_text(text, date, text, time, time, text, integer, integer),
    rdv.plage_warnings(integer, integer, integer, date, time, time, text, integer[], date),
    rdv.plage_save(integer, integer, integer, integer, text, date, time, time, text, integer[], boolean, date)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    rdv.plage_warning_items(integer, integer, integer, date, time, time, text, integer[], date),
    rdv.plage_store(integer, integer, integer, integer, text, date, time, time, text, integer[], boolean, date),
    rdv.plage_warning_text(text, date, text, time, time, text, integer, integer),
    rdv.plage_warnings(integer, integer, integer, date, time, time, text, integer[], date),
    rdv.plage_save(integer, integer, integer, integer, text, date, time, time, text, integer[], boolean, date)
    TO rdv_agent;
