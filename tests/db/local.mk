# Database tests: pgTAP files run on a throwaway cluster by
# tests/db/run-pgtap.sh (PGTAP_LOG_COMPILER), after the migrations and
# tests/db/fixtures.sql.
DB_PGTAP_TESTS = \
	tests/db/feed_tokens.pgtap \
	tests/db/action_cost.pgtap \
	tests/db/policies_read.pgtap \
	tests/db/policies_write.pgtap \
	tests/db/constraints.pgtap \
	tests/db/audit.pgtap \
	tests/db/change_feed.pgtap \
	tests/db/attack_scope.pgtap \
	tests/db/usager_notify.pgtap \
	tests/db/feed_busy.pgtap \
	tests/db/agent_scopes.pgtap \
	tests/db/attack_locks.pgtap

TESTS += $(DB_PGTAP_TESTS)
EXTRA_DIST += tests/db/run-pgtap.sh tests/db/fixtures.sql $(DB_PGTAP_TESTS)

# Seed tests: demo and scale data on a throwaway cluster.
TESTS += tests/db/seed.sh
EXTRA_DIST += tests/db/seed.sh

# Attacks of issue 10 (SECURITY.md) and the catalog invariants; the upgrade
# from the schema before 012_hardening with the demo data.
TESTS += tests/db/attack_definer.sh tests/db/upgrade.sh
EXTRA_DIST += tests/db/attack_definer.sh tests/db/upgrade.sh tests/db/invariants.sql

# Two concurrent sessions racing the last admin of an organisation away.
TESTS += tests/db/last_admin_race.sh
EXTRA_DIST += tests/db/last_admin_race.sh

# A database at 011 holding the demo upgrades, and 013's scoping holds on it.
TESTS += tests/db/upgrade_scoping.sh
EXTRA_DIST += tests/db/upgrade_scoping.sh

# 018_scale: the read, write and attack matrices again in pooled mode (the
# shared role rdv_pool, each agent presenting its session token); the change
# feed and the tokens; a functional test through a real pgbouncer.
TESTS += tests/db/pooled_policies_read.sh tests/db/pooled_policies_write.sh \
	tests/db/pooled_attack_scope.sh tests/db/pgbouncer.sh
EXTRA_DIST += tests/db/pooled_policies_read.sh tests/db/pooled_policies_write.sh \
	tests/db/pooled_attack_scope.sh tests/db/pooled.sql tests/db/pgbouncer.sh
