-- Issue 13, goals 6 and 7: less server CPU per action, same visibility.
--
-- Measured before this migration (scale data, backend CPU per statement):
-- on the pooled role every rdv.current_agent_id() call verified the session
-- token again (regular expression, key lookup, HMAC-SHA256, revocation
-- lookup): ~100 µs a call against ~18 µs on a direct login, and a week load
-- makes ~29 of them (one per policy InitPlan).
--
-- Verified-token cache. A token whose signature was verified once is
--    remembered by its SHA-256 digest in rdv.session_verified (the token
--    itself is not stored: the table holds no usable credential), with its
--    agent, issue and expiry instants and the digest of the key's secret.
--    rdv.current_agent_id() on the pooled role looks the digest up and
--    checks, on every call, the expiry, the key (live, same secret) and the
--    revocations (one query, three index probes), without the regular
--    expression, parsing and HMAC; a miss verifies in full as before.
--    Only definer code reads or writes the table (RLS on, no policy, no
--    grant): rdv_pool can neither read nor plant an entry, unlike a GUC.
--    Entries are inserted only after a full verification (by
--    rdv.session_token_cache, called by rdv.session_resume), and every write
--    to rdv.session_keys or rdv.session_revocations deletes the entries it
--    may invalidate (triggers; the checks on every call cover a revocation
--    racing with a first use). So a revoked token or a deleted/retired key
--    is refused exactly as before. On a hot standby or in a read-only
--    transaction nothing is inserted (the full verification runs, as before).
-- No policy and no scope change: visibility is the same by construction.

-- ------------------------------------------------------------------ 1. tokens

CREATE TABLE rdv.session_verified (
    token_digest bytea PRIMARY KEY,        -- SHA-256 of the token
    agent_id integer NOT NULL,
    kid integer NOT NULL,
    key_digest bytea NOT NULL,             -- SHA-256 of the key's secret it was verified with
    issued_us bigint NOT NULL,             -- the token's issue instant (µs since the epoch)
    valid_until bigint NOT NULL            -- the token's expiry (µs since the epoch, exclusive)
);
CREATE INDEX session_verified_agent_idx ON rdv.session_verified (agent_id);
CREATE INDEX session_verified_kid_idx ON rdv.session_verified (kid);
ALTER TABLE rdv.session_verified ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdv.session_verified FROM PUBLIC;
COMMENT ON TABLE rdv.session_verified IS
    'rdv-tui: session tokens whose signature was verified (SHA-256 of the token), until valid_until (µs); '
    'cleared by any write to session_keys or session_revocations';

-- Full verification (018's rules, unchanged): the agent and the instant the
-- token stops being valid, or NULLs.
CREATE FUNCTION rdv.session_token_verify(token text, OUT agent integer, OUT kid integer,
                                         OUT key_digest bytea, OUT issued_us bigint,
                                         OUT valid_until bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    p text[];
    k rdv.session_keys;
BEGIN
    IF token IS NULL OR token !~ '^v1\.[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,18}\.[0-9]{1,18}\.[0-9a-f]{64}$' THEN
        RETURN;
    END IF;
    p := pg_catalog.string_to_array(token, '.');
    IF p[5]::bigint <= rdv.epoch_us(pg_catalog.now()) THEN
        RETURN;
    END IF;
    SELECT * INTO k FROM rdv.session_keys s
    WHERE s.kid = p[2]::integer AND (s.retired_at IS NULL OR s.retired_at > pg_catalog.now());
    IF k.kid IS NULL OR rdv.hmac_sha256(pg_catalog.array_to_string(p[1:5], '.'), k.secret) <> p[6] THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM rdv.session_revocations r
               WHERE r.agent_id = p[3]::integer AND rdv.epoch_us(r.revoked_before) >= p[4]::bigint) THEN
        RETURN;
    END IF;
    agent := p[3]::integer;
    kid := k.kid;
    key_digest := pg_catalog.sha256(k.secret);
    issued_us := p[4]::bigint;
    valid_until := p[5]::bigint;
END $$;
COMMENT ON FUNCTION rdv.session_token_verify(text) IS
    'Internal: full verification of a session token (format, expiry, live key, HMAC, revocation)';

-- 018's verifier now shares the code above (same result).
CREATE OR REPLACE FUNCTION rdv.session_token_agent(token text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    RETURN (SELECT v.agent FROM rdv.session_token_verify(token) v);
END $$;

-- The logged-in agent (018's rules). Pooled: the token of this transaction
-- is looked up by digest among verified tokens; verified in full on a miss.
CREATE OR REPLACE FUNCTION rdv.current_agent_id() RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    claimed integer;
    token text;
BEGIN
    claimed := (SELECT a.id FROM rdv.agents a WHERE a.db_role = session_user);
    IF claimed IS NULL THEN
        -- rdv.epoch_us written out: that SQL function is not inlined (IMMUTABLE
        -- over the STABLE date_part), and this runs once per policy InitPlan.
        IF pg_catalog.current_setting('rdv.token_at', true)
               IS DISTINCT FROM pg_catalog.int8(pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp())
                                                OPERATOR(pg_catalog.*) 1000000)::text
           OR NOT pg_catalog.pg_has_role(session_user, 'rdv_pool', 'MEMBER') THEN
            RETURN NULL;
        END IF;
        token := pg_catalog.current_setting('rdv.token', true);
        IF token IS NULL OR token = '' THEN
            RETURN NULL;
        END IF;
        -- A remembered token: its signature is not checked again, but its
        -- expiry, its key (live, same secret) and the revocations are, on
        -- every call, as in the full verification (no race with a
        -- concurrent revocation or key change).
        claimed := (SELECT v.agent_id FROM rdv.session_verified v
                    JOIN rdv.session_keys k ON k.kid = v.kid
                    WHERE v.token_digest = pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8'))
                      AND v.valid_until > pg_catalog.int8(pg_catalog.date_part('epoch', pg_catalog.now())
                                                          OPERATOR(pg_catalog.*) 1000000)
                      AND (k.retired_at IS NULL OR k.retired_at > pg_catalog.now())
                      AND pg_catalog.sha256(k.secret) = v.key_digest
                      AND NOT EXISTS (
                          SELECT 1 FROM rdv.session_revocations r
                          WHERE r.agent_id = v.agent_id
                            AND pg_catalog.int8(pg_catalog.date_part('epoch', r.revoked_before)
                                                OPERATOR(pg_catalog.*) 1000000) >= v.issued_us));
        IF claimed IS NULL THEN
            claimed := (SELECT v.agent FROM rdv.session_token_verify(token) v);
            IF claimed IS NULL THEN
                RETURN NULL;
            END IF;
        END IF;
    END IF;
    RETURN (SELECT a.id FROM rdv.agents a
            WHERE a.id = claimed AND a.deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM rdv.agent_roles r
                          WHERE r.agent_id = a.id AND r.access_level <> 'intervenant'));
END $$;

-- Called by rdv.session_resume on the pooled role: remember the token of
-- this transaction once it is verified in full. Inserts nothing for an
-- invalid or already remembered token, outside the pooled role, on a standby
-- or in a read-only transaction. Returns the agent it remembered, or NULL;
-- rdv.session_resume relies on rdv.current_agent_id() for the answer.
CREATE FUNCTION rdv.session_token_cache() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    token text := pg_catalog.current_setting('rdv.token', true);
    d bytea;
    v record;
BEGIN
    -- The caller: the pooled role, in the transaction that presented the token.
    IF token IS NULL OR token = ''
       OR pg_catalog.current_setting('rdv.token_at', true)
              IS DISTINCT FROM rdv.epoch_us(pg_catalog.transaction_timestamp())::text
       OR EXISTS (SELECT 1 FROM rdv.agents a WHERE a.db_role = session_user)
       OR NOT pg_catalog.pg_has_role(session_user, 'rdv_pool', 'MEMBER') THEN
        RETURN NULL;
    END IF;
    d := pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8'));
    IF EXISTS (SELECT 1 FROM rdv.session_verified s WHERE s.token_digest = d) THEN
        RETURN NULL;    -- remembered already; rdv.current_agent_id() checks the rest
    END IF;
    SELECT * INTO v FROM rdv.session_token_verify(token);
    IF v.agent IS NULL THEN
        RETURN NULL;
    END IF;
    -- Never wait: a concurrent first use of the same token (another pooled
    -- transaction of the same client) holds the advisory lock until it ends,
    -- and this transaction then simply does not remember it (an INSERT would
    -- wait on the other's uncommitted row). 7236025: this migration's lock
    -- space (the first 32 bits of the digest).
    IF NOT pg_catalog.pg_is_in_recovery()
       AND pg_catalog.current_setting('transaction_read_only') = 'off'
       AND pg_catalog.pg_try_advisory_xact_lock(
               7236025, ('x' || pg_catalog.encode(pg_catalog.substr(d, 1, 4), 'hex'))::bit(32)::integer) THEN
        -- This agent's entries that are no longer valid go at the same time
        -- (rows another transaction is deleting are skipped, not waited for).
        DELETE FROM rdv.session_verified s
        WHERE s.token_digest IN (SELECT x.token_digest FROM rdv.session_verified x
                                 WHERE x.agent_id = v.agent AND x.valid_until <= rdv.epoch_us(pg_catalog.now())
                                 FOR UPDATE SKIP LOCKED);
        INSERT INTO rdv.session_verified (token_digest, agent_id, kid, key_digest, issued_us, valid_until)
        VALUES (d, v.agent, v.kid, v.key_digest, v.issued_us, v.valid_until)
        ON CONFLICT (token_digest) DO NOTHING;
    END IF;
    RETURN v.agent;
END $$;
COMMENT ON FUNCTION rdv.session_token_cache() IS
    'Pooled role: verify the session token of this transaction and remember its digest (rdv.session_verified)';

-- Each transaction on the pooled role: present the token (018's contract).
CREATE OR REPLACE FUNCTION rdv.session_resume(token text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, rdv, pg_temp AS $$
DECLARE
    me integer;
BEGIN
    PERFORM pg_catalog.set_config('rdv.token', coalesce(token, ''), true);
    PERFORM pg_catalog.set_config('rdv.token_at',
                                  rdv.epoch_us(pg_catalog.transaction_timestamp())::text, true);
    PERFORM rdv.session_token_cache();
    me := rdv.current_agent_id();
    IF me IS NULL THEN
        RAISE EXCEPTION 'session invalide ou expirée : reconnectez-vous'
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    RETURN me;
END $$;

-- Any change to the keys or the revocations drops the entries it may void;
-- they are verified in full again on their next use.
CREATE FUNCTION rdv.session_verified_keys_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM rdv.session_verified;
    ELSIF TG_OP = 'INSERT' THEN
        DELETE FROM rdv.session_verified s WHERE s.kid IN (SELECT n.kid FROM new_rows n);
    ELSE
        DELETE FROM rdv.session_verified s WHERE s.kid IN (SELECT o.kid FROM old_rows o);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION rdv.session_verified_revocations_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM rdv.session_verified;
    ELSIF TG_OP = 'INSERT' THEN
        DELETE FROM rdv.session_verified s WHERE s.agent_id IN (SELECT n.agent_id FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM rdv.session_verified s WHERE s.agent_id IN (SELECT o.agent_id FROM old_rows o);
    ELSE
        DELETE FROM rdv.session_verified s
        WHERE s.agent_id IN (SELECT o.agent_id FROM old_rows o UNION SELECT n.agent_id FROM new_rows n);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER session_verified_keys_insert AFTER INSERT ON rdv.session_keys
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_keys_changed();
CREATE TRIGGER session_verified_keys_update AFTER UPDATE ON rdv.session_keys
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_keys_changed();
CREATE TRIGGER session_verified_keys_delete AFTER DELETE ON rdv.session_keys
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_keys_changed();
CREATE TRIGGER session_verified_keys_truncate AFTER TRUNCATE ON rdv.session_keys
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_keys_changed();
CREATE TRIGGER session_verified_revocations_insert AFTER INSERT ON rdv.session_revocations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_revocations_changed();
CREATE TRIGGER session_verified_revocations_update AFTER UPDATE ON rdv.session_revocations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_revocations_changed();
CREATE TRIGGER session_verified_revocations_delete AFTER DELETE ON rdv.session_revocations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_revocations_changed();
CREATE TRIGGER session_verified_revocations_truncate AFTER TRUNCATE ON rdv.session_revocations
    FOR EACH STATEMENT EXECUTE FUNCTION rdv.session_verified_revocations_changed();


-- ------------------------------------------------------------------ privileges

REVOKE ALL ON FUNCTION
    rdv.session_token_verify(text),
    rdv.session_token_cache(),
    rdv.session_verified_keys_changed(),
    rdv.session_verified_revocations_changed(),
    rdv.current_agent_id(),
    rdv.session_resume(text),
    rdv.session_token_agent(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    rdv.session_token_cache(),
    rdv.current_agent_id(),
    rdv.session_resume(text)
    TO rdv_agent;
