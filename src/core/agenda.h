/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_AGENDA_H
#define RDV_CORE_AGENDA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/status.h"

/*
 * What an agenda shows for a range of days: plage occurrences, absence
 * occurrences, rdvs and public holidays, each cut to one local day.
 */

enum agenda_kind { AGENDA_HOLIDAY, AGENDA_ABSENCE, AGENDA_PLAGE, AGENDA_RDV };

struct agenda_item {
	enum agenda_kind kind;
	int id;          /* plage, absence or rdv id; 0 for a holiday */
	int agent_id;    /* 0 for a holiday */
	int lieu_id;     /* plage or rdv lieu, 0 when none */
	rdv_date day;    /* local day */
	int start, end;  /* local minutes of the day, 0 … 1440 */
	char *title;     /* plage/absence title, rdv usagers, holiday name */
	char *detail;    /* rdv motif, plage lieu; NULL when none */
	char *color;     /* motif colour "#rrggbb" or NULL */
	enum rdv_status status;
	bool other_org;  /* another organisation's item: greyed, no details */
	bool worked;     /* a holiday that does not block (open_on_whit_monday) */
};

struct agenda {
	rdv_date from;   /* first day shown */
	int ndays;
	int to_fill;     /* the viewer's past rdvs still "unknown" ("à renseigner") */
	struct agenda_item *items;
	size_t n, cap;
};

/* Caller frees with agenda_free(). */
struct agenda *agenda_new(rdv_date from, int ndays);
void agenda_free(struct agenda *a);

/* Add an item for one day; strings are copied (NULL allowed). */
struct agenda_item *agenda_add(struct agenda *a, enum agenda_kind kind, int id, int agent_id,
			       rdv_date day, int start, int end, const char *title,
			       const char *detail, const char *color);

/*
 * Add the occurrences of a plage or an absence that fall in the agenda's
 * days: first_day start … end_day end, repeated by rrule (NULL = once).
 * A multi-day occurrence is cut into one item per day. Returns false and
 * sets *err (caller frees) when the rule is invalid.
 */
bool agenda_add_recurring(struct agenda *a, enum agenda_kind kind, int id, int agent_id,
			  rdv_date first_day, int start, rdv_date end_day, int end,
			  const char *rrule, const char *title, const char *detail, char **err);

/*
 * Add a local time range (an rdv) that may cross midnight, one item per day
 * shown; returns how many were added: they are the last ones of items[].
 */
size_t agenda_add_span(struct agenda *a, enum agenda_kind kind, int id,
		       int agent_id, rdv_time start, rdv_time end, const char *title,
		       const char *detail, const char *color);

/* Add the public holidays of a zone (holidays.h zone index). */
void agenda_add_holidays(struct agenda *a, int zone, bool open_on_whit_monday,
			 bool open_on_holidays);

/*
 * What an agent should know before booking agent_id over the local range
 * [start, end) (reference R-07: warnings, never refusals): a start in the
 * past, a public holiday, an indisponibilité, another rdv of the agent
 * (exclude_rdv: the rdv being edited), no plage d'ouverture around it.
 * The agenda must hold the agent's items for those days. Returns how many;
 * *out gets French messages (caller frees each and the array).
 */
size_t agenda_warnings(const struct agenda *a, int agent_id, rdv_time start, rdv_time end,
		       int exclude_rdv, rdv_time now, char ***out);

/* Sort by day, start, kind (holidays and absences under plages under rdvs). */
void agenda_sort(struct agenda *a);

#endif
