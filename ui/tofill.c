/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xmalloc.h"
#include "db/feed.h"
#include "db/rdvs.h"
#include "ui/draw.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * "Rendez-vous à renseigner": the agent's past rdvs whose status is still
 * unknown, oldest first; Entrée sets a status, and the list follows.
 */

struct to_fill {
	struct db_rdv_briefs *rdvs;
	unsigned long ticket;
	bool reload_pending; /* a change arrived while loading */
	struct list list;
};

static const enum action to_fill_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_NONE};
static const enum action to_fill_keymap[] = {ACT_SELECT, ACT_STATUS, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int to_fill_loaded(void *state, void *app, struct db_reply *reply);

static void
to_fill_load(struct to_fill *t, struct app *app)
{
	if (t->ticket != 0) {
		/* One request at a time: load again when this one returns. */
		t->reload_pending = true;
		return;
	}
	t->ticket = db_send_to_fill(app_db(app), app_session(app), cal_time_date(app_now(app)));
	app_request(app, t, t->ticket, to_fill_loaded);
}

static void *
to_fill_open(struct app *app, void *arg)
{
	(void)arg;
	struct to_fill *t = xcalloc(1, sizeof *t);
	t->list.selected = -1;
	to_fill_load(t, app);
	return t;
}

static void
to_fill_close(void *state)
{
	struct to_fill *t = state;
	db_rdv_briefs_free(t->rdvs);
	free(t);
}

static void
to_fill_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct to_fill *t = ctx;
	const struct db_rdv_brief *b = &t->rdvs->items[index];
	rdv_date day = cal_time_date(b->starts_at);
	char date[11], hhmm[6];
	char *line = xasprintf("%s %s %s  %s · %s", cal_weekday_abbr_fr(cal_weekday(day)), cal_format_date_fr(day, date),
			       cal_format_hhmm(cal_time_minute(b->starts_at), hhmm), b->usagers, b->motif);
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), line);
	free(line);
}

static void
to_fill_draw(void *state, struct app *app)
{
	struct to_fill *t = state;
	(void)app;
	draw_title_bar(" Agenda › Rendez-vous à renseigner", NULL);
	if (t->rdvs == NULL) {
		draw_loading(2);
		return;
	}
	if (t->rdvs->n == 0) {
		draw_text(2, 2, COLS - 4, A_BOLD, "Aucun rendez-vous passé à renseigner.");
		return;
	}
	char *head = xasprintf("%zu rendez-vous passé%s sans statut · Entrée : renseigner", t->rdvs->n,
			       t->rdvs->n > 1 ? "s" : "");
	draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), head);
	free(head);
	list_draw(&t->list, 4, 2, COLS - 4, LINES - 6, to_fill_row, t);
}

static int
to_fill_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct to_fill *t = state;
	if (list_key(&t->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	if (action == ACT_CANCEL)
		return SCREEN_CLOSE;
	if ((action == ACT_SELECT || action == ACT_STATUS) && t->rdvs && t->list.selected >= 0) {
		struct agenda_target *target = xcalloc(1, sizeof *target);
		target->item_id = t->rdvs->items[t->list.selected].id;
		app_push(app, &rdv_status_screen, target);
		return SCREEN_REDRAW;
	}
	return SCREEN_NONE;
}

static int
to_fill_loaded(void *state, void *app, struct db_reply *reply)
{
	struct to_fill *t = state;
	t->ticket = 0;
	if (t->reload_pending) {
		t->reload_pending = false;
		to_fill_load(t, app);
	}
	if (reply->error) {
		app_message(app, true, "Rendez-vous à renseigner : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	db_rdv_briefs_free(t->rdvs);
	t->rdvs = reply->data;
	reply->data = NULL;
	list_set_count(&t->list, (int)t->rdvs->n);
	return SCREEN_REDRAW;
}

/* Whether other desks' changes touch the list: one of my rdvs before today. */
static bool
to_fill_touched(struct app *app, const struct db_feed *f)
{
	int me = app_session(app)->agent_id;
	rdv_date yesterday = cal_time_date(app_now(app)) - 1;
	for (int i = 0; i < f->nchanges; i++) {
		const struct db_feed_change *c = &f->changes[i];
		if (c->table == DB_FEED_OTHER ||
		    (c->table == DB_FEED_RDV && db_feed_change_touches(c, &me, 1, INT_MIN, yesterday)))
			return true;
	}
	return false;
}

static int
to_fill_changed(void *state, struct app *app)
{
	const struct app_change *c = app_change(app);
	if (c && c->feed && !to_fill_touched(app, c->feed))
		return SCREEN_NONE;
	to_fill_load(state, app);
	return SCREEN_NONE;
}

const struct screen_ops to_fill_screen = {
    .name = "to-fill",
    .open = to_fill_open,
    .draw = to_fill_draw,
    .key = to_fill_key,
    .changed = to_fill_changed,
    .close = to_fill_close,
    .hints = to_fill_hints,
    .keymap = to_fill_keymap,
};
