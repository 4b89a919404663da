#!/bin/sh
# make bench: the RDV export of 100,000 rdvs to .xlsx and to .pdf, as a
# real agent (row-level security on), beside its floor: the bare fetch of
# the same rdvs rows. Prints wall time, CPU time (user + system, of the
# process measured: on a loaded machine it moves far less than wall time)
# and peak memory (max RSS of the process). Goals: ≤ 5 s for .xlsx, ≤ 8 s
# for .pdf, ≤ 64 MiB for both. Benchmarks measure; the tests assert
# behaviour.
#
# Data: rdv db seed scale --scale 0.5 (10 organisations, 110,000 rdvs), its
# first agent made admin of all ten organisations, the rdvs beyond the
# 100,000th (by id) removed.
set -e
. "$top_srcdir/tests/lib/cluster.sh"
cluster_start
T=$CLUSTER_DIR/bench
mkdir -p "$T"
RUNS=${BENCH_EXPORT_RUNS:-3}

printf 'seeding (scale 0.5)… '
"$RDV" db seed scale --scale 0.5 --today 2026-05-13 >/dev/null
sql -c "
INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level)
SELECT a.id, o.id, 'admin' FROM rdv.agents a, rdv.organisations o WHERE a.db_role = 'scale_agent_1'
ON CONFLICT (organisation_id, agent_id) DO UPDATE SET access_level = 'admin';
DELETE FROM rdv.rdvs WHERE id > (SELECT id FROM rdv.rdvs ORDER BY id OFFSET 99999 LIMIT 1);" >/dev/null
sql -c "VACUUM ANALYZE rdv.rdvs" >/dev/null
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=scale_agent_1"
rows=$(psql -X -t -A -d rdv -U scale_agent_1 -c "SELECT count(*) FROM rdv.rdvs")
echo "$rows rdvs visible to scale_agent_1"

# run COMMAND…: wall seconds, max RSS (KiB) and CPU seconds of one run, on stdout.
run() {
	/usr/bin/time -f '%e %M %U %S' -o "$T/time" "$@" >/dev/null 2>"$T/err" || {
		echo "failed: $(cat "$T/err")" >&2; exit 1; }
	cat "$T/time"
}


summarise() {
	sort -n "$T/runs" | awk '{ t[NR] = $1; c[NR] = $3 + $4; if ($2 > m) m = $2 } END {
		med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
		for (i = 2; i <= NR; i++)  # insertion sort: mawk has no asort
			for (j = i; j > 1 && c[j - 1] > c[j]; j--) { x = c[j]; c[j] = c[j - 1]; c[j - 1] = x }
		cpu = (NR % 2) ? c[(NR + 1) / 2] : (c[NR / 2] + c[NR / 2 + 1]) / 2;
		printf "%8.2f s  %8.2f s  %8.1f MiB", med, cpu, m / 1024 }'
}

printf '\n%-34s %8s  %10s  %10s  %12s  %s\n' "what ($RUNS runs: median, max RSS)" "rows" "time" "cpu" "peak" "bytes"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
: >"$T/runs"
for i in $(seq "$RUNS"); do
	run psql -X -q -d rdv -U scale_agent_1 -c "COPY (SELECT * FROM rdv.rdvs) TO STDOUT" >>"$T/runs"
done
printf '%-34s %8s  %s  %s\n' "floor: COPY rdvs (psql)" "$rows" "$(summarise)" "-"

for fmt in xlsx pdf; do
	n=$RUNS
	[ "$fmt" = pdf ] && n=${BENCH_EXPORT_PDF_RUNS:-1}
	: >"$T/runs"
	for i in $(seq "$n"); do
		run "$RDV" export rdvs --db "$CONN" --now 2026-05-13T10:00 --format $fmt -o "$T/out.$fmt" >>"$T/runs"
	done
	label="rdv export rdvs --format $fmt"
	[ "$n" != "$RUNS" ] && label="$label ($n run)"
	printf '%-34s %8s  %s  %s\n' "$label" "$rows" "$(summarise)" "$(stat -c %s "$T/out.$fmt")"
done
echo "goals: xlsx ≤ 5 s, pdf ≤ 8 s, both ≤ 64 MiB peak"
