/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/agenda.h"

#include <stdlib.h>
#include <string.h>

#include "core/holidays.h"
#include "core/rrule.h"
#include "core/xmalloc.h"

struct agenda *
agenda_new(rdv_date from, int ndays)
{
	struct agenda *a = xcalloc(1, sizeof *a);
	a->from = from;
	a->ndays = ndays;
	return a;
}

void
agenda_free(struct agenda *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].title);
		free(a->items[i].detail);
		free(a->items[i].color);
	}
	free(a->items);
	free(a);
}

static bool
agenda_has_day(const struct agenda *a, rdv_date d)
{
	return d >= a->from && d < a->from + a->ndays;
}

struct agenda_item *
agenda_add(struct agenda *a, enum agenda_kind kind, int id, int agent_id, rdv_date day,
	   int start, int end, const char *title, const char *detail, const char *color)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->items = xreallocarray(a->items, a->cap, sizeof *a->items);
	}
	struct agenda_item *it = &a->items[a->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->id = id;
	it->agent_id = agent_id;
	it->day = day;
	it->start = start;
	it->end = end;
	it->title = title ? xstrdup(title) : NULL;
	it->detail = detail ? xstrdup(detail) : NULL;
	it->color = color ? xstrdup(color) : NULL;
	it->status = RDV_UNKNOWN;
	return it;
}

size_t
agenda_add_span(struct agenda *a, enum agenda_kind kind, int id, int agent_id, rdv_time start,
		rdv_time end, const char *title, const char *detail, const char *color)
{
	size_t added = 0;
	rdv_date d0 = cal_time_date(start), d1 = cal_time_date(end - 1);
	for (rdv_date d = d0; d <= d1; d++) {
		if (!agenda_has_day(a, d))
			continue;
		int s = d == d0 ? cal_time_minute(start) : 0;
		int e = d == cal_time_date(end) ? cal_time_minute(end) : CAL_MIN_PER_DAY;
		agenda_add(a, kind, id, agent_id, d, s, e, title, detail, color);
		added++;
	}
	return added;
}

bool
agenda_add_recurring(struct agenda *a, enum agenda_kind kind, int id, int agent_id,
		     rdv_date first_day, int start, rdv_date end_day, int end, const char *rrule,
		     const char *title, const char *detail, char **err)
{
	struct rrule *r = rrule_parse(rrule, first_day, err);
	if (r == NULL)
		return false;
	/* An occurrence lasts as long as the first one (reference §1.20). */
	rdv_time length = cal_time(end_day, end) - cal_time(first_day, start);
	int span_days = (int)(end_day - first_day);
	rdv_date *dates = NULL;
	size_t n = rrule_dates(r, a->from - span_days, a->from + a->ndays - 1, &dates);
	for (size_t i = 0; i < n; i++) {
		rdv_time s = cal_time(dates[i], start);
		agenda_add_span(a, kind, id, agent_id, s, s + length, title, detail, NULL);
	}
	free(dates);
	rrule_free(r);
	return true;
}

void
agenda_add_holidays(struct agenda *a, int zone, bool open_on_whit_monday, bool open_on_holidays)
{
	struct holiday *h = NULL;
	size_t n = holidays_between(zone, a->from, a->from + a->ndays - 1, &h);
	for (size_t i = 0; i < n; i++) {
		struct agenda_item *it =
		    agenda_add(a, AGENDA_HOLIDAY, 0, 0, h[i].date, 0, CAL_MIN_PER_DAY, h[i].name, NULL, NULL);
		it->worked = open_on_holidays || (open_on_whit_monday && h[i].whit_monday);
	}
	free(h);
}

static int
item_cmp(const void *pa, const void *pb)
{
	const struct agenda_item *x = pa, *y = pb;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->agent_id != y->agent_id)
		return x->agent_id < y->agent_id ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void
agenda_sort(struct agenda *a)
{
	if (a->n > 1)
		qsort(a->items, a->n, sizeof *a->items, item_cmp);
}

size_t
agenda_warnings(const struct agenda *a, int agent_id, rdv_time start, rdv_time end, int exclude_rdv,
		rdv_time now, struct warnings *out)
{
	size_t before = out->n;
	if (start < now)
		warnings_add(out, warning_new(WARNING_PAST, NULL));
	bool in_plage = false;
	for (size_t i = 0; i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		rdv_time s = cal_time(it->day, it->start), e = cal_time(it->day, it->end);
		bool touches = s < end && e > start;
		if (it->kind == AGENDA_HOLIDAY && touches && !it->worked) {
			warnings_add(out, warning_new(WARNING_HOLIDAY, it->title ? it->title : ""));
			continue;
		}
		if (it->agent_id != agent_id || !touches)
			continue;
		struct warning w;
		if (it->kind == AGENDA_ABSENCE) {
			w = warning_new(WARNING_ABSENCE, it->title ? it->title : "");
		} else if (it->kind == AGENDA_RDV && it->id != exclude_rdv &&
			   !rdv_status_is_cancelled(it->status)) {
			w = warning_new(WARNING_RDV_OVERLAP,
					it->other_org ? NULL : it->title ? it->title : "");
		} else {
			if (it->kind == AGENDA_PLAGE && s <= start && e >= end)
				in_plage = true;
			continue;
		}
		w.start = it->start;
		w.end = it->end;
		warnings_add(out, w);
	}
	if (!in_plage)
		warnings_add(out, warning_new(WARNING_OUTSIDE_PLAGE, NULL));
	return out->n - before;
}

enum agenda_layer
agenda_item_layer(const struct agenda_item *it)
{
	switch (it->kind) {
	case AGENDA_RDV:
		return AGENDA_LAYER_RDV;
	case AGENDA_ABSENCE:
		return AGENDA_LAYER_ABSENCE;
	case AGENDA_HOLIDAY:
		return it->worked ? AGENDA_LAYER_EMPTY : AGENDA_LAYER_HOLIDAY;
	case AGENDA_PLAGE:
		return AGENDA_LAYER_PLAGE;
	}
	return AGENDA_LAYER_EMPTY;
}

/* Whether x should own a cell rather than y, both of the same layer. */
static bool
owner_before(const struct agenda_item *x, const struct agenda_item *y)
{
	if (x->start != y->start)
		return x->start < y->start;
	if (x->end != y->end)
		return x->end > y->end;
	if (x->id != y->id)
		return x->id < y->id;
	return x < y;
}

struct agenda_cell
agenda_cell_at(const struct agenda *a, int agent_id, rdv_date day, int t, int step,
	       bool show_cancelled)
{
	struct agenda_cell c = {AGENDA_LAYER_EMPTY, NULL, false};
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->day != day || it->start >= t + step || it->end <= t)
			continue;
		if (it->kind == AGENDA_HOLIDAY ? it->agent_id != 0 : it->agent_id != agent_id)
			continue;
		if (it->kind == AGENDA_RDV && !show_cancelled && rdv_status_is_cancelled(it->status))
			continue;
		enum agenda_layer l = agenda_item_layer(it);
		if (l == AGENDA_LAYER_EMPTY || l < c.layer)
			continue;
		if (l > c.layer || owner_before(it, c.item)) {
			c.layer = l;
			c.item = it;
		}
	}
	return c;
}

void
agenda_column(const struct agenda *a, int agent_id, rdv_date day, int first, int step, int rows,
	      bool show_cancelled, struct agenda_cell *cells)
{
	for (int r = 0; r < rows; r++) {
		int t = first + r * step;
		struct agenda_cell c = agenda_cell_at(a, agent_id, day, t, step, show_cancelled);
		const struct agenda_item *prev = r > 0 ? cells[r - 1].item : NULL;
		if (c.layer == AGENDA_LAYER_PLAGE) {
			/* Its first row shown (where it starts, or the top), once. */
			c.label = true;
			for (int k = 0; k < r && c.label; k++)
				c.label = cells[k].item != c.item;
		} else if (c.layer == AGENDA_LAYER_ABSENCE)
			c.label = prev != c.item;
		cells[r] = c;
	}
}

static int
floor_div(int x, int y)
{
	return x >= 0 ? x / y : -((-x + y - 1) / y);
}

/* Widen [*first, *last) to the hour holding minute m. */
static void
widen_hour(int *first, int *last, int m)
{
	if (m < 0)
		m = 0;
	if (m > CAL_MIN_PER_DAY - 1)
		m = CAL_MIN_PER_DAY - 1;
	int h = m - m % 60;
	if (h < *first)
		*first = h;
	if (h + 60 > *last)
		*last = h + 60;
}

struct agenda_layout
agenda_layout(const struct agenda *a, rdv_date day0, int ndays, int *cursor_min, int avail_rows)
{
	enum { DEFAULT_FIRST = 8 * 60, DEFAULT_LAST = 18 * 60 };
	int first = DEFAULT_FIRST, last = DEFAULT_LAST;
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->kind == AGENDA_HOLIDAY || it->day < day0 || it->day >= day0 + ndays ||
		    it->end <= it->start)
			continue;
		/* An edge at 00:00 or 24:00 is the day's, not the item's. */
		if (it->start > 0)
			widen_hour(&first, &last, it->start);
		if (it->end < CAL_MIN_PER_DAY)
			widen_hour(&first, &last, it->end - 1);
	}
	int cursor = *cursor_min;
	if (cursor < 0)
		cursor = 0;
	if (cursor > CAL_MIN_PER_DAY - 1)
		cursor = CAL_MIN_PER_DAY - 1;
	widen_hour(&first, &last, cursor);

	struct agenda_layout l = {first, 60, 0};
	if (avail_rows <= 0) {
		*cursor_min = cursor - cursor % 60;
		return l;
	}
	static const int steps[] = {5, 10, 15, 20, 30, 60};
	bool fits = false;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if ((last - first + steps[i] - 1) / steps[i] <= avail_rows) {
			l.step = steps[i];
			fits = true;
			break;
		}
	if (fits) {
		/* Rows to spare show later hours, then earlier ones, never past 24:00. */
		int span = avail_rows * l.step;
		if (span >= CAL_MIN_PER_DAY) {
			l.first = 0;
		} else {
			l.first = first;
			if (l.first + span > CAL_MIN_PER_DAY)
				l.first = CAL_MIN_PER_DAY - span;
		}
		l.rows = (CAL_MIN_PER_DAY - l.first) / l.step;
		if (l.rows > avail_rows)
			l.rows = avail_rows;
	} else {
		/* An hour a row and still too long: a window around the cursor. */
		int span = avail_rows * 60;
		int start = floor_div(cursor - span / 2, 60) * 60;
		if (start > last - span)
			start = last - span;
		if (start < first)
			start = first;
		l.first = start;
		l.rows = avail_rows;
	}
	cursor -= (cursor - l.first) % l.step;
	*cursor_min = cursor;
	return l;
}
