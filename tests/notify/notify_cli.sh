#!/bin/sh
# `rdv notify` on the command line: bad input gives one French line on
# stderr and exit 2, before any connection is tried; --help exits 0.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"

T=$(mktemp -d /tmp/rdv-notify-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CONFIG_HOME="$T/config"
mkdir -p "$XDG_CONFIG_HOME/rdv"
unset RDV_SMTP_URL RDV_SMTP_USER RDV_SMTP_PASSWORD RDV_SMTP_FROM RDV_SMTP_STARTTLS RDV_SMTP_TIMEOUT
# Any connection attempt would fail loudly: nothing must get that far.
export PGHOST="$T/nowhere"

# check DESCRIPTION EXPECTED-STDERR COMMAND...: exit 2 and exactly that line.
check() {
	desc=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	st=$?
	is "$st $(cat "$T/err")" "2 $want" "$desc"
	is "$(wc -c <"$T/out" | tr -d ' ')" "0" "$desc: nothing on stdout"
}

check "no SMTP server configured" \
	"rdv: notify : aucun serveur SMTP (RDV_SMTP_URL ou smtp.url, ex. smtp://mail.example.fr:587)" \
	"$RDV" notify --once
export RDV_SMTP_URL=smtp://127.0.0.1:25
check "--backoff 0" "rdv: --backoff : nombre de secondes entre 1 et 86400 attendu, pas « 0 »" \
	"$RDV" notify --backoff 0
check "--backoff-max abc" "rdv: --backoff-max : nombre de secondes entre 1 et 604800 attendu, pas « abc »" \
	"$RDV" notify --backoff-max abc
check "an extra argument" "rdv: notify : argument inattendu « maintenant »" "$RDV" notify maintenant
check "an option without its value" "rdv: notify : l'option « --db » attend une valeur" "$RDV" notify --db
check "an unknown option" "rdv: notify : option inconnue « --vite »" "$RDV" notify --vite
RDV_SMTP_URL=http://mail.example.fr check "an URL that is not SMTP" \
	"rdv: notify : adresse SMTP « http://mail.example.fr » : smtp://hôte:port ou smtps://hôte:port attendu" \
	"$RDV" notify
printf 'smtp.url = imap://mail.example.fr\n' >"$XDG_CONFIG_HOME/rdv/config"
unset RDV_SMTP_URL
check "a bad smtp.url in the configuration file" \
	"rdv: notify : adresse SMTP « imap://mail.example.fr » : smtp://hôte:port ou smtps://hôte:port attendu" \
	"$RDV" notify
export RDV_SMTP_URL=smtps://mail.example.fr:465
RDV_SMTP_STARTTLS=peut-etre check "a bad STARTTLS setting" \
	"rdv: notify : STARTTLS « peut-etre » : try, required ou no attendu" "$RDV" notify
RDV_SMTP_FROM="agenda <a b@b.fr>" check "a bad sender address (a name may come with it, not a space in the address)" \
	"rdv: notify : adresse d'expédition « agenda <a b@b.fr> » invalide (adresse ou « Nom <adresse> » attendu)" "$RDV" notify
RDV_SMTP_TIMEOUT=0 check "a bad SMTP timeout" \
	"rdv: notify : délai SMTP « 0 » : secondes entre 1 et 3600 attendues" "$RDV" notify

"$RDV" notify --help >"$T/out" 2>"$T/err"
is "$? $(head -1 "$T/out")" "0 usage : rdv notify [--once] [--db CONNINFO] [--backoff S] [--backoff-max S]" \
	"--help prints the usage on stdout, exit 0"
"$RDV" --help >"$T/out"
like "$(cat "$T/out")" "notify    envoi des notifications par e-mail" "rdv --help lists notify"

"$RDV" notify --once >"$T/out" 2>"$T/err"
is "$?" "1" "a database that cannot be reached: exit 1"
like "$(cat "$T/err")" "rdv: connexion impossible" "and says so"

done_testing
