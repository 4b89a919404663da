-- 027_locks: the locks that serialise writers can no longer be taken by an
-- agent.
--
-- 011 serialised the writers of one agent's rdvs with
-- pg_advisory_xact_lock(7236002, agent), and 013 the changes to an
-- organisation's admin roles with pg_advisory_xact_lock(7236013,
-- organisation). PostgreSQL lets every role call the advisory-lock
-- functions: any agent with psql could run
--     SELECT pg_advisory_lock(7236002, 12);
-- and keep its session open, and from then on every booking of agent 12 in
-- every organisation waited for it (the same for an organisation's admin
-- roles). The same writers now lock a row instead, which only definer code
-- and the row's own writers may lock:
--   * an rdv's agents: the agent's row of rdv.agents, FOR NO KEY UPDATE
--     (conflicts with itself and with updates of that row, not with the
--     foreign-key checks of bookings: FOR KEY SHARE);
--   * an admin role demoted, moved or deleted: the organisation's row,
--     FOR NO KEY UPDATE.
-- An agent may lock only rows its update policies let it update: its own
-- agent row, and as an admin its organisation's rows. So at worst it stops
-- its own bookings or its own organisation's admin changes, which it could
-- already do; never another agent's or another organisation's.
-- The order and the waits are 011's and 013's (tests/db/last_admin_race.sh,
-- the 20-desk booking race); tests/db/attack_locks.sh holds the old
-- advisory locks from an agent's session and books and demotes anyway.

CREATE OR REPLACE FUNCTION rdv.rdv_agents_lock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    PERFORM 1 FROM rdv.agents a WHERE a.id = NEW.agent_id FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION rdv.agent_roles_lock_organisation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF OLD.access_level = 'admin' THEN
        PERFORM 1 FROM rdv.organisations o WHERE o.id = OLD.organisation_id FOR NO KEY UPDATE;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

REVOKE ALL ON FUNCTION rdv.rdv_agents_lock(), rdv.agent_roles_lock_organisation() FROM PUBLIC;
