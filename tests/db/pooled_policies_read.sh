#!/bin/sh
# tests/db/policies_read.pgtap in pooled mode: every agent on the shared role rdv_pool
# with its session token (018_scale.sql, tests/db/pooled.sql).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
RDV_TEST_POOLED=1 exec ${SHELL:-/bin/sh} "$top_srcdir/tests/db/run-pgtap.sh" "$top_srcdir/tests/db/policies_read.pgtap"
