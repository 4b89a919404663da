-- 007_exports: what the RDV export (reference §5.2) needs beyond the tables.
--
-- Column 20, "créé par", is the author of the rdv's creation audit entry
-- (003_audit). Agents read only their own audit rows (admins those of their
-- organisations), so a basic agent could not name the author of a
-- colleague's rdv that they do see. rdv.rdv_authors() answers for the rdvs
-- the caller may see, and for those only: its visibility test is the
-- rdvs_select policy of 002_security, written out again because a SECURITY
-- DEFINER function reads the table without row-level security. Nothing
-- else of the audit entry leaves the function.
--
-- The author: the agent of the audit entry; for an entry written without an
-- agent (seeds, imports), the rdv's created_by_agent_id; for an rdv booked
-- by a usager, the first participant. When the entry is gone (purged after
-- a year), the reference's RGPD sentence.
--
-- The ids are joined (unnest), not tested with = ANY: an export passes
-- 100,000 of them, and = ANY over a parameter array is a linear search.

CREATE FUNCTION rdv.rdv_authors(ids integer[])
RETURNS TABLE (rdv_id integer, author text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT r.id,
           CASE WHEN au.id IS NULL THEN
                    'Dans le cadre du RGPD, cette information n''est plus conservée au delà d''un an.'
                WHEN r.created_by = 'usager' THEN
                    coalesce((SELECT u.first_name || ' ' || u.last_name
                                FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id
                               WHERE p.rdv_id = r.id ORDER BY p.id LIMIT 1), '')
                ELSE coalesce((SELECT btrim(coalesce(a.first_name, '') || ' ' || a.last_name)
                                 FROM rdv.agents a
                                WHERE a.id = coalesce(au.agent_id, r.created_by_agent_id)), '')
           END
      FROM unnest(ids) AS want(id)
      JOIN rdv.rdvs r ON r.id = want.id
      LEFT JOIN LATERAL (SELECT l.id, l.agent_id FROM rdv.audit_log l
                          WHERE l.table_name = 'rdvs' AND l.row_id = r.id::text
                            AND l.action = 'INSERT'
                          ORDER BY l.id LIMIT 1) au ON true
     WHERE (r.organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
            OR (r.agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
                AND r.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]))
            OR r.motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]))
$$;
COMMENT ON FUNCTION rdv.rdv_authors(integer[]) IS
    'rdv-tui: the "créé par" export column for the given rdvs the caller may see (others are left out)';
REVOKE ALL ON FUNCTION rdv.rdv_authors(integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.rdv_authors(integer[]) TO rdv_agent;
