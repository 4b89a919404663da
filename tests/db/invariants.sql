-- Catalog invariants of SECURITY.md, as one query listing every violation
-- (no row: all hold). Run as the superuser by tests/db/attack_definer.sh and
-- tests/db/upgrade.sh; a future migration that forgets one of them fails
-- both. Each row: what is wrong, on which object.
WITH fn AS (
    SELECT p.oid, p.oid::regprocedure::text AS name, p.prosecdef, p.proowner, p.proacl,
           p.prorettype = 'trigger'::regtype AS is_trigger,
           (SELECT substr(c, 13) FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%') AS path
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace IN ('rdv'::regnamespace, 'rdv_meta'::regnamespace)
)
SELECT 'SECURITY DEFINER without pg_temp last in search_path: ' || name
FROM fn WHERE prosecdef AND (path IS NULL OR path !~ ',\s*pg_temp$')
UNION ALL
SELECT 'trigger function without pg_temp last in search_path: ' || name
FROM fn WHERE is_trigger AND (path IS NULL OR path !~ ',\s*pg_temp$')
UNION ALL
SELECT 'executable by PUBLIC: ' || name
FROM fn WHERE EXISTS (SELECT 1 FROM aclexplode(coalesce(proacl, acldefault('f', proowner))) a
                      WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
UNION ALL
SELECT 'executable by rdv_agent or rdv_notifier (internal helper): ' || name
FROM fn
WHERE (is_trigger OR name ~ '^rdv\.(agent_login_create|agent_check|audit_organisation_ids|change_feed_payload|organisation_time_zone|notification_(muted|agent_name|attendees|rdv_payload)|usager_in_organisations|usager_snapshot)\(')
  AND EXISTS (SELECT 1 FROM aclexplode(coalesce(proacl, acldefault('f', proowner))) a
              WHERE a.grantee IN ('rdv_agent'::regrole, 'rdv_notifier'::regrole)
                AND a.privilege_type = 'EXECUTE')
UNION ALL
SELECT 'function owned by ' || pg_get_userbyid(proowner) || ': ' || name
FROM fn
WHERE name LIKE 'rdv.%'
  AND NOT (proowner = 'rdv_owner'::regrole
           OR (proowner = 'rdv_rolemaker'::regrole AND name = 'rdv.agent_login_create(text,text,integer)'))
UNION ALL
SELECT 'relation owned by ' || pg_get_userbyid(c.relowner) || ': ' || c.oid::regclass::text
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'rdv'::regnamespace AND c.relowner <> 'rdv_owner'::regrole
UNION ALL
SELECT 'type owned by ' || pg_get_userbyid(t.typowner) || ': ' || t.oid::regtype::text
FROM pg_catalog.pg_type t
WHERE t.typnamespace = 'rdv'::regnamespace AND t.typowner <> 'rdv_owner'::regrole
UNION ALL
SELECT 'schema rdv owned by ' || pg_get_userbyid(n.nspowner)
FROM pg_catalog.pg_namespace n WHERE n.nspname = 'rdv' AND n.nspowner <> 'rdv_owner'::regrole
UNION ALL
SELECT 'object of schema rdv owned by a superuser: ' || x.what
FROM (SELECT c.oid::regclass::text AS what, c.relowner AS owner FROM pg_catalog.pg_class c
      WHERE c.relnamespace = 'rdv'::regnamespace
      UNION ALL SELECT name, proowner FROM fn WHERE name LIKE 'rdv.%'
      UNION ALL SELECT t.oid::regtype::text, t.typowner FROM pg_catalog.pg_type t
      WHERE t.typnamespace = 'rdv'::regnamespace) x
JOIN pg_catalog.pg_roles r ON r.oid = x.owner WHERE r.rolsuper
UNION ALL
SELECT 'role ' || r.rolname || ' may log in, is a superuser, creates databases, bypasses RLS or replicates'
FROM pg_catalog.pg_roles r
WHERE r.rolname IN ('rdv_owner', 'rdv_rolemaker', 'rdv_agent', 'rdv_notifier')
  AND (r.rolcanlogin OR r.rolsuper OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication)
UNION ALL
SELECT 'role ' || r.rolname || ' may create roles'
FROM pg_catalog.pg_roles r
WHERE r.rolname IN ('rdv_owner', 'rdv_agent', 'rdv_notifier') AND r.rolcreaterole
UNION ALL
SELECT 'rdv_owner is missing' WHERE pg_catalog.to_regrole('rdv_owner') IS NULL
UNION ALL
SELECT 'PUBLIC may create temporary objects in database ' || d.datname
FROM pg_catalog.pg_database d
WHERE d.datname = current_database()
  AND EXISTS (SELECT 1 FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
              WHERE a.grantee = 0 AND a.privilege_type = 'TEMPORARY')
UNION ALL
SELECT 'PUBLIC may create objects in schema ' || n.nspname
FROM pg_catalog.pg_namespace n
WHERE n.nspname IN ('public', 'rdv', 'rdv_meta')
  AND EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
              WHERE a.grantee = 0 AND a.privilege_type = 'CREATE')
UNION ALL
SELECT 'rdv_agent or rdv_notifier may create objects in schema ' || n.nspname
FROM pg_catalog.pg_namespace n
WHERE n.nspname IN ('public', 'rdv', 'rdv_meta')
  AND EXISTS (SELECT 1 FROM aclexplode(n.nspacl) a
              WHERE a.grantee IN ('rdv_agent'::regrole, 'rdv_notifier'::regrole)
                AND a.privilege_type = 'CREATE')
ORDER BY 1;
