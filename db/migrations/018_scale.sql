-- 018_scale: issue 13, database side of goals 1, 2, 3 and 6.
--
-- 1. A pull change feed (rdv.changes), written by 003's change triggers,
--    read by cursor through a transaction pooler and on a hot standby,
--    filtered by row-level security like the tables it describes.
-- 2. Pooled identity: a signed, expiring, revocable session token issued to
--    an agent connected as itself, presented by each transaction on a shared
--    pooled role (rdv_pool); rdv.current_agent_id() accepts either.
-- 3. NOTIFY rdv_changes becomes optional (a wake-up hint with an empty
--    payload): `ALTER DATABASE … SET rdv.feed_notify = off` removes the
--    database-wide lock NOTIFY takes at commit once every client polls.
--
-- Why a snapshot cursor rather than `id > last seen`: ids are drawn when a
-- row is inserted, not when its transaction commits. A reader that sees
-- id 105 (committed) while 104's transaction is still running and then
-- remembers 105 never sees 104. The cursor is therefore the reader's
-- snapshot (pg_current_snapshot(), text "xmin:xmax:xip,…"): the next read
-- returns exactly the rows whose transaction was not yet visible in that
-- snapshot and is visible now, with no delay for long transactions. Every
-- row also carries its id (ordering, de-duplication). Snapshots are
-- comparable on a standby too (same transaction ids), so a client may read
-- the feed from a replica and from the primary with one cursor.

-- ------------------------------------------------------------------ pgcrypto (trusted extension)

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgcrypto') THEN
        CREATE SCHEMA IF NOT EXISTS rdv_crypto;
        COMMENT ON SCHEMA rdv_crypto IS 'rdv-tui: pgcrypto (HMAC of the session tokens)';
        REVOKE ALL ON SCHEMA rdv_crypto FROM PUBLIC;
        CREATE EXTENSION pgcrypto SCHEMA rdv_crypto;
    END IF;
END $$;

-- HMAC-SHA256 of data under key, hex. Created with the schema pgcrypto lives
-- in, whichever it is, and qualified: no search_path lookup, so no SET
-- clause either (the function stays inlinable).
DO $$
DECLARE
    s name := (SELECT n.nspname FROM pg_catalog.pg_extension e
               JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgcrypto');
BEGIN
    EXECUTE pg_catalog.format($f$
        CREATE FUNCTION rdv.hmac_sha256(data text, key bytea) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT AS
        'SELECT pg_catalog.encode(%1$I.hmac(pg_catalog.convert_to($1, ''UTF8''), $2, ''sha256''), ''hex'')'
    $f$, s);
    EXECUTE pg_catalog.format($f$
        CREATE FUNCTION rdv.random_key() RETURNS bytea
        LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
        'SELECT %1$I.gen_random_bytes(32)'
    $f$, s);
    -- rdv_owner runs the definer functions that call these.
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO rdv_owner', s);
END $$;

-- ------------------------------------------------------------------ the pooled role

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rdv_pool') THEN
        -- LOGIN without a password: the administrator sets one (or a pg_hba
        -- rule for the pooler's host). Member of rdv_agent for its grants and
        -- policies only: without a valid token rdv.current_agent_id() is
        -- NULL and every policy and function answers nothing.
        CREATE ROLE rdv_pool LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION
            NOBYPASSRLS CONNECTION LIMIT 200;
        COMMENT ON ROLE rdv_pool IS
            'rdv-tui: shared role of the transaction pooler; identity comes from rdv.session_resume(token)';
    END IF;
END $$;
GRANT rdv_agent TO rdv_pool;
-- The pooled role is nobody: no agent may be mapped to it.
ALTER TABLE rdv.agents ADD CONSTRAINT agents_db_role_not_pool CHECK (db_role <> 'rdv_pool');

-- ------------------------------------------------------------------ session tokens

-- Signing keys. Only the owner reads them (no grant, RLS without policy).
CREATE TABLE rdv.session_keys (
    kid integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    secret bytea NOT NULL DEFAULT rdv.random_key(),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- NULL: signs new tokens and verifies; set: verifies until then.
    retired_at timestamptz
);
ALTER TABLE rdv.session_keys ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.session_keys FROM PUBLIC;
COMMENT ON TABLE rdv.session_keys IS
    'rdv-tui: HMAC keys of the session tokens; read by SECURITY DEFINER code only';
INSERT INTO rdv.session_keys DEFAULT VALUES;

-- Per-agent revocation: tokens issued at or before revoked_before are void.
CREATE TABLE rdv.session_revocations (
    agent_id integer PRIMARY KEY REFERENCES rdv.agents (id) ON DELETE CASCADE,
    revoked_before timestamptz NOT NULL
);
ALTER TABLE rdv.session_revocations ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.session_revocations FROM PUBLIC;
COMMENT ON TABLE rdv.session_revocations IS
    'rdv-tui: session tokens of an agent issued before revoked_before are refused';

-- Token: "v1.<kid>.<agent id>.<issued µs>.<expires µs>.<hmac hex>", the HMAC
-- over everything before the last dot. Microseconds since the epoch.
-- Plain SQL without a SET clause (like 012's text helpers): inlined where it
-- is called, every name qualified.
CREATE FUNCTION rdv.epoch_us(t timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS
$$ SELECT pg_catalog.int8(pg_catalog.date_part('epoch', $1) OPERATOR(pg_catalog.*) 1000000) $$;

-- The agent a token names when it is well-formed, signed by a live key, not
-- expired and not revoked; NULL otherwise. It does not check the agent
-- itself (current_agent_id does, as for a direct login).
CREATE FUNCTION rdv.session_token_agent(token text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    p text[];
    k bytea;
    agent integer;
    issued bigint;
BEGIN
    IF token IS NULL OR token !~ '^v1\.[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,18}\.[0-9]{1,18}\.[0-9a-f]{64}$' THEN
        RETURN NULL;
    END IF;
    p := pg_catalog.string_to_array(token, '.');
    IF p[5]::bigint <= rdv.epoch_us(pg_catalog.now()) THEN
        RETURN NULL;
    END IF;
    SELECT s.secret INTO k FROM rdv.session_keys s
    WHERE s.kid = p[2]::integer AND (s.retired_at IS NULL OR s.retired_at > pg_catalog.now());
    IF k IS NULL
       OR rdv.hmac_sha256(pg_catalog.array_to_string(p[1:5], '.'), k) <> p[6] THEN
        RETURN NULL;
    END IF;
    agent := p[3]::integer;
    issued := p[4]::bigint;
    IF EXISTS (SELECT 1 FROM rdv.session_revocations r
               WHERE r.agent_id = agent AND rdv.epoch_us(r.revoked_before) >= issued) THEN
        RETURN NULL;
    END IF;
    RETURN agent;
END $$;
COMMENT ON FUNCTION rdv.session_token_agent(text) IS
    'Internal: the agent a valid (signed, live, unrevoked) session token names, or NULL';

-- The logged-in agent. Direct: agents.db_role = session_user (psql, the
-- client on its own connection). Pooled: session_user is a member of
-- rdv_pool and maps to no agent; the agent is the one named by the token the
-- running transaction presented with rdv.session_resume(). The token is
-- honoured only in the transaction that presented it (rdv.token_at holds
-- that transaction's start), so a token set for the session by mistake does
-- not leak to the next client of the pooled connection. Either way the agent
-- must exist, not be deleted and hold a basic or admin role.
CREATE OR REPLACE FUNCTION rdv.current_agent_id() RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    claimed integer;
    token text;
    p text[];
    k bytea;
BEGIN
    claimed := (SELECT a.id FROM rdv.agents a WHERE a.db_role = session_user);
    IF claimed IS NULL THEN
        -- Cheapest tests first: most calls without a token stop at the first.
        -- (A superuser is a member of every role: with a token it acts as
        -- that agent, which it could anyway.)
        IF pg_catalog.current_setting('rdv.token_at', true)
               IS DISTINCT FROM rdv.epoch_us(pg_catalog.transaction_timestamp())::text
           OR NOT pg_catalog.pg_has_role(session_user, 'rdv_pool', 'MEMBER') THEN
            RETURN NULL;
        END IF;
        -- rdv.session_token_agent, inlined (this runs for every identity
        -- helper of every statement on the pooled role).
        token := pg_catalog.current_setting('rdv.token', true);
        IF token IS NULL OR token !~ '^v1\.[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,18}\.[0-9]{1,18}\.[0-9a-f]{64}$' THEN
            RETURN NULL;
        END IF;
        p := pg_catalog.string_to_array(token, '.');
        IF p[5]::bigint <= rdv.epoch_us(pg_catalog.now()) THEN
            RETURN NULL;
        END IF;
        SELECT s.secret INTO k FROM rdv.session_keys s
        WHERE s.kid = p[2]::integer AND (s.retired_at IS NULL OR s.retired_at > pg_catalog.now());
        IF k IS NULL OR rdv.hmac_sha256(pg_catalog.array_to_string(p[1:5], '.'), k) <> p[6] THEN
            RETURN NULL;
        END IF;
        claimed := p[3]::integer;
        IF EXISTS (SELECT 1 FROM rdv.session_revocations r
                   WHERE r.agent_id = claimed AND rdv.epoch_us(r.revoked_before) >= p[4]::bigint) THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN (SELECT a.id FROM rdv.agents a
            WHERE a.id = claimed AND a.deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                          WHERE r.agent_id = a.id AND r.access_level <> 'intervenant'));
END $$;
COMMENT ON FUNCTION rdv.current_agent_id() IS
    'The logged-in agent: agents.db_role = session_user, or on the pooled role the agent of the '
    'session token this transaction presented; not deleted, with a basic or admin role; NULL otherwise';

-- At login, on the agent's own connection: a token for the pooled role.
-- Not from a pooled session (a stolen token cannot extend itself).
CREATE FUNCTION rdv.session_token_issue(ttl interval DEFAULT interval '12 hours') RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
    k rdv.session_keys;
    body text;
BEGIN
    IF me IS NULL OR NOT EXISTS (SELECT 1 FROM rdv.agents a WHERE a.id = me AND a.db_role = session_user) THEN
        RAISE EXCEPTION 'un jeton de session se demande sur sa propre connexion d''agent'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF ttl IS NULL OR ttl < interval '1 minute' OR ttl > interval '24 hours' THEN
        RAISE EXCEPTION 'durée de session invalide : entre 1 minute et 24 heures'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO k FROM rdv.session_keys WHERE retired_at IS NULL ORDER BY kid DESC LIMIT 1;
    IF NOT FOUND THEN
        INSERT INTO rdv.session_keys DEFAULT VALUES RETURNING * INTO k;
    END IF;
    -- clock_timestamp: a token issued after a revocation in the same
    -- transaction is still later than it.
    body := pg_catalog.format('v1.%s.%s.%s.%s', k.kid, me,
                              rdv.epoch_us(pg_catalog.clock_timestamp()),
                              rdv.epoch_us(pg_catalog.clock_timestamp() + ttl));
    RETURN body || '.' || rdv.hmac_sha256(body, k.secret);
END $$;

-- Each transaction on the pooled role: present the token. Returns the agent
-- id; an invalid, expired or revoked token is an error (28000) and the
-- transaction sees nothing anyway.
CREATE FUNCTION rdv.session_resume(token text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer;
BEGIN
    PERFORM pg_catalog.set_config('rdv.token', coalesce(token, ''), true);
    PERFORM pg_catalog.set_config('rdv.token_at',
                                  rdv.epoch_us(pg_catalog.transaction_timestamp())::text, true);
    me := rdv.current_agent_id();
    IF me IS NULL THEN
        RAISE EXCEPTION 'session invalide ou expirée : reconnectez-vous'
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    RETURN me;
END $$;

-- Revoke every token of an agent: myself (logout everywhere), or an agent I
-- fully administer.
CREATE FUNCTION rdv.session_revoke(agent integer DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
    target integer := coalesce(agent, me);
BEGIN
    IF me IS NULL OR NOT (target = me OR target = ANY (rdv.my_fully_administered_agent_ids())) THEN
        RAISE EXCEPTION 'Agent introuvable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO rdv.session_revocations (agent_id, revoked_before)
    VALUES (target, pg_catalog.clock_timestamp())
    ON CONFLICT (agent_id) DO UPDATE SET revoked_before = EXCLUDED.revoked_before;
END $$;

-- Owner only: a new signing key; the others verify for one more day (the
-- longest token) and are then forgotten.
CREATE FUNCTION rdv.session_key_rotate() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    k integer;
BEGIN
    IF NOT rdv.role_is_trusted(session_user) THEN
        RAISE EXCEPTION 'réservé au propriétaire du schéma' USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM rdv.session_keys WHERE retired_at < pg_catalog.now();
    UPDATE rdv.session_keys SET retired_at = pg_catalog.now() + interval '24 hours'
    WHERE retired_at IS NULL;
    INSERT INTO rdv.session_keys DEFAULT VALUES RETURNING kid INTO k;
    RETURN k;
END $$;

-- ------------------------------------------------------------------ the change feed

CREATE TABLE rdv.changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    table_name text NOT NULL,
    row_id integer NOT NULL,
    action text NOT NULL,
    organisation_id integer,
    motif_id integer,
    agent_ids integer[] NOT NULL DEFAULT '{}',
    -- Territory calendar days the change touches, old and new row merged;
    -- day_to NULL: a plage or absence repeating forever.
    day_from date,
    day_to date
);
CREATE INDEX changes_xid_idx ON rdv.changes (xid);
CREATE INDEX changes_changed_at_idx ON rdv.changes (changed_at);
COMMENT ON TABLE rdv.changes IS
    'rdv-tui: change feed of rdvs, rdv_agents, plages and absences; read with rdv.feed(cursor)';

-- How far pruning went: a cursor older than this must reload everything.
CREATE TABLE rdv.changes_horizon (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    pruned_through xid8 NOT NULL
);
INSERT INTO rdv.changes_horizon VALUES (true, '0'::xid8);
ALTER TABLE rdv.changes_horizon ENABLE ROW LEVEL SECURITY;
CREATE POLICY changes_horizon_read ON rdv.changes_horizon FOR SELECT TO rdv_agent
    USING ((SELECT rdv.current_agent_id()) IS NOT NULL);
GRANT SELECT ON rdv.changes_horizon TO rdv_agent;

-- Rows are visible exactly as the row they describe (002's policies, on the
-- old and new images merged): rdvs and rdv_agents as rdvs_select, plages as
-- plages_all, absences as absences_all.
ALTER TABLE rdv.changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY changes_select ON rdv.changes FOR SELECT TO rdv_agent
    USING (CASE table_name
           WHEN 'plages_ouverture' THEN
               organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
               OR (organisation_id = ANY ((SELECT rdv.my_restricted_organisation_ids())::integer[])
                   AND agent_ids && (SELECT rdv.my_confrere_ids())::integer[])
           WHEN 'absences' THEN
               agent_ids && (SELECT rdv.visible_agent_ids())::integer[]
           ELSE
               organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
               OR (agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
                   AND organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]))
               OR motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[])
           END);
GRANT SELECT ON rdv.changes TO rdv_agent;

-- 003's trigger, now writing the feed. Arguments: columns whose changes
-- alone are not news (caches). NOTIFY rdv_changes (empty payload, folded
-- into one per transaction) stays as a wake-up hint unless the database or
-- role sets rdv.feed_notify = off.
CREATE OR REPLACE FUNCTION rdv.change_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN pg_catalog.to_jsonb(OLD) END;
    n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN pg_catalog.to_jsonb(NEW) END;
    p jsonb;
    r jsonb;
    motif integer;
BEGIN
    IF TG_OP = 'UPDATE' AND (o - TG_ARGV) = (n - TG_ARGV) THEN
        RETURN NULL;
    END IF;
    IF rdv.notification_muted() THEN
        RETURN NULL;
    END IF;
    p := rdv.change_feed_payload(TG_TABLE_NAME, TG_OP, o, n);
    r := coalesce(n, o);
    IF TG_TABLE_NAME = 'rdvs' THEN
        motif := (r->>'motif_id')::integer;
    ELSIF TG_TABLE_NAME = 'rdv_agents' THEN
        motif := (SELECT v.motif_id FROM rdv.rdvs v WHERE v.id = (r->>'rdv_id')::integer);
    END IF;
    INSERT INTO rdv.changes (table_name, row_id, action, organisation_id, motif_id, agent_ids,
                             day_from, day_to)
    VALUES (TG_TABLE_NAME, (p->>'id')::integer, TG_OP, (p->>'organisation_id')::integer, motif,
            ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p->'agent_ids')::integer),
            (p->>'from')::date, (p->>'to')::date);
    IF pg_catalog.current_setting('rdv.feed_notify', true) IS DISTINCT FROM 'off' THEN
        PERFORM pg_catalog.pg_notify('rdv_changes', '');
    END IF;
    RETURN NULL;
END $$;

-- The changes since a cursor that the caller may see. Always at least one
-- row: the first carries the new cursor (and reset = true when the cursor is
-- older than what pruning kept: reload everything); change rows follow, in
-- id order, each with the same cursor. since NULL: only the cursor (start).
-- SECURITY INVOKER: rdv.changes' policy filters.
CREATE FUNCTION rdv.feed(since text)
RETURNS TABLE (cursor text, reset boolean, id bigint, table_name text, row_id integer,
               action text, organisation_id integer, agent_ids integer[], day_from date,
               day_to date)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    now_ pg_snapshot := pg_catalog.pg_current_snapshot();
    prev pg_snapshot := since::pg_snapshot;
    pruned xid8 := (SELECT h.pruned_through FROM rdv.changes_horizon h);
    -- Pruning removed committed rows of transactions up to pruned. The cursor
    -- may have missed some when the newest of them was not visible to it, or
    -- when one it saw in progress (at or below pruned) has ended since.
    old boolean := prev IS NOT NULL
        AND (NOT pg_catalog.pg_visible_in_snapshot(pruned, prev)
             OR EXISTS (SELECT 1 FROM pg_catalog.pg_snapshot_xip(prev) x
                        WHERE x <= pruned AND pg_catalog.pg_visible_in_snapshot(x, now_)));
BEGIN
    cursor := now_::text;
    reset := old;
    RETURN NEXT;
    IF prev IS NULL OR old THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT now_::text, false, c.id, c.table_name, c.row_id, c.action, c.organisation_id,
               c.agent_ids, c.day_from, c.day_to
        FROM rdv.changes c
        WHERE c.xid >= pg_catalog.pg_snapshot_xmin(prev)
          AND NOT pg_catalog.pg_visible_in_snapshot(c.xid, prev)
          AND pg_catalog.pg_visible_in_snapshot(c.xid, now_)
        ORDER BY c.id;
END $$;

-- Targeted refresh (goal 1): one row saying whether a change since the cursor
-- touches what the caller shows: one of these agents (NULL: any agent) on a
-- day of [day_from, day_to] (NULL: any day).
CREATE FUNCTION rdv.feed_touches(since text, agents integer[], day_from date, day_to date,
                                 OUT cursor text, OUT reset boolean, OUT changes integer,
                                 OUT touched boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT min(f.cursor), bool_or(f.reset), count(f.id)::integer,
           bool_or(f.reset)
           OR coalesce(bool_or(f.id IS NOT NULL
                   AND ($2 IS NULL OR f.agent_ids && $2)
                   AND ($3 IS NULL OR f.day_to IS NULL OR f.day_to >= $3)
                   AND ($4 IS NULL OR f.day_from IS NULL OR f.day_from <= $4)), false)
    FROM rdv.feed($1) f
$$;

-- Pruning, by `rdv notify` (rdv_notifier) or pg_cron as the owner: rows
-- older than keep go; the horizon records the newest transaction pruned.
CREATE FUNCTION rdv.changes_prune(keep interval DEFAULT interval '2 days') RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    n bigint;
    upto xid8;
BEGIN
    IF NOT (pg_catalog.pg_has_role(session_user, 'rdv_notifier', 'MEMBER')
            OR rdv.role_is_trusted(session_user)) THEN
        RAISE EXCEPTION 'réservé au service de notification' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF keep IS NULL OR keep < interval '1 minute' THEN
        RAISE EXCEPTION 'durée de conservation invalide' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WITH d AS (DELETE FROM rdv.changes WHERE changed_at < pg_catalog.now() - keep RETURNING xid)
    SELECT count(*), max(xid) INTO n, upto FROM d;
    IF upto IS NOT NULL THEN
        UPDATE rdv.changes_horizon SET pruned_through = greatest(pruned_through, upto);
    END IF;
    RETURN n;
END $$;

-- ------------------------------------------------------------------ goal 6: the "à renseigner" count

-- The week load counts the viewer's past rdvs still "unknown" with
--   WHERE r.agent_ids @> ARRAY[rdv.current_agent_id()] AND status = 'unknown' …
-- Under row-level security that condition cannot use an index: @> on arrays
-- is not leakproof, so PostgreSQL evaluates it (and current_agent_id(), once
-- per row) only after the policy, on every past unknown rdv of the caller's
-- organisations (6 of the 12 ms of issue 13; 60-170 ms on the scale data
-- under load). This function counts the same rows (the caller's own rdvs in
-- the caller's organisations, which rdvs_select always shows) through the
-- agent_ids index; the client calls it instead (one line of db/agenda.c).
CREATE FUNCTION rdv.to_fill_count(before date, tz text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer := rdv.current_agent_id();
BEGIN
    IF me IS NULL THEN
        RETURN 0;
    END IF;
    RETURN (SELECT count(*)::integer FROM rdv.rdvs r
            WHERE r.agent_ids @> ARRAY[me] AND r.status = 'unknown'
              AND r.organisation_id = ANY (rdv.my_organisation_ids())
              AND r.starts_at < (before::timestamp AT TIME ZONE tz));
END $$;

-- ------------------------------------------------------------------ grants

REVOKE ALL ON FUNCTION rdv.hmac_sha256(text, bytea), rdv.random_key(), rdv.epoch_us(timestamptz),
    rdv.session_token_agent(text), rdv.session_token_issue(interval), rdv.session_resume(text),
    rdv.session_revoke(integer), rdv.session_key_rotate(), rdv.feed(text),
    rdv.feed_touches(text, integer[], date, date), rdv.changes_prune(interval),
    rdv.to_fill_count(date, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.epoch_us(timestamptz), rdv.session_token_issue(interval),
    rdv.session_resume(text), rdv.session_revoke(integer), rdv.feed(text),
    rdv.feed_touches(text, integer[], date, date), rdv.to_fill_count(date, text)
    TO rdv_agent;
GRANT EXECUTE ON FUNCTION rdv.changes_prune(interval) TO rdv_notifier;
