-- 008_agenda_admin: plages d'ouverture, indisponibilités and the admin screens.
--
-- Plages and absences are saved through functions that run as the caller
-- (SECURITY INVOKER): row-level security decides who may write what, exactly
-- as for a plain INSERT from psql; the functions add the checks that give a
-- French message naming the field, and make multi-row writes (a plage and
-- its motifs) one statement, hence one transaction.
--
-- Agents are created and edited by SECURITY DEFINER functions with an
-- explicit admin check: creating an agent also creates their PostgreSQL
-- login role (the migrations run as a superuser, who owns these functions
-- and may CREATE ROLE). Motifs and lieux are written under row-level
-- security (admins of the organisation only).
--
-- Messages: refusals are SQLSTATE 42501; input problems are 22023 with a
-- French message starting with the field's label ("Lieu : …").

-- ------------------------------------------------------------------ recurrence

-- Whether day d is an occurrence of the rule (the subset rdv.rrule_error
-- accepts) started on first_day. Weekly intervals count Monday-based weeks
-- from first_day's week; monthly rules are "the n-th weekday", in months
-- counted from first_day's month; a month without that n-th weekday has no
-- occurrence (reference §1.20). No rule: first_day only.
CREATE FUNCTION rdv.rrule_occurs(rule text, first_day date, d date) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
    days text[] := ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    intv int;
    byday text;
    until_ date;
BEGIN
    IF d < first_day THEN
        RETURN false;
    END IF;
    IF rule IS NULL OR rule = '' THEN
        RETURN d = first_day;
    END IF;
    until_ := to_date(substring(rule FROM 'UNTIL=([0-9]{8})'), 'YYYYMMDD');
    IF until_ IS NOT NULL AND d > until_ THEN
        RETURN false;
    END IF;
    intv := coalesce(substring(rule FROM 'INTERVAL=([0-9]+)')::int, 1);
    byday := substring(rule FROM 'BYDAY=([0-9A-Z,]+)');
    IF rule LIKE '%FREQ=WEEKLY%' THEN
        RETURN days[extract(isodow FROM d)::int]
                   = ANY (string_to_array(coalesce(byday, days[extract(isodow FROM first_day)::int]), ','))
           AND ((date_trunc('week', d)::date - date_trunc('week', first_day)::date) / 7) % intv = 0;
    END IF;
    RETURN substr(byday, 2) = days[extract(isodow FROM d)::int]
       AND (extract(day FROM d)::int - 1) / 7 + 1 = substr(byday, 1, 1)::int
       AND ((extract(year FROM d) * 12 + extract(month FROM d))
            - (extract(year FROM first_day) * 12 + extract(month FROM first_day)))::int % intv = 0;
END $$;

-- The occurrence dates of a rule in [from_day, to_day], ascending.
CREATE FUNCTION rdv.rrule_occurrences(rule text, first_day date, from_day date, to_day date)
RETURNS SETOF date
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT d::date
    FROM generate_series(greatest(first_day, from_day)::timestamp,
                         least(to_day, CASE WHEN rule IS NULL OR rule = '' THEN first_day
                                            ELSE coalesce(rdv.rrule_until(rule), to_day) END)::timestamp,
                         interval '1 day') AS d
    WHERE rdv.rrule_occurs(rule, first_day, d::date)
    ORDER BY d
$$;

-- "18/05/2026"
CREATE FUNCTION rdv.date_fr(d date) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT to_char(d, 'DD/MM/YYYY')
$$;

-- The dates a plage or an absence may take (reference §1.10: from 2018 to
-- five years from now).
CREATE FUNCTION rdv.agenda_date_error(label text, d date) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT CASE WHEN d < date '2018-01-01' OR d > current_date + interval '5 years'
                THEN format('%s : date entre le 01/01/2018 et dans cinq ans', label) END
$$;

-- ------------------------------------------------------------------ plages d'ouverture

-- The motifs an agent may put in their own plages of an organisation
-- (reference §7.2 "Motifs usable in the agent's own plages" and §1.10):
-- individual (not collectif), not deleted motifs of the organisation; all of
-- them for an admin of the organisation, otherwise those of the agent's
-- services plus the for_secretariat ones when the agent is secretariat.
-- Empty for an agent the caller may not see.
CREATE FUNCTION rdv.plage_motif_ids(agent_id integer, organisation_id integer) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT coalesce(array_agg(m.id ORDER BY m.id), '{}')
    FROM rdv.motifs m
    WHERE m.organisation_id = $2 AND m.deleted_at IS NULL AND NOT m.collectif
      AND $1 = ANY ((SELECT rdv.visible_agent_ids())::integer[])
      AND (EXISTS (SELECT 1 FROM rdv.agent_roles r
                   WHERE r.agent_id = $1 AND r.organisation_id = $2 AND r.access_level = 'admin')
           OR m.service_id IN (SELECT s.service_id FROM rdv.agent_services s WHERE s.agent_id = $1)
           OR (m.for_secretariat AND EXISTS (
                   SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id
                   WHERE s.agent_id = $1 AND v.name = 'Secrétariat')))
$$;

-- What an agent should know before saving a plage (reference R-23 and
-- §1.10 "benign errors"): another plage of the same agent overlapping it,
-- and a motif lasting longer than the plage. "today" is the caller's day
-- (injected in tests). Overlap (R-23): the times of day intersect (open
-- touching: 09:00–12:00 and 12:00–13:00 do not) and
--   - both exceptional: same date;
--   - one exceptional: its date, not past, is an occurrence of the other;
--   - both recurring: they share an occurrence date between max(the earlier
--     first day, today) and min(the ends that exist, today + 6 months).
-- Plages of other organisations count (the agent is one person) but are
-- named without their title. Runs as the owner to see them; only for agents
-- the caller may see.
CREATE FUNCTION rdv.plage_warnings(plage_id integer, agent_id integer, organisation_id integer,
                                   first_day date, start_time time, end_time time, rrule text,
                                   motif_ids integer[], today date DEFAULT current_date)
RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
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
            IF p.organisation_id = plage_warnings.organisation_id THEN
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
             ORDER BY x.name LOOP
        RETURN NEXT format('Le motif « %s » dure %s min, plus que la plage (%s min)',
                           m.name, m.duration, len);
    END LOOP;
END $$;

-- Create (plage_id NULL or 0) or update a plage and its motifs, in one
-- statement. Without acknowledge, warnings (rdv.plage_warnings) come back as
-- rows (plage_id NULL, warning) and nothing is saved; with it, or when there
-- is none, the plage is saved and one row (plage_id, NULL) comes back.
-- Runs as the caller: row-level security decides whose plages may be written
-- (a basic agent: their own and their confrères').
CREATE FUNCTION rdv.plage_save(plage_id integer, agent_id integer, organisation_id integer,
                               lieu_id integer, title text, first_day date, start_time time,
                               end_time time, rrule text, motif_ids integer[],
                               acknowledge boolean DEFAULT false, today date DEFAULT current_date)
RETURNS TABLE (saved_id integer, warning text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    p_id integer := nullif(plage_save.plage_id, 0);
    p_lieu integer := nullif(plage_save.lieu_id, 0);
    p_rule text := nullif(btrim(coalesce(plage_save.rrule, '')), '');
    p_org integer := plage_save.organisation_id;
    usable integer[];
    msg text;
    bad text;
    n integer := 0;
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
    IF btrim(coalesce(plage_save.title, '')) = '' THEN
        RAISE EXCEPTION 'Titre : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF plage_save.first_day IS NULL OR plage_save.start_time IS NULL OR plage_save.end_time IS NULL THEN
        RAISE EXCEPTION 'Date : date et heures obligatoires' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    msg := rdv.agenda_date_error('Date', plage_save.first_day);
    IF msg IS NULL AND rdv.rrule_until(p_rule) IS NOT NULL THEN
        msg := rdv.agenda_date_error('Jusqu''au', rdv.rrule_until(p_rule));
    END IF;
    IF msg IS NOT NULL THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF plage_save.end_time <= plage_save.start_time THEN
        RAISE EXCEPTION 'Fin : doit être après le début (%)', to_char(plage_save.start_time, 'HH24:MI')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    msg := rdv.rrule_error(p_rule, plage_save.first_day);
    IF msg IS NOT NULL THEN
        RAISE EXCEPTION 'Répétition : %', msg USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(plage_save.motif_ids), 0) = 0 THEN
        RAISE EXCEPTION 'Motifs : cochez au moins un motif' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    usable := rdv.plage_motif_ids(plage_save.agent_id, p_org);
    SELECT string_agg(coalesce(m.name, '#' || x::text), ', ') INTO bad
    FROM unnest(plage_save.motif_ids) x LEFT JOIN rdv.motifs m ON m.id = x
    WHERE NOT (x = ANY (usable));
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'Motifs : « % » non utilisable dans les plages de cet agent', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT m.name INTO bad FROM rdv.motifs m
    WHERE m.id = ANY (plage_save.motif_ids) AND m.location_type = 'public_office'
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

    IF NOT plage_save.acknowledge THEN
        FOR msg IN SELECT w FROM rdv.plage_warnings(p_id, plage_save.agent_id, p_org,
                                                    plage_save.first_day, plage_save.start_time,
                                                    plage_save.end_time, p_rule,
                                                    plage_save.motif_ids, plage_save.today) w LOOP
            saved_id := NULL;
            warning := msg;
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
        VALUES (p_id, p_org, plage_save.agent_id, p_lieu, btrim(plage_save.title),
                plage_save.first_day, plage_save.start_time, plage_save.end_time, p_rule);
    ELSE
        UPDATE rdv.plages_ouverture o
           SET agent_id = plage_save.agent_id, lieu_id = p_lieu, title = btrim(plage_save.title),
               first_day = plage_save.first_day, start_time = plage_save.start_time,
               end_time = plage_save.end_time, rrule = p_rule, updated_at = now()
         WHERE o.id = p_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'plage introuvable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        DELETE FROM rdv.plage_motifs pm
         WHERE pm.plage_id = p_id AND NOT (pm.motif_id = ANY (plage_save.motif_ids));
    END IF;
    INSERT INTO rdv.plage_motifs (plage_id, motif_id)
    SELECT p_id, x FROM unnest(plage_save.motif_ids) AS x
    ON CONFLICT DO NOTHING;
    saved_id := p_id;
    warning := NULL;
    RETURN NEXT;
END $$;

-- ------------------------------------------------------------------ indisponibilités

-- Create (absence_id NULL or 0) or update an absence. Runs as the caller:
-- row-level security lets an agent manage the absences of any agent they
-- see (reference §7.2). A multi-day absence cannot recur (§1.11).
CREATE FUNCTION rdv.absence_save(absence_id integer, agent_id integer, title text, first_day date,
                                 start_time time, end_day date, end_time time, rrule text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    a_id integer := nullif(absence_save.absence_id, 0);
    a_rule text := nullif(btrim(coalesce(absence_save.rrule, '')), '');
    a_end date := coalesce(absence_save.end_day, absence_save.first_day);
    msg text;
BEGIN
    IF rdv.current_agent_id() IS NULL THEN
        RAISE EXCEPTION 'vous n''êtes pas un agent' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF btrim(coalesce(absence_save.title, '')) = '' THEN
        RAISE EXCEPTION 'Titre : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF absence_save.first_day IS NULL OR absence_save.start_time IS NULL OR absence_save.end_time IS NULL THEN
        RAISE EXCEPTION 'Du : date et heures obligatoires' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    msg := coalesce(rdv.agenda_date_error('Du', absence_save.first_day),
                    rdv.agenda_date_error('Au', a_end),
                    rdv.agenda_date_error('Jusqu''au', rdv.rrule_until(a_rule)));
    IF msg IS NOT NULL THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF absence_save.first_day + absence_save.start_time >= a_end + absence_save.end_time THEN
        RAISE EXCEPTION 'Au : la fin doit être après le début' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF a_rule IS NOT NULL AND a_end <> absence_save.first_day THEN
        RAISE EXCEPTION 'Répétition : une indisponibilité sur plusieurs jours ne peut pas se répéter'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    msg := rdv.rrule_error(a_rule, absence_save.first_day);
    IF msg IS NOT NULL THEN
        RAISE EXCEPTION 'Répétition : %', msg USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF a_id IS NULL THEN
        a_id := nextval('rdv.absences_id_seq');
        INSERT INTO rdv.absences (id, agent_id, title, first_day, start_time, end_day, end_time, rrule)
        VALUES (a_id, absence_save.agent_id, btrim(absence_save.title), absence_save.first_day,
                absence_save.start_time, a_end, absence_save.end_time, a_rule);
    ELSE
        UPDATE rdv.absences a
           SET agent_id = absence_save.agent_id, title = btrim(absence_save.title),
               first_day = absence_save.first_day, start_time = absence_save.start_time,
               end_day = a_end, end_time = absence_save.end_time, rrule = a_rule,
               updated_at = now()
         WHERE a.id = a_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'indisponibilité introuvable' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN a_id;
END $$;

-- The rdvs an absence falls on: non-cancelled rdvs (unknown, seen, noshow)
-- of its agent meeting one of its occurrences, wall-clock in the given time
-- zone (open touching: an rdv ending when the absence starts does not
-- count). An absence repeating forever is looked at up to a year after
-- today (or its first day). Runs as the caller: only rdvs they may see.
-- Nothing is cancelled here (seed: "ceux-ci ne seront pas annulés
-- automatiquement"); the agent cancels them one by one.
CREATE FUNCTION rdv.absence_conflicts(absence_id integer, zone text)
RETURNS TABLE (rdv_id integer, starts_at timestamptz, ends_at timestamptz, motif text,
               usagers text, status rdv.rdv_status)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
    SELECT DISTINCT r.id, r.starts_at, r.ends_at, m.name,
           coalesce((SELECT string_agg(u.first_name || ' ' || upper(u.last_name), ', '
                                       ORDER BY u.last_name, u.first_name)
                       FROM rdv.participations pa JOIN rdv.usagers u ON u.id = pa.usager_id
                      WHERE pa.rdv_id = r.id), coalesce(r.name, '')),
           r.status
    FROM rdv.absences a
    CROSS JOIN LATERAL rdv.rrule_occurrences(
        a.rrule, a.first_day, a.first_day,
        coalesce(a.last_day, greatest(a.first_day, current_date) + 366)) AS d
    JOIN rdv.rdv_agents ra
      ON ra.agent_id = a.agent_id AND ra.active
     AND ra.during && tstzrange((d + a.start_time) AT TIME ZONE $2,
                                (d + (a.end_day - a.first_day) + a.end_time) AT TIME ZONE $2, '[)')
    JOIN rdv.rdvs r ON r.id = ra.rdv_id
    JOIN rdv.motifs m ON m.id = r.motif_id
    WHERE a.id = $1
    ORDER BY r.starts_at, r.id
$$;

-- How many rdvs the absence falls on, those the caller may not see (another
-- organisation's) included: the client says how many it cannot list. Runs
-- as the owner; 0 for an absence of an agent the caller may not see.
CREATE FUNCTION rdv.absence_conflict_count(absence_id integer, zone text) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM rdv.absences a
                             WHERE a.id = $1
                               AND a.agent_id = ANY ((SELECT rdv.visible_agent_ids())::integer[]))
                THEN (SELECT count(*)::integer FROM rdv.absence_conflicts($1, $2))
                ELSE 0 END
$$;

-- ------------------------------------------------------------------ motifs and lieux

-- Create (motif_id NULL or 0) or update a motif of an organisation. Runs as
-- the caller: only admins of the organisation may (row-level security).
-- Delays are in minutes; the reference's smallest is 30 min (§1.9).
CREATE FUNCTION rdv.motif_save(motif_id integer, organisation_id integer, service_id integer,
                               name text, duration_min integer, location_type rdv.location_type,
                               color text, min_delay_min integer, max_delay_min integer,
                               bookable_by rdv.bookable_by)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    m_id integer := nullif(motif_save.motif_id, 0);
BEGIN
    IF NOT (motif_save.organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[])) THEN
        RAISE EXCEPTION 'réservé aux administrateurs de l''organisation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF btrim(coalesce(motif_save.name, '')) = '' THEN
        RAISE EXCEPTION 'Nom : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM rdv.services s WHERE s.id = motif_save.service_id AND s.name = 'Secrétariat') THEN
        RAISE EXCEPTION 'Service : un motif ne peut pas être du service Secrétariat'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF motif_save.duration_min IS NULL OR motif_save.duration_min <= 0 OR motif_save.duration_min > 1440 THEN
        RAISE EXCEPTION 'Durée : entre 1 et 1440 minutes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF motif_save.color IS NULL OR motif_save.color !~ '^#[0-9A-Fa-f]{6}$' THEN
        RAISE EXCEPTION 'Couleur : #RRGGBB attendu (ex. #1F77B4)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF motif_save.min_delay_min < 30 OR motif_save.max_delay_min <= motif_save.min_delay_min THEN
        RAISE EXCEPTION 'Délai maximum : doit dépasser le délai minimum (30 min au moins)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF m_id IS NULL THEN
        m_id := nextval('rdv.motifs_id_seq');
        INSERT INTO rdv.motifs (id, organisation_id, service_id, name, default_duration_in_min,
                                location_type, color, min_booking_delay_min, max_booking_delay_min,
                                bookable_by)
        VALUES (m_id, motif_save.organisation_id, motif_save.service_id, btrim(motif_save.name),
                motif_save.duration_min, motif_save.location_type, upper(motif_save.color),
                motif_save.min_delay_min, motif_save.max_delay_min, motif_save.bookable_by);
    ELSE
        -- Reference §1.9: the location type cannot change once rdvs exist.
        IF EXISTS (SELECT 1 FROM rdv.motifs m
                   WHERE m.id = m_id AND m.location_type <> motif_save.location_type)
           AND EXISTS (SELECT 1 FROM rdv.rdvs r WHERE r.motif_id = m_id) THEN
            RAISE EXCEPTION 'Type de lieu : ne peut plus changer, des rendez-vous ont ce motif'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        UPDATE rdv.motifs m
           SET service_id = motif_save.service_id, name = btrim(motif_save.name),
               default_duration_in_min = motif_save.duration_min,
               location_type = motif_save.location_type, color = upper(motif_save.color),
               min_booking_delay_min = motif_save.min_delay_min,
               max_booking_delay_min = motif_save.max_delay_min,
               bookable_by = motif_save.bookable_by
         WHERE m.id = m_id AND m.organisation_id = motif_save.organisation_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'motif introuvable' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN m_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'Nom : un motif « % » existe déjà (même service et même type de lieu)',
        btrim(motif_save.name) USING ERRCODE = 'unique_violation';
END $$;

-- Create (lieu_id NULL or 0) or update a lieu; enabled false disables it
-- (a lieu is never deleted while plages or rdvs name it). Admins only.
CREATE FUNCTION rdv.lieu_save(lieu_id integer, organisation_id integer, name text, address text,
                              phone_number text, enabled boolean DEFAULT true)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv AS $$
DECLARE
    l_id integer := nullif(lieu_save.lieu_id, 0);
BEGIN
    IF NOT (lieu_save.organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[])) THEN
        RAISE EXCEPTION 'réservé aux administrateurs de l''organisation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF btrim(coalesce(lieu_save.name, '')) = '' THEN
        RAISE EXCEPTION 'Nom : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF btrim(coalesce(lieu_save.address, '')) = '' THEN
        RAISE EXCEPTION 'Adresse : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF l_id IS NULL THEN
        l_id := nextval('rdv.lieux_id_seq');
        INSERT INTO rdv.lieux (id, organisation_id, name, address, phone_number, availability)
        VALUES (l_id, lieu_save.organisation_id, btrim(lieu_save.name), btrim(lieu_save.address),
                nullif(btrim(coalesce(lieu_save.phone_number, '')), ''),
                CASE WHEN lieu_save.enabled THEN 'enabled' ELSE 'disabled' END::rdv.lieu_availability);
    ELSE
        UPDATE rdv.lieux l
           SET name = btrim(lieu_save.name), address = btrim(lieu_save.address),
               phone_number = nullif(btrim(coalesce(lieu_save.phone_number, '')), ''),
               availability = CASE WHEN lieu_save.enabled THEN 'enabled' ELSE 'disabled' END::rdv.lieu_availability
         WHERE l.id = l_id AND l.organisation_id = lieu_save.organisation_id
           AND l.availability <> 'single_use';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'lieu introuvable' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN l_id;
END $$;

-- ------------------------------------------------------------------ agents

-- An organisation keeps at least one admin (reference §1.6): the last admin
-- role can be neither demoted nor deleted. Runs as the owner to count the
-- organisation's admins whoever the caller is.
CREATE FUNCTION rdv.agent_roles_keep_admin() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    IF OLD.access_level = 'admin'
       AND (TG_OP = 'DELETE' OR NEW.access_level <> 'admin' OR NEW.organisation_id <> OLD.organisation_id)
       AND NOT EXISTS (SELECT 1 FROM rdv.agent_roles r
                       WHERE r.organisation_id = OLD.organisation_id AND r.access_level = 'admin') THEN
        RAISE EXCEPTION 'Rôle : l''organisation doit garder au moins un administrateur'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_roles_keep_admin AFTER UPDATE OR DELETE ON rdv.agent_roles
    FOR EACH ROW EXECUTE FUNCTION rdv.agent_roles_keep_admin();

-- The checks shared by agent_create and agent_save: the caller is admin of
-- the organisation, names, e-mail, services.
CREATE FUNCTION rdv.agent_check(organisation_id integer, first_name text, last_name text, email text,
                                access_level rdv.access_level, service_ids integer[])
RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    IF NOT (agent_check.organisation_id = ANY ((SELECT rdv.my_admin_organisation_ids())::integer[])) THEN
        RAISE EXCEPTION 'réservé aux administrateurs de l''organisation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF agent_check.access_level IS NULL THEN
        RAISE EXCEPTION 'Rôle : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF btrim(coalesce(agent_check.last_name, '')) = '' THEN
        RAISE EXCEPTION 'Nom : obligatoire' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF agent_check.access_level <> 'intervenant' AND btrim(coalesce(agent_check.first_name, '')) = '' THEN
        RAISE EXCEPTION 'Prénom : obligatoire (sauf pour un intervenant)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF nullif(btrim(coalesce(agent_check.email, '')), '') IS NOT NULL
       AND btrim(agent_check.email) !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
        RAISE EXCEPTION 'E-mail : adresse invalide' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(agent_check.service_ids), 0) = 0 THEN
        RAISE EXCEPTION 'Services : cochez au moins un service' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(agent_check.service_ids) x
               WHERE NOT EXISTS (SELECT 1 FROM rdv.services s WHERE s.id = x)) THEN
        RAISE EXCEPTION 'Services : service inconnu' USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;

-- Create an agent in one of the caller's admin organisations, with their
-- role there, their services and (unless intervenant: no login) their
-- PostgreSQL login role, a member of rdv_agent. The login is lowercase
-- [a-z0-9_.-], 1 to 63 characters, not starting with "pg_", and must not
-- name an existing role; it reaches CREATE ROLE only through format('%I').
-- password NULL: none (peer, certificates, or a password set by the DBA).
CREATE FUNCTION rdv.agent_create(organisation_id integer, first_name text, last_name text,
                                 email text, login text, access_level rdv.access_level,
                                 service_ids integer[], password text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
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
        IF agent_create.password IS NOT NULL AND agent_create.password <> '' THEN
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE rdv_agent', role_name,
                           agent_create.password);
        ELSE
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE rdv_agent', role_name);
        END IF;
        EXECUTE format('COMMENT ON ROLE %I IS %L', role_name,
                       'rdv-tui: agent ' || new_id || ', created by ' || session_user);
    END IF;
    RETURN new_id;
END $$;

-- Edit an agent of one of the caller's admin organisations: names, e-mail,
-- their role in that organisation, and their
-- services — giving an agent another service is how an agenda is shared
-- across services (seed: "un agent admin devra lui donner accès à votre
-- service"). One statement; the last admin of an organisation stays admin
-- (trigger agent_roles_keep_admin).
CREATE FUNCTION rdv.agent_save(agent_id integer, organisation_id integer, first_name text,
                               last_name text, email text, access_level rdv.access_level,
                               service_ids integer[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    PERFORM rdv.agent_check(agent_save.organisation_id, agent_save.first_name, agent_save.last_name,
                            agent_save.email, agent_save.access_level, agent_save.service_ids);
    IF NOT EXISTS (SELECT 1 FROM rdv.agent_roles r
                   WHERE r.agent_id = agent_save.agent_id
                     AND r.organisation_id = agent_save.organisation_id) THEN
        RAISE EXCEPTION 'agent introuvable dans cette organisation' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF agent_save.access_level = 'intervenant' AND EXISTS (
        SELECT 1 FROM rdv.agent_roles r
        WHERE r.agent_id = agent_save.agent_id AND r.organisation_id <> agent_save.organisation_id) THEN
        RAISE EXCEPTION 'Rôle : un agent de plusieurs organisations ne peut pas être intervenant'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF nullif(btrim(coalesce(agent_save.email, '')), '') IS NOT NULL AND EXISTS (
        SELECT 1 FROM rdv.agents a
        WHERE lower(a.email) = lower(btrim(agent_save.email)) AND a.id <> agent_save.agent_id) THEN
        RAISE EXCEPTION 'E-mail : déjà celui d''un autre agent' USING ERRCODE = 'unique_violation';
    END IF;
    UPDATE rdv.agents a
       SET first_name = nullif(btrim(coalesce(agent_save.first_name, '')), ''),
           last_name = btrim(agent_save.last_name),
           email = nullif(btrim(coalesce(agent_save.email, '')), '')
     WHERE a.id = agent_save.agent_id;
    UPDATE rdv.agent_roles r SET access_level = agent_save.access_level
     WHERE r.agent_id = agent_save.agent_id AND r.organisation_id = agent_save.organisation_id;
    DELETE FROM rdv.agent_services s
     WHERE s.agent_id = agent_save.agent_id AND NOT (s.service_id = ANY (agent_save.service_ids));
    INSERT INTO rdv.agent_services (agent_id, service_id)
    SELECT DISTINCT agent_save.agent_id, x FROM unnest(agent_save.service_ids) x
    ON CONFLICT DO NOTHING;
END $$;

-- ------------------------------------------------------------------ grants

REVOKE ALL ON FUNCTION rdv.plage_motif_ids(integer, integer),
    rdv.plage_warnings(integer, integer, integer, date, time, time, text, integer[], date),
    rdv.plage_save(integer, integer, integer, integer, text, date, time, time, text, integer[], boolean, date),
    rdv.absence_save(integer, integer, text, date, time, date, time, text),
    rdv.absence_conflicts(integer, text),
    rdv.absence_conflict_count(integer, text),
    rdv.motif_save(integer, integer, integer, text, integer, rdv.location_type, text, integer, integer, rdv.bookable_by),
    rdv.lieu_save(integer, integer, text, text, text, boolean),
    rdv.agent_check(integer, text, text, text, rdv.access_level, integer[]),
    rdv.agent_create(integer, text, text, text, text, rdv.access_level, integer[], text),
    rdv.agent_save(integer, integer, text, text, text, rdv.access_level, integer[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.plage_motif_ids(integer, integer),
    rdv.plage_warnings(integer, integer, integer, date, time, time, text, integer[], date),
    rdv.plage_save(integer, integer, integer, integer, text, date, time, time, text, integer[], boolean, date),
    rdv.absence_save(integer, integer, text, date, time, date, time, text),
    rdv.absence_conflicts(integer, text),
    rdv.absence_conflict_count(integer, text),
    rdv.motif_save(integer, integer, integer, text, integer, rdv.location_type, text, integer, integer, rdv.bookable_by),
    rdv.lieu_save(integer, integer, text, text, text, boolean),
    rdv.agent_create(integer, text, text, text, text, rdv.access_level, integer[], text),
    rdv.agent_save(integer, integer, text, text, text, rdv.access_level, integer[])
    TO rdv_agent;
