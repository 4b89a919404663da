#!/bin/sh
# SPDX-License-Identifier: MIT
# `rdv demo` installs its trust-authentication cluster only in a directory of
# the user's own (issue 10, class 8): it refuses a RDV_DEMO_DIR that group or
# others may write to, one under a parent others may write to, a symbolic
# link; it creates its own with mode 0700. French message, exit 2.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
[ -x "${RDV:-}" ] || { echo "1..0 # SKIP rdv not built"; exit 77; }

tmp=$(mktemp -d /tmp/rdv-demo-dir.XXXXXX)
trap 'RDV_DEMO_DIR="$tmp/ok/sub/demo" "$RDV" demo --stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
chmod 700 "$tmp"

demo() { # DIR: run `rdv demo --serve` there; "exit-code|stderr"
	err=$(RDV_DEMO_DIR="$1" "$RDV" demo --serve 2>&1 >/dev/null)
	printf '%s|%s' "$?" "$err"
}

mkdir "$tmp/world" && chmod 777 "$tmp/world"
out=$(demo "$tmp/world")
is "${out%%|*}" 2 "a world-writable RDV_DEMO_DIR: exit 2"
like "$out" "est modifiable par d'autres utilisateurs (mode 0777)" "… saying why, in French"
is "$(ls -A "$tmp/world")" "" "… and nothing is created in it"

mkdir "$tmp/group" && chmod 770 "$tmp/group"
out=$(demo "$tmp/group")
is "${out%%|*}" 2 "a group-writable RDV_DEMO_DIR: exit 2"
like "$out" "(mode 0770)" "… naming its mode"

mkdir "$tmp/parent" && chmod 777 "$tmp/parent"
out=$(demo "$tmp/parent/demo")
is "${out%%|*}" 2 "a RDV_DEMO_DIR under a parent others may write to: exit 2"
like "$out" "$tmp/parent est modifiable" "… naming the parent"
[ -e "$tmp/parent/demo" ]
ok $((1 - $?)) "… and the directory is not created"

mkdir "$tmp/real" && chmod 700 "$tmp/real" && ln -s "$tmp/real" "$tmp/link"
out=$(demo "$tmp/link")
is "${out%%|*}" 2 "a symbolic link as RDV_DEMO_DIR: exit 2"
like "$out" "lien symbolique" "… saying so"

if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
	# As root the server runs as postgres, which must reach the directory.
	[ "$(id -u)" = 0 ] && chmod 755 "$tmp"
	out=$(RDV_DEMO_DIR="$tmp/ok/sub/demo" "$RDV" demo --serve 2>&1)
	like "$out" "host='$tmp/ok/sub/demo'" "a fresh RDV_DEMO_DIR: the demo starts there"
	is "$(stat -c %a "$tmp/ok/sub/demo")" 700 "… in a directory it created with mode 0700"
	is "$(stat -c %a "$tmp/ok/sub") $(stat -c %a "$tmp/ok")" "755 755" "… under parents others cannot write to"
	RDV_DEMO_DIR="$tmp/ok/sub/demo" "$RDV" demo --stop >/dev/null 2>&1
	chmod 755 "$tmp/ok/sub/demo"
	out=$(demo "$tmp/ok/sub/demo")
	is "${out%%|*}" 0 "an existing private directory (0755, mine) is accepted"
	RDV_DEMO_DIR="$tmp/ok/sub/demo" "$RDV" demo --stop >/dev/null 2>&1
else
	for i in 1 2 3 4; do echo "ok # SKIP needs PostgreSQL"; TAP_N=$((TAP_N + 1)); done
fi

done_testing
