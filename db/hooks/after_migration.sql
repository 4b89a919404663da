-- Run by `rdv db migrate` after every migration it applies, in the same
-- transaction (and by tests/db/run-pgtap.sh after each file when it applies
-- the migrations with psql). It makes what SECURITY.md promises hold for
-- whatever a migration created, so that a migration cannot forget it:
--
--   * the non-superuser, NOLOGIN role rdv_owner exists and owns the schema
--     rdv and every table, view, sequence, type and function in it (but the
--     one function owned by rdv_rolemaker, see 012_hardening.sql): a bug in a
--     SECURITY DEFINER function reaches rdv_owner's rights, never a
--     superuser's;
--   * nobody but the roles granted it may execute a function of rdv
--     (no EXECUTE for PUBLIC), now and for functions created later;
--   * PUBLIC may not create temporary objects in this database (a temporary
--     table, view, domain or function could otherwise shadow what a function
--     names).
--
-- Idempotent; runs as the superuser that migrates.
DO $hook$
DECLARE
    r record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rdv_owner') THEN
        CREATE ROLE rdv_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
            NOREPLICATION NOBYPASSRLS;
        COMMENT ON ROLE rdv_owner IS 'rdv-tui: owner of the schema rdv (no login, not a superuser)';
    END IF;
    EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC',
                              pg_catalog.current_database());
    -- Functions rdv_owner creates are executable by nobody until granted. (The
    -- superuser's own defaults are left alone: they cover every schema; the
    -- REVOKE at the end of this hook covers what it created in rdv.)
    ALTER DEFAULT PRIVILEGES FOR ROLE rdv_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
    IF pg_catalog.to_regnamespace('rdv') IS NULL THEN
        RETURN;
    END IF;
    ALTER SCHEMA rdv OWNER TO rdv_owner;
    -- Tables first: their indexes, row types and owned sequences follow.
    FOR r IN SELECT c.oid::pg_catalog.regclass AS rel, c.relkind
             FROM pg_catalog.pg_class c
             WHERE c.relnamespace = 'rdv'::pg_catalog.regnamespace
               AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
               AND c.relowner <> 'rdv_owner'::pg_catalog.regrole
             ORDER BY c.oid LOOP
        EXECUTE pg_catalog.format('ALTER %s %s OWNER TO rdv_owner',
            CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                           WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel);
    END LOOP;
    FOR r IN SELECT c.oid::pg_catalog.regclass AS rel
             FROM pg_catalog.pg_class c
             WHERE c.relnamespace = 'rdv'::pg_catalog.regnamespace AND c.relkind = 'S'
               AND c.relowner <> 'rdv_owner'::pg_catalog.regrole
             ORDER BY c.oid LOOP
        EXECUTE pg_catalog.format('ALTER SEQUENCE %s OWNER TO rdv_owner', r.rel);
    END LOOP;
    -- Stand-alone types (enums, domains, ranges, composite types); array,
    -- multirange and table row types follow their owner object.
    FOR r IN SELECT t.oid::pg_catalog.regtype AS typ, t.typtype
             FROM pg_catalog.pg_type t
             WHERE t.typnamespace = 'rdv'::pg_catalog.regnamespace
               AND t.typowner <> 'rdv_owner'::pg_catalog.regrole
               AND t.typtype IN ('e', 'd', 'r', 'c')
               AND (t.typrelid = 0 OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                                              WHERE c.oid = t.typrelid AND c.relkind = 'c'))
             ORDER BY t.oid LOOP
        EXECUTE pg_catalog.format('ALTER %s %s OWNER TO rdv_owner',
                                  CASE WHEN r.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.typ);
    END LOOP;
    FOR r IN SELECT p.oid::pg_catalog.regprocedure AS fn, p.prokind
             FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'rdv'::pg_catalog.regnamespace
               AND p.proowner <> 'rdv_owner'::pg_catalog.regrole
               AND NOT (p.proowner = pg_catalog.to_regrole('rdv_rolemaker')
                        AND p.oid = pg_catalog.to_regprocedure('rdv.agent_login_create(text,text,integer)'))
             ORDER BY p.oid LOOP
        EXECUTE pg_catalog.format('ALTER %s %s OWNER TO rdv_owner',
            CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
            r.fn);
    END LOOP;
    REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA rdv FROM PUBLIC;
    REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA rdv FROM PUBLIC;
END $hook$;
