#!/bin/sh
# SPDX-License-Identifier: MIT
# The request API (db/db.h): replies go to their owner's completion only,
# cancelled requests never complete and their data is freed (issue 12).
# Runs tests/ui/t_requests against a throwaway cluster with the fixtures of
# tests/db/fixtures.sql (t_admin: an agent of organisation A).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

command -v psql >/dev/null 2>&1 || { echo "1..0 # SKIP no psql"; exit 77; }
cluster_start
sql -f "$top_srcdir/tests/db/fixtures.sql" >/dev/null || { echo "Bail out! fixtures"; exit 1; }
"$top_builddir/tests/ui/t_requests" "dbname=rdv user=t_admin"
