/* SPDX-License-Identifier: MIT */
/* The typed warning model (src/core/warning.c): one French sentence per kind. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/agenda.h"
#include "core/warning.h"
#include "tests/tap.h"

static void
check_text(struct warning w, const char *want, const char *what)
{
	char *got = warning_text(&w);
	is_str(got, want, "%s", what);
	free(got);
	free(w.text);
}

static struct warning
timed(enum warning_kind kind, const char *text, int start, int end)
{
	struct warning w = warning_new(kind, text);
	w.start = start;
	w.end = end;
	return w;
}

int
main(void)
{
	rdv_date may18;
	cal_parse_date("2026-05-18", &may18);

	/* ---- one sentence per kind */
	check_text(warning_new(WARNING_PAST, NULL), "Le rendez-vous commence dans le passé.", "past");
	check_text(warning_new(WARNING_HOLIDAY, "Lundi de Pentecôte"), "Jour férié : Lundi de Pentecôte.",
		   "holiday");
	check_text(timed(WARNING_ABSENCE, "Formation", 14 * 60, 18 * 60),
		   "Indisponibilité « Formation » de 14:00 à 18:00.", "absence");
	check_text(timed(WARNING_ABSENCE, "Congés", 0, CAL_MIN_PER_DAY),
		   "Indisponibilité « Congés » de 00:00 à 00:00.", "an absence to midnight ends at 00:00");
	check_text(timed(WARNING_RDV_OVERLAP, "Élodie BÉZIER", 10 * 60 + 45, 11 * 60 + 15),
		   "Chevauche un autre rendez-vous de 10:45 à 11:15 : Élodie BÉZIER.", "overlap, named");
	check_text(timed(WARNING_RDV_OVERLAP, NULL, 9 * 60, 9 * 60 + 30),
		   "Chevauche un autre rendez-vous de 09:00 à 09:30.",
		   "overlap with another organisation's rdv: no details");
	check_text(warning_new(WARNING_OUTSIDE_PLAGE, NULL), "En dehors des plages d'ouverture de l'agent.",
		   "outside plage");
	check_text(warning_slot_taken(),
		   "Ce créneau vient d'être pris : un autre rendez-vous de l'agent occupe déjà cet horaire "
		   "(pris à l'instant, ou dans une autre organisation).",
		   "slot taken (23P01)");
	struct warning p = timed(WARNING_PLAGE_OVERLAP, "Permanence Valence Centre", 9 * 60, 12 * 60);
	p.day = may18;
	check_text(p, "Chevauche la plage « Permanence Valence Centre » (09:00–12:00), par exemple le 18/05/2026",
		   "plage overlap (same wording as 008's plage_warnings)");
	p = timed(WARNING_PLAGE_OVERLAP, NULL, 9 * 60, 12 * 60);
	p.day = may18;
	check_text(p, "Chevauche une plage de l'agent dans une autre organisation, par exemple le 18/05/2026",
		   "plage overlap in another organisation: no title");
	struct warning m = warning_new(WARNING_MOTIF_TOO_LONG, "Premier accueil social");
	m.minutes = 45;
	m.length = 30;
	check_text(m, "Le motif « Premier accueil social » dure 45 min, plus que la plage (30 min)",
		   "motif longer than the plage");

	/* ---- severities and lists */
	struct warning d = warning_new(WARNING_PAST, NULL);
	is_int(d.severity, WARNING_CONFIRM, "warnings are confirmed by default (R-07)");
	struct warnings l = {0};
	warnings_add(&l, warning_new(WARNING_OUTSIDE_PLAGE, NULL));
	warnings_add(&l, warning_new(WARNING_HOLIDAY, "Ascension"));
	warnings_add(&l, warning_new(WARNING_HOLIDAY, "Ascension"));
	warnings_add(&l, warning_new(WARNING_OUTSIDE_PLAGE, NULL));
	is_int((int)l.n, 2, "the same warning twice (two agents) is listed once");
	ok(warnings_refusal(&l) == NULL, "nothing refused");
	warnings_add(&l, timed(WARNING_RDV_OVERLAP, "René PERRIN", 13 * 60 + 30, 14 * 60));
	warnings_for_free_slot(&l);
	is_int((int)l.n, 3, "a free slot keeps its three warnings");
	const struct warning *r = warnings_refusal(&l);
	ok(r && r->kind == WARNING_SLOT_TAKEN, "on a slot offered as free, an overlap is the slot taken, refused");
	warnings_clear(&l);
	is_int((int)l.n, 0, "cleared");

	/* ---- from an agent's agenda */
	struct agenda *a = agenda_new(may18, 7);
	agenda_add(a, AGENDA_PLAGE, 1, 3, may18, 9 * 60, 12 * 60, "Permanence", NULL, NULL);
	agenda_add(a, AGENDA_ABSENCE, 2, 3, may18, 11 * 60, 12 * 60, "Réunion", NULL, NULL);
	struct agenda_item *o = agenda_add(a, AGENDA_RDV, 3, 3, may18, 10 * 60, 10 * 60 + 30, NULL, NULL, NULL);
	o->other_org = true;
	rdv_time now = cal_time(may18, 8 * 60);
	size_t n = agenda_warnings(a, 3, cal_time(may18, 9 * 60), cal_time(may18, 9 * 60 + 30), 0, now, &l);
	is_int((int)n, 0, "09:00–09:30 in the plage, free: no warning");
	n = agenda_warnings(a, 3, cal_time(may18, 10 * 60 + 15), cal_time(may18, 11 * 60 + 15), 0, now, &l);
	is_int((int)n, 2, "10:15–11:15: an overlap and the absence");
	char *t0 = warning_text(&l.items[0]), *t1 = warning_text(&l.items[1]);
	is_str(t0, "Indisponibilité « Réunion » de 11:00 à 12:00.", "the absence, by its title");
	is_str(t1, "Chevauche un autre rendez-vous de 10:00 à 10:30.", "another organisation's rdv, unnamed");
	free(t0);
	free(t1);
	n = agenda_warnings(a, 3, cal_time(may18, 11 * 60 + 30), cal_time(may18, 12 * 60 + 30), 0, now, &l);
	is_int((int)n, 1, "a second agent's check adds only what is new (outside plage)");
	ok(l.items[2].kind == WARNING_OUTSIDE_PLAGE, "12:30 is outside the plage");
	warnings_clear(&l);
	agenda_free(a);
	return done_testing();
}
