-- Fixture of tests/slots/{permissions,book}.sh, loaded by the superuser.
--
-- One territory (usagers visible throughout it), two organisations:
-- 1 "MDS Grenoble" and 2 "CCAS Vienne". Day D = Monday 2026-03-02.
--
-- agent 1 Julie BERNARD   login slots_basic  basic org 1, Service social
-- agent 2 Marc DURAND                        basic org 1, Service social (her confrère)
-- agent 3 Nadia HADDAD                       basic org 1, PMI (not a confrère)
-- agent 4 Paul MARTIN                        basic org 1 and org 2, Service social
-- agent 5 Claire FAURE    login slots_admin  admin org 1
-- agent 6 Yann VIDAL      login slots_other  basic org 2, Service social
--
-- Plages of motif 10 (org 1, 30 min) at lieu 100 on D: agent 2 09:00-10:00
-- (plage 1), agent 3 09:00-10:00 (plage 2), agent 4 09:00-10:00 (plage 3),
-- agent 1 14:00-15:00 (plage 4). Agent 4 has an rdv of org 2 on D
-- 09:00-09:30 (motif 20), which org 1 agents cannot read.
--
-- Usagers: family A = Léa PETIT (1, org 1) and her child Zoé (2, org 2
-- only); family B = Karim BENALI (4, org 2 only) and his children Inès (5,
-- org 1) and Adam (6, org 2 only); Lucie ROCHE (7, org 2 only), unrelated.

INSERT INTO rdv.territories (id, name, time_zone, holiday_zone, visible_users_throughout_the_territory)
VALUES (1, 'Isère', 'Europe/Paris', 'metropole', true);
INSERT INTO rdv.organisations (id, territory_id, name) VALUES (1, 1, 'MDS Grenoble'), (2, 1, 'CCAS Vienne');
INSERT INTO rdv.services (id, name, short_name)
VALUES (1, 'Service social', 'Social'), (2, 'PMI (Protection Maternelle Infantile)', 'PMI');
INSERT INTO rdv.lieux (id, organisation_id, name, address)
VALUES (100, 1, 'MDS Grenoble centre', '12 rue Félix Poulat, 38000 Grenoble'),
       (200, 2, 'CCAS Vienne', '1 place de l''Hôtel de Ville, 38200 Vienne');
INSERT INTO rdv.motifs (id, organisation_id, service_id, name, default_duration_in_min)
VALUES (10, 1, 1, 'Premier accueil', 30), (11, 1, 2, 'Consultation PMI', 30),
       (20, 2, 1, 'Accueil CCAS', 30);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'slots_basic') THEN
        CREATE ROLE slots_basic LOGIN IN ROLE rdv_agent;
        CREATE ROLE slots_admin LOGIN IN ROLE rdv_agent;
        CREATE ROLE slots_other LOGIN IN ROLE rdv_agent;
    END IF;
END $$;

INSERT INTO rdv.agents (id, first_name, last_name, db_role)
VALUES (1, 'Julie', 'Bernard', 'slots_basic'), (2, 'Marc', 'Durand', NULL),
       (3, 'Nadia', 'Haddad', NULL), (4, 'Paul', 'Martin', NULL),
       (5, 'Claire', 'Faure', 'slots_admin'), (6, 'Yann', 'Vidal', 'slots_other');
INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
VALUES (1, 1, 'basic'), (2, 1, 'basic'), (3, 1, 'basic'), (4, 1, 'basic'), (4, 2, 'basic'),
       (5, 1, 'admin'), (6, 2, 'basic');
INSERT INTO rdv.agent_services (agent_id, service_id)
VALUES (1, 1), (2, 1), (3, 2), (4, 1), (5, 1), (6, 1);

INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day,
                                  start_time, end_time, created_at)
VALUES (1, 1, 2, 100, 'Accueil', '2026-03-02', '09:00', '10:00', '2026-01-05 09:00+00'),
       (2, 1, 3, 100, 'Accueil', '2026-03-02', '09:00', '10:00', '2026-01-05 10:00+00'),
       (3, 1, 4, 100, 'Accueil', '2026-03-02', '09:00', '10:00', '2026-01-06 09:00+00'),
       (4, 1, 1, 100, 'Accueil', '2026-03-02', '14:00', '15:00', '2026-01-07 09:00+00');
INSERT INTO rdv.plage_motifs (plage_id, motif_id) VALUES (1, 10), (2, 10), (3, 10), (4, 10);

INSERT INTO rdv.usagers (id, first_name, last_name, responsible_id)
VALUES (1, 'Léa', 'Petit', NULL), (2, 'Zoé', 'Petit', 1), (4, 'Karim', 'Benali', NULL),
       (5, 'Inès', 'Benali', 4), (6, 'Adam', 'Benali', 4), (7, 'Lucie', 'Roche', NULL);
INSERT INTO rdv.usager_profiles (organisation_id, usager_id)
VALUES (1, 1), (2, 2), (2, 4), (1, 5), (2, 6), (2, 7);

INSERT INTO rdv.rdvs (id, organisation_id, motif_id, lieu_id, starts_at, ends_at, created_by_agent_id)
VALUES (1, 2, 20, 200, '2026-03-02 09:00 Europe/Paris', '2026-03-02 09:30 Europe/Paris', 6);
INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES (1, 4);
INSERT INTO rdv.participations (rdv_id, usager_id) VALUES (1, 7);

SELECT setval('rdv.rdvs_id_seq', 100);
