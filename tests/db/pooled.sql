-- Pooled mode of the database tests (018_scale.sql): loaded by
-- tests/db/run-pgtap.sh after tests/db/fixtures.sql when RDV_TEST_POOLED=1,
-- as the superuser. run-pgtap.sh then rewrites each
--   SET SESSION AUTHORIZATION t_<agent>;
-- of the test file into
--   RESET SESSION AUTHORIZATION; SELECT test.pool_as('t_<agent>');
--   SET SESSION AUTHORIZATION rdv_pool;
-- so that every check runs on the shared pooled role with the session token
-- of the agent the login maps to. A login without an agent (t_nobody)
-- presents no token; an intervenant (t_interv, who cannot obtain a token)
-- presents a correctly signed one all the same: both must see nothing.

-- A token for agent, signed with the newest key, as rdv.session_token_issue
-- would make it (iat/ttl forgeable here for the tests).
CREATE FUNCTION test.mint(agent integer, ttl interval DEFAULT interval '1 hour',
                          iat timestamptz DEFAULT clock_timestamp(), kid integer DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    k rdv.session_keys;
    body text;
BEGIN
    SELECT * INTO k FROM rdv.session_keys s
    WHERE (mint.kid IS NULL AND s.retired_at IS NULL) OR s.kid = mint.kid
    ORDER BY s.kid DESC LIMIT 1;
    body := format('v1.%s.%s.%s.%s', k.kid, agent, rdv.epoch_us(iat), rdv.epoch_us(iat + ttl));
    RETURN body || '.' || rdv.hmac_sha256(body, k.secret);
END $$;

-- Present the token of the agent login r maps to, for this transaction (the
-- test files run in one transaction), as rdv.session_resume() does.
CREATE FUNCTION test.pool_as(r name) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    agent integer := (SELECT a.id FROM rdv.agents a WHERE a.db_role = r);
BEGIN
    PERFORM set_config('rdv.token', coalesce(test.mint(agent), ''), false);
    PERFORM set_config('rdv.token_at', rdv.epoch_us(transaction_timestamp())::text, false);
END $$;
