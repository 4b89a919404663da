-- 024_feed_catchup: issue 13, goal 2 (the rest of the client's live refresh).
--
-- 1. rdv.feed_server_id(): which cluster answers, so that a client that
--    reconnects knows whether its saved feed cursor still means something
--    there (a cursor is a snapshot: transaction ids of one cluster). A
--    promoted standby has its primary's system identifier and history, so a
--    cursor survives a failover; another cluster (a restored dump, a
--    different server) has another identifier and the client reloads.
-- 2. rdv.feed_busy(): rdv.changes' policy hides other organisations' rows,
--    yet the agenda shows an agent's busy times in every organisation
--    (rdv.slots_busy, 005). This definer function answers, for a cursor,
--    agents and days, which of those agents (among the ones the caller may
--    see) had their busy times (rdvs, absences) changed in ANY organisation
--    since the cursor: agent ids only, nothing about the rdvs.

-- The cluster's system identifier (text), or NULL when pg_control_system()
-- is not executable here (a DBA revoked it: the client then relies on the
-- feed's own reset). SECURITY INVOKER: it reads nothing of rdv.
CREATE FUNCTION rdv.feed_server_id() RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF NOT pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE') THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT s.system_identifier::text FROM pg_catalog.pg_control_system() s);
END $$;
COMMENT ON FUNCTION rdv.feed_server_id() IS
    'The system identifier of the cluster answering (a feed cursor is only valid on its cluster), or NULL';

-- The changes since a cursor (rdv.feed) when the cursor comes from this
-- cluster (server = rdv.feed_server_id(), or either unknown); otherwise one
-- row with the current cursor and reset = true. Every row carries the
-- server id, which the client keeps with the cursor.
CREATE FUNCTION rdv.feed_since(since text, server text)
RETURNS TABLE (cursor text, reset boolean, id bigint, table_name text, row_id integer,
               action text, organisation_id integer, agent_ids integer[], day_from date,
               day_to date, server_id text)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    here text := rdv.feed_server_id();
BEGIN
    IF since IS NOT NULL AND here IS NOT NULL AND coalesce(server, '') <> ''
       AND server IS DISTINCT FROM here THEN
        cursor := pg_catalog.pg_current_snapshot()::text;
        reset := true;
        server_id := here;
        RETURN NEXT;
        RETURN;
    END IF;
    RETURN QUERY
        SELECT f.cursor, f.reset, f.id, f.table_name, f.row_id, f.action, f.organisation_id,
               f.agent_ids, f.day_from, f.day_to, here
        FROM rdv.feed(since) f;
END $$;
COMMENT ON FUNCTION rdv.feed_since(text, text) IS
    'rdv.feed(since) when the cursor comes from this cluster (server), else a reset';

-- Which of agents had busy times (non-cancelled or not rdvs, absences: any
-- change to rdvs, rdv_agents or absences) changed on a day of
-- [day_from, day_to] in any organisation since the cursor. Only agents the
-- caller may see (rdv.visible_agent_ids()) are considered; others are
-- silently left out. A cursor older than pruning: every such agent. NULL
-- cursor: none. Raises 42501 for a caller who is no agent (rdv_pool without
-- a valid token, a login without an agent).
CREATE FUNCTION rdv.feed_busy(since text, agents integer[], day_from date, day_to date)
RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
    shown integer[];
    now_ pg_snapshot;
    prev pg_snapshot;
    pruned xid8;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'réservé aux agents' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF since IS NULL OR agents IS NULL THEN
        RETURN '{}'::integer[];
    END IF;
    IF pg_catalog.cardinality(agents) > 100 THEN
        RAISE EXCEPTION 'trop d''agents (100 au plus)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    shown := ARRAY(SELECT DISTINCT a FROM pg_catalog.unnest(agents) a
                   WHERE a = ANY (rdv.visible_agent_ids()) ORDER BY a);
    IF pg_catalog.cardinality(shown) = 0 THEN
        RETURN '{}'::integer[];
    END IF;
    now_ := pg_catalog.pg_current_snapshot();
    prev := since::pg_snapshot;
    pruned := (SELECT h.pruned_through FROM rdv.changes_horizon h);
    -- As rdv.feed: a cursor older than pruning may have missed changes.
    IF NOT pg_catalog.pg_visible_in_snapshot(pruned, prev)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_snapshot_xip(prev) x
                  WHERE x <= pruned AND pg_catalog.pg_visible_in_snapshot(x, now_)) THEN
        RETURN shown;
    END IF;
    RETURN ARRAY(
        SELECT DISTINCT a
        FROM rdv.changes c, pg_catalog.unnest(c.agent_ids) a
        WHERE c.xid >= pg_catalog.pg_snapshot_xmin(prev)
          AND NOT pg_catalog.pg_visible_in_snapshot(c.xid, prev)
          AND pg_catalog.pg_visible_in_snapshot(c.xid, now_)
          AND c.table_name IN ('rdvs', 'rdv_agents', 'absences')
          AND a = ANY (shown)
          AND (feed_busy.day_to IS NULL OR c.day_from IS NULL OR c.day_from <= feed_busy.day_to)
          AND (feed_busy.day_from IS NULL OR c.day_to IS NULL OR c.day_to >= feed_busy.day_from)
        ORDER BY a);
END $$;
COMMENT ON FUNCTION rdv.feed_busy(text, integer[], date, date) IS
    'Which of these visible agents had busy times changed (any organisation) on these days since the cursor; ids only';

REVOKE ALL ON FUNCTION rdv.feed_server_id(), rdv.feed_since(text, text),
    rdv.feed_busy(text, integer[], date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.feed_server_id(), rdv.feed_since(text, text),
    rdv.feed_busy(text, integer[], date, date) TO rdv_agent;
