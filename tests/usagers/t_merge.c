/* SPDX-License-Identifier: MIT */
/* The merge plan: identical and different rows, default and chosen sides,
 * the survivor rules (M-04), the relatives' restriction (M-03), and the
 * choices sent to rdv.usager_merge(). */
#include "config.h"

#include <stdlib.h>

#include "core/merge.h"
#include "core/xmalloc.h"
#include "tests/tap.h"

static struct usager *
person(int id, const char *first, const char *last, const char *email, const char *phone,
       rdv_date birth)
{
	struct usager *u = usager_new();
	u->id = id;
	u->first_name = xstrdup(first);
	u->last_name = xstrdup(last);
	u->email = email ? xstrdup(email) : NULL;
	u->phone = phone ? xstrdup(phone) : NULL;
	u->have_birth_date = birth != 0;
	u->birth_date = birth;
	u->address = xstrdup("5 avenue Gambetta, 26100 Romans-sur-Isère");
	return u;
}

int
main(void)
{
	rdv_date b = cal_date(1979, 8, 19);
	struct usager *a = person(4, "Loïc", "Le Goff", "loic.legoff@example.com", "06 71 52 33 90", b);
	struct usager *c = person(5, "Loic", "Le Goff", NULL, "0671523390", b);
	c->notes = xstrdup("Fiche créée à l'accueil sans adresse e-mail.");
	struct merge_plan *p = merge_plan_new(a, c);
	is_int(p->nrows, MERGE_FIELD_COUNT, "one row per field");
	is_str(p->rows[MERGE_EMAIL].label, "E-mail", "the first row is the e-mail");
	ok(!p->rows[MERGE_EMAIL].same, "e-mail differs (one is empty)");
	ok(!p->rows[MERGE_FIRST_NAME].same, "Loïc and Loic differ");
	ok(p->rows[MERGE_LAST_NAME].same, "same last name");
	ok(p->rows[MERGE_BIRTH_DATE].same, "same birth date");
	is_str(p->rows[MERGE_BIRTH_DATE].value[0], "19/08/1979", "birth date shown JJ/MM/AAAA");
	ok(p->rows[MERGE_PHONE].same, "06 71 52 33 90 and 0671523390 are the same number");
	ok(p->rows[MERGE_ADDRESS].same, "same address");
	ok(p->rows[MERGE_BIRTH_NAME].same, "both birth names empty: identical");
	ok(!p->rows[MERGE_NOTES].same, "notes differ");
	is_int(p->rows[MERGE_NOTES].keep, 1, "an empty side 0 defaults to side 1");
	is_int(p->rows[MERGE_FIRST_NAME].keep, 0, "otherwise side 0 by default");
	is_int(merge_plan_ndiff(p), 3, "three choices to make: e-mail, first name, notes");
	is_int(merge_plan_survivor(p), 0, "the side of the chosen e-mail survives");
	ok(!merge_plan_choose(p, MERGE_LAST_NAME, 1), "an identical row has no choice");
	ok(merge_plan_choose(p, MERGE_FIRST_NAME, 1), "a differing row can take side 1");
	ok(merge_plan_choose(p, MERGE_EMAIL, 1), "the e-mail row can take side 1");
	is_int(merge_plan_survivor(p), 1, "then side 1 survives");
	is_str(merge_plan_survivor_reason(p), "la fiche de l'e-mail choisi (B) est conservée", "and why");
	char *json = merge_plan_choices_json(p);
	is_str(json, "{\"email\": 2, \"first_name\": 2, \"notes\": 2}",
	       "choices: the e-mail row and the differing rows, sides 1 and 2");
	free(json);
	ok(!merge_plan_choose(p, 99, 0), "no such row");
	ok(!merge_plan_choose(p, MERGE_NOTES, 2), "no such side");
	merge_plan_free(p);

	/* M-04 and M-03: a relative against a responsible. */
	struct usager *parent = person(10, "Marie", "Dupont", "marie@example.com", "0645678901",
				       cal_date(1990, 1, 22));
	parent->nrelatives = 1;
	struct usager *child = person(11, "Marie", "Dupont", NULL, NULL, cal_date(2019, 3, 1));
	child->responsible_id = 12;
	child->responsible_name = xstrdup("Paul DUPONT");
	p = merge_plan_new(child, parent);
	ok(p->relatives, "side 0 is a relative");
	is_int(merge_plan_survivor(p), 1, "a relative cannot survive over a responsible");
	is_str(merge_plan_survivor_reason(p), "A est un proche et B un responsable : la fiche B est conservée",
	       "and the screen says why");
	ok(!p->rows[MERGE_EMAIL].offered, "with a relative the e-mail is not merged");
	ok(!p->rows[MERGE_PHONE].offered, "nor the phone");
	ok(p->rows[MERGE_BIRTH_DATE].offered, "the birth date is");
	ok(p->rows[MERGE_RESPONSIBLE].offered, "the responsible is");
	is_str(p->rows[MERGE_RESPONSIBLE].value[0], "Paul DUPONT (n° 12)", "responsible shown by name");
	ok(p->rows[MERGE_RESPONSIBLE].value[1] == NULL, "none on side 1");
	is_int(p->rows[MERGE_BIRTH_DATE].keep, 1, "the imposed survivor keeps its own values by default");
	ok(!merge_plan_choose(p, MERGE_PHONE, 0), "a row not offered cannot be chosen");
	ok(merge_plan_choose(p, MERGE_EMAIL, 0) == false, "nor the e-mail");
	is_int(merge_plan_survivor(p), 1, "the e-mail row cannot make the relative survive");
	json = merge_plan_choices_json(p);
	is_str(json, "{\"birth_date\": 2, \"responsible_id\": 2}", "choices: offered differing rows only");
	free(json);
	merge_plan_free(p);
	p = merge_plan_new(parent, child);
	is_int(merge_plan_survivor(p), 0, "side 1 a relative: side 0 survives");
	merge_plan_free(p);

	usager_free(a);
	usager_free(c);
	usager_free(parent);
	usager_free(child);
	merge_plan_free(NULL);
	return done_testing();
}
