-- 014_lists: the names of every agent of an rdv the caller may see.
--
-- Row-level security on agents lets a basic agent read only their confrères
-- (agents sharing one of their services). On an rdv shared with a colleague
-- of another service (a secretary, say), the "professionnel.le(s)" column of
-- the Liste des RDV and of the exports came out without that colleague, or
-- empty when the basic agent was not on the rdv either. The rdv itself is
-- visible to them, and so, in the reference, are all of its agents' names.
--
-- rdv.rdv_agent_names() answers for the given rdvs the caller may see, and
-- for those only: its visibility test is the rdvs_select policy of
-- 002_security, written out again because a SECURITY DEFINER function reads
-- the tables without row-level security. Of the agents it gives the full
-- names and the professional e-mails (reference §5.2 columns 12 and 21),
-- nothing else; an rdv without agents gets no row.
--
-- The ids are joined (unnest), not tested with = ANY: an export passes
-- 100,000 of them, and = ANY over a parameter array is a linear search.

CREATE FUNCTION rdv.rdv_agent_names(ids integer[])
RETURNS TABLE (rdv_id integer, names text, emails text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv, pg_temp AS $$
    SELECT r.id,
           string_agg(btrim(coalesce(a.first_name, '') || ' ' || a.last_name), ', '
                      ORDER BY a.last_name, a.first_name, a.id),
           string_agg(a.email, ', ' ORDER BY a.last_name, a.first_name, a.id)
      FROM (SELECT DISTINCT want.id FROM unnest(ids) AS want(id)) want
      JOIN rdv.rdvs r ON r.id = want.id
      CROSS JOIN LATERAL unnest(r.agent_ids) AS ra(agent_id)
      JOIN rdv.agents a ON a.id = ra.agent_id
     WHERE (SELECT rdv.current_agent_id()) IS NOT NULL
       AND (r.organisation_id = ANY ((SELECT rdv.my_full_access_organisation_ids())::integer[])
            OR (r.agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]
                AND r.organisation_id = ANY ((SELECT rdv.my_organisation_ids())::integer[]))
            OR r.motif_id = ANY ((SELECT rdv.my_motif_ids())::integer[]))
     GROUP BY r.id
$$;
COMMENT ON FUNCTION rdv.rdv_agent_names(integer[]) IS
    'rdv-tui: names and e-mails of all agents of the given rdvs the caller may see (others are left out)';
REVOKE ALL ON FUNCTION rdv.rdv_agent_names(integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.rdv_agent_names(integer[]) TO rdv_agent;
