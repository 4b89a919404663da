#!/bin/sh
# The RDV export of a known data set (tests/export/fixture.sql): every cell
# of the .xlsx (its sheet XML, through unzip) and of the .pdf (pdftotext)
# against tests/export/expected.tsv, accents included; the filters on
# territory days, statuses and scopes; bad input; a failed write leaves no
# file behind.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
cluster_start
sql -f "$top_srcdir/tests/export/fixture.sql" >/dev/null || echo "Bail out! fixture failed"
T=$CLUSTER_DIR/out
mkdir -p "$T"
CHECK="python3 $top_srcdir/tests/export/check.py"
EXPECTED=$top_srcdir/tests/export/expected.tsv
AGATHE="host=$PGHOST port=$PGPORT dbname=rdv user=agathe"
NOW=2026-05-13T10:00

# sheet FILE: the worksheet as tab-separated text.
sheet() {
	$CHECK xlsx2tsv "$1"
}
# rows FILTERS…: the "date rdv heure rdv" of an xlsx export, one per line.
rows() {
	"$RDV" export rdvs --db "$AGATHE" --now $NOW --format xlsx -o "$T/f.xlsx" "$@" >/dev/null &&
		sheet "$T/f.xlsx" | tail -n +2 | cut -f 5,6 | tr '\t' ' ' | paste -sd ';' -
}

out=$("$RDV" export rdvs --db "$AGATHE" --now $NOW --format xlsx -o "$T/all.xlsx")
is "$?" "0" "xlsx export exits 0"
is "$out" "7 rendez-vous exportés dans $T/all.xlsx" "and says how many rows it wrote"
grep -v '^#' "$EXPECTED" >"$T/expected.tsv"
# The spreadsheet shows times as hh:mm (time cells), the PDF as written, 14h30.
awk -F '\t' 'BEGIN { OFS = "\t" } NR > 1 { sub(/h/, ":", $3); sub(/h/, ":", $6) } { print }' \
	"$T/expected.tsv" >"$T/expected-xlsx.tsv"
sheet "$T/all.xlsx" >"$T/got.tsv"
if diff "$T/expected-xlsx.tsv" "$T/got.tsv" >"$T/diff"; then ok 0 "xlsx: every cell of the 8 rows equals the expected export"
else ok 1 "xlsx: every cell of the 8 rows equals the expected export"; sed 's/^/# /' "$T/diff"; fi
is "$($CHECK xlsx2tsv "$T/all.xlsx" --types | sed -n 2p | cut -c1)" "n" \
	"xlsx: the year is a number"
is "$($CHECK xlsx2tsv "$T/all.xlsx" --types | sed -n 2p | cut -c2-21)" \
	"ddsddss-ssssss-sssss" "xlsx: dates and times are date cells, the other cells text (the empty ones absent)"
xml=$(unzip -p "$T/all.xlsx" xl/worksheets/sheet1.xml)
styles=$(unzip -p "$T/all.xlsx" xl/styles.xml)
like "$styles" 'formatCode="dd/mm/yyyy"' "xlsx: dates shown jj/mm/aaaa"
like "$styles" 'formatCode="hh:mm"' "xlsx: times shown hh:mm"
is "$($CHECK xlsx2tsv "$T/all.xlsx" --serials | sed -n 2p | cut -f 2,3,5,6)" \
	"46154	0.4166666666666667	46162	0.6041666666666666" \
	"xlsx: the date and time cells hold Excel serials (12/05/2026 = 46154, 10h00 = 10/24)"
like "$xml" '<autoFilter ref="A1:U8"/>' "xlsx: an autofilter over the header and the 7 rows"
like "$xml" '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' \
	"xlsx: the header row is frozen"
like "$xml" '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>' \
	"xlsx: printed landscape on A4, any number of pages high"
like "$xml" '<pageSetUpPr fitToPage="1"/>' "xlsx: and one page wide"
like "$(unzip -p "$T/all.xlsx" xl/workbook.xml)" \
	'<definedName name="_xlnm.Print_Titles" localSheetId="0">'"'"'Rendez-vous'"'"'!$1:$1</definedName>' \
	"xlsx: the header row is repeated on every printed page"
like "$styles" '<alignment vertical="top" wrapText="1"/>' "xlsx: the header wraps (between words)"
is "$($CHECK xlsx2tsv "$T/all.xlsx" --widths)" \
	"7 12 7 30 12 7 39 24 28 25 50 29 38 15 8 15 31 24 13 50 50" \
	"xlsx: column widths fit the content, within 6 and 50 characters, never under a header word"
like "$(unzip -l "$T/all.xlsx")" "xl/worksheets/sheet1.xml" "xlsx: a real workbook"
unlike "$(unzip -l "$T/all.xlsx")" "sharedStrings.xml" "xlsx: constant-memory mode (inline strings, no shared table)"
is "$(stat -c %a "$T/all.xlsx")" "600" "the file is readable by its owner only"

out=$("$RDV" export rdvs --db "$AGATHE" --now $NOW --format pdf -o "$T/all.pdf")
is "$?" "0" "pdf export exits 0"
pdftotext -enc UTF-8 -raw "$T/all.pdf" "$T/all.txt"
is "$($CHECK pdfrows "$T/expected.tsv" "$T/all.txt")" "8/8" \
	"pdf: the header and the 7 rows, every cell, in order"
text=$(cat "$T/all.txt")
like "$text" "Liste des RDV — exportée le 13/05/2026 à 10h00" "pdf: the title carries the date"
like "$text" "Filtres : aucun (tous les rendez-vous que je vois) · 7 rendez-vous" "pdf: and the filters"
like "$text" "Page 1" "pdf: pages are numbered"
# Headers wrap between words only (not "anné/e", "Organisati/on"); an e-mail
# address breaks before "@", "." or "-" only.
is "$(head -1 "$T/expected.tsv" | $CHECK broken "$T/all.txt")" "" \
	"pdf: no header word is broken across lines"
like "$text" "Organisation" "pdf: the Organisation header in one piece"
emails=$(cut -f 21 "$T/expected.tsv" | tail -n +2 | tr -d ',')
is "$(printf '%s\n' "$emails" | $CHECK broken "$T/all.txt" --email)" "" \
	"pdf: e-mail addresses break only before @, . or -"
ok "$(grep -q '^@example.fr' "$T/all.txt" && echo 0 || echo 1)" \
	"pdf: (a long address does wrap, at its @)"
is "$(pdfinfo "$T/all.pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\).*/\1x\2/p')" "841.89x595.28" \
	"pdf: A4 landscape"
like "$(pdffonts "$T/all.pdf")" "DejaVuSans" "pdf: the font is embedded"

# Filters: a day is the territory's calendar day, not the UTC date.
is "$(rows --from 2026-05-13 --to 2026-05-13)" "13/05/2026 00:30" \
	"13 May (Paris) holds the 00:30 rdv, still 12 May in UTC"
is "$(rows --from 2026-05-11 --to 2026-05-11)" "11/05/2026 23:30" \
	"11 May (Paris) holds the 23:30 rdv, already 12 May in UTC"
is "$(rows --from 2026-05-12 --to 2026-05-12)" "12/05/2026 09:00" "12 May holds only the 09:00 rdv"
is "$(rows --status unknown_future)" "20/05/2026 14:30;14/05/2026 09:15;13/05/2026 00:30" \
	"status: unknown from today on"
is "$(rows --status noshow)" "05/05/2026 16:45" "status: no-show"
is "$(rows --agent 3)" "20/05/2026 14:30;30/04/2026 11:00" "agent: Cédric's rdvs"
is "$(rows --motif 1 --lieu 1)" "14/05/2026 09:15;12/05/2026 09:00;11/05/2026 23:30" "motif and lieu"
is "$(rows --service 2)" "20/05/2026 14:30;30/04/2026 11:00" "service: PMI"
is "$(rows --scope assigned)" "20/05/2026 14:30;14/05/2026 09:15;13/05/2026 00:30;11/05/2026 23:30" \
	"scope: where I am assigned"
is "$(rows --scope services)" \
	"14/05/2026 09:15;13/05/2026 00:30;12/05/2026 09:00;11/05/2026 23:30;05/05/2026 16:45" \
	"scope: my services' rdvs"
"$RDV" export rdvs --db "$AGATHE" --now $NOW --format pdf -o "$T/f.pdf" --motif 1 --from 2026-05-12 >/dev/null
pdftotext -enc UTF-8 -raw "$T/f.pdf" "$T/f.txt"
like "$(cat "$T/f.txt")" "Filtres : motif : Accueil social · à partir du 12/05/2026 · 2 rendez-vous" \
	"pdf: the title names the filters in French"

# Bad input: one line on stderr, exit 2, no file.
"$RDV" export rdvs --db "$AGATHE" --format xlsx -o "$T/bad.xlsx" --from 2026-13-01 2>"$T/err"
is "$?" "2" "a malformed date exits 2"
is "$(cat "$T/err")" "rdv: --from : date AAAA-MM-JJ attendue, pas « 2026-13-01 »" "and says why in one line"
"$RDV" export rdvs --db "$AGATHE" --format xlsx -o "$T/bad.xlsx" --from 2026-05-14 --to 2026-05-13 2>"$T/err"
is "$?:$(cat "$T/err")" "2:rdv: --from est après --to" "a reversed period exits 2"
"$RDV" export rdvs --db "$AGATHE" --format xlsx -o "$T/bad.xlsx" --motif 6 2>"$T/err"
is "$?:$(cat "$T/err")" "2:rdv: motif inconnu ou hors de vos organisations" \
	"a motif of another organisation exits 2"
"$RDV" export rdvs --db "$AGATHE" --format ods -o "$T/bad.xlsx" 2>"$T/err"
is "$?:$(cat "$T/err")" "2:rdv: --format : xlsx ou pdf, pas « ods »" "an unknown format exits 2"
is "$(ls "$T" | grep -c bad)" "0" "no file was written for bad input"

# A failure halfway (the file may not grow past 4 KiB) says why and leaves nothing.
mkdir -p "$T/full"
(trap '' XFSZ; ulimit -f 4; exec "$RDV" export rdvs --db "$AGATHE" --now $NOW --format pdf \
	-o "$T/full/big.pdf") >/dev/null 2>"$T/err"
is "$?" "1" "a write failure exits 1"
like "$(cat "$T/err")" "rdv: export impossible : écriture du PDF" "and says why"
is "$(ls -A "$T/full" | wc -l)" "0" "no half file, no temporary file left"
(trap '' XFSZ; ulimit -f 4; exec "$RDV" export rdvs --db "$AGATHE" --now $NOW --format xlsx \
	-o "$T/full/big.xlsx") >/dev/null 2>"$T/err"
is "$?" "1" "xlsx: a write failure exits 1"
is "$(cat "$T/err")" "rdv: export impossible : écriture du classeur : Zip generic error ZIP_ERRNO while creating the xlsx file." \
	"and says why in one line"
is "$(ls -A "$T/full" | wc -l)" "0" "xlsx: no half file left"
"$RDV" export rdvs --db "$AGATHE" --format xlsx -o "$T/nowhere/x.xlsx" 2>"$T/err"
is "$?" "1" "an output directory that does not exist exits 1"
like "$(cat "$T/err")" "impossible de créer « $T/nowhere/x.xlsx »" "and names the file"

# The export replaces a file, never what is not one (as root, "-o /dev/full"
# once replaced the device and "-o /dev/stdout" the link).
mkdir -p "$T/targets/dir"
mkfifo "$T/targets/fifo"
ln -s fifo "$T/targets/to-fifo"
for o in dir fifo to-fifo; do
	"$RDV" export rdvs --db "$AGATHE" --format pdf -o "$T/targets/$o" 2>"$T/err"
	is "$?:$(cat "$T/err")" \
		"2:rdv: « $T/targets/$o » n'est pas un fichier ordinaire : donnez le nom d'un fichier" \
		"-o $o is refused (exit 2, one line)"
done
is "$(cd "$T/targets" && stat -c %F dir fifo && readlink to-fifo)" "directory
fifo
fifo" "and what was there is untouched"
is "$(ls -A "$T/targets" | tr '\n' ' ')" "dir fifo to-fifo " "no temporary file left"
echo old >"$T/targets/real.pdf"
ln -s real.pdf "$T/targets/link.pdf"
"$RDV" export rdvs --db "$AGATHE" --now $NOW --format pdf -o "$T/targets/link.pdf" >/dev/null
is "$?:$(readlink "$T/targets/link.pdf"):$(head -c 5 "$T/targets/real.pdf")" "0:real.pdf:%PDF-" \
	"through a symbolic link the file it names is written, the link kept"
"$RDV" export get 1 --db "$AGATHE" -o "$T/targets/fifo" 2>"$T/err"
is "$?:$(cat "$T/err")" \
	"2:rdv: « $T/targets/fifo » n'est pas un fichier ordinaire : donnez le nom d'un fichier" \
	"export get refuses it too"
done_testing
