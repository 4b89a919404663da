/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/agenda.h"
#include "core/xmalloc.h"
#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * The agenda week view: days as columns, time as rows. Plages, absences,
 * public holidays and rdvs are drawn in theme slots and also marked with
 * glyphs, so that a monochrome terminal reads them too.
 */

#define GUTTER 6          /* "09:00 " */
#define HEADER_ROWS 3     /* title, day names, all-day row */
#define DEFAULT_FIRST (8 * 60)
#define DEFAULT_LAST (18 * 60)
#define MAX_AGENTS 8

struct week {
	int agent_ids[MAX_AGENTS];
	int nagents;
	rdv_date monday;        /* the week shown */
	rdv_date cursor_day;
	int cursor_min;         /* start of the cursor's row */
	struct agenda *agenda;  /* NULL while the first load runs */
	rdv_date agenda_monday; /* the week agenda holds */
	unsigned long ticket;   /* the request in flight, 0 when none */
	bool reload_pending;    /* a change arrived while loading */
	/* Layout, recomputed at each draw. */
	int step, first_min, last_min;
};

static const enum action week_hints[] = {ACT_DAY_PREV, ACT_DAY_NEXT, ACT_WEEK_NEXT, ACT_TODAY,
					 ACT_HELP, ACT_QUIT, ACT_NONE};

static rdv_date
today(struct app *app)
{
	return cal_time_date(app_now(app));
}

static void
week_load(struct week *w, struct app *app)
{
	if (w->ticket != 0) {
		/* One request at a time: load again when this one returns. */
		w->reload_pending = true;
		return;
	}
	w->ticket = db_send_agenda(app_db(app), app_session(app), w->agent_ids, w->nagents,
				   w->monday, 7);
}

static void *
week_open(struct app *app, void *arg)
{
	(void)arg;
	struct week *w = xcalloc(1, sizeof *w);
	w->agent_ids[0] = app_session(app)->agent_id;
	w->nagents = 1;
	rdv_time now = app_now(app);
	w->cursor_day = cal_time_date(now);
	w->monday = cal_week_start(w->cursor_day);
	int m = cal_time_minute(now);
	w->cursor_min = m >= DEFAULT_FIRST && m < DEFAULT_LAST ? m - m % 30 : 9 * 60;
	week_load(w, app);
	return w;
}

static void
week_close(void *state)
{
	struct week *w = state;
	agenda_free(w->agenda);
	free(w);
}

/* Which days of the week are shown: Monday–Friday, Saturday and Sunday on demand. */
static int
week_days(const struct week *w, struct app *app, rdv_date days[7])
{
	bool show[7] = {true, true, true, true, true, false, false};
	if (app_session(app)->display_saturdays)
		show[5] = true;
	if (w->agenda && w->agenda_monday == w->monday)
		for (size_t i = 0; i < w->agenda->n; i++) {
			const struct agenda_item *it = &w->agenda->items[i];
			int wd = (int)(it->day - w->monday);
			if (wd >= 5 && wd < 7 && it->kind != AGENDA_HOLIDAY)
				show[wd] = true;
		}
	int cd = (int)(w->cursor_day - w->monday);
	if (cd >= 0 && cd < 7)
		show[cd] = true;
	int n = 0;
	for (int i = 0; i < 7; i++)
		if (show[i])
			days[n++] = w->monday + i;
	return n;
}

/* Choose the time range and the minutes per row so that the day fits. */
static void
week_layout(struct week *w, int rows)
{
	int first = DEFAULT_FIRST, last = DEFAULT_LAST;
	if (w->agenda && w->agenda_monday == w->monday)
		for (size_t i = 0; i < w->agenda->n; i++) {
			const struct agenda_item *it = &w->agenda->items[i];
			if (it->kind == AGENDA_HOLIDAY || (it->start == 0 && it->end == CAL_MIN_PER_DAY))
				continue;
			if (it->start < first)
				first = it->start - it->start % 60;
			if (it->end > last)
				last = it->end + (60 - it->end % 60) % 60;
		}
	if (w->cursor_min < first)
		first = w->cursor_min - w->cursor_min % 60;
	if (w->cursor_min >= last)
		last = w->cursor_min + 60 - w->cursor_min % 60;
	static const int steps[] = {5, 10, 15, 20, 30, 60};
	w->step = 60;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if ((last - first + steps[i] - 1) / steps[i] <= rows) {
			w->step = steps[i];
			break;
		}
	/* Still too long at an hour a row: scroll to keep the cursor in view. */
	if ((last - first) / w->step > rows) {
		int span = rows * w->step;
		int start = w->cursor_min - span / 2;
		start -= start % 60;
		if (start < first)
			start = first;
		if (start + span > last)
			start = last - span;
		first = start;
		last = start + span;
	}
	w->first_min = first;
	w->last_min = last;
	w->cursor_min -= (w->cursor_min - first) % w->step;
}

static int
rdv_slot(enum rdv_status st)
{
	switch (st) {
	case RDV_SEEN:
		return SLOT_RDV_SEEN;
	case RDV_EXCUSED:
		return SLOT_RDV_EXCUSED;
	case RDV_REVOKED:
		return SLOT_RDV_REVOKED;
	case RDV_NOSHOW:
		return SLOT_RDV_NOSHOW;
	default:
		return SLOT_RDV_UNKNOWN;
	}
}

/* A glyph per status, so the status reads without colour. */
static const char *
rdv_glyph(const struct agenda_item *it, rdv_date today_)
{
	switch (it->status) {
	case RDV_SEEN:
		return "✓";
	case RDV_EXCUSED:
	case RDV_REVOKED:
		return "✗";
	case RDV_NOSHOW:
		return "!";
	default:
		return it->day < today_ ? "?" : "•";
	}
}

static bool
covers(const struct agenda_item *it, int t, int step)
{
	return it->start < t + step && it->end > t;
}

/* Draw the cells of one day column. */
static void
draw_day(struct week *w, struct app *app, rdv_date day, int x, int width, int top, int rows)
{
	const struct agenda *a = w->agenda_monday == w->monday ? w->agenda : NULL;
	bool colour = theme_has_colour();
	rdv_date today_ = today(app);
	const struct agenda_item *holiday = NULL;
	for (size_t i = 0; a && i < a->n; i++)
		if (a->items[i].day == day && a->items[i].kind == AGENDA_HOLIDAY)
			holiday = &a->items[i];
	/* Background: holiday, absences, plages. */
	for (int r = 0; r < rows; r++) {
		int t = w->first_min + r * w->step;
		int attr = theme_attr(SLOT_NORMAL);
		wchar_t fill = L' ';
		const char *label = NULL;
		if (holiday && !holiday->worked) {
			attr = theme_attr(SLOT_HOLIDAY);
			fill = L'░';
		}
		for (size_t i = 0; a && i < a->n; i++) {
			const struct agenda_item *it = &a->items[i];
			if (it->day != day || !covers(it, t, w->step))
				continue;
			if (it->kind == AGENDA_PLAGE && !(holiday && !holiday->worked)) {
				attr = theme_attr(it->other_org ? SLOT_OTHER : SLOT_PLAGE);
				fill = colour ? L' ' : L'·';
				if (it->start >= t && it->start < t + w->step)
					label = it->other_org ? "Autre organisation"
							      : it->detail ? it->detail : it->title;
			} else if (it->kind == AGENDA_ABSENCE) {
				attr = theme_attr(SLOT_ABSENCE);
				fill = L'╱';
				if (it->start >= t && it->start < t + w->step)
					label = it->title;
			}
		}
		draw_fill(top + r, x, width, attr, fill);
		if (label) {
			char *text = xasprintf(" %s ", label);
			draw_text(top + r, x, width, attr, text);
			free(text);
		}
	}
	if (holiday && rows > 0) {
		char *text = xasprintf("✱ %s%s", holiday->title, holiday->worked ? " (travaillé)" : "");
		draw_text_pad(top - 1, x, width, theme_attr(SLOT_HOLIDAY), text);
		free(text);
	}
	/* Rdvs on top, in lanes when they overlap (an acknowledged overlap). */
	int lane_end[8] = {0};
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->day != day || it->kind != AGENDA_RDV)
			continue;
		if (rdv_status_is_cancelled(it->status) && !app_session(app)->display_cancelled_rdv)
			continue;
		int lane = 0;
		while (lane < 7 && lane_end[lane] > it->start)
			lane++;
		lane_end[lane] = it->end;
		int lanes = 1;
		for (size_t j = 0; j < a->n; j++) {
			const struct agenda_item *o = &a->items[j];
			if (o != it && o->day == day && o->kind == AGENDA_RDV && o->start < it->end &&
			    o->end > it->start)
				lanes++;
		}
		if (lanes > 4)
			lanes = 4;
		int lw = width / lanes, lx = x + (lane < lanes ? lane : lanes - 1) * lw;
		if (lane == lanes - 1)
			lw = width - (lx - x);
		int r0 = (it->start - w->first_min) / w->step;
		int r1 = (it->end - w->first_min + w->step - 1) / w->step;
		if (r0 < 0)
			r0 = 0;
		if (r1 > rows)
			r1 = rows;
		int attr;
		if (it->other_org)
			attr = theme_attr(SLOT_OTHER);
		else if (it->status == RDV_UNKNOWN || it->status == RDV_SEEN)
			attr = theme_motif_attr(it->color, rdv_slot(it->status));
		else
			attr = theme_attr(rdv_slot(it->status));
		char hhmm[6];
		cal_format_hhmm(it->start, hhmm);
		for (int r = r0; r < r1; r++) {
			draw_fill(top + r, lx, lw, attr, L' ');
			char *text = NULL;
			if (it->other_org)
				text = r == r0 ? xasprintf("%s occupé", hhmm) : NULL;
			else if (r == r0)
				text = xasprintf("%s %s %s", hhmm, rdv_glyph(it, today_), it->title);
			else if (r == r0 + 1)
				text = xasprintf("      %s", it->detail ? it->detail : "");
			if (text) {
				draw_text(top + r, lx, lw, attr, text);
				free(text);
			}
		}
	}
}

static void
week_draw(void *state, struct app *app)
{
	struct week *w = state;
	const struct db_session *s = app_session(app);
	int rows = LINES - 1 - HEADER_ROWS;
	week_layout(w, rows);
	rdv_date days[7];
	int ndays = week_days(w, app, days);
	int colw = (COLS - GUTTER) / ndays;
	rdv_date today_ = today(app);

	/* Title bar. */
	int y1, m1, d1, y2, m2, d2;
	cal_ymd(w->monday, &y1, &m1, &d1);
	cal_ymd(w->monday + 6, &y2, &m2, &d2);
	char title[160];
	if (m1 == m2)
		snprintf(title, sizeof title, " Semaine %d · du %d au %d %s %d", cal_iso_week(w->monday),
			 d1, d2, cal_month_name_fr(m2), y2);
	else
		snprintf(title, sizeof title, " Semaine %d · du %d %s au %d %s %d",
			 cal_iso_week(w->monday), d1, cal_month_name_fr(m1), d2, cal_month_name_fr(m2),
			 y2);
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS / 2, theme_attr(SLOT_TITLE), title);
	char who[160];
	snprintf(who, sizeof who, "Agenda de %s %s ", s->first_name, s->last_name);
	draw_text_right(0, COLS / 2, COLS - COLS / 2, theme_attr(SLOT_TITLE), who);

	/* Day headers and the all-day row. */
	draw_fill(1, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	for (int i = 0; i < ndays; i++) {
		int x = GUTTER + i * colw, cw = i == ndays - 1 ? COLS - x : colw;
		int y, m, d;
		cal_ymd(days[i], &y, &m, &d);
		char head[48];
		snprintf(head, sizeof head, "%s %02d/%02d%s", cal_weekday_abbr_fr(cal_weekday(days[i])),
			 d, m, days[i] == today_ ? " ◆" : "");
		int attr = days[i] == today_ ? theme_attr(SLOT_TODAY) : theme_attr(SLOT_HEADER);
		if (days[i] == w->cursor_day)
			attr |= A_UNDERLINE;
		draw_fill(1, x, cw, attr, L' ');
		draw_text_center(1, x, cw - 1, attr, head);
		draw_fill(2, x, cw, theme_attr(SLOT_NORMAL), L' ');
	}

	/* Time gutter. */
	for (int r = 0; r < rows; r++) {
		int t = w->first_min + r * w->step;
		char hhmm[8] = "";
		if (t % 60 == 0 || w->step >= 60 || r == 0)
			cal_format_hhmm(t, hhmm);
		int attr = t == w->cursor_min ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_GRID);
		draw_text_pad(HEADER_ROWS + r, 0, GUTTER - 1, attr, hhmm);
	}

	for (int i = 0; i < ndays; i++) {
		int x = GUTTER + i * colw, cw = i == ndays - 1 ? COLS - x : colw;
		draw_day(w, app, days[i], x, cw - 1, HEADER_ROWS, rows);
		/* Column separator. */
		for (int r = 0; r < rows; r++)
			draw_fill(HEADER_ROWS + r, x + cw - 1, 1, theme_attr(SLOT_GRID), L'│');
		if (days[i] == w->cursor_day) {
			/* The cursor: the cell at the cursor's time, keeping its text. */
			int r = (w->cursor_min - w->first_min) / w->step;
			if (r >= 0 && r < rows)
				mvchgat(HEADER_ROWS + r, x, cw - 1, (attr_t)(theme_attr(SLOT_CURSOR) & ~A_COLOR),
					(short)PAIR_NUMBER(theme_attr(SLOT_CURSOR)), NULL);
		}
	}
	if (w->agenda == NULL || w->agenda_monday != w->monday)
		draw_text_center(HEADER_ROWS + rows / 2, GUTTER, COLS - GUTTER, A_BOLD, " chargement… ");
}

/*
 * The cursor's cell as an editor's target, with the id of the item of that
 * kind under the cursor (0 when none: the editor creates one). Caller (the
 * opened screen) frees.
 */
static struct agenda_target *
week_target(const struct week *w, enum agenda_kind kind)
{
	struct agenda_target *t = xcalloc(1, sizeof *t);
	t->agent_id = w->agent_ids[0];
	t->day = w->cursor_day;
	t->minute = w->cursor_min;
	t->step = w->step;
	const struct agenda *a = w->agenda_monday == w->monday ? w->agenda : NULL;
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->kind == kind && it->day == w->cursor_day && it->agent_id == t->agent_id &&
		    !it->other_org && covers(it, w->cursor_min, w->step))
			t->item_id = it->id;
	}
	return t;
}

static int
week_move(struct week *w, struct app *app, rdv_date day)
{
	w->cursor_day = day;
	rdv_date monday = cal_week_start(day);
	if (monday != w->monday) {
		w->monday = monday;
		week_load(w, app);
	}
	return SCREEN_REDRAW;
}

static int
week_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct week *w = state;
	(void)ch;
	(void)is_code;
	switch (action) {
	case ACT_DAY_PREV: {
		rdv_date d = w->cursor_day - 1;
		/* Skip hidden weekend days backwards to Friday. */
		if (cal_weekday(d) == 6 && !app_session(app)->display_saturdays)
			d -= 2;
		else if (cal_weekday(d) == 6)
			d -= 1;
		return week_move(w, app, d);
	}
	case ACT_DAY_NEXT: {
		rdv_date d = w->cursor_day + 1;
		if (cal_weekday(d) == 5 && !app_session(app)->display_saturdays)
			d += 2;
		else if (cal_weekday(d) == 6)
			d += 1;
		return week_move(w, app, d);
	}
	case ACT_WEEK_PREV:
		return week_move(w, app, w->cursor_day - 7);
	case ACT_WEEK_NEXT:
		return week_move(w, app, w->cursor_day + 7);
	case ACT_TODAY:
		return week_move(w, app, today(app));
	case ACT_SLOT_PREV:
		if (w->cursor_min - w->step >= 0)
			w->cursor_min -= w->step;
		return SCREEN_REDRAW;
	case ACT_SLOT_NEXT:
		if (w->cursor_min + w->step < CAL_MIN_PER_DAY)
			w->cursor_min += w->step;
		return SCREEN_REDRAW;
	case ACT_QUIT:
		return SCREEN_QUIT;
	default:
		return SCREEN_NONE;
	}
}

static int
week_data(void *state, struct app *app, struct db_reply *reply)
{
	struct week *w = state;
	if (reply->kind != DB_REPLY_AGENDA || reply->ticket != w->ticket)
		return SCREEN_NONE;
	w->ticket = 0;
	if (reply->error) {
		app_message(app, true, "Agenda : %s", db_error_text(reply->error));
	} else {
		struct agenda *a = reply->data;
		reply->data = NULL;
		agenda_free(w->agenda);
		w->agenda = a;
		w->agenda_monday = a->from;
	}
	if (w->reload_pending || w->agenda_monday != w->monday) {
		w->reload_pending = false;
		week_load(w, app);
	}
	return SCREEN_REDRAW;
}

static int
week_changed(void *state, struct app *app)
{
	week_load(state, app);
	return SCREEN_NONE;
}

static int
week_resize(void *state, struct app *app)
{
	(void)state;
	(void)app;
	return SCREEN_REDRAW;
}

const struct screen_ops week_screen = {
    .name = "week",
    .open = week_open,
    .draw = week_draw,
    .key = week_key,
    .resize = week_resize,
    .data = week_data,
    .changed = week_changed,
    .close = week_close,
    .hints = week_hints,
};
