/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/warning.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

struct warning
warning_new(enum warning_kind kind, const char *text)
{
	struct warning w = {.kind = kind, .severity = WARNING_CONFIRM};
	w.text = text ? xstrdup(text) : NULL;
	return w;
}

struct warning
warning_slot_taken(void)
{
	return warning_new(WARNING_SLOT_TAKEN, NULL);
}

/* "09:00" (24:00 as 00:00, as the agenda shows an end at midnight). */
static char *
hhmm(int minute, char buf[6])
{
	return cal_format_hhmm(minute == CAL_MIN_PER_DAY ? 0 : minute, buf);
}

char *
warning_text(const struct warning *w)
{
	const char *t = w->text ? w->text : "";
	char a[6], b[6], d[11];
	switch (w->kind) {
	case WARNING_PAST:
		return xstrdup("Le rendez-vous commence dans le passé.");
	case WARNING_HOLIDAY:
		return xasprintf("Jour férié : %s.", t);
	case WARNING_ABSENCE:
		return xasprintf("Indisponibilité « %s » de %s à %s.", t, hhmm(w->start, a), hhmm(w->end, b));
	case WARNING_RDV_OVERLAP:
		return xasprintf("Chevauche un autre rendez-vous de %s à %s%s%s.", hhmm(w->start, a),
				 hhmm(w->end, b), w->text ? " : " : "", t);
	case WARNING_OUTSIDE_PLAGE:
		return xstrdup("En dehors des plages d'ouverture de l'agent.");
	case WARNING_SLOT_TAKEN:
		return xstrdup("Ce créneau vient d'être pris : un autre rendez-vous de l'agent occupe déjà "
			       "cet horaire (pris à l'instant, ou dans une autre organisation).");
	case WARNING_PLAGE_OVERLAP:
		if (w->text == NULL)
			return xasprintf("Chevauche une plage de l'agent dans une autre organisation, "
					 "par exemple le %s",
					 cal_format_date_fr(w->day, d));
		return xasprintf("Chevauche la plage « %s » (%s–%s), par exemple le %s", t, hhmm(w->start, a),
				 hhmm(w->end, b), cal_format_date_fr(w->day, d));
	case WARNING_MOTIF_TOO_LONG:
		return xasprintf("Le motif « %s » dure %d min, plus que la plage (%d min)", t, w->minutes,
				 w->length);
	}
	return xstrdup("?");
}

static bool
same(const struct warning *x, const struct warning *y)
{
	return x->kind == y->kind && x->start == y->start && x->end == y->end && x->day == y->day &&
	       x->minutes == y->minutes && x->length == y->length &&
	       (x->text == NULL ? y->text == NULL : y->text && strcmp(x->text, y->text) == 0);
}

void
warnings_add(struct warnings *l, struct warning w)
{
	for (size_t i = 0; i < l->n; i++)
		if (same(&l->items[i], &w)) {
			if (w.severity == WARNING_REFUSE)
				l->items[i].severity = WARNING_REFUSE;
			free(w.text);
			return;
		}
	l->items = xreallocarray(l->items, l->n + 1, sizeof *l->items);
	l->items[l->n++] = w;
}

void
warnings_merge(struct warnings *l, struct warnings *from)
{
	for (size_t i = 0; i < from->n; i++)
		warnings_add(l, from->items[i]);
	free(from->items);
	from->items = NULL;
	from->n = 0;
}

void
warnings_clear(struct warnings *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].text);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

const struct warning *
warnings_refusal(const struct warnings *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].severity == WARNING_REFUSE)
			return &l->items[i];
	return NULL;
}

void
warnings_for_free_slot(struct warnings *l)
{
	struct warnings out = {0};
	for (size_t i = 0; i < l->n; i++) {
		struct warning w = l->items[i];
		if (w.kind == WARNING_RDV_OVERLAP || w.kind == WARNING_SLOT_TAKEN) {
			free(w.text);
			w = warning_slot_taken();
			w.severity = WARNING_REFUSE;
		}
		warnings_add(&out, w);
	}
	free(l->items);
	*l = out;
}
