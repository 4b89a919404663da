#!/bin/sh
# Issue 11 item 9: a basic agent sees the names of every agent of the rdvs
# they may see, colleagues of other services included (here the secretary,
# whom row-level security on agents hides from him): in Liste des RDV, in
# the .xlsx and .pdf exports, from the CLI; and rdv.rdv_agent_names()
# tells nothing about rdvs the caller cannot see; his form of a shared rdv
# keeps the colleague he may not list, and saves.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
T=$TMUX_DIR/out
mkdir -p "$T"
CHECK="python3 $top_srcdir/tests/export/check.py"
conn() { echo "host=$PGHOST port=$PGPORT dbname=rdv user=$1"; }
as() { who=$1; shift; psql -X -t -A -d rdv -U "$who" -c "$1"; }

# Sophie (Secrétariat) joins julien's Monday 09:00 rdv with Élodie Bézier.
R=$(sql -c "SELECT r.id FROM rdv.rdvs r JOIN rdv.rdv_agents ra ON ra.rdv_id = r.id
             JOIN rdv.agents a ON a.id = ra.agent_id
            WHERE a.db_role = 'julien' AND r.starts_at = '2026-05-11 09:00 Europe/Paris'")
sql -c "INSERT INTO rdv.rdv_agents (rdv_id, agent_id)
        SELECT $R, id FROM rdv.agents WHERE db_role = 'sophie'" >/dev/null
is "$(as julien "SELECT count(*) FROM rdv.agents WHERE db_role = 'sophie'")" "0" \
	"julien may not list sophie (row-level security on agents)"
is "$(as julien "SELECT count(*) FROM rdv.rdvs WHERE id = $R")" "1" "but he sees the shared rdv"
is "$(as julien "SELECT names || ' / ' || emails FROM rdv.rdv_agent_names(ARRAY[$R])")" \
	"Julien Bernard, Sophie Martin / julien.bernard@drome.example.fr, sophie.martin@drome.example.fr" \
	"rdv_agent_names gives him both agents of the shared rdv"

# An rdv julien cannot see (PMI): nothing, whatever ids he passes.
P=$(sql -c "SELECT min(r.id) FROM rdv.rdvs r JOIN rdv.motifs m ON m.id = r.motif_id
             JOIN rdv.services s ON s.id = m.service_id WHERE s.name LIKE 'PMI%'")
is "$(as julien "SELECT count(*) FROM rdv.rdvs WHERE id = $P")" "0" "julien cannot see PMI rdv $P"
is "$(as julien "SELECT count(*) FROM rdv.rdv_agent_names(ARRAY[$P, $P + 1000000])")" "0" \
	"nor learn its agents through rdv_agent_names"
is "$(as nadia "SELECT count(*) FROM rdv.rdv_agent_names(ARRAY[$P])")" "1" "nadia (PMI) does"
is "$(sql -c "SELECT p.prosecdef, p.proconfig::text,
                     has_function_privilege('public', p.oid, 'EXECUTE'),
                     has_function_privilege('rdv_agent', p.oid, 'EXECUTE')
                FROM pg_proc p WHERE p.oid = 'rdv.rdv_agent_names(integer[])'::regprocedure")" \
	"t|{\"search_path=pg_catalog, rdv, pg_temp\"}|f|t" \
	"SECURITY DEFINER, search_path ending in pg_temp, no PUBLIC execute, granted to rdv_agent"

# The exports, from the CLI.
"$RDV" export rdvs --db "$(conn julien)" --now 2026-05-13T10:00 --format xlsx \
	--from 2026-05-11 --to 2026-05-11 -o "$T/j.xlsx" >/dev/null
is "$?" "0" "julien exports Monday 11 May to .xlsx"
$CHECK xlsx2tsv "$T/j.xlsx" >"$T/j.tsv"
is "$(head -1 "$T/j.tsv" | cut -f 12,21)" "professionnel.le(s)	email(s) professionnel.le(s)" \
	"columns 12 and 21 are the agents' names and e-mails"
is "$(grep -F "11/05/2026	09:00" "$T/j.tsv" | cut -f 12,21)" \
	"Julien Bernard, Sophie Martin	julien.bernard@drome.example.fr, sophie.martin@drome.example.fr" \
	"the shared rdv names julien and the secretary"
is "$(tail -n +2 "$T/j.tsv" | cut -f 12 | grep -c '^$')" "0" "no row has an empty professionnel.le(s)"
"$RDV" export rdvs --db "$(conn julien)" --now 2026-05-13T10:00 --format pdf \
	--from 2026-05-11 --to 2026-05-11 -o "$T/j.pdf" >/dev/null
is "$?" "0" "and to .pdf"
pdftotext -enc UTF-8 -raw "$T/j.pdf" "$T/j.txt"
like "$(tr '\n' ' ' <"$T/j.txt")" "Julien Bernard, Sophie Martin Élodie Bézier" \
	"the pdf names the secretary beside julien, before the usager"

# Liste des RDV in the client.
tmux_start 120 40 "$RDV tui --db '$(conn julien)' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F5
tmux_wait "Liste des RDV ·" 15
ok $? "F5 opens julien's list"
# The title shows while the list loads; f waits for the filters' choices,
# which come before the rows.
tmux_wait "/2026" 10
tmux_keys f
tmux_wait "Filtres — Entrée" 5
tmux_keys Down Down Down Down Down
tmux_text "11/05/2026"
tmux_keys Down
tmux_text "11/05/2026"
tmux_keys Enter
tmux_wait "Filtres : du 11/05/2026 au 11/05/2026" 10
ok $? "filtered on Monday 11 May"
# The filters line changes at once, the rows (and the title's count) once the
# filtered page is in: the unfiltered rows may show 11/05/2026 09h00 too.
monday=$(as julien "SELECT count(*) FROM rdv.rdvs
                    WHERE (starts_at AT TIME ZONE 'Europe/Paris')::date = '2026-05-11'")
tmux_wait "Liste des RDV · $monday rendez-vous · 1–$monday" 10
tmux_wait "11/05/2026 09h00" 10
tmux_screen >"$T/screen"
is "$(grep -c "11/05/2026 09h00" "$T/screen")" "1" "one row at 09h00"
like "$(grep "11/05/2026 09h00" "$T/screen")" "Élodie Bézier          Julien Bernard, So" \
	"its Agent(s) column starts with julien then the secretary (cut to the column)"

# His form of that rdv keeps the secretary he may not list: saving must not take her off.
# The cursor starts on the first row: move down to the 09h00 one.
downs=$(grep "11/05/2026 [0-9][0-9]h[0-9][0-9]" "$T/screen" | grep -n "11/05/2026 09h00" | cut -d: -f1)
i=1
while [ "$i" -lt "${downs:-1}" ]; do
	tmux_keys Down
	i=$((i + 1))
done
# A third agent (the form shows two) is kept too.
sql -c "UPDATE rdv.rdvs SET overlap_acknowledged = true WHERE id = $R;
        INSERT INTO rdv.rdv_agents (rdv_id, agent_id) SELECT $R, id FROM rdv.agents WHERE db_role = 'nadia'" >/dev/null
tmux_keys e
tmux_wait "Deuxième agent" 10
ok $? "e opens the form of the shared rdv"
like "$(tmux_screen)" "collègue non listé (conservé)" "the secretary shows as a colleague kept on the rdv"
tmux_keys Enter
# Warnings (outside plages, …) are confirmed once, if any.
confirmed=0 tries=200
while [ "$tries" -gt 0 ]; do
	screen=$(tmux_screen)
	case "$screen" in
	*"Rendez-vous modifié."*) break ;;
	*"Confirmer en ignorant"*) [ "$confirmed" = 0 ] && { tmux_keys Enter; confirmed=1; } ;;
	esac
	sleep 0.05
	tries=$((tries - 1))
done
tmux_wait "Rendez-vous modifié." 10
r=$?; [ "$r" = 0 ] || tmux_screen | grep -v "^ *$" | sed "s|^|# |"; ok $r "julien saves the rdv"
is "$(sql -c "SELECT string_agg(a.db_role, ' ' ORDER BY a.db_role) FROM rdv.rdv_agents ra
              JOIN rdv.agents a ON a.id = ra.agent_id WHERE ra.rdv_id = $R")" "julien nadia sophie" \
	"julien, the secretary and the third agent are all still on it"
tmux_keys Escape
done_testing
