/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/agenda.h"
#include "core/xmalloc.h"
#include "db/choices.h"
#include "db/feed.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * The agenda: days as columns, time as rows, for one agent or several side
 * by side (a column per day and agent), as a week or as a single day.
 * Plages, indisponibilités, public holidays and rdvs are drawn in theme
 * slots and also marked with glyphs, so a monochrome terminal reads them.
 */

#define GUTTER 6          /* "09:00 " */
#define DEFAULT_FIRST (8 * 60)
#define DEFAULT_LAST (18 * 60)
#define MAX_ROWS (CAL_MIN_PER_DAY / 5) /* the most rows a layout uses */
#define MAX_AGENTS 8
#define MAX_COLUMNS (7 * MAX_AGENTS)

enum view { VIEW_WEEK, VIEW_DAY };

struct column {
	rdv_date day;
	int agent;              /* index into agent_ids */
};

struct week {
	int agent_ids[MAX_AGENTS];
	int nagents;
	enum view view;
	rdv_date monday;        /* the week shown (the day view's week too) */
	rdv_date cursor_day;
	int cursor_agent;       /* index into agent_ids */
	int cursor_min;         /* start of the cursor's row */
	struct agenda *agenda;  /* NULL while the first load runs */
	rdv_date agenda_monday; /* the week agenda holds */
	unsigned long ticket;   /* the agenda request in flight, 0 when none */
	bool reload_pending;    /* a change arrived while loading */
	struct db_choices *choices; /* agents' names, for headers and the selection */
	struct backoff retry;   /* a failed load is sent again after a delay */
	char status_text[64];
	/* Layout, recomputed at each draw: rows used from first_min, step apart. */
	int step, first_min, rows;
};

static const enum action week_hints[] = {ACT_DAY_PREV, ACT_DAY_NEXT, ACT_WEEK_NEXT, ACT_NEW_RDV,
					 ACT_VIEW,     ACT_AGENTS,   ACT_HELP,      ACT_NONE};
static const enum action week_keymap[] = {
    ACT_DAY_PREV, ACT_DAY_NEXT, ACT_SLOT_PREV, ACT_SLOT_NEXT,   ACT_WEEK_PREV,   ACT_WEEK_NEXT,
    ACT_TODAY,    ACT_VIEW,     ACT_AGENTS,    ACT_TO_FILL,     ACT_NEW_RDV,     ACT_NEW_PLAGE,
    ACT_NEW_ABSENCE, ACT_EDIT,  ACT_DELETE,    ACT_STATUS,      ACT_SELECT,      ACT_NONE};

static rdv_date
today(struct app *app)
{
	return cal_time_date(app_now(app));
}

static int week_loaded(void *state, void *app, struct db_reply *reply);
static int week_retry(void *state, struct app *app);

static void
week_load(struct week *w, struct app *app)
{
	if (w->ticket != 0) {
		/* One request at a time: load again when this one returns. */
		w->reload_pending = true;
		return;
	}
	w->ticket = db_send_agenda(app_read_db(app), app_session(app), w->agent_ids, w->nagents,
				   w->monday, 7, today(app));
	/* Its "occupé" blocks come from every organisation: the feed watches them
	 * from now on (what this load misses, the next feed read reports). */
	app_feed_busy(app, w, w->agent_ids, w->nagents, w->monday, w->monday + 6);
	app_request(app, w, w->ticket, week_loaded);
}

static int
week_choices(void *state, void *app, struct db_reply *reply)
{
	struct week *w = state;
	(void)app;
	if (reply->data) {
		w->choices = reply->data;
		reply->data = NULL;
	}
	return SCREEN_REDRAW;
}

static int
week_loaded(void *state, void *app, struct db_reply *reply)
{
	struct week *w = state;
	w->ticket = 0;
	if (reply->error) {
		app_message(app, true, "Agenda : %s", db_error_text(reply->error));
	} else {
		struct agenda *a = reply->data;
		reply->data = NULL;
		agenda_free(w->agenda);
		w->agenda = a;
		w->agenda_monday = a->from;
		backoff_reset(&w->retry);

	}
	if (w->reload_pending) {
		w->reload_pending = false;
		week_load(w, app);
	} else if (w->agenda_monday != w->monday) {
		/* The week shown has no agenda yet: a failure is tried again later, not at once. */
		if (reply->error)
			app_after(app, w, backoff_delay(&w->retry), week_retry);
		else
			week_load(w, app);
	}
	return SCREEN_REDRAW;
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
	app_request(app, w, db_send_choices(app_db(app), app_session(app)), week_choices);
	return w;
}

static void
week_close(void *state)
{
	struct week *w = state;
	agenda_free(w->agenda);
	db_choices_free(w->choices);
	free(w);
}

static const struct agenda *
week_agenda(const struct week *w)
{
	return w->agenda && w->agenda_monday == w->monday ? w->agenda : NULL;
}

/* "J. BERNARD" for an agent id; the session's own name before the list arrives. */
static const char *
agent_name(const struct week *w, struct app *app, int id)
{
	for (size_t i = 0; w->choices && i < w->choices->nagents; i++)
		if (w->choices->agents[i].id == id)
			return w->choices->agents[i].short_name;
	return id == app_session(app)->agent_id ? app_session(app)->last_name : "?";
}

/* Which days of the week are shown: Monday–Friday, Saturday and Sunday on demand. */
static int
week_days(const struct week *w, struct app *app, rdv_date days[7])
{
	if (w->view == VIEW_DAY) {
		days[0] = w->cursor_day;
		return 1;
	}
	bool show[7] = {true, true, true, true, true, false, false};
	if (app_session(app)->display_saturdays)
		show[5] = true;
	const struct agenda *a = week_agenda(w);
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
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

static int
week_columns(const struct week *w, struct app *app, struct column cols[MAX_COLUMNS])
{
	rdv_date days[7];
	int ndays = week_days(w, app, days), n = 0;
	for (int d = 0; d < ndays; d++)
		for (int a = 0; a < w->nagents; a++)
			cols[n++] = (struct column){.day = days[d], .agent = a};
	return n;
}

/* Choose the hours shown (the core decides, the same for every view). */
static void
week_layout(struct week *w, int rows)
{
	rdv_date day0 = w->view == VIEW_DAY ? w->cursor_day : w->monday;
	struct agenda_layout l =
	    agenda_layout(week_agenda(w), day0, w->view == VIEW_DAY ? 1 : 7, &w->cursor_min, rows);
	w->first_min = l.first;
	w->step = l.step;
	w->rows = l.rows;
}

static bool
covers(const struct agenda_item *it, int t, int step)
{
	return it->start < t + step && it->end > t;
}

static bool
rdv_shown(const struct agenda_item *it, struct app *app)
{
	return !(rdv_status_is_cancelled(it->status) && !app_session(app)->display_cancelled_rdv);
}

static int
rdv_attr(const struct agenda_item *it)
{
	if (it->other_org)
		return theme_attr(SLOT_OTHER);
	if (it->status == RDV_UNKNOWN || it->status == RDV_SEEN)
		return theme_motif_attr(it->color, theme_rdv_slot(it->status));
	return theme_attr(theme_rdv_slot(it->status));
}

/* The look of a cell's owner: theme slot and fill glyph (monochrome reads glyphs). */
static int
cell_attr(const struct agenda_cell *c, wchar_t *fill)
{
	bool colour = theme_has_colour();
	*fill = L' ';
	switch (c->layer) {
	case AGENDA_LAYER_RDV:
		return rdv_attr(c->item);
	case AGENDA_LAYER_ABSENCE:
		*fill = L'╱';
		return theme_attr(SLOT_ABSENCE);
	case AGENDA_LAYER_HOLIDAY:
		*fill = L'░';
		return theme_attr(SLOT_HOLIDAY);
	case AGENDA_LAYER_PLAGE:
		*fill = colour ? L' ' : L'·';
		return theme_attr(c->item->other_org ? SLOT_OTHER : SLOT_PLAGE);
	case AGENDA_LAYER_EMPTY:
		break;
	}
	return theme_attr(SLOT_NORMAL);
}

/*
 * Draw the cells of one column: a day of one agent. Each row is painted as
 * its owner (agenda_column: rdv > indisponibilité > férié > plage > vide);
 * rdv rows then get their text, in lanes when rdvs overlap.
 */
/* The status of an rdv in words (the glyph's meaning). */
static const char *
rdv_words(const struct agenda_item *it, rdv_date today_)
{
	switch (it->status) {
	case RDV_SEEN:
		return "honoré";
	case RDV_EXCUSED:
		return "annulé (excusé)";
	case RDV_REVOKED:
		return "annulé par le service";
	case RDV_NOSHOW:
		return "absence non excusée";
	default:
		return it->day < today_ ? "à renseigner" : "à venir";
	}
}

/*
 * One agenda item in words, for the focus line and the accessible day list:
 * "Élodie Bézier, Premier accueil, à venir, 09:30–10:00",
 * "plage d'ouverture MDS Valence Centre, 09:00–12:00",
 * "indisponibilité Formation CAF, 14:00–17:00", "jour férié Ascension".
 */
static void
item_words(const struct agenda_item *it, rdv_date today_, char *buf, size_t size)
{
	char from[6], to[6];
	cal_format_hhmm(it->start, from);
	cal_format_hhmm(it->end, to);
	switch (it->kind) {
	case AGENDA_RDV:
		if (it->other_org)
			snprintf(buf, size, "occupé (autre organisation), %s–%s", from, to);
		else
			snprintf(buf, size, "%s%s%s, %s, %s–%s", it->title ? it->title : "rendez-vous",
				 it->detail ? ", " : "", it->detail ? it->detail : "", rdv_words(it, today_),
				 from, to);
		break;
	case AGENDA_PLAGE:
		if (it->other_org)
			snprintf(buf, size, "plage d'une autre organisation, %s–%s", from, to);
		else
			snprintf(buf, size, "plage d'ouverture %s, %s–%s",
				 it->detail ? it->detail : it->title ? it->title : "", from, to);
		break;
	case AGENDA_ABSENCE:
		snprintf(buf, size, "indisponibilité %s, %s–%s", it->title ? it->title : "", from, to);
		break;
	case AGENDA_HOLIDAY:
		snprintf(buf, size, "jour férié %s%s", it->title ? it->title : "",
			 it->worked ? " (travaillé)" : "");
		break;
	}
}

/*
 * The cell of agent at (day, minute) in words: "mardi 8 décembre, 09:30,
 * Élodie Bézier, Premier accueil, à venir, 09:30–10:00"; with several
 * agents shown, the agent's name first. Overlapping rdvs are counted.
 */
static void
cell_words(struct week *w, struct app *app, int agent_index, rdv_date day, int minute, char *buf,
	   size_t size)
{
	const struct agenda *a = week_agenda(w);
	int agent = w->agent_ids[agent_index];
	rdv_date today_ = today(app);
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	char hhmm[6];
	cal_format_hhmm(minute, hhmm);
	char who[96] = "";
	if (w->nagents > 1)
		snprintf(who, sizeof who, "%s, ", agent_name(w, app, agent));
	char what[320] = "libre, hors plage d'ouverture";
	struct agenda_cell c = agenda_cell_at(a, agent, day, minute, w->step,
					      app_session(app)->display_cancelled_rdv);
	if (a == NULL)
		snprintf(what, sizeof what, "chargement");
	else if (c.item)
		item_words(c.item, today_, what, sizeof what);
	int others = 0;
	for (size_t i = 0; c.item && c.item->kind == AGENDA_RDV && a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it != c.item && it->kind == AGENDA_RDV && it->day == day && it->agent_id == agent &&
		    rdv_shown(it, app) && covers(it, minute, w->step))
			others++;
	}
	snprintf(buf, size, "%s%s %d %s, %s, %s", who, cal_weekday_name_fr(cal_weekday(day)), d,
		 cal_month_name_fr(m), hhmm, what);
	if (others > 0) {
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, ", et %d autre%s rendez-vous", others, others > 1 ? "s" : "");
	}
}

/*
 * focus_x, when not NULL (the cursor's column), gets the column where the
 * text of the cursor's cell starts.
 */
static void
draw_column(struct week *w, struct app *app, struct column col, int x, int width, int top, int rows,
	    int allday_row, int *focus_x)
{
	int cr = (w->cursor_min - w->first_min) / w->step;
	const struct agenda *a = week_agenda(w);
	int agent = w->agent_ids[col.agent];
	rdv_date today_ = today(app);
	bool show_cancelled = app_session(app)->display_cancelled_rdv;
	const struct agenda_item *holiday = NULL;
	for (size_t i = 0; a && i < a->n; i++)
		if (a->items[i].day == col.day && a->items[i].kind == AGENDA_HOLIDAY)
			holiday = &a->items[i];
	struct agenda_cell cells[MAX_ROWS];
	if (rows > MAX_ROWS)
		rows = MAX_ROWS;
	agenda_column(a, agent, col.day, w->first_min, w->step, rows, show_cancelled, cells);
	for (int r = 0; r < rows; r++) {
		wchar_t fill;
		int attr = cell_attr(&cells[r], &fill);
		draw_fill(top + r, x, width, attr, fill);
		if (!cells[r].label)
			continue;
		const struct agenda_item *it = cells[r].item;
		const char *label = it->kind == AGENDA_PLAGE && it->other_org ? "Autre organisation"
				    : it->kind == AGENDA_PLAGE && it->detail ? it->detail
									     : it->title;
		if (label && *label) {
			char *text = xasprintf(" %s ", label);
			draw_text(top + r, x, width, attr, text);
			free(text);
			if (focus_x && r == cr)
				*focus_x = x + 1;
		}
	}
	if (holiday && rows > 0) {
		char *text = xasprintf("✱ %s%s", holiday->title, holiday->worked ? " (travaillé)" : "");
		draw_text_pad(allday_row, x, width, theme_attr(SLOT_HOLIDAY), text);
		free(text);
	}
	/* Rdv text in lanes when rdvs overlap (an acknowledged overlap). */
	int lane_end[4] = {0};
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->day != col.day || it->kind != AGENDA_RDV || it->agent_id != agent ||
		    !rdv_shown(it, app))
			continue;
		int lanes = 1;
		for (size_t j = 0; j < a->n; j++) {
			const struct agenda_item *o = &a->items[j];
			if (o != it && o->day == col.day && o->kind == AGENDA_RDV && o->agent_id == agent &&
			    rdv_shown(o, app) && o->start < it->end && o->end > it->start)
				lanes++;
		}
		if (lanes > 4)
			lanes = 4;
		int lane = 0;
		while (lane < lanes - 1 && lane_end[lane] > it->start)
			lane++;
		lane_end[lane] = it->end;
		int lw = width / lanes, lx = x + lane * lw;
		if (lane == lanes - 1)
			lw = width - (lx - x);
		int r0 = (it->start - w->first_min) / w->step;
		int r1 = (it->end - w->first_min + w->step - 1) / w->step;
		if (r0 < 0)
			r0 = 0;
		if (r1 > rows)
			r1 = rows;
		int attr = rdv_attr(it);
		char hhmm[6];
		cal_format_hhmm(it->start, hhmm);
		/* The cursor's cell shows this rdv: its text starts at the lane (after the blanks of a second row). */
		if (focus_x && cr >= r0 && cr < r1 && cr < rows && cells[cr].item == it)
			*focus_x = cr == r0 + 1 && !it->other_org ? lx + 6 : lx;
		for (int r = r0; r < r1; r++) {
			draw_fill(top + r, lx, lw, attr, L' ');
			char *text = NULL;
			if (it->other_org)
				text = r == r0 ? xasprintf("%s occupé", hhmm) : NULL;
			else if (r == r0)
				text = xasprintf("%s %s %s", hhmm, theme_rdv_glyph(it->status, it->day, today_), it->title);
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
draw_title(struct week *w, struct app *app)
{
	char title[160];
	int y1, m1, d1, y2, m2, d2;
	if (w->view == VIEW_DAY) {
		cal_ymd(w->cursor_day, &y1, &m1, &d1);
		snprintf(title, sizeof title, " %s %d %s %d", cal_weekday_name_fr(cal_weekday(w->cursor_day)),
			 d1, cal_month_name_fr(m1), y1);
	} else {
		cal_ymd(w->monday, &y1, &m1, &d1);
		cal_ymd(w->monday + 6, &y2, &m2, &d2);
		if (m1 == m2)
			snprintf(title, sizeof title, " Semaine %d · du %d au %d %s %d", cal_iso_week(w->monday),
				 d1, d2, cal_month_name_fr(m2), y2);
		else
			snprintf(title, sizeof title, " Semaine %d · du %d %s au %d %s %d",
				 cal_iso_week(w->monday), d1, cal_month_name_fr(m1), d2, cal_month_name_fr(m2),
				 y2);
	}
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS / 2, theme_attr(SLOT_TITLE), title);
	char who[160];
	const struct db_session *s = app_session(app);
	if (w->nagents == 1 && w->agent_ids[0] == s->agent_id)
		snprintf(who, sizeof who, "Agenda de %s %s ", s->first_name, s->last_name);
	else if (w->nagents == 1)
		snprintf(who, sizeof who, "Agenda de %s ", agent_name(w, app, w->agent_ids[0]));
	else
		snprintf(who, sizeof who, "Agendas de %d agents ", w->nagents);
	draw_text_right(0, COLS / 2, COLS - COLS / 2, theme_attr(SLOT_TITLE), who);
}

/*
 * The linear reading mode (--accessible): the cursor's day of the cursor's
 * agent as a list, one line per time row, the cursor on the line of its
 * time. An item is told in words on its first line; the lines it goes on
 * over say "suite". No grid, no glyph to spell out.
 */
static void
week_draw_list(struct week *w, struct app *app)
{
	int top = 2, rows = LINES - 1 - top;
	struct agenda_layout l = agenda_layout(week_agenda(w), w->cursor_day, 1, &w->cursor_min, rows);
	w->first_min = l.first;
	w->step = l.step;
	w->rows = l.rows;
	int y, m, d;
	cal_ymd(w->cursor_day, &y, &m, &d);
	char title[200];
	snprintf(title, sizeof title, "Agenda de %s, %s %d %s %d%s", agent_name(w, app, w->agent_ids[w->cursor_agent]),
		 cal_weekday_name_fr(cal_weekday(w->cursor_day)), d, cal_month_name_fr(m), y,
		 w->nagents > 1 ? " (← → : agent ou jour suivant)" : "");
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE) | A_BOLD, title);
	const struct agenda *a = week_agenda(w);
	if (a == NULL) {
		draw_text(top, 0, COLS, A_BOLD, "chargement…");
		focus_set(top, 0, "chargement");
		return;
	}
	rdv_date today_ = today(app);
	for (size_t i = 0; i < a->n; i++)
		if (a->items[i].day == w->cursor_day && a->items[i].kind == AGENDA_HOLIDAY) {
			char words[200];
			item_words(&a->items[i], today_, words, sizeof words);
			draw_text(1, 0, COLS, theme_attr(SLOT_HOLIDAY), words);
		}
	int agent = w->agent_ids[w->cursor_agent];
	bool show_cancelled = app_session(app)->display_cancelled_rdv;
	const struct agenda_item *before = NULL;
	for (int r = 0; r < w->rows; r++) {
		int t = w->first_min + r * w->step;
		struct agenda_cell c = agenda_cell_at(a, agent, w->cursor_day, t, w->step, show_cancelled);
		char hhmm[6], words[320] = "libre";
		cal_format_hhmm(t, hhmm);
		if (c.item && c.item->kind == AGENDA_HOLIDAY)
			snprintf(words, sizeof words, "férié");
		else if (c.item && c.item == before)
			snprintf(words, sizeof words, "suite");
		else if (c.item)
			item_words(c.item, today_, words, sizeof words);
		before = c.item;
		bool cursor = t == w->cursor_min;
		draw_text(top + r, 0, 6, theme_attr(SLOT_GRID), hhmm);
		draw_text(top + r, 6, COLS - 6, cursor ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), words);
		if (cursor) {
			char full[512];
			cell_words(w, app, w->cursor_agent, w->cursor_day, t, full, sizeof full);
			focus_set(top + r, 6, full);
		}
	}
}

static void
week_draw(void *state, struct app *app)
{
	struct week *w = state;
	if (theme_accessible()) {
		week_draw_list(w, app);
		return;
	}
	struct column cols[MAX_COLUMNS];
	int ncols = week_columns(w, app, cols);
	/* Several agents need a row for their names. */
	bool names_row = w->nagents > 1;
	int header_rows = names_row ? 4 : 3, allday_row = header_rows - 1;
	int rows = LINES - 1 - header_rows;
	week_layout(w, rows);
	int colw = (COLS - GUTTER) / ncols;
	rdv_date today_ = today(app);
	draw_title(w, app);

	/* Day headers (spanning their agents), agent names, the all-day row. */
	draw_fill(1, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	if (names_row)
		draw_fill(2, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	for (int i = 0; i < ncols; i++) {
		int x = GUTTER + i * colw, cw = i == ncols - 1 ? COLS - x : colw;
		rdv_date day = cols[i].day;
		if (cols[i].agent == 0) {
			int span = colw * w->nagents;
			if (x + span > COLS)
				span = COLS - x;
			char head[48], ddmm[6];
			snprintf(head, sizeof head, "%s %s%s", cal_weekday_abbr_fr(cal_weekday(day)),
				 cal_format_ddmm_fr(day, ddmm), day == today_ ? " ◆" : "");
			int attr = day == today_ ? theme_attr(SLOT_TODAY) : theme_attr(SLOT_HEADER);
			if (day == w->cursor_day)
				attr |= A_UNDERLINE;
			draw_fill(1, x, span, attr, L' ');
			draw_text_center(1, x, span - 1, attr, head);
		}
		if (names_row) {
			int attr = theme_attr(SLOT_HEADER);
			if (day == w->cursor_day && cols[i].agent == w->cursor_agent)
				attr |= A_UNDERLINE;
			draw_text_center(2, x, cw - 1, attr, agent_name(w, app, w->agent_ids[cols[i].agent]));
		}
		draw_fill(allday_row, x, cw, theme_attr(SLOT_NORMAL), L' ');
	}

	/* Time gutter: the layout's rows only, never past 23:59; blank below. */
	for (int r = 0; r < rows; r++) {
		int t = w->first_min + r * w->step;
		char hhmm[8] = "";
		if (r < w->rows && (t % 60 == 0 || w->step >= 60 || r == 0))
			cal_format_hhmm(t, hhmm);
		int attr = t == w->cursor_min ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_GRID);
		draw_text_pad(header_rows + r, 0, GUTTER - 1, attr, hhmm);
	}

	for (int i = 0; i < ncols; i++) {
		int x = GUTTER + i * colw, cw = i == ncols - 1 ? COLS - x : colw;
		bool focused = cols[i].day == w->cursor_day && cols[i].agent == w->cursor_agent;
		int focus_x = x;
		draw_column(w, app, cols[i], x, cw - 1, header_rows, w->rows, allday_row,
			    focused ? &focus_x : NULL);
		if (focused) {
			/* Screen readers follow the cursor: on the cell, at the start of its text. */
			int r = (w->cursor_min - w->first_min) / w->step;
			char words[512];
			cell_words(w, app, w->cursor_agent, w->cursor_day, w->cursor_min, words, sizeof words);
			if (r >= 0 && r < w->rows)
				focus_set(header_rows + r, focus_x, words);
		}
		for (int r = w->rows; r < rows; r++)
			draw_fill(header_rows + r, x, cw - 1, theme_attr(SLOT_NORMAL), L' ');
		/* Column separator: heavier between days than between agents. */
		bool day_edge = cols[i].agent == w->nagents - 1;
		for (int r = 0; r < rows; r++)
			draw_fill(header_rows + r, x + cw - 1, 1, theme_attr(SLOT_GRID), day_edge ? L'│' : L'┊');
		if (cols[i].day == w->cursor_day && cols[i].agent == w->cursor_agent) {
			/* The cursor: the cell at the cursor's time, keeping its text. */
			int r = (w->cursor_min - w->first_min) / w->step;
			if (r >= 0 && r < w->rows)
				mvchgat(header_rows + r, x, cw - 1, (attr_t)(theme_attr(SLOT_CURSOR) & ~A_COLOR),
					(short)PAIR_NUMBER(theme_attr(SLOT_CURSOR)), NULL);
		}
	}
	if (week_agenda(w) == NULL)
		draw_text_center(header_rows + rows / 2, GUTTER, COLS - GUTTER, A_BOLD, " chargement… ");
}

/*
 * The cursor's cell as an editor's target, with the id of the item of that
 * kind under the cursor (0 when none: the editor creates one) and the lieu
 * of the plage there. Caller (the opened screen) frees.
 */
static struct agenda_target *
week_target(const struct week *w, enum agenda_kind kind)
{
	struct agenda_target *t = xcalloc(1, sizeof *t);
	t->agent_id = w->agent_ids[w->cursor_agent];
	t->day = w->cursor_day;
	t->minute = w->cursor_min;
	t->step = w->step;
	const struct agenda *a = week_agenda(w);
	for (size_t i = 0; a && i < a->n; i++) {
		const struct agenda_item *it = &a->items[i];
		if (it->day != w->cursor_day || it->agent_id != t->agent_id || it->other_org ||
		    !covers(it, w->cursor_min, w->step))
			continue;
		if (it->kind == kind)
			t->item_id = it->id;
		if (it->kind == AGENDA_PLAGE)
			t->lieu_id = it->lieu_id;
	}
	/* The item drawn there, when of that kind, is the one meant. */
	struct agenda_cell c = agenda_cell_at(a, t->agent_id, w->cursor_day, w->cursor_min, w->step, true);
	if (c.item && c.item->kind == kind && c.item->kind != AGENDA_HOLIDAY && !c.item->other_org)
		t->item_id = c.item->id;
	return t;
}

/*
 * Edit, status, delete or Entrée on the item under the cursor. Rdvs are
 * drawn on top, so an rdv under the cursor wins; then indisponibilités and
 * plages, whose editors live in ui/plage.c and ui/absence.c.
 */
static int
week_item_action(struct week *w, struct app *app, enum action action)
{
	struct agenda_target *t = week_target(w, AGENDA_RDV);
	if (t->item_id) {
		if (action == ACT_EDIT) {
			app_push(app, &rdv_screen, t);
		} else {
			/* Status, Entrée, or delete (which asks to confirm). */
			t->remove = action == ACT_DELETE;
			app_push(app, &rdv_status_screen, t);
		}
		return SCREEN_REDRAW;
	}
	free(t);
	if (action != ACT_EDIT && action != ACT_DELETE)
		return SCREEN_NONE;
	/* An indisponibilité is drawn over the plages under it: it wins. */
	static const struct {
		enum agenda_kind kind;
		const struct screen_ops *ops;
	} editors[] = {{AGENDA_ABSENCE, &absence_screen}, {AGENDA_PLAGE, &plage_screen}};
	for (size_t i = 0; i < sizeof editors / sizeof editors[0]; i++) {
		t = week_target(w, editors[i].kind);
		if (t->item_id) {
			t->remove = action == ACT_DELETE;
			app_push(app, editors[i].ops, t);
			return SCREEN_REDRAW;
		}
		free(t);
	}
	return SCREEN_NONE;
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

/* ← and →: across agents first, then days; hidden weekend days are skipped. */
static int
week_step(struct week *w, struct app *app, int dir)
{
	int next = w->cursor_agent + dir;
	if (next >= 0 && next < w->nagents) {
		w->cursor_agent = next;
		return SCREEN_REDRAW;
	}
	w->cursor_agent = dir > 0 ? 0 : w->nagents - 1;
	rdv_date d = w->cursor_day + dir;
	bool saturdays = app_session(app)->display_saturdays;
	if (w->view == VIEW_WEEK) {
		if (dir > 0 && cal_weekday(d) == 5 && !saturdays)
			d += 2;
		else if (dir > 0 && cal_weekday(d) == 6)
			d += 1;
		else if (dir < 0 && cal_weekday(d) == 6)
			d -= saturdays ? 1 : 2;
	}
	return week_move(w, app, d);
}

/* The agents of the organisation, to choose whose agendas are shown. */
struct agents_dialog {
	struct week *week;      /* borrowed: the dialog writes the choice into it */
	struct list list;
	bool checked[64];
	int n;
};

static const enum action agents_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_NONE};
static const enum action agents_keymap[] = {ACT_SELECT, KEYMAP_LIST, ACT_NONE};

static void *
agents_open(struct app *app, void *arg)
{
	(void)app;
	struct agents_dialog *d = xcalloc(1, sizeof *d);
	d->week = arg;
	const struct db_choices *c = d->week->choices;
	d->n = c ? (int)(c->nagents < 64 ? c->nagents : 64) : 0;
	for (int i = 0; i < d->n; i++)
		for (int k = 0; k < d->week->nagents; k++)
			if (c->agents[i].id == d->week->agent_ids[k])
				d->checked[i] = true;
	list_set_count(&d->list, d->n);
	return d;
}

static void
agents_close(void *state)
{
	free(state);
}

static void
agents_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct agents_dialog *d = ctx;
	char *line = xasprintf("[%s] %s", d->checked[index] ? "x" : " ",
			       d->week->choices->agents[index].name);
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), line);
	free(line);
	if (selected)
		focus_describe("%s, %s, %d sur %d", d->week->choices->agents[index].name,
			       d->checked[index] ? "coché" : "non coché", index + 1, d->n);
}

static void
agents_draw(void *state, struct app *app)
{
	struct agents_dialog *d = state;
	(void)app;
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE), " Agenda › Agendas affichés côte à côte");
	char *help = xasprintf("Espace : cocher (%d au plus) · Entrée : afficher · Échap : annuler", MAX_AGENTS);
	draw_text(2, 2, COLS - 4, theme_attr(SLOT_GRID), help);
	free(help);
	list_draw(&d->list, 4, 2, COLS - 4, LINES - 6, agents_row, d);
}

static int
agents_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct agents_dialog *d = state;
	if (list_key(&d->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	if (!is_code && ch == ' ' && d->list.selected >= 0) {
		int count = 0;
		for (int i = 0; i < d->n; i++)
			count += d->checked[i];
		if (!d->checked[d->list.selected] && count == MAX_AGENTS) {
			app_message(app, true, "%d agendas au plus côte à côte.", MAX_AGENTS);
			return SCREEN_REDRAW;
		}
		d->checked[d->list.selected] = !d->checked[d->list.selected];
		return SCREEN_REDRAW;
	}
	if (action == ACT_SELECT) {
		struct week *w = d->week;
		int n = 0;
		for (int i = 0; i < d->n && n < MAX_AGENTS; i++)
			if (d->checked[i])
				w->agent_ids[n++] = w->choices->agents[i].id;
		if (n == 0) {
			app_message(app, true, "Cochez au moins un agent (Espace).");
			return SCREEN_REDRAW;
		}
		w->nagents = n;
		w->cursor_agent = 0;
		app_refresh_all(app);
		return SCREEN_CLOSE;
	}
	/* q and Échap close the dialog (ui/app.c). */
	return SCREEN_NONE;
}

static const struct screen_ops agents_screen = {
    .name = "agents",
    .open = agents_open,
    .draw = agents_draw,
    .key = agents_key,
    .close = agents_close,
    .hints = agents_hints,
    .keymap = agents_keymap,
    .dialog = true,
};

static int
week_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct week *w = state;
	(void)ch;
	(void)is_code;
	switch (action) {
	case ACT_DAY_PREV:
		return week_step(w, app, -1);
	case ACT_DAY_NEXT:
		return week_step(w, app, 1);
	case ACT_WEEK_PREV:
		return week_move(w, app, w->cursor_day - (w->view == VIEW_DAY ? 1 : 7));
	case ACT_WEEK_NEXT:
		return week_move(w, app, w->cursor_day + (w->view == VIEW_DAY ? 1 : 7));
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
	case ACT_VIEW:
		w->view = w->view == VIEW_WEEK ? VIEW_DAY : VIEW_WEEK;
		app_message(app, false, w->view == VIEW_DAY ? "Vue jour." : "Vue semaine.");
		return SCREEN_REDRAW;
	case ACT_TO_FILL:
		app_push(app, &to_fill_screen, NULL);
		return SCREEN_REDRAW;
	case ACT_AGENTS:
		if (w->choices == NULL)
			return SCREEN_NONE;
		app_push(app, &agents_screen, w);
		return SCREEN_REDRAW;
	case ACT_NEW_RDV: {
		struct agenda_target *t = week_target(w, AGENDA_RDV);
		t->item_id = 0;
		app_push(app, &rdv_screen, t);
		return SCREEN_REDRAW;
	}
	case ACT_NEW_PLAGE:
	case ACT_NEW_ABSENCE: {
		struct agenda_target *t = week_target(w, action == ACT_NEW_PLAGE ? AGENDA_PLAGE : AGENDA_ABSENCE);
		t->item_id = 0;
		app_push(app, action == ACT_NEW_PLAGE ? &plage_screen : &absence_screen, t);
		return SCREEN_REDRAW;
	}
	case ACT_EDIT:
	case ACT_DELETE:
	case ACT_STATUS:
	case ACT_SELECT:
		return week_item_action(w, app, action);
	default:
		return SCREEN_NONE;
	}
}

static int
week_retry(void *state, struct app *app)
{
	week_load(state, app);
	return SCREEN_NONE;
}
/*
 * Whether other desks' changes touch this screen: one of its agents in the
 * week shown, or the viewer's own past rdvs (the count to fill in), or the
 * busy times of one of its agents in another organisation (rdv.feed_busy,
 * asked for the week of the last load sent).
 */
static bool
week_touched(const struct week *w, struct app *app, const struct db_feed *f)
{
	int me = app_session(app)->agent_id;
	for (int i = 0; i < f->nchanges; i++) {
		const struct db_feed_change *c = &f->changes[i];
		if (db_feed_change_touches(c, w->agent_ids, w->nagents, w->monday, w->monday + 6) ||
		    db_feed_change_touches(c, &me, 1, INT_MIN, today(app) - 1))
			return true;
	}
	return db_feed_busy_touches(f, w->agent_ids, w->nagents);
}

static int
week_changed(void *state, struct app *app)
{
	const struct app_change *c = app_change(app);
	if (c && c->feed && !week_touched(state, app, c->feed))
		return SCREEN_NONE;
	week_load(state, app);
	return SCREEN_NONE;
}

static const char *
week_status(void *state)
{
	struct week *w = state;
	w->status_text[0] = '\0';
	if (w->agenda && w->agenda->to_fill > 0)
		snprintf(w->status_text, sizeof w->status_text, "%d rendez-vous à renseigner (%s)",
			 w->agenda->to_fill, keys_label(ACT_TO_FILL));
	return w->status_text;
}

const struct screen_ops week_screen = {
    .name = "week",
    .open = week_open,
    .draw = week_draw,
    .key = week_key,
    .changed = week_changed,
    .close = week_close,
    .hints = week_hints,
    .keymap = week_keymap,
    .status = week_status,
};
