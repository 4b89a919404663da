-- 011_agent_locks: desks booking the same agent at the same instant get a
-- clean "slot taken" (23P01), never a deadlock.
--
-- An exclusion constraint inserts its index entry before looking for
-- conflicts. Two transactions inserting overlapping rdvs of one agent at the
-- same instant can therefore each find the other's uncommitted row and wait
-- on it; the deadlock detector then aborts one with 40P01 instead of the
-- 23P01 the agent should read ("Ce créneau vient d'être pris"). Seen once in
-- the 20-desk race test. Taking a transaction-scoped lock on the agent before
-- the row reaches the index serialises writers of one agent's rdvs: the next
-- one waits for the first to end, then sees its committed row and fails with
-- 23P01. Rdvs with several agents lock them in id order (rdv_book and
-- rdv_save insert agents sorted), so two such bookings cannot lock in
-- opposite orders. Different agents never wait for each other.

CREATE FUNCTION rdv.rdv_agents_lock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    -- 7236002: this project's advisory lock space for agents' rdvs.
    PERFORM pg_advisory_xact_lock(7236002, NEW.agent_id);
    RETURN NEW;
END $$;
CREATE TRIGGER rdv_agents_lock BEFORE INSERT OR UPDATE ON rdv.rdv_agents
    FOR EACH ROW EXECUTE FUNCTION rdv.rdv_agents_lock();
