/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_AGENDA_H
#define RDV_CORE_AGENDA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/status.h"
#include "core/warning.h"

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

/*
 * Add an item for one day; strings are copied (NULL allowed). Returns the
 * new item, owned by a: valid until the next agenda_add*(), agenda_sort()
 * or agenda_free() (items[] may move).
 */
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
 * The agenda must hold the agent's items for those days. The warnings are
 * added to *out (core/warning.h: one a kind and time, so two agents of one
 * rdv give a holiday once); returns how many were new.
 */
size_t agenda_warnings(const struct agenda *a, int agent_id, rdv_time start, rdv_time end,
		       int exclude_rdv, rdv_time now, struct warnings *out);

/* Sort by day, kind, start (a stable order; drawing order is agenda_cell_at's). */
void agenda_sort(struct agenda *a);

/*
 * Drawing: what owns a cell of the grid (an agent's day column over the
 * minutes [t, t + step) of one row). Every view (week, day, agents side by
 * side) and every theme paints what these functions say, nothing else.
 *
 * Fixed priority, highest first: rdv > indisponibilité > jour férié (not
 * worked) > plage d'ouverture > empty. Among items of the same layer the
 * owner is the earliest start, then the longest, then the lowest id.
 */
enum agenda_layer {
	AGENDA_LAYER_EMPTY,
	AGENDA_LAYER_PLAGE,
	AGENDA_LAYER_HOLIDAY,
	AGENDA_LAYER_ABSENCE,
	AGENDA_LAYER_RDV,
};

struct agenda_cell {
	enum agenda_layer layer;
	const struct agenda_item *item; /* the owner; NULL when empty */
	/*
	 * The owner's name belongs on this row: a plage on its first visible
	 * row, an indisponibilité on the first row of each visible run (so a
	 * multi-day absence is named on every day, and again after an rdv).
	 */
	bool label;
};

/* The layer an item draws in; AGENDA_LAYER_EMPTY for a worked holiday. */
enum agenda_layer agenda_item_layer(const struct agenda_item *it);

/*
 * The owner of agent_id's cell on day over [t, t + step). Holidays (agent
 * 0) apply to every agent; cancelled rdvs count only when show_cancelled.
 */
struct agenda_cell agenda_cell_at(const struct agenda *a, int agent_id, rdv_date day, int t,
				  int step, bool show_cancelled);

/* The rows first, first + step, … of one column (rows cells), labels set. */
void agenda_column(const struct agenda *a, int agent_id, rdv_date day, int first, int step,
		   int rows, bool show_cancelled, struct agenda_cell *cells);

/* The hours shown by a view. */
struct agenda_layout {
	int first;  /* minute of the first row, a multiple of step */
	int step;   /* minutes per row: 5, 10, 15, 20, 30 or 60 */
	int rows;   /* rows used (≤ the rows available): never past 23:59 */
};

/*
 * Choose the hours for avail_rows rows: 08:00–18:00 widened to the items of
 * the days [day0, day0 + ndays) and to the cursor's hour, at the finest step
 * that fits; when the day does not fit at an hour a row, a window scrolled to
 * keep the cursor in view. Items running on from the previous day or into the
 * next (starting at 00:00, ending at 24:00) widen the range by their inner
 * edge only. Always 0 <= first and first + rows * step <= 24:00, and the
 * cursor's row is shown; *cursor_min (0 … 1439) is moved to its row's start.
 */
struct agenda_layout agenda_layout(const struct agenda *a, rdv_date day0, int ndays,
				   int *cursor_min, int avail_rows);

#endif
