#!/bin/sh
# An independent reader of the .xlsx: LibreOffice converts the export of
# tests/export/fixture.sql to tab-separated text, and every cell it shows,
# dates and times included, equals what the XML check (check.py xlsx2tsv)
# reads from the sheet and its styles. Needs libreoffice (Debian:
# libreoffice-calc-nogui); skipped (TAP "1..0 # SKIP") without it.
if ! command -v libreoffice >/dev/null 2>&1; then
	echo "1..0 # SKIP libreoffice introuvable (paquet Debian libreoffice-calc-nogui)"
	echo "xlsx_reader.sh: libreoffice is not installed (Debian: libreoffice-calc-nogui)" >&2
	exit 0
fi
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
cluster_start
sql -f "$top_srcdir/tests/export/fixture.sql" >/dev/null || echo "Bail out! fixture failed"
T=$CLUSTER_DIR/out
mkdir -p "$T/lo"
CHECK="python3 $top_srcdir/tests/export/check.py"
AGATHE="host=$PGHOST port=$PGPORT dbname=rdv user=agathe"

"$RDV" export rdvs --db "$AGATHE" --now 2026-05-13T10:00 --format xlsx -o "$T/all.xlsx" >/dev/null
is "$?" "0" "xlsx export exits 0"
$CHECK xlsx2tsv "$T/all.xlsx" >"$T/xml.tsv"

# Tab-separated (9), "-quoted (34), UTF-8 (76), from the first line; cells as shown.
HOME=$T/lo timeout 300 libreoffice -env:UserInstallation="file://$T/lo" --headless \
	--convert-to 'csv:Text - txt - csv (StarCalc):9,34,76,1' --outdir "$T" "$T/all.xlsx" \
	>"$T/lo.log" 2>&1
is "$?" "0" "LibreOffice converts the workbook"
# LibreOffice quotes cells holding a quote, a tab or a line break; unquote them.
python3 -c '
import csv, sys
for row in csv.reader(open(sys.argv[1], encoding="utf-8", newline=""), delimiter="\t"):
    print("\t".join(row + [""] * (21 - len(row))))
' "$T/all.csv" >"$T/lo.tsv"
is "$(wc -l <"$T/lo.tsv")" "8" "it reads the header and the 7 rows"
if diff "$T/xml.tsv" "$T/lo.tsv" >"$T/diff"; then ok 0 "LibreOffice shows every cell as the XML check reads it"
else ok 1 "LibreOffice shows every cell as the XML check reads it"; sed 's/^/# /' "$T/diff"; fi
is "$(sed -n 2p "$T/lo.tsv" | cut -f 1-6)" \
	"2026	12/05/2026	10:00	Créé par un agent	20/05/2026	14:30" \
	"the year, dates (jj/mm/aaaa) and times (hh:mm) as LibreOffice shows them"
done_testing
