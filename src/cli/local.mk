bin_PROGRAMS += rdv
rdv_SOURCES = src/cli/main.c src/cli/cli.h src/cli/cmd_tui.c src/cli/cmd_demo.c src/cli/cmd_db.c \
	src/cli/options.c src/cli/options.h src/cli/cluster.c src/cli/cluster.h src/cli/cmd_keys.c \
	src/cli/cmd_slots.c src/cli/cmd_holidays.c
rdv_SOURCES += src/cli/cmd_notify.c src/notify/notify.h src/notify/worker.c \
	src/notify/smtp.c src/notify/mail.c src/notify/mail.h src/notify/ics.c src/notify/ics.h \
	src/notify/sms.c src/notify/sms.h src/notify/gsm7.c src/notify/gsm7.h \
	src/notify/usager_text.c src/notify/usager_text.h
rdv_LDADD = ui/libui.a src/config/libconfig.a db/libdb.a src/core/libcore.a $(ALL_LIBS)
rdv_SOURCES += src/cli/cmd_export.c src/export/writer.c src/export/writer.h \
	src/export/backend.h src/export/xlsx.c src/export/pdf.c \
	src/export/rdvexport.c src/export/rdvexport.h
rdv_SOURCES += src/export/pdfdoc.c src/export/pdfdoc.h
