#!/bin/sh
# Row-level security on exports: a basic agent's export holds only the rdvs
# of their services (and their own), read back from the file; the stored
# export is readable by its owner only, from the client's code path and
# from psql alike; rdv.rdv_authors() names no author of an rdv the caller
# cannot see.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
cluster_start
sql -f "$top_srcdir/tests/export/fixture.sql" >/dev/null || echo "Bail out! fixture failed"
T=$CLUSTER_DIR/out
mkdir -p "$T"
CHECK="python3 $top_srcdir/tests/export/check.py"
conn() { echo "host=$PGHOST port=$PGPORT dbname=rdv user=$1"; }
NOW=2026-05-13T10:00

# bruno: basic in org 1 with the Service social only.
out=$("$RDV" export rdvs --db "$(conn bruno)" --now $NOW --format xlsx -o "$T/bruno.xlsx" --store)
is "$?" "0" "bruno's export runs and is stored"
id=$(printf '%s\n' "$out" | sed -n 's/.*(export \([0-9a-f-]*\)).*/\1/p')
like "$id" "-" "the command prints the stored export's id"
$CHECK xlsx2tsv "$T/bruno.xlsx" | tail -n +2 >"$T/bruno.tsv"
is "$(cut -f 5,6,8 "$T/bruno.tsv" | tr '\t' ' ' | paste -sd ';' -)" \
	"14/05/2026 09:15 Accueil social;13/05/2026 00:30 Visite à domicile;12/05/2026 09:00 Accueil social;11/05/2026 23:30 Accueil social;05/05/2026 16:45 Entretien téléphonique" \
	"bruno's file holds exactly the 5 rdvs of his service"
is "$(cut -f 7 "$T/bruno.tsv" | sort -u)" "Service social" "every row is of the Service social"
is "$(cut -f 17 "$T/bruno.tsv" | sort -u)" "Maison des Solidarités d'Évry" "and of his organisation"
unlike "$(cat "$T/bruno.tsv")" "Consultation PMI" "the PMI rdvs of his organisation are left out"
unlike "$(cat "$T/bruno.tsv")" "Aide sociale" "the other organisation's rdv is left out"
is "$(sed -n 3p "$T/bruno.tsv" | cut -f 20)" "Bruno Çelik" "he sees who created his own rdv"

# The same export as the superuser sees it in the database.
is "$(sql -c "SELECT status || ' ' || row_count || ' ' || format || ' ' || file_name || ' ' || (size_bytes = octet_length(content))
              FROM rdv.exports WHERE id = '$id'")" \
	"available 5 xlsx export-rdv-2026-05-13-org-000001.xlsx true" "stored: available, 5 rows, its name and size"
is "$(sql -c "SELECT a.db_role FROM rdv.exports e JOIN rdv.agents a ON a.id = e.agent_id WHERE e.id = '$id'")" \
	"bruno" "stored with bruno as its owner"
is "$(sql -c "SELECT filters->>'scope' || ' ' || (filters->>'summary') FROM rdv.exports WHERE id = '$id'")" \
	"all Filtres : aucun (tous les rendez-vous que je vois)" "stored with its filters"
"$RDV" export get "$id" --db "$(conn bruno)" -o "$T/again.xlsx"
is "$?" "0" "bruno reads his export back"
cmp -s "$T/bruno.xlsx" "$T/again.xlsx"
ok $? "byte for byte the file he wrote"
like "$("$RDV" export list --db "$(conn bruno)")" "$id	xlsx	disponible	export-rdv-2026-05-13-org-000001.xlsx	5	" \
	"bruno's list shows it"

# Another agent cannot read it, list it, change it or delete it.
"$RDV" export get "$id" --db "$(conn agathe)" -o "$T/stolen.xlsx" 2>"$T/err"
is "$?" "1" "agathe (admin of the same organisation) cannot fetch bruno's export"
is "$(cat "$T/err")" "rdv: export introuvable, expiré ou pas encore prêt" "and is told it does not exist"
ok "$(test -e "$T/stolen.xlsx" && echo 1 || echo 0)" "no file was written for her"
is "$("$RDV" export list --db "$(conn agathe)")" "" "agathe's list is empty"
is "$(psql -X -t -A -d rdv -U agathe -c "SELECT count(*) FROM rdv.exports")" "0" \
	"psql as agathe: no export row visible"
is "$(psql -X -t -A -d rdv -U agathe -c "DELETE FROM rdv.exports WHERE id = '$id'" )" "DELETE 0" \
	"psql as agathe: DELETE touches nothing"
psql -X -q -t -A -d rdv -U agathe -c "UPDATE rdv.exports SET agent_id = 1 WHERE id = '$id'" >/dev/null
is "$(sql -c "SELECT count(*) FROM rdv.exports WHERE id = '$id' AND agent_id = 2")" "1" \
	"psql as agathe: nor can she take it over"
psql -X -q -t -A -d rdv -U agathe -c \
	"INSERT INTO rdv.exports (agent_id, format, file_name) VALUES (2, 'pdf', 'x.pdf')" 2>"$T/err"
like "$(cat "$T/err")" "row-level security" "psql as agathe: she cannot record an export in bruno's name"
is "$(psql -X -t -A -d rdv -U denise -c "SELECT count(*) FROM rdv.exports")" "0" \
	"psql as denise (another organisation): nothing either"

# "créé par" goes through a SECURITY DEFINER function: it answers for visible rdvs only.
is "$(psql -X -t -A -d rdv -U bruno -c "SELECT rdv_id || ':' || author FROM rdv.rdv_authors(ARRAY[1, 3, 5, 7])")" \
	"1:Bruno Çelik" "rdv_authors: bruno learns nothing of rdvs 3, 5 (PMI) and 7 (other organisation)"
is "$(psql -X -t -A -d rdv -U cedric -c "SELECT rdv_id || ':' || author FROM rdv.rdv_authors(ARRAY[3, 5]) ORDER BY 1")" \
	"3:Dans le cadre du RGPD, cette information n'est plus conservée au delà d'un an.
5:Cédric Noël" "rdv_authors: cedric sees his PMI rdvs' authors"

# Exports of the other agents: each their own visibility.
"$RDV" export rdvs --db "$(conn cedric)" --now $NOW --format xlsx -o "$T/cedric.xlsx" >/dev/null
$CHECK xlsx2tsv "$T/cedric.xlsx" | tail -n +2 >"$T/cedric.tsv"
is "$(cut -f 5,8 "$T/cedric.tsv" | tr '\t' ' ' | paste -sd ';' -)" \
	"20/05/2026 Consultation PMI;30/04/2026 Visio PMI" "cedric (PMI) exports the 2 PMI rdvs"
"$RDV" export rdvs --db "$(conn denise)" --now $NOW --format pdf -o "$T/denise.pdf" >/dev/null
pdftotext -enc UTF-8 -raw "$T/denise.pdf" "$T/denise.txt"
is "$($CHECK count "$T/denise.txt" "Aide sociale")" "1" "denise's pdf holds her organisation's rdv"
is "$($CHECK count "$T/denise.txt" "Accueil social")" "0" "and nothing of the other organisation"
done_testing
