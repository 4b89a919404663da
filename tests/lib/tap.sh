# TAP from shell tests. Source it; call ok/is/like; finish with done_testing.
TAP_N=0
TAP_FAIL=0

# ok STATUS DESCRIPTION — STATUS 0 passes.
ok() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAIL=$((TAP_FAIL + 1))
	fi
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# like TEXT PATTERN DESCRIPTION — PATTERN is a fixed string.
like() {
	if printf '%s\n' "$1" | grep -qF -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$1" | sed 's/^/#   | /' | head -50
		printf '#   expected to contain: %s\n' "$2"
	fi
}

# unlike TEXT PATTERN DESCRIPTION
unlike() {
	if printf '%s\n' "$1" | grep -qF -- "$2"; then
		ok 1 "$3"
		printf '#   unexpected: %s\n' "$2"
	else
		ok 0 "$3"
	fi
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAIL" -eq 0 ]
}

# skip_all REASON — this script cannot run here: TAP skip plan, the reason on
# stderr, exit 77 (tests/lib/run-test.sh). Call it before any TAP line.
skip_all() {
	echo "1..0 # SKIP $1"
	echo "${0##*/}: skipped: $1" >&2
	exit 77
}

# need_postgres — skip without PostgreSQL's server programs (for scripts that
# let `rdv demo` start its own cluster; tests/lib/cluster.sh checks by itself).
need_postgres() {
	[ -x "${PG_BINDIR:-$(pg_config --bindir 2>/dev/null)}/initdb" ] ||
		skip_all "PostgreSQL not found (initdb in PG_BINDIR)"
}
