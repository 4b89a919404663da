TESTS += tests/ui/agenda_draw.sh tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh tests/ui/search_book.sh \
	tests/ui/agenda_live.sh tests/ui/agenda_reconnect.sh tests/ui/agenda_failover.sh tests/ui/agenda_rdv.sh \
	tests/ui/keys_forms.sh
EXTRA_DIST += tests/ui/agenda_draw.sh tests/ui/agenda_draw.py tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh tests/ui/search_book.sh \
	tests/ui/agenda_live.sh tests/ui/agenda_reconnect.sh tests/ui/agenda_failover.sh tests/ui/agenda_rdv.sh \
	tests/ui/reconnect_lib.sh tests/ui/keys_forms.sh
