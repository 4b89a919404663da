#!/bin/sh
# SPDX-License-Identifier: MIT
# What came from the database reaches no terminal raw (issue 10, class 9):
# an agent's e-mail holding ESC ] 52 (an OSC 52 clipboard write), stored
# before 012_hardening refused such values, is printed by `rdv notify` with
# the control characters replaced (U+FFFD), as the TUI shows it; the same for
# `rdv export list` (a file name) and for the CLI's error messages.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
[ -x "${RDV:-}" ] || { echo "1..0 # SKIP rdv not built"; exit 77; }
[ -n "$PG_BINDIR" ] || { echo "1..0 # SKIP no PostgreSQL"; exit 77; }

cluster_start
sql -1 -f "$top_srcdir/tests/db/fixtures.sql" >/dev/null || { echo "Bail out! fixtures"; exit 1; }
esc=$(printf '\033')
bel=$(printf '\007')
osc52="x${esc}]52;c;ZXZpbA==${bel}@example.fr"

# A row from before the check (its constraint is NOT VALID on such a
# database): drop the check to store it, as the old schema did.
sql -c "ALTER TABLE rdv.agents DROP CONSTRAINT agents_email_no_controls" \
	-c "UPDATE rdv.agents SET email = '$osc52' WHERE id = 1" >/dev/null
psql -X -q -U t_secr -c "INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
	VALUES (1, 'Formation', current_date + 30, '09:00', current_date + 30, '12:00')" >/dev/null
is "$(sql -c "SELECT count(*) > 0 FROM rdv.notification_outbox WHERE sent_at IS NULL AND agent_id = 1")" t \
	"an outbox row for the agent whose e-mail holds OSC 52"

# No SMTP server listens there: the worker reports the failure, naming the
# recipient.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
T="$CLUSTER_DIR/t"
mkdir -p "$T/config/rdv"
XDG_CONFIG_HOME="$T/config" RDV_SMTP_URL="smtp://127.0.0.1:$port" RDV_SMTP_TIMEOUT=5 \
	"$RDV" notify --once --db "dbname=rdv user=t_notifier" >"$T/out" 2>"$T/err"
like "$(cat "$T/err")" "non envoyée" "rdv notify reports the failed delivery"
like "$(cat "$T/err")" "x�]52;c;ZXZpbA==�@example.fr" "… naming the recipient with the controls replaced"
is "$(cat "$T/out" "$T/err" | tr -d -c '\033\007' | wc -c | tr -d ' ')" 0 "… and no ESC nor BEL reaches the terminal"

# rdv export list prints the file names an agent chose.
sql -c "INSERT INTO rdv.exports (agent_id, format, file_name) VALUES (1, 'xlsx', 'rdvs${esc}]52;c;ZXZpbA==${bel}.xlsx')" >/dev/null
out=$("$RDV" export list --db "dbname=rdv user=t_basic_x" 2>&1)
like "$out" "rdvs�]52;c;ZXZpbA==�.xlsx" "rdv export list shows the file name with the controls replaced"
is "$(printf '%s' "$out" | tr -d -c '\033\007' | wc -c | tr -d ' ')" 0 "… and no ESC nor BEL"
like "$out" "$(printf '\t')xlsx$(printf '\t')" "… keeping its tab-separated columns"

# The CLI's error line (cli_usage_error) quotes what it was given.
out=$("$RDV" slots --motif 1 --from "2026-03-02${esc}]52;c;x${bel}" --db "dbname=rdv user=t_basic_x" 2>&1)
is "$(printf '%s' "$out" | tr -d -c '\033\007' | wc -c | tr -d ' ')" 0 "a CLI error quoting its input prints no ESC nor BEL"

done_testing
