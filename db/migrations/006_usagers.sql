-- 006_usagers: usager search, probable duplicates, saving and merging.
--
-- Search (reference R-31, issue 5). rdv.usager_search(q) takes what the
-- agent types and decides what it is:
--   * contains "@"               → prefix of the e-mail (case-insensitive);
--   * a whole date (14/06/1987, 14-06-1987, 14061987, 1987-06-14)
--                                → the birth date;
--   * starts with 0, + or 00 and holds only digits, spaces, dots, dashes
--                                → prefix of the phone number, national
--                                  (0612…) or international (+33612…);
--   * anything else              → the names: accents, case, hyphens and
--                                  apostrophes do not matter, word order does
--                                  not matter, and a typo is forgiven
--                                  (pg_trgm word similarity).
-- Names are folded once, into the stored column usagers.search_key
-- ("lefevre jean francois" for Jean-François Lefèvre), indexed by a GIN
-- trigram index (substring and similarity) and a btree (prefix).
--
-- Row-level security and the indexes: PostgreSQL only uses a qual as an
-- index condition before the security quals when its operator is
-- LEAKPROOF, and the trigram and LIKE operators are not; under RLS the
-- search would read every usager. So the search functions are SECURITY
-- DEFINER and apply the usagers' SELECT rule themselves, with the same
-- helper (organisations in rdv.usager_organisation_ids()); the tests check
-- they return exactly what the policy shows.
--
-- Phones: rdv.phone_e164() normalises French and overseas numbers to E.164
-- (reference §9.1 item 12): a national number "0X…" is French unless its
-- first digits belong to Guadeloupe (0590, 0690, 0691), Guyane (0594,
-- 0694), Martinique (0596, 0696, 0697), La Réunion (0262, 0263, 0692,
-- 0693) or Mayotte (0269, 0639) — the ranges a phone library's FR
-- metadata leaves out, so "try FR, then GP, GF, MQ, RE, YT" gives these.
-- The same rules are in src/core/usager.c; both are tested on one table of
-- cases. A trigger keeps phone_number_formatted in step with phone_number.
--
-- Merge (reference §4, issue 5): rdv.usager_merge() does everything in one
-- transaction, or nothing.

-- ------------------------------------------------------------------ folding

-- unaccent() is STABLE because its dictionary could change; with the
-- dictionary named, the result depends only on the text.
CREATE FUNCTION rdv.unaccent_immutable(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT public.unaccent('public.unaccent'::regdictionary, t)
$$;

-- "Jean-François N'Diaye" → "jean francois ndiaye": accents and case gone,
-- apostrophes dropped, every other non-alphanumeric run one space.
CREATE FUNCTION rdv.text_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT btrim(regexp_replace(
               regexp_replace(lower(rdv.unaccent_immutable(t)), '[''’`]', '', 'g'),
               '[^[:alnum:]]+', ' ', 'g'))
$$;

-- The search key of a usager: last name, first name, birth name, folded.
CREATE FUNCTION rdv.usager_name_key(first_name text, last_name text, birth_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT rdv.text_fold(concat_ws(' ', last_name, first_name, birth_name))
$$;

ALTER TABLE rdv.usagers ADD COLUMN search_key text
    GENERATED ALWAYS AS (rdv.usager_name_key(first_name, last_name, birth_name)) STORED;

CREATE INDEX usagers_search_key_trgm_idx ON rdv.usagers USING gin (search_key public.gin_trgm_ops);
CREATE INDEX usagers_search_key_prefix_idx ON rdv.usagers (search_key text_pattern_ops);
CREATE INDEX usagers_email_prefix_idx ON rdv.usagers (lower(email) text_pattern_ops)
    WHERE email IS NOT NULL;

-- ------------------------------------------------------------------ phones

-- The country code of a 9-digit national number (without its leading 0):
-- overseas ranges first, French otherwise; NULL when it cannot be a number.
CREATE FUNCTION rdv.phone_country_code(nat9 text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT CASE
        WHEN nat9 !~ '^[1-9][0-9]{8}$' THEN NULL
        WHEN left(nat9, 3) IN ('590', '690', '691') THEN '590'
        WHEN left(nat9, 3) IN ('594', '694') THEN '594'
        WHEN left(nat9, 3) IN ('596', '696', '697') THEN '596'
        WHEN left(nat9, 3) IN ('262', '263', '692', '693', '269', '639') THEN '262'
        ELSE '33' END
$$;

-- E.164 of a French or overseas number written any usual way ("06 12 34 56
-- 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+33 (0)6…", "0033…",
-- "0690 12 34 56" → "+590690123456"); NULL when empty or not recognised.
CREATE FUNCTION rdv.phone_e164(phone text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    t text := btrim(coalesce(phone, ''));
    d text;
    cc text;
    nat text;
BEGIN
    IF t = '' OR t !~ '^\+?[0-9 .()/-]+$' THEN
        RETURN NULL;
    END IF;
    d := regexp_replace(t, '[^0-9]', '', 'g');
    IF left(t, 1) = '+' OR left(d, 2) = '00' THEN
        IF left(t, 1) <> '+' THEN
            d := substr(d, 3);
        END IF;
        FOREACH cc IN ARRAY ARRAY['33', '590', '594', '596', '262'] LOOP
            IF left(d, length(cc)) = cc THEN
                nat := substr(d, length(cc) + 1);
                -- "+33 (0)6 12 …": the trunk 0 written after the country code.
                IF length(nat) = 10 AND left(nat, 1) = '0' THEN
                    nat := substr(nat, 2);
                END IF;
                IF rdv.phone_country_code(nat) IS NULL THEN
                    RETURN NULL;
                END IF;
                -- +33 followed by an overseas range is that overseas number;
                -- an overseas code must match its own ranges.
                IF cc <> '33' AND rdv.phone_country_code(nat) <> cc THEN
                    RETURN NULL;
                END IF;
                RETURN '+' || rdv.phone_country_code(nat) || nat;
            END IF;
        END LOOP;
        RETURN NULL;
    END IF;
    IF d !~ '^0[0-9]{9}$' THEN
        RETURN NULL;
    END IF;
    nat := substr(d, 2);
    cc := rdv.phone_country_code(nat);
    RETURN CASE WHEN cc IS NULL THEN NULL ELSE '+' || cc || nat END;
END $$;

-- The national writing (digits only) of an E.164 number we produce:
-- "+33612345678" → "0612345678", "+590690123456" → "0690123456".
CREATE FUNCTION rdv.phone_national(e164 text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT CASE
        WHEN e164 ~ '^\+33[0-9]{9}$' THEN '0' || substr(e164, 4)
        WHEN e164 ~ '^\+(590|594|596|262)[0-9]{9}$' THEN '0' || substr(e164, 5)
        ELSE e164 END
$$;

CREATE INDEX usagers_phone_prefix_idx ON rdv.usagers (phone_number_formatted text_pattern_ops)
    WHERE phone_number_formatted IS NOT NULL;
CREATE INDEX usagers_phone_national_idx ON rdv.usagers (rdv.phone_national(phone_number_formatted) text_pattern_ops)
    WHERE phone_number_formatted IS NOT NULL;

-- phone_number_formatted follows phone_number; a blank e-mail is NULL
-- (reference §1.14).
CREATE FUNCTION rdv.usagers_normalise() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.email := nullif(btrim(NEW.email), '');
    NEW.phone_number := nullif(btrim(NEW.phone_number), '');
    IF TG_OP = 'INSERT' OR NEW.phone_number IS DISTINCT FROM OLD.phone_number THEN
        NEW.phone_number_formatted := rdv.phone_e164(NEW.phone_number);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usagers_normalise BEFORE INSERT OR UPDATE OF phone_number, email ON rdv.usagers
    FOR EACH ROW EXECUTE FUNCTION rdv.usagers_normalise();

-- ------------------------------------------------------------------ dates

-- A whole date as agents type it (JJ/MM/AAAA with / - . or nothing between,
-- or AAAA-MM-JJ); NULL otherwise.
CREATE FUNCTION rdv.date_parse_fr(t text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    m text[];
BEGIN
    m := regexp_match(btrim(coalesce(t, '')), '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$');
    IF m IS NULL THEN
        m := regexp_match(btrim(coalesce(t, '')), '^([0-9]{2})([0-9]{2})([0-9]{4})$');
    END IF;
    IF m IS NULL THEN
        m := regexp_match(btrim(coalesce(t, '')), '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$');
        IF m IS NOT NULL THEN
            m := ARRAY[m[3], m[2], m[1]];
        END IF;
    END IF;
    IF m IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN make_date(m[3]::int, m[2]::int, m[1]::int);
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR numeric_value_out_of_range THEN
    RETURN NULL;
END $$;

-- ------------------------------------------------------------------ search

-- Whether I see this usager, for a list of usager organisations computed
-- once by the caller (the usagers' SELECT policy, 002).
CREATE FUNCTION rdv.usager_in_organisations(usager_id integer, orgs integer[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT EXISTS (SELECT 1 FROM rdv.usager_profiles p
                   WHERE p.usager_id = $1 AND p.organisation_id = ANY ($2))
$$;

-- Up to max_rows usagers I see matching what I typed, best first. matched
-- says how: 'email', 'birth_date', 'phone', 'name' (prefix or substring of
-- the names) or 'similar' (a typo away).
CREATE FUNCTION rdv.usager_search(q text, max_rows integer DEFAULT 20)
RETURNS TABLE (id integer, first_name text, last_name text, birth_name text, birth_date date,
               email text, phone_number text, city_name text, responsible_id integer,
               matched text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, rdv
SET pg_trgm.word_similarity_threshold = 0.4 AS $$
DECLARE
    orgs integer[] := rdv.usager_organisation_ids();
    term text := btrim(coalesce(q, ''));
    folded text;
    digits text;
    d date;
BEGIN
    IF term = '' OR cardinality(orgs) = 0 THEN
        RETURN;
    END IF;
    IF position('@' IN term) > 0 THEN
        RETURN QUERY
        SELECT u.id, u.first_name, u.last_name, u.birth_name, u.birth_date, u.email,
               u.phone_number, u.city_name, u.responsible_id, 'email'::text
        FROM rdv.usagers u
        WHERE lower(u.email) LIKE replace(replace(replace(lower(term), '\', '\\'), '%', '\%'), '_', '\_') || '%'
          AND u.email IS NOT NULL AND u.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                      WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))
        ORDER BY lower(u.email), u.id
        LIMIT max_rows;
        RETURN;
    END IF;
    d := rdv.date_parse_fr(term);
    IF d IS NOT NULL THEN
        RETURN QUERY
        SELECT u.id, u.first_name, u.last_name, u.birth_name, u.birth_date, u.email,
               u.phone_number, u.city_name, u.responsible_id, 'birth_date'::text
        FROM rdv.usagers u
        WHERE u.birth_date = d AND u.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                      WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))
        ORDER BY u.search_key, u.id
        LIMIT max_rows;
        RETURN;
    END IF;
    IF term ~ '^(\+|0)[0-9 .()-]*$' THEN
        digits := regexp_replace(term, '[^0-9]', '', 'g');
        -- "06" or "+33 6" matches half the département: wait for more.
        IF length(digits) < 4 OR (left(term, 1) = '+' AND length(digits) < 5) THEN
            RETURN;
        END IF;
        IF left(term, 1) = '+' OR left(digits, 2) = '00' THEN
            -- International: compare with the E.164 form.
            digits := '+' || CASE WHEN left(term, 1) = '+' THEN digits ELSE substr(digits, 3) END;
            -- "+33 (0)6…": drop the trunk 0.
            digits := regexp_replace(digits, '^\+(33|590|594|596|262)0', '+\1');
            RETURN QUERY
            SELECT u.id, u.first_name, u.last_name, u.birth_name, u.birth_date, u.email,
                   u.phone_number, u.city_name, u.responsible_id, 'phone'::text
            FROM rdv.usagers u
            WHERE u.phone_number_formatted LIKE digits || '%' AND u.deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                          WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))
            ORDER BY u.phone_number_formatted, u.search_key, u.id
            LIMIT max_rows;
        ELSE
            RETURN QUERY
            SELECT u.id, u.first_name, u.last_name, u.birth_name, u.birth_date, u.email,
                   u.phone_number, u.city_name, u.responsible_id, 'phone'::text
            FROM rdv.usagers u
            WHERE rdv.phone_national(u.phone_number_formatted) LIKE digits || '%'
              AND u.phone_number_formatted IS NOT NULL AND u.deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                          WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))
            ORDER BY rdv.phone_national(u.phone_number_formatted), u.search_key, u.id
            LIMIT max_rows;
        END IF;
        RETURN;
    END IF;
    folded := rdv.text_fold(term);
    IF folded = '' THEN
        RETURN;
    END IF;
    IF length(folded) < 3 THEN
        -- Too short for trigrams: names starting with it, in name order
        -- (the byte order of the folded key: the prefix index gives it).
        RETURN QUERY
        SELECT u.id, u.first_name, u.last_name, u.birth_name, u.birth_date, u.email,
               u.phone_number, u.city_name, u.responsible_id, 'name'::text
        FROM rdv.usagers u
        WHERE u.search_key LIKE folded || '%' AND u.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                      WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))
        ORDER BY u.search_key USING OPERATOR(pg_catalog.~<~), u.id
        LIMIT max_rows;
        RETURN;
    END IF;
    -- Every word typed starts a word of the names: best. Then a substring,
    -- then similar (a typo). Ties: the closest, then alphabetical.
    RETURN QUERY
    SELECT c.id, c.first_name, c.last_name, c.birth_name, c.birth_date, c.email,
           c.phone_number, c.city_name, c.responsible_id,
           CASE WHEN c.rank < 2 THEN 'name' ELSE 'similar' END
    FROM (SELECT u.*,
                 CASE WHEN NOT EXISTS (SELECT 1 FROM unnest(string_to_array(folded, ' ')) w
                                       WHERE (' ' || u.search_key) NOT LIKE '% ' || w || '%') THEN 0
                      WHEN u.search_key LIKE '%' || folded || '%' THEN 1
                      ELSE 2 END AS rank,
                 public.word_similarity(folded, u.search_key) AS sim
          FROM rdv.usagers u
          WHERE (u.search_key LIKE '%' || folded || '%'
                 -- A typo is looked for from 5 characters on: before, any
                 -- name starting like the query would be "similar".
                 OR (length(folded) >= 5 AND folded OPERATOR(public.<%) u.search_key))
            AND u.deleted_at IS NULL
            AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                        WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))) c
    ORDER BY c.rank, c.sim DESC, c.search_key, c.id
    LIMIT max_rows;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_search(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_search(text, integer) TO rdv_agent;
REVOKE ALL ON FUNCTION rdv.usager_in_organisations(integer, integer[]) FROM PUBLIC;

-- ------------------------------------------------------------------ probable duplicates

-- Pairs of usagers I see that are probably one person (reference R-30,
-- issue 5): same folded first and last names and same birth date; same
-- phone number; very similar names (trigram similarity ≥ 0.6) with the
-- same birth date, or one of them without a birth date. A usager and their
-- responsible are a family, not a duplicate. With for_usager: the
-- candidates of that usager (usager_a = for_usager); without: every pair,
-- usager_a < usager_b. reasons lists why, in French; most likely first.
CREATE FUNCTION rdv.usager_duplicates(for_usager integer DEFAULT NULL, max_rows integer DEFAULT 100)
RETURNS TABLE (usager_a integer, usager_b integer, reasons text, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, rdv
SET pg_trgm.similarity_threshold = 0.6 AS $$
DECLARE
    orgs integer[] := rdv.usager_organisation_ids();
BEGIN
    IF cardinality(orgs) = 0 THEN
        RETURN;
    END IF;
    IF for_usager IS NOT NULL THEN
        IF NOT rdv.usager_in_organisations(for_usager, orgs) THEN
            RETURN;
        END IF;
        RETURN QUERY
        WITH me AS (
            SELECT u.* FROM rdv.usagers u WHERE u.id = for_usager AND u.deleted_at IS NULL
        ), cand AS (
            SELECT o.id, 'identity' AS why
            FROM me JOIN rdv.usagers o ON o.birth_date = me.birth_date
            WHERE rdv.text_fold(o.first_name || ' ' || o.last_name)
                  = rdv.text_fold(me.first_name || ' ' || me.last_name)
            UNION ALL
            SELECT o.id, 'phone' FROM me JOIN rdv.usagers o
                ON o.phone_number_formatted = me.phone_number_formatted
            UNION ALL
            SELECT o.id, 'similar' FROM me JOIN rdv.usagers o
                ON o.search_key OPERATOR(public.%) me.search_key
            WHERE (o.birth_date = me.birth_date OR o.birth_date IS NULL OR me.birth_date IS NULL)
        ), pairs AS (
            SELECT c.id, array_agg(DISTINCT c.why) AS whys
            FROM cand c, me
            WHERE c.id <> me.id
            GROUP BY c.id
        )
        SELECT me.id, o.id, rdv.duplicate_reasons(p.whys),
               rdv.duplicate_score(p.whys, public.similarity(me.search_key, o.search_key))
        FROM pairs p JOIN rdv.usagers o ON o.id = p.id, me
        WHERE o.deleted_at IS NULL
          AND o.responsible_id IS DISTINCT FROM me.id AND me.responsible_id IS DISTINCT FROM o.id
          AND rdv.usager_in_organisations(o.id, orgs)
          AND ('similar' <> ALL (p.whys) OR cardinality(p.whys) > 1
               OR o.birth_date = me.birth_date OR o.birth_date IS NULL OR me.birth_date IS NULL)
        ORDER BY 4 DESC, o.search_key, o.id
        LIMIT max_rows;
        RETURN;
    END IF;
    RETURN QUERY
    WITH vis AS (
        SELECT u.id, u.birth_date, u.phone_number_formatted, u.search_key, u.responsible_id,
               rdv.text_fold(u.first_name || ' ' || u.last_name) AS ident
        FROM rdv.usagers u
        WHERE u.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM rdv.usager_profiles p
                      WHERE p.usager_id = u.id AND p.organisation_id = ANY (orgs))
    ), cand AS (
        SELECT a.id AS a, b.id AS b,
               CASE WHEN a.ident = b.ident THEN 'identity' ELSE 'similar' END AS why,
               public.similarity(a.search_key, b.search_key) AS sim
        FROM vis a JOIN vis b ON b.birth_date = a.birth_date AND b.id > a.id
        WHERE a.ident = b.ident OR public.similarity(a.search_key, b.search_key) >= 0.6
        UNION ALL
        SELECT a.id, b.id, 'phone', public.similarity(a.search_key, b.search_key)
        FROM vis a JOIN vis b ON b.phone_number_formatted = a.phone_number_formatted AND b.id > a.id
        WHERE a.responsible_id IS DISTINCT FROM b.id AND b.responsible_id IS DISTINCT FROM a.id
    ), pairs AS (
        SELECT c.a, c.b, array_agg(DISTINCT c.why) AS whys, max(c.sim) AS sim
        FROM cand c GROUP BY c.a, c.b
    )
    SELECT p.a, p.b, rdv.duplicate_reasons(p.whys), rdv.duplicate_score(p.whys, p.sim)
    FROM pairs p
    ORDER BY 4 DESC, p.a, p.b
    LIMIT max_rows;
END $$;

-- "mêmes nom, prénom et date de naissance · même téléphone".
CREATE FUNCTION rdv.duplicate_reasons(whys text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' · ',
        CASE WHEN 'identity' = ANY (whys) THEN 'mêmes nom, prénom et date de naissance' END,
        CASE WHEN 'phone' = ANY (whys) THEN 'même téléphone' END,
        CASE WHEN 'similar' = ANY (whys) AND NOT 'identity' = ANY (whys) THEN 'noms très proches' END)
$$;

-- Identity counts most, then the phone, then how close the names are.
CREATE FUNCTION rdv.duplicate_score(whys text[], sim real) RETURNS real
LANGUAGE sql IMMUTABLE AS $$
    SELECT (CASE WHEN 'identity' = ANY (whys) THEN 4 ELSE 0 END
          + CASE WHEN 'phone' = ANY (whys) THEN 2 ELSE 0 END
          + coalesce(sim, 0))::real
$$;
REVOKE ALL ON FUNCTION rdv.usager_duplicates(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_duplicates(integer, integer) TO rdv_agent;

-- ------------------------------------------------------------------ saving

-- Who already has this e-mail, in words the form can show: "Marie DUPONT
-- (fiche n° 42)" when I see that usager, else "un usager d'une autre
-- organisation" (the unique index already told that the address exists).
CREATE FUNCTION rdv.usager_email_owner(email text, except_id integer DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT CASE WHEN rdv.usager_visible(u.id)
                THEN format('%s %s (fiche n° %s)', u.first_name, upper(u.last_name), u.id)
                ELSE 'un usager d''une autre organisation' END
    FROM rdv.usagers u
    WHERE lower(u.email) = lower(btrim($1)) AND u.id IS DISTINCT FROM $2
    LIMIT 1
$$;
REVOKE ALL ON FUNCTION rdv.usager_email_owner(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_email_owner(text, integer) TO rdv_agent;

-- Create (usager_id NULL: in organisation_id, through rdv.usager_create) or
-- update a usager I see. Runs with my rights: row-level security decides.
-- The same rules as the form, so psql users get them too; a duplicate
-- e-mail fails on the unique index and the message names who has it.
CREATE FUNCTION rdv.usager_save(usager_id integer, organisation_id integer,
                                first_name text, last_name text, birth_name text,
                                birth_date date, email text, phone_number text,
                                address text, post_code text, city_name text, notes text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, rdv AS $$
DECLARE
    e text := nullif(btrim(usager_save.email), '');
    ph text := nullif(btrim(usager_save.phone_number), '');
    saved integer;
BEGIN
    IF nullif(btrim(usager_save.first_name), '') IS NULL OR nullif(btrim(usager_save.last_name), '') IS NULL THEN
        RAISE EXCEPTION 'le prénom et le nom sont obligatoires' USING ERRCODE = 'not_null_violation';
    END IF;
    IF e IS NOT NULL AND e !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
        RAISE EXCEPTION 'adresse e-mail invalide : %', e USING ERRCODE = 'check_violation';
    END IF;
    IF ph IS NOT NULL AND rdv.phone_e164(ph) IS NULL THEN
        RAISE EXCEPTION 'numéro de téléphone non reconnu (France ou outre-mer) : %', ph
            USING ERRCODE = 'check_violation';
    END IF;
    IF usager_save.birth_date > current_date THEN
        RAISE EXCEPTION 'la date de naissance est dans le futur' USING ERRCODE = 'check_violation';
    END IF;
    IF usager_save.birth_date < current_date - interval '130 years' THEN
        RAISE EXCEPTION 'la date de naissance est il y a plus de 130 ans' USING ERRCODE = 'check_violation';
    END IF;
    BEGIN
        IF usager_save.usager_id IS NULL THEN
            saved := rdv.usager_create(usager_save.organisation_id, btrim(usager_save.first_name),
                                       btrim(usager_save.last_name), nullif(btrim(usager_save.birth_name), ''),
                                       usager_save.birth_date, e, ph,
                                       nullif(btrim(usager_save.address), ''),
                                       nullif(btrim(usager_save.post_code), ''),
                                       nullif(btrim(usager_save.city_name), ''),
                                       nullif(btrim(usager_save.notes), ''));
        ELSE
            UPDATE rdv.usagers u
            SET first_name = btrim(usager_save.first_name), last_name = btrim(usager_save.last_name),
                birth_name = nullif(btrim(usager_save.birth_name), ''), birth_date = usager_save.birth_date,
                email = e, phone_number = ph, address = nullif(btrim(usager_save.address), ''),
                post_code = nullif(btrim(usager_save.post_code), ''),
                city_name = nullif(btrim(usager_save.city_name), ''),
                notes = nullif(btrim(usager_save.notes), ''), updated_at = now()
            WHERE u.id = usager_save.usager_id AND u.deleted_at IS NULL
            RETURNING u.id INTO saved;
            IF saved IS NULL THEN
                RAISE EXCEPTION 'usager n° % introuvable dans vos organisations', usager_save.usager_id
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        END IF;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'l''adresse e-mail % est déjà celle de %', e,
            coalesce(rdv.usager_email_owner(e, usager_save.usager_id), 'un autre usager')
            USING ERRCODE = 'unique_violation';
    END;
    RETURN saved;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_save(integer, integer, text, text, text, date, text, text, text,
    text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_save(integer, integer, text, text, text, date, text, text, text,
    text, text, text) TO rdv_agent;

-- ------------------------------------------------------------------ merging

-- A usager as it is, with what hangs off it: the snapshot kept in
-- usager_merges.
CREATE FUNCTION rdv.usager_snapshot(usager_id integer) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
    SELECT to_jsonb(u) - 'search_key' || jsonb_build_object(
        'organisation_ids', (SELECT coalesce(jsonb_agg(p.organisation_id ORDER BY p.organisation_id), '[]')
                             FROM rdv.usager_profiles p WHERE p.usager_id = u.id),
        'referent_agent_ids', (SELECT coalesce(jsonb_agg(r.agent_id ORDER BY r.agent_id), '[]')
                               FROM rdv.referent_assignations r WHERE r.usager_id = u.id),
        'relative_ids', (SELECT coalesce(jsonb_agg(c.id ORDER BY c.id), '[]')
                         FROM rdv.usagers c WHERE c.responsible_id = u.id),
        'participations', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', pa.id, 'rdv_id', pa.rdv_id,
                                                                         'status', pa.status)
                                                     ORDER BY pa.id), '[]')
                           FROM rdv.participations pa WHERE pa.usager_id = u.id))
    FROM rdv.usagers u WHERE u.id = $1
$$;
REVOKE ALL ON FUNCTION rdv.usager_snapshot(integer) FROM PUBLIC;

-- Merge two usagers I see into one (reference §4, issue 5), in one
-- transaction.
--
-- choices: for each field, the side (1 or 2) whose value is kept, e.g.
-- '{"email": 2, "first_name": 1, "phone_number": 2}'; a missing field keeps
-- the survivor's value. Fields: email, first_name, last_name, birth_name,
-- birth_date, phone_number, address (with address_details, post_code and
-- city_name, so the city stays with its street), notes, responsible_id.
-- When either usager is a relative only first_name, last_name, birth_date
-- and responsible_id are merged (M-03).
--
-- Who survives (M-04): usager 1 when usager 2 is a relative; usager 2 when
-- usager 1 is a relative and usager 2 is a responsible; otherwise the side
-- chosen on the e-mail row (1 by default): uniqueness rests on the e-mail,
-- and the survivor keeps its own (a relative rule only applies when one of
-- them is a relative, and then the e-mail is not merged).
--
-- Then: the survivor takes the chosen values; every participation of the
-- other usager moves to it, except in an rdv where the survivor already is
-- (that one is dropped); the other's relatives get it as responsible; its
-- organisation profiles and referent agents move (without duplicates); the
-- other usager is deleted; usager_merges keeps a snapshot of both as they
-- were, the choices, who merged and when. Returns the survivor's id.
CREATE FUNCTION rdv.usager_merge(usager_1 integer, usager_2 integer, choices jsonb DEFAULT '{}',
                                 organisation_id integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    me integer := rdv.current_agent_id();
    org integer := usager_merge.organisation_id;
    u1 rdv.usagers;
    u2 rdv.usagers;
    t rdv.usagers;   -- survivor ("target")
    s rdv.usagers;   -- removed ("source")
    t_side integer;
    k text;
    v jsonb;
    relatives boolean;
    allowed text[];
    t_before jsonb;
    s_before jsonb;
    n integer;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'vous n''êtes pas un agent connecté' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF org IS NULL THEN
        org := (SELECT min(x) FROM unnest(rdv.my_organisation_ids()) x);
    END IF;
    IF org IS NULL OR NOT (org = ANY (rdv.my_organisation_ids())) THEN
        RAISE EXCEPTION 'vous n''appartenez pas à cette organisation' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF usager_1 IS NULL OR usager_2 IS NULL OR usager_1 = usager_2 THEN
        RAISE EXCEPTION 'choisissez deux usagers différents' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Lock both rows, always in the same order, so that two desks merging
    -- the same usagers wait for each other instead of deadlocking.
    PERFORM 1 FROM rdv.usagers u WHERE u.id IN (usager_1, usager_2) ORDER BY u.id FOR UPDATE;
    SELECT * INTO u1 FROM rdv.usagers u WHERE u.id = usager_1 AND u.deleted_at IS NULL;
    SELECT * INTO u2 FROM rdv.usagers u WHERE u.id = usager_2 AND u.deleted_at IS NULL;
    IF u1.id IS NULL OR NOT rdv.usager_visible(u1.id) THEN
        RAISE EXCEPTION 'usager n° % introuvable dans vos organisations', usager_1
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF u2.id IS NULL OR NOT rdv.usager_visible(u2.id) THEN
        RAISE EXCEPTION 'usager n° % introuvable dans vos organisations', usager_2
            USING ERRCODE = 'insufficient_privilege';
    END IF;

    choices := coalesce(choices, '{}');
    IF jsonb_typeof(choices) <> 'object' THEN
        RAISE EXCEPTION 'choix de fusion invalide' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(choices) LOOP
        IF k NOT IN ('email', 'first_name', 'last_name', 'birth_name', 'birth_date', 'phone_number',
                     'address', 'notes', 'responsible_id') THEN
            RAISE EXCEPTION 'champ de fusion inconnu : %', k USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF v::text NOT IN ('1', '2', '"1"', '"2"') THEN
            RAISE EXCEPTION 'côté de fusion invalide pour % : % (1 ou 2)', k, v
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;

    -- M-04.
    IF u2.responsible_id IS NOT NULL THEN
        t_side := 1;
    ELSIF u1.responsible_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM rdv.usagers c WHERE c.responsible_id = u2.id) THEN
        t_side := 2;
    ELSE
        t_side := coalesce((choices->>'email')::integer, 1);
    END IF;
    IF t_side = 1 THEN
        t := u1; s := u2;
    ELSE
        t := u2; s := u1;
    END IF;

    t_before := rdv.usager_snapshot(t.id);
    s_before := rdv.usager_snapshot(s.id);

    -- M-03, M-05: the survivor takes the values chosen from the other side.
    relatives := u1.responsible_id IS NOT NULL OR u2.responsible_id IS NOT NULL;
    allowed := CASE WHEN relatives
                    THEN ARRAY['first_name', 'last_name', 'birth_date', 'responsible_id']
                    ELSE ARRAY['email', 'first_name', 'last_name', 'birth_name', 'birth_date',
                               'phone_number', 'address', 'notes', 'responsible_id'] END;
    FOREACH k IN ARRAY allowed LOOP
        IF coalesce((choices->>k)::integer, t_side) = t_side THEN
            CONTINUE;
        END IF;
        CASE k
        WHEN 'email' THEN NULL;  -- decided who survives
        WHEN 'first_name' THEN t.first_name := s.first_name;
        WHEN 'last_name' THEN t.last_name := s.last_name;
        WHEN 'birth_name' THEN t.birth_name := s.birth_name;
        WHEN 'birth_date' THEN t.birth_date := s.birth_date;
        WHEN 'phone_number' THEN
            t.phone_number := s.phone_number;
        WHEN 'address' THEN
            t.address := s.address; t.address_details := s.address_details;
            t.post_code := s.post_code; t.city_name := s.city_name;
        WHEN 'notes' THEN t.notes := s.notes;
        WHEN 'responsible_id' THEN t.responsible_id := s.responsible_id;
        END CASE;
    END LOOP;
    -- Never one's own responsible, nor the responsible of the one removed.
    IF t.responsible_id = t.id OR t.responsible_id = s.id THEN
        t.responsible_id := NULL;
    END IF;
    UPDATE rdv.usagers u
    SET first_name = t.first_name, last_name = t.last_name, birth_name = t.birth_name,
        birth_date = t.birth_date, phone_number = t.phone_number, address = t.address,
        address_details = t.address_details, post_code = t.post_code, city_name = t.city_name,
        notes = t.notes, responsible_id = t.responsible_id, updated_at = now()
    WHERE u.id = t.id;

    -- M-08: participations; one in an rdv where the survivor already is goes.
    DELETE FROM rdv.participations p
    WHERE p.usager_id = s.id
      AND EXISTS (SELECT 1 FROM rdv.participations q WHERE q.rdv_id = p.rdv_id AND q.usager_id = t.id);
    UPDATE rdv.participations p SET usager_id = t.id WHERE p.usager_id = s.id;

    -- M-09: relatives.
    UPDATE rdv.usagers u SET responsible_id = t.id, updated_at = now()
    WHERE u.responsible_id = s.id AND u.id <> t.id;

    -- M-07, M-11: organisation profiles and referents, without duplicates.
    INSERT INTO rdv.usager_profiles (organisation_id, usager_id)
    SELECT p.organisation_id, t.id FROM rdv.usager_profiles p WHERE p.usager_id = s.id
    ON CONFLICT DO NOTHING;
    INSERT INTO rdv.referent_assignations (usager_id, agent_id)
    SELECT t.id, r.agent_id FROM rdv.referent_assignations r WHERE r.usager_id = s.id
    ON CONFLICT DO NOTHING;

    -- M-12: the other usager goes (its profiles and referents with it).
    DELETE FROM rdv.usagers u WHERE u.id = s.id;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 1 THEN
        RAISE EXCEPTION 'l''usager n° % n''a pas pu être supprimé', s.id;
    END IF;

    INSERT INTO rdv.usager_merges (organisation_id, merged_by_agent_id, survivor_id, removed_id,
                                   survivor_before, removed_before, choices)
    VALUES (org, me, t.id, s.id, t_before, s_before,
            choices || jsonb_build_object('survivor', t_side, 'usager_1', usager_1,
                                          'usager_2', usager_2));
    RETURN t.id;
END $$;
REVOKE ALL ON FUNCTION rdv.usager_merge(integer, integer, jsonb, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdv.usager_merge(integer, integer, jsonb, integer) TO rdv_agent;
