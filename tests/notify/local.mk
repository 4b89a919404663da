# E-mail notifications: triggers → outbox → `rdv notify` → a real SMTP
# server (aiosmtpd) on loopback; ics_check parses the calendars with libical.
check_PROGRAMS += tests/notify/ics_check
tests_notify_ics_check_SOURCES = tests/notify/ics_check.c
tests_notify_ics_check_LDADD = $(ICAL_LIBS)

NOTIFY_TESTS = tests/notify/notify_cli.sh tests/notify/notify_outbox.sh \
	tests/notify/notify_smtp.sh tests/notify/notify_resilience.sh \
	tests/notify/notify_controls.sh \
	tests/notify/notify_details.sh \
	tests/notify/usager_e2e.sh \
	tests/notify/ui_notifications.sh
TESTS += $(NOTIFY_TESTS)
EXTRA_DIST += $(NOTIFY_TESTS) tests/notify/lib.sh tests/notify/mailparts.py \
	tests/notify/fake_brevo.py tests/notify/usager_mails.py

# Texts of the messages to usagers, GSM-7 and the 160-septet budget.
check_PROGRAMS += tests/notify/t_usager_text
tests_notify_t_usager_text_SOURCES = tests/notify/t_usager_text.c src/notify/usager_text.c \
	src/notify/gsm7.c src/notify/mail.c
tests_notify_t_usager_text_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/notify/t_usager_text
