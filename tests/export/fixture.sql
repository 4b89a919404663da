-- A small data set whose export is known cell by cell (tests/export/expected.tsv).
-- Run by the superuser after the migrations. Times are Europe/Paris wall
-- clock (UTC+2 in May, UTC+1 in January); accents, apostrophes and
-- guillemets on purpose.
--
--   org 1 "Maison des Solidarités d'Évry": agathe (admin, Service social),
--         bruno (basic, Service social), cedric (basic, PMI)
--   org 2 "CCAS d'Ébène": denise (admin, Service social)
--
-- rdv 2 starts at 00:30 on 13 May in Paris, still 12 May in UTC; rdv 6 at
-- 23:30 on 11 May; rdv 4 was created at 00:20 on 1 January 2026 in Paris,
-- still 2025 in UTC. rdv 3 lost its creation audit entry (RGPD purge); the
-- audit entry of rdv 5 names cedric.

SET client_min_messages = warning;

INSERT INTO rdv.territories (id, name, departement_number, time_zone)
VALUES (1, 'Essonne', '91', 'Europe/Paris');
INSERT INTO rdv.organisations (id, territory_id, name)
VALUES (1, 1, 'Maison des Solidarités d''Évry'), (2, 1, 'CCAS d''Ébène');
INSERT INTO rdv.services (id, name, short_name)
VALUES (1, 'Service social', 'Social'), (2, 'PMI (Protection Maternelle Infantile)', 'PMI'),
       (3, 'Secrétariat', 'Secrétariat');
INSERT INTO rdv.lieux (id, organisation_id, name, address, availability)
VALUES (1, 1, 'Espace Émile Zola', '3 rue de l''Église, 91000 Évry', 'enabled'),
       (2, 1, 'Salle polyvalente', 'Place du Marché, 91080 Courcouronnes', 'single_use'),
       (3, 2, 'Hôtel de ville', '1 place Jean Moulin, 91100 Ébène', 'enabled');
INSERT INTO rdv.motifs (id, organisation_id, service_id, name, location_type)
VALUES (1, 1, 1, 'Accueil social', 'public_office'),
       (2, 1, 1, 'Visite à domicile', 'home'),
       (3, 1, 2, 'Consultation PMI', 'public_office'),
       (4, 1, 1, 'Entretien téléphonique', 'phone'),
       (5, 1, 2, 'Visio PMI', 'visio'),
       (6, 2, 1, 'Aide sociale', 'public_office');

INSERT INTO rdv.agents (id, first_name, last_name, email, db_role)
VALUES (1, 'Agathe', 'Lefèvre', 'agathe.lefevre@example.fr', 'agathe'),
       (2, 'Bruno', 'Çelik', 'bruno.celik@example.fr', 'bruno'),
       (3, 'Cédric', 'Noël', 'cedric.noel@example.fr', 'cedric'),
       (4, 'Denise', 'Hébert', 'denise.hebert@example.fr', 'denise');
INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
VALUES (1, 1, 'admin'), (2, 1, 'basic'), (3, 1, 'basic'), (4, 2, 'admin');
INSERT INTO rdv.agent_services (agent_id, service_id)
VALUES (1, 1), (2, 1), (3, 2), (4, 1);
DO $$
DECLARE
    r name;
BEGIN
    FOREACH r IN ARRAY ARRAY['agathe', 'bruno', 'cedric', 'denise']::name[] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE rdv_agent', r);
        END IF;
    END LOOP;
END $$;

INSERT INTO rdv.usagers (id, first_name, last_name, birth_date, address, post_code, city_name,
                         responsible_id)
VALUES (1, 'Élodie', 'Bézier', '1987-06-14', '14 rue Émile Augier, 91000 Évry', '91000', 'Évry',
        NULL),
       (3, 'Jean-François', 'Lefèvre', '1962-11-02', '8 avenue Victor Hugo, 91080 Courcouronnes',
        '91080', 'Courcouronnes', NULL),
       (4, 'Inès', 'Ferreira', NULL, NULL, NULL, NULL, NULL);
INSERT INTO rdv.usagers (id, first_name, last_name, birth_date, responsible_id)
VALUES (2, 'Zoé', 'N''Diaye', '2015-03-30', 3);
INSERT INTO rdv.usager_profiles (organisation_id, usager_id)
VALUES (1, 1), (1, 2), (1, 3), (1, 4), (2, 4);

INSERT INTO rdv.rdvs (id, organisation_id, motif_id, lieu_id, starts_at, ends_at, status, context,
                      created_by, created_by_agent_id, created_at)
VALUES
    (1, 1, 1, 1, '2026-05-12 09:00 Europe/Paris', '2026-05-12 09:30 Europe/Paris', 'seen',
     'Demande d''aide « urgente »', 'agent', 2, '2026-05-01 08:15 Europe/Paris'),
    (2, 1, 2, NULL, '2026-05-13 00:30 Europe/Paris', '2026-05-13 01:30 Europe/Paris', 'unknown',
     NULL, 'usager', NULL, '2026-05-10 21:05 Europe/Paris'),
    (3, 1, 3, 2, '2026-05-20 14:30 Europe/Paris', '2026-05-20 15:00 Europe/Paris', 'unknown',
     NULL, 'agent', 1, '2026-05-12 10:00 Europe/Paris'),
    (4, 1, 4, NULL, '2026-05-05 16:45 Europe/Paris', '2026-05-05 17:05 Europe/Paris', 'noshow',
     '', 'agent', 1, '2026-01-01 00:20 Europe/Paris'),
    (5, 1, 5, NULL, '2026-04-30 11:00 Europe/Paris', '2026-04-30 11:30 Europe/Paris', 'excused',
     NULL, 'file_attente', 1, '2026-04-20 09:00 Europe/Paris'),
    (6, 1, 1, 1, '2026-05-11 23:30 Europe/Paris', '2026-05-12 00:00 Europe/Paris', 'revoked',
     NULL, 'agent', 1, '2026-05-02 11:00 Europe/Paris'),
    (7, 2, 6, 3, '2026-05-12 10:00 Europe/Paris', '2026-05-12 10:30 Europe/Paris', 'unknown',
     NULL, 'agent', 4, '2026-05-02 11:00 Europe/Paris'),
    (8, 1, 1, 1, '2026-05-14 09:15 Europe/Paris', '2026-05-14 09:45 Europe/Paris', 'unknown',
     NULL, 'prescripteur', 2, '2026-05-09 14:20 Europe/Paris');
SELECT setval('rdv.rdvs_id_seq', 8);

INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
VALUES (1, 2), (2, 1), (3, 3), (3, 1), (4, 2), (5, 3), (6, 1), (7, 4), (8, 1);
INSERT INTO rdv.participations (id, rdv_id, usager_id, status)
VALUES (1, 1, 1, 'seen'), (2, 2, 2, 'unknown'), (3, 3, 3, 'unknown'), (4, 3, 1, 'unknown'),
       (5, 4, 4, 'noshow'), (6, 5, 1, 'excused'), (7, 6, 1, 'revoked'), (8, 7, 4, 'unknown'),
       (9, 8, 1, 'unknown');
SELECT setval('rdv.participations_id_seq', 9);

-- The RGPD purge of rdv 3's creation entry; rdv 5 was booked by cedric in the client.
DELETE FROM rdv.audit_log WHERE table_name = 'rdvs' AND row_id = '3' AND action = 'INSERT';
UPDATE rdv.audit_log SET agent_id = 3 WHERE table_name = 'rdvs' AND row_id = '5' AND action = 'INSERT';
DELETE FROM rdv.notification_outbox;
