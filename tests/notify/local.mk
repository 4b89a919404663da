# E-mail notifications: triggers → outbox → `rdv notify` → a real SMTP
# server (aiosmtpd) on loopback; ics_check parses the calendars with libical.
check_PROGRAMS += tests/notify/ics_check
tests_notify_ics_check_SOURCES = tests/notify/ics_check.c
tests_notify_ics_check_LDADD = $(ICAL_LIBS)

NOTIFY_TESTS = tests/notify/notify_cli.sh tests/notify/notify_outbox.sh \
	tests/notify/notify_smtp.sh tests/notify/notify_resilience.sh \
	tests/notify/notify_controls.sh \
	tests/notify/notify_details.sh \
	tests/notify/usager_e2e.sh
TESTS += $(NOTIFY_TESTS)
EXTRA_DIST += $(NOTIFY_TESTS) tests/notify/lib.sh tests/notify/mailparts.py \
	tests/notify/fake_brevo.py tests/notify/usager_mails.py
