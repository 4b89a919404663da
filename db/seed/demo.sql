-- demo.sql: French demo data worth exploring ("rdv db seed demo").
--
-- Territory Drôme (26, Europe/Paris, holidays of the metropole), two
-- organisations (MDS Valence; CCAS Romans-sur-Isère, open on Whit Monday),
-- 4 services, 3 lieux, 9 motifs, 8 agents (7 logins + 1 intervenant),
-- 19 plages, 7 absences, 157 usagers (15 relatives, 4 pairs of probable
-- duplicates) and exactly 300 rdvs from 6 weeks before to 6 weeks after the
-- week of rdv.seed_today (w0 below: the Monday of that week).
--
-- Logins (login = PostgreSQL role, lowercase):
--   camille  Camille Dupont   admin MDS Valence, Service social
--   sophie   Sophie Martin    basic MDS Valence, Secrétariat (sees all the MDS)
--   julien   Julien Bernard   basic MDS Valence, Service social
--   nadia    Nadia Haddad     basic MDS Valence, PMI
--   lea      Léa Rousseau     basic MDS Valence and CCAS Romans, Social + Numérique
--   claire   Claire Faure     admin CCAS Romans, Conseiller Numérique
--   thomas   Thomas Girard    basic CCAS Romans, Conseiller Numérique
--   (François Legrand: intervenant of the MDS, PMI, no login, no e-mail)
--
-- Worth a look: julien's Monday and Tuesday 09:00 rdvs of w0 (Élodie Bézier,
-- Jean-François Lefèvre) and his "à renseigner" past rdvs; the exceptional
-- plages of w0 (julien Wednesday afternoon, thomas Saturday morning);
-- duplicates Jean-Pierre Dupont ×2, Fatima Benali ×2, Loïc / Loic Le Goff,
-- Marie Dupont / Marie Dupond; collective workshops on Fridays (nadia).
--
-- Run by the superuser, in one transaction, after every migration, with
--   SELECT set_config('rdv.seed_today', 'YYYY-MM-DD', false);
-- (unset: today). The result depends only on that date: no random(), every
-- "random" choice is a hash of the object's key (seed_rnd below), and every
-- row id is taken from its sequence in a fixed order. Holidays are not data
-- (they are computed); rdvs avoid them, except at the CCAS on Whit Monday.
--
-- The agents' PostgreSQL login roles are cluster-wide: they are created only
-- when missing, so the file loads into a second database of the same cluster.
-- Notification mails the triggers queue for the seeded rows are removed.
--
-- Work tables live in pg_temp and are dropped at the end; nothing depends on
-- ON COMMIT, so the file also works statement by statement.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM rdv.agents WHERE db_role IN
               ('camille', 'sophie', 'julien', 'nadia', 'lea', 'claire', 'thomas')) THEN
        RAISE EXCEPTION 'les données de démonstration sont déjà chargées dans cette base'
            USING HINT = 'Chargez la démo dans une base neuve (rdv db migrate puis rdv db seed demo).';
    END IF;
END $$;

-- ------------------------------------------------------------------ helpers

-- A uniform number in [0, 1) drawn from the key: the seed's only randomness.
CREATE OR REPLACE FUNCTION pg_temp.seed_rnd(VARIADIC k text[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
    SELECT ('x' || substr(md5(array_to_string(k, ':')), 1, 12))::bit(48)::bigint
           / 281474976710656.0::double precision
$$;

-- Easter Sunday (anonymous Gregorian computus).
CREATE OR REPLACE FUNCTION pg_temp.seed_easter(y int) RETURNS date
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

-- Does the rule (the subset 001_schema accepts) have an occurrence on day d?
CREATE OR REPLACE FUNCTION pg_temp.seed_occurs(rule text, first_day date, last_day date, d date)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    days text[] := ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    intv int := coalesce(substring(rule FROM 'INTERVAL=([0-9]+)')::int, 1);
    byday text := substring(rule FROM 'BYDAY=([0-9A-Z,]+)');
    wd text := days[extract(isodow FROM d)::int];
BEGIN
    IF d < first_day OR (last_day IS NOT NULL AND d > last_day) THEN
        RETURN false;
    END IF;
    IF rule IS NULL OR rule = '' THEN
        RETURN d = first_day;
    END IF;
    IF rule LIKE '%FREQ=WEEKLY%' THEN
        RETURN wd = ANY (string_to_array(coalesce(byday, days[extract(isodow FROM first_day)::int]), ','))
           AND ((date_trunc('week', d)::date - date_trunc('week', first_day)::date) / 7) % intv = 0;
    END IF;
    RETURN substr(byday, 2) = wd
       AND (extract(day FROM d)::int - 1) / 7 + 1 = substr(byday, 1, 1)::int
       AND ((extract(year FROM d) * 12 + extract(month FROM d))
            - (extract(year FROM first_day) * 12 + extract(month FROM first_day)))::int % intv = 0;
END $$;

-- "06 12 34 56 78" from "0612345678"; E.164 "+33612345678".
CREATE OR REPLACE FUNCTION pg_temp.seed_phone(p text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(p, '^(..)(..)(..)(..)(..)$', '\1 \2 \3 \4 \5')
$$;
CREATE OR REPLACE FUNCTION pg_temp.seed_e164(p text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT '+33' || substr(p, 2)
$$;
-- "Jean-François" → "jean-francois", "N'Diaye" → "ndiaye", "Le Goff" → "legoff".
CREATE OR REPLACE FUNCTION pg_temp.seed_mailpart(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(lower(unaccent(replace(replace(t, 'ş', 's'), 'ı', 'i'))), '[^a-z0-9-]', '', 'g')
$$;

-- Quiet the "does not exist, skipping" notices of the first run; no JIT
-- (the work tables have no statistics, so the planner would compile tiny
-- queries for half a second each).
DO $$
BEGIN
    PERFORM set_config('client_min_messages', 'warning', true);
    PERFORM set_config('jit', 'off', true);
END $$;
DROP TABLE IF EXISTS pg_temp.seed_param, pg_temp.seed_id, pg_temp.seed_holiday,
    pg_temp.seed_motif, pg_temp.seed_agent, pg_temp.seed_plage, pg_temp.seed_absence, pg_temp.seed_usager, pg_temp.seed_pool,
    pg_temp.seed_day, pg_temp.seed_abs_occ, pg_temp.seed_cand, pg_temp.seed_rdv, pg_temp.seed_part;

-- today, w0 = Monday of today's week, and the outbox high-water mark (rows the
-- notification triggers write for seeded data are removed at the end: the
-- demo must not mail its agents about 300 "new" rdvs).
CREATE TEMP TABLE seed_param AS
SELECT d AS today, date_trunc('week', d)::date AS w0,
       (SELECT coalesce(max(id), 0) FROM rdv.notification_outbox) AS outbox_mark
FROM (SELECT coalesce(nullif(current_setting('rdv.seed_today', true), ''),
                      current_date::text)::date AS d) s;

-- Row ids of the demo, by kind and key, taken from the sequences in order.
CREATE TEMP TABLE seed_id (kind text, key text, id integer NOT NULL, PRIMARY KEY (kind, key));

CREATE OR REPLACE FUNCTION pg_temp.sid(kind text, key text) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT id FROM seed_id WHERE seed_id.kind = $1 AND seed_id.key = $2
$$;

-- Public holidays (metropole) of the years the demo spans.
CREATE TEMP TABLE seed_holiday AS
SELECT x.day, x.name, x.name = 'Lundi de Pentecôte' AS whit
FROM (SELECT y, pg_temp.seed_easter(y) AS e
      FROM seed_param p,
           generate_series(extract(year FROM p.w0 - 400)::int, extract(year FROM p.w0 + 200)::int) y) ys,
     LATERAL (VALUES (make_date(y, 1, 1), '1er janvier'), (e + 1, 'Lundi de Pâques'),
                     (make_date(y, 5, 1), '1er mai'), (make_date(y, 5, 8), '8 mai'),
                     (e + 39, 'Ascension'), (e + 50, 'Lundi de Pentecôte'),
                     (make_date(y, 7, 14), '14 juillet'), (make_date(y, 8, 15), 'Assomption'),
                     (make_date(y, 11, 1), 'Toussaint'), (make_date(y, 11, 11), '11 novembre'),
                     (make_date(y, 12, 25), 'Jour de Noël')) x(day, name);

-- ------------------------------------------------------------------ territory, organisations, services

INSERT INTO seed_id VALUES ('territory', 'drome', nextval('rdv.territories_id_seq'));
INSERT INTO rdv.territories (id, name, departement_number, time_zone, holiday_zone)
VALUES (pg_temp.sid('territory', 'drome'), 'Drôme', '26', 'Europe/Paris', 'metropole');

INSERT INTO seed_id VALUES ('org', 'mds', nextval('rdv.organisations_id_seq'));
INSERT INTO seed_id VALUES ('org', 'ccas', nextval('rdv.organisations_id_seq'));
INSERT INTO rdv.organisations (id, territory_id, name, phone_number, email, horaires,
                               open_on_whit_monday, open_on_holidays)
VALUES (pg_temp.sid('org', 'mds'), pg_temp.sid('territory', 'drome'), 'MDS Valence',
        '04 75 79 70 00', 'mds.valence@drome.example.fr',
        'Du lundi au vendredi, 8h30–12h et 13h30–17h', false, false),
       (pg_temp.sid('org', 'ccas'), pg_temp.sid('territory', 'drome'), 'CCAS Romans-sur-Isère',
        '04 75 45 89 00', 'ccas@romans.example.fr',
        'Lundi, mercredi et vendredi 9h–17h ; mardi et jeudi 9h–12h', true, false);

-- Services are global: reuse them when another seed already created them.
INSERT INTO rdv.services (name, short_name)
VALUES ('Service social', 'Social'),
       ('PMI (Protection Maternelle Infantile)', 'PMI'),
       ('Secrétariat', 'Secrétariat'),
       ('Conseiller Numérique', 'Numérique')
ON CONFLICT DO NOTHING;
INSERT INTO seed_id
SELECT 'service', v.k, s.id
FROM (VALUES ('social', 'Service social'), ('pmi', 'PMI (Protection Maternelle Infantile)'),
             ('secretariat', 'Secrétariat'), ('numerique', 'Conseiller Numérique')) v(k, n)
JOIN rdv.services s ON lower(s.name) = lower(v.n);

-- ------------------------------------------------------------------ lieux and motifs

INSERT INTO seed_id VALUES ('lieu', 'centre', nextval('rdv.lieux_id_seq'));
INSERT INTO seed_id VALUES ('lieu', 'fontbarlettes', nextval('rdv.lieux_id_seq'));
INSERT INTO seed_id VALUES ('lieu', 'romans', nextval('rdv.lieux_id_seq'));
INSERT INTO rdv.lieux (id, organisation_id, name, address, phone_number)
VALUES (pg_temp.sid('lieu', 'centre'), pg_temp.sid('org', 'mds'), 'MDS Valence Centre',
        '12 rue Madier de Montjau, 26000 Valence', '04 75 79 70 00'),
       (pg_temp.sid('lieu', 'fontbarlettes'), pg_temp.sid('org', 'mds'), 'Antenne de Fontbarlettes',
        '3 rue Pierre Corneille, 26000 Valence', '04 75 79 70 20'),
       (pg_temp.sid('lieu', 'romans'), pg_temp.sid('org', 'ccas'), 'CCAS – Hôtel de ville',
        '1 place Jules Nadi, 26100 Romans-sur-Isère', '04 75 45 89 00');

CREATE TEMP TABLE seed_motif AS
SELECT v.*, nextval('rdv.motifs_id_seq')::int AS id
FROM (VALUES
    (1, 'premier', 'mds', 'social', 'Premier accueil social', '#1F77B4', 45, 'public_office', false,
        'agents', true, false, NULL),
    (2, 'suivi', 'mds', 'social', 'Suivi social', '#2CA02C', 30, 'public_office', false,
        'agents', false, true, NULL),
    (3, 'tel', 'mds', 'social', 'Entretien téléphonique', '#17BECF', 20, 'phone', false,
        'agents', true, false, 'Nous vous appellerons au numéro indiqué.'),
    (4, 'pmi', 'mds', 'pmi', 'Consultation PMI nourrisson', '#E377C2', 30, 'public_office', false,
        'everyone', true, false, 'Pensez au carnet de santé de l''enfant.'),
    (5, 'domicile', 'mds', 'pmi', 'Visite à domicile', '#8C564B', 60, 'home', false,
        'agents', false, false, NULL),
    (6, 'atelier', 'mds', 'pmi', 'Atelier parentalité', '#FF7F0E', 60, 'public_office', true,
        'agents_and_prescripteurs', false, false, 'Atelier en groupe : bébé bienvenu.'),
    (7, 'demarches', 'ccas', 'numerique', 'Aide aux démarches en ligne', '#9467BD', 45, 'public_office', false,
        'everyone', false, false, 'Apportez vos identifiants et une pièce d''identité.'),
    (8, 'point', 'ccas', 'numerique', 'Point rapide numérique', '#BCBD22', 15, 'public_office', false,
        'agents_and_prescripteurs', false, false, NULL),
    (9, 'ccas_social', 'ccas', 'social', 'Accompagnement social CCAS', '#D62728', 30, 'public_office', false,
        'agents', false, false, NULL)
) v(ord, key, org, service, name, color, duration, location_type, collectif, bookable_by,
    for_secretariat, follow_up, instruction)
ORDER BY v.ord;
INSERT INTO seed_id SELECT 'motif', key, id FROM seed_motif;

INSERT INTO rdv.motifs (id, organisation_id, service_id, name, color, default_duration_in_min,
                        location_type, collectif, bookable_by, for_secretariat, follow_up,
                        instruction_for_rdv, min_booking_delay_min, max_booking_delay_min)
SELECT id, pg_temp.sid('org', org), pg_temp.sid('service', service), name, color, duration,
       location_type::rdv.location_type, collectif, bookable_by::rdv.bookable_by,
       for_secretariat, follow_up, instruction,
       CASE WHEN bookable_by = 'everyone' THEN 120 ELSE 30 END,
       CASE WHEN key = 'point' THEN 20160 ELSE 129600 END
FROM seed_motif ORDER BY ord;

-- ------------------------------------------------------------------ agents

CREATE TEMP TABLE seed_agent AS
SELECT v.*, nextval('rdv.agents_id_seq')::int AS id
FROM (VALUES
    (1, 'camille', 'Camille', 'Dupont', 'all', 'all', 'all', false),
    (2, 'sophie', 'Sophie', 'Martin', 'others', 'none', 'none', false),
    (3, 'julien', 'Julien', 'Bernard', 'soon', 'all', 'all', false),
    (4, 'nadia', 'Nadia', 'Haddad', 'none', 'none', 'all', false),
    (5, 'lea', 'Léa', 'Rousseau', 'others', 'all', 'none', false),
    (6, 'claire', 'Claire', 'Faure', 'all', 'all', 'all', true),
    (7, 'thomas', 'Thomas', 'Girard', 'soon', 'none', 'all', true),
    (8, 'francois', 'François', 'Legrand', 'none', 'none', 'none', false)
) v(ord, key, first_name, last_name, rdv_level, plage_level, absence_level, saturdays)
ORDER BY v.ord;
INSERT INTO seed_id SELECT 'agent', key, id FROM seed_agent;

INSERT INTO rdv.agents (id, first_name, last_name, email, db_role, rdv_notifications_level,
                        plage_ouverture_notification_level, absence_notification_level,
                        display_saturdays)
SELECT id, first_name, last_name,
       CASE WHEN key <> 'francois'
            THEN pg_temp.seed_mailpart(first_name) || '.' || pg_temp.seed_mailpart(last_name)
                 || '@drome.example.fr' END,
       CASE WHEN key <> 'francois' THEN key END,
       rdv_level::rdv.rdv_notification_level, plage_level::rdv.item_notification_level,
       absence_level::rdv.item_notification_level, saturdays
FROM seed_agent ORDER BY ord;

INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
SELECT pg_temp.sid('agent', a), pg_temp.sid('org', o), l::rdv.access_level
FROM (VALUES ('camille', 'mds', 'admin'), ('sophie', 'mds', 'basic'), ('julien', 'mds', 'basic'),
             ('nadia', 'mds', 'basic'), ('lea', 'mds', 'basic'), ('lea', 'ccas', 'basic'),
             ('claire', 'ccas', 'admin'), ('thomas', 'ccas', 'basic'),
             ('francois', 'mds', 'intervenant')) v(a, o, l);

INSERT INTO rdv.agent_services (agent_id, service_id)
SELECT pg_temp.sid('agent', a), pg_temp.sid('service', s)
FROM (VALUES ('camille', 'social'), ('sophie', 'secretariat'), ('julien', 'social'),
             ('nadia', 'pmi'), ('lea', 'social'), ('lea', 'numerique'),
             ('claire', 'numerique'), ('thomas', 'numerique'), ('francois', 'pmi')) v(a, s);

-- Login roles, cluster-wide: create the missing ones, make sure each is a member of rdv_agent.
DO $$
DECLARE
    login name;
BEGIN
    FOR login IN SELECT db_role FROM rdv.agents
                 WHERE db_role IN ('camille', 'sophie', 'julien', 'nadia', 'lea', 'claire', 'thomas')
                 ORDER BY id LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE rdv_agent', login);
        ELSIF NOT pg_has_role(login, 'rdv_agent', 'MEMBER') THEN
            EXECUTE format('GRANT rdv_agent TO %I', login);
        END IF;
    END LOOP;
END $$;

-- ------------------------------------------------------------------ plages d'ouverture

-- first_day is always an occurrence of the rule: s = the Monday 8 weeks before
-- today's week, s + 1 a Tuesday, …; the monthly plage starts on the real
-- second Wednesday of s's month.
CREATE TEMP TABLE seed_plage AS
SELECT v.ord, v.agent, v.org, v.lieu, v.title, v.first_day, v.start_time::time AS start_time,
       v.end_time::time AS end_time, v.rrule, v.motifs,
       nextval('rdv.plages_ouverture_id_seq')::int AS id
FROM seed_param p,
     LATERAL (SELECT p.w0 - 56 AS s,
                     date_trunc('month', p.w0 - 56)::date
                       + (3 - extract(isodow FROM date_trunc('month', p.w0 - 56))::int + 7) % 7 + 7 AS wed2) x,
     LATERAL (VALUES
    (1, 'julien', 'mds', 'centre', 'Permanence Valence Centre', p.w0 - 182, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=MO,TU', ARRAY['premier', 'suivi', 'tel']),
    (2, 'julien', 'mds', 'fontbarlettes', 'Après-midi Fontbarlettes', x.s + 3, '13:30', '17:00',
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH', ARRAY['premier', 'suivi']),
    (3, 'camille', 'mds', 'centre', 'Accueil social', x.s, '13:30', '17:00',
        'FREQ=WEEKLY;BYDAY=MO,TU,TH', ARRAY['premier', 'suivi', 'tel']),
    (4, 'camille', 'mds', 'centre', 'Entretiens du vendredi', x.s + 4, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=FR;UNTIL=' || to_char(p.w0 + 32, 'YYYYMMDD'), ARRAY['suivi', 'tel']),
    (5, 'nadia', 'mds', 'centre', 'Consultations PMI', x.s, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', ARRAY['pmi']),
    (6, 'nadia', 'mds', NULL, 'Visites à domicile', x.s + 1, '13:30', '17:00',
        'FREQ=WEEKLY;BYDAY=TU,TH', ARRAY['domicile']),
    (7, 'francois', 'mds', 'centre', 'Consultation pédiatrique du 2e mercredi', x.wed2, '09:00', '12:00',
        'FREQ=MONTHLY;BYDAY=2WE', ARRAY['pmi']),
    (8, 'lea', 'mds', 'fontbarlettes', 'Permanence Fontbarlettes', x.s + 2, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=WE', ARRAY['premier', 'suivi']),
    (9, 'lea', 'ccas', 'romans', 'Permanence sociale CCAS', x.s + 4, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=FR', ARRAY['ccas_social', 'demarches']),
    (10, 'claire', 'ccas', 'romans', 'Accompagnement numérique', x.s + 1, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=TU,TH', ARRAY['demarches', 'point']),
    (11, 'claire', 'ccas', 'romans', 'Après-midi numérique (une semaine sur deux)', x.s + 2, '13:30', '17:00',
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=' || to_char(p.w0 + 58, 'YYYYMMDD'), ARRAY['demarches']),
    (12, 'thomas', 'ccas', 'romans', 'Permanence numérique', x.s, '13:30', '17:00',
        'FREQ=WEEKLY;BYDAY=MO,WE,FR', ARRAY['demarches', 'point']),
    (13, 'thomas', 'ccas', 'romans', 'Point rapide du lundi', x.s, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=MO', ARRAY['point']),
    (14, 'thomas', 'ccas', 'romans', 'Ancienne permanence du jeudi', p.w0 - 361, '09:00', '12:00',
        'FREQ=WEEKLY;BYDAY=TH;UNTIL=' || to_char(p.w0 - 25, 'YYYYMMDD'), ARRAY['demarches']),
    (15, 'sophie', 'mds', NULL, 'Rappels téléphoniques du secrétariat', x.s + 4, '14:00', '16:00',
        'FREQ=WEEKLY;BYDAY=FR', ARRAY['tel']),
    (16, 'julien', 'mds', 'centre', 'Renfort accueil', p.w0 + 2, '13:30', '17:00',
        NULL, ARRAY['premier', 'suivi']),
    (17, 'camille', 'mds', 'fontbarlettes', 'Permanence exceptionnelle Fontbarlettes', p.w0 + 9, '09:00', '12:00',
        NULL, ARRAY['premier', 'suivi']),
    (18, 'thomas', 'ccas', 'romans', 'Samedi numérique', p.w0 + 5, '09:00', '12:00',
        NULL, ARRAY['demarches', 'point']),
    (19, 'nadia', 'mds', 'centre', 'Consultation PMI supplémentaire', p.w0 - 18, '09:00', '12:00',
        NULL, ARRAY['pmi'])
) v(ord, agent, org, lieu, title, first_day, start_time, end_time, rrule, motifs)
ORDER BY v.ord;

INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day,
                                  start_time, end_time, rrule, created_at, updated_at)
SELECT id, pg_temp.sid('org', org), pg_temp.sid('agent', agent), pg_temp.sid('lieu', lieu), title,
       first_day, start_time, end_time, rrule,
       least(first_day - 10 + time '10:00', (SELECT today FROM seed_param) - 1 + time '23:59')
           AT TIME ZONE 'Europe/Paris',
       least(first_day - 10 + time '10:00', (SELECT today FROM seed_param) - 1 + time '23:59')
           AT TIME ZONE 'Europe/Paris'
FROM seed_plage ORDER BY ord;

INSERT INTO rdv.plage_motifs (plage_id, motif_id)
SELECT pl.id, pg_temp.sid('motif', m) FROM seed_plage pl, unnest(pl.motifs) m;

-- ------------------------------------------------------------------ absences

CREATE TEMP TABLE seed_absence AS
SELECT v.ord, v.agent, v.title, v.first_day, v.start_time::time AS start_time, v.end_day,
       v.end_time::time AS end_time, v.rrule, nextval('rdv.absences_id_seq')::int AS id
FROM seed_param p,
     LATERAL (SELECT p.w0 - 56 AS s,
                     date_trunc('month', p.w0 - 56)::date
                       + (1 - extract(isodow FROM date_trunc('month', p.w0 - 56))::int + 7) % 7 AS mon1) x,
     LATERAL (VALUES
    (1, 'nadia', 'Temps partiel (mercredi après-midi)', x.s + 2, '12:00', x.s + 2, '18:00',
        'FREQ=WEEKLY;BYDAY=WE'),
    (2, 'camille', 'Formation « Accueil des publics vulnérables »', p.w0 + 15, '09:00', p.w0 + 16, '17:00', NULL),
    (3, 'julien', 'Rendez-vous médical', p.w0 + 7, '10:00', p.w0 + 7, '12:00', NULL),
    (4, 'lea', 'Congés', p.w0 + 21, '08:00', p.w0 + 25, '19:00', NULL),
    (5, 'claire', 'Réunion de service', x.s + 3, '09:00', x.s + 3, '10:00',
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH'),
    (6, 'thomas', 'Arrêt maladie', p.w0 - 14, '08:00', p.w0 - 12, '18:00', NULL),
    (7, 'camille', 'Réunion d''équipe MDS', x.mon1, '14:00', x.mon1, '15:30', 'FREQ=MONTHLY;BYDAY=1MO')
) v(ord, agent, title, first_day, start_time, end_day, end_time, rrule)
ORDER BY v.ord;

INSERT INTO rdv.absences (id, agent_id, title, first_day, start_time, end_day, end_time, rrule,
                          created_at, updated_at)
SELECT id, pg_temp.sid('agent', agent), title, first_day, start_time, end_day, end_time, rrule,
       least(first_day - 7 + time '08:30', (SELECT today FROM seed_param) - 1 + time '23:58')
           AT TIME ZONE 'Europe/Paris',
       least(first_day - 7 + time '08:30', (SELECT today FROM seed_param) - 1 + time '23:58')
           AT TIME ZONE 'Europe/Paris'
FROM seed_absence ORDER BY ord;

-- ------------------------------------------------------------------ usagers

-- Hand-written people first (names the docs and tests use), then 124
-- generated adults, then 15 children attached to generated adults.
-- orgs: m = MDS Valence, c = CCAS Romans, mc = both.
CREATE TEMP TABLE seed_usager (
    ord int PRIMARY KEY,
    first_name text, last_name text, birth_name text, birth_date date, email text,
    phone text, street text, post_code text, city text, address_details text, notes text,
    orgs text, parent_ord int, kind text, created_by text, id int
);

INSERT INTO seed_usager (ord, first_name, last_name, birth_name, birth_date, email, phone,
                         street, post_code, city, address_details, notes, orgs, kind, created_by)
VALUES
    (1, 'Élodie', 'Bézier', NULL, '1987-06-14', 'elodie.bezier@example.com', '0612345678',
        '14 rue Émile Augier', '26000', 'Valence', NULL, NULL, 'm', 'adult', 'sophie'),
    (2, 'Jean-François', 'Lefèvre', NULL, '1962-11-02', 'jf.lefevre@example.org', '0623456789',
        '8 avenue Victor Hugo', '26000', 'Valence', 'Bâtiment B, 3e étage', NULL, 'm', 'adult', 'julien'),
    (3, 'Zoé', 'N''Diaye', NULL, '1995-03-30', 'zoe.ndiaye@example.net', '0781223344',
        '27 rue Jacquemart', '26100', 'Romans-sur-Isère', NULL, NULL, 'mc', 'adult', NULL),
    (4, 'Loïc', 'Le Goff', NULL, '1979-08-19', 'loic.legoff@example.com', '0671523390',
        '5 avenue Gambetta', '26100', 'Romans-sur-Isère', NULL, NULL, 'c', 'adult', NULL),
    (5, 'Loic', 'Le Goff', NULL, '1979-08-19', NULL, '0671523390',
        '5 avenue Gambetta', '26100', 'Romans-sur-Isère', NULL,
        'Fiche créée à l''accueil sans adresse e-mail.', 'm', 'adult', 'sophie'),
    (6, 'Jean-Pierre', 'Dupont', NULL, '1968-04-12', 'jp.dupont@example.com', '0611223344',
        '41 boulevard Maurice Clerc', '26000', 'Valence', NULL, NULL, 'm', 'adult', 'camille'),
    (7, 'Jean-Pierre', 'Dupont', NULL, '1968-04-12', 'jeanpierre.dupont26@example.org', '0611223344',
        '41 bd Maurice Clerc', '26000', 'Valence', NULL, NULL, 'm', 'adult', NULL),
    (8, 'Marie', 'Dupont', NULL, '1990-01-22', 'marie.dupont@example.com', '0645678901',
        '3 rue Faventines', '26000', 'Valence', NULL, NULL, 'm', 'adult', 'julien'),
    (9, 'Marie', 'Dupond', NULL, '1990-01-22', 'marie.dupond@example.net', '0645678901',
        '3 rue Faventines', '26000', 'Valence', NULL, NULL, 'mc', 'adult', NULL),
    (10, 'Fatima', 'Benali', NULL, '1985-09-03', 'fatima.benali@example.com', '0698765432',
        '19 rue Mathieu de la Drôme', '26100', 'Romans-sur-Isère', NULL, NULL, 'c', 'adult', 'claire'),
    (11, 'Fatima', 'Benali', NULL, '1985-09-03', NULL, '0698765432',
        NULL, NULL, NULL, NULL, NULL, 'm', 'adult', 'sophie'),
    (12, 'Ayşe', 'Çelik', NULL, '1983-12-05', 'ayse.celik@example.com', '0752418896',
        '2 place Maurice Faure', '26100', 'Romans-sur-Isère', NULL, NULL, 'c', 'adult', 'thomas'),
    (13, 'Nathalie', 'Roux', 'Brunel', '1974-07-08', 'nathalie.roux@example.org', '0475432110',
        '10 rue de l''Écosserie', '26300', 'Bourg-de-Péage', NULL, NULL, 'mc', 'adult', NULL),
    (14, 'Raymond', 'Achard', NULL, '1941-02-17', NULL, NULL,
        '6 rue du Vercors', '26120', 'Chabeuil', NULL,
        'Malentendant : privilégier le courrier.', 'm', 'adult', 'camille'),
    (15, 'Marie-Thérèse', 'de La Tour d''Auvergne', 'Chabert', '1952-10-25', 'mt.delatour@example.com',
        '0475561234', '1 Grande Rue', '26600', 'Tain-l''Hermitage', NULL, NULL, 'm', 'adult', 'sophie'),
    (16, 'Anne-Sophie', 'Meyer-Lévy', NULL, '1999-05-16', 'annesophie.meyerlevy@example.net', '0788990011',
        '22 avenue Marc Urtin', '26500', 'Bourg-lès-Valence', NULL, NULL, 'm', 'adult', NULL),
    (17, 'Noël', 'Saint-Martin', NULL, '1958-12-24', NULL, '0475987654',
        '7 route de Valence', '26120', 'Chabeuil', NULL, NULL, 'c', 'adult', 'lea'),
    (18, 'Inès', 'Ferreira', NULL, '2001-09-11', 'ines.ferreira@example.com', '0634567812',
        '15 rue Jean Jaurès', '26800', 'Portes-lès-Valence', NULL, NULL, 'm', 'adult', 'nadia');

-- Generated adults 101..224: names from two lists walked so that every pair is
-- distinct (i mod 60, 7i mod 61), about 70 % with an e-mail, 88 % with a phone.
INSERT INTO seed_usager (ord, first_name, last_name, birth_date, email, phone, street, post_code,
                         city, address_details, notes, orgs, kind, created_by)
SELECT 100 + i, fn, ln,
       date '1940-01-01' + floor(pg_temp.seed_rnd('birth', i::text) * 23000)::int,
       CASE WHEN pg_temp.seed_rnd('email', i::text) < 0.70 THEN
            pg_temp.seed_mailpart(fn) || CASE WHEN i % 3 = 0 THEN '' ELSE '.' END
            || pg_temp.seed_mailpart(ln)
            || CASE WHEN i % 4 = 1 THEN (i % 90 + 10)::text ELSE '' END
            || (ARRAY['@example.com', '@example.org', '@example.net'])[i % 3 + 1] END,
       CASE WHEN pg_temp.seed_rnd('phone', i::text) < 0.88 THEN
            CASE WHEN pg_temp.seed_rnd('fixe', i::text) < 0.2
                 THEN '0475' || lpad(floor(pg_temp.seed_rnd('num', i::text) * 1e6)::bigint::text, 6, '0')
                 ELSE (ARRAY['06', '07'])[i % 2 + 1]
                      || lpad(floor(pg_temp.seed_rnd('num', i::text) * 1e8)::bigint::text, 8, '0') END END,
       (1 + floor(pg_temp.seed_rnd('no', i::text) * 90))::int || ' ' || st.street, st.post_code, st.city,
       CASE WHEN i % 11 = 0 THEN 'Appartement ' || (i % 40 + 1) END,
       CASE WHEN i % 17 = 0 THEN 'Préfère être contacté(e) le matin.'
            WHEN i % 23 = 0 THEN 'Accompagné(e) par un interprète (arabe).' END,
       o.orgs, 'adult',
       CASE WHEN i % 5 = 0 THEN NULL
            WHEN o.orgs = 'c' THEN (ARRAY['claire', 'thomas'])[i % 2 + 1]
            ELSE (ARRAY['sophie', 'sophie', 'camille', 'julien', 'nadia'])[i % 5 + 1] END
FROM generate_series(1, 124) i,
     LATERAL (SELECT (ARRAY['Élodie', 'Zoé', 'Jean-François', 'Loïc', 'Chloé', 'Inès', 'Mathéo',
        'Raphaël', 'Léna', 'Noémie', 'Anaïs', 'Gaëlle', 'Maëlle', 'Hélène', 'Jérôme', 'Cédric',
        'Aurélie', 'Agnès', 'Séverine', 'Françoise', 'Noël', 'Bérénice', 'Théo', 'Lucas', 'Emma',
        'Hugo', 'Manon', 'Louis', 'Camille', 'Nathan', 'Sarah', 'Yanis', 'Lina', 'Mohamed', 'Fatou',
        'Aïcha', 'Karim', 'Nour', 'Sofiane', 'Amandine', 'Sébastien', 'Stéphanie', 'Grégory',
        'Valérie', 'Pascal', 'Nathalie', 'Thierry', 'Sylvie', 'Christophe', 'Isabelle', 'Patrick',
        'Martine', 'Bernard', 'Monique', 'René', 'Josiane', 'Marie-Claire', 'Anne-Laure',
        'Pierre-Louis', 'Océane'])[i % 60 + 1] AS fn,
        (ARRAY['Bézier', 'Lefèvre', 'Gérard', 'Mégret', 'Thévenet', 'Chabert', 'Reynaud', 'Roux',
        'Blanc', 'Brunel', 'Arnaud', 'Vernet', 'Perrin', 'Chapuis', 'Ollier', 'Jacquemet', 'Morel',
        'Boyer', 'Garnier', 'Moulin', 'Bouvier', 'Ferrand', 'Rey', 'Lambert', 'Barbier', 'Martinez',
        'Da Silva', 'Nguyen', 'Diallo', 'Traoré', 'Mercier', 'Guillot', 'Fabre', 'Roche', 'Coste',
        'Bonnet', 'Chevalier', 'Aubert', 'Vidal', 'Dumas', 'Giraud', 'Picard', 'Lacroix', 'Sanchez',
        'Ferreira', 'Kaya', 'Saint-Martin', 'Le Goff', 'N''Diaye', 'D''Amico', 'Meyer-Lévy', 'Çelik',
        'Besson', 'Duc', 'Allègre', 'Pélissier', 'Mounier', 'Achard', 'Bonnefoy', 'Ravel',
        'Sarrazin'])[(7 * i) % 61 + 1] AS ln) n,
     LATERAL (SELECT CASE WHEN pg_temp.seed_rnd('org', i::text) < 0.60 THEN 'm'
                          WHEN pg_temp.seed_rnd('org', i::text) < 0.80 THEN 'c'
                          ELSE 'mc' END AS orgs) o,
     LATERAL (SELECT v.street, v.post_code, v.city
              FROM (VALUES
                  ('c', 0, 'rue Jacquemart', '26100', 'Romans-sur-Isère'),
                  ('c', 1, 'avenue Gambetta', '26100', 'Romans-sur-Isère'),
                  ('c', 2, 'rue Mathieu de la Drôme', '26100', 'Romans-sur-Isère'),
                  ('c', 3, 'côte des Cordeliers', '26100', 'Romans-sur-Isère'),
                  ('c', 4, 'avenue Alpes-Provence', '26300', 'Bourg-de-Péage'),
                  ('c', 5, 'rue de l''Écosserie', '26300', 'Bourg-de-Péage'),
                  ('c', 6, 'Grande Rue', '26600', 'Tain-l''Hermitage'),
                  ('m', 0, 'avenue Victor Hugo', '26000', 'Valence'),
                  ('m', 1, 'rue Émile Augier', '26000', 'Valence'),
                  ('m', 2, 'boulevard Maurice Clerc', '26000', 'Valence'),
                  ('m', 3, 'rue Faventines', '26000', 'Valence'),
                  ('m', 4, 'avenue de Romans', '26000', 'Valence'),
                  ('m', 5, 'chemin des Mèches', '26000', 'Valence'),
                  ('m', 6, 'allée de la Pléiade', '26000', 'Valence'),
                  ('m', 7, 'avenue Marc Urtin', '26500', 'Bourg-lès-Valence'),
                  ('m', 8, 'rue Jean Jaurès', '26800', 'Portes-lès-Valence'),
                  ('m', 9, 'route de Valence', '26120', 'Chabeuil'),
                  ('m', 10, 'rue de l''Hôtel de Ville', '26400', 'Crest'),
                  ('m', 11, 'chemin de la Tourette', '26760', 'Beaumont-lès-Valence')
              ) v(area, k, street, post_code, city)
              WHERE v.area = CASE WHEN o.orgs = 'c' THEN 'c' ELSE 'm' END
                AND v.k = floor(pg_temp.seed_rnd('st', i::text)
                                * CASE WHEN o.orgs = 'c' THEN 7 ELSE 12 END)::int) st;

-- 15 children (relatives): responsible = every 5th generated adult of the
-- MDS (PMI consultations), no e-mail nor phone nor address of their own (the
-- responsible's are used), same organisations as the responsible.
INSERT INTO seed_usager (ord, first_name, last_name, birth_date, orgs, parent_ord, kind, created_by)
SELECT 300 + k, (ARRAY['Léo', 'Jade', 'Louise', 'Gabriel', 'Alice', 'Adam', 'Lou', 'Noé', 'Rose',
                       'Timéo', 'Mila', 'Éléa', 'Sacha', 'Maël', 'Anna'])[k],
       par.last_name,
       p.today - (60 + floor(pg_temp.seed_rnd('kid', k::text) * 4000))::int,
       par.orgs, par.ord, 'child', par.created_by
FROM seed_param p, generate_series(1, 15) k
JOIN (SELECT u.*, row_number() OVER (ORDER BY u.ord) AS rn
      FROM seed_usager u WHERE u.ord > 100 AND u.orgs <> 'c') par ON par.rn = 5 * k;

UPDATE seed_usager u SET id = n.id
FROM (SELECT ord, nextval('rdv.usagers_id_seq')::int AS id
      FROM (SELECT ord FROM seed_usager ORDER BY ord) o) n
WHERE n.ord = u.ord;

INSERT INTO rdv.usagers (id, first_name, last_name, birth_name, birth_date, email, phone_number,
                         phone_number_formatted, address, address_details, post_code, city_name,
                         notes, responsible_id, notify_by_sms, created_by_agent_id, created_at, updated_at)
SELECT u.id, u.first_name, u.last_name, u.birth_name, u.birth_date, u.email,
       pg_temp.seed_phone(u.phone), pg_temp.seed_e164(u.phone),
       CASE WHEN u.street IS NOT NULL THEN u.street || ', ' || u.post_code || ' ' || u.city END,
       u.address_details, u.post_code, u.city, u.notes, par.id,
       u.ord % 13 <> 0, pg_temp.sid('agent', u.created_by),
       ((p.today - 400 + u.ord) + time '11:00') AT TIME ZONE 'Europe/Paris',
       ((p.today - 400 + u.ord) + time '11:00') AT TIME ZONE 'Europe/Paris'
FROM seed_param p, seed_usager u
LEFT JOIN seed_usager par ON par.ord = u.parent_ord
ORDER BY u.ord;

INSERT INTO rdv.usager_profiles (organisation_id, usager_id, created_at)
SELECT pg_temp.sid('org', o), u.id, ((p.today - 400 + u.ord) + time '11:00') AT TIME ZONE 'Europe/Paris'
FROM seed_param p, seed_usager u,
     unnest(CASE u.orgs WHEN 'm' THEN ARRAY['mds'] WHEN 'c' THEN ARRAY['ccas'] ELSE ARRAY['mds', 'ccas'] END) o;

-- Who can take part in an rdv of an organisation: adults, adults with a phone
-- (phone motifs), children (PMI consultations; the MDS has 15).
CREATE TEMP TABLE seed_pool AS
SELECT org, kind, row_number() OVER (PARTITION BY org, kind ORDER BY ord) AS n,
       count(*) OVER (PARTITION BY org, kind) AS size, id, ord
FROM (SELECT o AS org, CASE WHEN u.kind = 'child' THEN 'child' ELSE 'adult' END AS kind, u.id, u.ord
      FROM seed_usager u,
           unnest(CASE u.orgs WHEN 'm' THEN ARRAY['mds'] WHEN 'c' THEN ARRAY['ccas'] ELSE ARRAY['mds', 'ccas'] END) o
      WHERE u.ord > 18 -- hand-written people get their rdvs below
      UNION ALL
      SELECT o, 'adult_phone', u.id, u.ord
      FROM seed_usager u,
           unnest(CASE u.orgs WHEN 'm' THEN ARRAY['mds'] WHEN 'c' THEN ARRAY['ccas'] ELSE ARRAY['mds', 'ccas'] END) o
      WHERE u.ord > 18 AND u.kind = 'adult' AND u.phone IS NOT NULL) x;
ANALYZE seed_id, seed_usager, seed_pool;

-- ------------------------------------------------------------------ rdvs

-- Candidates: every plage occurrence from 6 weeks before to 6 weeks after
-- today's week, cut into 1-hour blocks; a block holds one rdv of a motif of
-- the plage (offset 0 or 15 min), or two of 30 min or less. Candidates on a
-- holiday (unless the organisation works on Whit Monday) or meeting one of
-- the agent's absences are dropped. One plage never overlaps another of the
-- same agent, so the chosen rdvs never overlap either.
CREATE TEMP TABLE seed_day AS
SELECT d::date AS day FROM seed_param p, generate_series(p.w0 - 42, p.w0 + 41, interval '1 day') d;

-- The agents' absences over those days, as local wall-clock ranges.
CREATE TEMP TABLE seed_abs_occ AS
SELECT a.agent, tsrange(d.day + a.start_time, d.day + a.end_time) AS r
FROM seed_absence a JOIN seed_day d ON pg_temp.seed_occurs(a.rrule, a.first_day, NULL, d.day)
WHERE a.rrule IS NOT NULL
UNION ALL
SELECT a.agent, tsrange(a.first_day + a.start_time, a.end_day + a.end_time)
FROM seed_absence a WHERE a.rrule IS NULL;
ANALYZE seed_day, seed_abs_occ, seed_plage, seed_motif, seed_holiday;

CREATE TEMP TABLE seed_cand AS
WITH occ AS (
    SELECT pl.ord AS plage_ord, pl.agent, pl.org, pl.lieu, pl.motifs, d.day, pl.start_time, pl.end_time,
           EXISTS (SELECT 1 FROM seed_holiday h
                   WHERE h.day = d.day AND NOT (h.whit AND pl.org = 'ccas')) AS holiday
    FROM seed_plage pl
    JOIN seed_day d ON pg_temp.seed_occurs(pl.rrule, pl.first_day,
                                     CASE WHEN pl.rrule IS NULL THEN pl.first_day
                                          ELSE to_date(substring(pl.rrule FROM 'UNTIL=([0-9]{8})'), 'YYYYMMDD') END,
                                     d.day)
), blk AS (
    SELECT occ.*, b, occ.start_time + b * interval '1 hour' AS bstart,
           occ.motifs[1 + floor(pg_temp.seed_rnd('motif', plage_ord::text, day::text, b::text)
                                * cardinality(occ.motifs))::int] AS motif
    FROM occ, generate_series(0, floor(extract(epoch FROM occ.end_time - occ.start_time) / 3600)::int - 1) b
), slot AS (
    SELECT blk.*, m.duration, m.location_type, half,
           CASE WHEN m.duration <= 30 THEN bstart + half * interval '30 min'
                WHEN m.duration <= 45 AND pg_temp.seed_rnd('off', plage_ord::text, day::text, b::text) < 0.5
                     THEN bstart + interval '15 min'
                ELSE bstart END AS st
    FROM blk JOIN seed_motif m ON m.key = blk.motif,
         generate_series(0, CASE WHEN m.duration <= 30 THEN 1 ELSE 0 END) half
)
SELECT s.plage_ord, s.agent, s.org, s.lieu, s.motif, s.duration, s.location_type, s.day, s.b, s.half,
       s.st::time AS st, s.holiday,
       (s.agent = 'julien' AND s.plage_ord = 1 AND s.b = 0 AND s.half = 0
        AND s.day IN (p.w0, p.w0 + 1) AND s.st = time '09:00') AS forced,
       ln(greatest(pg_temp.seed_rnd('pick', s.plage_ord::text, s.day::text, s.b::text, s.half::text), 1e-12))
         / CASE WHEN s.day < p.w0 THEN 1.0
                WHEN s.day < p.w0 + 7 THEN 4.0
                WHEN s.day < p.w0 + 14 THEN 1.6
                WHEN s.day < p.w0 + 21 THEN 1.0
                ELSE 0.7 END AS pick_key
FROM slot s, seed_param p
WHERE NOT EXISTS (SELECT 1 FROM seed_abs_occ a
                  WHERE a.agent = s.agent
                    AND a.r && tsrange(s.day + s.st::time, s.day + s.st::time + s.duration * interval '1 minute'));

-- Collective workshops: Friday 14:00–15:30 at the MDS, by nadia (once with
-- François), 5 weeks and 2 weeks before, this week, 3 weeks after; skipped
-- on a holiday.
CREATE TEMP TABLE seed_rdv AS
SELECT 0 AS ord, 'nadia'::text AS agent, NULL::text AS agent2, 'mds'::text AS org, 'centre'::text AS lieu,
       'atelier'::text AS motif, 90 AS duration, p.w0 + 7 * w + 4 AS day, time '14:00' AS st,
       false AS forced, w AS workshop, t AS name
FROM seed_param p,
     (VALUES (-5, 'Portage et sommeil du bébé'), (-2, 'Diversification alimentaire'),
             (0, 'Massage bébé'), (3, 'Premiers secours enfants')) v(w, t)
WHERE NOT EXISTS (SELECT 1 FROM seed_holiday h WHERE h.day = p.w0 + 7 * w + 4);
UPDATE seed_rdv SET agent2 = 'francois' WHERE workshop = 3;

-- Exactly 300 rdvs: the collective ones, then individual candidates by a
-- weighted draw (weight 4 in today's week, 1.6 the next, 1 the past weeks and
-- the third, 0.7 later; holidays excluded), julien's two forced rdvs first.
INSERT INTO seed_rdv
SELECT 0, c.agent, NULL, c.org, CASE WHEN c.location_type = 'public_office' THEN c.lieu END,
       c.motif, c.duration, c.day, c.st, c.forced, NULL, NULL
FROM seed_cand c
WHERE NOT c.holiday OR c.forced
ORDER BY c.forced DESC, c.pick_key DESC, c.plage_ord, c.day, c.st
LIMIT 300 - (SELECT count(*) FROM seed_rdv);

-- Number them in time order, then give each an id, a status, an author.
UPDATE seed_rdv r SET ord = n.ord
FROM (SELECT ctid AS c, row_number() OVER (ORDER BY day, st, agent) AS ord FROM seed_rdv) n
WHERE r.ctid = n.c;

ANALYZE seed_rdv;
ALTER TABLE seed_rdv ADD COLUMN id int, ADD COLUMN status text, ADD COLUMN created_by text,
    ADD COLUMN created_by_agent text, ADD COLUMN usager_ord int, ADD COLUMN second_ord int,
    ADD COLUMN context text;

UPDATE seed_rdv r SET id = n.id
FROM (SELECT ord, nextval('rdv.rdvs_id_seq')::int AS id FROM (SELECT ord FROM seed_rdv ORDER BY ord) o) n
WHERE n.ord = r.ord;

-- Status: past mostly seen, some noshow / excused / revoked, ~10 % still
-- "à renseigner"; today unknown; future unknown with a few cancellations.
ALTER TABLE seed_rdv ADD COLUMN u double precision;
UPDATE seed_rdv SET u = pg_temp.seed_rnd('status', ord::text);
UPDATE seed_rdv r SET status = CASE
        WHEN r.workshop IS NOT NULL THEN CASE WHEN r.day < p.today THEN 'seen' ELSE 'unknown' END
        WHEN r.forced THEN CASE WHEN r.day < p.today AND r.day = p.w0 THEN 'seen' ELSE 'unknown' END
        WHEN r.day < p.today THEN CASE
            WHEN u < 0.70 THEN 'seen' WHEN u < 0.78 THEN 'noshow' WHEN u < 0.85 THEN 'excused'
            WHEN u < 0.90 THEN 'revoked' ELSE 'unknown' END
        WHEN r.day = p.today THEN CASE WHEN u < 0.10 THEN 'excused' ELSE 'unknown' END
        ELSE CASE WHEN u < 0.05 THEN 'excused' WHEN u < 0.08 THEN 'revoked' ELSE 'unknown' END
    END
FROM seed_param p;

-- Author: usagers book some "everyone" motifs online; otherwise an agent —
-- often the MDS secretariat (sophie), the CCAS admin (claire), or the agent.
UPDATE seed_rdv SET u = pg_temp.seed_rnd('author', ord::text);
UPDATE seed_rdv r SET
    created_by = CASE WHEN m.bookable_by = 'everyone' AND u < 0.35 THEN 'usager' ELSE 'agent' END,
    created_by_agent = CASE
        WHEN m.bookable_by = 'everyone' AND u < 0.35 THEN NULL
        WHEN r.org = 'mds' AND (u < 0.75 OR r.agent = 'francois') THEN
             CASE WHEN u < 0.55 OR r.agent = 'francois' THEN 'sophie' ELSE 'camille' END
        WHEN r.org = 'ccas' AND u < 0.55 THEN 'claire'
        ELSE r.agent END,
    context = CASE WHEN pg_temp.seed_rnd('context', r.ord::text) < 0.15 THEN
        (ARRAY['Demande de RSA', 'Dossier de logement social', 'Aide à la rédaction d''un CV',
               'Première inscription à France Travail', 'Impayés d''énergie',
               'Création d''une adresse e-mail', 'Suivi de grossesse'])[1 + (r.ord % 7)] END
FROM seed_motif m
WHERE m.key = r.motif;

-- Participants, drawn from the organisation's pool; julien's forced rdvs go
-- to Élodie Bézier (Monday) and Jean-François Lefèvre (Tuesday).
UPDATE seed_rdv SET u = pg_temp.seed_rnd('usager', ord::text);
UPDATE seed_rdv r SET usager_ord = pl.ord
FROM seed_pool pl
WHERE r.workshop IS NULL AND NOT r.forced
  AND pl.org = r.org
  AND pl.kind = CASE r.motif WHEN 'pmi' THEN 'child' WHEN 'tel' THEN 'adult_phone' ELSE 'adult' END
  AND pl.n = 1 + floor(r.u * pl.size)::int;
UPDATE seed_rdv r SET usager_ord = CASE WHEN r.day = p.w0 THEN 1 ELSE 2 END
FROM seed_param p
WHERE r.forced;

-- A few PMI consultations with the parent too.
UPDATE seed_rdv r SET second_ord = u.parent_ord
FROM seed_usager u
WHERE u.ord = r.usager_ord AND u.parent_ord IS NOT NULL
  AND pg_temp.seed_rnd('parent', r.ord::text) < 0.25;

-- The hand-written people each get a history too: every one of them joins
-- 1 or 2 of the rdvs of their organisation(s) whose participant is a
-- generated adult (spread by a stride so they do not cluster).
WITH want AS (
    SELECT u.ord AS u_ord, o.org, k
    FROM seed_usager u,
         unnest(CASE u.orgs WHEN 'm' THEN ARRAY['mds'] WHEN 'c' THEN ARRAY['ccas'] ELSE ARRAY['mds', 'ccas'] END) o(org),
         generate_series(1, 1 + u.ord % 2) k
    WHERE u.ord <= 18
), wn AS (
    SELECT want.*, row_number() OVER (PARTITION BY org ORDER BY u_ord, k) AS n FROM want
), target AS (
    SELECT r.ord, r.org, row_number() OVER (PARTITION BY r.org ORDER BY (r.ord * 37) % 301) AS n
    FROM seed_rdv r JOIN seed_usager u ON u.ord = r.usager_ord
    WHERE r.workshop IS NULL AND NOT r.forced AND r.motif NOT IN ('pmi', 'tel', 'domicile') AND u.kind = 'adult'
      AND r.second_ord IS NULL
)
UPDATE seed_rdv r SET usager_ord = wn.u_ord
FROM wn JOIN target t ON t.org = wn.org AND t.n = wn.n
WHERE r.ord = t.ord;

CREATE TEMP TABLE seed_part AS
SELECT r.ord AS rdv_ord, r.usager_ord AS u_ord, r.status FROM seed_rdv r WHERE r.usager_ord IS NOT NULL
UNION ALL
SELECT r.ord, r.second_ord, r.status FROM seed_rdv r WHERE r.second_ord IS NOT NULL
UNION ALL
-- Workshops: 5, 6, 4 and 8 (full) parents of MDS; past ones with one
-- no-show and one excused participant.
SELECT r.ord, pl.ord,
       CASE WHEN r.status = 'seen' AND pl.n = s.first + 1 THEN 'noshow'
            WHEN r.status = 'seen' AND pl.n = s.first + 2 THEN 'excused'
            ELSE r.status END
FROM seed_rdv r
JOIN (VALUES (-5, 5, 0), (-2, 6, 20), (0, 4, 40), (3, 8, 60)) s(w, cnt, first) ON s.w = r.workshop
JOIN seed_pool pl ON pl.org = 'mds' AND pl.kind = 'adult' AND pl.n > s.first AND pl.n <= s.first + s.cnt;

-- Created 2 to 21 days before the day, at 09:30; never after the seed's
-- "now": an rdv further ahead was booked in the last three days, during
-- office hours (so every rdv is created before it starts, and none in the
-- future). Cancellations come after the booking and before now.
ALTER TABLE seed_rdv ADD COLUMN created timestamp, ADD COLUMN cancelled timestamp;
UPDATE seed_rdv r SET created = CASE
        WHEN r.day - 2 - floor(pg_temp.seed_rnd('created', r.ord::text) * 20)::int < p.today
            THEN r.day - 2 - floor(pg_temp.seed_rnd('created', r.ord::text) * 20)::int + time '09:30'
        ELSE p.today - 1 - r.ord % 3 + time '09:30' + (r.ord * 7 % 480) * interval '1 minute' END
FROM seed_param p;
UPDATE seed_rdv r SET cancelled = CASE r.status
        WHEN 'excused' THEN least(r.day - 1 + time '18:12', greatest(p.today - 1 + time '18:12',
                                                                     r.created + interval '1 hour'))
        WHEN 'revoked' THEN least(r.day - 2 + time '10:05', greatest(p.today - 1 + time '10:05',
                                                                     r.created + interval '1 hour'))
        WHEN 'noshow' THEN r.day + r.st + interval '45 minutes' END
FROM seed_param p;

INSERT INTO rdv.rdvs (id, uuid, organisation_id, motif_id, lieu_id, starts_at, ends_at, status,
                      cancelled_at, context, name, max_participants_count, created_by,
                      created_by_agent_id, created_at)
SELECT r.id,
       md5('rdv-demo:' || r.ord || ':' || r.day)::uuid,
       pg_temp.sid('org', r.org), pg_temp.sid('motif', r.motif), pg_temp.sid('lieu', r.lieu),
       (r.day + r.st) AT TIME ZONE 'Europe/Paris',
       (r.day + r.st + r.duration * interval '1 minute') AT TIME ZONE 'Europe/Paris',
       r.status::rdv.rdv_status,
       r.cancelled AT TIME ZONE 'Europe/Paris',
       r.context,
       CASE WHEN r.workshop IS NOT NULL THEN r.name END,
       CASE WHEN r.workshop IS NOT NULL THEN 8 END,
       r.created_by::rdv.created_by, pg_temp.sid('agent', r.created_by_agent),
       r.created AT TIME ZONE 'Europe/Paris'
FROM seed_rdv r ORDER BY r.ord;

-- The triggers copy each rdv's time and status here and keep rdvs.agent_ids.
INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
SELECT r.id, pg_temp.sid('agent', r.agent) FROM seed_rdv r
UNION ALL
SELECT r.id, pg_temp.sid('agent', r.agent2) FROM seed_rdv r WHERE r.agent2 IS NOT NULL
UNION ALL
-- François joins a quarter of nadia's home visits (he has no other rdv in the afternoon).
SELECT r.id, pg_temp.sid('agent', 'francois') FROM seed_rdv r
WHERE r.motif = 'domicile' AND pg_temp.seed_rnd('duo', r.ord::text) < 0.25;

INSERT INTO rdv.participations (rdv_id, usager_id, status, created_at)
SELECT r.id, u.id, p.status::rdv.rdv_status, r.created AT TIME ZONE 'Europe/Paris'
FROM seed_part p JOIN seed_rdv r ON r.ord = p.rdv_ord JOIN seed_usager u ON u.ord = p.u_ord
ORDER BY r.ord, u.ord;

-- Participants belong to the rdv's organisation (the reference adds the
-- profile when the rdv is saved); responsibles follow their relatives.
INSERT INTO rdv.usager_profiles (organisation_id, usager_id)
SELECT DISTINCT r.organisation_id, p.usager_id
FROM rdv.participations p JOIN rdv.rdvs r ON r.id = p.rdv_id
WHERE r.id IN (SELECT id FROM seed_rdv)
ON CONFLICT DO NOTHING;

-- Référents: the agent of each follow-up ("Suivi social") rdv.
INSERT INTO rdv.referent_assignations (usager_id, agent_id)
SELECT DISTINCT u.id, pg_temp.sid('agent', r.agent)
FROM seed_rdv r JOIN seed_usager u ON u.ord = r.usager_ord
WHERE r.motif = 'suivi'
ON CONFLICT DO NOTHING;

-- ------------------------------------------------------------------ clean-up

DELETE FROM rdv.notification_outbox WHERE id > (SELECT outbox_mark FROM seed_param);

DROP TABLE pg_temp.seed_param, pg_temp.seed_id, pg_temp.seed_holiday, pg_temp.seed_motif,
    pg_temp.seed_agent, pg_temp.seed_plage, pg_temp.seed_absence, pg_temp.seed_usager,
    pg_temp.seed_pool, pg_temp.seed_day, pg_temp.seed_abs_occ, pg_temp.seed_cand, pg_temp.seed_rdv,
    pg_temp.seed_part CASCADE;
DROP FUNCTION pg_temp.sid(text, text), pg_temp.seed_rnd(text[]), pg_temp.seed_easter(int),
    pg_temp.seed_occurs(text, date, date, date), pg_temp.seed_phone(text), pg_temp.seed_e164(text),
    pg_temp.seed_mailpart(text);

ANALYZE rdv.usagers, rdv.usager_profiles, rdv.rdvs, rdv.rdv_agents, rdv.participations,
    rdv.plages_ouverture, rdv.absences;
