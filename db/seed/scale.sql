-- scale.sql: département-scale data for benchmarks ("rdv db seed scale").
--
-- With rdv.seed_scale = 1 (f below): one territory "Isère (données de
-- charge)", 20 organisations, 6 services, 60 lieux, 160 motifs, 1,000 agents
-- (every 100th with a login role scale_agent_N), 5,000 plages, 2,000
-- absences, 120,000 usagers (+ 10 % second profiles), 220,000 rdvs over the
-- year around rdv.seed_today (26 weeks each side), one participation each.
-- Counts scale with f: organisations, agents and usagers are round(f × base)
-- (at least 1); everything per agent or per organisation stays fixed, so
-- f = 0.01 gives 1 organisation, 10 agents, 50 plages, 20 absences,
-- 1,200 usagers and 2,200 rdvs.
--
-- Run by the superuser, in one transaction, after every migration, with
--   SELECT set_config('rdv.seed_today', 'YYYY-MM-DD', false),
--          set_config('rdv.seed_scale', '1', false);
-- Deterministic: no random(); choices are an integer hash of the row's key;
-- ids are reserved from the sequences in one block per table.
--
-- Set-based throughout (INSERT … SELECT over generate_series). For the bulk
-- tables the user triggers (001's caches, 003's audit and change feed) are
-- disabled inside the transaction and what 001's triggers maintain is
-- written directly: rdvs.cancelled_at/updated_at/agent_ids/users_count and
-- rdv_agents.during/active. The load is not audited and sends no change
-- notifications.
--
-- Every agent's week is a grid of 10 half-days (Monday..Friday × morning
-- 09:00–12:00 / afternoon 13:30–17:00); agent a owns 5 of them, one per
-- plage, so plages of one agent never overlap and neither do the rdvs cut
-- from them (1-hour blocks, one rdv each, or two when the motif lasts 30 min
-- or less). Rdvs skip holidays and the agent's absences.

DO $$
BEGIN
    PERFORM set_config('client_min_messages', 'warning', true);
    PERFORM set_config('jit', 'off', true);
    IF EXISTS (SELECT 1 FROM rdv.territories WHERE name = 'Isère (données de charge)') THEN
        RAISE EXCEPTION 'les données de charge sont déjà chargées dans cette base'
            USING HINT = 'Chargez-les dans une base neuve (rdv db migrate puis rdv db seed scale).';
    END IF;
END $$;

-- ------------------------------------------------------------------ helpers

-- A uniform number in [0, 1) from an integer key: a 32-bit
-- multiply-xorshift mixer (every product stays below 2^63). PL/pgSQL
-- because it is 4 times faster here than nested SQL functions.
CREATE OR REPLACE FUNCTION pg_temp.scale_rnd(k bigint) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    x bigint := (abs(k) + 2654435769) % 4294967296;
BEGIN
    x := ((x # (x >> 16)) * 2146121005) % 4294967296;
    x := (x + 97) % 4294967296;
    x := ((x # (x >> 15)) * 1935289751) % 4294967296;
    x := (x + 31) % 4294967296;
    x := ((x # (x >> 16)) * 2146121005) % 4294967296;
    x := x # (x >> 15);
    RETURN x / 4294967296.0::double precision;
END $$;

-- Reserve n ids from a sequence; returns b, the ids are b+1 .. b+n.
CREATE OR REPLACE FUNCTION pg_temp.scale_reserve(seq regclass, n bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    first bigint := nextval(seq);
BEGIN
    IF n > 1 THEN
        PERFORM setval(seq, first + n - 1);
    END IF;
    RETURN first - 1;
END $$;

-- Bulk loads go faster without secondary indexes: drop the table's
-- non-unique indexes and its exclusion constraints, remembering how to
-- rebuild them (whatever the migrations defined); scale_rebuild puts them
-- back, which also re-checks the exclusion constraints on all rows.
CREATE OR REPLACE FUNCTION pg_temp.scale_defer_indexes(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.conname,
                    format('ALTER TABLE %s ADD CONSTRAINT %I %s', tbl, c.conname,
                           pg_get_constraintdef(c.oid)) AS ddl
             FROM pg_constraint c WHERE c.conrelid = tbl AND c.contype = 'x' LOOP
        INSERT INTO scale_ddl (ddl) VALUES (r.ddl);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, r.conname);
    END LOOP;
    FOR r IN SELECT i.indexrelid::regclass AS idx, pg_get_indexdef(i.indexrelid) AS ddl
             FROM pg_index i
             WHERE i.indrelid = tbl AND NOT i.indisunique AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
        INSERT INTO scale_ddl (ddl) VALUES (r.ddl);
        EXECUTE format('DROP INDEX %s', r.idx);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.scale_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    PERFORM set_config('maintenance_work_mem', '256MB', true);
    FOR r IN SELECT ddl FROM scale_ddl ORDER BY n LOOP
        EXECUTE r.ddl;
    END LOOP;
    DELETE FROM scale_ddl;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.scale_easter(y int) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    a int := y % 19; b int := y / 100; c int := y % 100;
    d int; e int; f int; g int; h int; i int; k int; l int; m int;
BEGIN
    d := b / 4; e := b % 4; f := (b + 8) / 25; g := (b - f + 1) / 3;
    h := (19 * a + b - d - g + 15) % 30; i := c / 4; k := c % 4;
    l := (32 + 2 * e + 2 * i - h - k) % 7;
    m := (a + 11 * h + 22 * l) / 451;
    RETURN make_date(y, (h + l - 7 * m + 114) / 31, (h + l - 7 * m + 114) % 31 + 1);
END $$;

DROP TABLE IF EXISTS pg_temp.scale_ddl, pg_temp.scale_param, pg_temp.scale_holiday, pg_temp.scale_service,
    pg_temp.scale_motif, pg_temp.scale_agent, pg_temp.scale_plage, pg_temp.scale_absence, pg_temp.scale_blocked, pg_temp.scale_cand,
    pg_temp.scale_rdv;

-- ------------------------------------------------------------------ parameters and id blocks

CREATE TEMP TABLE scale_ddl (n serial, ddl text NOT NULL);

CREATE TEMP TABLE scale_param AS
SELECT today, date_trunc('week', today)::date AS w0,
       date_trunc('week', today)::date - 182 AS win_start,   -- a Monday, 26 weeks before
       date_trunc('week', today)::date + 181 AS win_end,     -- a Sunday, 26 weeks after
       greatest(1, round(20 * f))::int AS n_org,
       greatest(1, round(1000 * f))::int AS n_agent,
       greatest(1, round(120000 * f))::int AS n_usager,
       220 AS rdv_per_agent,
       (SELECT coalesce(max(id), 0) FROM rdv.notification_outbox) AS outbox_mark
FROM (SELECT coalesce(nullif(current_setting('rdv.seed_today', true), ''), current_date::text)::date AS today,
             coalesce(nullif(current_setting('rdv.seed_scale', true), ''), '1')::numeric AS f) s;

DO $$
BEGIN
    IF (SELECT round(20 * coalesce(nullif(current_setting('rdv.seed_scale', true), ''), '1')::numeric, 6)) <= 0 THEN
        RAISE EXCEPTION 'rdv.seed_scale doit être strictement positif';
    END IF;
END $$;

ALTER TABLE scale_param
    ADD COLUMN b_territory int, ADD COLUMN b_org int, ADD COLUMN b_lieu int, ADD COLUMN b_motif int,
    ADD COLUMN b_agent int, ADD COLUMN b_plage int, ADD COLUMN b_absence int, ADD COLUMN b_usager int,
    ADD COLUMN b_rdv int;
UPDATE scale_param SET
    b_territory = pg_temp.scale_reserve('rdv.territories_id_seq', 1),
    b_org = pg_temp.scale_reserve('rdv.organisations_id_seq', n_org),
    b_lieu = pg_temp.scale_reserve('rdv.lieux_id_seq', 3 * n_org),
    b_motif = pg_temp.scale_reserve('rdv.motifs_id_seq', 8 * n_org),
    b_agent = pg_temp.scale_reserve('rdv.agents_id_seq', n_agent),
    b_plage = pg_temp.scale_reserve('rdv.plages_ouverture_id_seq', 5 * n_agent),
    b_absence = pg_temp.scale_reserve('rdv.absences_id_seq', 2 * n_agent),
    b_usager = pg_temp.scale_reserve('rdv.usagers_id_seq', n_usager),
    b_rdv = pg_temp.scale_reserve('rdv.rdvs_id_seq', rdv_per_agent::bigint * n_agent);

CREATE TEMP TABLE scale_holiday AS
SELECT x.day, x.name = 'Lundi de Pentecôte' AS whit
FROM (SELECT y, pg_temp.scale_easter(y) AS e
      FROM scale_param p,
           generate_series(extract(year FROM p.win_start)::int, extract(year FROM p.win_end)::int) y) ys,
     LATERAL (VALUES (make_date(y, 1, 1), '1er janvier'), (e + 1, 'Lundi de Pâques'),
                     (make_date(y, 5, 1), '1er mai'), (make_date(y, 5, 8), '8 mai'),
                     (e + 39, 'Ascension'), (e + 50, 'Lundi de Pentecôte'),
                     (make_date(y, 7, 14), '14 juillet'), (make_date(y, 8, 15), 'Assomption'),
                     (make_date(y, 11, 1), 'Toussaint'), (make_date(y, 11, 11), '11 novembre'),
                     (make_date(y, 12, 25), 'Jour de Noël')) x(day, name);

-- ------------------------------------------------------------------ territory, organisations, services, lieux, motifs

INSERT INTO rdv.territories (id, name, departement_number, time_zone, holiday_zone)
SELECT b_territory + 1, 'Isère (données de charge)', '38', 'Europe/Paris', 'metropole' FROM scale_param;

-- Organisation o (1..n_org): a kind and a town; every 4th works on Whit Monday.
INSERT INTO rdv.organisations (id, territory_id, name, phone_number, email, horaires, open_on_whit_monday)
SELECT p.b_org + o, p.b_territory + 1,
       (ARRAY['MDS', 'CCAS', 'Mairie de', 'Centre social de', 'France Services'])[(o - 1) % 5 + 1] || ' '
       || (ARRAY['Grenoble', 'Échirolles', 'Saint-Martin-d''Hères', 'Fontaine', 'Voiron', 'Vienne',
                 'Bourgoin-Jallieu', 'Meylan', 'Seyssinet-Pariset', 'Villefontaine', 'L''Isle-d''Abeau',
                 'Sassenage', 'Le Pont-de-Claix', 'Saint-Égrève', 'Crolles', 'Voreppe', 'Vizille',
                 'La Tour-du-Pin', 'Pontcharra', 'Roussillon', 'Saint-Marcellin', 'Vif', 'Domène',
                 'Tullins', 'La Mure'])[(o - 1) % 25 + 1]
       || CASE WHEN o > 25 THEN ' ' || ((o - 1) / 25 + 1) ELSE '' END,
       '04 76 ' || lpad(((o * 37) % 100)::text, 2, '0') || ' ' || lpad(((o * 53) % 100)::text, 2, '0') || ' 00',
       'organisation' || o || '@isere.example.fr',
       'Du lundi au vendredi, 9h–12h et 13h30–17h',
       o % 4 = 0
FROM scale_param p, generate_series(1, p.n_org) o;

INSERT INTO rdv.services (name, short_name)
VALUES ('Service social', 'Social'), ('PMI (Protection Maternelle Infantile)', 'PMI'),
       ('Conseiller Numérique', 'Numérique'), ('Mairie', 'Mairie'),
       ('Insertion professionnelle', 'Insertion'), ('Secrétariat', 'Secrétariat')
ON CONFLICT DO NOTHING;

-- Service index s: 0 social, 1 PMI, 2 numérique, 3 mairie, 4 insertion, 5 secrétariat.
CREATE TEMP TABLE scale_service AS
SELECT v.s, sv.id
FROM (VALUES (0, 'Service social'), (1, 'PMI (Protection Maternelle Infantile)'),
             (2, 'Conseiller Numérique'), (3, 'Mairie'), (4, 'Insertion professionnelle'),
             (5, 'Secrétariat')) v(s, name)
JOIN rdv.services sv ON lower(sv.name) = lower(v.name);

INSERT INTO rdv.lieux (id, organisation_id, name, address)
SELECT p.b_lieu + 3 * (o - 1) + l + 1, p.b_org + o,
       (ARRAY['Accueil principal', 'Antenne', 'Permanence'])[l + 1] || ' ' || o,
       (10 + (o * 7 + l * 13) % 90) || ' '
       || (ARRAY['avenue Alsace-Lorraine', 'rue Félix Poulat', 'cours Jean Jaurès', 'place Grenette',
                 'rue de la République', 'boulevard Gambetta'])[(o + l) % 6 + 1]
       || ', 38' || lpad(((o * 11 + l) % 100)::text, 3, '0') || ' Isère'
FROM scale_param p, generate_series(1, p.n_org) o, generate_series(0, 2) l;

-- Motif m (0..7) of each organisation; its service is m % 5. m = 5 is by
-- phone, m = 6 at home, m = 7 collective (never in a plage).
CREATE TEMP TABLE scale_motif AS
SELECT * FROM (VALUES
    (0, 'Premier accueil social', 45, 'public_office', '#1F77B4', true, false, false),
    (1, 'Consultation PMI', 30, 'public_office', '#E377C2', true, false, false),
    (2, 'Aide numérique', 45, 'public_office', '#9467BD', false, false, false),
    (3, 'Carte d''identité et passeport', 15, 'public_office', '#BCBD22', true, false, false),
    (4, 'Entretien insertion', 60, 'public_office', '#D62728', false, true, false),
    (5, 'Suivi social par téléphone', 20, 'phone', '#17BECF', false, false, false),
    (6, 'Visite à domicile PMI', 60, 'home', '#8C564B', false, false, false),
    (7, 'Atelier numérique', 60, 'public_office', '#FF7F0E', false, false, true)
) v(m, name, duration, location_type, color, for_secretariat, follow_up, collectif);

INSERT INTO rdv.motifs (id, organisation_id, service_id, name, color, default_duration_in_min,
                        location_type, collectif, for_secretariat, follow_up, bookable_by)
SELECT p.b_motif + 8 * (o - 1) + m.m + 1, p.b_org + o, s.id, m.name, m.color, m.duration,
       m.location_type::rdv.location_type, m.collectif, m.for_secretariat, m.follow_up,
       (CASE WHEN m.m IN (1, 2, 3) THEN 'everyone' ELSE 'agents' END)::rdv.bookable_by
FROM scale_param p, generate_series(1, p.n_org) o, scale_motif m
JOIN scale_service s ON s.s = m.m % 5;

-- ------------------------------------------------------------------ agents

-- Agent a (1..n_agent): home organisation (a-1) % n_org + 1, admin of it when
-- a <= n_org; every 10th agent is also basic in the next organisation; a % 25
-- = 13 is an intervenant (no e-mail, no login); a % 50 = 7 is the
-- secretariat; the others have service a % 5. Logins: a = 1, 101, 201, …
CREATE TEMP TABLE scale_agent AS
SELECT a, p.b_agent + a AS id,
       (a - 1) % p.n_org + 1 AS org,
       CASE WHEN a % 10 = 0 AND p.n_org > 1 THEN a % p.n_org + 1 END AS org2,
       CASE WHEN a <= p.n_org THEN 'admin' WHEN a % 25 = 13 THEN 'intervenant' ELSE 'basic' END AS access,
       CASE WHEN a % 50 = 7 THEN 5 ELSE a % 5 END AS service,
       CASE WHEN (a - 1) % 100 = 0 THEN 'scale_agent_' || a END AS login
FROM scale_param p, generate_series(1, p.n_agent) a;

INSERT INTO rdv.agents (id, first_name, last_name, email, db_role, rdv_notifications_level,
                        display_saturdays)
SELECT ag.id, fn, ln,
       CASE WHEN ag.access <> 'intervenant' THEN
           lower(unaccent(replace(replace(fn, ' ', ''), '''', ''))) || '.'
           || lower(unaccent(replace(replace(ln, ' ', ''), '''', ''))) || '.' || ag.a || '@isere.example.fr' END,
       ag.login,
       CASE WHEN ag.access = 'intervenant' THEN 'none'
            ELSE (ARRAY['others', 'all', 'soon', 'none'])[ag.a % 4 + 1] END::rdv.rdv_notification_level,
       ag.a % 9 = 0
FROM scale_agent ag,
     LATERAL (SELECT (ARRAY['Camille', 'Sophie', 'Julien', 'Nadia', 'Léa', 'Claire', 'Thomas', 'Hélène',
                            'Mathieu', 'Aurélie', 'Karim', 'Inès', 'Nicolas', 'Émilie', 'Olivier',
                            'Samira', 'Guillaume', 'Céline', 'Rémi', 'Agnès', 'Yann', 'Sandrine',
                            'Benoît', 'Fatoumata', 'Jérémy', 'Laëtitia', 'Cyril', 'Noémie', 'Franck',
                            'Mélanie'])[ag.a % 30 + 1] AS fn,
                     (ARRAY['Dupont', 'Martin', 'Bernard', 'Haddad', 'Rousseau', 'Faure', 'Girard',
                            'Legrand', 'Morel', 'Fournier', 'Chevalier', 'Gauthier', 'Perrin', 'Robin',
                            'Masson', 'Sanchez', 'Müller', 'Benhamou', 'Lefèbvre', 'Colin', 'Vidal',
                            'Roussel', 'Meunier', 'Brun', 'Blanchard', 'Guérin', 'Boyer', 'Garnier',
                            'Le Gall', 'N''Guessan', 'Dumont', 'Lemoine', 'Barbier', 'Arnaud',
                            'Renaud', 'Picard', 'Roche', 'Collet', 'Aubry', 'Charpentier',
                            'Fabre', 'Marchand', 'Dufour', 'Blanc', 'Joly', 'Gaillard', 'Mercier',
                            'Lucas', 'Bonnet', 'Jacquet'])[(ag.a * 7) % 50 + 1] AS ln) n;

INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
SELECT ag.id, p.b_org + ag.org, ag.access::rdv.access_level FROM scale_param p, scale_agent ag
UNION ALL
SELECT ag.id, p.b_org + ag.org2, 'basic' FROM scale_param p, scale_agent ag WHERE ag.org2 IS NOT NULL;

INSERT INTO rdv.agent_services (agent_id, service_id)
SELECT ag.id, s.id FROM scale_agent ag JOIN scale_service s ON s.s = ag.service;

DO $$
DECLARE
    login text;
BEGIN
    FOR login IN SELECT s.login FROM scale_agent s WHERE s.login IS NOT NULL ORDER BY s.a LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE rdv_agent', login);
        ELSIF NOT pg_has_role(login, 'rdv_agent', 'MEMBER') THEN
            EXECUTE format('GRANT rdv_agent TO %I', login);
        END IF;
    END LOOP;
END $$;

-- ------------------------------------------------------------------ plages d'ouverture

-- Plage j (0..4) of agent a sits on half-day slot (a + 3j) % 10: weekday
-- slot / 2 (0 = Monday), morning when slot is even. Kinds: weekly from the
-- window start (j = 0 ends 25 weeks after today's week for a % 4 = 0; j = 1
-- ended 4 weeks ago for a % 7 = 0; j = 3 every other week for a % 3 = 0),
-- j = 4 is monthly (n-th weekday, a % 5 = 0), exceptional (one day,
-- a % 5 = 1) or weekly. Motifs: the home organisation's non-collective
-- motifs of the agent's service (secretariat: the for_secretariat ones);
-- j = 2 of a two-organisation agent is in the second organisation.
ALTER TABLE rdv.plages_ouverture DISABLE TRIGGER USER;
ALTER TABLE rdv.absences DISABLE TRIGGER USER;

CREATE TEMP TABLE scale_plage AS
SELECT x.*,
       CASE WHEN x.kind = 'weekly' THEN p.win_start + x.dow
            WHEN x.kind = 'monthly' THEN
                 date_trunc('month', p.win_start)::date
                 + (x.dow + 1 - extract(isodow FROM date_trunc('month', p.win_start))::int + 7) % 7
                 + 7 * (x.nth - 1)
            ELSE p.w0 + 7 * ((x.a * 11) % 40 - 20) + x.dow END AS first_day,
       CASE WHEN x.kind = 'weekly' AND x.j = 0 AND x.a % 4 = 0 THEN p.w0 + 175 + x.dow
            WHEN x.kind = 'weekly' AND x.j = 1 AND x.a % 7 = 0 THEN p.w0 - 28 + x.dow END AS until,
       CASE WHEN x.kind = 'weekly' AND x.j = 3 AND x.a % 3 = 0 THEN 2 ELSE 1 END AS intv
FROM scale_param p,
     (SELECT ag.a, j, p.b_plage + 5 * (ag.a - 1) + j + 1 AS id, ag.id AS agent_id,
             CASE WHEN j = 2 AND ag.org2 IS NOT NULL THEN ag.org2 ELSE ag.org END AS org,
             ag.service, (ag.a + 3 * j) % 10 AS slot, ((ag.a + 3 * j) % 10) / 2 AS dow,
             (ag.a + 3 * j) % 2 AS half,
             CASE WHEN j = 4 AND ag.a % 5 = 0 THEN 'monthly'
                  WHEN j = 4 AND ag.a % 5 = 1 THEN 'exceptional' ELSE 'weekly' END AS kind,
             1 + ag.a % 4 AS nth
      FROM scale_param p, scale_agent ag, generate_series(0, 4) j) x;

ALTER TABLE scale_plage ADD COLUMN motifs int[], ADD COLUMN lieu_id int,
    ADD COLUMN start_time time, ADD COLUMN end_time time;
UPDATE scale_plage pl SET
    motifs = CASE pl.service WHEN 0 THEN '{0,5}' WHEN 1 THEN '{1,6}' WHEN 2 THEN '{2}'
                             WHEN 3 THEN '{3}' WHEN 4 THEN '{4}' ELSE '{0,1,3}' END::int[],
    lieu_id = p.b_lieu + 3 * (pl.org - 1) + pl.a % 3 + 1,
    start_time = CASE WHEN pl.half = 0 THEN time '09:00' ELSE time '13:30' END,
    end_time = CASE WHEN pl.half = 0 THEN time '12:00' ELSE time '17:00' END
FROM scale_param p;

INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day,
                                  start_time, end_time, rrule, created_at, updated_at)
SELECT pl.id, p.b_org + pl.org, pl.agent_id, pl.lieu_id,
       CASE pl.kind WHEN 'weekly' THEN 'Permanence ' || CASE WHEN pl.half = 0 THEN 'du matin' ELSE 'de l''après-midi' END
                    WHEN 'monthly' THEN 'Permanence mensuelle'
                    ELSE 'Permanence exceptionnelle' END,
       pl.first_day, pl.start_time, pl.end_time,
       CASE pl.kind
           WHEN 'weekly' THEN 'FREQ=WEEKLY'
               || CASE WHEN pl.intv > 1 THEN ';INTERVAL=' || pl.intv ELSE '' END
               || ';BYDAY=' || (ARRAY['MO', 'TU', 'WE', 'TH', 'FR'])[pl.dow + 1]
               || CASE WHEN pl.until IS NOT NULL THEN ';UNTIL=' || to_char(pl.until, 'YYYYMMDD') ELSE '' END
           WHEN 'monthly' THEN 'FREQ=MONTHLY;BYDAY=' || pl.nth || (ARRAY['MO', 'TU', 'WE', 'TH', 'FR'])[pl.dow + 1]
       END,
       (p.win_start - 14 + time '10:00') AT TIME ZONE 'Europe/Paris',
       (p.win_start - 14 + time '10:00') AT TIME ZONE 'Europe/Paris'
FROM scale_param p, scale_plage pl;

INSERT INTO rdv.plage_motifs (plage_id, motif_id)
SELECT pl.id, p.b_motif + 8 * (pl.org - 1) + m + 1
FROM scale_param p, scale_plage pl, unnest(pl.motifs) m;

-- ------------------------------------------------------------------ absences

-- Two per agent: a week of leave (Monday 08:00 to Friday 19:00) somewhere in
-- the window; then, by a % 3: a weekly part-time half-day on the agent's
-- free slot (a + 15) % 10, a monthly meeting on the first weekday of the
-- month 09:00–10:30 (on top of plage hours), or a one-day training.
CREATE TEMP TABLE scale_absence AS
SELECT p.b_absence + 2 * (ag.a - 1) + 1 AS id, ag.a, ag.id AS agent_id, 'Congés' AS title,
       p.w0 + 7 * ((ag.a * 7) % 50 - 25) AS first_day, time '08:00' AS start_time,
       p.w0 + 7 * ((ag.a * 7) % 50 - 25) + 4 AS end_day, time '19:00' AS end_time,
       NULL::text AS rrule, NULL::int AS dow, 'single' AS kind
FROM scale_param p, scale_agent ag
UNION ALL
SELECT p.b_absence + 2 * (ag.a - 1) + 2, ag.a, ag.id,
       CASE k WHEN 0 THEN 'Temps partiel' WHEN 1 THEN 'Réunion mensuelle' ELSE 'Formation' END,
       d, st, d, et, rule, dw, CASE k WHEN 0 THEN 'weekly' WHEN 1 THEN 'monthly' ELSE 'single' END
FROM scale_param p, scale_agent ag,
     LATERAL (SELECT ag.a % 3 AS k, ((ag.a + 15) % 10) / 2 AS fdow, (ag.a + 15) % 2 AS fhalf) f,
     LATERAL (SELECT
        CASE f.k WHEN 0 THEN p.win_start + f.fdow
                 WHEN 1 THEN date_trunc('month', p.win_start)::date
                             + (ag.a % 5 + 1 - extract(isodow FROM date_trunc('month', p.win_start))::int + 7) % 7
                 ELSE p.w0 + 7 * ((ag.a * 13) % 50 - 25) + ag.a % 5 END AS d,
        CASE f.k WHEN 0 THEN CASE WHEN f.fhalf = 0 THEN time '09:00' ELSE time '13:30' END
                 WHEN 1 THEN time '09:00' ELSE time '09:00' END AS st,
        CASE f.k WHEN 0 THEN CASE WHEN f.fhalf = 0 THEN time '12:00' ELSE time '17:00' END
                 WHEN 1 THEN time '10:30' ELSE time '17:00' END AS et,
        CASE f.k WHEN 0 THEN 'FREQ=WEEKLY;BYDAY=' || (ARRAY['MO', 'TU', 'WE', 'TH', 'FR'])[f.fdow + 1]
                 WHEN 1 THEN 'FREQ=MONTHLY;BYDAY=1' || (ARRAY['MO', 'TU', 'WE', 'TH', 'FR'])[ag.a % 5 + 1] END AS rule,
        CASE f.k WHEN 0 THEN f.fdow WHEN 1 THEN ag.a % 5 END AS dw) x;

INSERT INTO rdv.absences (id, agent_id, title, first_day, start_time, end_day, end_time, rrule,
                          created_at, updated_at)
SELECT a.id, a.agent_id, a.title, a.first_day, a.start_time, a.end_day, a.end_time, a.rrule,
       (p.win_start - 7 + time '08:30') AT TIME ZONE 'Europe/Paris',
       (p.win_start - 7 + time '08:30') AT TIME ZONE 'Europe/Paris'
FROM scale_param p, scale_absence a;

ALTER TABLE rdv.plages_ouverture ENABLE TRIGGER USER;
ALTER TABLE rdv.absences ENABLE TRIGGER USER;

-- Where the agents are away, day by day over the window (local wall clock).
CREATE TEMP TABLE scale_blocked AS
SELECT a.agent_id, d::date AS day,
       CASE WHEN d::date = a.first_day THEN a.start_time ELSE time '00:00' END AS t0,
       CASE WHEN d::date = a.end_day THEN a.end_time ELSE time '23:59:59' END AS t1
FROM scale_absence a, generate_series(a.first_day, a.end_day, interval '1 day') d
WHERE a.kind = 'single'
UNION ALL
SELECT a.agent_id, a.first_day + 7 * k, a.start_time, a.end_time
FROM scale_param p, scale_absence a, generate_series(0, (p.win_end - a.first_day) / 7) k
WHERE a.kind = 'weekly'
UNION ALL
SELECT a.agent_id, m.d, a.start_time, a.end_time
FROM scale_param p, scale_absence a,
     generate_series(date_trunc('month', p.win_start), p.win_end, interval '1 month') mo,
     LATERAL (SELECT mo::date + (a.dow + 1 - extract(isodow FROM mo)::int + 7) % 7 AS d) m
WHERE a.kind = 'monthly' AND m.d >= a.first_day;
CREATE INDEX ON scale_blocked (agent_id, day);
ANALYZE scale_blocked;

-- ------------------------------------------------------------------ usagers

-- Usager u (1..n_usager): home organisation (u-1) % n_org + 1. About one in
-- twelve is a relative (a child): its responsible is u - n_org, of the same
-- home organisation, whose last name and organisations it shares; it has no
-- contact details. h = the responsible (or u itself) is in the next
-- organisation too when h % 10 = 5. 70 % e-mail, 85 % phone.
ALTER TABLE rdv.usagers DISABLE TRIGGER USER;
ALTER TABLE rdv.usager_profiles DISABLE TRIGGER USER;
SELECT pg_temp.scale_defer_indexes('rdv.usagers'), pg_temp.scale_defer_indexes('rdv.usager_profiles');

INSERT INTO rdv.usagers (id, first_name, last_name, birth_date, email, phone_number,
                         phone_number_formatted, address, post_code, city_name, responsible_id,
                         created_at, updated_at)
SELECT p.b_usager + u, fn, ln,
       CASE WHEN rel THEN p.today - (200 + (u * 37) % 5000)::int
            ELSE date '1935-01-01' + ((u * 7919) % 25000)::int END,
       CASE WHEN NOT rel AND pg_temp.scale_rnd(u * 8 + 1) < 0.70 THEN
            lower(unaccent(replace(replace(fn, ' ', ''), '''', ''))) || '.'
            || lower(unaccent(replace(replace(ln, ' ', ''), '''', ''))) || '.' || u || '@example.com' END,
       CASE WHEN NOT rel AND pg_temp.scale_rnd(u * 8 + 2) < 0.85 THEN
            regexp_replace(ph, '^(..)(..)(..)(..)(..)$', '\1 \2 \3 \4 \5') END,
       CASE WHEN NOT rel AND pg_temp.scale_rnd(u * 8 + 2) < 0.85 THEN '+33' || substr(ph, 2) END,
       CASE WHEN NOT rel THEN (1 + u % 120) || ' '
            || (ARRAY['rue des Alpes', 'avenue Jean Perrot', 'rue Thiers', 'cours Berriat', 'rue Lesdiguières',
                      'chemin du Vercors', 'allée des Érables', 'rue du Drac', 'place Victor Hugo',
                      'avenue de l''Europe'])[u % 10 + 1]
            || ', 38' || lpad((u % 1000)::text, 3, '0') || ' Isère' END,
       CASE WHEN NOT rel THEN '38' || lpad((u % 1000)::text, 3, '0') END,
       CASE WHEN NOT rel THEN 'Isère' END,
       CASE WHEN rel THEN p.b_usager + hh.h END,
       (p.win_start - 30 + time '11:00') AT TIME ZONE 'Europe/Paris',
       (p.win_start - 30 + time '11:00') AT TIME ZONE 'Europe/Paris'
FROM scale_param p, generate_series(1::bigint, p.n_usager) u,
     LATERAL (SELECT u % 12 = 0 AND u > p.n_org AND (u - p.n_org) % 12 <> 0 AS rel) r,
     LATERAL (SELECT CASE WHEN r.rel THEN u - p.n_org ELSE u END AS h) hh,
     LATERAL (SELECT
                     (ARRAY['Élodie', 'Zoé', 'Jean-François', 'Loïc', 'Chloé', 'Inès', 'Mathéo', 'Raphaël',
                            'Léna', 'Noémie', 'Anaïs', 'Gaëlle', 'Maëlle', 'Hélène', 'Jérôme', 'Cédric',
                            'Aurélie', 'Agnès', 'Séverine', 'Françoise', 'Noël', 'Bérénice', 'Théo',
                            'Lucas', 'Emma', 'Hugo', 'Manon', 'Louis', 'Camille', 'Nathan', 'Sarah',
                            'Yanis', 'Lina', 'Mohamed', 'Fatou', 'Aïcha', 'Karim', 'Nour', 'Sofiane',
                            'Amandine', 'Sébastien', 'Stéphanie', 'Grégory', 'Valérie', 'Pascal',
                            'Nathalie', 'Thierry', 'Sylvie', 'Christophe', 'Isabelle', 'Patrick',
                            'Martine', 'Bernard', 'Monique', 'René', 'Josiane', 'Marie-Claire',
                            'Anne-Laure', 'Pierre-Louis', 'Océane', 'Adam', 'Jade', 'Louise', 'Gabriel',
                            'Alice', 'Léo', 'Rose', 'Timéo', 'Mila', 'Sacha', 'Maël', 'Anna', 'Paul',
                            'Juliette', 'Victor', 'Ambre', 'Ethan', 'Lucie', 'Nolan', 'Clara'])[(u * 13) % 80 + 1] AS fn,
                     (ARRAY['Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand',
                            'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Lefèvre', 'Leroy', 'Roux',
                            'David', 'Bertrand', 'Morel', 'Fournier', 'Girard', 'Bonnet', 'Dupont',
                            'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Lefebvre', 'Faure',
                            'André', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier',
                            'François', 'Legrand', 'Gauthier', 'Garcia', 'Perrin', 'Robin', 'Clément',
                            'Morin', 'Nicolas', 'Henry', 'Roussel', 'Mathieu', 'Gautier', 'Masson',
                            'Marchand', 'Duval', 'Denis', 'Dumont', 'Marie', 'Lemaire', 'Noël', 'Meyer',
                            'Dufour', 'Meunier', 'Brun', 'Blanchard', 'Giraud', 'Joly', 'Rivière',
                            'Lucas', 'Brunet', 'Gaillard', 'Barbier', 'Arnaud', 'Martínez', 'Gérard',
                            'Roche', 'Renard', 'Schmitt', 'Roy', 'Leroux', 'Colin', 'Vidal', 'Caron',
                            'Picard', 'Roger', 'Fabre', 'Aubert', 'Lemoine', 'Renaud', 'Dumas',
                            'Lacroix', 'Olivier', 'Philippe', 'Bourgeois', 'Pierre', 'Benoît', 'Rey',
                            'Leclerc', 'Payet', 'Rolland', 'Leclercq', 'Guillaume', 'Lecomte', 'Le Goff',
                            'N''Diaye', 'Da Silva', 'Nguyen', 'Çelik', 'Benali', 'Diallo', 'Traoré',
                            'Saint-Martin', 'Meyer-Lévy'])[
                        (hh.h * 17) % 110 + 1] AS ln,
                     (ARRAY['06', '07', '06', '04'])[u % 4 + 1]
                       || lpad(((u * 104729) % 100000000)::text, 8, '0') AS ph) n;

INSERT INTO rdv.usager_profiles (organisation_id, usager_id, created_at)
SELECT p.b_org + o, p.b_usager + u, (p.win_start - 30 + time '11:00') AT TIME ZONE 'Europe/Paris'
FROM scale_param p, generate_series(1::bigint, p.n_usager) u,
     LATERAL (SELECT CASE WHEN u % 12 = 0 AND u > p.n_org AND (u - p.n_org) % 12 <> 0
                          THEN u - p.n_org ELSE u END AS h) hh,
     LATERAL (SELECT (hh.h - 1) % p.n_org + 1 AS o
              UNION ALL
              SELECT hh.h % p.n_org + 1 WHERE hh.h % 10 = 5 AND p.n_org > 1) oo;

ALTER TABLE rdv.usagers ENABLE TRIGGER USER;
ALTER TABLE rdv.usager_profiles ENABLE TRIGGER USER;
SELECT pg_temp.scale_rebuild();

-- ------------------------------------------------------------------ rdvs

-- Candidates: every occurrence of every plage inside the window, cut into
-- 1-hour blocks (two 30-minute halves when the block's motif lasts 30 min
-- or less), minus holidays (unless the organisation works on Whit Monday)
-- and the agent's absences. Each agent keeps exactly rdv_per_agent of them,
-- by hash order.
CREATE TEMP TABLE scale_cand AS
WITH occ AS (
    SELECT pl.id AS plage_id, pl.a, pl.agent_id, pl.org, pl.lieu_id, pl.motifs, pl.start_time, d.day
    FROM scale_param p, scale_plage pl,
         LATERAL (SELECT pl.first_day + 7 * pl.intv * k AS day
                  FROM generate_series(0, (least(coalesce(pl.until, p.win_end), p.win_end) - pl.first_day)
                                          / (7 * pl.intv)) k
                  WHERE pl.kind = 'weekly'
                  UNION ALL
                  SELECT mo::date + (pl.dow + 1 - extract(isodow FROM mo)::int + 7) % 7 + 7 * (pl.nth - 1)
                  FROM generate_series(date_trunc('month', p.win_start), p.win_end, interval '1 month') mo
                  WHERE pl.kind = 'monthly'
                  UNION ALL
                  SELECT pl.first_day WHERE pl.kind = 'exceptional') d
    WHERE d.day BETWEEN greatest(p.win_start, pl.first_day) AND p.win_end
      -- a 5th weekday does not exist every month
      AND (pl.kind <> 'monthly' OR extract(month FROM d.day) = extract(month FROM d.day - 7 * (pl.nth - 1)))
      AND NOT EXISTS (SELECT 1 FROM scale_holiday h
                      WHERE h.day = d.day AND NOT (h.whit AND pl.org % 4 = 0))
), blk AS (
    SELECT occ.*, b,
           occ.motifs[1 + floor(pg_temp.scale_rnd(occ.plage_id * 4096 + (occ.day - date '2000-01-01') * 4 + b)
                                * cardinality(occ.motifs))::int] AS m
    FROM occ, generate_series(0, 2) b
), slot AS (
    SELECT blk.plage_id, blk.a, blk.agent_id, blk.org, blk.lieu_id, blk.day, blk.m, mo.duration,
           mo.location_type,
           blk.start_time + blk.b * interval '1 hour'
             + CASE WHEN mo.duration <= 30 THEN half * interval '30 min'
                    WHEN mo.duration <= 45 AND (blk.plage_id + (blk.day - date '2000-01-01') + blk.b) % 2 = 0
                         THEN interval '15 min'
                    ELSE interval '0' END AS st,
           blk.b * 2 + half AS bh
    FROM blk JOIN scale_motif mo ON mo.m = blk.m,
         generate_series(0, CASE WHEN mo.duration <= 30 THEN 1 ELSE 0 END) half
), ok AS (
    SELECT s.*, row_number() OVER (PARTITION BY s.agent_id
                                   ORDER BY pg_temp.scale_rnd(s.plage_id * 8192 + (s.day - date '2000-01-01') * 8 + s.bh),
                                            s.day, s.st) AS rk
    FROM slot s
    WHERE NOT EXISTS (SELECT 1 FROM scale_blocked x
                      WHERE x.agent_id = s.agent_id AND x.day = s.day
                        AND x.t0 < (s.st + s.duration * interval '1 minute')::time AND s.st < x.t1)
)
SELECT ok.*, ((ok.day + ok.st) AT TIME ZONE 'Europe/Paris') AS starts_at,
       ((ok.day + ok.st + ok.duration * interval '1 minute') AT TIME ZONE 'Europe/Paris') AS ends_at
FROM ok, scale_param p
WHERE ok.rk <= p.rdv_per_agent;

-- Ids in time order; status (past: mostly seen, some noshow / excused /
-- revoked, 8 % still unknown; future: unknown, a few cancelled), author
-- (usagers book 30 % of the motifs open to them online) and the participant,
-- a usager whose home organisation is the rdv's: u = org + n_org × k.
CREATE TEMP TABLE scale_rdv AS
SELECT c.*,
       (CASE WHEN c.day < p.today THEN CASE
                  WHEN x.u < 0.75 THEN 'seen' WHEN x.u < 0.81 THEN 'noshow' WHEN x.u < 0.88 THEN 'excused'
                  WHEN x.u < 0.92 THEN 'revoked' ELSE 'unknown' END
             ELSE CASE WHEN x.u < 0.04 THEN 'excused' WHEN x.u < 0.07 THEN 'revoked' ELSE 'unknown' END
        END)::rdv.rdv_status AS status,
       c.m IN (1, 2, 3) AND pg_temp.scale_rnd(c.id::bigint * 16 + 2) < 0.3 AS by_usager,
       c.org + p.n_org * floor(pg_temp.scale_rnd(c.id::bigint * 16 + 3)
                               * ((p.n_usager - c.org) / p.n_org + 1))::int AS usager
FROM scale_param p,
     (SELECT cc.*, pp.b_rdv + row_number() OVER (ORDER BY cc.starts_at, cc.agent_id) AS id
      FROM scale_cand cc, scale_param pp) c,
     LATERAL (SELECT pg_temp.scale_rnd(c.id::bigint * 16 + 1) AS u) x;

ALTER TABLE rdv.rdvs DISABLE TRIGGER USER;
ALTER TABLE rdv.rdv_agents DISABLE TRIGGER USER;
ALTER TABLE rdv.participations DISABLE TRIGGER USER;
SELECT pg_temp.scale_defer_indexes('rdv.rdvs'), pg_temp.scale_defer_indexes('rdv.rdv_agents'),
       pg_temp.scale_defer_indexes('rdv.participations');

INSERT INTO rdv.rdvs (id, uuid, organisation_id, motif_id, lieu_id, starts_at, ends_at, status,
                      cancelled_at, users_count, created_by, created_by_agent_id, agent_ids,
                      created_at, updated_at)
SELECT r.id, md5('rdv-scale:' || r.id)::uuid, p.b_org + r.org, p.b_motif + 8 * (r.org - 1) + r.m + 1,
       CASE WHEN r.location_type = 'public_office' THEN r.lieu_id END,
       r.starts_at, r.ends_at, r.status,
       CASE r.status WHEN 'excused' THEN r.starts_at - interval '1 day'
                     WHEN 'revoked' THEN r.starts_at - interval '2 days'
                     WHEN 'noshow' THEN r.ends_at + interval '30 minutes' END,
       CASE WHEN r.status IN ('excused', 'revoked') THEN 0 ELSE 1 END,
       (CASE WHEN r.by_usager THEN 'usager' ELSE 'agent' END)::rdv.created_by,
       CASE WHEN NOT r.by_usager THEN r.agent_id END,
       ARRAY[r.agent_id],
       r.starts_at - (3 + r.id % 20) * interval '1 day',
       r.starts_at - (3 + r.id % 20) * interval '1 day'
FROM scale_param p, scale_rdv r
ORDER BY r.id;

INSERT INTO rdv.rdv_agents (rdv_id, agent_id, during, active, overlap_acknowledged)
SELECT r.id, r.agent_id, tstzrange(r.starts_at, r.ends_at, '[)'), r.status IN ('unknown', 'seen', 'noshow'), false
FROM scale_rdv r ORDER BY r.id;

-- The notification flags explicitly: with the triggers off, 017's default
-- from the motif does not run (scale motifs are all visible_and_notified).
INSERT INTO rdv.participations (rdv_id, usager_id, status, created_at, send_lifecycle_notifications,
                                send_reminder_notification)
SELECT r.id, p.b_usager + r.usager, r.status, r.starts_at - (3 + r.id % 20) * interval '1 day', true, true
FROM scale_param p, scale_rdv r ORDER BY r.id;

ALTER TABLE rdv.rdvs ENABLE TRIGGER USER;
ALTER TABLE rdv.rdv_agents ENABLE TRIGGER USER;
ALTER TABLE rdv.participations ENABLE TRIGGER USER;
SELECT pg_temp.scale_rebuild();

-- ------------------------------------------------------------------ clean-up

DELETE FROM rdv.notification_outbox WHERE id > (SELECT outbox_mark FROM scale_param);

DROP TABLE pg_temp.scale_ddl, pg_temp.scale_param, pg_temp.scale_holiday, pg_temp.scale_service, pg_temp.scale_motif,
    pg_temp.scale_agent, pg_temp.scale_plage, pg_temp.scale_absence, pg_temp.scale_blocked,
    pg_temp.scale_cand, pg_temp.scale_rdv;
DROP FUNCTION pg_temp.scale_rnd(bigint),
    pg_temp.scale_reserve(regclass, bigint), pg_temp.scale_easter(int),
    pg_temp.scale_defer_indexes(regclass), pg_temp.scale_rebuild();

ANALYZE rdv.territories, rdv.organisations, rdv.services, rdv.lieux, rdv.motifs, rdv.agents,
    rdv.agent_roles, rdv.agent_services, rdv.plages_ouverture, rdv.plage_motifs, rdv.absences,
    rdv.usagers, rdv.usager_profiles, rdv.rdvs, rdv.rdv_agents, rdv.participations;
