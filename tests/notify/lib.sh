# Shared by the notification tests: a throwaway cluster with the demo data,
# a real SMTP server (Debian's aiosmtpd, Maildir handler) on a free loopback
# port, the rdv binary, and helpers to read the mails back.
#
# Source after tests/lib/cluster.sh and tests/lib/tap.sh.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
ICS_CHECK="$top_builddir/tests/notify/ics_check"
PY=/usr/bin/python3
SMTP_PID=
WORKER_PID=

# Stop what we started, then the cluster (registered by cluster_start).
notify_cleanup() {
	[ -n "$WORKER_PID" ] && kill -KILL "$WORKER_PID" 2>/dev/null
	[ -n "$SMTP_PID" ] && { kill -CONT "$SMTP_PID" 2>/dev/null; kill "$SMTP_PID" 2>/dev/null; }
	cluster_stop
}

# Cluster, migrations, demo data; the notifier login; a private config dir.
notify_setup() {
	cluster_start
	trap 'notify_cleanup' EXIT
	"$RDV" db seed demo >"$CLUSTER_DIR/seed.log" 2>&1 || {
		echo "Bail out! rdv db seed demo failed: $(tail -3 "$CLUSTER_DIR/seed.log")"; exit 1; }
	sql -c "CREATE ROLE notifier LOGIN IN ROLE rdv_notifier" >/dev/null
	# The agents' tests count the agents' mails: the usagers of the demo are
	# told nothing unless a test (usager_e2e.sh) turns it on for one of them.
	sql -c "UPDATE rdv.usagers SET notify_by_email = false, notify_by_sms = false" >/dev/null
	T="$CLUSTER_DIR/notify"
	mkdir -p "$T/config/rdv"
	export XDG_CONFIG_HOME="$T/config"
	unset RDV_SMTP_URL RDV_SMTP_USER RDV_SMTP_PASSWORD RDV_SMTP_FROM RDV_SMTP_STARTTLS RDV_SMTP_TIMEOUT
	SMTP_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	MAILDIR="$T/maildir"
	export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
}

# Start aiosmtpd on $SMTP_PORT storing into $MAILDIR; wait for the port.
smtp_start() {
	$PY -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" \
		>>"$T/smtpd.log" 2>&1 &
	SMTP_PID=$!
	$PY -c 'import socket, sys, time
for _ in range(400):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.025)
sys.exit(1)' "$SMTP_PORT" && return 0
	echo "Bail out! aiosmtpd did not start: $(tail -3 "$T/smtpd.log")"
	exit 1
}

smtp_stop() {
	kill "$SMTP_PID" 2>/dev/null
	wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}

# Number of mails stored.
mail_count() {
	ls "$MAILDIR/new" 2>/dev/null | wc -l
}

# Put the stored mails aside (the server keeps its Maildir open).
mail_reset() {
	mkdir -p "$T/archive"
	for f in "$MAILDIR"/new/*; do
		[ -e "$f" ] && mv "$f" "$T/archive/"
	done
	return 0
}

# Wait until at least N mails are stored (up to ~30 s); false otherwise.
mail_wait() {
	for _ in $(seq 600); do
		[ "$(mail_count)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# Decode the mails: one line per mail (see mailparts.py), parts under $T/out.
mails() {
	rm -rf "$T/out"
	$PY "$top_srcdir/tests/notify/mailparts.py" "$MAILDIR" "$T/out"
}

# psql as an agent's own login role (the triggers see current_agent_id()).
as_agent() {
	login=$1
	shift
	PGUSER=$login psql -X -q -v ON_ERROR_STOP=1 -t -A "$@"
}

# The worker as the notifier role, SMTP settings from the environment.
notify_once() {
	PGUSER=notifier RDV_SMTP_URL="$SMTP_URL" RDV_SMTP_FROM=rdv@drome.example.fr \
		"$RDV" notify --once "$@"
}

# Paris calendar day of the database's clock, plus N days: YYYY-MM-DD.
paris_day() {
	sql -c "SELECT ((now() AT TIME ZONE 'Europe/Paris')::date + ${1:-0})::text"
}

# "jeudi 4 décembre 2026" for a YYYY-MM-DD, computed by PostgreSQL (an
# oracle independent of the C formatter).
fr_day() {
	sql -c "SELECT (ARRAY['lundi','mardi','mercredi','jeudi','vendredi','samedi','dimanche'])[extract(isodow FROM d)::int]
	        || ' ' || extract(day FROM d)::int || CASE WHEN extract(day FROM d) = 1 THEN 'er' ELSE '' END
	        || ' ' || (ARRAY['janvier','février','mars','avril','mai','juin','juillet','août','septembre',
	                         'octobre','novembre','décembre'])[extract(month FROM d)::int]
	        || ' ' || extract(year FROM d)::int FROM (SELECT date '$1' AS d) x"
}

# "20261204T190000": iCalendar local date-time of day D at HH:MM.
ical_local() {
	echo "$1" | tr -d '-' | sed "s/\$/T$(echo "$2" | tr -d ':')00/"
}

# The same wall-clock time in Paris as a UTC iCalendar value.
ical_utc() {
	sql -c "SELECT to_char((date '$1' + time '$2') AT TIME ZONE 'Europe/Paris' AT TIME ZONE 'UTC',
	                       'YYYYMMDD\"T\"HH24MISS\"Z\"')"
}

# Book an rdv as LOGIN on day D at HH:MM for 45 min with agents (comma
# list), several statements in one transaction as a client does: at the MDS
# (organisation 1, motif 1 "Premier accueil social", lieu 1, usager 1), or
# with a 5th argument "ccas" at the CCAS (organisation 2, motif 7, lieu 3, no
# usager). Prints the rdv id.
book() {
	login=$1 day=$2 at=$3 agents=$4
	org=1 motif=1 lieu=1 part="INSERT INTO rdv.participations (rdv_id, usager_id) VALUES (currval('rdv.rdvs_id_seq'), 1);"
	if [ "${5:-}" = ccas ]; then
		org=2 motif=7 lieu=3 part=
	fi
	as_agent "$login" -c "
		BEGIN;
		INSERT INTO rdv.rdvs (organisation_id, motif_id, lieu_id, starts_at, ends_at, created_by_agent_id)
		VALUES ($org, $motif, $lieu, (date '$day' + time '$at') AT TIME ZONE 'Europe/Paris',
		        (date '$day' + time '$at' + interval '45 minutes') AT TIME ZONE 'Europe/Paris',
		        rdv.current_agent_id());
		INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
		SELECT currval('rdv.rdvs_id_seq'), a FROM unnest('{$agents}'::int[]) a;
		$part
		COMMIT;
		SELECT currval('rdv.rdvs_id_seq');"
}

# Move rdv ID as LOGIN to day D HH:MM (45 min).
move() {
	as_agent "$1" -c "UPDATE rdv.rdvs
		SET starts_at = (date '$3' + time '$4') AT TIME ZONE 'Europe/Paris',
		    ends_at = (date '$3' + time '$4' + interval '45 minutes') AT TIME ZONE 'Europe/Paris'
		WHERE id = $2"
}

# The outbox as "agent:event" words in id order (after id FROM).
outbox_rows() {
	sql -c "SELECT coalesce(string_agg(agent_id || ':' || event, ' ' ORDER BY id), '')
	        FROM rdv.notification_outbox WHERE id > ${1:-0}"
}

outbox_max() {
	sql -c "SELECT coalesce(max(id), 0) FROM rdv.notification_outbox"
}
