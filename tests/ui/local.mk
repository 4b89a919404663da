TESTS += tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh
EXTRA_DIST += tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh
