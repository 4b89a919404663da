# High availability (issue 13 goals 4 and 5): the client on a hot standby.
TESTS += tests/ha/standby.sh
EXTRA_DIST += tests/ha/standby.sh
