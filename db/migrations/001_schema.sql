-- 001_schema: tables, types, invariants.
--
-- Everything lives in schema "rdv". Row-level security, grants and the
-- helper functions that policies use are in 002_security.sql; audit and
-- change-feed triggers in 003_audit.sql.
--
-- Times: rdvs are timestamptz. Plages and absences are wall-clock (date +
-- time + RRULE text) in the territory's time zone.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE SCHEMA rdv;

-- ------------------------------------------------------------------ types

CREATE TYPE rdv.access_level AS ENUM ('admin', 'basic', 'intervenant');
CREATE TYPE rdv.rdv_status AS ENUM ('unknown', 'seen', 'excused', 'revoked', 'noshow');
CREATE TYPE rdv.location_type AS ENUM ('public_office', 'home', 'phone', 'visio');
CREATE TYPE rdv.rdv_notification_level AS ENUM ('all', 'others', 'soon', 'none');
CREATE TYPE rdv.item_notification_level AS ENUM ('all', 'none');
CREATE TYPE rdv.lieu_availability AS ENUM ('enabled', 'disabled', 'single_use');
CREATE TYPE rdv.bookable_by AS ENUM ('agents', 'agents_and_prescripteurs',
    'agents_and_prescripteurs_and_invited_users', 'everyone');
CREATE TYPE rdv.created_by AS ENUM ('agent', 'usager', 'prescripteur', 'file_attente');
CREATE TYPE rdv.export_format AS ENUM ('xlsx', 'pdf');
CREATE TYPE rdv.export_status AS ENUM ('pending', 'available', 'failed');

-- ------------------------------------------------------------------ checks used by constraints

-- The RRULE subset of spec/slots.md §5, and first_day being an occurrence.
-- Returns NULL when valid, else a French message naming the problem.
CREATE FUNCTION rdv.rrule_error(rule text, first_day date) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    part text;
    key text;
    val text;
    freq text;
    byday text;
    interval_ int := 1;
    until_ date;
    d text;
    days text[] := ARRAY['MO','TU','WE','TH','FR','SA','SU'];
    wd int;
    nth int;
BEGIN
    IF rule IS NULL OR rule = '' THEN
        RETURN NULL;
    END IF;
    FOREACH part IN ARRAY string_to_array(rule, ';') LOOP
        IF position('=' in part) = 0 THEN
            RETURN format('élément « %s » invalide', part);
        END IF;
        key := split_part(part, '=', 1);
        val := substr(part, length(key) + 2);
        CASE key
        WHEN 'FREQ' THEN
            IF val NOT IN ('WEEKLY', 'MONTHLY') THEN
                RETURN format('FREQ=%s n''est pas pris en charge (WEEKLY ou MONTHLY)', val);
            END IF;
            freq := val;
        WHEN 'INTERVAL' THEN
            IF val !~ '^[1-5]$' THEN
                RETURN format('INTERVAL=%s hors de 1..5', val);
            END IF;
            interval_ := val::int;
        WHEN 'BYDAY' THEN
            byday := val;
        WHEN 'UNTIL' THEN
            IF val !~ '^[0-9]{8}$' THEN
                RETURN format('UNTIL=%s : date AAAAMMJJ attendue', val);
            END IF;
            BEGIN
                until_ := to_date(val, 'YYYYMMDD');
                IF to_char(until_, 'YYYYMMDD') <> val THEN
                    RETURN format('UNTIL=%s : date invalide', val);
                END IF;
            EXCEPTION WHEN others THEN
                RETURN format('UNTIL=%s : date invalide', val);
            END;
        ELSE
            RETURN format('%s n''est pas pris en charge', key);
        END CASE;
    END LOOP;
    IF freq IS NULL THEN
        RETURN 'FREQ manquant';
    END IF;
    IF until_ IS NOT NULL AND until_ < first_day THEN
        RETURN 'UNTIL est avant le premier jour';
    END IF;
    wd := extract(isodow FROM first_day)::int;  -- 1 = Monday
    IF freq = 'WEEKLY' THEN
        IF byday IS NOT NULL THEN
            IF byday !~ '^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$' THEN
                RETURN format('BYDAY=%s invalide', byday);
            END IF;
            IF NOT (days[wd] = ANY (string_to_array(byday, ','))) THEN
                RETURN 'le premier jour ne correspond pas à BYDAY';
            END IF;
        END IF;
    ELSE
        IF byday IS NULL OR byday !~ '^[1-5](MO|TU|WE|TH|FR|SA|SU)$' THEN
            RETURN format('BYDAY=%s invalide pour MONTHLY (nJJ attendu, ex. 2WE)', coalesce(byday, ''));
        END IF;
        nth := substr(byday, 1, 1)::int;
        d := substr(byday, 2);
        IF d <> days[wd] OR (extract(day FROM first_day)::int - 1) / 7 + 1 <> nth THEN
            RETURN 'le premier jour ne correspond pas à BYDAY';
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- The last occurrence date of a rule (UNTIL), NULL when it repeats forever
-- or when there is no rule (then the caller uses the first/last day).
CREATE FUNCTION rdv.rrule_until(rule text) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_date(substring(rule FROM 'UNTIL=([0-9]{8})'), 'YYYYMMDD')
$$;

CREATE FUNCTION rdv.valid_time_zone(name text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE pg_timezone_names.name = $1)
$$;

-- ------------------------------------------------------------------ organisation structure

CREATE TABLE rdv.territories (
    id serial PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    departement_number varchar(3) NOT NULL DEFAULT '',
    time_zone text NOT NULL DEFAULT 'Europe/Paris',
    holiday_zone text NOT NULL DEFAULT 'metropole' CHECK (holiday_zone IN (
        'metropole', 'alsace-moselle', 'guadeloupe', 'guyane', 'la-reunion', 'martinique',
        'mayotte', 'nouvelle-caledonie', 'polynesie-francaise', 'saint-barthelemy',
        'saint-martin', 'saint-pierre-et-miquelon', 'wallis-et-futuna')),
    visible_users_throughout_the_territory boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rdv.organisations (
    id serial PRIMARY KEY,
    territory_id integer NOT NULL REFERENCES rdv.territories,
    name text NOT NULL CHECK (btrim(name) <> ''),
    phone_number text,
    email text,
    horaires text,
    open_on_whit_monday boolean NOT NULL DEFAULT false,
    open_on_holidays boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (territory_id, name)
);

CREATE TABLE rdv.services (
    id serial PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    short_name text NOT NULL CHECK (btrim(short_name) <> '')
);
CREATE UNIQUE INDEX services_name_key ON rdv.services (lower(name));
CREATE UNIQUE INDEX services_short_name_key ON rdv.services (lower(short_name));

CREATE TABLE rdv.lieux (
    id serial PRIMARY KEY,
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    name text NOT NULL CHECK (btrim(name) <> ''),
    address text NOT NULL CHECK (btrim(address) <> ''),
    phone_number text,
    availability rdv.lieu_availability NOT NULL DEFAULT 'enabled',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lieux_organisation_idx ON rdv.lieux (organisation_id);

CREATE TABLE rdv.motifs (
    id serial PRIMARY KEY,
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    service_id integer NOT NULL REFERENCES rdv.services,
    name text NOT NULL CHECK (btrim(name) <> ''),
    color text NOT NULL DEFAULT '#1f77b4' CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
    default_duration_in_min integer NOT NULL DEFAULT 30
        CHECK (default_duration_in_min > 0 AND default_duration_in_min <= 1440),
    location_type rdv.location_type NOT NULL DEFAULT 'public_office',
    -- Booking delays for usagers, in minutes (spec/slots.md §2).
    min_booking_delay_min integer NOT NULL DEFAULT 30 CHECK (min_booking_delay_min >= 0),
    max_booking_delay_min integer NOT NULL DEFAULT 129600,
    bookable_by rdv.bookable_by NOT NULL DEFAULT 'agents',
    collectif boolean NOT NULL DEFAULT false,
    for_secretariat boolean NOT NULL DEFAULT false,
    follow_up boolean NOT NULL DEFAULT false,
    instruction_for_rdv text,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (max_booking_delay_min > min_booking_delay_min),
    CHECK (NOT (for_secretariat AND follow_up)),
    CHECK (NOT collectif OR location_type = 'public_office')
);
CREATE UNIQUE INDEX motifs_name_key ON rdv.motifs
    (organisation_id, location_type, service_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX motifs_organisation_idx ON rdv.motifs (organisation_id);

-- ------------------------------------------------------------------ agents

CREATE TABLE rdv.agents (
    id serial PRIMARY KEY,
    first_name text,
    last_name text NOT NULL CHECK (btrim(last_name) <> ''),
    email text,
    -- The PostgreSQL role this agent logs in as (NULL: an intervenant, no login).
    db_role name UNIQUE,
    rdv_notifications_level rdv.rdv_notification_level NOT NULL DEFAULT 'others',
    plage_ouverture_notification_level rdv.item_notification_level NOT NULL DEFAULT 'all',
    absence_notification_level rdv.item_notification_level NOT NULL DEFAULT 'all',
    display_saturdays boolean NOT NULL DEFAULT false,
    display_cancelled_rdv boolean NOT NULL DEFAULT true,
    theme text,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')
);
CREATE UNIQUE INDEX agents_email_key ON rdv.agents (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE rdv.agent_roles (
    id serial PRIMARY KEY,
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    access_level rdv.access_level NOT NULL DEFAULT 'basic',
    UNIQUE (organisation_id, agent_id)
);
CREATE INDEX agent_roles_agent_idx ON rdv.agent_roles (agent_id);

CREATE TABLE rdv.agent_services (
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    service_id integer NOT NULL REFERENCES rdv.services,
    PRIMARY KEY (agent_id, service_id)
);
CREATE INDEX agent_services_service_idx ON rdv.agent_services (service_id);

-- ------------------------------------------------------------------ plages and absences

CREATE TABLE rdv.plages_ouverture (
    id serial PRIMARY KEY,
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    lieu_id integer REFERENCES rdv.lieux,
    title text NOT NULL CHECK (btrim(title) <> ''),
    first_day date NOT NULL,
    start_time time NOT NULL,
    end_time time NOT NULL,
    rrule text,
    -- Last occurrence date (UNTIL, or first_day without a rule); NULL = forever.
    last_day date GENERATED ALWAYS AS (
        CASE WHEN rrule IS NULL OR rrule = '' THEN first_day ELSE rdv.rrule_until(rrule) END
    ) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (end_time > start_time),
    CONSTRAINT plages_rrule_check CHECK (rdv.rrule_error(rrule, first_day) IS NULL)
);
CREATE INDEX plages_agent_idx ON rdv.plages_ouverture (agent_id, first_day);
CREATE INDEX plages_organisation_idx ON rdv.plages_ouverture (organisation_id);
CREATE INDEX plages_range_idx ON rdv.plages_ouverture
    USING gist (daterange(first_day, last_day, '[]'));

CREATE TABLE rdv.plage_motifs (
    plage_id integer NOT NULL REFERENCES rdv.plages_ouverture ON DELETE CASCADE,
    motif_id integer NOT NULL REFERENCES rdv.motifs,
    PRIMARY KEY (plage_id, motif_id)
);
CREATE INDEX plage_motifs_motif_idx ON rdv.plage_motifs (motif_id);

-- An absence ("indisponibilité") belongs to the agent, not to an organisation:
-- it blocks the agent everywhere.
CREATE TABLE rdv.absences (
    id serial PRIMARY KEY,
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    title text NOT NULL CHECK (btrim(title) <> ''),
    first_day date NOT NULL,
    start_time time NOT NULL,
    end_day date NOT NULL,
    end_time time NOT NULL,
    rrule text,
    last_day date GENERATED ALWAYS AS (
        CASE WHEN rrule IS NULL OR rrule = '' THEN end_day ELSE rdv.rrule_until(rrule) END
    ) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((first_day + start_time) < (end_day + end_time)),
    CHECK (rrule IS NULL OR rrule = '' OR end_day = first_day),
    CONSTRAINT absences_rrule_check CHECK (rdv.rrule_error(rrule, first_day) IS NULL)
);
CREATE INDEX absences_agent_idx ON rdv.absences (agent_id, first_day);

-- ------------------------------------------------------------------ usagers

CREATE TABLE rdv.usagers (
    id serial PRIMARY KEY,
    first_name text NOT NULL CHECK (btrim(first_name) <> ''),
    last_name text NOT NULL CHECK (btrim(last_name) <> ''),
    birth_name text,
    birth_date date,
    email text,
    phone_number text,
    -- E.164, filled by the data-access layer / trigger (+33612345678).
    phone_number_formatted text CHECK (phone_number_formatted IS NULL
        OR phone_number_formatted ~ '^\+[1-9][0-9]{6,14}$'),
    address text,
    address_details text,
    post_code text,
    city_name text,
    notes text,
    responsible_id integer REFERENCES rdv.usagers ON DELETE SET NULL,
    notify_by_email boolean NOT NULL DEFAULT true,
    notify_by_sms boolean NOT NULL DEFAULT true,
    created_by_agent_id integer REFERENCES rdv.agents ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CHECK (responsible_id IS NULL OR responsible_id <> id),
    CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CHECK (birth_date IS NULL OR birth_date >= date '1850-01-01')
);
CREATE UNIQUE INDEX usagers_email_key ON rdv.usagers (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX usagers_phone_idx ON rdv.usagers (phone_number_formatted);
CREATE INDEX usagers_responsible_idx ON rdv.usagers (responsible_id);
CREATE INDEX usagers_birth_date_idx ON rdv.usagers (birth_date);

-- "This usager belongs to this organisation."
CREATE TABLE rdv.usager_profiles (
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    usager_id integer NOT NULL REFERENCES rdv.usagers ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, usager_id)
);
CREATE INDEX usager_profiles_usager_idx ON rdv.usager_profiles (usager_id);

CREATE TABLE rdv.referent_assignations (
    usager_id integer NOT NULL REFERENCES rdv.usagers ON DELETE CASCADE,
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    PRIMARY KEY (usager_id, agent_id)
);

-- ------------------------------------------------------------------ rdvs

CREATE TABLE rdv.rdvs (
    id serial PRIMARY KEY,
    uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    motif_id integer NOT NULL REFERENCES rdv.motifs,
    lieu_id integer REFERENCES rdv.lieux,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    status rdv.rdv_status NOT NULL DEFAULT 'unknown',
    cancelled_at timestamptz,
    context text,
    name text,
    max_participants_count integer CHECK (max_participants_count IS NULL OR max_participants_count > 0),
    users_count integer NOT NULL DEFAULT 0,
    created_by rdv.created_by NOT NULL DEFAULT 'agent',
    created_by_agent_id integer REFERENCES rdv.agents ON DELETE SET NULL,
    -- Set when the booking agent confirmed "en ignorant les avertissements":
    -- this rdv may overlap another of the same agent.
    overlap_acknowledged boolean NOT NULL DEFAULT false,
    -- Cache of rdv_agents.agent_id, maintained by trigger; row-level security
    -- reads it (a policy on rdvs cannot read rdv_agents without recursion).
    agent_ids integer[] NOT NULL DEFAULT '{}',
    -- iCalendar SEQUENCE: incremented on every notified change.
    sequence integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX rdvs_organisation_starts_idx ON rdv.rdvs (organisation_id, starts_at);
CREATE INDEX rdvs_starts_idx ON rdv.rdvs (starts_at);
CREATE INDEX rdvs_motif_idx ON rdv.rdvs (motif_id);
CREATE INDEX rdvs_agent_ids_idx ON rdv.rdvs USING gin (agent_ids);

-- One row per (rdv, agent). "during" and "active" copy the rdv's time and
-- status so that the exclusion constraint can live here: no two
-- non-cancelled rdvs of one agent overlap unless the later booking
-- acknowledged the overlap.
CREATE TABLE rdv.rdv_agents (
    rdv_id integer NOT NULL REFERENCES rdv.rdvs ON DELETE CASCADE,
    agent_id integer NOT NULL REFERENCES rdv.agents,
    during tstzrange NOT NULL,
    active boolean NOT NULL DEFAULT true,
    overlap_acknowledged boolean NOT NULL DEFAULT false,
    PRIMARY KEY (rdv_id, agent_id),
    CONSTRAINT rdv_agents_no_overlap EXCLUDE USING gist (agent_id WITH =, during WITH &&)
        WHERE (active AND NOT overlap_acknowledged)
);
CREATE INDEX rdv_agents_agent_during_idx ON rdv.rdv_agents USING gist (agent_id, during);

CREATE TABLE rdv.participations (
    id serial PRIMARY KEY,
    rdv_id integer NOT NULL REFERENCES rdv.rdvs ON DELETE CASCADE,
    usager_id integer NOT NULL REFERENCES rdv.usagers,
    status rdv.rdv_status NOT NULL DEFAULT 'unknown',
    send_lifecycle_notifications boolean NOT NULL DEFAULT true,
    send_reminder_notification boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (rdv_id, usager_id)
);
CREATE INDEX participations_usager_idx ON rdv.participations (usager_id);

-- Fill rdv_agents.during/active/overlap_acknowledged from the rdv.
CREATE FUNCTION rdv.rdv_agents_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    r rdv.rdvs;
BEGIN
    SELECT * INTO r FROM rdv.rdvs WHERE id = NEW.rdv_id;
    NEW.during := tstzrange(r.starts_at, r.ends_at, '[)');
    NEW.active := r.status IN ('unknown', 'seen', 'noshow');
    NEW.overlap_acknowledged := r.overlap_acknowledged;
    RETURN NEW;
END $$;
CREATE TRIGGER rdv_agents_fill BEFORE INSERT OR UPDATE ON rdv.rdv_agents
    FOR EACH ROW EXECUTE FUNCTION rdv.rdv_agents_fill();

-- Keep rdvs.agent_ids equal to the set of rdv_agents rows.
CREATE FUNCTION rdv.rdv_agent_ids_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    rid integer;
BEGIN
    FOR rid IN SELECT DISTINCT x FROM unnest(ARRAY[
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.rdv_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.rdv_id END]) AS x WHERE x IS NOT NULL
    LOOP
        UPDATE rdv.rdvs SET agent_ids = coalesce((
            SELECT array_agg(agent_id ORDER BY agent_id) FROM rdv.rdv_agents WHERE rdv_id = rid), '{}')
        WHERE id = rid;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER rdv_agent_ids_sync AFTER INSERT OR UPDATE OF agent_id, rdv_id OR DELETE
    ON rdv.rdv_agents FOR EACH ROW EXECUTE FUNCTION rdv.rdv_agent_ids_sync();

-- When an rdv's time, status or acknowledgement changes, copy it to its
-- rdv_agents rows (the exclusion constraint re-checks them).
CREATE FUNCTION rdv.rdvs_propagate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
BEGIN
    UPDATE rdv.rdv_agents SET during = tstzrange(NEW.starts_at, NEW.ends_at, '[)')
        WHERE rdv_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER rdvs_propagate AFTER UPDATE OF starts_at, ends_at, status, overlap_acknowledged
    ON rdv.rdvs FOR EACH ROW EXECUTE FUNCTION rdv.rdvs_propagate();

-- cancelled_at and updated_at follow the status (reference R-04: noshow
-- sets cancelled_at although it is not a cancellation).
CREATE FUNCTION rdv.rdvs_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.cancelled_at := CASE WHEN NEW.status IN ('excused', 'revoked', 'noshow')
                                 THEN coalesce(NEW.cancelled_at, now()) END;
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER rdvs_before_write BEFORE INSERT OR UPDATE ON rdv.rdvs
    FOR EACH ROW EXECUTE FUNCTION rdv.rdvs_before_write();

-- rdvs.users_count = number of non-cancelled participations.
CREATE FUNCTION rdv.participations_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rdv AS $$
DECLARE
    rid integer;
BEGIN
    FOR rid IN SELECT DISTINCT x FROM unnest(ARRAY[
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.rdv_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.rdv_id END]) AS x WHERE x IS NOT NULL
    LOOP
        UPDATE rdv.rdvs SET users_count = (
            SELECT count(*) FROM rdv.participations
            WHERE rdv_id = rid AND status NOT IN ('excused', 'revoked'))
        WHERE id = rid;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER participations_count AFTER INSERT OR UPDATE OR DELETE
    ON rdv.participations FOR EACH ROW EXECUTE FUNCTION rdv.participations_count();

-- ------------------------------------------------------------------ merges, exports, outbox, audit

CREATE TABLE rdv.usager_merges (
    id serial PRIMARY KEY,
    organisation_id integer NOT NULL REFERENCES rdv.organisations,
    merged_by_agent_id integer REFERENCES rdv.agents ON DELETE SET NULL,
    survivor_id integer REFERENCES rdv.usagers ON DELETE SET NULL,
    removed_id integer,
    survivor_before jsonb NOT NULL,
    removed_before jsonb NOT NULL,
    choices jsonb NOT NULL DEFAULT '{}',
    merged_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rdv.exports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    format rdv.export_format NOT NULL,
    file_name text NOT NULL,
    filters jsonb NOT NULL DEFAULT '{}',
    organisation_ids integer[] NOT NULL DEFAULT '{}',
    status rdv.export_status NOT NULL DEFAULT 'pending',
    row_count integer,
    size_bytes bigint,
    content bytea,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    computed_at timestamptz,
    expires_at timestamptz NOT NULL DEFAULT now() + interval '14 days'
);
CREATE INDEX exports_agent_idx ON rdv.exports (agent_id, created_at);

-- Written by triggers in the same transaction as the change; drained by
-- `rdv notify`.
CREATE TABLE rdv.notification_outbox (
    id bigserial PRIMARY KEY,
    agent_id integer NOT NULL REFERENCES rdv.agents ON DELETE CASCADE,
    event text NOT NULL CHECK (event IN ('rdv_created', 'rdv_updated', 'rdv_cancelled',
        'plage_created', 'plage_updated', 'plage_deleted',
        'absence_created', 'absence_updated', 'absence_deleted')),
    object_type text NOT NULL CHECK (object_type IN ('rdv', 'plage', 'absence')),
    object_id integer NOT NULL,
    -- What the mail needs, frozen at the time of the change.
    payload jsonb NOT NULL DEFAULT '{}',
    author_agent_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    last_error text
);
CREATE INDEX notification_outbox_pending_idx ON rdv.notification_outbox (next_attempt_at)
    WHERE sent_at IS NULL;

CREATE TABLE rdv.audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    agent_id integer,
    db_role name NOT NULL DEFAULT session_user,
    table_name text NOT NULL,
    row_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
    old_values jsonb,
    new_values jsonb
);
CREATE INDEX audit_log_row_idx ON rdv.audit_log (table_name, row_id);
