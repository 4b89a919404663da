-- Fixed data set for the database tests (tests/db/*.pgtap), loaded by
-- tests/db/run-pgtap.sh as the superuser, in one transaction, after the
-- migrations. Ids are explicit so tests can name rows.
--
-- Login roles (cluster-wide; the cluster is throwaway) and agents:
--
--   role         agent  kind                       organisations      services
--   t_basic_x    1      basic                      A basic            Service social (X)
--   t_basic_y    2      basic                      A basic            PMI (Y)
--   t_secr       3      secretariat                A basic            Secrétariat
--   t_admin      4      admin                      A admin, B basic   PMI (Y)
--   (none)       5      intervenant, no login      A intervenant      X
--   t_interv     6      intervenant given a login  A intervenant      X
--   t_other      7      other organisation         B basic            X
--   t_nobody     -      login role, no agent row
--   t_notifier   -      notification worker (rdv_notifier)
--
-- Territory 1 (Drôme) holds organisations A (1) and B (2); territory 2
-- (Ardèche) holds organisation C (3), where none of the agents works.

CREATE ROLE t_basic_x LOGIN IN ROLE rdv_agent;
CREATE ROLE t_basic_y LOGIN IN ROLE rdv_agent;
CREATE ROLE t_secr LOGIN IN ROLE rdv_agent;
CREATE ROLE t_admin LOGIN IN ROLE rdv_agent;
CREATE ROLE t_interv LOGIN IN ROLE rdv_agent;
CREATE ROLE t_other LOGIN IN ROLE rdv_agent;
CREATE ROLE t_nobody LOGIN IN ROLE rdv_agent;
CREATE ROLE t_notifier LOGIN IN ROLE rdv_notifier;

-- Test helpers (SECURITY INVOKER: row-level security applies to the caller).
CREATE SCHEMA test;
GRANT USAGE ON SCHEMA test TO PUBLIC;

-- The sorted keys of the rows of a table the caller sees, comma-separated:
-- test.keys('rdv.rdvs') = '1,3,4'; test.keys('rdv.rdv_agents', '(rdv_id, agent_id)')
-- = '(1,1),(3,1)'; 'ERROR 42501' when the caller may not read the table.
CREATE FUNCTION test.keys(tbl text, key text DEFAULT 'id') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    res text;
BEGIN
    EXECUTE format('SELECT coalesce(string_agg(k::text, '','' ORDER BY k), '''') '
                   'FROM (SELECT %s AS k FROM %s) s', key, tbl) INTO res;
    RETURN res;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE;
END $$;

-- Run a statement and undo it: returns the number of rows it affected, or
-- the SQLSTATE it failed with ('42501' for a row-level security violation or
-- a missing privilege).
CREATE FUNCTION test.try(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    BEGIN
        EXECUTE stmt;
        GET DIAGNOSTICS n = ROW_COUNT;
        RAISE EXCEPTION USING ERRCODE = 'TRYOK', MESSAGE = n::text;
    EXCEPTION
        WHEN SQLSTATE 'TRYOK' THEN RETURN SQLERRM;
        WHEN OTHERS THEN RETURN SQLSTATE;
    END;
END $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA test TO PUBLIC;

-- ------------------------------------------------------------------ structure

INSERT INTO rdv.territories (id, name, departement_number, visible_users_throughout_the_territory)
VALUES (1, 'Drôme', '26', false),
       (2, 'Ardèche', '07', false);

INSERT INTO rdv.organisations (id, territory_id, name) VALUES
    (1, 1, 'Organisation A'),
    (2, 1, 'Organisation B'),
    (3, 2, 'Organisation C');

INSERT INTO rdv.services (id, name, short_name) VALUES
    (1, 'Service social', 'SOCIAL'),
    (2, 'PMI (Protection Maternelle Infantile)', 'PMI'),
    (3, 'Secrétariat', 'SECRETARIAT');

INSERT INTO rdv.lieux (id, organisation_id, name, address) VALUES
    (1, 1, 'Lieu A1', '1 rue de la Paix, 26000 Valence'),
    (2, 1, 'Lieu A2', '2 avenue Victor Hugo, 26000 Valence'),
    (3, 2, 'Lieu B1', '3 place du Marché, 26200 Montélimar'),
    (4, 1, 'Lieu A3 (inutilisé)', '4 rue Haute, 26000 Valence'),
    (5, 2, 'Lieu B2 (inutilisé)', '5 rue Basse, 26200 Montélimar');

INSERT INTO rdv.motifs (id, organisation_id, service_id, name, default_duration_in_min) VALUES
    (1, 1, 1, 'Accueil social', 30),
    (2, 1, 2, 'Consultation PMI', 30),
    (3, 1, 1, 'Suivi social', 45),
    (4, 2, 1, 'Accueil social B', 30),
    (5, 1, 2, 'Motif PMI inutilisé', 30);

INSERT INTO rdv.agents (id, first_name, last_name, email, db_role) VALUES
    (1, 'Xavier', 'Basique', 'x@a.example.fr', 't_basic_x'),
    (2, 'Yvonne', 'Basique', 'y@a.example.fr', 't_basic_y'),
    (3, 'Sarah', 'Secrétaire', 's@a.example.fr', 't_secr'),
    (4, 'Anne', 'Admin', 'admin@a.example.fr', 't_admin'),
    (5, NULL, 'Intervenant', NULL, NULL),
    (6, 'Ivan', 'Intervenant', NULL, 't_interv'),
    (7, 'Olga', 'Autre', 'o@b.example.fr', 't_other');
UPDATE rdv.agents SET rdv_notifications_level = 'none', plage_ouverture_notification_level = 'none',
    absence_notification_level = 'none' WHERE id IN (5, 6);

INSERT INTO rdv.agent_roles (id, agent_id, organisation_id, access_level) VALUES
    (1, 1, 1, 'basic'),
    (2, 2, 1, 'basic'),
    (3, 3, 1, 'basic'),
    (4, 4, 1, 'admin'),
    (5, 4, 2, 'basic'),
    (6, 5, 1, 'intervenant'),
    (7, 6, 1, 'intervenant'),
    (8, 7, 2, 'basic');

INSERT INTO rdv.agent_services (agent_id, service_id) VALUES
    (1, 1), (2, 2), (3, 3), (4, 2), (5, 1), (6, 1), (7, 1);

-- ------------------------------------------------------------------ plages, absences

-- Week of Monday 2026-03-02.
INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day,
                                  start_time, end_time, rrule) VALUES
    (1, 1, 1, 1, 'Permanence sociale', '2026-03-02', '09:00', '12:00', 'FREQ=WEEKLY;BYDAY=MO'),
    (2, 1, 2, 1, 'Consultations PMI', '2026-03-03', '09:00', '12:00', 'FREQ=WEEKLY;BYDAY=TU'),
    (3, 1, 4, 2, 'PMI après-midi', '2026-03-04', '14:00', '17:00', NULL),
    (4, 1, 5, 1, 'Intervenant', '2026-03-05', '09:00', '12:00', NULL),
    (5, 2, 7, 3, 'Permanence B', '2026-03-02', '09:00', '12:00',
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20260630'),
    (6, 2, 4, 3, 'Admin en B', '2026-03-06', '09:00', '12:00', NULL);

INSERT INTO rdv.plage_motifs (plage_id, motif_id) VALUES
    (1, 1), (2, 2), (3, 2), (4, 1), (5, 4), (6, 4);

INSERT INTO rdv.absences (id, agent_id, title, first_day, start_time, end_day, end_time) VALUES
    (1, 1, 'Formation', '2026-03-10', '09:00', '2026-03-10', '18:00'),
    (2, 2, 'Congé', '2026-03-09', '09:00', '2026-03-13', '18:00'),
    (3, 5, 'Indisponible', '2026-03-12', '09:00', '2026-03-12', '12:00'),
    (4, 7, 'Réunion', '2026-03-11', '14:00', '2026-03-11', '16:00'),
    (5, 4, 'Comité', '2026-03-16', '09:00', '2026-03-16', '12:00'),
    (6, 3, 'Médecin', '2026-03-17', '10:00', '2026-03-17', '11:00');

-- ------------------------------------------------------------------ usagers

INSERT INTO rdv.usagers (id, first_name, last_name, email, birth_date) VALUES
    (1, 'Alice', 'Martin', 'alice.martin@example.fr', '1980-05-01'),
    (2, 'Bruno', 'Petit', 'bruno.petit@example.fr', '1975-11-23'),
    (3, 'Chloé', 'Durand', NULL, '1990-02-14'),
    (4, 'David', 'Leroy', 'david.leroy@example.fr', '1968-07-30'),
    (5, 'Emma', 'Roux', NULL, NULL),
    (6, 'Fanny', 'Blanc', NULL, NULL);

INSERT INTO rdv.usager_profiles (organisation_id, usager_id) VALUES
    (1, 1), (1, 2), (2, 3), (1, 4), (2, 4), (3, 5), (1, 6);

INSERT INTO rdv.referent_assignations (usager_id, agent_id) VALUES
    (1, 1), (2, 2), (3, 7), (4, 4);

-- ------------------------------------------------------------------ rdvs

INSERT INTO rdv.rdvs (id, organisation_id, motif_id, lieu_id, starts_at, ends_at, status,
                      created_by_agent_id) VALUES
    (1, 1, 1, 1, '2026-03-02 09:00+01', '2026-03-02 09:30+01', 'unknown', 1),
    (2, 1, 2, 1, '2026-03-03 09:00+01', '2026-03-03 09:30+01', 'unknown', 2),
    (3, 1, 2, 1, '2026-03-02 10:00+01', '2026-03-02 10:30+01', 'unknown', 2),
    (4, 1, 1, 1, '2026-03-05 09:00+01', '2026-03-05 09:30+01', 'unknown', 3),
    (5, 2, 4, 3, '2026-03-02 09:00+01', '2026-03-02 09:30+01', 'unknown', 7),
    (6, 2, 4, 3, '2026-03-06 09:00+01', '2026-03-06 09:30+01', 'unknown', 7),
    (7, 1, 2, 2, '2026-03-04 14:00+01', '2026-03-04 14:30+01', 'excused', 4);

INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES
    (1, 1), (2, 2), (3, 1), (4, 5), (5, 7), (6, 4), (7, 4);

INSERT INTO rdv.participations (id, rdv_id, usager_id) VALUES
    (1, 1, 1), (2, 2, 2), (3, 3, 1), (4, 4, 4), (5, 5, 3), (6, 6, 4), (7, 7, 2);

-- ------------------------------------------------------------------ the rest

INSERT INTO rdv.usager_merges (id, organisation_id, merged_by_agent_id, survivor_id, removed_id,
                               survivor_before, removed_before) VALUES
    (1, 1, 3, 1, 100, '{"first_name": "Alice"}', '{"first_name": "Alyce"}'),
    (2, 2, 7, 3, 101, '{"first_name": "Chloé"}', '{"first_name": "Chloe"}');

INSERT INTO rdv.exports (id, agent_id, format, file_name, status) VALUES
    ('00000000-0000-0000-0000-000000000001', 1, 'xlsx', 'export-x.xlsx', 'available'),
    ('00000000-0000-0000-0000-000000000002', 2, 'xlsx', 'export-y.xlsx', 'available'),
    ('00000000-0000-0000-0000-000000000003', 3, 'pdf', 'export-s.pdf', 'pending'),
    ('00000000-0000-0000-0000-000000000004', 4, 'xlsx', 'export-admin.xlsx', 'available'),
    ('00000000-0000-0000-0000-000000000006', 6, 'xlsx', 'export-interv.xlsx', 'failed'),
    ('00000000-0000-0000-0000-000000000007', 7, 'pdf', 'export-o.pdf', 'available');

-- Whatever the notification triggers queued while loading is dropped: the
-- outbox holds exactly these rows.
DELETE FROM rdv.notification_outbox;
INSERT INTO rdv.notification_outbox (id, agent_id, event, object_type, object_id, author_agent_id) VALUES
    (1, 1, 'rdv_created', 'rdv', 1, 3),
    (2, 2, 'rdv_created', 'rdv', 2, 3),
    (3, 3, 'absence_created', 'absence', 6, 4),
    (4, 4, 'rdv_cancelled', 'rdv', 7, 3),
    (5, 7, 'plage_created', 'plage', 5, 7),
    (6, 6, 'plage_created', 'plage', 4, 4);

-- Receipts of messages to usagers (017): one on rdv 1 (organisation A), one
-- on rdv 5 (organisation B); nothing queued for usagers.
DELETE FROM rdv.usager_outbox;
INSERT INTO rdv.notification_receipts (id, rdv_id, participation_id, usager_id, event, channel, recipient,
                                       result, provider_id) VALUES
    (1, 1, 1, 1, 'rdv_created', 'email', 'alice.martin@example.fr', 'sent', NULL),
    (2, 5, 5, 3, 'rdv_reminder', 'sms', '+33612345678', 'sent', '42');
SELECT setval('rdv.notification_receipts_id_seq', 2);

-- The audit rows written by the triggers while loading are dropped; these
-- stand for a known history (organisation_ids: admins of those read them).
TRUNCATE rdv.audit_log;
INSERT INTO rdv.audit_log (id, agent_id, db_role, table_name, row_id, action, new_values,
                           organisation_ids) VALUES
    (1, 1, 't_basic_x', 'rdvs', '1', 'INSERT', '{}', '{1}'),
    (2, 7, 't_other', 'rdvs', '5', 'INSERT', '{}', '{2}'),
    (3, NULL, 'postgres', 'absences', '6', 'INSERT', '{}', '{1}'),
    (4, 4, 't_admin', 'plages_ouverture', '6', 'INSERT', '{}', '{2}'),
    (5, 2, 't_basic_y', 'absences', '2', 'UPDATE', '{}', '{1,2}');

-- Sequences after the explicit ids.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['territories', 'organisations', 'services', 'lieux', 'motifs', 'agents',
                             'agent_roles', 'plages_ouverture', 'absences', 'usagers', 'rdvs',
                             'participations', 'usager_merges', 'notification_outbox', 'audit_log']
    LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM rdv.%I))',
                       'rdv.' || t, t);
    END LOOP;
END $$;

-- The text of a statement's plan (to check that policies' helpers run once,
-- as InitPlans).
CREATE FUNCTION test.plan_text(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    line text;
    res text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || stmt LOOP
        res := res || line || E'\n';
    END LOOP;
    RETURN res;
END $$;
GRANT EXECUTE ON FUNCTION test.plan_text(text) TO PUBLIC;

-- The value of one of the rdv.my_*() / rdv.*_ids() helpers, by name.
CREATE FUNCTION test.helper(fn text) RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
    res integer[];
BEGIN
    EXECUTE format('SELECT rdv.%I()', fn) INTO res;
    RETURN res;
END $$;
GRANT EXECUTE ON FUNCTION test.helper(text) TO PUBLIC;
