#!/bin/sh
# SPDX-License-Identifier: MIT
# `rdv slots --scenario` on every scenario of tests/unit/scenarios: each
# example of spec/slots-examples.md must print its exact expected output,
# and each bad scenario must exit 2 with one line naming the field.
# TAP output. $RDV is the binary, $top_srcdir the source tree.

: "${RDV:=./rdv}"
: "${top_srcdir:=.}"
dir="$top_srcdir/tests/unit/scenarios"
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

# compare GOT WANT NAME: exact bytes, with both shown on failure.
compare() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:  $(cat "$1")"
		echo "#   want: $(cat "$2")"
	fi
}

for scenario in "$dir"/ex*.json; do
	base=${scenario%.json}
	name=$(basename "$base")
	if [ -f "$base.first.out" ]; then
		want="$base.first.out"
		set -- --first --json
	else
		want="$base.out"
		set -- --json
	fi
	"$RDV" slots --scenario "$scenario" "$@" >"$tmp/out" 2>"$tmp/err"
	ok $? "$name: exit status 0"
	compare "$tmp/out" "$want" "$name: rdv slots --scenario $name.json $*"
	[ -s "$tmp/err" ]
	ok $((1 - $?)) "$name: nothing on stderr"
done

# --first in text: at most one line, the listing's first.
"$RDV" slots --scenario "$dir/ex1.json" >"$tmp/all"
"$RDV" slots --scenario "$dir/ex1.json" --first >"$tmp/first"
head -n 1 "$tmp/all" >"$tmp/want"
compare "$tmp/first" "$tmp/want" "ex1: text --first is the first text line"
printf '2026-03-02T08:05\t2026-03-02T08:50\t3\t10\t1\n' >"$tmp/want"
compare "$tmp/first" "$tmp/want" "ex1: text line format"
"$RDV" slots --scenario "$dir/nolieu.json" >"$tmp/out"
compare "$tmp/out" "$dir/nolieu.txt" "text output, - for no lieu"
"$RDV" slots --scenario "$dir/ex9.json" --first >"$tmp/out"
printf '2026-04-08T14:00\t2026-04-08T15:00\t3\t10\t1\n' >"$tmp/want"
compare "$tmp/out" "$tmp/want" "ex9: text --first"

for scenario in "$dir"/bad-*.json; do
	base=${scenario%.json}
	name=$(basename "$base")
	"$RDV" slots --scenario "$scenario" --json >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" -eq 2 ]
	ok $? "$name: exit status 2 (got $status)"
	printf 'rdv: %s: %s\n' "$scenario" "$(cat "$base.err")" >"$tmp/want"
	compare "$tmp/err" "$tmp/want" "$name: one line naming the field"
	[ -s "$tmp/out" ]
	ok $((1 - $?)) "$name: nothing on stdout"
done

# Bad command lines: exit 2, one line on stderr.
bad_cli() {
	expect="$1"
	shift
	"$RDV" slots "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
	ok $? "rdv slots $*: exit 2 with one line (got $status)"
	printf '%s\n' "$expect" >"$tmp/want"
	compare "$tmp/err" "$tmp/want" "rdv slots $*: message"
}
bad_cli "rdv: $dir/none.json: lecture impossible : No such file or directory" \
	--scenario "$dir/none.json"
bad_cli "rdv: slots : --scenario FICHIER ou --motif ID attendu"
bad_cli "rdv: slots : option inconnue « --frist » (rdv slots --help)" --scenario "$dir/ex1.json" --frist
bad_cli "rdv: slots : l'option --scenario demande une valeur" --scenario
bad_cli "rdv: --motif : identifiant attendu, pas « abc »" --motif abc
bad_cli "rdv: --from : date AAAA-MM-JJ attendue, pas « 2026-13-01 »" --motif 7 --from 2026-13-01
bad_cli "rdv: slots : --scenario ne se combine pas avec les options de la base (--motif, --lieu, --agent, --from, --to, --side, --now, --db)" \
	--scenario "$dir/ex1.json" --motif 7
# The database form checks its input before connecting.
bad_cli "rdv: --to : la date est avant --from" --motif 7 --from 2026-03-02 --to 2026-03-01

echo "1..$n"
exit $failed
