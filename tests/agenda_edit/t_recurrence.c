/* SPDX-License-Identifier: MIT */
/* The recurrence fields of the plage and absence editors: RRULE in and out, without a terminal. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/xmalloc.h"
#include "tests/tap.h"
#include "ui/form.h"
#include "ui/recurrence.h"

/* The RRULE the fields give for first_day, "none" for no rule, or "error: …". Caller frees. */
static char *
read_rule(struct form *f, const struct recurrence_fields *r, rdv_date first_day)
{
	char *rule = NULL, *err = NULL;
	if (!recurrence_read(f, r, first_day, &rule, &err)) {
		char *out = xasprintf("error: %s", err);
		free(err);
		return out;
	}
	return rule ? rule : xstrdup("none");
}

static void
check(struct form *f, const struct recurrence_fields *r, rdv_date first_day, const char *want,
      const char *what)
{
	char *got = read_rule(f, r, first_day);
	is_str(got, want, what);
	free(got);
}

int
main(void)
{
	rdv_date fri = cal_date(2026, 5, 22), wed = cal_date(2026, 5, 20);

	struct form *f = form_new();
	struct recurrence_fields r;
	recurrence_add(f, &r, NULL, fri);
	is_int(form_choice_id(f, r.repeat), RECUR_NONE, "no rule: no repetition");
	ok(form_checked(f, r.days[4]) && !form_checked(f, r.days[0]),
	   "the first day's weekday is checked");
	check(f, &r, fri, "none", "no repetition, no RRULE");

	form_choice_select(f, r.repeat, RECUR_WEEKLY);
	check(f, &r, fri, "FREQ=WEEKLY;BYDAY=FR", "weekly on the first day's weekday");
	f->fields[r.days[1]].checked = true;
	form_set_text(f, r.interval, "2");
	form_set_text(f, r.until, "31/07/2026");
	check(f, &r, fri, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20260731",
	      "every 2 weeks on Tuesday and Friday until 31 July");
	char *desc = recurrence_describe(f, &r, fri);
	is_str(desc, "toutes les 2 semaines le mardi et le vendredi, jusqu'au 31/07/2026",
	       "described in French");
	free(desc);

	f->fields[r.days[4]].checked = false;
	check(f, &r, fri, "error: Jours : cochez aussi le vendredi, jour du premier jour",
	      "the first day must be one of the checked days");
	is_int(f->focus, r.days[4], "the focus goes to that day");
	f->fields[r.days[4]].checked = true;

	form_set_text(f, r.interval, "6");
	check(f, &r, fri, "error: Toutes les : un nombre de 1 à 5", "an interval of 6 is refused");
	is_int(f->focus, r.interval, "on the interval field");
	form_set_text(f, r.interval, "1");
	form_set_text(f, r.until, "22/05/2026");
	check(f, &r, fri, "error: Jusqu'au : doit être après le premier jour",
	      "a last day on the first day is refused");
	form_set_text(f, r.until, "");

	form_choice_select(f, r.repeat, RECUR_MONTHLY);
	check(f, &r, fri, "FREQ=MONTHLY;BYDAY=4FR", "monthly: 22 May is the 4th Friday");
	check(f, &r, wed, "FREQ=MONTHLY;BYDAY=3WE", "20 May is the 3rd Wednesday");
	desc = recurrence_describe(f, &r, wed);
	is_str(desc, "le 3e mercredi de chaque mois", "described in French");
	free(desc);
	form_set_text(f, r.interval, "3");
	check(f, &r, cal_date(2026, 5, 29), "FREQ=MONTHLY;INTERVAL=3;BYDAY=5FR",
	      "every 3 months on the 5th Friday");
	form_free(f);

	/* An existing rule fills the fields back. */
	f = form_new();
	recurrence_add(f, &r, "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE;UNTIL=20261231", wed);
	is_int(form_choice_id(f, r.repeat), RECUR_WEEKLY, "a weekly rule reads back as weekly");
	is_str(form_text(f, r.interval), "3", "with its interval");
	ok(form_checked(f, r.days[0]) && form_checked(f, r.days[2]) && !form_checked(f, r.days[4]),
	   "its days");
	is_str(form_text(f, r.until), "31/12/2026", "and its last day");
	check(f, &r, wed, "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE;UNTIL=20261231",
	      "and reads out unchanged");
	form_free(f);

	f = form_new();
	recurrence_add(f, &r, "FREQ=MONTHLY;BYDAY=3WE", wed);
	is_int(form_choice_id(f, r.repeat), RECUR_MONTHLY, "a monthly rule reads back as monthly");
	check(f, &r, wed, "FREQ=MONTHLY;BYDAY=3WE", "and reads out unchanged");
	form_free(f);
	return done_testing();
}
