#!/bin/sh
# SPDX-License-Identifier: MIT
# `rdv holidays`: exact text and JSON output, and bad input (exit 2, one
# line). TAP output. $RDV is the binary.

: "${RDV:=./rdv}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

compare() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:  $(cat "$1")"
		echo "#   want: $(cat "$2")"
	fi
}

"$RDV" holidays --year 2026 >"$tmp/out"
ok $? "holidays --year 2026: exit 0"
printf '%s\t%s\n' 2026-01-01 "1er janvier" 2026-04-06 "Lundi de Pâques" 2026-05-01 "1er mai" \
	2026-05-08 "8 mai" 2026-05-14 "Ascension" 2026-05-25 "Lundi de Pentecôte" \
	2026-07-14 "14 juillet" 2026-08-15 "Assomption" 2026-11-01 "Toussaint" \
	2026-11-11 "11 novembre" 2026-12-25 "Jour de Noël" >"$tmp/want"
compare "$tmp/out" "$tmp/want" "metropole 2026, text"

"$RDV" holidays --year 2008 --zone metropole --json >"$tmp/out"
printf '%s\n' '{"zone": "metropole", "year": 2008, "holidays": [{"date": "2008-01-01", "name": "1er janvier"}, {"date": "2008-03-24", "name": "Lundi de Pâques"}, {"date": "2008-05-01", "name": "1er mai"}, {"date": "2008-05-01", "name": "Ascension"}, {"date": "2008-05-08", "name": "8 mai"}, {"date": "2008-05-12", "name": "Lundi de Pentecôte"}, {"date": "2008-07-14", "name": "14 juillet"}, {"date": "2008-08-15", "name": "Assomption"}, {"date": "2008-11-01", "name": "Toussaint"}, {"date": "2008-11-11", "name": "11 novembre"}, {"date": "2008-12-25", "name": "Jour de Noël"}]}' >"$tmp/want"
compare "$tmp/out" "$tmp/want" "metropole 2008, JSON: Ascension on 1 May, both names"

"$RDV" holidays --year 2026 --zone alsace-moselle >"$tmp/out"
grep -c . "$tmp/out" | grep -qx 13
ok $? "alsace-moselle 2026: 13 days"
grep -qx "$(printf '2026-04-03\tVendredi saint')" "$tmp/out"
ok $? "alsace-moselle 2026: Vendredi saint on 3 April"
grep -qx "$(printf '2026-12-26\t2ème jour de Noël')" "$tmp/out"
ok $? "alsace-moselle 2026: 26 December"

for pair in guadeloupe:05-27 guyane:06-10 la-reunion:12-20 martinique:05-22 mayotte:04-27 \
	saint-barthelemy:10-09 saint-martin:05-28; do
	zone=${pair%%:*}
	date=${pair#*:}
	"$RDV" holidays --year 2027 --zone "$zone" | grep -x "$(printf "2027-$date\tAbolition de l'esclavage")" >/dev/null
	ok $? "$zone 2027: Abolition de l'esclavage on $date"
done
for zone in nouvelle-caledonie polynesie-francaise saint-pierre-et-miquelon wallis-et-futuna; do
	"$RDV" holidays --year 2027 --zone "$zone" >"$tmp/out"
	[ "$(grep -c . "$tmp/out")" -eq 11 ]
	ok $? "$zone 2027: the 11 national days only"
done

bad_cli() {
	expect="$1"
	shift
	"$RDV" holidays "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]
	ok $? "rdv holidays $*: exit 2 with one line (got $status)"
	printf '%s\n' "$expect" >"$tmp/want"
	compare "$tmp/err" "$tmp/want" "rdv holidays $*: message"
}
bad_cli "rdv: --year : année de 1990 à 2200 attendue, pas « 1989 »" --year 1989
bad_cli "rdv: --year : année de 1990 à 2200 attendue, pas « 2201 »" --year 2201
bad_cli "rdv: --year : année de 1990 à 2200 attendue, pas « 20x6 »" --year 20x6
bad_cli "rdv: holidays : --year AAAA attendu (1990 à 2200)" --zone metropole
bad_cli "rdv: --zone : zone « corse » inconnue (metropole, alsace-moselle, guadeloupe, guyane, la-reunion, martinique, mayotte, nouvelle-caledonie, polynesie-francaise, saint-barthelemy, saint-martin, saint-pierre-et-miquelon, wallis-et-futuna)" \
	--year 2026 --zone corse
"$RDV" holidays --year 1990 >/dev/null
ok $? "1990 is accepted"
"$RDV" holidays --year 2200 >/dev/null
ok $? "2200 is accepted"

echo "1..$n"
exit $failed
