/* SPDX-License-Identifier: MIT */
/* The agenda model: occurrences of plages and absences cut to the days shown. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/agenda.h"
#include "core/holidays.h"
#include "tests/tap.h"

static rdv_date
D(int y, int m, int d)
{
	return cal_date(y, m, d);
}

/* Items of one kind as "YYYY-MM-DD HH:MM-HH:MM;…" for exact comparison. */
static char *
dump(const struct agenda *a, enum agenda_kind kind)
{
	static char buf[1024];
	buf[0] = '\0';
	for (size_t i = 0; i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->kind != kind)
			continue;
		char d[11], s[6], e[6];
		cal_format_date(it->day, d);
		cal_format_hhmm(it->start, s);
		cal_format_hhmm(it->end, e);
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof buf - len, "%s%s %s-%s", len ? ";" : "", d, s, e);
	}
	return buf;
}

int
main(void)
{
	char *err = NULL;
	struct agenda *a = agenda_new(D(2026, 3, 9), 7);
	ok(agenda_add_recurring(a, AGENDA_PLAGE, 1, 3, D(2026, 3, 2), 540, D(2026, 3, 2), 720,
				"FREQ=WEEKLY;BYDAY=MO,TU", "Permanence", "Lieu", &err),
	   "a weekly plage expands");
	agenda_sort(a);
	is_str(dump(a, AGENDA_PLAGE), "2026-03-09 09:00-12:00;2026-03-10 09:00-12:00",
	       "weekly MO,TU from 2 March falls on 9 and 10 March");
	is_str(a->items[0].title, "Permanence", "the title is kept");
	is_str(a->items[0].detail, "Lieu", "the detail is kept");
	agenda_free(a);

	a = agenda_new(D(2026, 3, 9), 7);
	ok(agenda_add_recurring(a, AGENDA_PLAGE, 1, 3, D(2026, 3, 2), 540, D(2026, 3, 2), 720,
				"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "P", NULL, &err),
	   "a fortnightly plage expands");
	is_str(dump(a, AGENDA_PLAGE), "", "every two weeks from 2 March skips the week of 9 March");
	agenda_free(a);

	a = agenda_new(D(2026, 3, 9), 7);
	ok(agenda_add_recurring(a, AGENDA_ABSENCE, 2, 3, D(2026, 3, 10), 660, D(2026, 3, 12), 1080,
				NULL, "Formation", NULL, &err),
	   "a multi-day absence is added");
	is_str(dump(a, AGENDA_ABSENCE), "2026-03-10 11:00-24:00;2026-03-11 00:00-24:00;2026-03-12 00:00-18:00",
	       "a multi-day absence is cut into one item per day");
	agenda_free(a);

	a = agenda_new(D(2026, 3, 9), 7);
	agenda_add_recurring(a, AGENDA_ABSENCE, 3, 3, D(2026, 3, 8), 840, D(2026, 3, 10), 600, NULL,
			     "Congé", NULL, &err);
	is_str(dump(a, AGENDA_ABSENCE), "2026-03-09 00:00-24:00;2026-03-10 00:00-10:00",
	       "an absence begun the week before shows from Monday on");
	agenda_free(a);

	a = agenda_new(D(2026, 3, 9), 7);
	ok(!agenda_add_recurring(a, AGENDA_PLAGE, 4, 3, D(2026, 3, 9), 540, D(2026, 3, 9), 600,
				 "FREQ=DAILY", "P", NULL, &err),
	   "an unsupported rule is refused");
	ok(err != NULL && strstr(err, "DAILY") != NULL, "the message names the rule (%s)", err ? err : "");
	free(err);
	err = NULL;
	is_int(a->n, 0, "nothing is added for a refused rule");
	agenda_free(a);

	a = agenda_new(D(2026, 3, 9), 7);
	size_t n = agenda_add_span(a, AGENDA_RDV, 7, 3, cal_time(D(2026, 3, 10), 23 * 60 + 30),
				   cal_time(D(2026, 3, 11), 30), "Zoé", "Motif", "#123456");
	is_int(n, 2, "an rdv across midnight gives two items");
	is_str(dump(a, AGENDA_RDV), "2026-03-10 23:30-24:00;2026-03-11 00:00-00:30",
	       "cut at midnight");
	is_str(a->items[1].color, "#123456", "the colour is kept on each part");
	n = agenda_add_span(a, AGENDA_RDV, 8, 3, cal_time(D(2026, 3, 20), 600),
			    cal_time(D(2026, 3, 20), 630), "Hors", NULL, NULL);
	is_int(n, 0, "an rdv outside the days shown adds nothing");
	agenda_free(a);

	int zone = holiday_zone_find("metropole");
	a = agenda_new(D(2026, 5, 11), 21);
	agenda_add_holidays(a, zone, true, false);
	agenda_sort(a);
	is_int(a->n, 2, "two holidays between 11 and 31 May 2026 (Ascension, Pentecôte)");
	is_str(a->items[0].title, "Ascension", "Ascension on 14 May");
	is_int(a->items[0].day, D(2026, 5, 14), "Ascension's date");
	ok(!a->items[0].worked, "Ascension blocks the day");
	is_str(a->items[1].title, "Lundi de Pentecôte", "Lundi de Pentecôte on 25 May");
	ok(a->items[1].worked, "with open_on_whit_monday the Lundi de Pentecôte is worked");
	agenda_free(a);

	a = agenda_new(D(2026, 5, 11), 7);
	agenda_add_holidays(a, zone, false, true);
	ok(a->n == 1 && a->items[0].worked, "with open_on_holidays every holiday is worked");
	agenda_free(a);

	a = agenda_new(D(2026, 3, 9), 7);
	agenda_add(a, AGENDA_RDV, 1, 3, D(2026, 3, 10), 600, 630, "b", NULL, NULL);
	agenda_add(a, AGENDA_PLAGE, 1, 3, D(2026, 3, 10), 540, 720, "p", NULL, NULL);
	agenda_add(a, AGENDA_RDV, 2, 3, D(2026, 3, 9), 900, 930, "a", NULL, NULL);
	agenda_sort(a);
	ok(a->items[0].day == D(2026, 3, 9) && a->items[1].kind == AGENDA_PLAGE &&
	       a->items[2].kind == AGENDA_RDV,
	   "sorted by day, then plages under rdvs");
	agenda_free(a);
	/* In a child: a crash there fails the check instead of the whole test. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		agenda_free(NULL);
		_exit(0);
	}
	int status = -1;
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "agenda_free(NULL) is a no-op");
	return done_testing();
}
