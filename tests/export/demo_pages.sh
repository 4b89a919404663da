#!/bin/sh
# The demo data exported by an admin: each row's columns against the
# database itself (dates and times on the Paris clock, service, motif,
# context, status, agents, usagers, organisation), and a multi-page PDF
# that repeats the header on every page, numbers its pages and holds every
# cell of the .xlsx in the same order.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
cluster_start
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
T=$CLUSTER_DIR/out
mkdir -p "$T"
CHECK="python3 $top_srcdir/tests/export/check.py"
CAMILLE="host=$PGHOST port=$PGPORT dbname=rdv user=camille"
NOW=2026-05-13T10:00

"$RDV" export rdvs --db "$CAMILLE" --now $NOW --format xlsx -o "$T/c.xlsx" >/dev/null
is "$?" "0" "camille's xlsx export"
$CHECK xlsx2tsv "$T/c.xlsx" >"$T/c.tsv"
# The database's own answer for the MDS Valence (camille is its admin).
sql -F "$(printf '\t')" -c "
SELECT to_char(r.starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY'),
       to_char(r.starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'),
       s.name, m.name, coalesce(r.context, ''),
       CASE r.status WHEN 'seen' THEN 'Rendez-vous honoré' WHEN 'excused' THEN 'Annulé (excusé)'
            WHEN 'revoked' THEN 'Annulé (par le service)' WHEN 'noshow' THEN 'Absence non excusée'
            ELSE CASE WHEN (r.starts_at AT TIME ZONE 'Europe/Paris')::date < '2026-05-13' THEN 'À renseigner'
                      WHEN (r.starts_at AT TIME ZONE 'Europe/Paris')::date = '2026-05-13' THEN 'Rendez-vous aujourd''hui'
                      ELSE 'Rendez-vous à venir' END END,
       (SELECT string_agg(a.first_name || ' ' || a.last_name, ', ' ORDER BY a.last_name, a.first_name)
          FROM rdv.rdv_agents ra JOIN rdv.agents a ON a.id = ra.agent_id WHERE ra.rdv_id = r.id),
       coalesce((SELECT string_agg(u.first_name || ' ' || u.last_name, ', ' ORDER BY p.id)
          FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id WHERE p.rdv_id = r.id), ''),
       o.name
  FROM rdv.rdvs r JOIN rdv.motifs m ON m.id = r.motif_id JOIN rdv.services s ON s.id = m.service_id
  JOIN rdv.organisations o ON o.id = r.organisation_id
 WHERE o.name = 'MDS Valence'
 ORDER BY r.starts_at DESC, r.id DESC" >"$T/db.tsv"
tail -n +2 "$T/c.tsv" | cut -f 5-10,12,13,17 >"$T/got.tsv"
is "$(wc -l <"$T/got.tsv")" "$(wc -l <"$T/db.tsv")" "as many rows as the database holds for the MDS"
if diff "$T/db.tsv" "$T/got.tsv" >"$T/diff"; then ok 0 "every row's date, time, service, motif, context, status, agents, usagers, organisation equal the database's"
else ok 1 "every row's date, time, service, motif, context, status, agents, usagers, organisation equal the database's"; head -20 "$T/diff" | sed 's/^/# /'; fi
is "$(tail -n +2 "$T/c.tsv" | cut -f 1 | sort -u)" "2026" "year of creation"
"$RDV" export rdvs --db "$CAMILLE" --now $NOW --format xlsx -o "$T/c7.xlsx" --batch 7 >/dev/null
$CHECK xlsx2tsv "$T/c7.xlsx" >"$T/c7.tsv"
cmp -s "$T/c.tsv" "$T/c7.tsv"
ok $? "read in chunks of 7 rows (29 queries), the same cells in the same order"
like "$(cut -f 13 "$T/c.tsv")" "Élodie Bézier" "accents survive: Élodie Bézier"
like "$(cut -f 13 "$T/c.tsv")" "Jean-François Lefèvre" "accents survive: Jean-François Lefèvre"

"$RDV" export rdvs --db "$CAMILLE" --now $NOW --format pdf -o "$T/c.pdf" >/dev/null
is "$?" "0" "camille's pdf export"
pages=$(pdfinfo "$T/c.pdf" | sed -n 's/^Pages: *//p')
ok "$(test "$pages" -ge 3 && echo 0 || echo 1)" "the pdf runs over several pages ($pages)"
pdftotext -enc UTF-8 -raw "$T/c.pdf" "$T/c.txt"
# The PDF writes times as the export does (14h30); the sheet's time cells read 14:30.
awk -F '\t' 'BEGIN { OFS = "\t" } NR > 1 { sub(/:/, "h", $3); sub(/:/, "h", $6) } { print }' \
	"$T/c.tsv" >"$T/c-rows.tsv"
is "$($CHECK pdfrows "$T/c-rows.tsv" "$T/c.txt")" "$(wc -l <"$T/c-rows.tsv")/$(wc -l <"$T/c-rows.tsv")" \
	"the pdf holds every cell of the xlsx, in the same order"
header=$(head -1 "$T/c.tsv" | tr -d '\t')
is "$($CHECK count "$T/c.txt" "$header")" "$pages" "the column header is repeated on each of the $pages pages"
is "$($CHECK count "$T/c.txt" "Liste des RDV — exportée le 13/05/2026 à 10h00 par Camille DUPONT")" "$pages" \
	"every page's foot says when and by whom"
missing=0
for n in $(seq 1 "$pages"); do
	pdftotext -enc UTF-8 -f "$n" -l "$n" "$T/c.pdf" - | grep -q "Page $n\$" || missing=$((missing + 1))
done
is "$missing" "0" "each page carries its number"

# Cells of digits and signs (dates, times) are composed from their glyphs
# without pango: the file is byte for byte the one pango's layouts give.
RDV_PDF_PANGO_ONLY=1 "$RDV" export rdvs --db "$CAMILLE" --now $NOW --format pdf \
	-o "$T/c-pango.pdf" >/dev/null
cmp -s "$T/c.pdf" "$T/c-pango.pdf"
is "$?" "0" "the composed cells are exactly pango's"
done_testing
